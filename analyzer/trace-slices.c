// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call slices written in place: with every call a slice, formatting them
 * field by field through the JSON writer's nesting state cost more than
 * the whole analysis.  A plain call's slice is
 *
 *	{"ph":"X","name":"NAME","pid":P,"cat":"call","tid":T,"ts":TS,"dur":D}
 *
 * where NAME and the part from its closing quote to "ts": are made once
 * (per function, per thread), so a slice is three copies and two numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "trace-slices.h"
#include "utils.h"

struct piece {
	char *s;
	size_t len;
};

struct trace_slices {
	struct piece *names;     /* by function index */
	size_t nr_names;
	struct piece *threads;   /* by thread index: ","pid":P,...,"ts": */
	size_t nr_threads, cap_threads;
};

static const char slice_head[] = "{\"ph\":\"X\",\"name\":\"";
static const char slice_dur[] = ",\"dur\":";

struct trace_slices *trace_slices_new(void)
{
	return xcalloc(1, sizeof(struct trace_slices));
}

void trace_slices_reset(struct trace_slices *ts)
{
	for (size_t i = 0; i < ts->nr_names; i++)
		free(ts->names[i].s);
	for (size_t i = 0; i < ts->nr_threads; i++)
		free(ts->threads[i].s);
	free(ts->names);
	free(ts->threads);
	memset(ts, 0, sizeof(*ts));
}

void trace_slices_free(struct trace_slices *ts)
{
	if (!ts)
		return;
	trace_slices_reset(ts);
	free(ts);
}

void trace_slices_thread(struct trace_slices *ts, uint32_t thread, uint32_t pid, uint32_t tid)
{
	while (ts->cap_threads <= thread)
		au_grow(&ts->threads, &ts->cap_threads, ts->cap_threads, sizeof(*ts->threads));
	if (ts->nr_threads <= thread) {
		memset(ts->threads + ts->nr_threads, 0,
		       (thread + 1 - ts->nr_threads) * sizeof(*ts->threads));
		ts->nr_threads = thread + 1;
	}
	free(ts->threads[thread].s);
	ts->threads[thread].s = xasprintf("\",\"pid\":%u,\"cat\":\"call\",\"tid\":%u,\"ts\":", pid,
					  tid);
	ts->threads[thread].len = strlen(ts->threads[thread].s);
}

const char *trace_slices_name(struct trace_slices *ts, const struct au_model *m, int32_t func,
			      size_t *len)
{
	struct piece *name;

	if (!ts->names) {
		ts->nr_names = au_model_funcs(m)->n;
		ts->names = xcalloc(ts->nr_names ? ts->nr_names : 1, sizeof(*ts->names));
	}
	name = &ts->names[func];
	if (!name->s) {
		char *shortname = asym_shorten(au_model_func_name(m, func));

		name->s = jw_escape(shortname ? shortname : "?", &name->len);
		free(shortname);
	}
	*len = name->len;
	return name->s;
}

bool trace_slices_call(struct trace_slices *ts, struct jw *w, const struct au_model *m,
		       const struct au_call *call)
{
	const struct piece *th;
	const char *name;
	size_t name_len, max;
	char *p;

	if (call->poll || call->nargs || call->has_retval || call->truncated || call->func < 0 ||
	    call->thread >= ts->nr_threads || !ts->threads[call->thread].s)
		return false;
	th = &ts->threads[call->thread];
	name = trace_slices_name(ts, m, call->func, &name_len);
	max = sizeof(slice_head) + name_len + th->len + JW_US_MAX + sizeof(slice_dur) + JW_US_MAX + 1;
	if (max > JW_ELEM_MAX)
		return false;

	p = jw_elem_begin(w, max);
	memcpy(p, slice_head, sizeof(slice_head) - 1);
	p += sizeof(slice_head) - 1;
	memcpy(p, name, name_len);
	p += name_len;
	memcpy(p, th->s, th->len);
	p += th->len;
	p = jw_fmt_ns_as_us(p, call->start);
	memcpy(p, slice_dur, sizeof(slice_dur) - 1);
	p += sizeof(slice_dur) - 1;
	p = jw_fmt_ns_as_us(p, call->end - call->start);
	*p++ = '}';
	jw_elem_end(w, p);
	return true;
}
