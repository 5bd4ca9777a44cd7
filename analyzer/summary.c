// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The summary JSON (schema version 1, doc/summary.md).
 */
#define PR_FMT "summary"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "json-writer.h"
#include "summary-internal.h"
#include "utils.h"
#include "writers.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static struct au_sum_thread *sum_thread(struct au_summary *sum, uint32_t thread)
{
	if (thread >= sum->nr_threads) {
		size_t n = thread + 1;

		sum->threads = xrealloc(sum->threads, n * sizeof(*sum->threads));
		memset(sum->threads + sum->nr_threads, 0,
		       (n - sum->nr_threads) * sizeof(*sum->threads));
		sum->nr_threads = n;
	}
	return &sum->threads[thread];
}

/* Keep the @cap longest spans, longest first (insertion into a short list). */
static void keep_longest(struct au_sum_span *list, size_t *n, size_t cap,
			 const struct au_sum_span *span)
{
	size_t i = *n < cap ? (*n)++ : cap;

	if (i == cap) {
		if (span->dur <= list[cap - 1].dur)
			return;
		i = cap - 1;
	}
	while (i > 0 && list[i - 1].dur < span->dur) {
		list[i] = list[i - 1];
		i--;
	}
	list[i] = *span;
}

static void on_poll(struct au_sink *s, const struct au_model *m, const struct au_poll *p)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);
	struct au_sum_span span = {
		.func = p->future->func,
		.task = p->future->task,
		.instance = p->future->id,
		.thread = p->thread,
	};

	if (p->outermost) {
		struct au_sum_thread *t = sum_thread(sum, p->thread);

		t->polls++;
		t->busy_ns += p->end - p->start;
	}
	span.start = p->start;
	span.dur = p->end - p->start;
	/* (a wrapper's poll is the poll of the future inside, listed too;
	 * an executor's loop's, around other tasks' polls, is theirs: a
	 * tokio worker's blocking task would head the list, the recording
	 * long, also a worker that never polled a task) */
	if (!au_model_funcs(m)->v[p->future->func].forwards && !p->nested_tasks_ns &&
	    !p->worker_loop)
		keep_longest(sum->polls, &sum->nr_polls, AU_TOP_POLLS, &span);
	/* Waits are listed for the program's own futures: the runtime's
	 * nest around them and would repeat the same wait. */
	if (p->wait_start && p->start >= p->wait_start &&
	    (au_model_funcs(m)->v[p->future->func].flags & ASYM_F_USER)) {
		span.start = p->wait_start;
		span.dur = p->start - p->wait_start;
		span.await = p->prev_await;
		span.woken_by = p->woken_by;
		keep_longest(sum->waits, &sum->nr_waits, AU_TOP_WAITS, &span);
	}
}

/* A future left waiting: its last wait, the one it is stuck in, is
 * among the longest (it has no next poll to end it). */
static void on_future_end(struct au_sink *s, const struct au_model *m, const struct au_future *f,
			  uint64_t end)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);
	struct au_sum_span span = {
		.func = f->func,
		.task = f->task,
		.instance = f->id,
		.thread = f->first_thread,
		.start = f->last_end,
		.await = f->await,
		.still_waiting = true,
	};

	(void)end;
	if (f->waiting_until <= f->last_end ||
	    !(au_model_funcs(m)->v[f->func].flags & ASYM_F_USER))
		return;
	span.dur = f->waiting_until - f->last_end;
	keep_longest(sum->waits, &sum->nr_waits, AU_TOP_WAITS, &span);
}

static void on_lost(struct au_sink *s, const struct au_model *m, uint32_t thread, uint64_t time,
		    uint64_t count)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);

	(void)m;
	(void)time;
	sum_thread(sum, thread)->lost += count;
}

static void on_park(struct au_sink *s, const struct au_model *m, uint32_t thread, uint64_t start,
		    uint64_t end)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);

	(void)m;
	sum_thread(sum, thread)->parked_ns += end - start;
	sum_thread(sum, thread)->parks++;
}

static void on_off_cpu(struct au_sink *s, const struct au_model *m, const struct au_off_cpu *o)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);
	struct au_sum_thread *t = sum_thread(sum, o->thread);

	uint64_t *share[] = { [AU_OFF_NONE] = NULL, [AU_OFF_PREEMPTED] = &t->preempted_ns,
			      [AU_OFF_BLOCKED] = &t->blocked_ns, [AU_OFF_PARKED] = &t->parked_ns };
	uint64_t *into = share[au_off_cpu_share(o)];

	(void)m;
	if (into)
		*into += o->end - o->start;
}

static unsigned delay_bucket(uint64_t ns)
{
	unsigned log = 63 - __builtin_clzll(ns | 1), sub;

	if (log < 3)
		return ns;
	sub = (ns >> (log - 3)) & 7;
	return log * 8 + sub;
}

static uint64_t bucket_value(unsigned b)
{
	unsigned log = b / 8, sub = b % 8;

	if (log < 3 && b < 8)
		return b;
	return (8ull + sub) << (log - 3);
}

uint64_t au_delays_percentile(const struct au_delays *d, double pct)
{
	uint64_t want, seen = 0;

	if (!d->count)
		return 0;
	want = (uint64_t)(pct / 100.0 * d->count + 0.5);
	if (want < 1)
		want = 1;
	for (unsigned b = 0; b < AU_DELAY_BUCKETS; b++) {
		seen += d->buckets[b];
		if (seen >= want) {
			uint64_t v = bucket_value(b);

			return v < d->max ? v : d->max;
		}
	}
	return d->max;
}

static void on_task_poll(struct au_sink *s, const struct au_model *m, const struct au_task *t,
			 uint32_t thread, uint64_t start, uint64_t end, bool leaf)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);
	struct au_sum_thread *th = sum_thread(sum, thread);

	(void)m;
	if (t->woken_at && t->woken_at <= start) {
		uint64_t delay = start - t->woken_at;
		unsigned b = delay_bucket(delay);

		sum->delays.count++;
		if (delay > sum->delays.max)
			sum->delays.max = delay;
		sum->delays.buckets[b < AU_DELAY_BUCKETS ? b : AU_DELAY_BUCKETS - 1]++;
	}
	/* (a worker loop's parks inside a blocking task's poll are idle) */
	if (leaf)
		th->task_busy_ns += end - start - t->last_poll_parked_ns;
	if (t->kind == AU_TASK_BLOCKING && leaf)
		th->blocking_polls++;
	else
		th->task_polls++;
}

static void on_wake(struct au_sink *s, const struct au_model *m, const struct au_wake *w)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);

	(void)m;
	sum_thread(sum, w->thread)->wakes++;
}

static void on_call(struct au_sink *s, const struct au_model *m, const struct au_call *c)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);

	const struct au_funcinfo *fi = c->func >= 0 ? &au_model_funcs(m)->v[c->func] : NULL;

	if (fi && fi->role == ASYM_ROLE_WORKER_START)
		sum_thread(sum, c->thread)->worker = true;
	if (fi && (fi->flags & ASYM_F_DRIVER_LOOP))
		sum_thread(sum, c->thread)->driver = true;
	if (fi && fi->role == ASYM_ROLE_BLOCK_ON && fi->label &&
	    !strncmp(fi->label, "<tokio::runtime::", 17))
		sum_thread(sum, c->thread)->tokio_block_on = true;
}

static const struct au_sink_ops summary_ops = {
	.call = on_call,
	.poll = on_poll,
	.future_end = on_future_end,
	.lost = on_lost,
	.park = on_park,
	.off_cpu = on_off_cpu,
	.task_poll = on_task_poll,
	.wake = on_wake,
};

struct au_sink *au_summary_new(void)
{
	struct au_summary *sum = xcalloc(1, sizeof(*sum));

	sum->sink.ops = &summary_ops;
	return &sum->sink;
}

void au_summary_free(struct au_sink *sink)
{
	struct au_summary *sum;

	if (!sink)
		return;
	sum = container_of(sink, struct au_summary, sink);
	free(sum->threads);
	free(sum->futures);
	free(sum);
}

const char *au_summary_kind(const struct au_funcinfo *fi)
{
	switch (fi->role) {
	case ASYM_ROLE_ASYNC_FN:
		return "async_fn";
	case ASYM_ROLE_ASYNC_BLOCK:
		return fi->flags & ASYM_F_ASYNC_CLOSURE ? "async_closure" : "async_block";
	default:
		return "future_impl";
	}
}

static int cmp_busy(const void *a, const void *b)
{
	const struct au_sum_future *fa = a, *fb = b;

	if (fa->busy_ns != fb->busy_ns)
		return fa->busy_ns > fb->busy_ns ? -1 : 1;
	return strcmp(fa->name, fb->name);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((*(const struct au_sum_future *const *)a)->name,
		      (*(const struct au_sum_future *const *)b)->name);
}

void au_summary_futures(struct au_summary *sum, const struct au_model *m)
{
	size_t n = au_model_nr_stats(m), out = 0;
	struct au_sum_future **byname;

	if (sum->futures)
		return;
	sum->futures = xcalloc(n ? n : 1, sizeof(*sum->futures));
	for (size_t i = 0; i < n; i++) {
		const struct au_future_stats *st = au_model_stats(m, i);
		const struct au_funcinfo *fi = &au_model_funcs(m)->v[st->func];
		struct au_sum_future *f = &sum->futures[i];

		f->name = fi->label;
		f->fi = fi;
		f->instances = st->instances;
		f->polls = st->polls;
		f->completed = st->completed;
		f->busy_ns = st->busy_ns;
		f->wait_ns = st->wait_ns;
		f->max_poll_ns = st->max_poll_ns;
		f->off_cpu_ns = st->off_cpu_ns;
		f->blocked_ns = st->blocked_ns;
	}
	/* Merge equal labels: sort pointers by name, fold neighbours. */
	byname = xmalloc((n ? n : 1) * sizeof(*byname));
	for (size_t i = 0; i < n; i++)
		byname[i] = &sum->futures[i];
	qsort(byname, n, sizeof(*byname), cmp_name);
	for (size_t i = 0; i < n; i++) {
		struct au_sum_future *f = byname[i];

		if (out && !strcmp(byname[out - 1]->name, f->name) &&
		    !strcmp(au_summary_kind(byname[out - 1]->fi), au_summary_kind(f->fi))) {
			struct au_sum_future *into = byname[out - 1];

			into->instances += f->instances;
			into->polls += f->polls;
			into->completed += f->completed;
			into->busy_ns += f->busy_ns;
			into->wait_ns += f->wait_ns;
			into->off_cpu_ns += f->off_cpu_ns;
			into->blocked_ns += f->blocked_ns;
			if (f->max_poll_ns > into->max_poll_ns)
				into->max_poll_ns = f->max_poll_ns;
			f->name = NULL; /* merged away */
		} else {
			byname[out++] = f;
		}
	}
	free(byname);
	for (size_t i = 0; i < n; i++) {
		if (sum->futures[i].name)
			sum->futures[sum->nr_futures++] = sum->futures[i];
	}
	if (sum->nr_futures)
		qsort(sum->futures, sum->nr_futures, sizeof(*sum->futures), cmp_busy);
}

static void write_trace(struct jw *w, const struct au_model *m)
{
	const struct au_data *data = au_model_data(m);
	const struct au_data_info *info = au_data_info(data);
	const struct au_data_errors *errs = au_data_errors(data);
	uint64_t first = au_model_first_time(m), last = au_model_last_time(m);

	jw_name(w, "trace");
	jw_begin_object(w);
	jw_str_field(w, "program", info->exename);
	jw_u64_field(w, "duration_ns", last > first ? last - first : 0);
	jw_u64_field(w, "threads", au_data_nr_threads(data));
	jw_u64_field(w, "records", au_model_records(m));
	jw_u64_field(w, "lost_records", errs->lost_records);
	jw_str_field(w, "runtime", au_model_funcs(m)->runtime);
	jw_u64_field(w, "start_ns", first);
	if (info->has_exit_status)
		jw_i64_field(w, "exit_status", info->exit_status);
	else
		jw_null_field(w, "exit_status");
	jw_u64_field(w, "bad_records", errs->bad_records);
	jw_u64_field(w, "truncated_calls", au_model_truncated_calls(m));
	jw_bool_field(w, "classified", au_model_funcs(m)->classified);
	jw_u64_field(w, "unknown_wakes", au_model_unknown_wakes(m));
	jw_u64_field(w, "context_switches", au_model_context_switches(m));
	jw_u64_field(w, "slow_poll_threshold_ns", au_model_slow_poll(m));
	/* what the program did that this recording cannot show */
	jw_name(w, "unseen");
	jw_begin_array(w);
	if (au_model_unseen(m) & AU_UNSEEN_SPAWNS)
		jw_string(w, "spawns");
	if (au_model_unseen(m) & AU_UNSEEN_QUEUEING)
		jw_string(w, "queueing");
	if (au_model_unseen(m) & AU_UNSEEN_STEALS)
		jw_string(w, "steals");
	jw_end_array(w);
	{
		uint32_t th;
		int32_t func, caller;

		if (au_model_panic_outside_task(m, &th, &func, &caller)) {
			jw_name(w, "panic_outside_task");
			jw_begin_object(w);
			jw_u64_field(w, "tid", au_data_thread(data, th)->tid);
			jw_str_field(w, "in", au_model_func_name(m, func));
			if (caller >= 0)
				jw_str_field(w, "called_from", au_model_func_name(m, caller));
			jw_end_object(w);
		}
	}
	jw_end_object(w);
}

static void write_futures(struct jw *w, struct au_summary *sum)
{
	jw_name(w, "futures");
	jw_begin_array(w);
	for (size_t i = 0; i < sum->nr_futures; i++) {
		const struct au_sum_future *f = &sum->futures[i];
		const struct asym_func *af = f->fi->sym;

		jw_begin_object(w);
		jw_str_field(w, "name", f->name);
		jw_str_field(w, "kind", au_summary_kind(f->fi));
		jw_u64_field(w, "instances", f->instances);
		jw_u64_field(w, "polls", f->polls);
		jw_u64_field(w, "completed", f->completed);
		jw_u64_field(w, "busy_ns", f->busy_ns);
		jw_u64_field(w, "wait_ns", f->wait_ns);
		jw_u64_field(w, "max_poll_ns", f->max_poll_ns);
		jw_u64_field(w, "off_cpu_ns", f->off_cpu_ns);
		jw_u64_field(w, "blocked_ns", f->blocked_ns);
		if (af && af->future_size)
			jw_u64_field(w, "size_bytes", af->future_size);
		else
			jw_null_field(w, "size_bytes");
		if (af && af->file) {
			char *src = xasprintf("%s:%d", af->file, af->line);

			jw_str_field(w, "source", src);
			free(src);
		} else {
			jw_null_field(w, "source");
		}
		jw_end_object(w);
	}
	jw_end_array(w);
}

/* Busy: inside the runtime's task polls where there are any (tokio-metrics'
 * definition), else inside the outermost future polls (block_on). */
uint64_t au_summary_thread_busy(const struct au_sum_thread *t)
{
	return t->task_polls + t->blocking_polls ? t->task_busy_ns : t->busy_ns;
}

/* Its task polls (blocking-pool ones too), else its outermost polls. */
static uint64_t thread_polls(const struct au_sum_thread *t)
{
	return t->task_polls + t->blocking_polls ? t->task_polls + t->blocking_polls : t->polls;
}

const char *au_summary_thread_role(const struct au_thread *th, const struct au_sum_thread *t)
{
	if (th->tid == th->pid)
		return "main";
	if (t->worker)
		return "worker";
	if (t->blocking_polls > t->task_polls)
		return "blocking";
	/* (async-io's reactor thread parks, and may poll a future of its
	 * own, but runs no executor) */
	if (t->task_polls || (t->parked_ns && !t->driver && !t->tokio_block_on))
		return "worker";
	return "thread";
}

static const char *outcome_name(enum au_task_outcome o)
{
	switch (o) {
	case AU_OUTCOME_COMPLETED:
		return "completed";
	case AU_OUTCOME_ABORTED:
		return "aborted";
	case AU_OUTCOME_DROPPED:
		return "dropped";
	case AU_OUTCOME_PANICKED:
		return "panicked";
	case AU_OUTCOME_SHUT_DOWN:
		return "shut_down";
	case AU_OUTCOME_FREED:
		return "freed";
	default:
		return "pending_at_end";
	}
}

/* A blocking-pool task that runs an executor's loop (au_task's
 * hosts_tasks: tokio's workers run as blocking tasks) is a "worker", not
 * the program's work. */
static const char *kind_name(const struct au_task *t)
{
	if (t->kind == AU_TASK_BLOCKING)
		return t->hosts_tasks ? "worker" : "blocking";
	return t->kind == AU_TASK_BLOCK_ON ? "block_on" : "task";
}

/* A label for a task: its root future, else what spawned it. */
const char *au_summary_task_name(const struct au_model *m, const struct au_task *t)
{
	const struct au_funcs *funcs = au_model_funcs(m);

	if (t->runs_func >= 0)
		return funcs->v[t->runs_func].label;
	/* its root is one of several futures its own future polls: that
	 * one's type (hyper's connection task, not the program's
	 * make-service future it starts with) */
	if (t->root_partial && t->poll_func >= 0 && funcs->v[t->poll_func].task_type)
		return funcs->v[t->poll_func].task_type;
	/* a library root: what its wrappers wrap (hyper's client connection
	 * task, a Map<MapErr<Connection<..>>>) */
	if (t->root_func >= 0 && !t->root_user && funcs->v[t->root_func].task_type)
		return funcs->v[t->root_func].task_type;
	if (t->root_func >= 0)
		return funcs->v[t->root_func].label;
	/* never polled: the future its spawn took */
	if (t->spawned_future >= 0)
		return funcs->v[t->spawned_future].label;
	/* its future's poll inlined into the runtime's: that one's generics */
	if (t->poll_func >= 0 && funcs->v[t->poll_func].task_label)
		return funcs->v[t->poll_func].task_label;
	if (t->kind == AU_TASK_BLOCK_ON)
		return "block_on";
	return NULL;
}

/* A count the recording may not show (@unseen, an AU_UNSEEN_* bit): null
 * then, never a 0 read as a fact. */
static void seen_count_field(struct jw *w, const struct au_model *m, unsigned unseen,
			     const char *name, uint64_t count)
{
	if (au_model_unseen(m) & unseen)
		jw_null_field(w, name);
	else
		jw_u64_field(w, name, count);
}

static void write_tasks(struct jw *w, const struct au_model *m)
{
	const struct au_tasks *ts = au_model_tasks(m);
	const struct au_funcs *funcs = au_model_funcs(m);

	jw_name(w, "tasks");
	jw_begin_array(w);
	for (size_t i = 0; i < au_tasks_count(ts); i++) {
		const struct au_task *t = au_tasks_at(ts, i);
		const char *name = au_summary_task_name(m, t);

		jw_begin_object(w);
		jw_u64_field(w, "id", t->id);
		if (t->parent)
			jw_u64_field(w, "parent", t->parent);
		else
			jw_null_field(w, "parent");
		if (t->runtime_id)
			jw_u64_field(w, "runtime_id", t->runtime_id);
		else
			jw_null_field(w, "runtime_id");
		jw_str_field(w, "name", name);
		jw_str_field(w, "future", t->root_func >= 0	      ? funcs->v[t->root_func].name
					  : t->spawned_future >= 0 ? funcs->v[t->spawned_future].name
								   : NULL);
		jw_str_field(w, "kind", kind_name(t));
		jw_hex_field(w, "ptr", t->ptr);
		if (t->spawn_func >= 0) {
			const struct au_funcinfo *fi = &funcs->v[t->spawn_func];

			jw_name(w, "spawn_site");
			jw_begin_object(w);
			const char *call_file;
			int lines[AU_CALL_LINES_MAX];
			unsigned n = au_funcs_call_lines(funcs, t->spawn_func, t->spawn_callee,
							 &call_file, lines, AU_CALL_LINES_MAX);

			jw_str_field(w, "function", fi->label);
			if (fi->sym && fi->sym->file) {
				jw_str_field(w, "file", fi->sym->file);
				/* the spawn call's line when the code tells it; the
				 * first of the lines it may be, when it calls there
				 * from several (the recording cannot tell which) */
				jw_i64_field(w, "line", n ? lines[0] : fi->sym->line);
				jw_i64_field(w, "function_line", fi->sym->line);
				if (n > 1) {
					jw_name(w, "guessed_among");
					jw_begin_array(w);
					for (unsigned k = 0; k < n && k < AU_CALL_LINES_MAX; k++)
						jw_i64(w, lines[k]);
					jw_end_array(w);
				}
			}
			jw_end_object(w);
		} else {
			jw_null_field(w, "spawn_site");
		}
		if (t->spawned)
			jw_u64_field(w, "spawned_ns", t->spawned);
		else
			jw_null_field(w, "spawned_ns");
		if (t->polls) {
			jw_u64_field(w, "first_poll_ns", t->first_poll);
			if (t->spawned && t->first_poll >= t->spawned)
				jw_u64_field(w, "first_poll_delay_ns", t->first_poll - t->spawned);
			else
				jw_null_field(w, "first_poll_delay_ns");
		} else {
			jw_null_field(w, "first_poll_ns");
			jw_null_field(w, "first_poll_delay_ns");
		}
		jw_u64_field(w, "polls", t->polls);
		jw_u64_field(w, "busy_ns", t->busy_ns);
		jw_u64_field(w, "blocked_ns", t->blocked_ns);
		jw_u64_field(w, "idle_ns", t->idle_ns);
		jw_u64_field(w, "max_idle_ns", t->max_idle_ns);
		jw_u64_field(w, "scheduled_ns", t->scheduled_ns);
		jw_u64_field(w, "wakes", t->wakes);
		jw_u64_field(w, "self_wakes", t->self_wakes);
		jw_u64_field(w, "budget_yields", t->budget_yields);
		jw_u64_field(w, "waker_clones", t->waker_clones);
		jw_u64_field(w, "waker_drops", t->waker_drops);
		jw_u64_field(w, "wakes_after_end", t->wakes_after_end);
		jw_u64_field(w, "max_wake_to_poll_ns", t->max_wake_to_poll_ns);
		jw_u64_field(w, "slow_polls", t->slow_polls);
		jw_u64_field(w, "slow_poll_ns", t->slow_poll_ns);
		seen_count_field(w, m, AU_UNSEEN_QUEUEING, "scheduled_local", t->sched_local);
		seen_count_field(w, m, AU_UNSEEN_QUEUEING, "scheduled_remote", t->sched_remote);
		seen_count_field(w, m, AU_UNSEEN_STEALS, "stolen_polls", t->stolen_polls);
		if (t->completed)
			jw_u64_field(w, "completed_ns", t->completed);
		else
			jw_null_field(w, "completed_ns");
		jw_str_field(w, "outcome", outcome_name(t->outcome));
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void write_threads(struct jw *w, struct au_summary *sum, const struct au_model *m)
{
	const struct au_data *data = au_model_data(m);

	jw_name(w, "threads");
	jw_begin_array(w);
	for (uint32_t i = 0; i < au_data_nr_threads(data); i++) {
		const struct au_thread *th = au_data_thread(data, i);
		struct au_sum_thread *t = sum_thread(sum, i);
		uint64_t span = th->last_time > th->first_time ? th->last_time - th->first_time : 0;
		uint64_t busy = au_summary_thread_busy(t);

		jw_begin_object(w);
		jw_u64_field(w, "tid", th->tid);
		if (th->name)
			jw_str_field(w, "name", th->name);
		else
			jw_null_field(w, "name");
		jw_str_field(w, "role", au_summary_thread_role(th, t));
		jw_u64_field(w, "polls", thread_polls(t));
		jw_u64_field(w, "busy_ns", busy);
		jw_u64_field(w, "idle_ns", span > busy ? span - busy : 0);
		jw_u64_field(w, "parked_ns", t->parked_ns);
		jw_u64_field(w, "parks", t->parks);
		jw_u64_field(w, "preempted_ns", t->preempted_ns);
		jw_u64_field(w, "blocked_ns", t->blocked_ns);
		jw_double_field(w, "utilization", span ? (double)busy / (double)span : 0.0);
		jw_u64_field(w, "wakes", t->wakes);
		jw_u64_field(w, "records", th->records);
		jw_u64_field(w, "lost_records", th->lost);
		jw_end_object(w);
	}
	jw_end_array(w);
}

/* tokio-metrics' runtime view: totals over the worker threads, with the
 * busiest and idlest worker, and the tasks' queueing and steals. */
void au_summary_workers(struct au_summary *sum, const struct au_model *m, struct au_workers *out)
{
	const struct au_data *data = au_model_data(m);
	const struct au_tasks *ts = au_model_tasks(m);

	memset(out, 0, sizeof(*out));
	out->min_busy_ns = out->min_parks = UINT64_MAX;
	for (uint32_t i = 0; i < au_data_nr_threads(data); i++) {
		const struct au_thread *th = au_data_thread(data, i);
		const struct au_sum_thread *t = sum_thread(sum, i);
		uint64_t b = au_summary_thread_busy(t);

		if (strcmp(au_summary_thread_role(th, t), "worker"))
			continue;
		out->count++;
		out->polls += thread_polls(t);
		out->busy_ns += b;
		out->parks += t->parks;
		out->min_busy_ns = b < out->min_busy_ns ? b : out->min_busy_ns;
		out->max_busy_ns = b > out->max_busy_ns ? b : out->max_busy_ns;
		out->min_parks = t->parks < out->min_parks ? t->parks : out->min_parks;
		out->max_parks = t->parks > out->max_parks ? t->parks : out->max_parks;
	}
	if (!out->count)
		out->min_busy_ns = out->min_parks = 0;
	for (size_t i = 0; i < au_tasks_count(ts); i++) {
		const struct au_task *t = au_tasks_at(ts, i);

		out->local_schedules += t->sched_local;
		out->remote_schedules += t->sched_remote;
		out->stolen_polls += t->stolen_polls;
		out->budget_yields += t->budget_yields;
	}
}

static void write_workers(struct jw *w, struct au_summary *sum, const struct au_model *m)
{
	struct au_workers wk;

	au_summary_workers(sum, m, &wk);
	jw_name(w, "workers");
	jw_begin_object(w);
	jw_u64_field(w, "count", wk.count);
	jw_u64_field(w, "polls", wk.polls);
	jw_u64_field(w, "busy_ns", wk.busy_ns);
	jw_u64_field(w, "min_busy_ns", wk.min_busy_ns);
	jw_u64_field(w, "max_busy_ns", wk.max_busy_ns);
	jw_u64_field(w, "parks", wk.parks);
	jw_u64_field(w, "min_parks", wk.min_parks);
	jw_u64_field(w, "max_parks", wk.max_parks);
	seen_count_field(w, m, AU_UNSEEN_QUEUEING, "local_schedules", wk.local_schedules);
	seen_count_field(w, m, AU_UNSEEN_QUEUEING, "remote_schedules", wk.remote_schedules);
	seen_count_field(w, m, AU_UNSEEN_STEALS, "stolen_polls", wk.stolen_polls);
	jw_u64_field(w, "budget_yields", wk.budget_yields);
	jw_end_object(w);
}

static void write_diagnostics(struct jw *w, const struct au_model *m, const struct au_sink *diag)
{
	jw_name(w, "diagnostics");
	jw_begin_array(w);
	for (size_t i = 0; diag && i < au_diagnose_count(diag); i++) {
		const struct au_diag *g = au_diagnose_at(diag, i);

		jw_begin_object(w);
		jw_str_field(w, "kind", au_diag_kind_name(g->kind));
		if (g->task)
			jw_u64_field(w, "task", g->task);
		else
			jw_null_field(w, "task");
		jw_str_field(w, "future", g->future);
		jw_u64_field(w, "ts_ns", g->ts);
		jw_u64_field(w, "dur_ns", g->dur);
		if (g->await && g->await->line) {
			char *at = xasprintf("%s:%d", g->await->file ? g->await->file : "?",
					     g->await->line);

			jw_str_field(w, "await", at);
			free(at);
		} else {
			jw_null_field(w, "await");
		}
		if (g->on_task)
			jw_u64_field(w, "on_task", g->on_task);
		if (g->held_by)
			jw_u64_field(w, "held_by", g->held_by);
		if (g->last_waker)
			jw_u64_field(w, "last_woken_by", g->last_waker);
		if (g->nr_behind) {
			jw_name(w, "blocked_behind");
			jw_begin_array(w);
			for (unsigned k = 0; k < g->nr_behind; k++)
				jw_u64(w, g->behind[k]);
			jw_end_array(w);
		}
		au_write_inner(w, m, g->inner, g->nr_inner);
		jw_name(w, "stack");
		jw_begin_array(w);
		for (unsigned k = 0; k < g->stack_len; k++)
			jw_string(w, g->stack[k] >= 0 ? au_model_funcs(m)->v[g->stack[k]].label : "?");
		jw_end_array(w);
		jw_str_field(w, "message", g->message);
		jw_end_object(w);
	}
	jw_end_array(w);
}

int au_summary_write(struct au_sink *sink, const struct au_model *m, const struct au_sink *diag,
		     FILE *fp)
{
	struct au_summary *sum = container_of(sink, struct au_summary, sink);
	struct jw *w = jw_open(fp, true);

	au_summary_futures(sum, m);
	jw_begin_object(w);
	jw_u64_field(w, "version", 1);
	write_trace(w, m);
	write_futures(w, sum);
	write_tasks(w, m);
	jw_name(w, "wake_to_poll");
	jw_begin_object(w);
	jw_u64_field(w, "count", sum->delays.count);
	jw_u64_field(w, "p50_ns", au_delays_percentile(&sum->delays, 50));
	jw_u64_field(w, "p90_ns", au_delays_percentile(&sum->delays, 90));
	jw_u64_field(w, "p99_ns", au_delays_percentile(&sum->delays, 99));
	jw_u64_field(w, "max_ns", sum->delays.max);
	jw_end_object(w);
	write_threads(w, sum, m);
	write_workers(w, sum, m);
	write_diagnostics(w, m, diag);
	jw_end_object(w);
	jw_newline(w);
	return jw_close(w);
}
