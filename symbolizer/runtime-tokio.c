// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tokio 1.x (checked against 1.24.2).  Tasks are identified by their
 * header pointer: the argument of the raw vtable functions
 * (runtime/task/raw.rs) and the data pointer of their wakers
 * (runtime/task/waker.rs), and the value RawTask::new returns.
 */
#include "runtime.h"

static const char *const crates[] = { "tokio", "mio", NULL };

#define E(how, pat, role, flags, arg) { ASYM_MATCH_##how, pat, ASYM_ROLE_##role, flags, arg }

static const struct asym_runtime_entry entries[] = {
	E(EXACT, "tokio::runtime::task::raw::poll", TASK_POLL, 0, 1),
	E(EXACT, "<tokio::runtime::task::raw::RawTask>::new", SPAWN, 0, ASYM_TASK_RETVAL),
	/* every spawn takes its task::Id from here first (task/spawn.rs,
	 * blocking/pool.rs, task/local.rs): the id JoinError prints */
	E(EXACT, "<tokio::runtime::task::id::Id>::next", NONE, ASYM_F_TASK_ID, ASYM_TASK_RETVAL),
	/* multi-thread: where a scheduled task goes, and work stealing.
	 * (raw::schedule, which calls schedule_task, adds nothing to it; on
	 * the current-thread scheduler every task is local.) */
	E(EXACT, "<tokio::runtime::scheduler::multi_thread::handle::Handle>::schedule_task", SCHEDULE,
	  ASYM_F_SCHEDULE_INFER_LOCAL, 2),
	E(EXACT, "<tokio::runtime::scheduler::multi_thread::handle::Handle>::schedule_local", NONE,
	  ASYM_F_SCHEDULE_LOCAL, 0),
	E(EXACT, "<tokio::runtime::task::inject::Inject>::push", NONE, ASYM_F_SCHEDULE_REMOTE, 0),
	E(EXACT, "<tokio::runtime::scheduler::multi_thread::worker::Core>::steal_work", NONE,
	  ASYM_F_STEAL, ASYM_TASK_RETVAL),
	E(EXACT, "tokio::runtime::task::raw::dealloc", TASK_DROP, 0, 1),
	/* JoinHandle::poll reads the output of the task it awaits */
	E(EXACT, "tokio::runtime::task::raw::try_read_output", NONE, ASYM_F_JOIN, 1),
	E(EXACT, "tokio::runtime::task::raw::shutdown", TASK_ABORT, 0, 1),
	E(EXACT, "<tokio::runtime::task::harness::Harness>::complete", TASK_COMPLETE, 0, 1),
	/* harness.rs: a panic caught while polling (poll_future) or dropping
	 * (cancel_task) the future becomes the JoinHandle's error; the task
	 * is the one polled or shut down around this call */
	E(EXACT, "<tokio::runtime::task::error::JoinError>::panic", TASK_PANIC, 0, 0),
	/* and a cancellation (JoinHandle::abort, seen by the task's next
	 * poll, or the runtime's shutdown): the task then still "completes" */
	E(EXACT, "<tokio::runtime::task::error::JoinError>::cancelled", TASK_ABORT, 0, 0),
	/* sync/mutex.rs, sync/rwlock.rs: a lock taken (its future made) and
	 * released (its guard dropped), for who holds the lock a task waits
	 * on; the semaphore underneath also carries channels' messages,
	 * which would cost a recorded call each.  These return the future
	 * (over 16 bytes) through memory: arg1 is where, arg2 the lock. */
	E(EXACT, "<tokio::sync::mutex::Mutex>::lock", NONE, ASYM_F_LOCK, 2),
	E(EXACT, "<tokio::sync::rwlock::RwLock>::read", NONE, ASYM_F_LOCK, 2),
	E(EXACT, "<tokio::sync::rwlock::RwLock>::write", NONE, ASYM_F_LOCK, 2),
	/* a Semaphore's permit is held like a lock (several at once: the
	 * last taker is named) */
	E(EXACT, "<tokio::sync::semaphore::Semaphore>::acquire", NONE, ASYM_F_LOCK, 2),
	E(EXACT, "<tokio::sync::semaphore::Semaphore>::acquire_many", NONE, ASYM_F_LOCK, 2),
	/* the same taken through an Arc, the guard owning it */
	E(EXACT, "<tokio::sync::mutex::Mutex>::lock_owned", NONE, ASYM_F_LOCK | ASYM_F_LOCK_ARC, 2),
	E(EXACT, "<tokio::sync::rwlock::RwLock>::read_owned", NONE, ASYM_F_LOCK | ASYM_F_LOCK_ARC, 2),
	E(EXACT, "<tokio::sync::rwlock::RwLock>::write_owned", NONE, ASYM_F_LOCK | ASYM_F_LOCK_ARC,
	  2),
	E(EXACT, "<tokio::sync::semaphore::Semaphore>::acquire_owned", NONE,
	  ASYM_F_LOCK | ASYM_F_LOCK_ARC, 2),
	E(EXACT, "<tokio::sync::semaphore::Semaphore>::acquire_many_owned", NONE,
	  ASYM_F_LOCK | ASYM_F_LOCK_ARC, 2),
	E(EXACT, "<tokio::sync::semaphore::OwnedSemaphorePermit as core::ops::drop::Drop>::drop",
	  NONE, ASYM_F_UNLOCK, 0),
	E(EXACT, "<tokio::sync::mutex::OwnedMutexGuard as core::ops::drop::Drop>::drop", NONE,
	  ASYM_F_UNLOCK, 0),
	E(EXACT,
	  "<tokio::sync::rwlock::owned_read_guard::OwnedRwLockReadGuard as core::ops::drop::Drop>::drop",
	  NONE, ASYM_F_UNLOCK, 0),
	E(EXACT,
	  "<tokio::sync::rwlock::owned_write_guard::OwnedRwLockWriteGuard as core::ops::drop::Drop>::drop",
	  NONE, ASYM_F_UNLOCK, 0),
	E(EXACT, "<tokio::sync::semaphore::SemaphorePermit as core::ops::drop::Drop>::drop", NONE,
	  ASYM_F_UNLOCK, 0),
	E(EXACT, "<tokio::sync::mutex::MutexGuard as core::ops::drop::Drop>::drop", NONE,
	  ASYM_F_UNLOCK, 0),
	E(EXACT, "<tokio::sync::rwlock::read_guard::RwLockReadGuard as core::ops::drop::Drop>::drop",
	  NONE, ASYM_F_UNLOCK, 0),
	E(EXACT,
	  "<tokio::sync::rwlock::write_guard::RwLockWriteGuard as core::ops::drop::Drop>::drop",
	  NONE, ASYM_F_UNLOCK, 0),
	/* timers (time/sleep.rs, interval.rs, timeout.rs): sleep, sleep_until,
	 * an interval's tick (an async fn: its body's poll too), a timeout */
	E(EXACT, "<tokio::time::sleep::Sleep as core::future::future::Future>::poll", NONE,
	  ASYM_F_TIMER, 0),
	E(PREFIX, "<tokio::time::interval::Interval>::tick", NONE, ASYM_F_TIMER, 0),
	E(EXACT, "<tokio::time::timeout::Timeout as core::future::future::Future>::poll", NONE,
	  ASYM_F_TIMER, 0),
	/* I/O: AsyncReadExt/AsyncWriteExt futures and lines, the net types'
	 * async fns (accept, connect, recv, readable...), their readiness,
	 * a child's wait, signals */
	E(PREFIX, "<tokio::io::util::", NONE, ASYM_F_IO, 0),
	E(PREFIX, "tokio::io::util::", NONE, ASYM_F_IO, 0),  /* copy, copy_bidirectional */
	E(PREFIX, "<tokio::net::", NONE, ASYM_F_IO, 0),
	E(PREFIX, "tokio::net::", NONE, ASYM_F_IO, 0),       /* lookup_host */
	E(EXACT, "<tokio::runtime::io::scheduled_io::Readiness as core::future::future::Future>::poll",
	  NONE, ASYM_F_IO, 0),
	E(PREFIX, "<tokio::process::Child>::wait", NONE, ASYM_F_IO, 0),
	E(PREFIX, "<tokio::process::Command>::status", NONE, ASYM_F_IO, 0),
	E(PREFIX, "<tokio::process::Command>::output", NONE, ASYM_F_IO, 0),
	E(PREFIX, "tokio::signal::", NONE, ASYM_F_IO, 0),
	E(PREFIX, "<tokio::signal::", NONE, ASYM_F_IO, 0),
	/* bounded channels (sync/mpsc): a channel is named by its semaphore's
	 * wait list, whose lock (the second table: one instance of a generic)
	 * a receive takes to free a slot, and a send to wait for one */
	E(PREFIX, "<tokio::sync::mpsc::bounded::Receiver>::recv", NONE, ASYM_F_CHAN_RECV, 0),
	E(PREFIX, "<tokio::sync::mpsc::bounded::Receiver>::poll_recv", NONE, ASYM_F_CHAN_RECV, 0),
	E(PREFIX, "<tokio::sync::mpsc::bounded::Sender>::send", NONE, ASYM_F_CHAN_SEND, 0),
	E(PREFIX, "<tokio::sync::mpsc::bounded::Sender>::reserve", NONE, ASYM_F_CHAN_SEND, 0),
	E(EXACT, "tokio::task::blocking::block_in_place", NONE, ASYM_F_BLOCK_IN_PLACE, 0),
	E(EXACT, "tokio::runtime::scheduler::multi_thread::worker::block_in_place", NONE,
	  ASYM_F_BLOCK_IN_PLACE, 0),
	E(EXACT, "tokio::runtime::task::waker::wake_by_val", WAKE, 0, 1),
	E(EXACT, "tokio::runtime::task::waker::wake_by_ref", WAKE_BY_REF, 0, 1),
	E(EXACT, "tokio::runtime::task::waker::clone_waker", WAKER_CLONE, 0, 1),
	E(EXACT, "tokio::runtime::task::waker::drop_waker", WAKER_DROP, 0, 1),
	/* a task out of budget wakes itself here and yields (runtime/coop.rs;
	 * task/coop from tokio 1.44) */
	E(EXACT, "tokio::runtime::coop::poll_proceed", NONE, ASYM_F_COOP_BUDGET, 0),
	E(EXACT, "tokio::task::coop::poll_proceed", NONE, ASYM_F_COOP_BUDGET, 0),
	/* yield_now defers its own wake until the scheduler runs this */
	E(EXACT, "<tokio::runtime::defer::Defer>::wake", NONE, ASYM_F_DEFERRED_WAKE, 0),
	E(EXACT, "<tokio::runtime::blocking::pool::Spawner>::spawn_blocking", SPAWN_BLOCKING, 0, 0),
	E(EXACT, "<tokio::runtime::runtime::Runtime>::block_on", BLOCK_ON, 0, 0),
	/* from a thread of the program's own, outside the runtime */
	E(EXACT, "<tokio::runtime::handle::Handle>::block_on", BLOCK_ON, 0, 0),
	/* where a multi-thread runtime's block_on waits (runtime/park.rs) */
	E(EXACT, "<tokio::runtime::park::CachedParkThread>::park", PARK, 0, 0),
	E(EXACT, "<tokio::runtime::park::CachedParkThread>::park_timeout", PARK, 0, 0),
	/* ...on its thread's parker, whose unpark is what block_on's waker
	 * does: a wake of the block_on task by the caller's task */
	E(EXACT, "<tokio::runtime::park::Inner>::park", NONE, ASYM_F_THREAD_PARKER, 1),
	E(EXACT, "<tokio::runtime::park::Inner>::park_timeout", NONE, ASYM_F_THREAD_PARKER, 1),
	E(EXACT, "<tokio::runtime::park::Inner>::unpark", WAKE_BY_REF, ASYM_F_THREAD_PARKER, 1),
	E(EXACT, "<tokio::runtime::scheduler::multi_thread::park::Parker>::park", PARK, 0, 0),
	E(EXACT, "<tokio::runtime::scheduler::multi_thread::park::Parker>::park_timeout", PARK, 0,
	  0),
	E(EXACT, "<tokio::runtime::scheduler::multi_thread::park::Unparker>::unpark", UNPARK, 0,
	  0),
	E(EXACT, "<tokio::runtime::scheduler::current_thread::Context>::park", PARK, 0, 0),
	E(EXACT, "<tokio::runtime::scheduler::current_thread::Context>::park_yield", PARK, 0, 0),
	E(EXACT, "tokio::runtime::scheduler::multi_thread::worker::run", WORKER_START, 0, 0),
};

const struct asym_runtime_table asym_runtime_tokio = ASYM_TABLE("tokio", crates, entries);

static const struct asym_runtime_entry full_entries[] = {
	/* a semaphore's wait list lock (batch_semaphore.rs): every release
	 * takes it, an acquire only when it has to wait */
	E(PREFIX, "<tokio::loom::std::mutex::Mutex<tokio::sync::batch_semaphore::Waitlist>>::lock",
	  NONE, ASYM_F_CHAN_WAITLIST, 1),
};

const struct asym_runtime_table asym_runtime_tokio_full_names =
	ASYM_TABLE("tokio", crates, full_entries);
