// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Call stacks, polls, futures and waits, rebuilt from time-ordered records.
 */
#define PR_FMT "model"

#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "lock-holders.h"
#include "model.h"
#include "utils.h"

/* One open call on a thread's shadow stack. */
struct frame {
	int32_t func;
	uint16_t depth;
	uint8_t nargs;
	uint64_t addr;
	uint64_t start;
	uint64_t args[AU_MAX_ARGS];
	char fmts[AU_MAX_ARGS];
	/* set when this call polls a future */
	struct au_future *future;
	/* the innermost child future that returned Pending during this poll */
	int32_t pending_child;
	uint64_t pending_child_self;
	/* poll frames: the task this poll awaits (a JoinHandle's: a JOIN
	 * call inside it), and the one its pending child awaits; 0 if none */
	uint64_t join_task, pending_child_task;
	/* ...and whether that task had completed then: its JoinHandle's poll
	 * returns Ready (the one way to know when Poll<Output> comes back
	 * through memory, as a JoinHandle's does) */
	bool join_done;
	/* poll frames: the task holding the lock its pending child waits
	 * for (a Mutex::lock future's), 0 if none */
	uint64_t pending_child_holder;
	/* poll frames: the futures it polled itself that were left pending
	 * (distinct, the first AU_AWAIT_INNER), and those of its pending
	 * child: what a library future it awaits waits on */
	int32_t pending_kids[AU_AWAIT_INNER], child_inner[AU_AWAIT_INNER];
	uint8_t nr_pending_kids, nr_child_inner;
	/* poll frames: the instances it polled that were left pending, and
	 * those that completed (struct au_inside) */
	uint8_t nr_waiting, nr_finished;
	struct { int32_t func; uint64_t self; } waiting[AU_INSIDE];
	uint64_t finished[AU_INSIDE];
	/* poll frames: how the last future it polled itself returned
	 * (AU_POLL_*), NO_CHILD if none */
#define NO_CHILD -2
	int8_t last_child_result;
	/* task and poll frames: time in the runtime's park inside it (a
	 * worker loop that runs inside a blocking task's poll): not busy */
	uint64_t parked_inside;
	/* a task poll (or block_on) on this frame, and the task it replaced
	 * as the thread's current one */
	struct au_task *task;
	struct au_task *saved_task;
	/* a top-level poll: the one it interrupts (a worker loop's, when
	 * this is a task polled inside it), -1 if none */
	ssize_t saved_top;
	uint32_t task_children;  /* task polls that ran inside this one */
	uint64_t task_children_ns; /* and their time: not this task's busy time */
	uint64_t in_place_ns;    /* poll frames: time in block_in_place inside it */
	uint64_t nested_tasks_ns; /* top-level poll frames: time of task polls
				   * inside it (an executor's loop polled inside
				   * a block_on's poll) */
	/* a task poll whose task is the first future polled inside it
	 * (futures' LocalFutureObj): not bound yet */
	bool deferred;
	/* a SCHEDULE call whose queueing a SCHEDULE_LOCAL/REMOTE call inside
	 * it has counted */
	bool sched_counted;
	uint64_t child_ns;       /* time in its children: self time is the rest */
	/* poll frames: annotated values of the calls inside it */
	struct au_note notes[AU_NOTES];
	unsigned nr_notes;
	/* poll frames: time its thread was off the CPU meanwhile, of it
	 * blocked (not preempted), and the longest block's innermost call */
	uint64_t off_ns, blocked_ns, blocked_max_ns;
	int32_t blocked_func;
};

/* Self time per function during the current top-level poll of a thread
 * (open addressing; entries of older polls are stale by generation). */
#define SELF_SLOTS 512
struct self_slot {
	int32_t func;
	uint32_t gen;
	uint64_t ns;
};

struct thread_state {
	struct frame *stack;
	size_t depth, cap;
	bool seen;
	uint64_t last_time;
	struct au_task *task;    /* the task being polled here, or NULL */
	/* pointers TASK_BIND calls named since the last deferred task poll
	 * was bound: more names of the task it will poll */
#define AU_BINDS 4
	struct bind {
		uint64_t ptr;
		size_t depth[2];     /* the call's caller and its caller */
		uint64_t start[2];
	} binds[AU_BINDS];
	unsigned nr_binds;
	/* the top-level poll in progress: its frame index, or -1 */
	ssize_t top;
	uint32_t gen;
	struct self_slot self[SELF_SLOTS];
	uint64_t max_self;
	int32_t hot_stack[AU_HOT_STACK];
	unsigned hot_depth;
	/* off the CPU since this time (0: on it), preempted or blocked */
	uint64_t off_since;
	bool off_preempted;
	/* the runtime's id for the task about to be spawned here (a TASK_ID
	 * call's return), 0 if none: the next spawn takes it, or the first
	 * poll in a block_on without one; a task poll beginning drops it
	 * (no spawn runs one on its way) */
	uint64_t next_runtime_id;
};

struct au_model {
	struct au_data *data;
	const struct au_funcs *funcs;
	struct au_lock_holders *locks;
	/* bounded channels (by their semaphore's address): the task that
	 * last received from each, whose next receive frees a slot */
	struct au_lock_holders *drainers;
	struct au_sink *sinks, **sink_tail;
	struct thread_state *threads;
	size_t nr_threads;

	/* live futures: (func, self) -> instance */
	struct au_future **hash;
	size_t hash_size, live;
	uint64_t next_future_id;

	/* per-function aggregates, indexed through stats_of[func] */
	int32_t *stats_of;
	struct au_future_stats *stats;
	size_t nr_stats, cap_stats;

	uint64_t first_time, last_time, records, truncated, switches;
	uint64_t slow_poll_ns;   /* a task poll this long is slow */
	bool warned_noself;
	bool at_end;             /* closing the frames open at the end */
	/* an abort in a panic outside any task: where (thread, the panic
	 * function, the program's function that called into it), else -1 */
	int32_t panic_thread, panic_func, panic_caller;

	struct au_tasks *tasks;
	uint64_t unknown_wakes;
	uint64_t next_block_on;
	/* task wakes recorded, whether a queueing call (SCHEDULE) was seen
	 * inside one, and what the recording could not show (AU_UNSEEN_*,
	 * at the end) */
	uint64_t task_wakes;
	bool wake_scheduled;
	unsigned unseen;
};

#define for_each_sink(m, s) for (struct au_sink *s = (m)->sinks; s; s = s->next)

struct au_model *au_model_new(struct au_data *data, const struct au_funcs *funcs)
{
	struct au_model *m = xcalloc(1, sizeof(*m));

	m->data = data;
	m->funcs = funcs;
	m->sink_tail = &m->sinks;
	m->nr_threads = au_data_nr_threads(data);
	m->threads = xcalloc(m->nr_threads ? m->nr_threads : 1, sizeof(*m->threads));
	for (size_t i = 0; i < m->nr_threads; i++)
		m->threads[i].top = -1;
	m->hash_size = 1024;
	m->hash = xcalloc(m->hash_size, sizeof(*m->hash));
	m->stats_of = xmalloc((funcs->n ? funcs->n : 1) * sizeof(*m->stats_of));
	for (uint32_t i = 0; i < funcs->n; i++)
		m->stats_of[i] = -1;
	m->tasks = au_tasks_new();
	m->locks = au_lock_holders_new();
	m->drainers = au_lock_holders_new();
	m->slow_poll_ns = AU_SLOW_POLL_NS;
	m->panic_thread = m->panic_func = m->panic_caller = -1;
	return m;
}

void au_model_set_slow_poll(struct au_model *m, uint64_t ns)
{
	m->slow_poll_ns = ns ? ns : AU_SLOW_POLL_NS;
}

uint64_t au_model_slow_poll(const struct au_model *m) { return m->slow_poll_ns; }

void au_model_free(struct au_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->hash_size; i++) {
		struct au_future *f = m->hash[i], *next;

		for (; f; f = next) {
			next = f->hnext;
			free(f->inside);
			free(f);
		}
	}
	for (size_t i = 0; i < m->nr_threads; i++)
		free(m->threads[i].stack);
	free(m->threads);
	free(m->hash);
	free(m->stats_of);
	free(m->stats);
	au_tasks_free(m->tasks);
	au_lock_holders_free(m->locks);
	au_lock_holders_free(m->drainers);
	free(m);
}

void au_model_add_sink(struct au_model *m, struct au_sink *sink)
{
	sink->next = NULL;
	*m->sink_tail = sink;
	m->sink_tail = &sink->next;
}

const struct au_data *au_model_data(const struct au_model *m) { return m->data; }
const struct au_funcs *au_model_funcs(const struct au_model *m) { return m->funcs; }
size_t au_model_nr_stats(const struct au_model *m) { return m->nr_stats; }
uint64_t au_model_first_time(const struct au_model *m) { return m->first_time; }
uint64_t au_model_last_time(const struct au_model *m) { return m->last_time; }
uint64_t au_model_thread_task(const struct au_model *m, uint32_t thread)
{
	const struct au_task *t = thread < m->nr_threads ? m->threads[thread].task : NULL;

	return t ? t->id : 0;
}

uint64_t au_model_context_switches(const struct au_model *m)
{
	return m->switches;
}

uint64_t au_model_records(const struct au_model *m) { return m->records; }
uint64_t au_model_truncated_calls(const struct au_model *m) { return m->truncated; }
const struct au_tasks *au_model_tasks(const struct au_model *m) { return m->tasks; }
uint64_t au_model_unknown_wakes(const struct au_model *m) { return m->unknown_wakes; }
unsigned au_model_unseen(const struct au_model *m) { return m->unseen; }

const struct au_future_stats *au_model_stats(const struct au_model *m, size_t idx)
{
	return idx < m->nr_stats ? &m->stats[idx] : NULL;
}

bool au_model_panic_outside_task(const struct au_model *m, uint32_t *thread, int32_t *func,
				 int32_t *caller)
{
	if (m->panic_thread < 0)
		return false;
	*thread = (uint32_t)m->panic_thread;
	*func = m->panic_func;
	*caller = m->panic_caller;
	return true;
}

const char *au_model_func_name(const struct au_model *m, int32_t func)
{
	if (func < 0 || (uint32_t)func >= m->funcs->n)
		return "(unknown)";
	return m->funcs->v[func].name;
}

static const struct au_funcinfo *finfo(const struct au_model *m, int32_t func)
{
	if (func < 0 || (uint32_t)func >= m->funcs->n)
		return NULL;
	return &m->funcs->v[func];
}

/* ---- live futures ---- */

static size_t future_hash(const struct au_model *m, int32_t func, uint64_t self)
{
	uint64_t h = (self >> 3) * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uint32_t)func * 0xc2b2ae3d27d4eb4full;

	return (h >> 17) & (m->hash_size - 1);
}

static void future_rehash(struct au_model *m)
{
	size_t old_size = m->hash_size;
	struct au_future **old = m->hash;

	m->hash_size *= 2;
	m->hash = xcalloc(m->hash_size, sizeof(*m->hash));
	for (size_t i = 0; i < old_size; i++) {
		struct au_future *f = old[i], *next;

		for (; f; f = next) {
			size_t h = future_hash(m, f->func, f->self);

			next = f->hnext;
			f->hnext = m->hash[h];
			m->hash[h] = f;
		}
	}
	free(old);
}

static struct au_future *future_find(const struct au_model *m, int32_t func, uint64_t self)
{
	struct au_future *f;

	for (f = m->hash[future_hash(m, func, self)]; f; f = f->hnext) {
		if (f->func == func && f->self == self)
			return f;
	}
	return NULL;
}

static struct au_future *future_get(struct au_model *m, int32_t func, uint64_t self)
{
	size_t h = future_hash(m, func, self);
	struct au_future *f;

	for (f = m->hash[h]; f; f = f->hnext) {
		if (f->func == func && f->self == self)
			return f;
	}
	if (m->live >= m->hash_size) {
		future_rehash(m);
		h = future_hash(m, func, self);
	}
	f = xcalloc(1, sizeof(*f));
	f->id = ++m->next_future_id;
	f->func = func;
	f->self = self;
	f->last_result = AU_POLL_UNKNOWN;
	f->await.child_func = -1;
	f->hnext = m->hash[h];
	m->hash[h] = f;
	m->live++;
	return f;
}

/* Is the future at @self inside @parent's own state (its awaitee, a
 * Timeout's value), not borrowed or boxed from elsewhere? */
static bool held_inside(const struct au_model *m, const struct au_future *parent, uint64_t self)
{
	const struct au_funcinfo *pfi = finfo(m, parent->func);
	uint64_t size = pfi && pfi->sym ? pfi->sym->future_size : 0;

	return self >= parent->self && self - parent->self < size;
}

/*
 * Did @f, polled again by @parent, an async body, complete at its last
 * poll?  Its Poll<Output> came back through memory (a select!'s poll_fn,
 * Interval::tick), so its Ready went unseen.  An async body polls what it
 * awaits until Pending, then returns Pending itself: a second poll in the
 * same poll of the body, or one after the body waited on another kind of
 * future since, is a new future's (the next round of a loop).
 */
static bool done_unseen(const struct au_model *m, const struct au_future *f,
			const struct au_future *parent)
{
	const struct au_funcinfo *pfi;

	if (!f->polls || f->last_result != AU_POLL_UNKNOWN || f->parent_id != parent->id)
		return false;
	pfi = finfo(m, parent->func);
	if (!pfi || (pfi->role != ASYM_ROLE_ASYNC_FN && pfi->role != ASYM_ROLE_ASYNC_BLOCK))
		return false;
	return parent->polls == f->parent_polls || parent->await.child_func != f->func;
}

/*
 * Is @f, polled at @self by a poll of @parent, a new future made where an
 * older one was dropped before it completed?  Its instance is known only
 * by its address, and the drop is not recorded.  Two signs:
 * - it lies inside @parent's state, and another instance polled it last:
 *   the timeout that held it was dropped, and this is the next timeout's;
 * - it was polled last by an instance of tokio's select! or join! poll_fn
 *   that has ended: the futures the macro was given live for one round of
 *   a loop (one it polls through `&mut` lives on: the `&mut F` wrapper's
 *   poll polls it, and stays).  Others that end may not own what they
 *   polled: a Next its stream's futures, an executor's per-poll wrapper
 *   its task's.
 */
static bool outlived(const struct au_model *m, const struct au_future *f,
		     const struct au_future *parent, uint64_t self)
{
	const struct au_funcinfo *pfi;
	const struct au_future *last;

	if (!f->polls || !f->parent_id || f->parent_id == parent->id)
		return false;
	if (held_inside(m, parent, self))
		return true;
	pfi = finfo(m, f->parent_func);
	if (!pfi || !pfi->macro_round)
		return false;
	last = future_find(m, f->parent_func, f->parent_self);
	return !last || last->id != f->parent_id;
}

static struct au_future_stats *stats_for(struct au_model *m, int32_t func)
{
	if (m->stats_of[func] < 0) {
		au_grow(&m->stats, &m->cap_stats, m->nr_stats, sizeof(*m->stats));
		memset(&m->stats[m->nr_stats], 0, sizeof(*m->stats));
		m->stats[m->nr_stats].func = func;
		m->stats_of[func] = m->nr_stats++;
	}
	return &m->stats[m->stats_of[func]];
}

/* Fold a finished instance into its function's aggregate and free it. */
static void future_end(struct au_model *m, struct au_future *f, uint64_t end)
{
	struct au_future_stats *st = stats_for(m, f->func);
	size_t h = future_hash(m, f->func, f->self);
	struct au_future **pp;

	for_each_sink(m, s) {
		if (s->ops->future_end)
			s->ops->future_end(s, m, f, end);
	}
	st->instances++;
	st->completed += f->completed;
	st->wait_ns += f->wait_ns;
	st->busy_ns += f->busy_ns;
	if (f->max_poll_ns > st->max_poll_ns)
		st->max_poll_ns = f->max_poll_ns;

	for (pp = &m->hash[h]; *pp; pp = &(*pp)->hnext) {
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	}
	m->live--;
	free(f->inside);
	free(f);
}

/* Does @aw await a future that @cfi polls?  Exactly when the symbolizer
 * knows the one poll function of the awaitee's type (JoinHandle<()> and
 * JoinHandle<u64> are two functions), by label otherwise. */
static bool awaits_func(const struct asym_await *aw, const struct au_funcinfo *cfi)
{
	if (!cfi)
		return false;
	if (aw->awaitee_addr && cfi->sym)
		return aw->awaitee_addr == cfi->sym->addr;
	return aw->awaitee_label && cfi->label && !strcmp(aw->awaitee_label, cfi->label);
}

/* The awaits of @af (bit i: awaits[i]) that await @cfi's future at
 * @offset. */
static uint64_t awaits_of(const struct asym_func *af, const struct au_funcinfo *cfi,
			  uint64_t offset)
{
	uint64_t mask = 0;

	for (unsigned i = 0; i < af->n_awaits && i < 64; i++) {
		if (af->awaits[i].awaitee_offset == offset && awaits_func(&af->awaits[i], cfi))
			mask |= 1ull << i;
	}
	return mask;
}

/* The awaits that can come after any of @at (0 when one of them does not
 * know). */
static uint64_t awaits_next(const struct asym_func *af, uint64_t at)
{
	uint64_t next = 0;

	for (unsigned i = 0; i < af->n_awaits && i < 64; i++) {
		if (!(at & (1ull << i)))
			continue;
		if (!af->awaits[i].next_known)
			return 0;
		next |= af->awaits[i].next;
	}
	return next;
}

/* A child of @f completed: @f was at one of the awaits of that child's
 * kind and place that it may have been at, and goes on to the awaits
 * that can follow those (maybe_at: 0 once that is not known). */
static void step_awaits(const struct au_model *m, struct au_future *f, int32_t func,
			uint64_t offset)
{
	const struct au_funcinfo *fi = finfo(m, f->func), *cfi = finfo(m, func);

	if (!f->maybe_at || !fi || !fi->sym || !cfi)
		return;
	f->maybe_at = awaits_next(fi->sym, f->maybe_at & awaits_of(fi->sym, cfi, offset));
}

static void kid_done(const struct au_model *m, struct au_future *f, int32_t func,
		     uint64_t child_self)
{
	const struct au_funcinfo *fi = finfo(m, f->func);
	uint64_t offset = child_self - f->self;

	/* only a child inside the state machine is one of its awaits (a
	 * boxed or borrowed one lives elsewhere): the others would crowd
	 * the table out */
	if (fi && fi->sym && fi->sym->future_size && offset >= fi->sym->future_size)
		return;
	step_awaits(m, f, func, offset);
	for (unsigned i = 0; i < AU_KIDS; i++) {
		if (!f->kids[i].done || (f->kids[i].func == func && f->kids[i].offset == offset)) {
			f->kids[i].func = func;
			f->kids[i].offset = offset;
			f->kids[i].done++;
			return;
		}
	}
}

/* Of @f's children that completed at @offset, those one of the awaits
 * @cand (n of them) awaits. */
static uint32_t kids_done(const struct au_model *m, const struct au_future *f, uint64_t offset,
			  const struct asym_await *const *cand, unsigned n)
{
	uint32_t done = 0;

	for (unsigned i = 0; i < AU_KIDS; i++) {
		const struct au_funcinfo *kfi = f->kids[i].done ? finfo(m, f->kids[i].func) : NULL;

		if (!kfi || f->kids[i].offset != offset)
			continue;
		for (unsigned c = 0; c < n; c++) {
			if (awaits_func(cand[c], kfi)) {
				done += f->kids[i].done - f->kids[i].repeats;
				break;
			}
		}
	}
	return done;
}

/* Which of @cand (n of them) @f can be waiting at: those among the
 * awaits it may be at (followed since its last wait, step_awaits), or
 * after one more (a child whose completion went unseen: its Ready/Pending
 * comes back through memory).  The one, or NULL.  A loop coming round
 * again is a repeat in @f's kids, which the count of completed awaits of
 * that kind leaves out. */
static const struct asym_await *followed_await(const struct asym_func *af, struct au_future *f,
					       int32_t child, uint64_t offset,
					       const struct asym_await *const *cand, unsigned n)
{
	uint64_t in_cand = 0, at;
	const struct asym_await *only;

	for (unsigned c = 0; c < n; c++) {
		/* (maybe_at knows the first 64 awaits only) */
		if (cand[c] - af->awaits >= 64)
			return NULL;
		in_cand |= 1ull << (cand[c] - af->awaits);
	}
	at = f->maybe_at & in_cand;
	if (!at)
		at = awaits_next(af, f->maybe_at) & in_cand;
	if (!at || (at & (at - 1)))
		return NULL;
	only = &af->awaits[__builtin_ctzll(at)];
	for (unsigned i = 0; only == f->await.site && i < AU_KIDS; i++) {
		if (f->kids[i].done > f->kids[i].repeats && f->kids[i].func == child &&
		    f->kids[i].offset == offset) {
			f->kids[i].repeats++;
			break;
		}
	}
	return only;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Are the awaits @set (bit i: @af's awaits[i]) all at @site's line, and
 * in the same macro? */
static bool one_place(const struct asym_func *af, uint64_t set, const struct asym_await *site)
{
	if (!set)
		return false;
	for (unsigned i = 0; i < af->n_awaits && i < 64; i++) {
		const struct asym_await *aw = &af->awaits[i];

		if (!(set & (1ull << i)))
			continue;
		if (aw->line != site->line || !same_str(aw->file, site->file) ||
		    aw->macro_line != site->macro_line || !same_str(aw->macro_file, site->macro_file))
			return false;
	}
	return true;
}

/* Which await of @f (a poll of @parent) is suspended on the child future
 * at @child_self, polled by @child. */
static const struct asym_await *match_await(const struct au_model *m, int32_t parent,
					    struct au_future *f, int32_t child,
					    uint64_t child_self, uint8_t *guessed_among)
{
	const struct au_funcinfo *pfi = finfo(m, parent), *cfi = finfo(m, child);
	const struct asym_func *af = pfi ? pfi->sym : NULL;
	const struct asym_await *by_offset = NULL, *by_name = NULL, *cand[16];
	unsigned n_offset = 0, n_name = 0, n_cand = 0;
	bool by_offset_named = false;

	*guessed_among = 0;
	if (!af || !af->n_awaits)
		return NULL;
	for (unsigned i = 0; i < af->n_awaits; i++) {
		const struct asym_await *aw = &af->awaits[i];
		bool name_ok = awaits_func(aw, cfi);

		/* The awaitee lives inside the parent's state machine, so its
		 * address narrows the suspension point down; rustc overlaps
		 * the storage of successive awaitees, so the awaited future's
		 * kind decides between those at the same offset. */
		if (child_self >= f->self && child_self - f->self == aw->awaitee_offset) {
			if (!by_offset || (name_ok && !by_offset_named)) {
				by_offset = aw;
				by_offset_named = name_ok;
			}
			n_offset++;
			if (name_ok && n_cand < sizeof(cand) / sizeof(cand[0]))
				cand[n_cand++] = aw;
		}
		if (name_ok) {
			by_name = aw;
			n_name++;
		}
	}
	/* Several awaits of the same kind at the same offset: the one the
	 * code can run next after the await it waited at last, else the one
	 * after as many of them as have completed already (straight-line
	 * code). */
	if (n_cand > 1) {
		const struct asym_await *next =
			followed_await(af, f, child, child_self - f->self, cand, n_cand);

		if (next)
			return next;
		*guessed_among = n_cand;
		return cand[kids_done(m, f, child_self - f->self, cand, n_cand) % n_cand];
	}
	if (by_offset && (by_offset_named || n_offset == 1))
		return by_offset;
	if (n_name == 1)
		return by_name;
	if (by_offset)
		return by_offset;
	/* An awaitee inlined into this poll (an optimized build inlines
	 * tokio's yield_now and recv) is no call: what it polls inside it
	 * lives inside its storage, and that storage tells the await.  As
	 * storage overlaps, an awaitee polled through a call of its own (the
	 * symbolizer found the call) is no candidate: what it polls inside
	 * is its child, not this poll's. */
	if (child_self && child_self >= f->self) {
		uint64_t off = child_self - f->self;

		n_cand = 0;
		for (unsigned i = 0; i < af->n_awaits; i++) {
			const struct asym_await *aw = &af->awaits[i];

			if (!aw->call_addr && !aw->awaitee_addr && aw->awaitee_size &&
			    off >= aw->awaitee_offset && off - aw->awaitee_offset < aw->awaitee_size &&
			    n_cand < sizeof(cand) / sizeof(cand[0]))
				cand[n_cand++] = aw;
		}
		if (n_cand > 1)
			*guessed_among = n_cand;
		if (n_cand)
			return cand[0];
	}
	if (af->n_awaits == 1)
		return &af->awaits[0];
	return NULL;
}

/* ---- the runtime: tasks, wakes, parking ---- */

/* The captured task pointer of a runtime call.  Captured values come in
 * spec order: a function recorded with only "@argN" has it first. */
static uint64_t task_arg(const struct au_funcinfo *fi, const struct frame *fr, bool *ok)
{
	int a = fi->task_arg;

	*ok = a > 0 && fr->nargs > 0;
	if (!*ok)
		return 0;
	return a <= fr->nargs ? fr->args[a - 1] : fr->args[0];
}

/* How a task ended, from what was seen; @otherwise when none of it was
 * (dropped when freed, pending when alive at the end).  A cancellation
 * before a completion: a cancelled task still completes (tokio stores its
 * JoinError through Harness::complete).  A shutdown after it: the runtime
 * shuts down every task it still holds when it stops, a task that has just
 * completed on another worker too, and that shutdown cancels nothing. */
static enum au_task_outcome outcome_of(const struct au_task *t, enum au_task_outcome otherwise)
{
	/* a cancellation completes the task (with its JoinError) */
	return t->panicked             ? AU_OUTCOME_PANICKED
	       : t->aborted            ? AU_OUTCOME_ABORTED
	       : t->shutdown_cancelled ? AU_OUTCOME_SHUT_DOWN
	       : t->completed          ? AU_OUTCOME_COMPLETED
	       : t->shut_down          ? AU_OUTCOME_SHUT_DOWN
				       : otherwise;
}

static void task_poll_done(struct au_model *m, uint32_t thread, struct frame *fr,
			   struct au_task *t, uint64_t end);

/* Forget a task: sinks see its end, frames stop pointing at it. */
static void task_end(struct au_model *m, struct au_task *t, uint64_t end)
{
	/* A poll of it still open: its memory went to a new task before
	 * its run() returned (async-task's run drops its reference, then
	 * its thread was preempted).  That poll ends here, so that its time
	 * counts and the task's track opens before it closes. */
	for (size_t i = 0; t->running_polls && i < m->nr_threads; i++) {
		struct thread_state *th = &m->threads[i];

		for (size_t d = 0; d < th->depth; d++) {
			struct frame *fr = &th->stack[d];
			const struct au_funcinfo *fi = finfo(m, fr->func);

			if (fr->task == t && !fr->deferred && fi && fi->role == ASYM_ROLE_TASK_POLL)
				task_poll_done(m, i, fr, t, end);
		}
	}
	/* Freed after a run whose poll of its root could not be read (its
	 * Output came back through memory: async_std::fs::read's task's
	 * Result<Vec<u8>>): that poll finished it.  A task cancelled while
	 * it waited is freed after a run that drops its future unpolled. */
	if (!t->completed && t->root_last_unknown && !t->root_partial &&
	    t->root_last_end >= t->last_poll_start)
		t->completed = t->root_last_end;
	/* Run, but none of its futures' polls recorded (a patched build
	 * of async-std, whose spawn wrapper is not patched): whether it
	 * completed before it was freed is not known */
	if (t->outcome == AU_OUTCOME_PENDING)
		t->outcome = outcome_of(t, t->polls && !t->root_future ? AU_OUTCOME_FREED
								     : AU_OUTCOME_DROPPED);
	t->ended = end;
	/* a guard dropped with its task (an abort) is no lock held */
	while (t->nr_held_locks) {
		uint64_t lock = t->held_locks[--t->nr_held_locks];

		if (au_lock_holder(m->locks, lock) == t->id)
			au_lock_holder_set(m->locks, lock, 0);
	}
	for_each_sink(m, s) {
		if (s->ops->task_end)
			s->ops->task_end(s, m, t, end);
	}
	for (size_t i = 0; i < m->nr_threads; i++) {
		struct thread_state *th = &m->threads[i];

		if (th->task == t)
			th->task = NULL;
		for (size_t d = 0; d < th->depth; d++) {
			if (th->stack[d].task == t)
				th->stack[d].task = NULL;
			if (th->stack[d].saved_task == t)
				th->stack[d].saved_task = NULL;
		}
	}
	au_tasks_remove(m->tasks, t);
}

static struct au_task *task_lookup(struct au_model *m, uint64_t ptr, uint64_t time)
{
	struct au_task *t = au_tasks_find(m->tasks, ptr);

	/* Spawned before the recording began (or by an unknown path). */
	if (!t)
		t = au_tasks_add(m->tasks, ptr, 0);
	(void)time;
	return t;
}

static void task_poll_begin(struct au_model *m, uint32_t thread, struct frame *fr, uint64_t ptr)
{
	struct thread_state *th = &m->threads[thread];
	struct au_task *t = task_lookup(m, ptr, fr->start);

	th->next_runtime_id = 0;
	/* spawned before the recording: its process is where it runs */
	if (!t->spawned && !t->polls)
		t->spawn_thread = thread;
	if (!t->polls) {
		t->first_poll = fr->start;
	}
	if (t->woken_at) {
		uint64_t d = fr->start >= t->woken_at ? fr->start - t->woken_at : 0;

		t->scheduled_ns += d;
		if (d > t->max_wake_to_poll_ns)
			t->max_wake_to_poll_ns = d;
	}
	t->poll_woken_by = t->woken_at ? t->woken_by_task : 0;
	t->polls++;
	if (t->poll_func < 0)
		t->poll_func = fr->func;
	if (t->running_polls && t->running_thread != thread)
		t->cut = fr->start;
	t->running_polls++;
	t->running_thread = thread;
	t->running = true;
	t->await_fresh = false;
	if (t->stolen) {
		t->stolen_polls++;
		t->stolen = false;
	}
	t->last_poll_start = fr->start;
	fr->task = t;
	fr->saved_task = th->task;
	th->task = t;
}

/* The task's side of a poll of @t (@fr, on @thread) that ended at @end:
 * its busy time, the sinks' task_poll, the wake it consumed. */
static void task_poll_done(struct au_model *m, uint32_t thread, struct frame *fr,
			   struct au_task *t, uint64_t end)
{
	uint64_t busy;

	if (t->running_polls)
		t->running_polls--;
	t->running = t->running_polls > 0;
	/* overtaken by a poll on another thread: it ends just before that
	 * one began, so the two never overlap on the task's track */
	if (t->cut > fr->start && t->cut <= end) {
		end = t->cut - 1;
		t->cut = 0;
	}
	/* parks inside (a worker loop's) are idle, not busy */
	t->last_poll_parked_ns = fr->parked_inside < end - fr->start ? fr->parked_inside
								     : end - fr->start;
	busy = end - fr->start - t->last_poll_parked_ns;
	/* and the task polls inside it (a worker loop's) are theirs */
	busy = fr->task_children_ns < busy ? busy - fr->task_children_ns : 0;
	t->busy_ns += busy;
	/* (a worker loop parked most of its poll is no slow poll) */
	if (busy >= m->slow_poll_ns) {
		t->slow_polls++;
		t->slow_poll_ns += busy;
	}
	if (end > t->last_poll_end)
		t->last_poll_end = end;
	for_each_sink(m, s) {
		if (s->ops->task_poll)
			s->ops->task_poll(s, m, t, thread, fr->start, end, fr->task_children == 0);
	}
	/* The wake seen before this poll is consumed by it. */
	if (t->woken_at && t->woken_at <= fr->start) {
		t->woken_at = 0;
		au_tasks_runnable_add(m->tasks, -1);
	}
	/* One during it (the task woke itself: futures' and async-std's
	 * yields) can take effect only when the poll is over: it is
	 * scheduled from there. */
	if (t->woken_at && t->woken_at < end)
		t->woken_at = end;
}

static void task_poll_end(struct au_model *m, uint32_t thread, struct frame *fr, uint64_t end)
{
	struct thread_state *th = &m->threads[thread];
	struct au_task *t = fr->task;

	/* a deferred task poll that polled no future was no task's */
	if (fr->deferred)
		return;
	th->task = fr->saved_task;
	/* Tell the enclosing task poll it hosted one (tokio's workers run
	 * inside a blocking task): only innermost task polls are busy time. */
	for (size_t d = th->depth; d-- > 0;) {
		if (th->stack[d].task) {
			th->stack[d].task->hosts_tasks = true;
			th->stack[d].task_children++;
			th->stack[d].task_children_ns += end - fr->start;
			break;
		}
	}
	/* and the top-level poll around it (an executor's loop inside a
	 * block_on's poll) that its time is not that poll's */
	if (th->top >= 0 && (size_t)th->top < th->depth)
		th->stack[th->top].nested_tasks_ns += end - fr->start;
	if (!t)
		return;
	task_poll_done(m, thread, fr, t, end);
	if (t->dropped)
		task_end(m, t, end);
}

static bool inside_flag(const struct au_model *m, const struct thread_state *th, unsigned flag)
{
	for (size_t d = th->depth; d-- > 0;) {
		const struct au_funcinfo *fi = finfo(m, th->stack[d].func);

		if (fi && (fi->flags & flag))
			return true;
	}
	return false;
}

/* Task @t idle from its last poll's end until @until, when it was woken
 * (or the recording ended with it still waiting). */
static void add_idle(struct au_task *t, uint64_t until)
{
	if (t->running || !t->last_poll_end || until < t->last_poll_end)
		return;
	t->idle_ns += until - t->last_poll_end;
	if (until - t->last_poll_end > t->max_idle_ns)
		t->max_idle_ns = until - t->last_poll_end;
}

/*
 * A task's wake of itself that tokio's cooperative budget forced: out of
 * budget, coop::poll_proceed wakes the task and has the resource it polls
 * (recv, send, acquire, a JoinHandle...) return Pending though it is
 * ready, so that the task yields.  That is the runtime being fair, not
 * the program busy-polling.  A patched recording leaves poll_proceed out:
 * there the wake comes straight from inside a tokio future, and tokio's
 * futures wake their own task for nothing else (yield_now's wake is
 * deferred to the scheduler, outside the poll).
 */
static bool budget_yield(const struct au_model *m, const struct thread_state *th)
{
	for (size_t d = th->depth; d-- > 0;) {
		const struct au_funcinfo *fi = finfo(m, th->stack[d].func);

		if (!fi)
			continue;
		if (fi->flags & ASYM_F_COOP_BUDGET)
			return true;
		if (fi->flags & (ASYM_F_FUTURE | ASYM_F_USER))
			return m->funcs->patched && !(fi->flags & ASYM_F_USER) && fi->sym &&
			       fi->sym->crate && !strcmp(fi->sym->crate, "tokio");
	}
	return false;
}

static bool inside_role(const struct au_model *m, const struct thread_state *th,
			enum asym_role role);

static uint64_t task_arg(const struct au_funcinfo *fi, const struct frame *fr, bool *ok);

/* Is this call (on top of @th) inside a wake by value of task pointer
 * @ptr, a few calls up: the wake that consumes the waker it drops? */
static bool in_consuming_wake(const struct au_model *m, const struct thread_state *th,
			      uint64_t ptr)
{
	for (size_t d = th->depth - 1, up = 0; d-- > 0 && up < 4; up++) {
		const struct au_funcinfo *fi = finfo(m, th->stack[d].func);
		bool ok;

		if (fi && fi->role == ASYM_ROLE_WAKE && task_arg(fi, &th->stack[d], &ok) == ptr && ok)
			return true;
	}
	return false;
}

static void wake(struct au_model *m, uint32_t thread, struct thread_state *th, uint64_t ptr,
		 uint64_t time, bool by_ref)
{
	struct au_task *t = au_tasks_find(m->tasks, ptr);
	struct au_wake w = { .time = time, .thread = thread, .by_ref = by_ref };

	if (!t) {
		m->unknown_wakes++;
		return;
	}
	m->task_wakes++;
	w.task = t;
	w.waker = th->task ? th->task->id : 0;
	w.self = th->task == t || inside_flag(m, th, ASYM_F_DEFERRED_WAKE);
	w.budget = th->task == t && budget_yield(m, th);
	t->wakes++;
	t->self_wakes += w.self;
	t->budget_yields += w.budget;
	if (t->completed)
		t->wakes_after_end++;
	if (!t->woken_at && !t->completed) {
		t->woken_at = time;
		t->woken_thread = thread;
		t->woken_by = w.waker;
		/* (a timer or I/O event the runtime's driver delivers in a
		 * park is no task's doing, though block_on's task is current
		 * around it; a task's poll holds no park: no stack walk on
		 * the wakes tasks make) */
		t->woken_by_task = 0;
		if (th->task && th->task != t && th->task->kind != AU_TASK_BLOCKING &&
		    (th->task->kind != AU_TASK_BLOCK_ON || !inside_role(m, th, ASYM_ROLE_PARK))) {
			t->last_waker = th->task->id;
			t->last_waker_root = th->task->root_func;
			t->woken_by_task = th->task->id;
		}
		add_idle(t, time);
		au_tasks_runnable_add(m->tasks, 1);
	}
	for_each_sink(m, s) {
		if (s->ops->wake)
			s->ops->wake(s, m, &w);
	}
}

/* The program's own function nearest the top of the stack: where a spawn
 * (the frame @spawn, just popped) came from, as a person would name it;
 * and the recorded call it made toward the spawn (tokio::spawn,
 * JoinSet::spawn..., or @spawn itself when nothing between was recorded)
 * into @callee, which tells the line of the spawn. */
static int32_t user_caller(const struct au_model *m, const struct thread_state *th,
			   const struct frame *spawn, int32_t *callee)
{
	*callee = -1;
	for (size_t d = th->depth; d-- > 0;) {
		const struct au_funcinfo *fi = finfo(m, th->stack[d].func);

		if (fi && (fi->flags & ASYM_F_USER)) {
			*callee = d + 1 < th->depth ? th->stack[d + 1].func : spawn->func;
			return th->stack[d].func;
		}
	}
	return -1;
}

static bool inside_role(const struct au_model *m, const struct thread_state *th,
			enum asym_role role)
{
	for (size_t d = th->depth; d-- > 0;) {
		const struct au_funcinfo *fi = finfo(m, th->stack[d].func);

		if (fi && fi->role == role)
			return true;
	}
	return false;
}

static void spawned(struct au_model *m, uint32_t thread, const struct frame *fr, uint64_t ptr)
{
	struct thread_state *th = &m->threads[thread];
	const struct au_funcinfo *fi = finfo(m, fr->func);
	struct au_task *old = au_tasks_get(m->tasks, ptr), *t;

	/* The runtime reuses a freed task's memory: the old one is over. */
	if (old)
		task_end(m, old, fr->start);
	t = au_tasks_add(m->tasks, ptr, fr->start);
	t->parent = th->task ? th->task->id : 0;
	t->kind = inside_role(m, th, ASYM_ROLE_SPAWN_BLOCKING) ? AU_TASK_BLOCKING : AU_TASK_TASK;
	t->spawn_func = user_caller(m, th, fr, &t->spawn_callee);
	t->spawn_thread = thread;
	t->runtime_id = th->next_runtime_id;
	th->next_runtime_id = 0;
	if (fi)
		t->spawned_future = fi->spawns;
	for_each_sink(m, s) {
		if (s->ops->task_spawn)
			s->ops->task_spawn(s, m, t);
	}
}

/* block_on drives a root future on its thread: a task of its own, so
 * that what it spawns has a parent. */
static void block_on_begin(struct au_model *m, uint32_t thread, struct frame *fr)
{
	struct thread_state *th = &m->threads[thread];
	struct au_task *t;

	if (th->task)
		return;
	t = au_tasks_add(m->tasks, (1ull << 63) | ++m->next_block_on, fr->start);
	t->kind = AU_TASK_BLOCK_ON;
	t->spawn_thread = thread;
	t->first_poll = fr->start;
	t->running = true;
	fr->task = t;
	fr->saved_task = th->task;
	th->task = t;
}

/* The task of the nearest enclosing call of a runtime function with @role
 * (its task argument), or with @polled, of an enclosing task poll;
 * NULL if none.  The frame on top is the caller's. */
static struct au_task *enclosing_task(struct au_model *m, const struct thread_state *th,
				      enum asym_role role, bool polled)
{
	for (size_t d = th->depth - 1; d-- > 0;) {
		const struct frame *f = &th->stack[d];
		const struct au_funcinfo *fi = finfo(m, f->func);
		uint64_t ptr;
		bool ok;

		if (polled && f->task)
			return f->task;
		if (!fi || fi->role != role)
			continue;
		ptr = task_arg(fi, f, &ok);
		if (ok)
			return au_tasks_find(m->tasks, ptr);
	}
	return NULL;
}

/*
 * tokio's locks.  Taking one (Mutex::lock, RwLock::read/write) makes the
 * future its caller awaits: the caller's future now takes that lock, and
 * when the future completes its task holds it.  Dropping a guard releases
 * the lock its task took last.
 */
static void lock_call(struct au_model *m, struct thread_state *th, const struct frame *fr,
		      const struct au_funcinfo *fi)
{
	struct au_task *t = th->task;
	uint64_t lock;
	bool ok;

	if (fi->flags & ASYM_F_UNLOCK) {
		if (t && t->nr_held_locks) {
			lock = t->held_locks[--t->nr_held_locks];
			if (au_lock_holder(m->locks, lock) == t->id)
				au_lock_holder_set(m->locks, lock, 0);
		}
		return;
	}
	lock = task_arg(fi, fr, &ok);
	/* through an Arc: the lock lies past ArcInner's strong and weak
	 * counts, where lock(&self) sees it */
	if (ok && (fi->flags & ASYM_F_LOCK_ARC))
		lock += 2 * sizeof(uint64_t);
	/* the caller: the innermost poll around the call */
	for (size_t d = th->depth - 1; ok && d-- > 0;) {
		if (th->stack[d].future) {
			th->stack[d].future->lock = lock;
			break;
		}
	}
}

/* A poll of the lock future that @parent awaits ended with @res: its task
 * now holds the lock, or waits for whoever does. */
static void lock_future_polled(struct au_model *m, const struct thread_state *th,
			       struct frame *parent, int res)
{
	struct au_future *pf = parent->future;
	struct au_task *t = th->task;

	if (res == AU_POLL_READY) {
		if (t) {
			au_lock_holder_set(m->locks, pf->lock, t->id);
			if (t->nr_held_locks < AU_HELD_LOCKS)
				t->held_locks[t->nr_held_locks++] = pf->lock;
		}
		pf->lock = 0;
	} else {
		uint64_t holder = au_lock_holder(m->locks, pf->lock);

		parent->pending_child_holder = t && holder == t->id ? 0 : holder;
	}
}

/*
 * A semaphore's wait list locked (tokio's batch_semaphore; the list names
 * its semaphore): inside a receive on a bounded channel, a slot was freed,
 * and this task drains the channel; inside a send, the channel is full and
 * the send's future waits on whoever drains it.  Elsewhere (a Mutex's
 * guard dropped, a lock waited for) it is no channel's.
 */
static void chan_waitlist(struct au_model *m, const struct thread_state *th, uint64_t list)
{
	for (size_t d = th->depth - 1; d-- > 0;) {
		const struct frame *fr = &th->stack[d];
		const struct au_funcinfo *fi = finfo(m, fr->func);

		if (fi && (fi->flags & ASYM_F_CHAN_SEND) && fr->future) {
			fr->future->chan = list;
			return;
		}
		if (fi && (fi->flags & ASYM_F_CHAN_RECV)) {
			if (th->task)
				au_lock_holder_set(m->drainers, list, th->task->id);
			return;
		}
		if (fr->task)
			return;
	}
}

/* Runtime functions known by a flag rather than a role. */
static void runtime_flags_entry(struct au_model *m, uint32_t thread, const struct frame *fr,
				const struct au_funcinfo *fi)
{
	struct thread_state *th = &m->threads[thread];
	struct frame *sched = NULL;
	const struct au_funcinfo *sched_fi = NULL;
	struct au_task *t = NULL;
	uint64_t ptr;
	bool ok;

	if (fi->flags & (ASYM_F_LOCK | ASYM_F_UNLOCK)) {
		lock_call(m, th, fr, fi);
		return;
	}
	if (fi->flags & ASYM_F_CHAN_WAITLIST) {
		ptr = task_arg(fi, fr, &ok);
		if (ok)
			chan_waitlist(m, th, ptr);
		return;
	}
	/* block_on parks its thread: that parker's unpark wakes its task */
	if (fi->flags & ASYM_F_THREAD_PARKER) {
		ptr = task_arg(fi, fr, &ok);
		if (ok && th->task && th->task->kind == AU_TASK_BLOCK_ON)
			au_tasks_alias(m->tasks, ptr, th->task->ptr);
		return;
	}
	if (fi->flags & ASYM_F_JOIN) {
		ptr = task_arg(fi, fr, &ok);
		t = ok ? au_tasks_find(m->tasks, ptr) : NULL;
		/* the JoinHandle's poll: the innermost poll around the call */
		for (size_t d = th->depth - 1; t && d-- > 0;) {
			if (th->stack[d].future) {
				th->stack[d].join_task = t->id;
				th->stack[d].join_done = t->completed != 0;
				break;
			}
		}
		return;
	}
	if (!(fi->flags & (ASYM_F_SCHEDULE_LOCAL | ASYM_F_SCHEDULE_REMOTE)))
		return;
	/* The enclosing SCHEDULE call: its queueing is counted here, so it
	 * infers no local one at its exit. */
	for (size_t d = th->depth - 1; d-- > 0 && !sched;) {
		const struct au_funcinfo *sfi = finfo(m, th->stack[d].func);

		if (sfi && sfi->role == ASYM_ROLE_SCHEDULE) {
			sched = &th->stack[d];
			sched_fi = sfi;
		}
	}
	if (sched)
		sched->sched_counted = true;
	/* the task it queues: its own argument, or the SCHEDULE call's */
	ptr = task_arg(fi, fr, &ok);
	if (!ok && sched)
		ptr = task_arg(sched_fi, sched, &ok);
	if (ok)
		t = au_tasks_find(m->tasks, ptr);
	if (!t)
		return;
	if (fi->flags & ASYM_F_SCHEDULE_LOCAL)
		t->sched_local++;
	else
		t->sched_remote++;
}

/* A TASK_BIND call named @ptr; @caller is the index of its caller's frame. */
static void bind_note(struct thread_state *th, uint64_t ptr, size_t caller)
{
	struct bind *b;

	if (!ptr)
		return;
	if (th->nr_binds == AU_BINDS) {
		memmove(th->binds, th->binds + 1, (AU_BINDS - 1) * sizeof(*th->binds));
		th->nr_binds--;
	}
	b = &th->binds[th->nr_binds++];
	b->ptr = ptr;
	for (int i = 0; i < 2; i++) {
		bool open = caller >= (size_t)i && caller - i < th->depth;

		b->depth[i] = open ? caller - i : SIZE_MAX;
		b->start[i] = open ? th->stack[caller - i].start : 0;
	}
}

/* The deferred task poll @fr polls the future at @self: that is its task
 * (spawned under that address), and what TASK_BIND calls named since the
 * last binding, under a caller still running, are its other pointers. */
static void bind_deferred(struct au_model *m, uint32_t thread, struct frame *fr, uint64_t self)
{
	struct thread_state *th = &m->threads[thread];

	fr->deferred = false;
	task_poll_begin(m, thread, fr, self);
	for (unsigned i = 0; i < th->nr_binds; i++) {
		const struct bind *b = &th->binds[i];

		/* Called from code the recording left out (a patched recording
		 * does not patch the executor's loop): it counts when the task
		 * poll has no recorded caller either. */
		if (b->depth[0] == SIZE_MAX && fr == th->stack) {
			au_tasks_alias(m->tasks, b->ptr, self);
			continue;
		}
		for (int k = 0; k < 2; k++) {
			if (b->depth[k] < th->depth && th->stack[b->depth[k]].start == b->start[k]) {
				au_tasks_alias(m->tasks, b->ptr, self);
				break;
			}
		}
	}
	th->nr_binds = 0;
}

static void runtime_entry(struct au_model *m, uint32_t thread, struct frame *fr,
			  const struct au_funcinfo *fi)
{
	struct thread_state *th = &m->threads[thread];
	struct au_task *t;
	uint64_t ptr;
	bool ok;

	ptr = task_arg(fi, fr, &ok);
	switch (fi->role) {
	case ASYM_ROLE_TASK_POLL:
		if (ok)
			task_poll_begin(m, thread, fr, ptr);
		else if (!fi->task_arg)
			fr->deferred = true;
		break;
	case ASYM_ROLE_TASK_BIND:
		if (ok)
			bind_note(th, ptr, th->depth - 2);
		break;
	case ASYM_ROLE_WORKER_START:
		/* a worker's loop in a task's poll: tokio's blocking task
		 * for the worker, also one that never polls a task, and also
		 * where its spawn_blocking was not seen (inlined in an
		 * optimized build) */
		if (th->task) {
			th->task->hosts_tasks = true;
			if (th->task->kind == AU_TASK_TASK)
				th->task->kind = AU_TASK_BLOCKING;
		}
		break;
	case ASYM_ROLE_WAKE:
	case ASYM_ROLE_WAKE_BY_REF:
		/* (a parker no block_on parked on: some other thread's) */
		if (ok && (fi->flags & ASYM_F_THREAD_PARKER) && !au_tasks_find(m->tasks, ptr))
			break;
		if (ok)
			wake(m, thread, th, ptr, fr->start, fi->role == ASYM_ROLE_WAKE_BY_REF);
		/* wake() consumes its waker */
		if (ok && fi->role == ASYM_ROLE_WAKE && (t = au_tasks_find(m->tasks, ptr)))
			t->wakers--;
		break;
	case ASYM_ROLE_WAKER_CLONE:
		if (ok && (t = au_tasks_find(m->tasks, ptr))) {
			t->wakers++;
			t->waker_clones++;
		}
		break;
	case ASYM_ROLE_WAKER_DROP:
		if (ok && (t = au_tasks_find(m->tasks, ptr))) {
			/* (async-task's wake by value drops its waker
			 * itself: the wake counted that one) */
			if (!in_consuming_wake(m, th, ptr))
				t->wakers--;
			t->waker_drops++;
		}
		break;
	case ASYM_ROLE_TASK_COMPLETE:
		if (ok && (t = au_tasks_find(m->tasks, ptr)) && !t->completed)
			t->completed = fr->start;
		break;
	case ASYM_ROLE_TASK_ABORT:
		/* without a task argument, the cancellation itself (tokio's
		 * JoinError::cancelled), of the task polled or shut down
		 * around the call; with one, a shutdown (raw::shutdown) */
		if (fi->task_arg == 0) {
			/* In a poll: JoinHandle::abort (tokio cancels an
			 * aborted task in its next poll).  In a shutdown: the
			 * runtime or LocalSet shutting down, already marked. */
			if ((t = enclosing_task(m, th, ASYM_ROLE_TASK_ABORT, true))) {
				if (t->running)
					t->aborted = true;
				else
					t->shutdown_cancelled = true;
			}
		} else if (ok && (t = au_tasks_find(m->tasks, ptr))) {
			t->shut_down = true;
		}
		break;
	case ASYM_ROLE_TASK_PANIC:
		/* the task polled, or shut down (dropping its future
		 * panicked), around the call */
		if ((t = enclosing_task(m, th, ASYM_ROLE_TASK_ABORT, true)))
			t->panicked = true;
		break;
	case ASYM_ROLE_TASK_DROP:
		if (ok && (t = au_tasks_find(m->tasks, ptr))) {
			/* Freed inside its own poll: end it when the poll ends. */
			if (t->running)
				t->dropped = true;
			else
				task_end(m, t, fr->start);
		}
		break;
	case ASYM_ROLE_BLOCK_ON:
		block_on_begin(m, thread, fr);
		break;
	default:
		break;
	}
}

static void runtime_exit(struct au_model *m, uint32_t thread, struct frame *fr,
			 const struct au_funcinfo *fi, uint64_t end, bool has_ret, uint64_t retval)
{
	struct thread_state *th = &m->threads[thread];

	switch (fi->role) {
	case ASYM_ROLE_TASK_POLL:
		task_poll_end(m, thread, fr, end);
		break;
	case ASYM_ROLE_SPAWN:
		if (fi->task_arg < 0 && has_ret && retval) {
			spawned(m, thread, fr, retval);
		} else if (fi->task_arg > 0) {
			bool ok;
			uint64_t ptr = task_arg(fi, fr, &ok);

			if (ok && ptr)
				spawned(m, thread, fr, ptr);
		}
		break;
	case ASYM_ROLE_TASK_BIND:
		/* (no caller recorded: SIZE_MAX) */
		if (fi->task_arg < 0 && has_ret)
			bind_note(th, retval, th->depth ? th->depth - 1 : SIZE_MAX);
		break;
	case ASYM_ROLE_SCHEDULE:
		/* (one in a wake is enough to know wakes queue where seen) */
		if (!m->wake_scheduled && (inside_role(m, th, ASYM_ROLE_WAKE) ||
					   inside_role(m, th, ASYM_ROLE_WAKE_BY_REF)))
			m->wake_scheduled = true;
		/* queued locally unless a remote queueing was seen inside
		 * (the local one is not recorded by default) */
		if ((fi->flags & ASYM_F_SCHEDULE_INFER_LOCAL) && !fr->sched_counted) {
			bool ok;
			uint64_t ptr = task_arg(fi, fr, &ok);
			struct au_task *t = ok ? au_tasks_find(m->tasks, ptr) : NULL;

			if (t)
				t->sched_local++;
		}
		break;
	case ASYM_ROLE_PARK:
		/* the task poll around it, and the polls of futures in between
		 * (a tokio worker's loop runs as a BlockingTask's poll): parked,
		 * not busy */
		for (size_t d = th->depth; d-- > 0;) {
			struct frame *pf = &th->stack[d];

			if (pf->future || pf->task)
				pf->parked_inside += end - fr->start;
			if (pf->task)
				break;
		}
		for_each_sink(m, s) {
			if (s->ops->park)
				s->ops->park(s, m, thread, fr->start, end);
		}
		break;
	case ASYM_ROLE_BLOCK_ON:
		if (fr->task) {
			struct au_task *t = fr->task;

			th->task = fr->saved_task;
			t->running = false;
			t->last_poll_end = end;
			/* (still running when the recording ended: it did not
			 * return, its future is left waiting, it ends with the
			 * other tasks alive then) */
			if (m->at_end)
				break;
			t->completed = end;
			task_end(m, t, end);
		}
		break;
	default:
		break;
	}
}

/* ---- call stacks ---- */

static struct thread_state *thread_of(struct au_model *m, uint32_t idx)
{
	struct thread_state *t = &m->threads[idx];

	if (!t->seen) {
		t->seen = true;
		for_each_sink(m, s) {
			if (s->ops->thread)
				s->ops->thread(s, m, idx);
		}
	}
	return t;
}

static void self_add(struct thread_state *t, int32_t func, uint64_t ns)
{
	uint32_t h = ((uint32_t)func * 2654435761u) >> 23;

	for (unsigned i = 0; i < 8; i++) {
		struct self_slot *sl = &t->self[(h + i) & (SELF_SLOTS - 1)];

		if (sl->gen != t->gen) {
			*sl = (struct self_slot){ func, t->gen, ns };
			return;
		}
		if (sl->func == func) {
			sl->ns += ns;
			return;
		}
	}
	/* a crowded poll: the rest is not ranked */
}

/* The functions with the most self time in this top-level poll. */
static void self_top(const struct thread_state *t, struct au_poll *p)
{
	for (unsigned k = 0; k < AU_HOT; k++) {
		p->hot[k] = -1;
		p->hot_ns[k] = 0;
	}
	for (unsigned i = 0; i < SELF_SLOTS; i++) {
		const struct self_slot *sl = &t->self[i];
		unsigned k;

		if (sl->gen != t->gen || sl->func < 0)
			continue;
		for (k = AU_HOT; k > 0 && p->hot_ns[k - 1] < sl->ns; k--) {
			if (k < AU_HOT) {
				p->hot[k] = p->hot[k - 1];
				p->hot_ns[k] = p->hot_ns[k - 1];
			}
		}
		if (k < AU_HOT) {
			p->hot[k] = sl->func;
			p->hot_ns[k] = sl->ns;
		}
	}
	memcpy(p->hot_stack, t->hot_stack, sizeof(p->hot_stack));
	p->hot_depth = t->hot_depth;
}

/* The nearest poll frame below the top of the stack, or NULL. */
static struct frame *enclosing_poll(struct thread_state *t, size_t below)
{
	while (below-- > 0) {
		if (t->stack[below].future)
			return &t->stack[below];
	}
	return NULL;
}

/* The poll frame whose future polls the one above @below, or NULL: none
 * across a task's poll (async-std's and smol's tasks run inside their
 * executor's run future, which does not await them). */
static struct frame *parent_poll(struct thread_state *t, size_t below)
{
	while (below-- > 0) {
		if (t->stack[below].future)
			return &t->stack[below];
		if (t->stack[below].task)
			return NULL;
	}
	return NULL;
}

/* Self time (duration less children) of the call just popped, ranked
 * within the top-level poll it ran in. */
static void account_self(struct au_model *m, struct thread_state *t, const struct frame *fr,
			 uint64_t end)
{
	uint64_t dur = end - fr->start, self_ns = dur > fr->child_ns ? dur - fr->child_ns : 0;

	(void)m;
	if (t->depth)
		t->stack[t->depth - 1].child_ns += dur;
	if (t->top < 0 || (ssize_t)t->depth < t->top || fr->func < 0)
		return;
	self_add(t, fr->func, self_ns);
	if (self_ns > t->max_self) {
		/* the path to the costliest single call (the popped frame is
		 * still in the array, just above depth) */
		size_t from = t->top, to = t->depth;

		t->max_self = self_ns;
		t->hot_depth = 0;
		for (size_t d = from; d <= to && t->hot_depth < AU_HOT_STACK; d++)
			t->hot_stack[t->hot_depth++] = t->stack[d].func;
	}
}

/* Inside tokio's block_in_place, below the innermost poll: blocking there
 * is what it is for. */
static bool in_block_in_place(const struct au_model *m, const struct thread_state *t)
{
	for (size_t d = t->depth; d-- > 0 && !t->stack[d].future;) {
		const struct au_funcinfo *fi = finfo(m, t->stack[d].func);

		if (fi && (fi->flags & ASYM_F_BLOCK_IN_PLACE))
			return true;
	}
	return false;
}

/* An instance @fr polled itself: left pending, or completed (@done). */
static void note_kid(struct frame *fr, int32_t func, uint64_t self, bool done)
{
	if (done) {
		if (fr->nr_finished < AU_INSIDE)
			fr->finished[fr->nr_finished++] = self;
		return;
	}
	for (unsigned i = 0; i < fr->nr_waiting; i++) {
		if (fr->waiting[i].self == self)
			return;
	}
	if (fr->nr_waiting < AU_INSIDE) {
		fr->waiting[fr->nr_waiting].func = func;
		fr->waiting[fr->nr_waiting++].self = self;
	}
}

/* Those that completed in @kid's poll are no longer inside. */
static void inside_forget(struct au_future *f, const struct frame *kid)
{
	struct au_inside *in = f->inside;

	if (!in || in->via != kid->func)
		return;
	for (unsigned d = 0; d < kid->nr_finished; d++) {
		for (unsigned i = 0; i < in->n; i++) {
			if (in->kid[i].self == kid->finished[d]) {
				in->kid[i] = in->kid[--in->n];
				break;
			}
		}
	}
}

/*
 * The library future polled on @kid (a combinator) returned Pending to
 * @f: what it still waits on inside, the instances left pending in its
 * polls at this await, less those completed since.  Into @inner (the
 * kinds, at most AU_AWAIT_INNER); their number.
 */
static uint8_t still_inside(struct au_future *f, const struct frame *kid, int32_t *inner)
{
	struct au_inside *in = f->inside;
	uint8_t n = 0;

	if (!in || in->via != kid->func) {
		if (!kid->nr_waiting)
			return 0;
		if (!in)
			in = f->inside = xcalloc(1, sizeof(*in));
		in->via = kid->func;
		in->n = 0;
	}
	inside_forget(f, kid);
	for (unsigned w = 0; w < kid->nr_waiting; w++) {
		unsigned i = 0;

		while (i < in->n && in->kid[i].self != kid->waiting[w].self)
			i++;
		if (i == in->n && in->n < AU_INSIDE)
			in->n++;
		if (i < in->n) {
			in->kid[i].func = kid->waiting[w].func;
			in->kid[i].self = kid->waiting[w].self;
		}
	}
	for (unsigned i = 0; i < in->n && n < AU_AWAIT_INNER; i++) {
		unsigned j = 0;

		while (j < n && inner[j] != in->kid[i].func)
			j++;
		if (j == n)
			inner[n++] = in->kid[i].func;
	}
	return n;
}

static void add_pending_kid(struct frame *fr, int32_t func)
{
	for (unsigned i = 0; i < fr->nr_pending_kids; i++) {
		if (fr->pending_kids[i] == func)
			return;
	}
	if (fr->nr_pending_kids < AU_AWAIT_INNER)
		fr->pending_kids[fr->nr_pending_kids++] = func;
}

/*
 * An async body whose Poll<Output> came back through memory (over 16
 * bytes: a String, a tuple, a guard): it returns Pending exactly when the
 * future it awaits last did, and Ready when that one was Ready (it went on
 * and finished).  Known when that future was recorded: always for the
 * program's own bodies, whose awaitees every recording takes; for the
 * library's, unless only some functions were patched in (the lock
 * futures' awaitees are patched for this).
 */
static int body_result(const struct au_model *m, const struct au_funcinfo *fi,
		       const struct frame *fr)
{
	if (!fi)
		return AU_POLL_UNKNOWN;
	/* a wrapper returns what the future inside it did (Pin<Box<dyn
	 * Future<Output = String>>>, an #[async_trait] method's) */
	if (fi->forwards && fi->role == ASYM_ROLE_FUTURE_IMPL)
		return fr->last_child_result >= 0 ? fr->last_child_result : AU_POLL_UNKNOWN;
	if ((fi->role != ASYM_ROLE_ASYNC_FN && fi->role != ASYM_ROLE_ASYNC_BLOCK) ||
	    (m->funcs->patched && !(fi->flags & (ASYM_F_USER | ASYM_F_LOCK_BODY))))
		return AU_POLL_UNKNOWN;
	if (fr->last_child_result >= 0)
		return fr->last_child_result;
	/* Polled nothing: it ran to its end, as a body returns Pending only
	 * from an awaited future's Pending; known where each await's poll is
	 * a call of its own, which every recording takes for the program's
	 * bodies (hyper's handler answering at once, its next request's
	 * then a new instance at the same address) */
	if (fr->last_child_result == NO_CHILD && (fi->flags & ASYM_F_USER) && fi->sym) {
		for (unsigned i = 0; i < fi->sym->n_awaits; i++) {
			if (!fi->sym->awaits[i].call_addr)
				return AU_POLL_UNKNOWN;
		}
		return AU_POLL_READY;
	}
	return AU_POLL_UNKNOWN;
}

/* @task's root future is not all of it: its Ready, if seen already, was
 * no end of the task (the runtime's completion call, or its free, is). */
static void root_partial(struct au_task *task)
{
	task->root_partial = true;
	if (task->completed_by_root) {
		task->completed = 0;
		task->completed_by_root = false;
	}
}

static void pop_frame(struct au_model *m, uint32_t thread, uint64_t end, bool has_ret,
		      uint64_t retval, bool truncated)
{
	struct thread_state *t = &m->threads[thread];
	struct frame *fr = &t->stack[--t->depth];
	struct au_call call = {
		.user_caller = -1,
		.thread = thread,
		.func = fr->func,
		.addr = fr->addr,
		.start = fr->start,
		.end = end,
		.depth = fr->depth,
		.truncated = truncated,
		.nargs = fr->nargs,
		.args = fr->args,
		.fmts = fr->fmts,
		.has_retval = has_ret,
		.retval = retval,
	};
	struct au_poll poll;
	struct au_future *f = fr->future;

	call.task = t->task ? t->task->id : 0;
	if (truncated)
		m->truncated++;
	/* A blocking-pool task's closure returned: its work is done, also
	 * where no poll of its root future was recorded (a patched build of
	 * async-std's spawn_blocking) */
	if (t->task && t->task->kind == AU_TASK_BLOCKING && fr->func == t->task->runs_func &&
	    !truncated && !t->task->completed)
		t->task->completed = end;
	account_self(m, t, fr, end);

	if (f) {
		const struct au_funcinfo *fi = finfo(m, fr->func);
		uint64_t dur = end - fr->start;
		int res = has_ret ? au_funcs_poll_result(fi, retval) : -1;

		/* (a poll cut short, its exit never recorded, returned nothing) */
		if (res < 0 && fr->join_task && !truncated)
			res = fr->join_done ? AU_POLL_READY : AU_POLL_PENDING;
		if (res < 0 && !truncated)
			res = body_result(m, fi, fr);
		/* A blocking-pool task's future runs its closure to the end in
		 * its one poll (tokio's BlockingTask, the blocking crate's
		 * `async move { f() }`): returned, it is done, also where its
		 * output comes back through memory and reads neither way
		 * (async_std::fs::read's Result<Vec<u8>>) */
		if (res < 0 && !truncated && t->task && t->task->kind == AU_TASK_BLOCKING &&
		    t->task->root_future == f->id)
			res = AU_POLL_READY;

		memset(&poll, 0, sizeof(poll));
		poll.future = f;
		poll.thread = thread;
		poll.start = fr->start;
		poll.end = end;
		poll.result = res;
		poll.wait_start = f->polls ? f->last_end : 0;
		poll.outermost = enclosing_poll(t, t->depth) == NULL;
		poll.top = t->top == (ssize_t)t->depth;
		memcpy(poll.notes, fr->notes, sizeof(poll.notes));
		poll.nr_notes = fr->nr_notes;
		poll.off_cpu_ns = fr->off_ns;
		poll.blocked_ns = fr->blocked_ns;
		poll.blocked_func = fr->blocked_func;
		poll.task = t->task ? t->task->id : 0;
		poll.blocking_task = t->task && t->task->kind == AU_TASK_BLOCKING;
		poll.worker_loop = t->task && t->task->hosts_tasks;
		poll.in_place_ns = fr->in_place_ns;
		poll.nested_tasks_ns = fr->nested_tasks_ns;
		poll.truncated = truncated;
		if (poll.top)
			self_top(t, &poll);
		/* a task's polls are its top-level polls: their blocked time
		 * (block_on's thread is no task poll: no busy time either) */
		if (poll.top && t->task && t->task->kind != AU_TASK_BLOCK_ON)
			t->task->blocked_ns += fr->blocked_ns;
		poll.prev_await = f->await;
		/* (another task's wake: the one it waited for) */
		if (t->task)
			poll.woken_by = t->task->poll_woken_by;
		f->polls++;
		poll.number = f->polls;
		f->busy_ns += dur > fr->parked_inside ? dur - fr->parked_inside : 0;
		if (dur > f->max_poll_ns)
			f->max_poll_ns = dur;
		if (poll.wait_start && fr->start >= poll.wait_start)
			f->wait_ns += fr->start - poll.wait_start;
		f->last_end = end;
		f->last_result = res;
		poll.await.child_func = -1;
		poll.await.on_task = 0;
		if (res != AU_POLL_READY && fr->pending_child >= 0) {
			poll.await.child_func = fr->pending_child;
			poll.await.on_task = fr->pending_child_task;
			poll.await.held_by = fr->pending_child_holder;
			poll.await.nr_inner = fr->nr_child_inner;
			memcpy(poll.await.inner, fr->child_inner, sizeof(poll.await.inner));
			poll.await.site = match_await(m, fr->func, f, fr->pending_child,
						      fr->pending_child_self,
						      &poll.await.guessed_among);
		}
		/* where it waits, as far as it is known: what it goes on from
		 * (a guess: any of the awaits of that kind there) */
		f->maybe_at = 0;
		if (poll.await.site && poll.await.guessed_among) {
			f->maybe_at = awaits_of(fi->sym, finfo(m, fr->pending_child),
						fr->pending_child_self - f->self);
			/* no guess for the reader when they share a line
			 * (`(a.await, b.await)`) */
			if (one_place(fi->sym, f->maybe_at, poll.await.site))
				poll.await.guessed_among = 0;
		} else if (poll.await.site && poll.await.site - fi->sym->awaits < 64) {
			f->maybe_at = 1ull << (poll.await.site - fi->sym->awaits);
		}
		f->await = poll.await;
		call.poll = &poll;
		/* The innermost of the program's own futures left pending in
		 * a task's poll tells where the task waits. */
		if (t->task && !t->task->await_fresh && res != AU_POLL_READY &&
		    (fi->flags & ASYM_F_USER) && poll.await.site) {
			t->task->await_func = fr->func;
			t->task->await = poll.await;
			t->task->await_fresh = true;
		}

		struct au_future_stats *st = stats_for(m, fr->func);
		st->polls++;
		st->off_cpu_ns += fr->off_ns;
		st->blocked_ns += fr->blocked_ns;
		if (res == AU_POLL_READY)
			st->ready_polls++;
		else if (res == AU_POLL_PENDING)
			st->pending_polls++;
		else
			st->unknown_polls++;

		/* A send left pending on a full bounded channel waits for
		 * the task that drains it (its awaiters, through the
		 * library's futures, for the same). */
		if (res != AU_POLL_READY && f->chan) {
			uint64_t drainer = au_lock_holder(m->drainers, f->chan);

			fr->pending_child_holder = t->task && drainer == t->task->id ? 0 : drainer;
		}
		/* Tell the enclosing poll which child left it pending, or
		 * that one more of its children completed. */
		{
			struct frame *parent = parent_poll(t, t->depth);

			if (parent)
				parent->last_child_result = (int8_t)res;
			if (parent && res != AU_POLL_READY) {
				/* the lock a library future waits for inside is
				 * what its awaiter waits for (OnceCell::get_or_init
				 * waits for its Semaphore, held by the initializer) */
				parent->pending_child_holder =
					fi && !(fi->flags & ASYM_F_USER) ? fr->pending_child_holder : 0;
				/* (a wrapper, Pin<Box<F>> or join_all's
				 * MaybeDone: what it polled, when seen) */
				if (fi && fi->forwards && fr->nr_pending_kids) {
					for (unsigned i = 0; i < fr->nr_pending_kids; i++)
						add_pending_kid(parent, fr->pending_kids[i]);
					for (unsigned i = 0; i < fr->nr_waiting; i++)
						note_kid(parent, fr->waiting[i].func,
							 fr->waiting[i].self, false);
				} else {
					add_pending_kid(parent, fr->func);
					note_kid(parent, fr->func, f->self, false);
				}
				/* a library Future impl (a select!'s poll_fn, a
				 * timeout, a join): what it waits on inside, the
				 * task one of those awaits too; a JoinHandle's is
				 * its task, named already */
				parent->nr_child_inner =
					fi && (fi->flags & ASYM_F_COMBINATOR) && !fr->join_task
						? fr->nr_pending_kids : 0;
				memcpy(parent->child_inner, fr->pending_kids,
				       sizeof(parent->child_inner));
				/* (one that polled none of them this time: those
				 * it left pending before) */
				if (fi && (fi->flags & ASYM_F_COMBINATOR) && !fr->join_task &&
				    parent->future) {
					int32_t before[AU_AWAIT_INNER];
					uint8_t n = still_inside(parent->future, fr, before);

					if (!parent->nr_child_inner && n) {
						parent->nr_child_inner = n;
						memcpy(parent->child_inner, before, sizeof(before));
					}
				}
				parent->pending_child = fr->func;
				parent->pending_child_self = f->self;
				/* its own task awaited, or, through a library
				 * future (a join_all around JoinHandles), the one
				 * its child awaits; a future of the program's own
				 * shows its join at its own await */
				{
					uint64_t task_of_child =
						fr->join_task			    ? fr->join_task
						: fi && (fi->flags & ASYM_F_USER) ? 0
										    : fr->pending_child_task;
					const struct au_funcinfo *pfi = finfo(m, parent->func);

					/* a combinator waits on all its pending
					 * children: a timeout's timer, polled after
					 * the JoinHandle it guards, leaves its task
					 * named */
					if (task_of_child ||
					    !(pfi && (pfi->flags & ASYM_F_COMBINATOR)))
						parent->pending_child_task = task_of_child;
				}
			} else if (parent && res == AU_POLL_READY) {
				note_kid(parent, fr->func, f->self, true);
				if (fi && fi->forwards)
					for (unsigned i = 0; i < fr->nr_finished; i++)
						note_kid(parent, -1, fr->finished[i], true);
				/* (a Next returning an item: the one that completed) */
				if (fi && (fi->flags & ASYM_F_COMBINATOR) && parent->future)
					inside_forget(parent->future, fr);
				kid_done(m, parent->future, fr->func, f->self);
			}
			if (parent && parent->future->lock && fi && (fi->flags & ASYM_F_LOCK_BODY))
				lock_future_polled(m, t, parent, res);
		}
	}

	{
		const struct au_funcinfo *fi = finfo(m, fr->func);

		/* A blocking-pool task's run is its only one: returned, its
		 * closure has run to the end, also where nothing inside was
		 * recorded (async_std::fs's closure in a patched build) */
		if (fi && fi->role == ASYM_ROLE_TASK_POLL && !truncated && !fr->deferred &&
		    fr->task && fr->task->kind == AU_TASK_BLOCKING && !fr->task->completed)
			fr->task->completed = end;
		if (fi && fi->role > ASYM_ROLE_FUTURE_IMPL)
			runtime_exit(m, thread, fr, fi, end, has_ret, retval);
		/* the runtime's id for the next spawn on this thread */
		if (fi && (fi->flags & ASYM_F_TASK_ID) && has_ret)
			t->next_runtime_id = retval;
		/* a steal hands back the task it took (or None: 0) */
		if (fi && (fi->flags & ASYM_F_STEAL) && has_ret && retval) {
			struct au_task *st = au_tasks_find(m->tasks, retval);

			if (st)
				st->stolen = true;
		}
		if (fi && (fi->flags & ASYM_F_BLOCK_IN_PLACE)) {
			struct frame *pf = enclosing_poll(t, t->depth);

			if (pf)
				pf->in_place_ns += end - fr->start;
		}
		/* (an executor's block_on run inside a poll blocks its thread
		 * as any blocking call does: futures' block_on on a worker) */
		if (fi && (fi->role == ASYM_ROLE_BLOCKING_CALL || fi->role == ASYM_ROLE_BLOCK_ON ||
			   (fi->flags & ASYM_F_CALLS_BLOCKING))) {
			const struct au_funcinfo *pfi = t->depth ? finfo(m, t->stack[t->depth - 1].func)
								 : NULL;

			/* (a blocking-pool task, spawn_blocking's or unblock's,
			 * runs where blocking is no stall) */
			call.in_poll = enclosing_poll(t, t->depth) != NULL && !in_block_in_place(m, t) &&
				       !(t->task && t->task->kind == AU_TASK_BLOCKING);
			/* the program's own call, not one the runtime makes on
			 * its behalf (tokio locks std mutexes inside) */
			call.user_caller = pfi && (pfi->flags & ASYM_F_USER) ? t->stack[t->depth - 1].func
									      : -1;
		}
	}
	/* A value captured by --annotate also belongs to the poll that made
	 * the call (Barbara's "bytes sent" on the poll that sent them). */
	const struct au_funcinfo *cfi = finfo(m, fr->func);

	if (!f && fr->nargs && cfi && cfi->role == ASYM_ROLE_NONE &&
	    !(cfi->flags & ASYM_F_RUNTIME_CALLS)) {
		struct frame *pf = enclosing_poll(t, t->depth);

		if (pf && pf->nr_notes < AU_NOTES)
			pf->notes[pf->nr_notes++] = (struct au_note){ fr->func, fr->args[0],
								      fr->fmts[0] };
	}
	for_each_sink(m, s) {
		if (s->ops->call)
			s->ops->call(s, m, &call);
	}
	if (f) {
		for_each_sink(m, s) {
			if (s->ops->poll)
				s->ops->poll(s, m, &poll);
		}
		if (poll.top)
			t->top = fr->saved_top;
		if (t->task && t->task->id == f->task && t->task->root_future == f->id) {
			t->task->root_last_end = end;
			t->task->root_last_unknown = poll.result == AU_POLL_UNKNOWN && !truncated;
		}
		/* the future around the root (a library one: hyper's
		 * Graceful around the program's shutdown signal) still
		 * pending: the root's Ready did not end the task */
		if (t->task && t->task->id == f->task && t->task->outer_future == f->id &&
		    t->task->outer_future != t->task->root_future &&
		    poll.result == AU_POLL_PENDING && t->task->completed_by_root)
			root_partial(t->task);
		if (poll.result == AU_POLL_READY) {
			struct au_task *task = t->task;

			f->completed = true;
			/* A task whose root future is done has completed, also
			 * on runtimes whose completion has no function of its
			 * own (async-task's run() returns from the poll) */
			/* (the instance: a recursive walk's inner walks are
			 * futures of its root's function) */
			if (task && task->id == f->task && task->root_future == f->id &&
			    !task->completed && !task->root_partial) {
				task->completed = end;
				task->completed_by_root = true;
			}
			future_end(m, f, end);
		}
	}
}

/* block_on's thread polls its future with no task poll around it: each
 * poll at its top answers the wake before it (and the task is no longer
 * runnable). */
static void block_on_poll_begin(struct au_model *m, struct au_task *t, uint64_t time)
{
	bool woken = t->woken_at && t->woken_at <= time;

	t->poll_woken_by = woken ? t->woken_by_task : 0;
	if (woken) {
		t->woken_at = 0;
		au_tasks_runnable_add(m->tasks, -1);
	}
}

/* Is the frame on top the first future polled inside @task's poll? */
static bool is_task_root(const struct thread_state *t, const struct au_task *task)
{
	for (size_t d = t->depth - 1; d-- > 0;) {
		if (t->stack[d].task == task)
			return true;
		if (t->stack[d].future)
			return false;
	}
	return false;
}

static void push_frame(struct au_model *m, uint32_t thread, const struct au_record *rec)
{
	struct thread_state *t = &m->threads[thread];
	const struct au_funcinfo *fi;
	struct frame *fr;

	au_grow(&t->stack, &t->cap, t->depth, sizeof(*t->stack));
	fr = &t->stack[t->depth++];
	/* Field by field, not memset: a frame is 256 bytes and this runs for
	 * every record (the memset was a tenth of the analysis). */
	fr->func = rec->func;
	fr->depth = rec->depth;
	fr->nargs = rec->nargs;
	fr->addr = rec->addr;
	fr->start = rec->time;
	for (unsigned i = 0; i < rec->nargs && i < AU_MAX_ARGS; i++) {
		fr->args[i] = rec->args[i];
		fr->fmts[i] = rec->fmts[i];
	}
	fr->future = NULL;
	fr->pending_child = -1;
	fr->pending_child_self = 0;
	fr->join_task = fr->pending_child_task = fr->pending_child_holder = 0;
	fr->join_done = false;
	fr->last_child_result = NO_CHILD;
	fr->nr_pending_kids = fr->nr_child_inner = 0;
	fr->nr_waiting = fr->nr_finished = 0;
	fr->parked_inside = 0;
	fr->task = fr->saved_task = NULL;
	fr->task_children = 0;
	fr->task_children_ns = 0;
	fr->in_place_ns = 0;
	fr->nested_tasks_ns = 0;
	fr->saved_top = -1;
	fr->deferred = false;
	fr->sched_counted = false;
	fr->child_ns = 0;
	fr->nr_notes = 0;

	fi = finfo(m, rec->func);
	if (fi && fi->role > ASYM_ROLE_FUTURE_IMPL)
		runtime_entry(m, thread, fr, fi);
	else if (fi && (fi->flags & (ASYM_F_SCHEDULE_LOCAL | ASYM_F_SCHEDULE_REMOTE | ASYM_F_JOIN |
				     ASYM_F_LOCK | ASYM_F_UNLOCK | ASYM_F_CHAN_WAITLIST |
				     ASYM_F_THREAD_PARKER)))
		runtime_flags_entry(m, thread, fr, fi);
	if (fi && (fi->flags & ASYM_F_FUTURE)) {
		uint64_t self = rec->nargs ? rec->args[0] : 0;
		bool task_level;

		/* the first future a deferred task poll polls names its task */
		if (t->depth >= 2 && t->stack[t->depth - 2].deferred && self)
			bind_deferred(m, thread, &t->stack[t->depth - 2], self);

		if (!rec->nargs && !m->warned_noself) {
			pr_warn("%s: polled without its self argument recorded: its instances "
				"cannot be told apart (record with profile.sh)",
				au_model_func_name(m, rec->func));
			m->warned_noself = true;
		}
		fr->future = future_get(m, rec->func, self);
		{
			struct frame *pf = parent_poll(t, t->depth - 1);
			struct au_future *parent = pf ? pf->future : NULL;

			bool done = parent && done_unseen(m, fr->future, parent);

			/* the old one completed unseen, or went with the instance
			 * that held it: this is a new one */
			if (done || (parent && outlived(m, fr->future, parent, self))) {
				fr->future->completed = done;
				future_end(m, fr->future, fr->future->last_end);
				fr->future = future_get(m, rec->func, self);
			}
			fr->future->parent_id = parent ? parent->id : 0;
			fr->future->parent_func = parent ? parent->func : -1;
			fr->future->parent_self = parent ? parent->self : 0;
			fr->future->parent_polls = parent ? parent->polls : 0;
		}
		/* async-std's block_on names its task before polling in it */
		if (t->next_runtime_id && t->task && t->task->kind == AU_TASK_BLOCK_ON &&
		    !t->task->runtime_id) {
			t->task->runtime_id = t->next_runtime_id;
			t->next_runtime_id = 0;
		}
		/* only poll frames count off-CPU time */
		fr->off_ns = fr->blocked_ns = fr->blocked_max_ns = 0;
		fr->blocked_func = -1;
		/* polled by its task's poll itself, no future between */
		task_level = t->task && is_task_root(t, t->task);
		if (!fr->future->polls) {
			struct au_task *task = t->task;

			fr->future->first_start = rec->time;
			fr->future->first_thread = thread;
			fr->future->task = task ? task->id : 0;
			/* a new one starts at its body's start: it reaches the
			 * first awaits first */
			if (fi->sym && fi->sym->first_known)
				fr->future->maybe_at = fi->sym->first_awaits;
			/* A task's root is the outermost future it polls, or
			 * rather the program's own first one when the outermost
			 * is a runtime wrapper (block_on's Pin<&mut F>). */
			bool outer = task && task->root_func < 0 && task_level;

			if (task && fi->role <= ASYM_ROLE_FUTURE_IMPL &&
			    (outer || (task->root_func >= 0 && !task->root_user &&
				       (fi->flags & ASYM_F_USER)))) {
				task->root_func = rec->func;
				task->root_future = fr->future->id;
				task->root_user = (fi->flags & ASYM_F_USER) != 0;
				if (outer)
					task->outer_future = fr->future->id;
			}
		}
		/* another future at the task's own level: the task's own
		 * future is not in the recording */
		if (task_level && t->task->outer_future && fr->future->id != t->task->outer_future &&
		    !t->task->root_partial)
			root_partial(t->task);
		/* A top-level poll starts: rank self time inside it.  A task's
		 * poll is one also inside another task's (tokio's workers
		 * poll tasks inside a blocking task's): that one resumes
		 * after it. */
		if (t->task ? task_level : t->top < 0 && !enclosing_poll(t, t->depth - 1)) {
			fr->saved_top = t->top;
			t->top = t->depth - 1;
			t->gen++;
			t->max_self = 0;
			t->hot_depth = 0;
			if (t->task && t->task->kind == AU_TASK_BLOCK_ON)
				block_on_poll_begin(m, t->task, rec->time);
		}
	} else if (fi && (fi->flags & ASYM_F_USER) && t->task &&
		   t->task->kind == AU_TASK_BLOCKING && t->task->runs_func < 0) {
		/* A blocking-pool task runs a closure of the program, no
		 * future of its own (BlockingTask<F>): that closure, the
		 * program's first function in it, names the task.  (Its
		 * root future stays the root: its Ready completes the task
		 * where the runtime has no completion call of its own.) */
		t->task->runs_func = rec->func;
	}
}

/*
 * A context switch of the thread (the reader's EVENT records): the time
 * between leaving the CPU and coming back (or exiting: a thread that slept
 * until the program ended) counts for every poll open on
 * the thread, as off-CPU time, and as blocked time unless the kernel
 * preempted it or the thread waited in the runtime's park.  No record of
 * the thread can fall in between, so the interval nests inside its
 * innermost call.
 */
static void sched_switch(struct au_model *m, uint32_t thread, const struct au_record *rec)
{
	struct thread_state *t = thread_of(m, thread);
	uint64_t start = t->off_since, dur;
	int32_t inner;
	struct au_off_cpu o = { .thread = thread, .preempted = t->off_preempted };

	m->switches += rec->addr != AU_EVENT_THREAD_EXIT;
	/* a known time on the thread: calls still open at the end (a park
	 * the program exited in) close no earlier; and on the program, which
	 * lived until then (a hung service killed after seconds of no call
	 * at all) */
	if (rec->time > t->last_time)
		t->last_time = rec->time;
	if (rec->time > m->last_time)
		m->last_time = rec->time;
	if (rec->addr == AU_EVENT_SCHED_OUT || rec->addr == AU_EVENT_SCHED_OUT_PREEMPT) {
		t->off_since = rec->time;
		t->off_preempted = rec->addr == AU_EVENT_SCHED_OUT_PREEMPT;
		return;
	}
	t->off_since = 0;
	if (!start || rec->time < start)
		return; /* came back without having left: the recording began */
	dur = rec->time - start;
	inner = t->depth ? t->stack[t->depth - 1].func : -1;
	/* Waiting for work is idleness, not blocking: inside the runtime's
	 * park (also when a worker loop runs inside a task's poll, as
	 * tokio's), or in a block_on whose poll has returned (its own park
	 * may not be traced: a patched build of async-io's block_on).  From
	 * the innermost call out, up to the first poll: off the CPU inside a
	 * poll is that poll's blocking. */
	for (size_t d = t->depth; d-- > 0;) {
		const struct au_funcinfo *fi = finfo(m, t->stack[d].func);

		if (fi && fi->role == ASYM_ROLE_PARK) {
			o.idle = o.in_park = true;
			break;
		}
		if (t->stack[d].future)
			break;
		if (fi && fi->role == ASYM_ROLE_BLOCK_ON) {
			o.idle = true;
			break;
		}
	}
	/* the polls of the innermost top-level poll: not those of a worker
	 * loop's task around the task polled inside it */
	for (size_t d = t->top > 0 ? (size_t)t->top : 0; d < t->depth; d++) {
		struct frame *fr = &t->stack[d];

		if (!fr->future)
			continue;
		fr->off_ns += dur;
		if (o.preempted || o.idle)
			continue;
		fr->blocked_ns += dur;
		if (dur > fr->blocked_max_ns) {
			fr->blocked_max_ns = dur;
			fr->blocked_func = inner;
		}
	}
	o.start = start;
	o.end = rec->time;
	o.func = inner;
	for_each_sink(m, s) {
		if (s->ops->off_cpu)
			s->ops->off_cpu(s, m, &o);
	}
}

void au_model_record(struct au_model *m, const struct au_record *rec)
{
	struct thread_state *t;

	if (rec->thread >= m->nr_threads)
		return;
	if (rec->type == AU_REC_EVENT &&
	    (rec->addr == AU_EVENT_SCHED_IN || rec->addr == AU_EVENT_SCHED_OUT ||
	     rec->addr == AU_EVENT_SCHED_OUT_PREEMPT || rec->addr == AU_EVENT_THREAD_EXIT)) {
		sched_switch(m, rec->thread, rec);
		return;
	}
	t = thread_of(m, rec->thread);
	/* other events (-W watch points, -E ones) are not calls: uncounted,
	 * as `records` is documented (entries, exits, lost markers) */
	if (rec->type == AU_REC_EVENT)
		return;
	m->records++;

	if (rec->type == AU_REC_LOST) {
		/* The frames open before the loss may have ended unseen:
		 * close them at the last time known on this thread. */
		while (t->depth)
			pop_frame(m, rec->thread, t->last_time, false, 0, true);
		for_each_sink(m, s) {
			if (s->ops->lost)
				s->ops->lost(s, m, rec->thread, t->last_time, rec->addr);
		}
		return;
	}
	if (rec->type != AU_REC_ENTRY && rec->type != AU_REC_EXIT)
		return;

	if (!m->first_time || rec->time < m->first_time)
		m->first_time = rec->time;
	if (rec->time > m->last_time)
		m->last_time = rec->time;
	t->last_time = rec->time;

	if (rec->type == AU_REC_ENTRY) {
		/* A shallower entry means exits went missing (filtered or lost). */
		while (t->depth && t->stack[t->depth - 1].depth >= rec->depth)
			pop_frame(m, rec->thread, rec->time, false, 0, true);
		push_frame(m, rec->thread, rec);
		return;
	}

	/* EXIT: close deeper frames whose exits were lost, then this one. */
	while (t->depth && t->stack[t->depth - 1].depth > rec->depth)
		pop_frame(m, rec->thread, rec->time, false, 0, true);
	if (t->depth && t->stack[t->depth - 1].depth == rec->depth &&
	    (t->stack[t->depth - 1].func == rec->func || rec->func < 0))
		pop_frame(m, rec->thread, rec->time, rec->nargs > 0, rec->args[0], false);
	/* else: an exit without its entry (recording started inside it) */
}

/* A task alive at the end: pending (or completed but not yet freed). */
static void finish_task(struct au_task *t, void *arg)
{
	struct au_model *m = arg;

	/* (how long it waited as a rule, before the wait it ends in) */
	t->max_idle_before_end_ns = t->max_idle_ns;
	/* waiting when the recording ended, nothing having woken it: idle
	 * until then (a task stuck in a hung service, for the whole hang) */
	if (!t->completed && !t->woken_at)
		add_idle(t, m->last_time);
	t->outcome = outcome_of(t, AU_OUTCOME_PENDING);
	for_each_sink(m, s) {
		if (s->ops->task_end)
			s->ops->task_end(s, m, t, m->last_time);
	}
}

static int cmp_future_id(const void *a, const void *b)
{
	const struct au_future *fa = *(struct au_future *const *)a;
	const struct au_future *fb = *(struct au_future *const *)b;

	return fa->id < fb->id ? -1 : fa->id > fb->id;
}

/* A task's outcome, also before it is set (a live task's, at the end) */
static enum au_task_outcome outcome_now(const struct au_task *t)
{
	return t->ended ? t->outcome : outcome_of(t, AU_OUTCOME_PENDING);
}

/* When the task that did not complete stopped waiting: the end of the
 * recording if it was still alive, else when it was cancelled (aborted,
 * shut down: its future dropped) or freed; 0 if it completed, or if its
 * last poll was still running at the end. */
uint64_t au_model_left_waiting_until(const struct au_model *m, const struct au_task *t)
{
	enum au_task_outcome o = outcome_now(t);
	uint64_t end = t->ended ? t->ended : m->last_time;

	if (t->ended_in_poll)
		return 0;
	if (o == AU_OUTCOME_PENDING)
		return end;
	if (o != AU_OUTCOME_ABORTED && o != AU_OUTCOME_SHUT_DOWN && o != AU_OUTCOME_DROPPED)
		return 0;
	/* (a cancellation completes it, with its JoinError: that is when its
	 * future was dropped) */
	return t->completed && t->completed < end ? t->completed : end;
}

static struct au_future *find_by_id(struct au_future **sorted, size_t n, uint64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sorted[lo]->id == id ? sorted[lo] : NULL;
}

/* Left waiting as its parent is: polled, and left Pending, in the
 * parent's last poll.  A poll whose result came back through memory
 * (hyper's ProtoServer and Dispatcher return Poll<Result<..>> so) was
 * Pending when its parent, left waiting, waits on it.  True when it has
 * a parent in its own task (found among @all's first @i, in id order),
 * whatever the answer. */
static bool waits_with_parent(struct au_future **all, size_t i)
{
	struct au_future *f = all[i];
	const struct au_future *parent = f->parent_id ? find_by_id(all, i, f->parent_id) : NULL;
	bool pending;

	if (!parent || parent->task != f->task)
		return false;
	pending = f->last_result == AU_POLL_PENDING ||
		  (f->last_result == AU_POLL_UNKNOWN && parent->waiting_until &&
		   parent->await.child_func == f->func);
	if (f->parent_polls + 1 == parent->polls && pending && !f->completed)
		f->waiting_until = parent->waiting_until;
	return true;
}

/* The futures a library future the waiting @w awaits left pending inside
 * and that have not completed since (a FuturesUnordered's, which polls
 * only the woken ones) wait with it.  Returns how many it marked. */
static unsigned waiting_inside(const struct au_model *m, const struct au_future *w)
{
	unsigned marked = 0;

	if (!w->waiting_until || !w->inside || w->await.child_func != w->inside->via)
		return 0;
	for (unsigned k = 0; k < w->inside->n; k++) {
		struct au_future *kid = future_find(m, w->inside->kid[k].func, w->inside->kid[k].self);

		if (kid && !kid->waiting_until && !kid->completed && kid->task == w->task &&
		    kid->last_result == AU_POLL_PENDING) {
			kid->waiting_until = w->waiting_until;
			marked++;
		}
	}
	return marked;
}

/*
 * Which of the futures alive at the end (@all, in id order) were left
 * waiting, and until when: those whose last poll returned Pending inside
 * the last poll of the future that polled them, itself left waiting, up
 * to the root of a task that did not complete, polled in that task's last
 * poll.  They waited until the recording ended, or until their task did
 * (aborted, shut down by its runtime).  A future its parent stopped
 * polling (a select!'s other branch, a dropped timeout's) or whose task
 * moved on is left out: it may have been dropped unseen; but not one a
 * library future it awaits holds pending inside (waiting_inside).  A
 * parent's id is below its children's (its first poll began first), so
 * parents come first.
 */
static void mark_left_waiting(struct au_model *m, struct au_future **all, size_t n)
{
	size_t nr_tasks;
	const struct au_task **task = au_tasks_by_id(m->tasks, &nr_tasks);
	unsigned marked = 0;

	for (size_t i = 0; i < n; i++) {
		struct au_future *f = all[i];
		const struct au_task *t = f->task < nr_tasks ? task[f->task] : NULL;
		uint64_t until;

		f->waiting_until = 0;
		if (f->completed || f->last_result == AU_POLL_READY || !t)
			continue;
		if (waits_with_parent(all, i) || f->last_result != AU_POLL_PENDING)
			continue;
		/* else the root of its task (or of its thread's block_on); a
		 * future whose parent is gone went with it */
		if (t->root_future != f->id && f->parent_id)
			continue;
		/* (an aborted tokio task is cancelled in a poll of its own,
		 * which drops its future unpolled: its root's last poll was
		 * the one before) */
		until = au_model_left_waiting_until(m, t);
		if ((f->last_end >= t->last_poll_start ||
		     (outcome_now(t) == AU_OUTCOME_ABORTED && t->root_future == f->id)) &&
		    until > f->last_end)
			f->waiting_until = until;
	}
	/* then those inside a library future, and what they polled last */
	for (size_t i = 0; i < n; i++)
		marked += waiting_inside(m, all[i]);
	for (size_t i = 0; marked && i < n; i++) {
		if (!all[i]->waiting_until)
			waits_with_parent(all, i);
	}
	free(task);
}

/* Is @t's innermost open call in the panic machinery (core::panicking,
 * std's begin_panic)?  Only its generic entries are recorded, which the
 * program's crates instantiate. */
static bool in_panic(const struct au_model *m, const struct thread_state *t)
{
	const char *name = t->depth ? au_model_func_name(m, t->stack[t->depth - 1].func) : NULL;

	return name && (!strncmp(name, "core::panicking::", 17) ||
			!strncmp(name, "std::panicking::begin_panic", 27));
}

/*
 * Under uftrace 0.13 a Rust panic cannot unwind through traced frames: the
 * program aborts (SIGABRT) inside the poll that panicked, and the
 * runtime's catch never runs (doc/findings.md).  When the recording ends
 * so, a thread left inside the panic machinery is the one that panicked,
 * in its task's poll or in no task (m->panic_*).  Without one, the task
 * whose poll was left open is the one that panicked: a spawned task rather
 * than a block_on or blocking-pool one (idle tokio workers sit inside
 * one), and among several the one recorded last.
 */
static void aborted_in_poll(struct au_model *m)
{
	const struct au_data_info *info = au_data_info(m->data);
	uint32_t pid = au_data_pid(m->data);
	struct thread_state *best = NULL, *panicking = NULL;

	if (!info->has_exit_status || !WIFSIGNALED(info->exit_status) ||
	    WTERMSIG(info->exit_status) != SIGABRT)
		return;
	for (size_t i = 0; i < m->nr_threads; i++) {
		struct thread_state *t = &m->threads[i];
		bool spawned, best_spawned;

		if (pid && au_data_thread(m->data, i)->pid != pid)
			continue;
		if (!panicking && in_panic(m, t))
			panicking = t;
		if (!t->task)
			continue;
		spawned = t->task->kind == AU_TASK_TASK;
		best_spawned = best && best->task->kind == AU_TASK_TASK;
		if (!best || spawned > best_spawned ||
		    (spawned == best_spawned && t->last_time > best->last_time))
			best = t;
	}
	/* A thread left inside the panic machinery itself panicked (its
	 * generic entries are the program's: core::panicking::panic_display
	 * under tokio::time::sleep outside a runtime), in a task or in none:
	 * the tasks open elsewhere were only waiting (idle workers). */
	if (panicking && panicking->task) {
		panicking->task->panicked = true;
		return;
	}
	if (panicking) {
		m->panic_thread = (int32_t)(panicking - m->threads);
		m->panic_func = panicking->stack[panicking->depth - 1].func;
		for (size_t d = panicking->depth; d-- > 0;) {
			const struct au_funcinfo *fi = finfo(m, panicking->stack[d].func);

			if (fi && (fi->flags & ASYM_F_USER)) {
				m->panic_caller = panicking->stack[d].func;
				break;
			}
		}
		return;
	}
	if (best)
		best->task->panicked = true;
}

/*
 * What the recording could not show, though the program did it: in an
 * optimized build the runtime's spawn and queueing functions are inlined
 * into their callers (doc/building-for-profiling.md), so no call of them
 * is ever made.  Told from what was recorded, not from the symbol table:
 * an out-of-line copy of an inlined function may exist and never run.
 */
static unsigned find_unseen(const struct au_model *m)
{
	size_t tasks = 0, spawned = 0, workers = 0;
	unsigned unseen = 0;

	for (size_t i = 0; i < au_tasks_count(m->tasks); i++) {
		const struct au_task *t = au_tasks_at(m->tasks, i);

		workers += t->kind == AU_TASK_BLOCKING && t->hosts_tasks;
		if (t->kind != AU_TASK_TASK)
			continue;
		tasks++;
		spawned += t->spawned != 0;
	}
	if (tasks && !spawned)
		unseen |= AU_UNSEEN_SPAWNS;
	if (!workers)
		return unseen;
	/* (a multi-thread runtime whose queueing the symbolizer knows how
	 * to see, where a wake queues the task unless it is running: of a
	 * hundred wakes, some queue; an optimized build's spawns from
	 * outside the runtime may still call the queueing function) */
	if (m->task_wakes >= 100 && !m->wake_scheduled &&
	    au_funcs_in_program(m->funcs, ASYM_ROLE_SCHEDULE, 0))
		unseen |= AU_UNSEEN_QUEUEING;
	/* Steals are rare: none seen says nothing.  That no function of the
	 * binary steals does (tokio's steal_work, inlined into the worker
	 * loop), where the runtime has one to have (the symbolizer knows
	 * where its workers start). */
	if (au_funcs_in_program(m->funcs, ASYM_ROLE_WORKER_START, 0) &&
	    !au_funcs_in_program(m->funcs, ASYM_ROLE_NONE, ASYM_F_STEAL))
		unseen |= AU_UNSEEN_STEALS;
	return unseen;
}

void au_model_finish(struct au_model *m)
{
	aborted_in_poll(m);
	m->at_end = true;
	for (size_t i = 0; i < m->nr_threads; i++) {
		struct thread_state *t = &m->threads[i];

		/* a task's poll left open: it was running, not waiting */
		if (t->task && t->task->kind != AU_TASK_BLOCK_ON && t->task->running && t->depth) {
			struct au_task *task = t->task;
			size_t from = t->depth;

			/* the calls inside its poll, the innermost ones */
			while (from > 0 && t->stack[from - 1].task != task)
				from--;
			if (t->depth - from > AU_TASK_ENDED_STACK)
				from = t->depth - AU_TASK_ENDED_STACK;
			task->ended_in_poll = true;
			for (size_t d = from; d < t->depth; d++) {
				task->ended_stack[task->ended_depth++] = t->stack[d].func;
				/* (the outermost poll's: all of it) */
				if (t->stack[d].future && t->stack[d].blocked_ns > task->ended_blocked_ns)
					task->ended_blocked_ns = t->stack[d].blocked_ns;
			}
			/* still off the CPU, not for want of one: blocked to the end */
			if (t->off_since && !t->off_preempted && m->last_time > t->off_since)
				task->ended_blocked_ns += m->last_time - t->off_since;
		}
		while (t->depth)
			pop_frame(m, i, t->last_time, false, 0, true);
	}
	/* Futures still alive end at their last poll, in id order so the
	 * output does not depend on hash layout. */
	if (m->live) {
		size_t n = 0, live = m->live;
		struct au_future **all = xmalloc(live * sizeof(*all));

		for (size_t i = 0; i < m->hash_size; i++) {
			for (struct au_future *f = m->hash[i]; f; f = f->hnext)
				all[n++] = f;
		}
		qsort(all, n, sizeof(*all), cmp_future_id);
		mark_left_waiting(m, all, n);
		for (size_t i = 0; i < n; i++)
			future_end(m, all[i], all[i]->last_end);
		free(all);
	}
	au_tasks_finish(m->tasks, finish_task, m);
	m->unseen = find_unseen(m);
	for_each_sink(m, s) {
		if (s->ops->finish)
			s->ops->finish(s, m);
	}
}
