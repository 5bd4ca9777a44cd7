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
 * A call with captured values (a runtime call's task pointer, a return
 * value) goes the same way, its values after the times: in a full
 * recording those are a few hundred thousand slices.
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

/* A function's name; the model's thread reads only this, not the piece. */
struct name_ref {
	const struct piece *piece;
	bool fits;               /* short enough for a slice (JW_ELEM_MAX) */
};

struct trace_slices {
	bool queue;                   /* records for trace_slices_expand() */
	struct name_ref *names;       /* by function index */
	size_t nr_names;
	const struct piece **threads; /* by thread index: ","pid":P,...,"ts": */
	size_t nr_threads, cap_threads;
	struct piece **all;           /* every piece, of every recording */
	size_t nr_all, cap_all;
	/* for format_slice(), on the one thread that formats: the writer's
	 * with a background writer, else the model's */
	struct jw_us_cache ts_digits;
};

/* What the writer's thread gets in place of a slice: SLICE_MARK, then a
 * slice_record's fields, packed: the pieces and times (QUEUED_LEN bytes
 * with the mark), then the number of values (a byte: SLICE_PLAIN for
 * none), and for values their flags, each value and format letter, and
 * the return value. */
#define SLICE_MARK '\0'
#define SLICE_PLAIN 0xff
#define SLICE_RETVAL 1
#define SLICE_TRUNCATED 2
struct slice_record {
	const struct piece *name, *thread;
	uint64_t start, dur;
	unsigned nargs;          /* SLICE_PLAIN: no "args" object */
	unsigned flags;          /* SLICE_RETVAL, SLICE_TRUNCATED */
	uint64_t args[AU_MAX_ARGS];
	char fmts[AU_MAX_ARGS];
	uint64_t retval;
};
#define QUEUED_LEN (1 + 2 * sizeof(void *) + 2 * sizeof(uint64_t) + 1)
#define QUEUED_ARGS_LEN(n, ret) (1 + (n) * (sizeof(uint64_t) + 1) + ((ret) ? sizeof(uint64_t) : 0))

static const char slice_head[] = "{\"ph\":\"X\",\"name\":\"";
static const char slice_dur[] = ",\"dur\":";
/* A thread piece is at most 60 bytes: ","pid":P,"cat":"call","tid":T,"ts": */
#define THREAD_PIECE_MAX 64
#define SLICE_MAX(name_len) (sizeof(slice_head) + (name_len) + THREAD_PIECE_MAX + JW_US_MAX + \
			     sizeof(slice_dur) + JW_US_MAX + 1 + ARGS_MAX)
/* ,"args":{ "argN":VALUE ... ,"retval":"0x..." ,"no_exit_recorded":true } */
#define VALUE_MAX JW_I64_MAX
_Static_assert(JW_HEX_MAX <= JW_I64_MAX, "any value fits VALUE_MAX");
#define ARGS_MAX (10 + AU_MAX_ARGS * (8 + VALUE_MAX) + 10 + VALUE_MAX + 25 + 1)

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

void trace_slices_set_queue(struct trace_slices *ts, bool queue)
{
	ts->queue = queue;
}

void trace_slices_reset(struct trace_slices *ts)
{
	/* the pieces stay: records of the last recording may still be queued */
	free(ts->names);
	free(ts->threads);
	ts->names = NULL;
	ts->threads = NULL;
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
	_Static_assert(sizeof("\",\"pid\":4294967295,\"cat\":\"call\",\"tid\":4294967295,\"ts\":") <=
		       THREAD_PIECE_MAX, "a thread's piece fits its room");
	ts->threads[thread] = new_piece(ts, s, strlen(s));
	free(s);
}

static const struct name_ref *name_ref(struct trace_slices *ts, const struct au_model *m,
				      int32_t func)
{
	struct name_ref *ref;

	if (!ts->names) {
		ts->nr_names = au_model_funcs(m)->n;
		ts->names = xcalloc(ts->nr_names ? ts->nr_names : 1, sizeof(*ts->names));
	}
	ref = &ts->names[func];
	if (!ref->piece) {
		char *shortname = asym_shorten(au_model_func_name(m, func));
		size_t len;
		char *escaped = jw_escape(shortname ? shortname : "?", &len);

		ref->piece = new_piece(ts, escaped, len);
		ref->fits = SLICE_MAX(len) <= JW_ELEM_MAX;
		free(escaped);
		free(shortname);
	}
	return ref;
}

const char *trace_slices_name(struct trace_slices *ts, const struct au_model *m, int32_t func,
			      size_t *len)
{
	const struct piece *name = name_ref(ts, m, func)->piece;

	*len = name->len;
	return name->s;
}

/* A captured value, as the JSON writer's value() in trace-json.c puts it:
 * a number for the signed and unsigned formats, else a "0x..." string. */
static char *format_value(char *p, uint64_t v, char fmt)
{
	if (fmt == 'd' || fmt == 'i')
		return jw_fmt_i64(p, (int64_t)v);
	if (fmt == 'u')
		return jw_fmt_u64(p, v);
	return jw_fmt_hex(p, v);
}

/* ,"args":{...} as the JSON writer puts it for a call that is not a poll */
static char *format_args(char *p, const struct slice_record *r)
{
	static const char open[] = ",\"args\":{", ret[] = "\"retval\":",
			  trunc[] = "\"no_exit_recorded\":true";
	bool first = true;

	memcpy(p, open, sizeof(open) - 1);
	p += sizeof(open) - 1;
	for (unsigned i = 0; i < r->nargs; i++) {
		if (!first)
			*p++ = ',';
		first = false;
		memcpy(p, "\"arg", 4);
		p[4] = '1' + i;
		memcpy(p + 5, "\":", 2);
		p = format_value(p + 7, r->args[i], r->fmts[i]);
	}
	if (r->flags & SLICE_RETVAL) {
		if (!first)
			*p++ = ',';
		first = false;
		memcpy(p, ret, sizeof(ret) - 1);
		p = jw_fmt_hex(p + sizeof(ret) - 1, r->retval);
	}
	if (r->flags & SLICE_TRUNCATED) {
		if (!first)
			*p++ = ',';
		memcpy(p, trunc, sizeof(trunc) - 1);
		p += sizeof(trunc) - 1;
	}
	*p++ = '}';
	return p;
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
	if (r->nargs != SLICE_PLAIN)
		p = format_args(p, r);
	*p++ = '}';
	return p;
}

bool trace_slices_call(struct trace_slices *ts, struct jw *w, const struct au_model *m,
		       const struct au_call *call)
{
	const struct name_ref *name;
	const struct piece *thread;
	uint64_t dur = call->end - call->start;
	unsigned nargs = call->nargs < AU_MAX_ARGS ? call->nargs : AU_MAX_ARGS;
	unsigned flags = (call->has_retval ? SLICE_RETVAL : 0) | (call->truncated ? SLICE_TRUNCATED : 0);
	bool plain = !nargs && !flags;
	char *p;

	if (call->poll || call->func < 0 || call->thread >= ts->nr_threads ||
	    !ts->threads[call->thread])
		return false;
	name = name_ref(ts, m, call->func);
	if (!name->fits)
		return false;
	thread = ts->threads[call->thread];
	if (ts->queue) {
		/* field by field: a struct copied whole stalls on its stores */
		p = jw_elem_begin(w, QUEUED_LEN + (plain ? 0 : QUEUED_ARGS_LEN(nargs, call->has_retval)));
		*p++ = SLICE_MARK;
		memcpy(p, &name->piece, sizeof(void *));
		p += sizeof(void *);
		memcpy(p, &thread, sizeof(void *));
		p += sizeof(void *);
		memcpy(p, &call->start, sizeof(uint64_t));
		p += sizeof(uint64_t);
		memcpy(p, &dur, sizeof(uint64_t));
		p += sizeof(uint64_t);
		*p++ = plain ? (char)SLICE_PLAIN : (char)nargs;
		if (!plain) {
			*p++ = (char)flags;
			for (unsigned i = 0; i < nargs; i++) {
				memcpy(p, &call->args[i], sizeof(uint64_t));
				p[sizeof(uint64_t)] = call->fmts[i];
				p += sizeof(uint64_t) + 1;
			}
			if (call->has_retval) {
				memcpy(p, &call->retval, sizeof(uint64_t));
				p += sizeof(uint64_t);
			}
		}
	} else {
		struct slice_record r = { name->piece, thread, call->start, dur,
					  plain ? SLICE_PLAIN : nargs, flags, { 0 }, { 0 },
					  call->retval };

		for (unsigned i = 0; i < nargs; i++) {
			r.args[i] = call->args[i];
			r.fmts[i] = call->fmts[i];
		}
		p = format_slice(ts, jw_elem_begin(w, SLICE_MAX(name->piece->len)), &r);
	}
	jw_elem_end(w, p);
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
		p = mark + 1;
		memcpy(&r.name, p, sizeof(void *));
		memcpy(&r.thread, p + sizeof(void *), sizeof(void *));
		memcpy(&r.start, p + 2 * sizeof(void *), sizeof(uint64_t));
		memcpy(&r.dur, p + 2 * sizeof(void *) + sizeof(uint64_t), sizeof(uint64_t));
		p = mark + QUEUED_LEN;
		r.nargs = (unsigned char)p[-1];
		if (r.nargs != SLICE_PLAIN) {
			r.flags = (unsigned char)*p++;
			for (unsigned i = 0; i < r.nargs; i++) {
				memcpy(&r.args[i], p, sizeof(uint64_t));
				r.fmts[i] = p[sizeof(uint64_t)];
				p += sizeof(uint64_t) + 1;
			}
			if (r.flags & SLICE_RETVAL) {
				memcpy(&r.retval, p, sizeof(uint64_t));
				p += sizeof(uint64_t);
			}
		}
		bg_out_commit(out, format_slice(ts, bg_out_room(out, SLICE_MAX(r.name->len)), &r));
	}
}
