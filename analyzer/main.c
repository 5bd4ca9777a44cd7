// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * async-uftrace: what async Rust futures and tasks did, from a uftrace
 * recording.  Parses the subcommand and hands over (uftrace.c style).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "utils.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "analyze", cmd_analyze, "read a recording, write trace JSON, summary and report" },
	{ "report", cmd_report, "print the report of a recording (--json: its summary JSON)" },
	{ "symbols", cmd_symbols, "list the async functions of a binary and their roles" },
	{ "record-options", cmd_record_options, "print the uftrace record options a binary needs" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: async-uftrace COMMAND [OPTIONS] ...\n\ncommands:\n");
	for (size_t i = 0; i < AU_ARRAY_SIZE(commands); i++)
		fprintf(fp, "  %-16s %s\n", commands[i].name, commands[i].help);
	fprintf(fp, "\n'async-uftrace COMMAND --help' describes each command; see doc/.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return AU_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return AU_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("async-uftrace 0.1.0\n");
		return AU_EXIT_OK;
	}
	for (size_t i = 0; i < AU_ARRAY_SIZE(commands); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "async-uftrace: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return AU_EXIT_USAGE;
}
