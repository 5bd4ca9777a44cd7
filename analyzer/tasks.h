/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runtime model: tasks, wakes and worker threads, rebuilt from calls of
 * the runtime functions the symbolizer's tables name (spawn, task poll,
 * wake, complete, drop, park), on any runtime those tables describe.
 *
 * A task is keyed by the runtime's task pointer (the captured argument of
 * those functions) and numbered in spawn order.  Live tasks are in a hash;
 * a dropped task is folded into a compact record for the summary.
 * Definitions follow tokio-metrics (doc/summary.md): busy = inside polls,
 * scheduled = wake to poll, idle = poll end to the next wake.
 */
#ifndef AU_TASKS_H
#define AU_TASKS_H

#include <stdbool.h>
#include <stdint.h>

struct asym_await;

#define AU_AWAIT_INNER 4
/* What a Pending poll was waiting on: the innermost future below it that
 * returned Pending last. */
struct au_await {
	int32_t child_func;      /* -1 if no child poll was seen */
	uint64_t on_task;        /* the task it awaits (a JoinHandle), 0 if none */
	uint64_t held_by;        /* the task holding the lock it waits for, 0 if none */
	const struct asym_await *site; /* matched await point, or NULL */
	/* 0, or how many awaits of the same kind at the same place site is
	 * the likeliest of, by source order: the code's order did not tell */
	uint8_t guessed_among;
	/* When child_func is the library's (a select!'s poll_fn, a join, a
	 * timeout): the futures left pending inside it, what it waits on. */
	int32_t inner[AU_AWAIT_INNER];
	uint8_t nr_inner;
};

enum au_task_kind { AU_TASK_TASK, AU_TASK_BLOCKING, AU_TASK_BLOCK_ON };
enum au_task_outcome {
	AU_OUTCOME_PENDING,      /* still alive at the end of the trace */
	AU_OUTCOME_COMPLETED,
	AU_OUTCOME_ABORTED,
	AU_OUTCOME_DROPPED,      /* freed without completing or an abort seen */
	AU_OUTCOME_PANICKED,     /* its future panicked (or the program aborted in its poll) */
	AU_OUTCOME_SHUT_DOWN,    /* cancelled by its runtime's shutdown before completing */
	AU_OUTCOME_FREED,        /* freed after runs in which no future of it was recorded:
				  * completed or cancelled, the recording cannot tell */
};

#define AU_TASK_ENDED_STACK 8

struct au_task {
	uint64_t id;             /* 1, 2, ... in order of appearance */
	uint64_t ptr;            /* the runtime's task pointer */
	uint64_t parent;         /* id of the spawning task, 0 if none */
	uint64_t runtime_id;     /* the runtime's own id (tokio's task::Id), 0 if none */
	enum au_task_kind kind;
	enum au_task_outcome outcome;
	int32_t root_func;       /* its root future's poll function, -1 unknown */
	uint64_t root_future;    /* and its instance (struct au_future's id) */
	/* The first future polled at the task's own level (the root,
	 * unless a future of the program's own inside it names the task),
	 * and whether that level polls others too: the task's own future
	 * was not recorded (hyper's NewSvcTask polls the program's
	 * make-service future, then the connection), so no future's Ready
	 * is the task's end; the runtime's completion call tells it. */
	uint64_t outer_future;
	bool root_partial;
	/* completed is the root future's Ready, not the runtime's word */
	bool completed_by_root;
	/* its root's last poll: when it ended, and whether it was an
	 * unreadable one (Poll<Output> through memory, neither way known) */
	uint64_t root_last_end;
	bool root_last_unknown;
	int32_t spawn_func;      /* the program's function that spawned it, -1 unknown */
	int32_t runs_func;       /* a blocking-pool task: the program's closure it runs, -1 */
	int32_t spawn_callee;    /* the function spawn_func called to spawn it, -1 unknown */
	int32_t spawned_future;  /* the future its spawn took (from the spawn's
				  * generics), -1 unknown: names a task never polled */
	int32_t poll_func;       /* the runtime's poll function of it, -1 if not
				  * seen: its generics name the task's future */
	uint32_t spawn_thread;
	uint64_t spawned;        /* 0 if spawned before the recording began */
	uint64_t first_poll, last_poll_start, last_poll_end, completed;
	uint64_t ended;          /* when it was freed (or shut down), 0 while alive */
	uint32_t polls;
	uint64_t busy_ns, idle_ns, scheduled_ns, max_wake_to_poll_ns;
	uint64_t max_idle_ns;    /* longest poll end to next wake */
	/* of them, the longest before the wait the recording ended in: how
	 * long a task alive at the end waited as a rule */
	uint64_t max_idle_before_end_ns;
	/* polls of --slow-poll or longer (tokio-metrics' slow polls) */
	uint32_t slow_polls;
	uint64_t slow_poll_ns;
	uint64_t blocked_ns;     /* of busy_ns, its thread blocked off the CPU */
	uint64_t last_poll_parked_ns; /* of its last poll, time in the runtime's park */
	uint32_t wakes, self_wakes, wakes_after_end;
	/* of self_wakes, those tokio's cooperative budget forced */
	uint32_t budget_yields;
	uint64_t woken_at;       /* first wake since its last poll, 0 if none */
	uint32_t woken_thread;   /* where that wake happened */
	uint64_t woken_by;       /* task id that woke it, 0 for a thread */
	/* the task whose wake the running (or last) poll answers: what its
	 * futures' waits ended on; 0 if none, or no other task's poll's (a
	 * timer's or I/O's, from a worker's park; its own) */
	uint64_t woken_by_task, poll_woken_by;
	/* the program's task (not a worker's loop, a blocking one) whose wake
	 * led to its latest poll, and that task's root future (-1 unknown): a
	 * stuck task's likely waker, the one to look at; 0 if none */
	uint64_t last_waker;
	int32_t last_waker_root;
	bool running;
	/* it runs an executor's loop (each of tokio's workers runs inside a
	 * blocking-pool task): other tasks were polled inside its poll, or a
	 * worker's loop began there; not the program's work */
	bool hosts_tasks;
	/* Polls open at once on two threads: tokio queues a task woken during
	 * its poll before raw::poll returns, and another worker can start on
	 * it meanwhile.  The earlier poll ends where the later one begins. */
	uint32_t running_polls;
	uint32_t running_thread;
	uint64_t cut;            /* that start, 0 if none */
	bool aborted;            /* cancelled in its poll (tokio's JoinError::cancelled
				  * there): JoinHandle::abort */
	bool shutdown_cancelled; /* cancelled in a shutdown (its runtime or LocalSet
				  * dropped, JoinError::cancelled in raw::shutdown) */
	bool shut_down;          /* the runtime shut it down (raw::shutdown): a
				  * cancellation, unless it had completed first */
	bool panicked;           /* the runtime caught a panic of its future */
	/* a poll still open when the recording ended (the program was killed,
	 * crashed or exited inside it), and the innermost call then */
	bool ended_in_poll;
	uint64_t ended_blocked_ns; /* of that poll, its thread's time blocked off the CPU */
	uint8_t ended_depth;
	int32_t ended_stack[AU_TASK_ENDED_STACK]; /* innermost calls then, outermost first */
	bool dropped;            /* freed inside its own poll: ends with it */
	bool root_user;          /* root_func is the program's own future */
	/* where it waits: the innermost of its own futures that returned
	 * Pending in its last poll, and that poll's await */
	int32_t await_func;      /* that future's poll function, -1 if none */
	struct au_await await;
	/* locks it holds (addresses), in the order taken: a guard's drop
	 * releases the last */
#define AU_HELD_LOCKS 4
	uint64_t held_locks[AU_HELD_LOCKS];
	uint8_t nr_held_locks;
	bool await_fresh;        /* set during the current poll */
	int64_t wakers;          /* waker clones alive (clone - drop - wake) */
	uint32_t waker_clones, waker_drops; /* tokio-console's waker counts */
	uint32_t sched_local, sched_remote; /* to its worker's queue / the shared one */
	uint32_t stolen_polls;   /* polls after another worker stole it */
	bool stolen;             /* taken by a steal, not yet polled */
	struct au_task *hnext;
};

/* A wake, as the sinks see it. */
struct au_wake {
	const struct au_task *task;  /* woken */
	uint64_t time;
	uint32_t thread;             /* where wake ran */
	uint64_t waker;              /* task id that called wake, 0 for a thread */
	bool by_ref;
	bool self;
	bool budget;                 /* a self-wake the runtime's budget forced */
};

#endif /* AU_TASKS_H */

struct au_tasks;

/** A new empty task table; free with au_tasks_free(). */
struct au_tasks *au_tasks_new(void);
void au_tasks_free(struct au_tasks *ts);
/** The live task of runtime pointer @ptr (or of an alias of it), or NULL. */
struct au_task *au_tasks_find(struct au_tasks *ts, uint64_t ptr);
/** The live task whose own pointer is @ptr (aliases not followed), or NULL. */
struct au_task *au_tasks_get(struct au_tasks *ts, uint64_t ptr);
/** Make @alias another pointer of the task whose pointer is @ptr (a
 *  runtime whose wakers carry a pointer other than the one that names the
 *  task, as futures' executors do); a newer alias replaces an older one. */
void au_tasks_alias(struct au_tasks *ts, uint64_t alias, uint64_t ptr);
/** A new live task (a task pointer seen for the first time, or spawned). */
struct au_task *au_tasks_add(struct au_tasks *ts, uint64_t ptr, uint64_t time);
/** Remove a live task: its final state is kept for the summary. */
void au_tasks_remove(struct au_tasks *ts, struct au_task *t);
/** All tasks, removed ones first, in removal order; then call with
 *  @live true for the ones still alive, in id order. */
size_t au_tasks_count(const struct au_tasks *ts);
const struct au_task *au_tasks_at(const struct au_tasks *ts, size_t idx);
/** Every task, live and removed, indexed by id (NULL where none has that
 *  id): an array of *@nr entries, to free(); the tasks stay the table's. */
const struct au_task **au_tasks_by_id(const struct au_tasks *ts, size_t *nr);
/** Move every live task to the finished list (end of the trace). */
void au_tasks_finish(struct au_tasks *ts, void (*each)(struct au_task *t, void *arg), void *arg);
/** Tasks currently woken and not yet polled, and alive. */
uint64_t au_tasks_runnable(const struct au_tasks *ts);
uint64_t au_tasks_live(const struct au_tasks *ts);
void au_tasks_runnable_add(struct au_tasks *ts, int delta);
