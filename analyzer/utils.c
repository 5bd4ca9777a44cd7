// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "utils.h"

int au_debug;
int au_quiet;

void au_log(int level, const char *prefix, const char *fmt, ...)
{
	static const char *const tags[] = { "error", "warning", "debug" };
	va_list ap;

	if (level == AU_LOG_DBG && !au_debug)
		return;
	if (level == AU_LOG_WARN && au_quiet)
		return;
	/* the report written so far first: with both streams in one file
	 * (2>&1), a message lands between lines, not inside one */
	fflush(stdout);
	fprintf(stderr, "%s: %s: ", prefix, tags[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *oom(size_t size)
{
	fprintf(stderr, "async-uftrace: error: out of memory (%zu bytes)\n", size);
	exit(AU_EXIT_NOTHING);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	return p ? p : oom(size);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	return p ? p : oom(nmemb * size);
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	return p ? p : oom(size);
}

void *xaligned(size_t align, size_t size)
{
	void *p;

	return posix_memalign(&p, align, size ? size : 1) == 0 ? p : oom(size);
}

size_t au_write_full(int fd, const char *p, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			break;
		}
		done += n;
	}
	return done;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	return p ? p : oom(strlen(s) + 1);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? oom(0) : s;
}

void au_grow(void *ptr, size_t *cap, size_t len, size_t elem)
{
	void **arr = ptr;
	size_t ncap;

	if (len < *cap)
		return;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap < *cap || ncap > SIZE_MAX / elem)
		oom(SIZE_MAX);
	*arr = xrealloc(*arr, ncap * elem);
	*cap = ncap;
}
