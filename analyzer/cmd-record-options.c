// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * async-uftrace record-options BINARY [--full]: the uftrace record argv
 * words the analysis needs, one per line (read by scripts/profile.sh).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
		"      --annotate SPEC  also capture FUNCTION@argN[/fmt] (FUNCTION: a regex over\n"
		"                       readable names, e.g. '^client::send$@arg2/u'); repeatable\n"
		"      --symbols-dir DIR  for a patchable binary in the default mode: write its\n"
		"                       symbol file into DIR, for 'uftrace record --with-syms=DIR'\n"
		"                       (on the command line, not in an opt-file), which spares\n"
		"                       libmcount reading the binary's DWARF\n"
		"  -h, --help           this text\n");
}

/*
 * The binary's .sym file in @dir.  Only where no library call is recorded
 * (the patched default adds --no-libcall): the file lists functions, not
 * PLT entries.  The --with-syms option is not printed: uftrace 0.13 keeps
 * that option's value as a pointer into its opt-file buffer, which it
 * frees (doc/findings.md), so it has to be given on the command line.
 */
static int write_symbols(const struct asym_binary *bin, const char *binary, const char *dir)
{
	char real[PATH_MAX], absdir[PATH_MAX], *path;
	FILE *fp;
	int err;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (!realpath(binary, real) || !realpath(dir, absdir))
		return -errno;
	path = xasprintf("%s/%s.sym", absdir, basename(real));
	fp = fopen(path, "w");
	if (!fp) {
		err = -errno;
		free(path);
		return err;
	}
	err = asym_binary_write_symfile(bin, fp);
	if (fclose(fp) && !err)
		err = -EIO;
	if (err < 0)
		unlink(path);
	free(path);
	return err;
}

int cmd_record_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "full", no_argument, NULL, 'f' },
		{ "annotate", required_argument, NULL, 'a' },
		{ "symbols-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum asym_record_mode mode = ASYM_RECORD_DEFAULT;
	struct asym_binary *bin;
	const char *annotate[16], *symbols_dir = NULL;
	unsigned nr_annotate = 0;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			mode = ASYM_RECORD_FULL;
			break;
		case 'a':
			if (nr_annotate == AU_ARRAY_SIZE(annotate)) {
				fprintf(stderr, "async-uftrace: at most %zu --annotate\n",
					AU_ARRAY_SIZE(annotate));
				return AU_EXIT_USAGE;
			}
			annotate[nr_annotate++] = optarg;
			break;
		case 's':
			symbols_dir = optarg;
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
	for (unsigned i = 0; err >= 0 && i < nr_annotate; i++) {
		int n = asym_binary_annotate_options(bin, annotate[i], stdout);

		if (n == -EINVAL) {
			fprintf(stderr, "async-uftrace: --annotate '%s': not FUNCTION@argN[/fmt] "
				"with FUNCTION a regex\n", annotate[i]);
			asym_binary_free(bin);
			return AU_EXIT_USAGE;
		}
		if (n == 0)
			fprintf(stderr, "async-uftrace: --annotate '%s': no function matches\n",
				annotate[i]);
		err = n < 0 ? n : 0;
	}
	if (err >= 0 && symbols_dir && mode == ASYM_RECORD_DEFAULT &&
	    (asym_binary_flags(bin) & ASYM_BIN_PATCHABLE) &&
	    !(asym_binary_flags(bin) & ASYM_BIN_MCOUNT)) {
		int e = write_symbols(bin, argv[optind], symbols_dir);

		/* not fatal: uftrace reads the binary itself, only slower */
		if (e < 0)
			fprintf(stderr, "async-uftrace: warning: no symbol file in %s: %s\n",
				symbols_dir, strerror(-e));
	}
	asym_binary_free(bin);
	if (err < 0) {
		fprintf(stderr, "async-uftrace: %s: %s\n", argv[optind], asym_strerror(err));
		return AU_EXIT_NOTHING;
	}
	return AU_EXIT_OK;
}
