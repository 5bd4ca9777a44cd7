// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * async-uftrace analyze DIR [-o OUT.json] [--summary OUT.summary.json] [--report]
 */
#define PR_FMT "analyze"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "diagnose.h"
#include "commands.h"
#include "model.h"
#include "utils.h"
#include "writers.h"

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Progress only on a terminal, and only once the run has lasted a second. */
static void show_progress(struct au_data *data, double t0, double *last, bool done)
{
	const struct au_data_info *info = au_data_info(data);
	double t = now_sec();
	uint64_t rd = au_data_bytes_read(data);

	if (!done && t - *last < 0.5)
		return;
	if (t - t0 < 1.0)
		return;
	*last = t;
	fprintf(stderr, "\rasync-uftrace: %5.1f%% of %.1f MB read, %.1f MB/s%s",
		info->total_bytes ? 100.0 * rd / info->total_bytes : 100.0,
		info->total_bytes / 1e6, rd / 1e6 / (t - t0), done ? "\n" : "");
}

int au_analyze_run(const struct au_analyze_opts *opts)
{
	struct au_data *data = NULL;
	struct au_funcs funcs;
	struct au_model *m;
	struct au_sink *trace = NULL, *summary, *diag;
	struct au_diag_opts dopts = { .long_poll_ns = opts->long_poll_ns,
				      .wake_delay_ns = opts->wake_delay_ns };
	struct au_record rec;
	const struct au_data_errors *errs;
	int err, ret = AU_EXIT_OK;
	double t0 = now_sec(), last = 0;
	bool progress = opts->progress && !au_quiet && isatty(STDERR_FILENO);
	uint64_t n = 0;

	err = au_data_open(opts->dir, &data);
	if (err < 0) {
		pr_err("%s: cannot read the recording: %s", opts->dir, strerror(-err));
		return AU_EXIT_NOTHING;
	}
	au_funcs_build(&funcs, data, opts->binary);
	if (!funcs.nr_futures)
		pr_warn("no future poll functions found in the program: only calls are shown");

	m = au_model_new(data, &funcs);
	diag = au_diagnose_new(&dopts);
	au_model_add_sink(m, diag);
	if (opts->trace) {
		trace = au_trace_json_new(opts->trace);
		au_trace_json_set_diagnostics(trace, diag);
		au_trace_json_set_filter(trace, &opts->filter);
		au_model_add_sink(m, trace);
	}
	summary = au_summary_new();
	au_model_add_sink(m, summary);

	while (au_data_next(data, &rec) > 0) {
		au_model_record(m, &rec);
		if (progress && !(++n & 0xfffff))
			show_progress(data, t0, &last, false);
	}
	au_model_finish(m);
	if (progress && last > 0)
		show_progress(data, t0, &last, true);

	if (trace && au_trace_json_free(trace) < 0) {
		pr_err("writing the trace JSON failed: %s", strerror(EIO));
		ret = AU_EXIT_NOTHING;
	}
	if (opts->summary && au_summary_write(summary, m, diag, opts->summary) < 0) {
		pr_err("writing the summary JSON failed: %s", strerror(EIO));
		ret = AU_EXIT_NOTHING;
	}
	if (opts->report)
		au_report_write(summary, m, diag, opts->report);

	errs = au_data_errors(data);
	if (ret == AU_EXIT_OK && !au_model_records(m)) {
		pr_err("%s: no records: nothing to analyze", opts->dir);
		ret = AU_EXIT_NOTHING;
	} else if (ret == AU_EXIT_OK &&
		   (errs->bad_records || errs->truncated_files || errs->lost_records)) {
		pr_warn("%s: output written, but %llu corrupt records were skipped, %llu files "
			"were truncated and %llu records were lost while recording",
			opts->dir, (unsigned long long)errs->bad_records,
			(unsigned long long)errs->truncated_files,
			(unsigned long long)errs->lost_records);
		ret = AU_EXIT_WARN;
	}

	au_summary_free(summary);
	au_diagnose_free(diag);
	au_model_free(m);
	au_funcs_free(&funcs);
	au_data_close(data);
	return ret;
}

int64_t au_parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		int64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 }, { "", 1 } };
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return -1;
	for (size_t i = 0; i < AU_ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].unit))
			return (int64_t)(v * units[i].ns);
	}
	return -1;
}

/* out.uftrace.data -> out; dir/uftrace.data -> dir/async-uftrace */
static char *default_stem(const char *dir)
{
	char *s = xstrdup(dir), *base, *stem;
	size_t len = strlen(s);
	static const char suffix[] = ".uftrace.data";

	while (len > 1 && s[len - 1] == '/')
		s[--len] = '\0';
	if (len > sizeof(suffix) - 1 && !strcmp(s + len - (sizeof(suffix) - 1), suffix)) {
		s[len - (sizeof(suffix) - 1)] = '\0';
		return s;
	}
	base = strrchr(s, '/');
	if (base)
		*base = '\0';
	stem = xasprintf("%s%sasync-uftrace", base ? s : "", base ? "/" : "");
	free(s);
	return stem;
}

static FILE *open_out(const char *path)
{
	FILE *fp;

	if (!strcmp(path, "-"))
		return stdout;
	fp = fopen(path, "w");
	if (!fp)
		pr_err("%s: cannot write: %s", path, strerror(errno));
	return fp;
}

static void close_out(FILE *fp, const char *path, int *ret)
{
	if (!fp || fp == stdout) {
		if (fp)
			fflush(fp);
		return;
	}
	if (fclose(fp) != 0) {
		pr_err("%s: write failed: %s", path, strerror(errno));
		*ret = AU_EXIT_NOTHING;
	}
}

static void analyze_usage(FILE *fp)
{
	fprintf(fp,
		"usage: async-uftrace analyze [OPTIONS] DIR\n"
		"\n"
		"Reads a uftrace recording of an async Rust program and writes:\n"
		"  a trace JSON for Perfetto (ui.perfetto.dev) and chrome://tracing,\n"
		"  a summary JSON (doc/summary.md), and, with --report, a text report.\n"
		"\n"
		"options:\n"
		"  -o, --output FILE    trace JSON (default: DIR without .uftrace.data + .json)\n"
		"  -s, --summary FILE   summary JSON (default: OUTPUT with .summary.json)\n"
		"      --no-trace       do not write the trace JSON\n"
		"  -r, --report         print the text report on stdout\n"
		"  -b, --binary PATH    the program, if it moved since the recording\n"
		"      --long-poll DUR  a poll longer than this is a diagnostic (default 1ms)\n"
		"      --wake-delay DUR a wake polled later than this is one (default 1ms)\n"
		"\ntrace filters (the summary and report are not filtered):\n"
		"      --min-call DUR   leave calls shorter than this out (polls and runtime\n"
		"                       calls stay; default 0: every call)\n"
		"      --min-poll DUR   leave polls shorter than this out\n"
		"      --hide-runtime   leave library and runtime calls out (their time stays in\n"
		"                       the caller's slice)\n"
		"      --only CRATE     keep only calls of CRATE (and polls, runtime calls)\n"
		"      --task ID        keep only what task ID did (the summary's tasks[].id)\n"
		"\n"
		"  -q, --quiet          no warnings, no progress\n"
		"      --debug          debug messages\n"
		"  -h, --help           this text\n");
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "summary", required_argument, NULL, 's' },
		{ "no-trace", no_argument, NULL, 'T' },
		{ "report", no_argument, NULL, 'r' },
		{ "binary", required_argument, NULL, 'b' },
		{ "long-poll", required_argument, NULL, 'L' },
		{ "wake-delay", required_argument, NULL, 'W' },
		{ "min-call", required_argument, NULL, 'M' },
		{ "min-poll", required_argument, NULL, 'P' },
		{ "hide-runtime", no_argument, NULL, 'H' },
		{ "only", required_argument, NULL, 'O' },
		{ "task", required_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct au_analyze_opts opts = { .progress = true };
	char *output = NULL, *summary = NULL, *stem = NULL;
	bool no_trace = false;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:s:rb:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 's':
			summary = optarg;
			break;
		case 'T':
			no_trace = true;
			break;
		case 'r':
			opts.report = stdout;
			break;
		case 'b':
			opts.binary = optarg;
			break;
		case 'H':
			opts.filter.hide_runtime = true;
			break;
		case 'O':
			opts.filter.only_crate = optarg;
			break;
		case 'K': {
			char *end;

			opts.filter.task = strtoull(optarg, &end, 10);
			if (*end || !opts.filter.task) {
				fprintf(stderr, "async-uftrace analyze: --task takes a task id (the "
					"summary's tasks[].id)\n");
				return AU_EXIT_USAGE;
			}
			break;
		}
		case 'L':
		case 'W':
		case 'P':
		case 'M': {
			int64_t ns = au_parse_duration(optarg);

			if (ns < 0 || (ns == 0 && c != 'M' && c != 'P')) {
				fprintf(stderr, "async-uftrace analyze: bad duration '%s' (e.g. 1ms, "
					"250us)\n", optarg);
				return AU_EXIT_USAGE;
			}
			if (c == 'L')
				opts.long_poll_ns = ns;
			else if (c == 'W')
				opts.wake_delay_ns = ns;
			else if (c == 'P')
				opts.filter.min_poll_ns = ns;
			else
				opts.filter.min_call_ns = ns;
			break;
		}
		case 'q':
			au_quiet = 1;
			break;
		case 'D':
			au_debug = 1;
			break;
		case 'h':
			analyze_usage(stdout);
			return AU_EXIT_OK;
		default:
			analyze_usage(stderr);
			return AU_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "async-uftrace analyze: %s\n",
			optind >= argc ? "missing DIR (a uftrace.data directory)"
				       : "one recording at a time for now");
		analyze_usage(stderr);
		return AU_EXIT_USAGE;
	}
	opts.dir = argv[optind];
	stem = default_stem(opts.dir);
	output = output ? xstrdup(output) : xasprintf("%s.json", stem);
	if (!summary) {
		size_t len = strlen(output);

		if (len > 5 && !strcmp(output + len - 5, ".json"))
			summary = xasprintf("%.*s.summary.json", (int)(len - 5), output);
		else
			summary = xasprintf("%s.summary.json", output);
	} else {
		summary = xstrdup(summary);
	}

	ret = AU_EXIT_NOTHING;
	if (!no_trace && !(opts.trace = open_out(output)))
		goto out;
	if (!(opts.summary = open_out(summary)))
		goto out;
	ret = au_analyze_run(&opts);
	if (ret != AU_EXIT_NOTHING && !au_quiet && !opts.report) {
		if (opts.trace && opts.trace != stdout)
			fprintf(stderr, "trace:   %s (open in https://ui.perfetto.dev)\n", output);
		if (opts.summary != stdout)
			fprintf(stderr, "summary: %s\n", summary);
	}
out:
	close_out(opts.trace, output, &ret);
	close_out(opts.summary, summary, &ret);
	free(output);
	free(summary);
	free(stem);
	return ret;
}
