/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private state of the uftrace.data reader, shared by its files:
 * data-file.c (info), session.c (task.txt, maps, COMM names), symtab.c
 * (.sym), argspec.c (payload layouts), task-reader.c (records, merge).
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
	uint8_t size;        /* bytes (0 for strings) */
	uint8_t is_str;      /* length-prefixed string */
	uint8_t is_float;    /* recorded but not an integer: value kept raw */
	char fmt;            /* the spec's format letter: 'd', 'u', 'x', 's', 'c', 'f', 'p'... */
};

/* Payload layout of one function's ENTRY (args) and EXIT (retval). */
struct au_layout {
	uint8_t nargs;
	uint8_t has_ret;
	struct au_spec_item args[AU_MAX_ARGS];
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

struct au_data {
	char *dir;
	struct au_data_info info;
	struct au_data_errors errors;
	char *argspec, *retspec;   /* raw "pat@spec;pat@spec" strings */
	bool pattern_glob;

	struct au_session *sessions;
	size_t nr_sessions, cap_sessions;

	struct au_module *modules;
	size_t nr_modules, cap_modules;
	struct au_func *funcs;
	size_t nr_funcs, cap_funcs;
	struct au_layout **layouts; /* per func: NULL = no payload spec */

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
};

/* data-file.c */
int au_info_read(struct au_data *d);
/* session.c */
int au_sessions_read(struct au_data *d);
struct au_session *au_session_of_pid(struct au_data *d, uint32_t pid);
void au_comm_names_read(struct au_data *d);
/* symtab.c */
uint32_t au_module_get(struct au_data *d, const char *path, const char *build_id, bool main);
void au_symtabs_read(struct au_data *d);
int32_t au_resolve(struct au_data *d, struct au_stream *s, uint64_t addr);
/* argspec.c */
void au_layouts_build(struct au_data *d);
void au_layouts_free(struct au_data *d);
/* task-reader.c */
int au_streams_open(struct au_data *d);

#endif /* AU_UFTRACE_DATA_INTERNAL_H */
