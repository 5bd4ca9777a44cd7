// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * async-uftrace report DIR [--json]: the report (or summary JSON) on stdout.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "analyze.h"
#include "commands.h"
#include "utils.h"

static void report_usage(FILE *fp)
{
	fprintf(fp,
		"usage: async-uftrace report [OPTIONS] DIR\n"
		"\n"
		"Prints what the recording says, most important first (doc/report.md).\n"
		"\n"
		"options:\n"
		"  -j, --json           print the summary JSON instead (doc/summary.md)\n"
		"  -b, --binary PATH    the program, if it moved since the recording\n"
		"      --long-poll DUR  a poll longer than this is a diagnostic (default 1ms)\n"
		"      --wake-delay DUR a wake polled later than this is one (default 1ms)\n"
		"      --slow-poll DUR  a task poll this long counts as slow (tasks[].slow_polls;\n"
		"                       default 50us, as tokio-metrics)\n"
		"      --hide-runtime   list only the program's own futures\n"
		"      --only CRATE     list only CRATE's futures\n"
		"      --min-poll DUR   list only futures whose longest poll reached DUR\n"
		"      --task ID        only task ID: its row, diagnostics, waits and polls\n"
		"                       (rt:N: the task the runtime numbers N)\n"
		"  -q, --quiet          no warnings\n"
		"  -h, --help           this text\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "binary", required_argument, NULL, 'b' },
		{ "long-poll", required_argument, NULL, 'L' },
		{ "wake-delay", required_argument, NULL, 'W' },
		{ "slow-poll", required_argument, NULL, 'Z' },
		{ "min-poll", required_argument, NULL, 'P' },
		{ "hide-runtime", no_argument, NULL, 'H' },
		{ "only", required_argument, NULL, 'O' },
		{ "task", required_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct au_analyze_opts opts = { .report = stdout };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jb:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.summary = stdout;
			opts.report = NULL;
			break;
		case 'b':
			opts.binary = optarg;
			break;
		case 'q':
			au_quiet = 1;
			break;
		case 'h':
			report_usage(stdout);
			return AU_EXIT_OK;
		default:
			if (au_common_option(c, optarg, &opts, "report") > 0)
				break;
			report_usage(stderr);
			return AU_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		report_usage(stderr);
		return AU_EXIT_USAGE;
	}
	opts.dirs = (const char *const *)argv + optind;
	opts.nr_dirs = 1;
	return au_analyze_run(&opts);
}
