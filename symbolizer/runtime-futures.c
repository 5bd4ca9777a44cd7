// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * futures 0.3 (checked against futures-executor/-util/-task 0.3.21):
 * executors (block_on, LocalPool, ThreadPool) and combinators.
 *
 * The executors' tasks have no identity of their own in a register: a
 * task is keyed by the address of the future spawned, the Box<F> that
 * LocalFutureObj::new receives (SpawnExt::spawn_local, and ThreadPool's
 * spawn through FutureObj::new).  Both pools poll it through
 * <LocalFutureObj as Future>::poll, which calls F's poll directly: that
 * poll's self names the task (a task poll without a task argument; the
 * model binds it at the first future polled inside; as a task poll it is
 * no future of its own).  The pointers the
 * wakers carry are other ones: FuturesUnordered's Task<Fut> (LocalPool;
 * unlink() hands it over just before the poll) and ThreadPool's
 * WakeHandle (Arc::as_ptr in waker_ref, and its UnparkMutex in
 * start_poll/wait); those calls name the task of the next task poll
 * (TASK_BIND), and the model takes them as aliases.
 */
#include "runtime.h"

static const char *const crates[] = {
	"futures", "futures_executor", "futures_util", "futures_core", "futures_task",
	"futures_channel", "futures_io", "futures_sink", "futures_lite", NULL,
};

#define E(how, pat, role, flags, arg) { ASYM_MATCH_##how, pat, ASYM_ROLE_##role, flags, arg }

static const struct asym_runtime_entry entries[] = {
	E(EXACT, "futures_executor::local_pool::block_on", BLOCK_ON, 0, 0),
	E(EXACT, "futures_executor::local_pool::run_executor", BLOCK_ON, 0, 0),
	/* (sret, Box<F>): F's address is the task */
	E(EXACT, "<futures_task::future_obj::LocalFutureObj>::new", SPAWN, 0, 2),
	E(EXACT, "<futures_task::future_obj::LocalFutureObj as core::future::future::Future>::poll",
	  TASK_POLL, 0, 0),
	/* LocalPool: FuturesUnordered's Task<Fut>, the waker's data */
	E(EXACT, "<futures_util::stream::futures_unordered::FuturesUnordered>::unlink", TASK_BIND, 0,
	  2),
	E(EXACT, "<futures_util::stream::futures_unordered::task::Task as core::ops::drop::Drop>::drop",
	  TASK_DROP, 0, 1),
	/* ThreadPool: the WakeHandle's UnparkMutex */
	E(EXACT, "<futures_executor::unpark_mutex::UnparkMutex>::start_poll", TASK_BIND, 0, 1),
	E(EXACT, "<futures_executor::unpark_mutex::UnparkMutex>::wait", TASK_BIND, 0, 1),
	/* wakers made from an Arc<impl ArcWake> (waker_vtable): data = the Arc's T */
	E(EXACT, "futures_task::waker::wake_arc_raw", WAKE, 0, 1),
	E(EXACT, "futures_task::waker::wake_by_ref_arc_raw", WAKE_BY_REF, 0, 1),
	E(EXACT, "futures_task::waker::clone_arc_raw", WAKER_CLONE, 0, 1),
	E(EXACT, "futures_task::waker::drop_arc_raw", WAKER_DROP, 0, 1),
	/* AsyncReadExt/AsyncWriteExt futures (async-std's and smol's I/O) */
	E(PREFIX, "<futures_util::io::", NONE, ASYM_F_IO, 0),
	E(PREFIX, "<futures_lite::io::", NONE, ASYM_F_IO, 0),
};

const struct asym_runtime_table asym_runtime_futures = ASYM_TABLE("futures", crates, entries);

static const struct asym_runtime_entry full_entries[] = {
	/* ThreadPool's waker_ref(&wake_handle): the WakeHandle, the waker's data */
	E(PREFIX, "<alloc::sync::Arc<futures_executor::thread_pool::WakeHandle>>::as_ptr", TASK_BIND,
	  0, ASYM_TASK_RETVAL),
};

const struct asym_runtime_table asym_runtime_full_names =
	ASYM_TABLE("futures", crates, full_entries);
