/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each thread did lately: its last task polls, parks and times off
 * the CPU, in bounded rings, so that a late poll can be explained by what
 * its worker was doing between the wake and the poll (diagnose.c).
 * Memory is per thread and bounded, not per record.
 */
#ifndef AU_THREAD_HISTORY_H
#define AU_THREAD_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

enum au_hist_kind {
	AU_HIST_POLL,       /* a task poll (innermost) */
	AU_HIST_PARK,       /* parked by the runtime (idle) */
	AU_HIST_PREEMPTED,  /* off the CPU, preempted */
	AU_HIST_BLOCKED,    /* off the CPU, waiting in the kernel */
	AU_HIST_NR
};

struct au_hist;

/* How a thread spent [from, to): overlap with each kind of interval. */
struct au_hist_sums {
	uint64_t ns[AU_HIST_NR];
	bool partial[AU_HIST_NR];   /* older intervals fell out of the ring */
	/* the task poll with the most time in the window: its task, root
	 * future function and whole length */
	uint64_t longest_task, longest_ns, longest_dur;
	int32_t longest_root;
};

struct au_hist *au_hist_new(void);
void au_hist_free(struct au_hist *h);
/** Note that @thread spent [start, end) so; polls also name their task
 *  and its root future function. */
void au_hist_add(struct au_hist *h, uint32_t thread, enum au_hist_kind kind, uint64_t start,
		 uint64_t end, uint64_t task, int32_t root);
/** Sum what @thread did in [from, to), leaving out task @skip's polls. */
void au_hist_sum(const struct au_hist *h, uint32_t thread, uint64_t from, uint64_t to,
		 uint64_t skip, struct au_hist_sums *out);

#endif /* AU_THREAD_HISTORY_H */
