// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * async-uftrace analyze DIR [-o OUT.json] [--summary OUT.summary.json] [--report]
 */
#define PR_FMT "analyze"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "correlate.h"
#include "diagnose.h"
#include "commands.h"
#include "model.h"
#include "record-pump.h"
#include "recording-limits.h"
#include "utils.h"
#include "writers.h"

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Progress only on a terminal, and only once the run has lasted a second. */
static void show_progress(struct au_data *data, struct au_pump *pump, double t0, double *last,
			  bool done)
{
	const struct au_data_info *info = au_data_info(data);
	double t = now_sec();
	uint64_t rd = au_pump_bytes_read(pump);

	if (!done && t - *last < 0.5)
		return;
	if (t - t0 < 1.0)
		return;
	*last = t;
	fprintf(stderr, "\rasync-uftrace: %5.1f%% of %.1f MB read, %.1f MB/s%s",
		info->total_bytes ? 100.0 * rd / info->total_bytes : 100.0,
		info->total_bytes / 1e6, rd / 1e6 / (t - t0), done ? "\n" : "");
}

static uint64_t total_polls(const struct au_model *m)
{
	uint64_t n = 0;

	for (size_t i = 0; i < au_model_nr_stats(m); i++)
		n += au_model_stats(m, i)->polls;
	return n;
}

/* Tasks were polled: the runtime's task polls were recorded. */
static bool task_polls_seen(const struct au_model *m)
{
	const struct au_tasks *ts = au_model_tasks(m);

	for (size_t i = 0; i < au_tasks_count(ts); i++) {
		if (au_tasks_at(ts, i)->polls)
			return true;
	}
	return false;
}

/* Polls of the program's own futures recorded. */
static uint64_t user_polls(const struct au_model *m)
{
	const struct au_funcs *funcs = au_model_funcs(m);
	uint64_t n = 0;

	for (size_t i = 0; i < au_model_nr_stats(m); i++) {
		const struct au_future_stats *st = au_model_stats(m, i);

		if (st->func >= 0 && (funcs->v[st->func].flags & ASYM_F_USER))
			n += st->polls;
	}
	return n;
}

/* One recording through the model into the writers; the trace sink is
 * shared by all recordings (one timeline), the rest is per recording. */
static int analyze_one(const struct au_analyze_opts *opts, unsigned idx, struct au_sink *trace,
		       int64_t offset)
{
	const char *dir = opts->dirs[idx];
	struct au_data *data = NULL;
	struct au_funcs funcs;
	struct au_model *m;
	struct au_sink *summary, *diag;
	struct au_diag_opts dopts = { .long_poll_ns = opts->long_poll_ns,
				      .wake_delay_ns = opts->wake_delay_ns };
	const struct au_record *rec;
	struct au_pump *pump;
	const struct au_data_errors *errs;
	uint64_t polls;
	size_t mine;  /* the program's own futures in its binary */
	bool tasks_polled;
	int err, ret = AU_EXIT_OK;
	double t0 = now_sec(), last = 0;
	bool progress = opts->progress && !au_quiet && isatty(STDERR_FILENO);
	uint64_t n = 0;

	err = au_data_open(dir, &data);
	if (err < 0) {
		pr_err("%s: cannot read the recording: %s", dir, strerror(-err));
		return AU_EXIT_NOTHING;
	}
	au_data_set_time_offset(data, offset);
	au_recording_limits_warn(dir, au_data_info(data));
	/* --binary names the first recording's program */
	au_funcs_build(&funcs, data, idx == 0 ? opts->binary : NULL);
	if (!funcs.nr_futures)
		pr_warn("%s: no future poll functions found in the program: only calls are shown",
			dir);

	m = au_model_new(data, &funcs);
	au_model_set_slow_poll(m, opts->slow_poll_ns);
	diag = au_diagnose_new(&dopts);
	au_model_add_sink(m, diag);
	if (trace) {
		au_trace_json_set_diagnostics(trace, diag);
		au_model_add_sink(m, trace);
	}
	summary = au_summary_new();
	au_model_add_sink(m, summary);

	/* Another thread reads and decodes, also when a third writes the
	 * trace: on two cores the three together finish sooner than with the
	 * model reading for itself (doc/benchmarks.md). */
	pump = au_pump_start(data, true);
	while ((rec = au_pump_next(pump))) {
		au_model_record(m, rec);
		if (progress && !(++n & 0xfffff))
			show_progress(data, pump, t0, &last, false);
	}
	if (progress && last > 0)
		show_progress(data, pump, t0, &last, true);
	/* the reader is the caller's again: errors, thread counts */
	au_pump_stop(pump);
	au_model_finish(m);
	if (opts->filter.runtime_task) {
		const struct au_tasks *ts = au_model_tasks(m);
		bool found = false;

		for (size_t i = 0; i < au_tasks_count(ts); i++)
			found |= au_tasks_at(ts, i)->runtime_id == opts->filter.runtime_task;
		if (!found)
			pr_warn("%s: --task rt:%llu: no task has that runtime id (tasks[].runtime_id)",
				dir, (unsigned long long)opts->filter.runtime_task);
	}

	if (opts->summary) {
		if (opts->nr_dirs > 1)
			fputs(idx ? ",\n" : "", opts->summary);
		if (au_summary_write(summary, m, diag, opts->summary) < 0) {
			pr_err("writing the summary JSON failed: %s", strerror(EIO));
			ret = AU_EXIT_NOTHING;
		}
	}
	if (opts->report) {
		if (opts->nr_dirs > 1)
			fprintf(opts->report, "%s== %s\n", idx ? "\n" : "", dir);
		au_report_write(summary, m, diag, &opts->filter, opts->report);
	}

	/* (the runtime's task polls recorded but none of the futures they
	 * poll: those were inlined into them, as an optimized build does) */
	polls = total_polls(m);
	mine = au_funcs_in_program(&funcs, ASYM_ROLE_NONE, ASYM_F_FUTURE | ASYM_F_USER);
	tasks_polled = task_polls_seen(m);
	if (funcs.nr_futures && au_model_records(m) && !polls)
		pr_warn("%s: no poll of any future was recorded%s", dir,
			au_recording_depth_limit(au_data_info(data)) ||
					au_recording_stack_limit(au_data_info(data))
				? " (see the depth limit above)"
			: tasks_polled
				? ", though tasks were polled: their futures' polls were inlined "
				  "into the runtime's (an optimized build); build with "
				  "scripts/cargo-mcount --no-inline, or without --release"
				: ": record with scripts/profile.sh, or give uftrace the options "
				  "of `async-uftrace record-options`");
	else if (polls && mine && tasks_polled && !user_polls(m))
		pr_warn("%s: none of the program's own futures was polled (the binary has %zu), "
			"though tasks and library futures were: their polls were inlined into "
			"the runtime's (an optimized build); build with scripts/cargo-mcount "
			"--no-inline, or without --release", dir, mine);

	errs = au_data_errors(data);
	if (ret == AU_EXIT_OK && !au_model_records(m)) {
		pr_err("%s: no records: nothing to analyze", dir);
		ret = AU_EXIT_NOTHING;
	} else if (ret == AU_EXIT_OK &&
		   (errs->bad_records || errs->truncated_files || errs->lost_records)) {
		pr_warn("%s: output written, but %llu corrupt records were skipped, %llu files "
			"were truncated and %llu records were lost while recording",
			dir, (unsigned long long)errs->bad_records,
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

/* The longest JavaScript string in V8 (Chromium, node): 2^29 - 24
 * characters, checked with node 20.  speedscope and chrome://tracing read
 * a trace file into one string; Perfetto's importer streams it. */
#define JS_STRING_MAX 536870888ull

/* A trace that only Perfetto can open says so, and what --min-call 1us
 * would leave out (every poll, task and wake stays). */
static void note_big_trace(const struct au_analyze_opts *opts, uint64_t calls,
			   uint64_t short_calls)
{
	struct stat st;

	if (au_quiet || fstat(fileno(opts->trace), &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size <= JS_STRING_MAX)
		return;
	fflush(stdout);
	fprintf(stderr, "note: the trace is %.0f MB: Perfetto opens it, but speedscope and "
		"chrome://tracing cannot\n      (they read a file as one JavaScript string, at most "
		"%llu characters)", st.st_size / 1e6, JS_STRING_MAX);
	/* (and how much smaller: a call slice is ~140 bytes, measured on the
	 * benchmark's and test_scale's traces; polls make most of a default
	 * recording's trace, and it may stay too big) */
	if (opts->filter.min_call_ns < 1000 && short_calls)
		fprintf(stderr, ";\n      --min-call 1us would leave out %llu of its %llu call slices "
			"(those under 1 us, about %.0f MB) and keep every poll, task and wake",
			(unsigned long long)short_calls, (unsigned long long)calls,
			short_calls * 140 / 1e6);
	fputs("\n", stderr);
}

int au_analyze_run(const struct au_analyze_opts *opts)
{
	struct au_correlation corr;
	struct au_sink *trace = NULL;
	bool correlate = opts->correlate != NULL;
	int ret = AU_EXIT_OK, r;

	if (correlate) {
		if (au_correlate_parse(&corr, opts->correlate, opts->nr_dirs) < 0) {
			pr_err("--correlate '%s': not LEFT@argN=RIGHT@argM (regexes over function "
			       "names)", opts->correlate);
			return AU_EXIT_USAGE;
		}
		for (unsigned i = 0; i < opts->nr_dirs; i++) {
			if (au_correlate_collect(&corr, i, opts->dirs[i], i ? NULL : opts->binary) < 0) {
				pr_err("%s: cannot read the recording", opts->dirs[i]);
				au_correlate_free(&corr);
				return AU_EXIT_NOTHING;
			}
		}
		au_correlate_match(&corr, opts->have_offset, opts->offset_ns);
		if (!au_quiet) {
			fprintf(stderr, "correlate: %zu request pairs\n", corr.nr_pairs);
			for (unsigned i = 1; i < opts->nr_dirs; i++)
				fprintf(stderr, "correlate: %s: clock offset %+.3f ms (%s)\n",
					opts->dirs[i], corr.offsets[i] / 1e6,
					corr.estimated[i] ? "estimated from the pairs, as NTP does"
					: opts->have_offset ? "given with --offset" : "none: no pairs");
			if (!corr.nr_pairs)
				pr_warn("--correlate: no calls matched: record both sides with "
					"profile.sh --annotate so their values are captured");
		}
	}
	if (opts->trace) {
		trace = au_trace_json_new(opts->trace);
		au_trace_json_set_filter(trace, &opts->filter);
	}
	if (opts->summary && opts->nr_dirs > 1)
		fputs("{\"version\": 1, \"recordings\": [\n", opts->summary);
	for (unsigned i = 0; i < opts->nr_dirs; i++) {
		int64_t offset = correlate ? corr.offsets[i]
				 : (i && opts->have_offset ? opts->offset_ns : 0);

		r = analyze_one(opts, i, trace, offset);
		if (r > ret)
			ret = r;
	}
	if (opts->summary && opts->nr_dirs > 1) {
		fputs("],\n\"correlation\": ", opts->summary);
		if (correlate) {
			fprintf(opts->summary, "{\"pairs\": %zu, \"offsets_ns\": [", corr.nr_pairs);
			for (unsigned i = 0; i < opts->nr_dirs; i++)
				fprintf(opts->summary, "%s%lld", i ? ", " : "",
					(long long)corr.offsets[i]);
			fprintf(opts->summary, "], \"offset_source\": \"%s\"}",
				corr.nr_recordings > 1 && corr.estimated[1] ? "estimated"
				: opts->have_offset ? "given" : "none");
		} else {
			fputs("null", opts->summary);
		}
		fputs("}\n", opts->summary);
	}
	if (trace) {
		uint64_t calls, short_calls;

		if (correlate)
			au_trace_json_correlate(trace, &corr);
		au_trace_json_call_counts(trace, &calls, &short_calls);
		if (au_trace_json_free(trace) < 0) {
			pr_err("writing the trace JSON failed: %s", strerror(EIO));
			ret = AU_EXIT_NOTHING;
		} else {
			note_big_trace(opts, calls, short_calls);
		}
	}
	if (correlate)
		au_correlate_free(&corr);
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

int au_common_option(int c, const char *arg, struct au_analyze_opts *opts, const char *cmd)
{
	int64_t ns;
	char *end;

	switch (c) {
	case 'H':
		opts->filter.hide_runtime = true;
		return 1;
	case 'O':
		opts->filter.only_crate = arg;
		return 1;
	case 'K': {
		/* rt:N: the runtime's own id (tokio's task::Id, as a JoinError
		 * prints it), resolved when that task is spawned */
		bool rt = !strncmp(arg, "rt:", 3);
		const char *num = rt ? arg + 3 : arg;
		unsigned long long id = strtoull(num, &end, 10);

		opts->filter.runtime_task = rt ? id : 0;
		opts->filter.task = rt ? AU_TASK_UNRESOLVED : id;
		if (end == num || *end || !id) {
			fprintf(stderr, "async-uftrace %s: --task takes a task id (the summary's "
				"tasks[].id), or rt:N for the runtime's own (tasks[].runtime_id)\n",
				cmd);
			return -1;
		}
		return 1;
	}
	case 'L':
	case 'W':
	case 'Z':
	case 'P':
		ns = au_parse_duration(arg);
		if (ns < 0 || (ns == 0 && c != 'P')) {
			fprintf(stderr, "async-uftrace %s: bad duration '%s' (e.g. 1ms, 250us)\n",
				cmd, arg);
			return -1;
		}
		if (c == 'L')
			opts->long_poll_ns = ns;
		else if (c == 'W')
			opts->wake_delay_ns = ns;
		else if (c == 'Z')
			opts->slow_poll_ns = ns;
		else
			opts->filter.min_poll_ns = ns;
		return 1;
	default:
		return 0;
	}
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

/* The trace goes to a file (not stdout, "-", nor a device or a pipe): the
 * summary's default is beside it then, else beside the recording, so that
 * -o /dev/null does not ask for /dev/null.summary.json. */
static bool to_file(const char *path)
{
	struct stat st;

	if (!strcmp(path, "-"))
		return false;
	return stat(path, &st) != 0 || S_ISREG(st.st_mode);
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
		"usage: async-uftrace analyze [OPTIONS] DIR [DIR...]\n"
		"\n"
		"Reads a uftrace recording of an async Rust program and writes:\n"
		"  a trace JSON for Perfetto (ui.perfetto.dev) and chrome://tracing,\n"
		"  a summary JSON (doc/summary.md), and, with --report, a text report.\n"
		"\n"
		"options:\n"
		"  -o, --output FILE    trace JSON (default: DIR without .uftrace.data + .json)\n"
		"  -s, --summary FILE   summary JSON (default: OUTPUT with .summary.json; when\n"
		"                       OUTPUT is - or a device, DIR without .uftrace.data\n"
		"                       + .summary.json)\n"
		"      --no-trace       do not write the trace JSON\n"
		"  -r, --report         print the text report on stdout\n"
		"  -b, --binary PATH    the program, if it moved since the recording\n"
		"      --long-poll DUR  a poll longer than this is a diagnostic (default 1ms)\n"
		"      --wake-delay DUR a wake polled later than this is one (default 1ms)\n"
		"      --slow-poll DUR  a task poll this long counts as slow (tasks[].slow_polls;\n"
		"                       default 50us, as tokio-metrics)\n"
		"\nseveral recordings (DIR...) go on one timeline, one process each:\n"
		"      --correlate L@argN=R@argM  arrows between calls of L and R (regexes over\n"
		"                       function names) whose captured values are equal; the\n"
		"                       clock offset of each later recording is estimated\n"
		"                       from those pairs (as NTP does)\n"
		"      --offset DUR     add this (e.g. -1.5ms) to every later recording's times\n"
		"                       instead of estimating it\n"
		"\nfilters (the trace and --report; never the summary JSON):\n"
		"      --min-call DUR   leave calls shorter than this out (polls and runtime\n"
		"                       calls stay; default 0: every call)\n"
		"      --min-poll DUR   leave polls shorter than this out\n"
		"      --hide-runtime   leave library and runtime calls out (their time stays in\n"
		"                       the caller's slice)\n"
		"      --only CRATE     keep only calls of CRATE (and polls, runtime calls)\n"
		"      --task ID        keep only what task ID did (the summary's tasks[].id;\n"
		"                       rt:N: the runtime's own id N, tasks[].runtime_id)\n"
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
		{ "slow-poll", required_argument, NULL, 'Z' },
		{ "min-call", required_argument, NULL, 'M' },
		{ "min-poll", required_argument, NULL, 'P' },
		{ "hide-runtime", no_argument, NULL, 'H' },
		{ "only", required_argument, NULL, 'O' },
		{ "task", required_argument, NULL, 'K' },
		{ "correlate", required_argument, NULL, 'C' },
		{ "offset", required_argument, NULL, 'F' },
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
		case 'C':
			opts.correlate = optarg;
			break;
		case 'F': {
			const char *v = optarg;
			int64_t ns = au_parse_duration(v[0] == '-' ? v + 1 : v);

			if (ns < 0) {
				fprintf(stderr, "async-uftrace analyze: bad --offset '%s' (e.g. "
					"-1.5ms)\n", optarg);
				return AU_EXIT_USAGE;
			}
			opts.offset_ns = v[0] == '-' ? -ns : ns;
			opts.have_offset = true;
			break;
		}
		case 'M': {
			int64_t ns = au_parse_duration(optarg);

			if (ns < 0) {
				fprintf(stderr, "async-uftrace analyze: bad duration '%s' (e.g. 1ms, "
					"250us)\n", optarg);
				return AU_EXIT_USAGE;
			}
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
			if (au_common_option(c, optarg, &opts, "analyze") > 0)
				break;
			analyze_usage(stderr);
			return AU_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "async-uftrace analyze: missing DIR (a uftrace.data directory)\n");
		analyze_usage(stderr);
		return AU_EXIT_USAGE;
	}
	opts.dirs = (const char *const *)argv + optind;
	opts.nr_dirs = argc - optind;
	stem = default_stem(opts.dirs[0]);
	output = output ? xstrdup(output) : xasprintf("%s.json", stem);
	if (!summary) {
		size_t len = strlen(output);

		if (!to_file(output))
			summary = xasprintf("%s.summary.json", stem);
		else if (len > 5 && !strcmp(output + len - 5, ".json"))
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
