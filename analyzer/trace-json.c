// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Chrome Trace Event JSON, as Perfetto imports it (formats.md, part 2).
 *
 * - Every call is a complete slice ("X") on its thread, written when it
 *   ends; Perfetto sorts by time, so streaming order does not matter.
 * - Every future instance gets an async track (b/e under id2.local, so it
 *   stays inside the process): one slice for its lifetime named after the
 *   future, and nested "poll" and "wait" slices.
 * - Timestamps are microseconds with three decimals, so nanoseconds survive.
 */
#define PR_FMT "trace-json"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "correlate.h"
#include "json-writer.h"
#include "summary-internal.h"
#include "trace-slices.h"
#include "utils.h"
#include "writers.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

struct trace_json {
	struct au_sink sink;
	struct jw *w;
	bool started;
	uint32_t pid;
	uint64_t next_flow;
	const struct au_model *model;  /* the recording being written */
	char *program;
	const struct au_sink *diag;
	struct trace_slices *slices; /* call slices, and their names */
	struct au_filter filter;
	/* plain call slices written, and those under 1 us (for the note on
	 * a trace too big for some viewers) */
	uint64_t calls, calls_under_1us;
};

static void slice_name(struct trace_json *tj, const struct au_model *m, int32_t func)
{
	size_t len;
	const char *name = trace_slices_name(tj->slices, m, func, &len);

	jw_escaped(tj->w, name, len);
}

void au_trace_json_set_filter(struct au_sink *trace, const struct au_filter *filter)
{
	container_of(trace, struct trace_json, sink)->filter = *filter;
}

void au_trace_json_call_counts(const struct au_sink *trace, uint64_t *calls, uint64_t *under_1us)
{
	const struct trace_json *tj = container_of(trace, const struct trace_json, sink);

	*calls = tj->calls;
	*under_1us = tj->calls_under_1us;
}

/* A call that --min-call applies to: not a poll nor a runtime entry
 * point (blocking std calls are ordinary calls here: the runtime makes
 * them too). */
static bool plain_call(const struct au_model *m, const struct au_call *call)
{
	const struct au_funcinfo *fi = call->func >= 0 ? &au_model_funcs(m)->v[call->func] : NULL;

	return !call->poll &&
	       (!fi || fi->role == ASYM_ROLE_NONE || fi->role == ASYM_ROLE_BLOCKING_CALL);
}

/* Is this call left out?  Left-out calls fold into their caller's slice,
 * which still spans them. */
static bool call_hidden(const struct trace_json *tj, const struct au_model *m,
			const struct au_call *call)
{
	const struct au_filter *f = &tj->filter;
	const struct au_funcinfo *fi = call->func >= 0 ? &au_model_funcs(m)->v[call->func] : NULL;
	uint64_t dur = call->end - call->start;

	if (f->task && call->task != f->task)
		return true;
	if (call->poll)
		return dur < f->min_poll_ns;
	if (!plain_call(m, call))
		return false;
	if (dur < f->min_call_ns)
		return true;
	if (f->hide_runtime && (!fi || !(fi->flags & ASYM_F_USER)))
		return true;
	if (f->only_crate) {
		const char *crate = fi && fi->sym ? fi->sym->crate : NULL;

		return !crate || strcmp(crate, f->only_crate);
	}
	return false;
}

void au_trace_json_set_diagnostics(struct au_sink *trace, const struct au_sink *diag)
{
	container_of(trace, struct trace_json, sink)->diag = diag;
}

static const char *basename_of(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "program";
}

static uint32_t thread_pid(const struct au_model *m, uint32_t thread)
{
	const struct au_thread *th = au_data_thread(au_model_data(m), thread);

	return th && th->pid ? th->pid : au_data_pid(au_model_data(m));
}

static uint32_t thread_tid(const struct au_model *m, uint32_t thread)
{
	const struct au_thread *th = au_data_thread(au_model_data(m), thread);

	return th ? th->tid : 0;
}

static void event_head(struct jw *w, const char *ph, const char *name, uint32_t pid)
{
	jw_newline(w);
	jw_begin_object(w);
	jw_str_field(w, "ph", ph);
	jw_str_field(w, "name", name);
	jw_u64_field(w, "pid", pid);
}

static void metadata(struct jw *w, const char *what, uint32_t pid, int64_t tid, const char *name,
		     int64_t sort_index)
{
	event_head(w, "M", what, pid);
	if (tid >= 0)
		jw_u64_field(w, "tid", tid);
	jw_name(w, "args");
	jw_begin_object(w);
	if (name)
		jw_str_field(w, "name", name);
	else
		jw_i64_field(w, "sort_index", sort_index);
	jw_end_object(w);
	jw_end_object(w);
}

/* The container opens with the first event; each recording (model) adds
 * its process, and its futures and tasks go under that process. */
static void start(struct trace_json *tj, const struct au_model *m)
{
	const struct au_data_info *info = au_data_info(au_model_data(m));
	struct jw *w = tj->w;

	if (!tj->started) {
		tj->started = true;
		jw_begin_object(w);
		jw_name(w, "traceEvents");
		jw_begin_array(w);
		tj->program = xstrdup(info->exename ? info->exename : "?");
	}
	/* slice pieces are cached by function and thread index, which are
	 * per recording */
	trace_slices_reset(tj->slices);
	tj->model = m;
	tj->pid = au_data_pid(au_model_data(m));
	metadata(w, "process_name", tj->pid, -1, basename_of(info->exename), 0);
}

static void on_thread(struct au_sink *s, const struct au_model *m, uint32_t thread)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	const struct au_thread *th = au_data_thread(au_model_data(m), thread);
	uint32_t pid = thread_pid(m, thread), tid = thread_tid(m, thread);
	char buf[32];
	const char *name = th ? th->name : NULL;

	if (tj->model != m)
		start(tj, m);
	/* (a forked child, or one that exec'd a program of its own) */
	if (pid != tj->pid)
		metadata(tj->w, "process_name", pid, -1,
			 basename_of(au_data_exename_of(au_model_data(m), pid)), 0);
	if (!name) {
		snprintf(buf, sizeof(buf), tid == pid ? "main" : "thread %u", tid);
		name = buf;
	}
	metadata(tj->w, "thread_name", pid, tid, name, 0);
	trace_slices_thread(tj->slices, thread, pid, tid);
	/* The main thread first, then by tid, as a person reads them. */
	metadata(tj->w, "thread_sort_index", pid, tid, NULL, tid == pid ? 0 : (int64_t)thread + 1);
}

static const char *result_name(enum au_poll_result r)
{
	return r == AU_POLL_READY ? "Ready" : r == AU_POLL_PENDING ? "Pending" : "unknown";
}

/* A captured value as its format asks: decimal for d/u/i, else hex. */
static void value(struct jw *w, uint64_t v, char fmt)
{
	if (fmt == 'd' || fmt == 'i')
		jw_i64(w, (int64_t)v);
	else if (fmt == 'u')
		jw_u64(w, v);
	else
		jw_hex(w, v);
}

void au_write_inner(struct jw *w, const struct au_model *m, const int32_t *inner, unsigned n)
{
	if (!n)
		return;
	jw_name(w, "inner");
	jw_begin_array(w);
	for (unsigned i = 0; i < n; i++)
		jw_string(w, au_model_funcs(m)->v[inner[i]].label);
	jw_end_array(w);
}

static void await_args(struct jw *w, const struct au_model *m, const struct au_await *aw)
{
	if (aw->site && aw->site->line) {
		jw_name(w, "await");
		jw_begin_object(w);
		jw_str_field(w, "file", aw->site->file);
		jw_i64_field(w, "line", aw->site->line);
		/* (the likeliest of several awaits of that kind there) */
		if (aw->guessed_among)
			jw_u64_field(w, "guessed_among", aw->guessed_among);
		jw_end_object(w);
	}
	if (aw->child_func >= 0)
		jw_str_field(w, "on", au_model_funcs(m)->v[aw->child_func].label);
	/* what that library future (a select!, a join) waits on inside */
	au_write_inner(w, m, aw->inner, aw->nr_inner);
	/* a JoinHandle: the task whose end it waits for */
	if (aw->on_task)
		jw_u64_field(w, "on_task", aw->on_task);
	/* a lock: the task holding it */
	if (aw->held_by)
		jw_u64_field(w, "held_by", aw->held_by);
}

/* Where a poll's thread was off the CPU meanwhile (only when it was). */
static void off_cpu_args(struct jw *w, const struct au_model *m, const struct au_poll *p)
{
	if (!p->off_cpu_ns)
		return;
	jw_u64_field(w, "off_cpu_ns", p->off_cpu_ns);
	jw_u64_field(w, "blocked_ns", p->blocked_ns);
	if (p->blocked_func >= 0)
		jw_str_field(w, "blocked_in", au_model_func_name(m, p->blocked_func));
}

static void on_call(struct au_sink *s, const struct au_model *m, const struct au_call *call)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	struct jw *w = tj->w;
	char unknown[32];

	if (call_hidden(tj, m, call))
		return;
	if (plain_call(m, call)) {
		tj->calls++;
		tj->calls_under_1us += call->end - call->start < 1000;
	}
	if (trace_slices_call(tj->slices, w, m, call))
		return;
	jw_newline(w);
	jw_begin_object(w);
	jw_str_field(w, "ph", "X");
	jw_name(w, "name");
	if (call->func >= 0) {
		slice_name(tj, m, call->func);
	} else {
		snprintf(unknown, sizeof(unknown), "0x%llx", (unsigned long long)call->addr);
		jw_string(w, unknown);
	}
	jw_u64_field(w, "pid", thread_pid(m, call->thread));
	jw_str_field(w, "cat", call->poll ? "poll" : "call");
	jw_u64_field(w, "tid", thread_tid(m, call->thread));
	jw_us_field(w, "ts", call->start);
	jw_us_field(w, "dur", call->end - call->start);
	if (call->poll || call->nargs || call->has_retval || call->truncated) {
		jw_name(w, "args");
		jw_begin_object(w);
		if (call->poll) {
			const struct au_poll *p = call->poll;

			jw_str_field(w, "future", au_model_funcs(m)->v[call->func].label);
			jw_hex_field(w, "self", p->future->self);
			jw_u64_field(w, "instance", p->future->id);
			jw_u64_field(w, "poll", p->number);
			jw_str_field(w, "result", result_name(p->result));
			if (p->result != AU_POLL_READY)
				await_args(w, m, &p->await);
			off_cpu_args(w, m, p);
			if (p->nr_notes) {
				jw_name(w, "annotations");
				jw_begin_object(w);
				for (unsigned i = 0; i < p->nr_notes; i++) {
					jw_name(w, au_model_func_name(m, p->notes[i].func));
					value(w, p->notes[i].value, p->notes[i].fmt);
				}
				jw_end_object(w);
			}
		} else {
			for (unsigned i = 0; i < call->nargs && i < AU_MAX_ARGS; i++) {
				char key[8];

				snprintf(key, sizeof(key), "arg%u", i + 1);
				jw_name(w, key);
				value(w, call->args[i], call->fmts[i]);
			}
		}
		if (call->has_retval)
			jw_hex_field(w, "retval", call->retval);
		if (call->truncated)
			jw_bool_field(w, "no_exit_recorded", true);
		jw_end_object(w);
	}
	jw_end_object(w);
}

/* An event on an async track: futures' ("future") and tasks' ("task"),
 * under the process (id2.local) so that pids keep them apart. */
static void track_event(struct jw *w, const char *cat, const char *ph, const char *name,
			uint32_t pid, uint64_t id, uint64_t ts)
{
	event_head(w, ph, name, pid);
	jw_str_field(w, "cat", cat);
	jw_name(w, "id2");
	jw_begin_object(w);
	jw_hex_field(w, "local", id);
	jw_end_object(w);
	jw_us_field(w, "ts", ts);
}

/* A wait on future @id's track, at @aw; @still: the one it was left in,
 * which no poll ended; @woken_by: the task whose wake ended it, 0 if
 * none. */
static void future_wait(struct jw *w, const struct au_model *m, uint32_t pid, uint64_t id,
			uint64_t start, uint64_t end, const struct au_await *aw, bool still,
			uint64_t woken_by)
{
	track_event(w, "future", "b", "wait", pid, id, start);
	jw_name(w, "args");
	jw_begin_object(w);
	jw_u64_field(w, "wait_ns", end - start);
	if (still)
		jw_bool_field(w, "still_waiting", true);
	await_args(w, m, aw);
	if (woken_by)
		jw_u64_field(w, "woken_by_task", woken_by);
	jw_end_object(w);
	jw_end_object(w);
	track_event(w, "future", "e", "wait", pid, id, end);
	jw_end_object(w);
}

static void on_poll(struct au_sink *s, const struct au_model *m, const struct au_poll *p)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	const struct au_funcinfo *fi = &au_model_funcs(m)->v[p->future->func];
	/* a future's track belongs to the process it was polled in */
	uint32_t pid = thread_pid(m, p->future->first_thread);
	struct jw *w = tj->w;

	if (tj->filter.task && p->future->task != tj->filter.task)
		return;

	if (p->number == 1) {
		track_event(w, "future", "b", fi->label, pid, p->future->id, p->start);
		jw_name(w, "args");
		jw_begin_object(w);
		jw_hex_field(w, "self", p->future->self);
		jw_str_field(w, "function", fi->name);
		if (fi->sym && fi->sym->file) {
			jw_str_field(w, "file", fi->sym->file);
			jw_i64_field(w, "line", fi->sym->line);
		}
		if (fi->sym && fi->sym->future_size)
			jw_u64_field(w, "size_bytes", fi->sym->future_size);
		/* the task it was first polled in */
		if (p->future->task)
			jw_u64_field(w, "task", p->future->task);
		jw_end_object(w);
		jw_end_object(w);
	} else if (p->wait_start && p->start >= p->wait_start) {
		future_wait(w, m, pid, p->future->id, p->wait_start, p->start, &p->prev_await, false,
			    p->woken_by);
	}
	if (p->end - p->start < tj->filter.min_poll_ns)
		return;
	track_event(w, "future", "b", "poll", pid, p->future->id, p->start);
	jw_name(w, "args");
	jw_begin_object(w);
	jw_u64_field(w, "poll", p->number);
	jw_str_field(w, "result", result_name(p->result));
	jw_u64_field(w, "tid", thread_tid(m, p->thread));
	off_cpu_args(w, m, p);
	jw_end_object(w);
	jw_end_object(w);
	track_event(w, "future", "e", "poll", pid, p->future->id, p->end);
	jw_end_object(w);
}

static void on_future_end(struct au_sink *s, const struct au_model *m, const struct au_future *f,
			  uint64_t end)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	const struct au_funcinfo *fi = &au_model_funcs(m)->v[f->func];
	uint32_t pid = thread_pid(m, f->first_thread);

	if (!f->polls || (tj->filter.task && f->task != tj->filter.task))
		return;
	/* Left waiting: the wait the recording (or its task) ended in, where
	 * a stuck future shows where it is stuck. */
	if (f->waiting_until > f->last_end) {
		future_wait(tj->w, m, pid, f->id, f->last_end, f->waiting_until, &f->await, true, 0);
		end = f->waiting_until;
	}
	/* The lifetime slice's pid: the main process; futures of other
	 * processes are rare enough (fork) to share it. */
	track_event(tj->w, "future", "e", fi->label, pid, f->id, end);
	jw_name(tj->w, "args");
	jw_begin_object(tj->w);
	jw_u64_field(tj->w, "polls", f->polls);
	jw_bool_field(tj->w, "completed", f->completed);
	jw_u64_field(tj->w, "busy_ns", f->busy_ns);
	jw_u64_field(tj->w, "wait_ns", f->wait_ns);
	jw_end_object(tj->w);
	jw_end_object(tj->w);
}

static void on_lost(struct au_sink *s, const struct au_model *m, uint32_t thread, uint64_t time,
		    uint64_t count)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	struct jw *w = tj->w;

	event_head(w, "i", "records lost", thread_pid(m, thread));
	jw_u64_field(w, "tid", thread_tid(m, thread));
	jw_str_field(w, "s", "t");
	jw_us_field(w, "ts", time);
	jw_name(w, "args");
	jw_begin_object(w);
	jw_u64_field(w, "lost", count);
	jw_end_object(w);
	jw_end_object(w);
}


/* ---- tasks: a track each, flows for spawn -> first poll, wake -> poll ---- */

/* A task's track belongs to the process that spawned it. */
static uint32_t task_pid(const struct au_model *m, const struct au_task *t)
{
	return thread_pid(m, t->spawn_thread);
}

static void task_label(char *buf, size_t len, const struct au_model *m, const struct au_task *t)
{
	const char *name = au_summary_task_name(m, t);

	char rt[48] = "";

	/* the runtime's own id, as its messages print it ("task 7 panicked") */
	if (t->runtime_id)
		snprintf(rt, sizeof(rt), " (%s id %llu)", au_model_funcs(m)->runtime,
			 (unsigned long long)t->runtime_id);
	snprintf(buf, len, "task %llu%s%s%s", (unsigned long long)t->id, name ? " " : "",
		 name ? name : "", rt);
}

/* A flow arrow (v1): starts in the slice open at @from on one thread and
 * ends in the slice open at @to on another. */
static void flow(struct trace_json *tj, const struct au_model *m, const char *name,
		 uint32_t from_thread, uint64_t from, uint32_t to_thread, uint64_t to)
{
	struct jw *w = tj->w;
	uint64_t id;

	/* With one task shown, the other end of an arrow is hidden. */
	if (tj->filter.task)
		return;
	id = ++tj->next_flow;

	event_head(w, "s", name, thread_pid(m, from_thread));
	jw_str_field(w, "cat", "flow");
	jw_u64_field(w, "id", id);
	jw_u64_field(w, "tid", thread_tid(m, from_thread));
	jw_us_field(w, "ts", from);
	jw_end_object(w);
	event_head(w, "f", name, thread_pid(m, to_thread));
	jw_str_field(w, "cat", "flow");
	jw_u64_field(w, "id", id);
	jw_u64_field(w, "tid", thread_tid(m, to_thread));
	jw_us_field(w, "ts", to);
	jw_str_field(w, "bp", "e");
	jw_end_object(w);
}

static void counters(struct trace_json *tj, const struct au_model *m, uint64_t ts)
{
	const struct au_tasks *ts_ = au_model_tasks(m);

	event_head(tj->w, "C", "tasks", tj->pid);
	jw_us_field(tj->w, "ts", ts);
	jw_name(tj->w, "args");
	jw_begin_object(tj->w);
	jw_u64_field(tj->w, "live", au_tasks_live(ts_));
	jw_u64_field(tj->w, "runnable", au_tasks_runnable(ts_));
	jw_end_object(tj->w);
	jw_end_object(tj->w);
}

/* An event's args naming a task and its parent, and the event's end. */
static void task_args_end(struct jw *w, const struct au_task *t)
{
	jw_name(w, "args");
	jw_begin_object(w);
	jw_u64_field(w, "task", t->id);
	jw_u64_field(w, "parent", t->parent);
	jw_end_object(w);
	jw_end_object(w);
}

static void on_task_spawn(struct au_sink *s, const struct au_model *m, const struct au_task *t)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	struct jw *w = tj->w;

	if (tj->filter.runtime_task && t->runtime_id == tj->filter.runtime_task &&
	    tj->filter.task == AU_TASK_UNRESOLVED)
		tj->filter.task = t->id;
	if (tj->filter.task && t->id != tj->filter.task && t->parent != tj->filter.task)
		return;
	event_head(w, "i", "spawn", thread_pid(m, t->spawn_thread));
	jw_u64_field(w, "tid", thread_tid(m, t->spawn_thread));
	jw_str_field(w, "s", "t");
	jw_us_field(w, "ts", t->spawned);
	task_args_end(w, t);
	counters(tj, m, t->spawned);
}

/* A task's track opens (at its spawn, or its first poll if spawned before
 * the recording). */
static void task_track_begin(struct jw *w, const struct au_model *m, const struct au_task *t,
			     uint64_t ts)
{
	char label[256];

	task_label(label, sizeof(label), m, t);
	track_event(w, "task", "b", label, task_pid(m, t), t->id, ts);
	task_args_end(w, t);
}

/* A slice on a task's track, without args. */
static void task_slice(struct jw *w, const struct au_model *m, const struct au_task *t,
		       const char *name, uint64_t from, uint64_t to)
{
	track_event(w, "task", "b", name, task_pid(m, t), t->id, from);
	jw_end_object(w);
	track_event(w, "task", "e", name, task_pid(m, t), t->id, to);
	jw_end_object(w);
}

static void on_task_poll(struct au_sink *s, const struct au_model *m, const struct au_task *t,
			 uint32_t thread, uint64_t start, uint64_t end, bool leaf)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	struct jw *w = tj->w;

	(void)leaf;
	if (tj->filter.task && t->id != tj->filter.task)
		return;
	if (t->polls == 1 || start == t->first_poll) {
		task_track_begin(w, m, t, t->spawned ? t->spawned : start);
		if (t->spawned && start > t->spawned) {
			task_slice(w, m, t, "scheduled", t->spawned, start);
			flow(tj, m, "spawn", t->spawn_thread, t->spawned, thread, start);
		}
	} else if (t->woken_at && t->woken_at <= start) {
		track_event(w, "task", "b", "scheduled", task_pid(m, t), t->id, t->woken_at);
		jw_name(w, "args");
		jw_begin_object(w);
		jw_u64_field(w, "wake_to_poll_ns", start - t->woken_at);
		jw_u64_field(w, "woken_by_task", t->woken_by);
		jw_end_object(w);
		jw_end_object(w);
		track_event(w, "task", "e", "scheduled", task_pid(m, t), t->id, start);
		jw_end_object(w);
		flow(tj, m, "wake", t->woken_thread, t->woken_at, thread, start);
	}
	track_event(w, "task", "b", "running", task_pid(m, t), t->id, start);
	jw_name(w, "args");
	jw_begin_object(w);
	jw_u64_field(w, "poll", t->polls);
	jw_u64_field(w, "tid", thread_tid(m, thread));
	jw_end_object(w);
	jw_end_object(w);
	track_event(w, "task", "e", "running", task_pid(m, t), t->id, end);
	jw_end_object(w);
	counters(tj, m, end);
}

static void on_wake(struct au_sink *s, const struct au_model *m, const struct au_wake *wk)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	struct jw *w = tj->w;

	if (tj->filter.task && wk->task->id != tj->filter.task && wk->waker != tj->filter.task)
		return;
	event_head(w, "i", wk->self ? "self-wake" : "wake", thread_pid(m, wk->thread));
	jw_u64_field(w, "tid", thread_tid(m, wk->thread));
	jw_str_field(w, "s", "t");
	jw_us_field(w, "ts", wk->time);
	jw_name(w, "args");
	jw_begin_object(w);
	jw_u64_field(w, "task", wk->task->id);
	jw_u64_field(w, "waker_task", wk->waker);
	jw_bool_field(w, "by_ref", wk->by_ref);
	if (wk->budget)
		jw_bool_field(w, "budget", true);
	jw_end_object(w);
	jw_end_object(w);
}

/* A task that did not complete, after its last poll: waiting where its
 * innermost future of the program's own waits, to the end of the
 * recording or to its own (aborted, shut down); and, once woken, waiting
 * for a worker. */
static void left_waiting(struct jw *w, const struct au_model *m, const struct au_task *t,
			 uint64_t end)
{
	uint64_t woken = t->woken_at > t->last_poll_end && t->woken_at < end ? t->woken_at : 0;

	track_event(w, "task", "b", "waiting", task_pid(m, t), t->id, t->last_poll_end);
	jw_name(w, "args");
	jw_begin_object(w);
	jw_bool_field(w, "still_waiting", !woken);
	await_args(w, m, &t->await);
	jw_end_object(w);
	jw_end_object(w);
	track_event(w, "task", "e", "waiting", task_pid(m, t), t->id, woken ? woken : end);
	jw_end_object(w);
	if (woken)
		task_slice(w, m, t, "scheduled", woken, end);
}

static void on_task_end(struct au_sink *s, const struct au_model *m, const struct au_task *t,
			uint64_t end)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	char label[256];

	if (tj->filter.task && t->id != tj->filter.task)
		return;
	task_label(label, sizeof(label), m, t);
	/* Never polled: its whole track, spawn to end, is the wait to run
	 * (starvation shows as a long one). */
	if (!t->polls) {
		/* (block_on's task is its thread: no polls of its own) */
		if (t->kind == AU_TASK_BLOCK_ON || !t->spawned || end < t->spawned)
			return;
		task_track_begin(tj->w, m, t, t->spawned);
		task_slice(tj->w, m, t, "never polled", t->spawned, end);
	} else {
		/* (block_on's task is its thread, which has no waits of its own) */
		uint64_t until = t->kind == AU_TASK_BLOCK_ON ? 0 : au_model_left_waiting_until(m, t);

		if (until > t->last_poll_end)
			left_waiting(tj->w, m, t, until);
	}
	track_event(tj->w, "task", "e", label, task_pid(m, t), t->id, end > t->last_poll_end ? end : t->last_poll_end);
	jw_end_object(tj->w);
	counters(tj, m, end);
}

static void on_finish(struct au_sink *s, const struct au_model *m)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	struct jw *w = tj->w;

	if (tj->model != m)
		start(tj, m);
	/* Each diagnostic as a marker where it happened. */
	for (size_t i = 0; tj->diag && i < au_diagnose_count(tj->diag); i++) {
		const struct au_diag *g = au_diagnose_at(tj->diag, i);
		char name[64];

		snprintf(name, sizeof(name), "diagnostic: %s", au_diag_kind_name(g->kind));
		event_head(w, "i", name, g->thread >= 0 ? thread_pid(m, g->thread) : tj->pid);
		if (g->thread >= 0) {
			jw_u64_field(w, "tid", thread_tid(m, g->thread));
			jw_str_field(w, "s", "t");
		} else {
			jw_str_field(w, "s", "p");
		}
		jw_us_field(w, "ts", g->ts);
		jw_name(w, "args");
		jw_begin_object(w);
		jw_str_field(w, "message", g->message);
		if (g->task)
			jw_u64_field(w, "task", g->task);
		jw_end_object(w);
		jw_end_object(w);
	}
}

void au_trace_json_correlate(struct au_sink *sink, const struct au_correlation *c)
{
	struct trace_json *tj = container_of(sink, struct trace_json, sink);
	struct jw *w = tj->w;

	/* A request followed from one process into another. */
	for (size_t i = 0; tj->started && i < c->nr_pairs; i++) {
		const struct au_corr_call *l = c->pairs[i].left, *r = c->pairs[i].right;
		uint64_t id = ++tj->next_flow;

		event_head(w, "s", "request", l->pid);
		jw_str_field(w, "cat", "correlate");
		jw_u64_field(w, "id", id);
		jw_u64_field(w, "tid", l->tid);
		jw_us_field(w, "ts", l->start + c->offsets[l->recording]);
		jw_name(w, "args");
		jw_begin_object(w);
		jw_u64_field(w, "value", l->value);
		jw_end_object(w);
		jw_end_object(w);
		event_head(w, "f", "request", r->pid);
		jw_str_field(w, "cat", "correlate");
		jw_u64_field(w, "id", id);
		jw_u64_field(w, "tid", r->tid);
		jw_us_field(w, "ts", r->start + c->offsets[r->recording]);
		jw_str_field(w, "bp", "e");
		jw_end_object(w);
	}
}

/* The end of the document, after the last recording. */
static void finish_document(struct trace_json *tj)
{
	struct jw *w = tj->w;

	if (!tj->started) {
		jw_begin_object(w);
		jw_name(w, "traceEvents");
		jw_begin_array(w);
	}
	jw_end_array(w);
	jw_str_field(w, "displayTimeUnit", "ns");
	jw_name(w, "otherData");
	jw_begin_object(w);
	jw_str_field(w, "producer", "async-uftrace");
	jw_str_field(w, "program", tj->program);
	jw_end_object(w);
	jw_end_object(w);
	jw_newline(w);
}

/* Parked workers: a 0/1 counter per thread ("parked tid N"). */
static void on_park(struct au_sink *s, const struct au_model *m, uint32_t thread, uint64_t start,
		    uint64_t end)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	char key[32];

	snprintf(key, sizeof(key), "tid %u", thread_tid(m, thread));
	for (int i = 0; i < 2; i++) {
		event_head(tj->w, "C", "parked", thread_pid(m, thread));
		jw_us_field(tj->w, "ts", i ? end : start);
		jw_name(tj->w, "args");
		jw_begin_object(tj->w);
		jw_u64_field(tj->w, key, !i);
		jw_end_object(tj->w);
		jw_end_object(tj->w);
	}
}

/* A thread off the CPU: a slice inside the call it was in (no record of
 * the thread falls in between, so it nests), named for why. */
static void on_off_cpu(struct au_sink *s, const struct au_model *m, const struct au_off_cpu *o)
{
	struct trace_json *tj = container_of(s, struct trace_json, sink);
	struct jw *w = tj->w;

	if (tj->filter.task && au_model_thread_task(m, o->thread) != tj->filter.task)
		return;
	event_head(w, "X",
		   o->preempted ? "off CPU (preempted)" : o->idle ? "off CPU (parked)" : "off CPU (blocked)",
		   thread_pid(m, o->thread));
	jw_str_field(w, "cat", "sched");
	jw_u64_field(w, "tid", thread_tid(m, o->thread));
	jw_us_field(w, "ts", o->start);
	jw_us_field(w, "dur", o->end - o->start);
	jw_end_object(w);
}

static const struct au_sink_ops trace_json_ops = {
	.off_cpu = on_off_cpu,
	.park = on_park,
	.thread = on_thread,
	.call = on_call,
	.poll = on_poll,
	.future_end = on_future_end,
	.lost = on_lost,
	.task_spawn = on_task_spawn,
	.task_poll = on_task_poll,
	.wake = on_wake,
	.task_end = on_task_end,
	.finish = on_finish,
};

struct au_sink *au_trace_json_new(FILE *fp)
{
	struct trace_json *tj = xcalloc(1, sizeof(*tj));

	tj->sink.ops = &trace_json_ops;
	tj->slices = trace_slices_new();
	tj->w = jw_open_background(fp, trace_slices_expand, tj->slices);
	trace_slices_set_queue(tj->slices, jw_background(tj->w));
	return &tj->sink;
}

int au_trace_json_free(struct au_sink *sink)
{
	struct trace_json *tj;
	int err;

	if (!sink)
		return 0;
	tj = container_of(sink, struct trace_json, sink);
	finish_document(tj);
	err = jw_close(tj->w);
	free(tj->program);
	trace_slices_free(tj->slices);
	free(tj);
	return err;
}
