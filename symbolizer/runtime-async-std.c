// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * async-std 1.12 on async-global-executor / async-executor / async-task
 * 4.x.  Tasks are identified by the raw task pointer: the argument of
 * async_task's RawTask functions and the data pointer of its wakers.
 */
#include "runtime.h"

static const char *const crates[] = {
	"async_std", "async_task", "async_executor", "async_global_executor", NULL,
};

#define E(how, pat, role, flags, arg) { ASYM_MATCH_##how, pat, ASYM_ROLE_##role, flags, arg }

static const struct asym_runtime_entry entries[] = {
	E(EXACT, "<async_task::raw::RawTask>::run", TASK_POLL, 0, 1),
	E(EXACT, "<async_task::raw::RawTask>::allocate", SPAWN, 0, ASYM_TASK_RETVAL),
	/* Builder::spawn names the task (task::current().id()) before
	 * async-global-executor allocates it */
	E(EXACT, "<async_std::task::task_id::TaskId>::generate", NONE, ASYM_F_TASK_ID,
	  ASYM_TASK_RETVAL),
	E(EXACT, "<async_task::raw::RawTask>::wake", WAKE, 0, 1),
	E(EXACT, "<async_task::raw::RawTask>::wake_by_ref", WAKE_BY_REF, 0, 1),
	E(EXACT, "<async_task::raw::RawTask>::clone_waker", WAKER_CLONE, 0, 1),
	E(EXACT, "<async_task::raw::RawTask>::drop_waker", WAKER_DROP, 0, 1),
	E(EXACT, "<async_task::raw::RawTask>::schedule", SCHEDULE, 0, 1),
	E(EXACT, "<async_task::raw::RawTask>::destroy", TASK_DROP, 0, 1),
	/* a Task (JoinHandle) poll that must wait registers its waker in the
	 * awaited task's header, the start of the task's allocation */
	E(EXACT, "<async_task::header::Header>::register", NONE, ASYM_F_JOIN, 1),
	E(EXACT, "async_std::task::block_on::block_on", BLOCK_ON, 0, 0),
	/* timers: task::sleep, future::timeout, io::timeout (async-io's
	 * Timer underneath, runtime-smol.c) */
	E(PREFIX, "async_std::task::sleep::sleep", NONE, ASYM_F_TIMER, 0),
	E(EXACT, "<async_std::future::timeout::TimeoutFuture as core::future::future::Future>::poll",
	  NONE, ASYM_F_TIMER, 0),
	E(PREFIX, "async_std::future::timeout::timeout", NONE, ASYM_F_TIMER, 0),
	E(EXACT, "<async_std::io::timeout::Timeout as core::future::future::Future>::poll", NONE,
	  ASYM_F_TIMER, 0),
	E(PREFIX, "async_std::io::timeout::timeout", NONE, ASYM_F_TIMER, 0),
	/* I/O: the net types' async fns (accept, connect, recv...) */
	E(PREFIX, "<async_std::net::", NONE, ASYM_F_IO, 0),
	/* async-executor 1.5 (async-std, smol): a scheduled task always goes
	 * to the executor's shared queue (lib.rs schedule(): "TODO: push into
	 * the current local queue"); runners move batches of them to their
	 * own queues and steal from each other's without per-task calls */
	E(EXACT, "<async_executor::Executor>::schedule::{closure#0}", NONE, ASYM_F_SCHEDULE_REMOTE, 2),
	E(EXACT, "<async_executor::LocalExecutor>::schedule::{closure#0}", NONE,
	  ASYM_F_SCHEDULE_REMOTE, 2),
};

const struct asym_runtime_table asym_runtime_async_std =
	ASYM_TABLE("async-std", crates, entries);
