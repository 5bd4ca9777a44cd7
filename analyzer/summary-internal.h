/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the summary sink collects, shared by the summary JSON and the report.
 */
#ifndef AU_SUMMARY_INTERNAL_H
#define AU_SUMMARY_INTERNAL_H

#include "model.h"

#define AU_TOP_WAITS 10
#define AU_TOP_POLLS 10

/* A future's entry in the summary: instances of functions that share a
 * label (generic copies of one async fn) are merged. */
struct au_sum_future {
	const char *name;        /* label */
	const struct au_funcinfo *fi; /* first function seen with that label */
	uint64_t instances, polls, completed, busy_ns, wait_ns, max_poll_ns;
	uint64_t off_cpu_ns, blocked_ns;
};

struct au_sum_thread {
	uint64_t polls;          /* outermost polls */
	uint64_t busy_ns;        /* time inside outermost polls */
	uint64_t lost;
	uint64_t parked_ns;      /* inside the runtime's park */
	uint64_t parks;          /* times it parked */
	/* off the CPU (context switches): preempted; blocked outside the park */
	uint64_t preempted_ns, blocked_ns;
	uint64_t task_polls, blocking_polls; /* runtime polls of tasks by kind */
	uint64_t task_busy_ns;   /* inside innermost task polls */
	uint64_t wakes;          /* wakes called on this thread */
	bool worker;             /* ran the runtime's worker loop */
	/* called tokio's block_on (Runtime's or a Handle's): its parks are
	 * block_on's, no worker's, unless it polls tasks too */
	bool tokio_block_on;
	/* it ran the runtime's driver loop (async-io's thread): no worker */
	bool driver;
};

/* One wait or poll remembered for "longest" lists. */
struct au_sum_span {
	int32_t func;
	uint64_t task;           /* the future's task, 0 if none */
	uint64_t instance;
	uint64_t start, dur;
	uint32_t thread;
	struct au_await await;
	bool still_waiting;      /* a wait the recording (or its task) ended in */
	uint64_t woken_by;       /* waits: the task whose wake ended it, 0 if none */
};

/* Wake-to-poll delays: a log-linear histogram (8 steps per power of two,
 * so a percentile is within 1/8 of its value) and the exact maximum. */
#define AU_DELAY_BUCKETS (64 * 8)
struct au_delays {
	uint64_t count, max;
	uint32_t buckets[AU_DELAY_BUCKETS];
};

struct au_summary {
	struct au_sink sink;
	struct au_delays delays;
	struct au_sum_thread *threads;
	size_t nr_threads;
	struct au_sum_span waits[AU_TOP_WAITS];
	size_t nr_waits;
	struct au_sum_span polls[AU_TOP_POLLS];
	size_t nr_polls;
	struct au_sum_future *futures; /* filled by au_summary_futures() */
	size_t nr_futures;
};

/** The @pct percentile (0..100) of the wake-to-poll delays, in ns. */
uint64_t au_delays_percentile(const struct au_delays *d, double pct);

/** Merge the model's per-function stats by label, busiest first. */
void au_summary_futures(struct au_summary *sum, const struct au_model *m);
const char *au_summary_kind(const struct au_funcinfo *fi);
uint64_t au_summary_thread_busy(const struct au_sum_thread *t);

/* The worker threads' totals (summary "workers"). */
struct au_workers {
	uint64_t count, polls, busy_ns, min_busy_ns, max_busy_ns;
	uint64_t parks, min_parks, max_parks;
	uint64_t local_schedules, remote_schedules, stolen_polls;
	uint64_t budget_yields;    /* self-wakes tokio's coop budget forced, all tasks */
};
void au_summary_workers(struct au_summary *sum, const struct au_model *m, struct au_workers *out);
const char *au_summary_thread_role(const struct au_thread *th, const struct au_sum_thread *t);
/** A task's label: its root future, "block_on", or NULL. */
const char *au_summary_task_name(const struct au_model *m, const struct au_task *t);

#endif /* AU_SUMMARY_INTERNAL_H */
