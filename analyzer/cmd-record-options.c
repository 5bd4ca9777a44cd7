// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * async-uftrace record-options BINARY [--full]: the uftrace record argv
 * words the analysis needs, one per line (read by scripts/profile.sh).
 */
#include <getopt.h>
#include <stdio.h>

#include "asym.h"
#include "commands.h"
#include "utils.h"

static void record_options_usage(FILE *fp)
{
	fprintf(fp,
		"usage: async-uftrace record-options [--full] BINARY\n"
		"\n"
		"Prints the options for 'uftrace record', one argv word per line.\n"
		"\n"
		"options:\n"
		"      --full           record every function (default: the async structure\n"
		"                       and the calls that explain slow polls)\n"
		"  -h, --help           this text\n");
}

int cmd_record_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "full", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum asym_record_mode mode = ASYM_RECORD_DEFAULT;
	struct asym_binary *bin;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			mode = ASYM_RECORD_FULL;
			break;
		case 'h':
			record_options_usage(stdout);
			return AU_EXIT_OK;
		default:
			record_options_usage(stderr);
			return AU_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		record_options_usage(stderr);
		return AU_EXIT_USAGE;
	}
	err = asym_binary_open(argv[optind], &bin);
	if (err < 0) {
		fprintf(stderr, "async-uftrace: %s: %s\n", argv[optind], asym_strerror(err));
		return AU_EXIT_NOTHING;
	}
	err = asym_binary_record_options(bin, mode, stdout);
	asym_binary_free(bin);
	if (err < 0) {
		fprintf(stderr, "async-uftrace: %s: %s\n", argv[optind], asym_strerror(err));
		return AU_EXIT_NOTHING;
	}
	return AU_EXIT_OK;
}
