/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostics: what Barbara found by hand, found for her.  A sink that
 * watches polls, wakes and tasks and keeps a short list of findings, most
 * severe first (doc/summary.md lists the kinds and their rules).
 */
#ifndef AU_DIAGNOSE_H
#define AU_DIAGNOSE_H

#include <stdint.h>

#include "model.h"

#define AU_DIAG_KINDS                                                          \
	_DK(DEADLOCK, "deadlock")                                              \
	_DK(LOST_WAKE, "lost_wake")                                            \
	_DK(NEVER_COMPLETED, "never_completed")                                \
	_DK(LONG_POLL, "long_poll")                                            \
	_DK(BLOCKING_CALL, "blocking_call")                                    \
	_DK(WAKE_DELAY, "wake_delay")                                          \
	_DK(SELF_WAKE_HEAVY, "self_wake_heavy")                                \
	_DK(LARGE_FUTURE, "large_future")

#define _DK(k, s) AU_DIAG_##k,
enum au_diag_kind { AU_DIAG_KINDS AU_DIAG_NR };
#undef _DK

const char *au_diag_kind_name(enum au_diag_kind kind);

#define AU_DIAG_STACK 24

struct au_diag {
	enum au_diag_kind kind;
	uint64_t task;               /* task id, 0 if none */
	const char *future;          /* label, or NULL */
	uint64_t ts, dur;
	const struct asym_await *await;
	uint64_t on_task;            /* the task awaited there (a JoinHandle), 0 if none */
	uint64_t held_by;            /* the task holding the lock awaited there, 0 if none */
	/* never_completed: the stuck tasks it is blocked behind, nearest
	 * first, through JoinHandles and locks, to one stuck on something
	 * else (the cause); none in a cycle (the deadlock's) */
#define AU_DIAG_BEHIND 8
	uint64_t behind[AU_DIAG_BEHIND];
	unsigned nr_behind;
	/* never_completed of a stuck task: the program's task whose wake led
	 * to its latest poll (its likely waker), 0 if none */
	uint64_t last_waker;
	/* what the library future awaited there waits on inside (a select!'s
	 * branches, a FuturesUnordered's futures): functions */
	int32_t inner[AU_AWAIT_INNER];
	unsigned nr_inner;
	int32_t stack[AU_DIAG_STACK]; /* functions, outermost first */
	unsigned stack_len;
	int64_t thread;              /* thread index, -1 if none */
	const char *detail;          /* blocking_call: the blocking function */
	bool nested_executor;        /* blocking_call: an executor's block_on */
	uint64_t count, total;       /* blocking_call: calls and their total time */
	char *message;               /* one sentence a person can act on */
};

struct au_diag_opts {
	uint64_t long_poll_ns;       /* default 1 ms */
	uint64_t wake_delay_ns;      /* default 1 ms */
	uint64_t large_future_bytes; /* default 2048 */
};

/** A diagnostics sink; free with au_diagnose_free(). */
struct au_sink *au_diagnose_new(const struct au_diag_opts *opts);
void au_diagnose_free(struct au_sink *sink);
/** After au_model_finish(): the findings, most severe first. */
size_t au_diagnose_count(const struct au_sink *sink);
const struct au_diag *au_diagnose_at(const struct au_sink *sink, size_t idx);

#endif /* AU_DIAGNOSE_H */
