/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * asym: the async-uftrace symbolizer.
 *
 * Turns one ELF binary (and its DWARF) into a table of functions with the
 * roles an async analysis needs: which functions poll a future (async fn
 * bodies, async blocks, hand-written Future::poll, combinators), which are
 * runtime entry points (task poll, spawn, wake, park, ...), how big each
 * future's state machine is, where it awaits, and how to tell Ready from
 * Pending in a captured return value.
 *
 * The library never prints and never exits: functions return 0 or a
 * negative error code (see asym_strerror()); pointer returns give NULL and
 * set errno.  Diagnostics go through the callback set by asym_set_print().
 *
 * Addresses are "relative" the way uftrace's .sym files are: st_value minus
 * the (page aligned) vaddr of the first PT_LOAD segment.  A recorded address
 * A therefore maps to rel = A - start of the module's line in sid-*.map, for
 * PIE and non-PIE binaries alike.
 *
 * Structs declared here are read-only views owned by the asym_binary they
 * came from; they stay valid until asym_binary_free().
 */
#ifndef ASYM_H
#define ASYM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes, numbered away from errno values. */
#define ASYM_ERRORS                                                            \
	_PE(NOT_ELF, "not an ELF file")                                        \
	_PE(NO_SYMTAB, "no symbol table (stripped binary)")                    \
	_PE(NO_DWARF, "no DWARF debug info (build with debuginfo)")            \
	_PE(BAD_DWARF, "DWARF could not be read")                              \
	_PE(NOT_FOUND, "no such function")                                     \
	_PE(UNSUPPORTED, "unsupported binary (only 64-bit x86-64 ELF)")       \
	_PE(PIE_PATCHABLE, "patchable entries in a position-independent executable: " \
	    "uftrace 0.13 cannot patch them (build with scripts/cargo-mcount --patchable)")

#define _PE(code, str) ASYM_ERR_##code,
enum asym_errno {
	ASYM_ERR_START = -100000,
	ASYM_ERRORS
	ASYM_ERR_END,
};
#undef _PE

/**
 * asym_strerror - text of an error code
 * @err: a negative code returned by this library (asym or -errno)
 *
 * Returns a static string; never NULL.
 */
const char *asym_strerror(int err);

enum asym_print_level { ASYM_WARN, ASYM_INFO, ASYM_DEBUG };
typedef int (*asym_print_fn)(enum asym_print_level level, const char *fmt, va_list ap);
/**
 * asym_set_print - route the library's messages
 * @fn: callback, or NULL to silence; the default prints warnings to stderr
 *      with the prefix "asym: "
 *
 * Returns the previous callback.
 */
asym_print_fn asym_set_print(asym_print_fn fn);

/* What a function is, as far as async analysis cares. */
#define ASYM_ROLES                                                             \
	_PR(NONE, "none")                 /* ordinary function */              \
	_PR(ASYNC_FN, "async_fn")         /* body of an async fn (its poll) */ \
	_PR(ASYNC_BLOCK, "async_block")   /* body of an async block */         \
	_PR(FUTURE_IMPL, "future_impl")   /* hand-written <T as Future>::poll */ \
	_PR(TASK_POLL, "task_poll")       /* runtime polls a task's root future */ \
	_PR(SPAWN, "spawn")               /* a task is created */              \
	_PR(SPAWN_BLOCKING, "spawn_blocking") /* a blocking-pool job is created */ \
	_PR(BLOCK_ON, "block_on")         /* a thread drives a root future */  \
	_PR(WAKE, "wake")                 /* Waker::wake (consumes the waker) */ \
	_PR(WAKE_BY_REF, "wake_by_ref")   /* Waker::wake_by_ref */             \
	_PR(WAKER_CLONE, "waker_clone")                                        \
	_PR(WAKER_DROP, "waker_drop")                                          \
	_PR(SCHEDULE, "schedule")         /* runtime queues a woken task */    \
	_PR(TASK_COMPLETE, "task_complete")                                    \
	_PR(TASK_DROP, "task_drop")                                            \
	_PR(TASK_ABORT, "task_abort")                                          \
	_PR(TASK_PANIC, "task_panic")     /* the polled task's future panicked */ \
	_PR(TASK_BIND, "task_bind")       /* names the task the next task poll polls */ \
	_PR(PARK, "park")                 /* worker thread goes idle */        \
	_PR(UNPARK, "unpark")             /* someone wakes a parked worker */  \
	_PR(WORKER_START, "worker_start")                                      \
	_PR(WORKER_STOP, "worker_stop")                                        \
	_PR(BLOCKING_CALL, "blocking_call") /* std sleep/lock/io: blocks a worker */

#define _PR(code, str) ASYM_ROLE_##code,
enum asym_role { ASYM_ROLES ASYM_ROLE_NR };
#undef _PR

/** asym_role_name - the role's name as printed and in JSON ("async_fn") */
const char *asym_role_name(enum asym_role role);

/* asym_func.flags */
#define ASYM_F_FUTURE      (1u << 0) /* a poll function: ASYNC_FN, ASYNC_BLOCK or FUTURE_IMPL */
#define ASYM_F_COMBINATOR  (1u << 1) /* library combinator (join, select, timeout, ...) */
#define ASYM_F_RUNTIME     (1u << 2) /* defined in a runtime/std crate, not the user's */
#define ASYM_F_USER        (1u << 3) /* defined in the program's own crate(s) */
#define ASYM_F_DWARF       (1u << 4) /* role was decided from DWARF types */
/* wakes called inside this runtime function were deferred by the woken
 * task itself during its poll (tokio's yield_now): they are self-wakes */
#define ASYM_F_DEFERRED_WAKE (1u << 5)
/* the program's function calls a blocking std function directly (one that
 * may not appear in the trace itself: libstd is not instrumented) */
#define ASYM_F_CALLS_BLOCKING (1u << 6)
/* inside a SCHEDULE call: the task goes to the worker's own queue, or to
 * the shared (injection) queue */
#define ASYM_F_SCHEDULE_LOCAL (1u << 7)
#define ASYM_F_SCHEDULE_REMOTE (1u << 8)
/* returns a task taken from another worker's queue (task_arg: retval) */
#define ASYM_F_STEAL (1u << 9)
/* a function the program's own code calls directly: a generic blocking
 * std function (a patched recording traces it; its calls from library
 * code, e.g. a runtime's internal locks, stay out), a future the program
 * polls itself (a select!'s branches), an async fn whose future it makes
 * (`rx.recv()` inside a timeout) */
#define ASYM_F_USER_CALLED (1u << 10)
/* a SCHEDULE call queues its task on the worker's own queue unless a
 * SCHEDULE_REMOTE call runs inside it: the SCHEDULE_LOCAL function need
 * not be recorded (a tenth of a busy recording's calls) */
#define ASYM_F_SCHEDULE_INFER_LOCAL (1u << 11)
/* returns the runtime's own id for the task about to be spawned on this
 * thread (tokio's task::Id, async-std's TaskId; task_arg: retval) */
#define ASYM_F_TASK_ID (1u << 12)
/* called inside a JoinHandle's poll with the task it awaits (task_arg):
 * who waits on whom */
#define ASYM_F_JOIN (1u << 13)
/* Acquiring a lock (tokio's Mutex::lock, RwLock::read/write, the calls that
 * make the future the program awaits): task_arg holds the lock's address.
 * The future it makes, awaited by the caller, waits while another task
 * holds the lock. */
#define ASYM_F_LOCK (1u << 14)
/* Dropping a lock's guard: the task releases the lock it took last. */
#define ASYM_F_UNLOCK (1u << 15)
/* tokio's block_in_place: blocking inside it is what it is for (the worker
 * hands its other tasks to a new thread first) */
#define ASYM_F_BLOCK_IN_PLACE (1u << 16)
/* An async fn's future (its body, `f::{closure#0}`) made by a call of f
 * that is a lock call (ASYM_F_LOCK): it completes when the lock is taken */
#define ASYM_F_LOCK_BODY (1u << 17)
/* ... made by a call in the program's own code (`rx.recv()` handed to a
 * timeout): a future the program made, whoever polls it */
#define ASYM_F_USER_MADE (1u << 18)
/* The runtime's cooperative budget (tokio's coop::poll_proceed): a task
 * that wakes itself inside it used up its budget and is made to yield,
 * though the resource it polled was ready: no busy-polling of its own */
#define ASYM_F_COOP_BUDGET (1u << 19)
/* A lock call (ASYM_F_LOCK) whose lock comes in an Arc (tokio's
 * lock_owned, read_owned, acquire_owned: `self: Arc<Self>`): the lock's
 * address is the Arc's pointer past ArcInner's two counts, as `lock(&self)`
 * on the same lock has it */
#define ASYM_F_LOCK_ARC (1u << 20)
/* A timer's poll (a sleep, an interval's tick, a timeout): what awaits it
 * is woken by the clock, not by another task; a task waiting there at the
 * end is no party to a deadlock */
#define ASYM_F_TIMER (1u << 21)
/* An I/O future (a socket's or a stream's read, write, accept, connect; a
 * child process's wait; a signal): the outside world wakes what awaits it */
#define ASYM_F_IO (1u << 22)
/* The lock of a tokio semaphore's wait list (arg1: the list, one per
 * semaphore): taken by a receive on a bounded channel that frees a slot,
 * and by a send that finds the channel full and waits */
#define ASYM_F_CHAN_WAITLIST (1u << 23)
/* A receive on a bounded channel (Receiver::recv): a wait list lock inside
 * it tells which channel this task drains */
#define ASYM_F_CHAN_RECV (1u << 24)
/* A bounded channel's send future (Sender::send, reserve...): a wait list
 * lock inside it is the channel it waits on, for the task that drains it */
#define ASYM_F_CHAN_SEND (1u << 25)
/* a thread's whole life that drives the runtime's I/O and timers and runs
 * no task (async-io's "async-io" thread): its thread is no worker */
#define ASYM_F_DRIVER_LOOP (1u << 26)
/* An ASYNC_BLOCK that is an async closure's body (`async |x| ..`): a
 * future each call of the closure makes */
#define ASYM_F_ASYNC_CLOSURE (1u << 27)
/* a thread parker's park or unpark (tokio's park::Inner, which block_on's
 * CachedParkThread parks on): its argument names the parker.  Parked on
 * a block_on thread, it is another pointer of that block_on task, and
 * its unpark (a WAKE_BY_REF) is a wake of that task, by whoever calls it */
#define ASYM_F_THREAD_PARKER (1u << 28)
/* The flags of runtime calls the analysis keys on (recorded with their
 * arguments; not the program's annotations) */
#define ASYM_F_RUNTIME_CALLS                                                     \
	(ASYM_F_DEFERRED_WAKE | ASYM_F_SCHEDULE_LOCAL | ASYM_F_SCHEDULE_REMOTE | ASYM_F_STEAL | \
	 ASYM_F_TASK_ID | ASYM_F_JOIN | ASYM_F_LOCK | ASYM_F_UNLOCK | ASYM_F_BLOCK_IN_PLACE |  \
	 ASYM_F_CHAN_WAITLIST | ASYM_F_DRIVER_LOOP | ASYM_F_THREAD_PARKER)

/* How the Ready/Pending discriminant comes back from a poll function. */
enum asym_ret_kind {
	ASYM_RET_UNKNOWN = 0, /* returned through memory or not described: infer */
	ASYM_RET_REG,         /* discriminant lies in rax: see ret_shift/bits/pending */
};

/* One suspension point of an async state machine. */
struct asym_await {
	const char *file;      /* source file of the .await (path as in DWARF) */
	int line;              /* its line, 0 if unknown */
	unsigned state;        /* coroutine state value (Suspend0 = 3, ...) */
	uint64_t awaitee_offset; /* offset of the awaited future inside the env */
	uint64_t awaitee_size;   /* its size in bytes, 0 if unknown */
	const char *awaitee;   /* readable type of the awaited future, or NULL */
	uint64_t call_addr;    /* relative address of the call polling it, 0 if not found */
	/* The label the awaitee's poll function carries ("demo::my_test",
	 * "<tokio::time::sleep::Sleep as Future>"), or NULL: awaitee_offset
	 * alone does not tell awaits apart, as rustc overlaps their storage. */
	const char *awaitee_label;
	/* The relative address of the awaitee's poll function when one
	 * function polls exactly its type, 0 otherwise: JoinHandle<()> and
	 * JoinHandle<u64> share a label, not a poll function. */
	uint64_t awaitee_addr;
	/* The awaits that can come next (bit i: the function's awaits[i]):
	 * those whose call the code after this one's reaches first, without
	 * returning.  Itself among them: the .await is in a loop (`for h in
	 * handles { h.await }`).  Known (next_known) in functions where
	 * awaits of one kind share an offset, the only ones that need it. */
	uint64_t next;
	bool next_known;
	/* An .await inside a macro (tokio::select!, futures::join!): rustc
	 * puts the suspend point in the macro's source, and the line table
	 * the call polling it at the macro's call site in the function's
	 * own file.  file/line are then that call site, these the macro's;
	 * NULL/0 otherwise. */
	const char *macro_file;
	int macro_line;
};

struct asym_func {
	uint64_t addr;          /* relative start address */
	uint64_t size;          /* bytes of code */
	const char *symbol;     /* linkage (mangled) name */
	const char *name;       /* demangled, crate hashes removed */
	/* For futures: the name to show ("demo::my_test",
	 * "demo::main::{async_block#0}", "<handfuture::Countdown as Future>");
	 * for others equal to name. */
	const char *label;
	const char *crate;      /* crate the function belongs to, or NULL */
	const char *file;       /* declaration file, or NULL */
	int line;               /* declaration line, 0 if unknown */
	enum asym_role role;
	unsigned flags;         /* ASYM_F_* */
	const char *runtime;    /* runtime a runtime role belongs to ("tokio"), else NULL */
	int task_arg;           /* runtime roles: argN (1-based) holding the task identity, 0 if none */
	const char *blocking_callee; /* with ASYM_F_CALLS_BLOCKING: the blocking function's name */
	/* The program's functions: the first blocking function it calls,
	 * generic ones included (std's Mutex<T>::lock), NULL if none: where
	 * a thread blocked inside it most likely is when the call never
	 * returned, and so was never recorded. */
	const char *may_block_in;
	uint64_t future_size;   /* byte size of the state machine / Self, 0 if unknown */
	/* Ready/Pending decoding: with ASYM_RET_REG, the poll returned
	 * Pending iff ((rax >> ret_shift) & mask(ret_bits)) == ret_pending. */
	enum asym_ret_kind ret_kind;
	uint8_t ret_shift;
	uint8_t ret_bits;
	uint64_t ret_pending;
	/* Futures: the argument holding self, the future's address.  1, or 2
	 * when Poll<Output> comes back through memory (over 16 bytes, or
	 * over 8 and not one or two values: rustc's Memory layout): its
	 * address comes first (rdi), and self second (rsi). */
	uint8_t self_arg;
	/* The awaits a first poll can reach first (bit i: awaits[i]), from
	 * the start of its body; known (first_known) where awaits' next is. */
	uint64_t first_awaits;
	bool first_known;
	unsigned n_awaits;
	const struct asym_await *awaits; /* sorted by state */
};

struct asym_binary;

/* asym_binary_flags() bits */
#define ASYM_BIN_SYMTAB   (1u << 0) /* has .symtab (not stripped) */
#define ASYM_BIN_DWARF    (1u << 1) /* has DWARF .debug_info */
#define ASYM_BIN_MCOUNT   (1u << 2) /* code calls mcount/__fentry__ */
#define ASYM_BIN_RUST     (1u << 3) /* Rust symbols found */
#define ASYM_BIN_PIE      (1u << 4) /* ET_DYN */
/* Functions start with NOP padding that uftrace patches at run time
 * (-Z patchable-function-entry=5): only the functions the recording asks
 * for (-P) pay for tracing.  uftrace 0.13 patches nothing in a PIE one. */
#define ASYM_BIN_PATCHABLE (1u << 5)

/**
 * asym_binary_open - read and classify one ELF file
 * @path: file to read
 * @out: receives the new object
 *
 * Reads the symbol table, demangles, classifies every function from DWARF
 * and the runtime tables, finds sizes and await points.  A stripped binary
 * or one without DWARF still opens (with fewer facts; see
 * asym_binary_flags()); only an unreadable or non-ELF file fails.
 *
 * Returns 0 or a negative error.  *@out has to be freed with
 * asym_binary_free().
 */
int asym_binary_open(const char *path, struct asym_binary **out);

/** asym_binary_free - release everything; accepts NULL */
void asym_binary_free(struct asym_binary *bin);

unsigned asym_binary_flags(const struct asym_binary *bin);
/** Hex build-id of the file, or NULL; owned by @bin. */
const char *asym_binary_build_id(const struct asym_binary *bin);
/** Main runtime detected from the symbols: "tokio", "async-std", "smol",
 *  "futures" or "unknown". */
const char *asym_binary_runtime(const struct asym_binary *bin);

/** Number of functions (every function symbol with a nonzero size). */
size_t asym_binary_func_count(const struct asym_binary *bin);
/** Function @idx, in ascending address order; NULL when out of range. */
const struct asym_func *asym_binary_func(const struct asym_binary *bin, size_t idx);
/** The function whose [addr, addr+size) contains @rel_addr, or NULL. */
const struct asym_func *asym_binary_lookup(const struct asym_binary *bin, uint64_t rel_addr);

/**
 * asym_call_lines - where @caller calls @callee, from its code and line
 * table: the lines of its direct or GOT calls to @callee, or to a function
 * leading to it (the shortest chain), in @caller's own source file; one,
 * or several (three JoinSet::spawn calls of one future type in a row)
 * @file: receives the source file (libdw's string, valid while @bin is open)
 * @lines: receives the first @max of them, ascending
 *
 * Returns how many distinct lines there are: 0 when there is no such
 * call, one sits in another file (a macro's), or the binary has no
 * DWARF.  Disassembles @caller on each call: cache the answer.
 */
unsigned asym_call_lines(struct asym_binary *bin, const struct asym_func *caller,
			 const struct asym_func *callee, const char **file, int *lines, unsigned max);

/* What the recording needs; asym_binary_record_options() modes. */
enum asym_record_mode {
	ASYM_RECORD_DEFAULT, /* async structure + enough calls to explain slow polls */
	ASYM_RECORD_FULL,    /* every function */
};

/**
 * asym_binary_record_options - uftrace record options for this binary
 * @bin: the binary to be recorded
 * @mode: how much to record
 * @out: one option per line is written here (e.g. "-A", "REGEX@arg1", ...
 *       each argv word on its own line), ready for a shell loop
 *
 * Returns 0 or a negative error.
 */
int asym_binary_record_options(const struct asym_binary *bin, enum asym_record_mode mode,
			       FILE *out);

/**
 * asym_binary_write_symfile - the binary's functions as a uftrace 0.13 .sym
 * @bin: the binary to be recorded
 * @out: where the file's text goes
 *
 * For `uftrace record --with-syms DIR`: libmcount then reads this file
 * rather than the binary's symbol table and DWARF.  Only functions are
 * listed (no PLT entries): meant for recordings without library calls.
 *
 * Returns 0 or a negative error (-ENOENT: no function symbols).
 */
int asym_binary_write_symfile(const struct asym_binary *bin, FILE *out);

/**
 * asym_binary_annotate_options - uftrace options capturing a value
 * @bin: the binary to be recorded
 * @spec: "PATTERN@argN[/fmt]" or "PATTERN@retval[/fmt]"; PATTERN is a POSIX
 *        extended regex over readable names ("^client::send$")
 * @out: the options, one argv word per line
 *
 * Returns the number of functions matched (0: none), or a negative error
 * (-EINVAL for a malformed spec or regex).
 */
int asym_binary_annotate_options(const struct asym_binary *bin, const char *spec, FILE *out);

/**
 * asym_demangle - readable Rust (legacy or v0) or C++ name without hashes
 * @sym: a linkage name
 *
 * Returns a malloc'ed string the caller frees with free(), or NULL with
 * errno set (EINVAL when @sym is not a mangled name).
 */
char *asym_demangle(const char *sym);

/**
 * asym_shorten - a readable name without generic arguments
 * @name: a demangled name ("tokio::runtime::task::raw::poll::<F, S>")
 *
 * Returns "tokio::runtime::task::raw::poll" (qualified paths "<T as Trait>"
 * stay) as a malloc'ed string the caller frees, or NULL on ENOMEM.
 */
char *asym_shorten(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* ASYM_H */
