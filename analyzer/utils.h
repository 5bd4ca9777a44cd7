/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by the analyzer: messages, allocation, growth.
 *
 * Messages: each .c file may define PR_FMT ("reader") before including this
 * header; pr_err/pr_warn always print, pr_dbg only with --debug.
 */
#ifndef AU_UTILS_H
#define AU_UTILS_H

#include <stddef.h>
#include <stdint.h>

#ifndef PR_FMT
#define PR_FMT "async-uftrace"
#endif

extern int au_debug;   /* set by --debug */
extern int au_quiet;   /* set by --quiet: no warnings or progress */

void au_log(int level, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define AU_LOG_ERR 0
#define AU_LOG_WARN 1
#define AU_LOG_DBG 2
#define pr_err(...) au_log(AU_LOG_ERR, PR_FMT, __VA_ARGS__)
#define pr_warn(...) au_log(AU_LOG_WARN, PR_FMT, __VA_ARGS__)
#define pr_dbg(...) au_log(AU_LOG_DBG, PR_FMT, __VA_ARGS__)

/* Exit codes (elfutils src/stack.c): see doc/async-uftrace.md. */
#define AU_EXIT_OK 0       /* clean */
#define AU_EXIT_WARN 1     /* output written, but some input was skipped */
#define AU_EXIT_NOTHING 2  /* nothing usable */
#define AU_EXIT_USAGE 64   /* bad command line */

/* Allocation that cannot fail: out of memory prints and exits 2. */
void *xmalloc(size_t size);
/* ...aligned to @align (a power of two, a multiple of sizeof(void *)) */
void *xaligned(size_t align, size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * au_grow - make room for one more element of an array
 * @ptr: address of the array pointer (void **)
 * @cap: address of its capacity in elements
 * @len: elements in use; after the call *cap > len
 * @elem: element size
 *
 * The one place arrays grow: doubles the capacity with an overflow check
 * (libbpf's libbpf_reallocarray), exits on OOM.
 */
void au_grow(void *ptr, size_t *cap, size_t len, size_t elem);

/* write(2) until all @len bytes are written or a write fails (EINTR is
 * retried); returns the bytes written, errno set when fewer than @len. */
size_t au_write_full(int fd, const char *p, size_t len);

#define AU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* AU_UTILS_H */
