/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model: rebuilds what the program did from records in time order.
 *
 * Per thread, a shadow call stack turns ENTRY/EXIT pairs into calls.  A call
 * of a future's poll function is a poll; polls of one future instance (same
 * function, same self address) make a future whose gaps between polls are
 * its waits.  Finished futures fold into per-function aggregates and are
 * freed, so memory follows live futures, not the trace length.
 *
 * Writers subscribe as sinks (a struct of callbacks each); adding a writer
 * touches no model code.
 */
#ifndef AU_MODEL_H
#define AU_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "funcs.h"
#include "tasks.h"
#include "uftrace-data.h"

enum au_poll_result { AU_POLL_UNKNOWN = -1, AU_POLL_READY = 0, AU_POLL_PENDING = 1 };

/* A completed function call (any traced function). */
struct au_call {
	uint32_t thread;
	int32_t func;            /* -1: unresolved address */
	uint64_t addr;           /* for unresolved ones */
	uint64_t start, end;
	uint16_t depth;
	bool truncated;          /* no EXIT seen: closed at a later known time */
	uint8_t nargs;
	/* nargs values and their format letters (see au_record); valid during
	 * the sink call only (they point into the model's call stack) */
	const uint64_t *args;
	const char *fmts;
	bool has_retval;
	uint64_t retval;
	const struct au_poll *poll; /* set when this call is a poll */
	uint64_t task;           /* the task being polled on its thread, 0 if none */
	/* for calls of ASYM_ROLE_BLOCKING_CALL functions only: */
	bool in_poll;            /* made inside a future's poll */
	int32_t user_caller;     /* the caller, when it is the program's own function, else -1 */
};

/* One poll of a future instance. */
struct au_poll {
	struct au_future *future;
	uint32_t number;         /* 1 for the first poll */
	uint32_t thread;
	uint64_t start, end;
	enum au_poll_result result;
	uint64_t wait_start;     /* end of the previous poll (0 for the first) */
	struct au_await await;   /* for Pending polls */
	struct au_await prev_await; /* where the wait that ended at start was */
	/* the task whose wake of this one's task ended that wait, 0 if none
	 * (a timer's, I/O's, its own) */
	uint64_t woken_by;
	bool outermost;          /* not inside another poll on its thread */
	/* A top-level poll: the outermost future poll of a task poll (or of
	 * the thread, without tasks).  Long polls are judged on these, and
	 * for them the model says where the time went: */
	bool top;
	uint64_t task;           /* task id, 0 if none */
	bool blocking_task;      /* that task runs on the blocking pool (spawn_blocking) */
	bool worker_loop;        /* that task runs an executor's loop (a tokio worker's) */
	uint64_t in_place_ns;    /* of its time, inside tokio's block_in_place */
	uint64_t nested_tasks_ns; /* of its time, polls of other tasks inside it */
	/* its exit was never recorded (the program exited or crashed inside
	 * it, or records were lost): its end is a guess */
	bool truncated;
#define AU_HOT 3
#define AU_HOT_STACK 24
	int32_t hot[AU_HOT];     /* functions with the most self time, -1 = none */
	uint64_t hot_ns[AU_HOT];
	int32_t hot_stack[AU_HOT_STACK]; /* poll function ... the costliest call */
	unsigned hot_depth;
	/* values captured (--annotate) by calls made inside this poll */
#define AU_NOTES 4
	struct au_note { int32_t func; uint64_t value; char fmt; } notes[AU_NOTES];
	unsigned nr_notes;
	/* its thread off the CPU during the poll (the kernel's context
	 * switches), of it blocked rather than preempted, and the innermost
	 * call of its longest block (-1: none) */
	uint64_t off_cpu_ns, blocked_ns;
	int32_t blocked_func;
};

/* One future instance, alive from its first poll to Ready. */
struct au_future {
	uint64_t id;             /* unique per instance, in order of first poll */
	int32_t func;
	uint64_t self;           /* its address (first argument of poll) */
	uint64_t first_start;    /* first poll start */
	uint64_t last_end;       /* last poll end */
	uint32_t polls;
	uint64_t busy_ns;
	uint64_t wait_ns;
	uint64_t max_poll_ns;
	enum au_poll_result last_result;
	bool completed;          /* a poll returned Ready */
	struct au_await await;   /* where it waits now */
	/* alive at the end of the trace and left waiting at @await: when
	 * that wait ended (the recording's end, or its task's end: aborted,
	 * shut down); 0 when it was not left waiting (au_model_finish) */
	uint64_t waiting_until;
	uint64_t task;           /* id of the task that first polled it, 0 if none */
	uint32_t first_thread;   /* where it was first polled: its process */
	/* Children of each kind that completed inside its polls: when one
	 * function awaits the same kind of future at several lines, the n-th
	 * one is awaited at the n-th of those lines (straight-line code). */
#define AU_KIDS 8
	/* (repeats: of those, the ones that were an await in a loop coming
	 * round again, not the next await of its kind) */
	struct { int32_t func; uint32_t done, repeats; uint64_t offset; } kids[AU_KIDS];
	/* The awaits it may be at (bit i: its poll function's awaits[i]),
	 * followed from its last wait through the children that completed
	 * since; 0 when not known. */
	uint64_t maybe_at;
	/* The lock it is taking (its Mutex::lock... call, ASYM_F_LOCK): the
	 * ASYM_F_LOCK_BODY future it awaits next takes it; 0 when none. */
	uint64_t lock;
	/* The bounded channel it waits to send on (its semaphore's wait list,
	 * locked inside its poll: ASYM_F_CHAN_WAITLIST), 0 when none: left
	 * pending, it waits on the task that drains the channel. */
	uint64_t chan;
	/* The futures a library future it awaits left pending inside and
	 * has not completed yet; NULL until it awaits one that polls some. */
	struct au_inside *inside;
	/* the instance whose poll polled it last (0: none): a future inside
	 * another one's state is new when a new instance of that one polls
	 * it (a timeout's future, cancelled, and the next timeout's) */
	uint64_t parent_id;
	int32_t parent_func;
	uint64_t parent_self;
	uint32_t parent_polls;   /* the polls that instance had ended then */
	/* hash chaining */
	struct au_future *hnext;
};

/* What a library future (a FuturesUnordered's Next, a buffer_unordered's
 * Collect) waits on inside, across its polls and across the instances of
 * one await (each `fu.next().await` is a new Next): the instances it left
 * pending, less those that completed since.  Such a future polls only the
 * futures that were woken, often none; the rest still hold it up. */
#define AU_INSIDE 8
struct au_inside {
	int32_t via;             /* the library future's function */
	uint8_t n;
	struct { int32_t func; uint64_t self; } kid[AU_INSIDE];
};

/* Per future function: folded from its instances. */
struct au_future_stats {
	int32_t func;
	uint64_t instances;
	uint64_t polls;
	uint64_t completed;
	uint64_t busy_ns;
	uint64_t wait_ns;
	uint64_t max_poll_ns;
	uint64_t pending_polls, ready_polls, unknown_polls;
	uint64_t off_cpu_ns, blocked_ns; /* of its polls' time */
};

/* A thread off the CPU, from the kernel's context switches. */
struct au_off_cpu {
	uint32_t thread;
	uint64_t start, end;
	bool preempted;          /* it could have run: the CPUs were taken */
	/* it waited for work: inside the runtime's park, or in a block_on
	 * with no poll open (waiting for its future's wake) */
	bool idle;
	bool in_park;            /* inside a park call, whose own time counts it */
	int32_t func;            /* the innermost call open meanwhile, -1 if none */
};

/* How an off-CPU interval adds to a thread's totals; NONE when a park
 * call's own interval counts it already. */
enum au_off_share { AU_OFF_NONE, AU_OFF_PREEMPTED, AU_OFF_BLOCKED, AU_OFF_PARKED };

static inline enum au_off_share au_off_cpu_share(const struct au_off_cpu *o)
{
	if (o->preempted)
		return AU_OFF_PREEMPTED;
	if (!o->idle)
		return AU_OFF_BLOCKED;
	return o->in_park ? AU_OFF_NONE : AU_OFF_PARKED;
}

struct au_model;

struct au_sink;
struct au_sink_ops {
	/* a thread seen for the first time */
	void (*thread)(struct au_sink *s, const struct au_model *m, uint32_t thread);
	/* every completed call, polls included (call->poll set) */
	void (*call)(struct au_sink *s, const struct au_model *m, const struct au_call *call);
	/* a poll, after its call; future's counters already include it */
	void (*poll)(struct au_sink *s, const struct au_model *m, const struct au_poll *poll);
	/* a future instance ended (Ready, or still alive at the end of the trace) */
	void (*future_end)(struct au_sink *s, const struct au_model *m, const struct au_future *f,
			   uint64_t end);
	/* records were lost on a thread */
	void (*lost)(struct au_sink *s, const struct au_model *m, uint32_t thread, uint64_t time,
		     uint64_t count);
	/* a task was spawned (its parent, site and kind are known) */
	void (*task_spawn)(struct au_sink *s, const struct au_model *m, const struct au_task *t);
	/* one poll of a task by the runtime ended; @leaf: no other task
	 * poll ran inside it */
	void (*task_poll)(struct au_sink *s, const struct au_model *m, const struct au_task *t,
			  uint32_t thread, uint64_t start, uint64_t end, bool leaf);
	/* a waker was woken */
	void (*wake)(struct au_sink *s, const struct au_model *m, const struct au_wake *w);
	/* a task was freed, or is still alive at the end of the trace */
	void (*task_end)(struct au_sink *s, const struct au_model *m, const struct au_task *t,
			 uint64_t end);
	/* a thread was off the CPU (struct au_off_cpu) */
	void (*off_cpu)(struct au_sink *s, const struct au_model *m, const struct au_off_cpu *o);
	/* a thread was parked (idle, waiting for work) */
	void (*park)(struct au_sink *s, const struct au_model *m, uint32_t thread, uint64_t start,
		     uint64_t end);
	/* the trace is over; all futures were ended */
	void (*finish)(struct au_sink *s, const struct au_model *m);
};

struct au_sink {
	const struct au_sink_ops *ops;
	struct au_sink *next;
};

/**
 * au_model_new - an empty model over a recording
 * @data: the reader (borrowed)
 * @funcs: classified functions (borrowed)
 *
 * Returns the model; free with au_model_free().
 */
struct au_model *au_model_new(struct au_data *data, const struct au_funcs *funcs);
void au_model_free(struct au_model *m);
/* tokio-metrics' default slow-poll threshold */
#define AU_SLOW_POLL_NS 50000ull
/** A task poll this long or longer counts as slow (0: AU_SLOW_POLL_NS). */
void au_model_set_slow_poll(struct au_model *m, uint64_t ns);
uint64_t au_model_slow_poll(const struct au_model *m);
/** Register @sink; sinks are called in the order they were added. */
void au_model_add_sink(struct au_model *m, struct au_sink *sink);
/** Feed one record (in global time order). */
void au_model_record(struct au_model *m, const struct au_record *rec);
/** End of input: close open frames, end live futures, call finish. */
void au_model_finish(struct au_model *m);

const struct au_data *au_model_data(const struct au_model *m);
const struct au_funcs *au_model_funcs(const struct au_model *m);
/** Per-function future aggregates (only functions that were polled). */
size_t au_model_nr_stats(const struct au_model *m);
const struct au_future_stats *au_model_stats(const struct au_model *m, size_t idx);
uint64_t au_model_first_time(const struct au_model *m);
uint64_t au_model_last_time(const struct au_model *m);
uint64_t au_model_records(const struct au_model *m);
/* the id of the task being polled on @thread now, 0 if none */
uint64_t au_model_thread_task(const struct au_model *m, uint32_t thread);
/* sched-in and sched-out events read (0: the recording has none) */
uint64_t au_model_context_switches(const struct au_model *m);
uint64_t au_model_truncated_calls(const struct au_model *m);
/** The task table (all tasks after au_model_finish()). */
const struct au_tasks *au_model_tasks(const struct au_model *m);
/** Wakes of task pointers that were never spawned or polled in the trace. */
uint64_t au_model_unknown_wakes(const struct au_model *m);
/* What the program did that the recording could not show (after
 * au_model_finish): an optimized build inlines the runtime's functions */
#define AU_UNSEEN_SPAWNS (1u << 0)   /* no task was seen spawned: no parents, spawn sites */
#define AU_UNSEEN_QUEUEING (1u << 1) /* tasks were woken, never queued: no queue counts */
#define AU_UNSEEN_STEALS (1u << 2)   /* workers, and no steal function in the binary */
unsigned au_model_unseen(const struct au_model *m);
/**
 * au_model_panic_outside_task - the program aborted in a panic outside any
 * task's poll (under uftrace a panic cannot unwind): the thread, the
 * panic function it was left in and the program's function that called
 * into it (-1 when none); false when no such panic was seen
 */
bool au_model_panic_outside_task(const struct au_model *m, uint32_t *thread, int32_t *func,
				 int32_t *caller);
/** When task @t, which did not complete, stopped waiting after its last
 *  poll: the end of the recording, or its cancellation (aborted, shut
 *  down); 0 if it completed or was inside a poll at the end. */
uint64_t au_model_left_waiting_until(const struct au_model *m, const struct au_task *t);
/** Readable name of function @func (or "0x<addr>" style for -1). */
const char *au_model_func_name(const struct au_model *m, int32_t func);

#endif /* AU_MODEL_H */
