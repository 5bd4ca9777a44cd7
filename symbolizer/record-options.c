// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The uftrace record options a binary needs: the first argument (self, or
 * the task pointer) of every poll and runtime function the analysis keys
 * on, and the return value of polls (Ready/Pending) and task constructors.
 *
 * uftrace 0.13 matches -A/-R regexes against its demangled names; it does
 * not demangle Rust v0 ("_R...") names, so those are matched mangled.
 * Exact names are joined into alternations of bounded length: one regex
 * per symbol would make libmcount's start-up matching quadratic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"

#define MAX_PATTERN 4000

struct pattern_buf {
	char buf[MAX_PATTERN + 256];
	size_t len;
	unsigned count;
};

static void flush(FILE *out, struct pattern_buf *pb, const char *opt, const char *spec)
{
	if (!pb->count)
		return;
	fprintf(out, "%s\n^(%.*s)$@%s\n", opt, (int)pb->len, pb->buf, spec);
	pb->len = 0;
	pb->count = 0;
}

/* Append a regex-escaped name as one alternative. */
static void add(FILE *out, struct pattern_buf *pb, const char *opt, const char *spec,
		const char *name)
{
	size_t need = strlen(name) * 2 + 2;

	if (pb->len + need > MAX_PATTERN)
		flush(out, pb, opt, spec);
	if (need > sizeof(pb->buf) - 1)
		return;
	if (pb->count)
		pb->buf[pb->len++] = '|';
	for (const char *p = name; *p; p++) {
		if (strchr(".[]()*+?{}|^$\\", *p))
			pb->buf[pb->len++] = '\\';
		pb->buf[pb->len++] = *p;
	}
	pb->count++;
}

/* What uftrace calls the function when it matches patterns. */
static const char *match_name(const struct asym_func *f)
{
	return strncmp(f->symbol, "_ZN", 3) ? f->symbol : f->name;
}

int asym_binary_record_options(const struct asym_binary *bin, enum asym_record_mode mode,
			       FILE *out)
{
	struct pattern_buf args = { .len = 0 }, rets = { .len = 0 };

	(void)mode;
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		const struct asym_func *f = &bin->funcs[i];

		if (f->flags & ASYM_F_FUTURE) {
			add(out, &args, "-A", "arg1", match_name(f));
			add(out, &rets, "-R", "retval", match_name(f));
		} else if (f->task_arg > 0) {
			add(out, &args, "-A", "arg1", match_name(f));
		} else if (f->task_arg < 0) {
			add(out, &rets, "-R", "retval", match_name(f));
		}
	}
	flush(out, &args, "-A", "arg1");
	flush(out, &rets, "-R", "retval");
	return ferror(out) ? -EIO : 0;
}
