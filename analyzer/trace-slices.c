// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call slices without per-field work: with every call a slice, formatting
 * them field by field through the JSON writer's nesting state cost more
 * than the whole analysis.  A plain call's slice is
 *
 *	{"ph":"X","name":"NAME","pid":P,"cat":"call","tid":T,"ts":TS,"dur":D}
 *
 * where NAME and the part from its closing quote to "ts": are pieces made
 * once (per function, per thread), so a slice is three copies and two
 * numbers.  With a background writer even that moves to its thread: the
 * model's thread queues a record (a NUL byte, which JSON text never
 * holds, then the two pieces and the times) in place of the slice, and
 * trace_slices_expand() formats it there, in the same place in the stream.
 */
#include <stdlib.h>
#include <string.h>

#include "trace-slices.h"
#include "utils.h"

/* A preformatted piece; never moves nor changes once made, so that the
 * writer's thread may read it until the trace is closed. */
struct piece {
	size_t len;
	char s[];
};

struct trace_slices {
	const struct piece **names;   /* by function index */
	size_t nr_names;
	const struct piece **threads; /* by thread index: ","pid":P,...,"ts": */
	size_t nr_threads, cap_threads;
	struct piece **all;           /* every piece, of every recording */
	size_t nr_all, cap_all;
	/* for format_slice(), on the one thread that formats: the writer's
	 * with a background writer, else the model's */
	struct jw_us_cache ts_digits;
};

/* What the writer's thread gets in place of a slice, after SLICE_MARK. */
#define SLICE_MARK '\0'
struct slice_record {
	const struct piece *name, *thread;
	uint64_t start, dur;
};

static const char slice_head[] = "{\"ph\":\"X\",\"name\":\"";
static const char slice_dur[] = ",\"dur\":";

_Static_assert(JW_ELEM_MAX <= BG_OUT_MAX, "a slice that fits the writer fits its thread's output");

static const struct piece *new_piece(struct trace_slices *ts, const char *s, size_t len)
{
	struct piece *p = xmalloc(sizeof(*p) + len);

	p->len = len;
	memcpy(p->s, s, len);
	if (ts->nr_all == ts->cap_all)
		au_grow(&ts->all, &ts->cap_all, ts->nr_all, sizeof(*ts->all));
	ts->all[ts->nr_all++] = p;
	return p;
}

struct trace_slices *trace_slices_new(void)
{
	return xcalloc(1, sizeof(struct trace_slices));
}

void trace_slices_reset(struct trace_slices *ts)
{
	/* the pieces stay: records of the last recording may still be queued */
	free(ts->names);
	free(ts->threads);
	ts->names = ts->threads = NULL;
	ts->nr_names = ts->nr_threads = ts->cap_threads = 0;
}

void trace_slices_free(struct trace_slices *ts)
{
	if (!ts)
		return;
	trace_slices_reset(ts);
	for (size_t i = 0; i < ts->nr_all; i++)
		free(ts->all[i]);
	free(ts->all);
	free(ts);
}

void trace_slices_thread(struct trace_slices *ts, uint32_t thread, uint32_t pid, uint32_t tid)
{
	char *s;

	while (ts->cap_threads <= thread)
		au_grow(&ts->threads, &ts->cap_threads, ts->cap_threads, sizeof(*ts->threads));
	if (ts->nr_threads <= thread) {
		memset(ts->threads + ts->nr_threads, 0,
		       (thread + 1 - ts->nr_threads) * sizeof(*ts->threads));
		ts->nr_threads = thread + 1;
	}
	s = xasprintf("\",\"pid\":%u,\"cat\":\"call\",\"tid\":%u,\"ts\":", pid, tid);
	ts->threads[thread] = new_piece(ts, s, strlen(s));
	free(s);
}

static const struct piece *name_piece(struct trace_slices *ts, const struct au_model *m,
				      int32_t func)
{
	if (!ts->names) {
		ts->nr_names = au_model_funcs(m)->n;
		ts->names = xcalloc(ts->nr_names ? ts->nr_names : 1, sizeof(*ts->names));
	}
	if (!ts->names[func]) {
		char *shortname = asym_shorten(au_model_func_name(m, func));
		size_t len;
		char *escaped = jw_escape(shortname ? shortname : "?", &len);

		ts->names[func] = new_piece(ts, escaped, len);
		free(escaped);
		free(shortname);
	}
	return ts->names[func];
}

const char *trace_slices_name(struct trace_slices *ts, const struct au_model *m, int32_t func,
			      size_t *len)
{
	const struct piece *name = name_piece(ts, m, func);

	*len = name->len;
	return name->s;
}

static size_t slice_max(const struct slice_record *r)
{
	return sizeof(slice_head) + r->name->len + r->thread->len + JW_US_MAX + sizeof(slice_dur) +
	       JW_US_MAX + 1;
}

/* The slice at @p; returns its end. */
static char *format_slice(struct trace_slices *ts, char *p, const struct slice_record *r)
{
	memcpy(p, slice_head, sizeof(slice_head) - 1);
	p += sizeof(slice_head) - 1;
	memcpy(p, r->name->s, r->name->len);
	p += r->name->len;
	memcpy(p, r->thread->s, r->thread->len);
	p += r->thread->len;
	p = jw_fmt_ns_as_us_cached(&ts->ts_digits, p, r->start);
	memcpy(p, slice_dur, sizeof(slice_dur) - 1);
	p += sizeof(slice_dur) - 1;
	p = jw_fmt_ns_as_us(p, r->dur);
	*p++ = '}';
	return p;
}

bool trace_slices_call(struct trace_slices *ts, struct jw *w, const struct au_model *m,
		       const struct au_call *call)
{
	struct slice_record r;
	char *p;

	if (call->poll || call->nargs || call->has_retval || call->truncated || call->func < 0 ||
	    call->thread >= ts->nr_threads || !ts->threads[call->thread])
		return false;
	r.name = name_piece(ts, m, call->func);
	r.thread = ts->threads[call->thread];
	r.start = call->start;
	r.dur = call->end - call->start;
	if (slice_max(&r) > JW_ELEM_MAX)
		return false;
	if (jw_background(w)) {
		char queued[1 + sizeof(r)] = { SLICE_MARK };

		memcpy(queued + 1, &r, sizeof(r));
		jw_elem(w, queued, sizeof(queued));
	} else {
		p = format_slice(ts, jw_elem_begin(w, slice_max(&r)), &r);
		jw_elem_end(w, p);
	}
	return true;
}

void trace_slices_expand(void *ctx, const char *buf, size_t len, struct bg_out *out)
{
	struct trace_slices *ts = ctx;
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *mark = memchr(p, SLICE_MARK, end - p);
		struct slice_record r;

		if (!mark) {
			bg_out_put(out, p, end - p);
			return;
		}
		bg_out_put(out, p, mark - p);
		memcpy(&r, mark + 1, sizeof(r));
		bg_out_commit(out, format_slice(ts, bg_out_room(out, slice_max(&r)), &r));
		p = mark + 1 + sizeof(r);
	}
}
