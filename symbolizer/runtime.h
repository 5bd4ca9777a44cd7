/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime knowledge as data: one table per runtime (runtime-*.c) mapping
 * function names to roles.
 *
 * Matching: a name is compared with its generic arguments removed
 * ("tokio::runtime::task::raw::poll::<F, S>" is matched as
 * "tokio::runtime::task::raw::poll"); an entry matches when it equals that
 * path (ASYM_MATCH_EXACT), starts it (ASYM_MATCH_PREFIX) or occurs in it
 * (ASYM_MATCH_CONTAINS).  The first matching entry of the first table wins.
 */
#ifndef ASYM_RUNTIME_H
#define ASYM_RUNTIME_H

#include <stdbool.h>

#include "asym.h"

/* task_arg: which captured value identifies the task */
#define ASYM_TASK_NONE 0     /* none */
#define ASYM_TASK_RETVAL (-1) /* the return value (a constructor) */
/* 1..6: argN */

enum asym_match { ASYM_MATCH_EXACT, ASYM_MATCH_PREFIX, ASYM_MATCH_CONTAINS };

struct asym_runtime_entry {
	enum asym_match how;
	const char *pattern;
	enum asym_role role;
	unsigned flags;
	int task_arg;
};

struct asym_runtime_table {
	const char *runtime;                  /* "tokio" */
	const char *const *crates;            /* crates that belong to it, NULL-ended */
	const struct asym_runtime_entry *entries;
	unsigned nr_entries;
};

extern const struct asym_runtime_table asym_runtime_tokio;
extern const struct asym_runtime_table asym_runtime_async_std;
extern const struct asym_runtime_table asym_runtime_smol;
extern const struct asym_runtime_table asym_runtime_futures;
extern const struct asym_runtime_table asym_runtime_std;
/* Entries matched against the whole demangled name, generic arguments
 * included (ASYM_MATCH_PREFIX or ASYM_MATCH_CONTAINS): one instance of a
 * generic function
 * ("<alloc::sync::Arc<futures_executor::thread_pool::WakeHandle>>::as_ptr").
 * classify.c applies them after the tables. */
extern const struct asym_runtime_table asym_runtime_full_names;
extern const struct asym_runtime_table asym_runtime_tokio_full_names;

struct asym_runtime_match {
	enum asym_role role;
	unsigned flags;
	const char *runtime;
	int task_arg;
};

/**
 * asym_runtime_classify - look a function up in the runtime tables
 * @name: demangled, crate hashes removed
 * @m: filled when it matches
 *
 * Returns true when an entry matched.
 */
bool asym_runtime_classify(const char *name, struct asym_runtime_match *m);
/** The runtime a crate belongs to ("tokio" for "tokio"), or NULL. */
const char *asym_runtime_of_crate(const char *crate);

#define ASYM_TABLE(rt, crates_, entries_)                                      \
	{ .runtime = rt, .crates = crates_, .entries = entries_,                \
	  .nr_entries = sizeof(entries_) / sizeof(entries_[0]) }

#endif /* ASYM_RUNTIME_H */
