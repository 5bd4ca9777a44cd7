/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a uftrace.data directory (uftrace 0.13 and later layouts).
 *
 * This layer knows uftrace's files and nothing of Rust: it opens info,
 * task.txt, sid-*.map and *.sym, streams every thread's <tid>.dat, decodes
 * argument and return-value payloads, resolves each code address to a
 * function of its table, and hands out records of all threads merged in
 * time order (wakes on one thread must be seen before the polls they cause
 * on another).
 *
 * Memory follows the number of threads and symbols, never the number of
 * records: each thread's file is read through a FILE * with a small window.
 */
#ifndef AU_UFTRACE_DATA_H
#define AU_UFTRACE_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum au_rec_type {
	AU_REC_ENTRY = 0,
	AU_REC_EXIT = 1,
	AU_REC_LOST = 2,
	AU_REC_EVENT = 3,
};

/* EVENT ids (addr) of the kernel's context switches, uftrace's numbers:
 * the reader merges them in from perf-cpu*.dat (sched-events.c). */
#define AU_EVENT_SCHED_IN 200001
#define AU_EVENT_SCHED_OUT 200002           /* blocked: it waits in the kernel */
#define AU_EVENT_SCHED_OUT_PREEMPT 200007   /* preempted: it could have run */
#define AU_EVENT_THREAD_EXIT 200005         /* the thread ended (perf EXIT) */

#define AU_MAX_ARGS 8

/* One decoded record.  Valid until the next au_data_next() call. */
struct au_record {
	uint64_t time;           /* ns, CLOCK_MONOTONIC (0 for LOST) */
	uint64_t addr;           /* code address; LOST: records lost; EVENT: id */
	int32_t func;            /* index into au_data_func(), -1 if unresolved */
	uint32_t thread;         /* index into au_data_thread() */
	uint16_t depth;
	uint8_t type;            /* enum au_rec_type */
	uint8_t nargs;           /* ENTRY: captured args; EXIT: 1 if retval captured */
	/* ENTRY: args in spec order; EXIT: args[0] = retval.  Integers are
	 * zero-extended; a string argument is 0 here and in strs[].  Only
	 * the first nargs entries are set (args[0] is 0 when nargs is 0). */
	uint64_t args[AU_MAX_ARGS];
	const char *strs[AU_MAX_ARGS]; /* string args, else NULL */
	char fmts[AU_MAX_ARGS];  /* format letter of each ('x' when not given) */
};

struct au_module {
	const char *path;        /* as in the map / .sym header */
	const char *build_id;    /* hex, or NULL */
	uint64_t start, end;     /* mapped range in the recorded process */
	uint32_t first_func;     /* its functions are [first_func, first_func+nr_funcs) */
	uint32_t nr_funcs;
	bool main;               /* the session's executable */
};

struct au_func {
	uint64_t addr;           /* relative to the module, as in .sym */
	uint64_t size;
	const char *name;        /* symbol name as stored in .sym (mangled) */
	uint32_t module;         /* index into au_data_module() */
};

struct au_thread {
	uint32_t tid;
	uint32_t pid;
	const char *name;        /* from perf COMM, else NULL */
	uint64_t first_time, last_time; /* of its records read so far */
	uint64_t records;        /* read so far */
	uint64_t lost;           /* records lost (LOST counts) */
};

struct au_data_info {
	uint32_t version;
	uint64_t feat_mask;
	uint64_t info_mask;
	uint16_t max_stack;      /* record --max-stack (uftrace's default: 1024) */
	const char *exename;
	const char *cmdline;
	int exit_status;         /* raw wait status, -1 if absent */
	bool has_exit_status;
	uint64_t total_bytes;    /* size of all .dat files (progress) */
};

struct au_data;

/* What went wrong while reading; counted, warned once per file. */
struct au_data_errors {
	uint64_t bad_records;    /* records skipped as corrupt */
	uint64_t truncated_files;/* .dat files ending inside a record */
	uint64_t unresolved;     /* addresses outside every known function */
	uint64_t lost_records;   /* sum of LOST counts */
	uint64_t unknown_payload;/* payloads whose spec was unknown (guessed) */
};

/**
 * au_data_open - open a uftrace.data directory
 * @dir: its path
 * @out: receives the reader
 *
 * Reads info, task.txt, the maps and symbol files, and opens every .dat.
 * Missing optional files are warned about and worked around; a missing or
 * unreadable directory or info file fails.
 *
 * Returns 0 or -errno (messages name the file); free with au_data_close().
 */
int au_data_open(const char *dir, struct au_data **out);
void au_data_close(struct au_data *data);

const struct au_data_info *au_data_info(const struct au_data *data);
const struct au_data_errors *au_data_errors(const struct au_data *data);

size_t au_data_nr_threads(const struct au_data *data);
const struct au_thread *au_data_thread(const struct au_data *data, uint32_t idx);
size_t au_data_nr_modules(const struct au_data *data);
const struct au_module *au_data_module(const struct au_data *data, uint32_t idx);
size_t au_data_nr_funcs(const struct au_data *data);
const struct au_func *au_data_func(const struct au_data *data, uint32_t idx);
/** The pid that started the recording (first SESS), 0 if unknown. */
uint32_t au_data_pid(const struct au_data *data);
/** The executable process @pid ran last (an exec'd child's own), else the
 *  recorded program's */
const char *au_data_exename_of(const struct au_data *data, uint32_t pid);

/**
 * au_data_next - the next record of all threads, in time order
 * @data: the reader
 * @rec: filled in
 *
 * Returns 1 with a record, 0 at the end of every thread, never an error:
 * corrupt input is counted in au_data_errors() and skipped.
 */
int au_data_next(struct au_data *data, struct au_record *rec);

/**
 * au_data_set_time_offset - shift every record's time by @offset_ns
 * (another host's clock, so recordings share one timeline)
 */
void au_data_set_time_offset(struct au_data *data, int64_t offset_ns);

/** Bytes consumed so far over all .dat files (for progress). */
uint64_t au_data_bytes_read(const struct au_data *data);

#endif /* AU_UFTRACE_DATA_H */
