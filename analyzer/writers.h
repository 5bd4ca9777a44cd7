/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The writers: each is a model sink (see model.h) built by one function.
 */
#ifndef AU_WRITERS_H
#define AU_WRITERS_H

#include <stdio.h>

#include "model.h"

/**
 * au_trace_json_new - Chrome trace event JSON (Perfetto, chrome://tracing)
 * @fp: output, kept open by the caller
 *
 * Returns a sink to add to a model; release with au_trace_json_free(),
 * which returns 0 or -EIO when writing failed.
 */
struct au_sink *au_trace_json_new(FILE *fp);
int au_trace_json_free(struct au_sink *sink);
/* What the trace JSON and the report leave out (doc/async-uftrace.md,
 * "Filters"); the summary JSON always has everything. */
#define AU_TASK_UNRESOLVED UINT64_MAX

struct au_filter {
	uint64_t min_call_ns;    /* calls shorter than this (polls, runtime calls stay) */
	uint64_t min_poll_ns;    /* polls shorter than this */
	bool hide_runtime;       /* calls of library and runtime code */
	const char *only_crate;  /* calls outside this crate */
	uint64_t task;           /* everything not of this task (0: no filter) */
	/* --task rt:N: the task the runtime numbers N; until its spawn names
	 * it, task is AU_TASK_UNRESOLVED (matches none) */
	uint64_t runtime_task;
};
void au_trace_json_set_filter(struct au_sink *trace, const struct au_filter *filter);
/** Call slices written so far (not polls nor runtime calls), and how many
 *  of them --min-call 1us would leave out. */
void au_trace_json_call_counts(const struct au_sink *trace, uint64_t *calls, uint64_t *under_1us);
struct jw;
/** An "inner" field: what a library future waits on inside (@n labels of
 *  the functions @inner), in a wait (trace) or a diagnostic (summary). */
void au_write_inner(struct jw *w, const struct au_model *m, const int32_t *inner, unsigned n);
struct au_correlation;
/** After the last recording: arrows between the correlated calls. */
void au_trace_json_correlate(struct au_sink *trace, const struct au_correlation *c);
/** Mark the diagnostics in the trace (the diagnostics sink must be added
 *  to the model before the trace sink, so its list is final at finish). */
void au_trace_json_set_diagnostics(struct au_sink *trace, const struct au_sink *diag);

/**
 * au_summary_new - collects what the summary JSON and the report need
 *
 * Returns a sink; after au_model_finish() write it with au_summary_write()
 * or au_report_write(), then release with au_summary_free().
 */
struct au_sink *au_summary_new(void);
/** Writes the summary JSON (schema version 1, doc/summary.md); 0 or -EIO.
 *  @diag: the diagnostics sink, or NULL. */
int au_summary_write(struct au_sink *sink, const struct au_model *m, const struct au_sink *diag,
		     FILE *fp);
/** Writes the human report (doc/report.md). */
void au_report_write(struct au_sink *sink, const struct au_model *m, const struct au_sink *diag,
		     const struct au_filter *filter, FILE *fp);
void au_summary_free(struct au_sink *sink);

#endif /* AU_WRITERS_H */
