/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of the uftrace.data reader, shared by its files:
 * data-file.c (info), session.c (task.txt, maps, COMM names), symtab.c
 * (.sym), argspec.c (payload layouts), auto-args.c (the specs uftrace
 * chose itself), task-reader.c (records, merge).
 */
#ifndef AU_UFTRACE_DATA_INTERNAL_H
#define AU_UFTRACE_DATA_INTERNAL_H

#include <stdio.h>

#include "uftrace-data.h"

#define UFTRACE_MAGIC "Ftrace!"
#define UFTRACE_RECORD_MAGIC 5
#define UFTRACE_MAX_PAYLOAD 1024

/* info feat_mask bits */
#define FEAT_ARGUMENT (1u << 3)
#define FEAT_RETVAL (1u << 4)
#define FEAT_SYM_REL_ADDR (1u << 5)

/* One argument or return value in a payload. */
struct au_spec_item {
	uint16_t size;       /* bytes (0 for strings; a struct's may be 0) */
	uint8_t is_str;      /* length-prefixed string */
	uint8_t is_float;    /* recorded but not an integer: value kept raw */
	char fmt;            /* the spec's format letter: 'd', 'u', 'x', 's', 'c', 'f', 'p'... */
};

/* Payload layout of one function's ENTRY (args) and EXIT (retval).  All
 * its items size the payload; records carry the first AU_MAX_ARGS. */
#define AU_LAYOUT_MAX 64
struct au_layout {
	uint8_t nargs;
	uint8_t has_ret;
	struct au_spec_item args[AU_LAYOUT_MAX];
	struct au_spec_item ret;
};

/* A mapped range of one session (process image). */
struct au_range {
	uint64_t start, end;
	uint32_t module;
};

struct au_session {
	char sid[32];
	uint32_t pid;
	uint64_t time;
	char *exename;
	struct au_range *ranges;   /* sorted by start */
	size_t nr_ranges, cap_ranges;
};

/* One thread's stream of records. */
struct au_stream {
	FILE *fp;
	char *path;
	uint8_t *buf;
	size_t window;             /* size of buf */
	size_t pos, len;           /* unread bytes are buf[pos..len) */
	uint64_t offset;           /* file offset of buf[0] */
	uint64_t last_time;
	bool eof;
	bool warned;
	struct au_session *session;
	const struct au_range *cache; /* last range hit */
	/* the record read ahead, and string storage (double-buffered so the
	 * record handed out stays valid while the next one is read) */
	struct au_record next;
	bool has_next;
	char strbuf[2][AU_MAX_ARGS][128];
	int strsel;
};

struct au_spec_entry;

struct au_data {
	char *dir;
	struct au_data_info info;
	struct au_data_errors errors;
	char *argspec, *retspec;   /* raw "pat@spec;pat@spec" strings */
	bool pattern_glob;
	/* uftrace's own specs (auto-args.c): info's built-in lists, whether
	 * `record -a` gave every function its own, and the .dbg files' */
	char *argauto, *retauto;
	bool auto_args;
	struct au_auto_args *auto_specs;
	/* the spec entries belong to another reader (au_data_open_like) */
	bool specs_borrowed;

	struct au_session *sessions;
	size_t nr_sessions, cap_sessions;

	struct au_module *modules;
	size_t nr_modules, cap_modules;
	struct au_func *funcs;
	size_t nr_funcs, cap_funcs;
	char **sym_bufs;            /* the .sym files' text: funcs' names */
	size_t nr_sym_bufs, cap_sym_bufs;
	/* argspec/retspec entries, and per func its layout once asked for
	 * (au_layout_of; NULL = not matched yet) */
	struct au_spec_entry *arg_entries, *ret_entries;
	size_t nr_arg_entries, nr_ret_entries;
	struct au_layout **layouts;

	struct au_thread *threads;
	struct au_stream *streams;
	size_t nr_threads;
	uint32_t pid;

	/* address -> function, most records hit it (direct-mapped) */
#define AU_RCACHE 4096
	struct au_rcache {
		uint64_t addr;
		const struct au_session *session;
		int32_t func;
	} *rcache;

	/* k-way merge: heap of stream indexes ordered by next record time */
	uint32_t *heap;
	size_t heap_len;
	uint64_t bytes_read;
	int64_t time_offset;
	/* context switches from perf-cpu*.dat, merged in by time; the next
	 * one's time (UINT64_MAX: none left) */
	struct au_sched *sched;
	uint64_t sched_time;
};

/* data-file.c */
/* The whole file, NUL-terminated (*len excludes the NUL); NULL + errno. */
char *au_read_file(const char *path, size_t *len);
int au_info_read(struct au_data *d);
/* Calls @fn for every file of the recording whose name ends in @suffix
 * (".sym", ".dbg") and is longer than it. */
void au_dir_each(struct au_data *d, const char *suffix,
		 void (*fn)(struct au_data *d, const char *path, void *arg), void *arg);
/*
 * au_data_open_like - au_data_open, except that when info's argspec,
 * retspec and pattern type are those of @like, the compiled patterns of
 * @like are used (it must stay open as long as the new reader).  For
 * fuzz-reader, whose inputs replace one file of a recording at a time:
 * compiling the same patterns again for every input (thousands of
 * allocations in regcomp) took more time than reading the files.
 */
int au_data_open_like(const char *dir, const struct au_data *like, struct au_data **out);
/* session.c */
int au_sessions_read(struct au_data *d);
struct au_session *au_session_of_pid(struct au_data *d, uint32_t pid);
void au_comm_names_read(struct au_data *d);
/* symtab.c */
uint32_t au_module_get(struct au_data *d, const char *path, const char *build_id, bool main);
void au_symtabs_read(struct au_data *d);
int32_t au_resolve(struct au_data *d, struct au_stream *s, uint64_t addr);
/* argspec.c: the info's argspec/retspec entries (compiled patterns), and
 * the per-function table of layouts matched against them */
void au_specs_parse(struct au_data *d);
void au_specs_free(struct au_data *d);
void au_layouts_build(struct au_data *d);
void au_layouts_free(struct au_data *d);
/* The payload layout of @func, NULL when its records carry none. */
const struct au_layout *au_layout_of(struct au_data *d, int32_t func);
/* Whether an argspec or retspec entry without '@' (`-A NAME`) asks for
 * uftrace's own specs: auto-args.c reads them only then, or with -a. */
bool au_specs_want_auto(const struct au_data *d);
/* auto-args.c: with -a, or entries without '@', read info's built-in
 * lists and the .dbg files (after the .sym files: modules are known). */
void au_auto_args_read(struct au_data *d);
void au_auto_args_free(struct au_data *d);
/* @func's spec from its module's .dbg (the part after '@': "arg1/p,..."),
 * NULL when that module's file has none for it. */
const char *au_auto_spec_dwarf(const struct au_data *d, int32_t func, bool ret);
/* The built-in spec of the function named @name, or NULL. */
const char *au_auto_spec_builtin(const struct au_data *d, const char *name, bool ret);
/* sched-events.c: perf-cpu*.dat's context switches of the recorded
 * threads, in time order (after au_streams_open: threads are known) */
struct au_sched_event {
	uint64_t time;
	uint32_t thread;
	uint32_t id;       /* AU_EVENT_SCHED_* */
};
void au_sched_open(struct au_data *d);
/* the next event (d->sched_time < UINT64_MAX); reads the one after */
void au_sched_take(struct au_data *d, struct au_sched_event *ev);
void au_sched_close(struct au_data *d);
/* task-reader.c */
int au_streams_open(struct au_data *d);
/* Frees the streams and threads and zeroes what reading them counted, so
 * that au_streams_open() can run again on the parsed info, maps and symbols
 * (fuzz-reader reopens the .dat files alone when only they changed). */
void au_streams_close(struct au_data *d);

#endif /* AU_UFTRACE_DATA_INTERNAL_H */
