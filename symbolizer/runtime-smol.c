// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smol 1.x: async-executor (tasks are async_task tasks, see
 * runtime-async-std.c), async-io (reactor, timers, block_on), blocking.
 */
#include "runtime.h"

static const char *const crates[] = { "smol", "async_io", "blocking", "polling", "async_lock",
				       NULL };

#define E(how, pat, role, flags, arg) { ASYM_MATCH_##how, pat, ASYM_ROLE_##role, flags, arg }

static const struct asym_runtime_entry entries[] = {
	E(EXACT, "async_io::driver::block_on", BLOCK_ON, 0, 0),
	E(EXACT, "blocking::unblock", SPAWN_BLOCKING, 0, 0),
	/* Where async-io's block_on (smol's and async-std's executor threads,
	 * and the async-io thread) waits when no task is runnable: parked on
	 * its Parker, or in the reactor's epoll as the thread driving it. */
	E(EXACT, "<parking::Parker>::park", PARK, 0, 0),
	E(EXACT, "<parking::Parker>::park_timeout", PARK, 0, 0),
	E(EXACT, "<async_io::reactor::ReactorLock>::react", PARK, 0, 0),
	/* the async-io thread's loop: parks and reacts, polls no task */
	E(EXACT, "async_io::driver::main_loop", NONE, ASYM_F_DRIVER_LOOP, 0),
	/* the timer under smol's and async-std's sleeps and timeouts */
	E(EXACT, "<async_io::Timer as core::future::future::Future>::poll", NONE, ASYM_F_TIMER, 0),
	/* async-lock (async-std's and smol's locks): as tokio's, a lock's
	 * async fn gets its future's address (arg1) and the lock (arg2);
	 * dropping its guard releases it */
	E(EXACT, "<async_lock::mutex::Mutex>::lock", NONE, ASYM_F_LOCK, 2),
	E(EXACT, "<async_lock::rwlock::RwLock>::read", NONE, ASYM_F_LOCK, 2),
	E(EXACT, "<async_lock::rwlock::RwLock>::upgradable_read", NONE, ASYM_F_LOCK, 2),
	E(EXACT, "<async_lock::rwlock::RwLock>::write", NONE, ASYM_F_LOCK, 2),
	E(EXACT, "<async_lock::semaphore::Semaphore>::acquire", NONE, ASYM_F_LOCK, 2),
	E(EXACT, "<async_lock::mutex::MutexGuard as core::ops::drop::Drop>::drop", NONE,
	  ASYM_F_UNLOCK, 0),
	E(EXACT, "<async_lock::rwlock::RwLockReadGuard as core::ops::drop::Drop>::drop", NONE,
	  ASYM_F_UNLOCK, 0),
	E(EXACT, "<async_lock::rwlock::RwLockWriteGuardInner as core::ops::drop::Drop>::drop", NONE,
	  ASYM_F_UNLOCK, 0),
	E(EXACT, "<async_lock::semaphore::SemaphoreGuard as core::ops::drop::Drop>::drop", NONE,
	  ASYM_F_UNLOCK, 0),
	/* I/O on an async-io source: readable, writable, read_with... */
	E(PREFIX, "<async_io::Async", NONE, ASYM_F_IO, 0),
};

const struct asym_runtime_table asym_runtime_smol = ASYM_TABLE("smol", crates, entries);
