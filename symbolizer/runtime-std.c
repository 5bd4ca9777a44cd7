// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The standard library and libc.  libstd is precompiled without mcount, so
 * its own functions never appear in a trace; what does appear are the
 * libc calls it makes through the program's PLT (uftrace's library-call
 * hooks): these name the blocking calls a poll must not make.
 */
#include "runtime.h"

static const char *const crates[] = { NULL };

#define E(how, pat, role, flags, arg) { ASYM_MATCH_##how, pat, ASYM_ROLE_##role, flags, arg }

static const struct asym_runtime_entry entries[] = {
	/* std functions that block the calling thread (generic ones are
	 * instantiated in the program and traced; the others are found at
	 * their call sites by the symbolizer) */
	E(EXACT, "std::thread::sleep", BLOCKING_CALL, 0, 0),
	E(EXACT, "std::thread::functions::sleep", BLOCKING_CALL, 0, 0), /* rustc >= 1.9x */
	E(EXACT, "std::thread::sleep_ms", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::sync::mutex::Mutex>::lock", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::sync::poison::mutex::Mutex>::lock", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::sync::rwlock::RwLock>::read", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::sync::rwlock::RwLock>::write", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::sync::poison::rwlock::RwLock>::read", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::sync::poison::rwlock::RwLock>::write", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::sync::mpsc::Receiver>::recv", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::thread::JoinHandle>::join", BLOCKING_CALL, 0, 0),
	E(EXACT, "std::fs::read", BLOCKING_CALL, 0, 0),
	E(EXACT, "std::fs::read_to_string", BLOCKING_CALL, 0, 0),
	E(EXACT, "std::fs::write", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::fs::File>::open", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::fs::File>::create", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::net::tcp::TcpStream>::connect", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::net::tcp::TcpListener>::accept", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::process::Command>::output", BLOCKING_CALL, 0, 0),
	E(EXACT, "<std::process::Child>::wait", BLOCKING_CALL, 0, 0),
	E(EXACT, "nanosleep", BLOCKING_CALL, 0, 0),
	E(EXACT, "clock_nanosleep", BLOCKING_CALL, 0, 0),
	E(EXACT, "usleep", BLOCKING_CALL, 0, 0),
	E(EXACT, "sleep", BLOCKING_CALL, 0, 0),
	E(EXACT, "read", BLOCKING_CALL, 0, 0),
	E(EXACT, "write", BLOCKING_CALL, 0, 0),
	E(EXACT, "open", BLOCKING_CALL, 0, 0),
	E(EXACT, "open64", BLOCKING_CALL, 0, 0),
	E(EXACT, "openat", BLOCKING_CALL, 0, 0),
	E(EXACT, "openat64", BLOCKING_CALL, 0, 0),
	E(EXACT, "fsync", BLOCKING_CALL, 0, 0),
	E(EXACT, "recv", BLOCKING_CALL, 0, 0),
	E(EXACT, "send", BLOCKING_CALL, 0, 0),
	E(EXACT, "connect", BLOCKING_CALL, 0, 0),
	E(EXACT, "accept", BLOCKING_CALL, 0, 0),
	E(EXACT, "pthread_mutex_lock", BLOCKING_CALL, 0, 0),
	E(EXACT, "pthread_join", BLOCKING_CALL, 0, 0),
};

const struct asym_runtime_table asym_runtime_std = ASYM_TABLE("std", crates, entries);
