// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Diagnostics from the model's events.  Per-event rules (long polls, wake
 * delays, blocking calls) keep only the worst few of each kind; end-of-trace
 * rules (never completed, lost wakes, deadlocks) look at what is left.
 */
#define PR_FMT "diagnose"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "summary-internal.h"
#include "thread-history.h"
#include "utils.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define KEEP_PER_KIND 10

#define _DK(k, s) s,
static const char *const kind_names[] = { AU_DIAG_KINDS };
#undef _DK

const char *au_diag_kind_name(enum au_diag_kind kind)
{
	return kind < AU_DIAG_NR ? kind_names[kind] : "?";
}

/* What a task waits on: the future, what it waits on inside when it is the
 * library's (a select!), and the task that must end first (a
 * JoinHandle's) or that holds the lock it waits for. */
struct wait_on {
	int32_t func;
	uint64_t task, held_by;
	int32_t inner[AU_AWAIT_INNER];
	unsigned nr_inner;
};

/* Why a task alive at the end, not woken since its last poll, waits: only
 * WAIT_STUCK ones can be parties to a deadlock; the others wait on the
 * outside world, or as they did before, and may end a chain. */
enum wait_kind {
	WAIT_STUCK,      /* on something only another task can do */
	WAIT_TIMER,      /* for its timer: the clock wakes it */
	WAIT_IO,         /* for I/O: a socket, a stream, a child, a signal */
	WAIT_USUAL,      /* no longer than between its earlier polls: a loop */
};

/* A task that was still pending at the end, not woken since its last
 * poll: for the deadlock rule and the chains. */
struct stuck {
	uint64_t task;
	const char *name;
	const struct asym_await *await;
	struct wait_on on;
	enum wait_kind kind;
	/* on_finish(): can it be in a deadlock (it is stuck, and so is every
	 * task it is blocked behind); CAND_UNKNOWN until worked out */
	enum { CAND_UNKNOWN, CAND_VISITING, CAND_NO, CAND_YES } candidate;
};

struct diagnose {
	struct au_sink sink;
	struct au_diag_opts opts;
	struct au_diag *v;
	size_t n, cap;
	unsigned per_kind[AU_DIAG_NR];
	struct au_hist *hist;      /* what each thread did lately */
	struct stuck *stuck;
	size_t nr_stuck, cap_stuck;
};

static char *msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *msg(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s ? s : xstrdup("(out of memory)");
}

/* From @from to @to, 0 if @to is earlier (a thread's calls can close after
 * the trace's last record, at its exit). */
static uint64_t elapsed(uint64_t from, uint64_t to)
{
	return to > from ? to - from : 0;
}

/* (in seconds from 10 s: a hang of minutes reads "608.8 s") */
static const char *ms(char *buf, size_t len, uint64_t ns)
{
	if (ns >= 10000000000ull)
		snprintf(buf, len, "%.1f s", ns / 1e9);
	else
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	return buf;
}

/* Like ms(), in microseconds under a tenth of a millisecond. */
static const char *short_time(char *buf, size_t len, uint64_t ns)
{
	if (ns < 100000)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else
		ms(buf, len, ns);
	return buf;
}

/* Keep at most KEEP_PER_KIND of a kind: the longest ones. */
static struct au_diag *add(struct diagnose *d, enum au_diag_kind kind, uint64_t dur)
{
	struct au_diag *g;

	if (d->per_kind[kind] >= KEEP_PER_KIND) {
		struct au_diag *shortest = NULL;

		for (size_t i = 0; i < d->n; i++) {
			if (d->v[i].kind == kind && (!shortest || d->v[i].dur < shortest->dur))
				shortest = &d->v[i];
		}
		if (!shortest || shortest->dur >= dur)
			return NULL;
		free(shortest->message);
		memset(shortest, 0, sizeof(*shortest));
		shortest->kind = kind;
		shortest->thread = -1;
		shortest->dur = dur;
		return shortest;
	}
	au_grow(&d->v, &d->cap, d->n, sizeof(*d->v));
	g = &d->v[d->n++];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->thread = -1;
	g->dur = dur;
	d->per_kind[kind]++;
	return g;
}

static const char *label(const struct au_model *m, int32_t func)
{
	return func >= 0 ? au_model_funcs(m)->v[func].label : "?";
}

/*
 * A poll open at the end whose thread was blocked off the CPU most of it
 * (a hung program, stopped): for how long, and the blocking call its
 * innermost function makes, where it most likely is.  uftrace writes a
 * call when it returns (under the default time filter): one that never
 * returned is not in the recording.  "" otherwise.
 */
static const char *ended_blocked(char *buf, size_t len, const struct au_model *m,
				 const struct au_task *t, uint64_t poll_ns)
{
	const struct au_funcinfo *fi = t->ended_depth ?
		&au_model_funcs(m)->v[t->ended_stack[t->ended_depth - 1]] : NULL;
	char b[32];
	size_t n;

	/* an executor's block_on run inside the poll (futures' block_on on a
	 * tokio worker): its thread waits there, parked, for its future */
	for (unsigned i = 1; len && i < t->ended_depth; i++) {
		const struct au_funcinfo *bfi = &au_model_funcs(m)->v[t->ended_stack[i]];

		if (bfi->role == ASYM_ROLE_BLOCK_ON) {
			snprintf(buf, len, "; it is inside %s, an executor's block_on run inside the "
				 "poll: its thread waits there for that future, and its runtime "
				 "runs nothing else on it", bfi->name);
			return buf;
		}
	}
	if (!len || t->ended_blocked_ns * 2 < poll_ns || !t->ended_blocked_ns) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	n = snprintf(buf, len, "; its thread was blocked off the CPU for %s of it",
		     short_time(b, sizeof(b), t->ended_blocked_ns));
	if (n < len && fi && fi->sym && fi->sym->may_block_in)
		snprintf(buf + n, len - n, ", most likely in %s, which %s calls (a call that "
			 "never returned is not recorded)", fi->sym->may_block_in, fi->label);
	return buf;
}

/* Where task @t waits on, as it was at its last poll. */
static struct wait_on task_wait(const struct au_task *t)
{
	struct wait_on w = { t->await.child_func, t->await.on_task, t->await.held_by, { 0 },
			     t->await.nr_inner };

	memcpy(w.inner, t->await.inner, sizeof(w.inner));
	return w;
}

/* What @w waits on, or one of the futures inside it (a select!'s branch,
 * a timeout's timer), has @flag (ASYM_F_TIMER, ASYM_F_IO): the clock or
 * the outside world wakes it, not another task. */
static bool waits_on_flag(const struct au_model *m, const struct wait_on *w, unsigned flag)
{
	const struct au_funcs *funcs = au_model_funcs(m);

	if (w->func >= 0 && (funcs->v[w->func].flags & flag))
		return true;
	for (unsigned i = 0; i < w->nr_inner; i++) {
		if (w->inner[i] >= 0 && (funcs->v[w->inner[i]].flags & flag))
			return true;
	}
	return false;
}

static const char *const wait_words[] = {
	[WAIT_STUCK] = "and nothing woke it since",
	[WAIT_TIMER] = "waiting for its timer",
	[WAIT_IO] = "waiting for I/O",
	[WAIT_USUAL] = "and nothing woke it since",
};

static const char *on_label(char *buf, size_t len, const struct au_model *m,
			    const struct wait_on *w)
{
	size_t n = snprintf(buf, len, "%s", label(m, w->func));

	for (unsigned i = 0; i < w->nr_inner && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s%s", i ? ", " : " [", label(m, w->inner[i]),
			      i + 1 == w->nr_inner ? "]" : "");
	if (w->task && n < len)
		snprintf(buf + n, len - n, " (task %llu)", (unsigned long long)w->task);
	else if (w->held_by && n < len)
		snprintf(buf + n, len - n, " (%s task %llu)",
			 au_funcs_holder_word(au_model_funcs(m), w->func),
			 (unsigned long long)w->held_by);
	return buf;
}

/* "file:line on <what it waits on>" for a wait at @site. */
static const char *waits_at(char *buf, size_t len, const struct au_model *m,
			    const struct asym_await *site, const struct wait_on *w)
{
	char on[480];

	snprintf(buf, len, "%s:%d on %s", site->file ? site->file : "?", site->line,
		 on_label(on, sizeof(on), m, w));
	return buf;
}

static bool is_user(const struct au_model *m, int32_t func)
{
	return func >= 0 && (au_model_funcs(m)->v[func].flags & ASYM_F_USER);
}

static void on_poll(struct au_sink *s, const struct au_model *m, const struct au_poll *p)
{
	struct diagnose *d = container_of(s, struct diagnose, sink);
	/* time in block_in_place is no stall: the worker handed its other
	 * tasks to another thread first; the polls of other tasks inside it
	 * (an executor run inside a block_on) are judged on their own */
	uint64_t outside = p->in_place_ns + p->nested_tasks_ns;
	uint64_t dur = p->end - p->start > outside ? p->end - p->start - outside : 0;
	/* nor is the kernel running another thread: a poll is judged on its
	 * time on the CPU and blocked, not on its thread's preemption */
	uint64_t preempted = p->off_cpu_ns > p->blocked_ns ? p->off_cpu_ns - p->blocked_ns : 0;
	uint64_t judged = dur > preempted ? dur - preempted : 0;
	bool user = is_user(m, p->future->func);
	struct au_diag *g;
	char b1[32], b2[32];

	/* A blocking-pool task's poll is long by design: it runs on a
	 * thread of its own, off the executor (spawn_blocking).  A poll whose
	 * end was never recorded has no known length: one the program exited
	 * in (std::process::exit inside a block_on) is no stall; a task's that
	 * never returned is never_completed's. */
	if (!p->top || judged <= d->opts.long_poll_ns || p->blocking_task || p->truncated)
		return;
	/* A runtime's own slow poll (its start-up, say) is not the
	 * program's problem unless the program's code is where time went. */
	for (unsigned i = 0; i < p->hot_depth && !user; i++)
		user = is_user(m, p->hot_stack[i]);
	if (!user || !(g = add(d, AU_DIAG_LONG_POLL, dur)))
		return;
	g->task = p->task;
	/* Name the program's own future in the poll when the top one is a
	 * runtime wrapper (block_on's Pin<&mut F>). */
	g->future = label(m, p->future->func);
	for (unsigned i = 0; i < p->hot_depth && !is_user(m, p->future->func); i++) {
		int32_t fn = p->hot_stack[i];

		if (is_user(m, fn) && (au_model_funcs(m)->v[fn].flags & ASYM_F_FUTURE)) {
			g->future = label(m, fn);
			break;
		}
	}
	g->ts = p->start;
	g->thread = p->thread;
	g->await = p->result != AU_POLL_READY ? p->await.site : NULL;
	g->stack_len = p->hot_depth;
	memcpy(g->stack, p->hot_stack, sizeof(g->stack[0]) * p->hot_depth);
	/* Mostly off the CPU, not preempted: it waited in the kernel (a
	 * sleep, a lock, a read), inside the call the context switches name. */
	if (p->blocked_func >= 0 && p->blocked_ns * 2 >= dur)
		g->message = msg("a poll of %s took %s without yielding; its thread was blocked "
				 "off the CPU for %s of it, in %s: move blocking work off the "
				 "executor (spawn_blocking) or use its async equivalent",
				 g->future, ms(b1, sizeof(b1), dur), ms(b2, sizeof(b2), p->blocked_ns),
				 label(m, p->blocked_func));
	else if (p->hot[0] >= 0)
		g->message = msg("a poll of %s took %s without yielding; %s in %s (%s of "
				 "its own time): move CPU-bound or blocking work off the executor "
				 "(spawn_blocking) or yield inside it",
				 g->future, ms(b1, sizeof(b1), dur),
				 2 * p->hot_ns[0] >= judged ? "most of it" : "the largest share",
				 label(m, p->hot[0]), ms(b2, sizeof(b2), p->hot_ns[0]));
	else
		g->message = msg("a poll of %s took %s without yielding", g->future,
				 ms(b1, sizeof(b1), dur));
}

static void on_call(struct au_sink *s, const struct au_model *m, const struct au_call *c)
{
	struct diagnose *d = container_of(s, struct diagnose, sink);
	const struct au_funcinfo *fi;
	const char *callee;
	int32_t caller;
	struct au_diag *g;

	if (c->func < 0 || !c->in_poll)
		return;
	fi = &au_model_funcs(m)->v[c->func];
	/* Either the blocking function itself was traced (a generic std
	 * function instantiated in the program), or the program's function
	 * that calls it directly (libstd's own code is not traced). */
	if ((fi->role == ASYM_ROLE_BLOCKING_CALL || fi->role == ASYM_ROLE_BLOCK_ON) &&
	    c->user_caller >= 0) {
		callee = fi->name;
		caller = c->user_caller;
	} else if ((fi->flags & ASYM_F_CALLS_BLOCKING) && fi->sym && fi->sym->blocking_callee) {
		callee = fi->sym->blocking_callee;
		caller = c->func;
	} else {
		return;
	}
	/* One finding per caller and blocking function, however often. */
	for (size_t i = 0; i < d->n; i++) {
		g = &d->v[i];
		if (g->kind == AU_DIAG_BLOCKING_CALL && g->stack[0] == caller &&
		    !strcmp(g->detail, callee)) {
			g->count++;
			g->total += c->end - c->start;
			if (c->end - c->start > g->dur) {
				g->dur = c->end - c->start;
				g->ts = c->start;
				g->thread = c->thread;
				g->task = c->task;
			}
			return;
		}
	}
	g = add(d, AU_DIAG_BLOCKING_CALL, c->end - c->start);
	if (!g)
		return;
	g->task = c->task;
	g->ts = c->start;
	g->thread = c->thread;
	g->detail = callee;
	g->nested_executor = fi->role == ASYM_ROLE_BLOCK_ON;
	g->count = 1;
	g->total = c->end - c->start;
	g->stack[0] = caller;
	g->stack_len = 1;
	if (caller != c->func)
		g->stack[g->stack_len++] = c->func;
}

/*
 * Why a woken task was polled late, from what its worker did between the
 * wake and the poll: polling other tasks, parked (idle), preempted or
 * blocked off the CPU.  The largest share is the headline; the breakdown
 * follows, so that a short poll is never blamed for a long delay.
 */
static char *wake_delay_message(const struct diagnose *d, const struct au_model *m,
				const struct au_task *t, const char *name, uint32_t thread,
				uint64_t start, struct au_diag *g)
{
	uint64_t delay = start - t->woken_at;
	struct au_hist_sums h;
	char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32];
	char why[256];
	const uint64_t *ns = h.ns;

	au_hist_sum(d->hist, thread, t->woken_at, start, t->id, &h);
	if (ns[AU_HIST_POLL] * 2 >= delay && h.longest_task) {
		snprintf(why, sizeof(why), "its worker was busy polling task %llu (%s) for %s",
			 (unsigned long long)h.longest_task, label(m, h.longest_root),
			 ms(b2, sizeof(b2), h.longest_dur));
		g->stack[0] = h.longest_root;
		g->stack_len = h.longest_root >= 0;
	} else if (ns[AU_HIST_PREEMPTED] * 2 >= delay) {
		snprintf(why, sizeof(why), "the kernel had preempted its worker thread (runnable, "
			 "not running) for %s of it: the CPUs were busy with other threads",
			 ms(b2, sizeof(b2), ns[AU_HIST_PREEMPTED]));
	} else if (ns[AU_HIST_PARK] * 2 >= delay) {
		snprintf(why, sizeof(why), "its worker stayed parked (idle) for %s of it: the wake "
			 "did not unpark a worker sooner", ms(b2, sizeof(b2), ns[AU_HIST_PARK]));
	} else if (ns[AU_HIST_BLOCKED] * 2 >= delay) {
		snprintf(why, sizeof(why), "its worker thread was blocked off the CPU for %s of it",
			 ms(b2, sizeof(b2), ns[AU_HIST_BLOCKED]));
	} else {
		snprintf(why, sizeof(why), "no worker picked it up sooner");
	}
	return msg("task %llu (%s) was woken but polled %s later: %s (meanwhile its worker: "
		   "%s%s polling other tasks, %s parked, %s preempted, %s blocked)",
		   (unsigned long long)t->id, name ? name : "?", ms(b1, sizeof(b1), delay), why,
		   h.partial[AU_HIST_POLL] ? "over " : "", ms(b3, sizeof(b3), ns[AU_HIST_POLL]),
		   ms(b4, sizeof(b4), ns[AU_HIST_PARK]), ms(b5, sizeof(b5), ns[AU_HIST_PREEMPTED]),
		   ms(b6, sizeof(b6), ns[AU_HIST_BLOCKED]));
}

static void on_task_poll(struct au_sink *s, const struct au_model *m, const struct au_task *t,
			 uint32_t thread, uint64_t start, uint64_t end, bool leaf)
{
	struct diagnose *d = container_of(s, struct diagnose, sink);
	const char *name = au_summary_task_name(m, t);
	struct au_diag *g;

	if (!leaf)
		return;
	if (t->woken_at && t->woken_at <= start && start - t->woken_at > d->opts.wake_delay_ns &&
	    (g = add(d, AU_DIAG_WAKE_DELAY, start - t->woken_at))) {
		g->task = t->id;
		g->future = name;
		g->ts = t->woken_at;
		g->thread = thread;
		g->message = wake_delay_message(d, m, t, name, thread, start, g);
	}
	/* a worker's loop (parks inside): its parks say what it did */
	if (!t->last_poll_parked_ns)
		au_hist_add(d->hist, thread, AU_HIST_POLL, start, end, t->id, t->root_func);
}

static void on_park(struct au_sink *s, const struct au_model *m, uint32_t thread, uint64_t start,
		    uint64_t end)
{
	struct diagnose *d = container_of(s, struct diagnose, sink);

	(void)m;
	au_hist_add(d->hist, thread, AU_HIST_PARK, start, end, 0, -1);
}

static void on_off_cpu(struct au_sink *s, const struct au_model *m, const struct au_off_cpu *o)
{
	struct diagnose *d = container_of(s, struct diagnose, sink);

	static const int kind[] = { [AU_OFF_NONE] = -1, [AU_OFF_PREEMPTED] = AU_HIST_PREEMPTED,
				    [AU_OFF_BLOCKED] = AU_HIST_BLOCKED, [AU_OFF_PARKED] = AU_HIST_PARK };
	int k = kind[au_off_cpu_share(o)];

	(void)m;
	/* a park call adds its own interval (on_park) */
	if (k >= 0)
		au_hist_add(d->hist, o->thread, (enum au_hist_kind)k, o->start, o->end, 0, -1);
}

/* Spawned, alive at the end, and not one poll: its workers were busy or
 * blocked (starvation), or the recording left its polls out. */
static void never_polled(struct diagnose *d, const struct au_model *m, const struct au_task *t,
			 const char *name, uint64_t end)
{
	uint64_t since = t->spawned ? elapsed(t->spawned, end) : 0;
	uint64_t queued = t->woken_at ? elapsed(t->woken_at, end) : 0;
	struct au_diag *g = add(d, AU_DIAG_NEVER_COMPLETED, since);
	char b1[32], b2[32], by[400] = "", when[64] = "", why[256] = "";

	if (!g)
		return;
	if (t->spawn_func >= 0) {
		const char *file;
		int lines[AU_CALL_LINES_MAX];
		unsigned n = au_funcs_call_lines(au_model_funcs(m), t->spawn_func,
						 t->spawn_callee, &file, lines, AU_CALL_LINES_MAX);
		unsigned shown = n < AU_CALL_LINES_MAX ? n : AU_CALL_LINES_MAX;
		size_t len = snprintf(by, sizeof(by), ", spawned by %s", label(m, t->spawn_func));

		/* at its line, or at one of the lines it spawns from alike */
		for (unsigned i = 0; i < shown && len < sizeof(by); i++) {
			if (i == 0)
				len += snprintf(by + len, sizeof(by) - len, " at %s:%d", file, lines[0]);
			else
				len += snprintf(by + len, sizeof(by) - len, "%s%d",
						i + 1 == shown ? " or " : ", ", lines[i]);
		}
	}
	if (since)
		snprintf(when, sizeof(when), " %s before the end", ms(b1, sizeof(b1), since));
	if (queued)
		snprintf(why, sizeof(why), "; it was queued to run %s before the end and no "
			 "thread polled it", ms(b2, sizeof(b2), queued));
	else if (t->sched_local || t->sched_remote)
		snprintf(why, sizeof(why), "; it was queued to run and no thread polled it");
	/* (uftrace writes a poll's entry when it returns or when a call
	 * inside it is written: a closure on the blocking pool still in
	 * libstd's code at the end leaves none) */
	else if (t->kind == AU_TASK_BLOCKING)
		snprintf(why, sizeof(why), "; or its closure was still running at the end in code "
			 "that records nothing (std::thread::sleep, a lock), and its poll was never "
			 "written");
	g->message = msg("task %llu (%s) never completed: it was never polled%s%s%s",
			 (unsigned long long)t->id, name ? name : "future not traced", by, when,
			 why);
	g->task = t->id;
	g->future = name;
	g->ts = t->spawned;
	if (t->spawn_func >= 0)
		g->stack[g->stack_len++] = t->spawn_func;
}

/* A diagnostic about a task waiting since its last poll: where. */
static void waiting_task(struct au_diag *g, const struct au_task *t, const char *name)
{
	g->task = t->id;
	g->future = name;
	g->ts = t->last_poll_end;
	g->await = t->await.site;
	g->on_task = t->await.on_task;
	g->held_by = t->await.held_by;
	g->nr_inner = t->await.nr_inner;
	memcpy(g->inner, t->await.inner, sizeof(g->inner));
	if (t->await_func >= 0) {
		g->stack[g->stack_len++] = t->await_func;
		if (t->await.child_func >= 0)
			g->stack[g->stack_len++] = t->await.child_func;
	}
}

/* Cancelled by its runtime's shutdown (the runtime or LocalSet dropped,
 * usually at exit) while it waited: it never finished its work, which is
 * what a service's background tasks do, and what a stuck one does too. */
static void shut_down_waiting(struct diagnose *d, const struct au_model *m,
			      const struct au_task *t, const char *name, uint64_t end)
{
	struct au_diag *g = add(d, AU_DIAG_NEVER_COMPLETED, elapsed(t->last_poll_end, end));
	struct wait_on on = task_wait(t);
	char b1[32], b2[600], at[610] = "";

	if (!g)
		return;
	if (t->await.site)
		snprintf(at, sizeof(at), " at %s", waits_at(b2, sizeof(b2), m, t->await.site, &on));
	g->message = msg("task %llu (%s) never completed: its runtime shut it down while it "
			 "waited%s, %s after its last poll",
			 (unsigned long long)t->id, name ? name : "?", at,
			 ms(b1, sizeof(b1), elapsed(t->last_poll_end, end)));
	waiting_task(g, t, name);
}

static void on_task_end(struct au_sink *s, const struct au_model *m, const struct au_task *t,
			uint64_t end)
{
	struct diagnose *d = container_of(s, struct diagnose, sink);
	const char *name = au_summary_task_name(m, t);
	struct wait_on on = task_wait(t);
	struct au_diag *g;
	char b1[32], b2[600], b3[32];

	/* (yields tokio's budget forced are the runtime's doing, not a
	 * busy loop of the program's) */
	if (t->wakes >= 4 && 2 * (t->self_wakes - t->budget_yields) > t->wakes &&
	    (g = add(d, AU_DIAG_SELF_WAKE_HEAVY, t->self_wakes - t->budget_yields))) {
		g->task = t->id;
		g->future = name;
		g->ts = t->first_poll;
		g->message = msg("task %llu (%s) woke itself %u of %u times: it is busy-polling "
				 "(yield loops, spurious wakes) instead of waiting for an event",
				 (unsigned long long)t->id, name ? name : "?",
				 t->self_wakes - t->budget_yields, t->wakes);
	}
	if (t->outcome == AU_OUTCOME_SHUT_DOWN && t->polls && t->kind == AU_TASK_TASK) {
		shut_down_waiting(d, m, t, name, end);
		return;
	}
	if (t->outcome != AU_OUTCOME_PENDING || t->kind == AU_TASK_BLOCK_ON)
		return;
	if (!t->polls) {
		never_polled(d, m, t, name, end);
		return;
	}
	if (t->ended_in_poll) {
		/* running at the end, not waiting: no wake to look for; a
		 * blocking task's open poll is often a tokio worker's loop */
		if (t->kind == AU_TASK_BLOCKING)
			return;
		if (!(g = add(d, AU_DIAG_NEVER_COMPLETED, elapsed(t->last_poll_start, end))))
			return;
		g->message = msg("task %llu (%s) never completed: it was inside a poll when the "
				 "recording ended, in %s (the poll began %s before the end)%s",
				 (unsigned long long)t->id, name ? name : "?",
				 t->ended_depth ? label(m, t->ended_stack[t->ended_depth - 1])
						: "its task poll",
				 short_time(b1, sizeof(b1), elapsed(t->last_poll_start, end)),
				 ended_blocked(b2, sizeof(b2), m, t, elapsed(t->last_poll_start, end)));
		g->task = t->id;
		g->future = name;
		g->ts = t->last_poll_start;
		for (unsigned i = 0; i < t->ended_depth && g->stack_len < AU_DIAG_STACK; i++)
			g->stack[g->stack_len++] = t->ended_stack[i];
		return;
	}

	/* Alive at the end: why?  (Not a blocking-pool task: a closure on
	 * its own thread, with no waker to lose; an idle tokio worker's loop
	 * is one.) */
	if (t->kind == AU_TASK_BLOCKING)
		return;
	if (!t->woken_at && t->wakers <= 0) {
		g = add(d, AU_DIAG_LOST_WAKE, elapsed(t->last_poll_end, end));
		if (!g)
			return;
		g->message = msg("task %llu (%s) is pending and can never be woken: every waker it "
				 "handed out was dropped without waking it (%s since its last "
				 "poll); the future it waits on%s%s lost its waker",
				 (unsigned long long)t->id, name ? name : "?",
				 ms(b1, sizeof(b1), elapsed(t->last_poll_end, end)),
				 t->await.child_func >= 0 ? ", " : "",
				 t->await.child_func >= 0 ? label(m, t->await.child_func) : "");
	} else {
		uint64_t since = elapsed(t->last_poll_end, end);
		/* Not stuck: waiting for its timer (a loop's tick, a timeout),
		 * for I/O (an idle connection), or no longer than it waited
		 * between its polls before (a loop fed by another, the
		 * recording stopped in between): no party to a deadlock. */
		enum wait_kind kind = waits_on_flag(m, &on, ASYM_F_TIMER) ? WAIT_TIMER :
				      waits_on_flag(m, &on, ASYM_F_IO) ? WAIT_IO :
				      since <= t->max_idle_before_end_ns ? WAIT_USUAL : WAIT_STUCK;
		char why[512];

		/* every stuck task counts for a deadlock, also those whose
		 * never_completed the kept ten leave out */
		if (!t->woken_at && t->await.site) {
			au_grow(&d->stuck, &d->cap_stuck, d->nr_stuck, sizeof(*d->stuck));
			d->stuck[d->nr_stuck++] = (struct stuck){ t->id, name, t->await.site,
								  task_wait(t), kind, CAND_UNKNOWN };
		}
		g = add(d, AU_DIAG_NEVER_COMPLETED, since);
		if (!g)
			return;
		if (t->woken_at)
			snprintf(why, sizeof(why), "and was woken since but not polled again");
		else if (kind == WAIT_STUCK && t->last_waker)
			snprintf(why, sizeof(why), "%s (its last wake came from task %llu, %s)",
				 wait_words[kind], (unsigned long long)t->last_waker,
				 label(m, t->last_waker_root));
		else if (kind == WAIT_USUAL)
			snprintf(why, sizeof(why), "%s (it waited up to %s between polls before)",
				 wait_words[kind], ms(b3, sizeof(b3), t->max_idle_before_end_ns));
		else
			snprintf(why, sizeof(why), "%s", wait_words[kind]);
		if (t->await.site)
			g->message = msg("task %llu (%s) never completed: it waits at %s, "
					 "last polled %s before the end, %s",
					 (unsigned long long)t->id, name ? name : "?",
					 waits_at(b2, sizeof(b2), m, t->await.site, &on),
					 ms(b1, sizeof(b1), since), why);
		else
			g->message = msg("task %llu (%s) never completed: last polled %s before the "
					 "end, %s", (unsigned long long)t->id, name ? name : "?",
					 ms(b1, sizeof(b1), since), why);
		if (kind == WAIT_STUCK && !t->woken_at)
			g->last_waker = t->last_waker;
	}
	waiting_task(g, t, name);
}

static void on_future_end(struct au_sink *s, const struct au_model *m, const struct au_future *f,
			  uint64_t end)
{
	struct diagnose *d = container_of(s, struct diagnose, sink);
	struct au_diag *g;
	char b1[32];

	/* Without tasks (a plain block_on), the program's own futures left
	 * pending at the end are what never completed. */
	if (f->task || f->completed || f->last_result != AU_POLL_PENDING || !is_user(m, f->func) ||
	    end < au_model_last_time(m) || !f->await.site)
		return;
	g = add(d, AU_DIAG_NEVER_COMPLETED, elapsed(f->last_end, au_model_last_time(m)));
	if (!g)
		return;
	g->future = label(m, f->func);
	g->ts = f->last_end;
	g->await = f->await.site;
	g->stack[g->stack_len++] = f->func;
	if (f->await.child_func >= 0)
		g->stack[g->stack_len++] = f->await.child_func;
	g->message = msg("%s never completed: it waits at %s:%d on %s, last polled %s before the "
			 "end", g->future, f->await.site->file ? f->await.site->file : "?",
			 f->await.site->line, label(m, f->await.child_func),
			 ms(b1, sizeof(b1), elapsed(f->last_end, au_model_last_time(m))));
}

static int cmp_severity(const void *a, const void *b)
{
	const struct au_diag *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->dur > y->dur ? -1 : x->dur < y->dur;
}

/* The task @st waits on: the one whose end it awaits, or the one holding
 * the lock it waits for; 0 if neither. */
static uint64_t waits_for(const struct stuck *st)
{
	return st->on.task ? st->on.task : st->on.held_by;
}

static int cmp_stuck(const void *a, const void *b)
{
	const struct stuck *x = a, *y = b;

	return x->task < y->task ? -1 : x->task > y->task;
}

/* (d->stuck sorted by task id: on_finish() sorts it; a service stopped
 * with 100,000 idle connections has as many) */
static struct stuck *find_stuck(const struct diagnose *d, uint64_t task)
{
	struct stuck key = { .task = task };

	return task && d->nr_stuck ? bsearch(&key, d->stuck, d->nr_stuck, sizeof(*d->stuck),
					     cmp_stuck) : NULL;
}

/* Can @st be in a deadlock: stuck, and so is every task it is blocked
 * behind (a JoinHandle on a task waiting for I/O waits for the I/O); a
 * cycle of joins and locks can.  Worked out once per task, along the
 * chain. */
static bool deadlock_candidate(const struct diagnose *d, struct stuck *st)
{
	struct stuck *p = st, *next;
	bool yes;

	while (p && p->candidate == CAND_UNKNOWN && p->kind == WAIT_STUCK) {
		p->candidate = CAND_VISITING;
		p = find_stuck(d, waits_for(p));
	}
	/* the chain's end: no further stuck task, a known answer, back on
	 * the chain itself (a cycle), or a task waiting on something else */
	yes = !p || p->candidate == CAND_YES || p->candidate == CAND_VISITING;
	if (p && p->candidate == CAND_UNKNOWN)
		p->candidate = yes ? CAND_YES : CAND_NO;
	for (p = st; p && p->candidate == CAND_VISITING; p = next) {
		next = find_stuck(d, waits_for(p));
		p->candidate = yes ? CAND_YES : CAND_NO;
	}
	return st->candidate == CAND_YES;
}

/* Is @task (0: none) a deadlock candidate? */
static bool stuck_task(const struct diagnose *d, uint64_t task)
{
	struct stuck *st = find_stuck(d, task);

	return st && deadlock_candidate(d, st);
}

/*
 * A stuck task blocked behind others (a JoinHandle on a task that waits
 * on a lock another holds, ...): its never_completed says the chain, to
 * the one task stuck on something else, which is where to look.  Not in
 * a cycle: that is the deadlock's.
 */
static void chain_behind(struct diagnose *d, const struct au_model *m, struct au_diag *g)
{
	const struct stuck *st = find_stuck(d, g->task), *next;
	char at[600], *text = xstrdup(""), *part;

	while (st && (next = find_stuck(d, waits_for(st))) && g->nr_behind < AU_DIAG_BEHIND) {
		if (next->task == g->task)
			goto cycle;
		for (unsigned i = 0; i < g->nr_behind; i++) {
			if (g->behind[i] == next->task)
				goto cycle;
		}
		g->behind[g->nr_behind++] = next->task;
		part = msg("%s%stask %llu (%s)", text, g->nr_behind > 1 ? ", in turn behind " : "",
			   (unsigned long long)next->task, next->name ? next->name : "?");
		free(text);
		text = part;
		st = next;
	}
	if (!g->nr_behind) {
		free(text);
		return;
	}
	part = msg("%s; blocked behind %s, which %s at %s%s", g->message, text,
		   st->kind == WAIT_STUCK ? "is stuck" :
		   st->kind == WAIT_TIMER ? "waits for its timer" :
		   st->kind == WAIT_IO ? "waits for I/O" : "waits",
		   waits_at(at, sizeof(at), m, st->await, &st->on),
		   st->kind == WAIT_USUAL ? " as long as it did before" : "");
	free(g->message);
	g->message = part;
	free(text);
	return;
cycle:
	g->nr_behind = 0;
	free(text);
}

/* Tasks a deadlock's message names; the rest are counted */
#define DEADLOCK_LISTED 10

static void on_finish(struct au_sink *s, const struct au_model *m)
{
	struct diagnose *d = container_of(s, struct diagnose, sink);
	struct au_diag *g;

	/* Two or more tasks stuck at awaits, none woken after its last
	 * poll: nothing in the program can make progress for them.  One
	 * that awaits another stuck task's end (a JoinHandle) is blocked
	 * behind them, not a party to the deadlock: listed after them. */
	size_t parties = 0, candidates = 0;
	bool joins_only;

	if (d->nr_stuck)
		qsort(d->stuck, d->nr_stuck, sizeof(*d->stuck), cmp_stuck);
	for (size_t i = 0; i < d->nr_stuck; i++) {
		if (!deadlock_candidate(d, &d->stuck[i]))
			continue;
		candidates++;
		parties += !stuck_task(d, waits_for(&d->stuck[i]));
	}
	/* each awaiting another's end or lock: a cycle of joins and locks
	 * (two Mutexes taken in opposite orders), all parties */
	joins_only = !parties;
	if (joins_only)
		parties = candidates;
	if (parties >= 2 && (g = add(d, AU_DIAG_DEADLOCK, parties))) {
		size_t len = 0, n = 0, more = 0;
		char *text = xstrdup("");

		for (int behind = 0; behind <= 1; behind++) {
			bool first_behind = behind;

			for (size_t i = 0; i < d->nr_stuck; i++) {
				struct stuck *st = &d->stuck[i];
				char at[600];
				char *part;

				if (!deadlock_candidate(d, st) ||
				    (!joins_only && stuck_task(d, waits_for(st))) != behind)
					continue;
				/* (thousands of tasks waiting on one Notify: the
				 * first few say it) */
				if (n == DEADLOCK_LISTED) {
					more++;
					continue;
				}
				part = msg("%s%s%stask %llu (%s) at %s", text, n ? "; " : "",
					   first_behind ? "blocked behind them: " : "",
					   (unsigned long long)st->task, st->name ? st->name : "?",
					   waits_at(at, sizeof(at), m, st->await, &st->on));
				free(text);
				text = part;
				first_behind = false;
				n++;
				if (!behind && len < AU_DIAG_STACK && st->on.func >= 0)
					g->stack[len++] = st->on.func;
				if (!behind && !g->task) {
					g->task = st->task;
					g->future = st->name;
					g->await = st->await;
				}
			}
		}
		g->stack_len = len;
		g->ts = au_model_last_time(m);
		if (more) {
			char *part = msg("%s; and %zu more tasks", text, more);

			free(text);
			text = part;
		}
		g->message = msg("%zu tasks are stuck waiting and nothing woke any of them after "
				 "their last poll (a deadlock, e.g. two bounded channels each "
				 "full, or two locks taken in opposite orders): %s", parties, text);
		free(text);
	}
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].kind == AU_DIAG_NEVER_COMPLETED)
			chain_behind(d, m, &d->v[i]);
	}
	/* State machines that are large to move and to keep alive. */
	for (size_t i = 0; i < au_model_nr_stats(m); i++) {
		const struct au_future_stats *st = au_model_stats(m, i);
		const struct au_funcinfo *fi = &au_model_funcs(m)->v[st->func];

		if (!(fi->flags & ASYM_F_USER) || !fi->sym ||
		    fi->sym->future_size <= d->opts.large_future_bytes)
			continue;
		g = add(d, AU_DIAG_LARGE_FUTURE, fi->sym->future_size);
		if (!g)
			continue;
		g->future = fi->label;
		g->stack[0] = st->func;
		g->stack_len = 1;
		g->message = msg("%s's state machine is %llu bytes (%llu instances): large futures "
				 "are costly to move and to hold; box the largest locals or the "
				 "future itself", fi->label, (unsigned long long)fi->sym->future_size,
				 (unsigned long long)st->instances);
	}
	if (d->n)
		for (size_t i = 0; i < d->n; i++) {
		char b1[32], b2[32];

		g = &d->v[i];
		if (g->kind != AU_DIAG_BLOCKING_CALL || g->message)
			continue;
		g->message = msg("%s calls %s inside a poll (%llu time%s, %s in all, longest %s): %s",
				 label(m, g->stack[0]), g->detail, (unsigned long long)g->count,
				 g->count == 1 ? "" : "s", ms(b1, sizeof(b1), g->total),
				 ms(b2, sizeof(b2), g->dur),
				 g->nested_executor
				 ? "an executor's block_on inside async code blocks the worker until "
				   "its future is done (and deadlocks when that future needs the "
				   "worker); .await the future instead"
				 : "a blocking call stalls the worker and every task queued on it; "
				   "use the runtime's async equivalent or spawn_blocking");
	}
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), cmp_severity);
}

static const struct au_sink_ops diagnose_ops = {
	.poll = on_poll,
	.call = on_call,
	.task_poll = on_task_poll,
	.park = on_park,
	.off_cpu = on_off_cpu,
	.task_end = on_task_end,
	.future_end = on_future_end,
	.finish = on_finish,
};

struct au_sink *au_diagnose_new(const struct au_diag_opts *opts)
{
	struct diagnose *d = xcalloc(1, sizeof(*d));

	d->sink.ops = &diagnose_ops;
	d->opts = *opts;
	d->hist = au_hist_new();
	if (!d->opts.long_poll_ns)
		d->opts.long_poll_ns = 1000000;
	if (!d->opts.wake_delay_ns)
		d->opts.wake_delay_ns = 1000000;
	if (!d->opts.large_future_bytes)
		d->opts.large_future_bytes = 2048;
	return &d->sink;
}

void au_diagnose_free(struct au_sink *sink)
{
	struct diagnose *d;

	if (!sink)
		return;
	d = container_of(sink, struct diagnose, sink);
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].message);
	free(d->v);
	au_hist_free(d->hist);
	free(d->stuck);
	free(d);
}

size_t au_diagnose_count(const struct au_sink *sink)
{
	return container_of(sink, struct diagnose, sink)->n;
}

const struct au_diag *au_diagnose_at(const struct au_sink *sink, size_t idx)
{
	const struct diagnose *d = container_of(sink, struct diagnose, sink);

	return idx < d->n ? &d->v[idx] : NULL;
}
