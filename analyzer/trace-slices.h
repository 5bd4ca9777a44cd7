/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Call slices of the trace JSON, the bulk of a full trace (one per call):
 * made from pieces made once per function (its escaped name) and once per
 * thread (its pid and tid), with no per-field work; with a background
 * writer (jw_open_background() with trace_slices_expand(), and
 * trace_slices_set_queue()) formatted on the writer's thread.
 */
#ifndef AU_TRACE_SLICES_H
#define AU_TRACE_SLICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json-writer.h"
#include "model.h"

struct trace_slices;

struct trace_slices *trace_slices_new(void);
void trace_slices_free(struct trace_slices *ts);
/** Queue records for trace_slices_expand() on a background writer (true),
 *  or format slices in place (false, the default) */
void trace_slices_set_queue(struct trace_slices *ts, bool queue);
/** A new recording: function and thread indexes start over. */
void trace_slices_reset(struct trace_slices *ts);
/** The thread's pid and tid, before its first call is written. */
void trace_slices_thread(struct trace_slices *ts, uint32_t thread, uint32_t pid, uint32_t tid);
/**
 * trace_slices_name - function @func's slice name: short (no generic
 * arguments) and JSON-escaped, made on first use
 * @len: gets its length
 */
const char *trace_slices_name(struct trace_slices *ts, const struct au_model *m, int32_t func,
			      size_t *len);
/**
 * trace_slices_call - write @call as an "X" slice if it is a known
 * function's call, not a poll (its captured values in "args")
 *
 * Returns false, having written nothing, for any other call.
 */
bool trace_slices_call(struct trace_slices *ts, struct jw *w, const struct au_model *m,
		       const struct au_call *call);
/**
 * trace_slices_expand - the background writer's transform (bg-writer.h):
 * formats the slices trace_slices_call() queued
 * @ctx: the trace_slices, which must live until the writer is closed
 */
bg_transform_fn trace_slices_expand;

#endif /* AU_TRACE_SLICES_H */
