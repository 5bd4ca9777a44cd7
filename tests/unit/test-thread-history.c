// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-thread history of polls, parks and off-CPU times (thread-history.c):
 * the window sums that explain a late poll (diagnose.c's wake_delay).
 */
#include <stdlib.h>

#include "thread-history.h"
#include "unittest.h"

TEST(window_sums_overlaps_by_kind)
{
	struct au_hist *h = au_hist_new();
	struct au_hist_sums s;

	/* thread 1: task 7 polls [100, 200), parked [200, 500), preempted
	 * [500, 560), task 8 polls [560, 900) */
	au_hist_add(h, 1, AU_HIST_POLL, 100, 200, 7, 3);
	au_hist_add(h, 1, AU_HIST_PARK, 200, 500, 0, -1);
	au_hist_add(h, 1, AU_HIST_PREEMPTED, 500, 560, 0, -1);
	au_hist_add(h, 1, AU_HIST_POLL, 560, 900, 8, 4);
	au_hist_sum(h, 1, 150, 700, 99, &s);
	TEST_EQ(s.ns[AU_HIST_POLL], 50 + 140);
	TEST_EQ(s.ns[AU_HIST_PARK], 300);
	TEST_EQ(s.ns[AU_HIST_PREEMPTED], 60);
	TEST_EQ(s.ns[AU_HIST_BLOCKED], 0);
	/* the poll with most time in the window, and its whole length */
	TEST_EQ(s.longest_task, 8);
	TEST_EQ(s.longest_root, 4);
	TEST_EQ(s.longest_ns, 140);
	TEST_EQ(s.longest_dur, 340);
	TEST_TRUE(!s.partial[AU_HIST_POLL]);
	/* the woken task's own polls do not explain its delay */
	au_hist_sum(h, 1, 150, 700, 8, &s);
	TEST_EQ(s.ns[AU_HIST_POLL], 50);
	TEST_EQ(s.longest_task, 7);
	/* another thread, an empty window */
	au_hist_sum(h, 2, 0, 1000, 0, &s);
	TEST_EQ(s.ns[AU_HIST_POLL] + s.ns[AU_HIST_PARK], 0);
	au_hist_sum(h, 1, 700, 700, 0, &s);
	TEST_EQ(s.ns[AU_HIST_POLL], 0);
	au_hist_free(h);
	return TEST_OK;
}

TEST(a_full_ring_says_its_sum_is_partial)
{
	struct au_hist *h = au_hist_new();
	struct au_hist_sums s;

	/* 5,000 polls of 10 ns back to back: more than the ring holds */
	for (uint64_t i = 0; i < 5000; i++)
		au_hist_add(h, 0, AU_HIST_POLL, i * 10, i * 10 + 10, 1 + i % 3, 0);
	au_hist_sum(h, 0, 0, 50000, 0, &s);
	TEST_TRUE(s.partial[AU_HIST_POLL]);
	TEST_TRUE(s.ns[AU_HIST_POLL] > 0 && s.ns[AU_HIST_POLL] < 50000);
	/* a window inside what the ring holds is exact */
	au_hist_sum(h, 0, 49000, 50000, 0, &s);
	TEST_TRUE(!s.partial[AU_HIST_POLL]);
	TEST_EQ(s.ns[AU_HIST_POLL], 1000);
	au_hist_free(h);
	return TEST_OK;
}

TEST_MAIN()
