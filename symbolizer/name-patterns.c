// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Linkage names as uftrace filter patterns: "^(a$|b$|prefix)" alternations
 * of bounded length, each matching exactly the names asked for.
 *
 * libmcount matches every pattern against every symbol of every module at
 * start-up, with glibc's regexec, whose cost per call grows with the
 * pattern: the time goes with the bytes of all patterns times the
 * symbols.  A runtime's generic function comes once per future type
 * (tokio's raw::poll, Harness::complete, RawTask::new... 34 times each in
 * fixtures/deadlock), and its instantiations share the mangled path up to
 * their generic arguments.  Where the longest common prefix of a run of
 * sorted names starts no other symbol of the binary, that prefix stands
 * for the run: fixtures/deadlock's 1,736 names became 429 alternatives,
 * 323 KB of patterns 68 KB, and libmcount's start-up 0.35 s 0.09 s.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"

/* uftrace 0.13 keeps patterns this long whole; longer alternations cost
 * regexec more per call, not less in all */
#define MAX_PATTERN 4000

int asym_names_push(struct asym_names *ns, const char *name)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap * 2 + 64;
		const char **v = realloc(ns->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n++] = name;
	return 0;
}

void asym_names_free(struct asym_names *ns)
{
	free(ns->v);
	*ns = (struct asym_names){ NULL, 0, 0 };
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts @ns and drops repeated names. */
void asym_names_sort(struct asym_names *ns)
{
	size_t out = 0;

	if (!ns->n)
		return;
	qsort(ns->v, ns->n, sizeof(*ns->v), cmp_str);
	for (size_t i = 0; i < ns->n; i++)
		if (!out || strcmp(ns->v[i], ns->v[out - 1]))
			ns->v[out++] = ns->v[i];
	ns->n = out;
}

/* How many of the sorted @v start with @prefix (@len bytes). */
static size_t count_prefixed(const char *const *v, size_t n, const char *prefix, size_t len)
{
	size_t lo = 0, hi = n, first;

	/* the first name not below the prefix */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(v[mid], prefix, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	hi = n;
	/* the first past the names that start with it */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(v[mid], prefix, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - first;
}

static size_t common_prefix(const char *a, const char *b, size_t max)
{
	size_t i = 0;

	while (i < max && a[i] && a[i] == b[i])
		i++;
	return i;
}

struct writer {
	FILE *out;
	const char *opt, *spec;
	char buf[MAX_PATTERN + 1];
	size_t len;
	unsigned count;
};

static void flush(struct writer *w)
{
	if (!w->count)
		return;
	/* -P takes no @spec: there an '@' would name a library */
	fprintf(w->out, "%s\n^(%.*s)%s%s\n", w->opt, (int)w->len, w->buf, *w->spec ? "@" : "",
		w->spec);
	w->len = 0;
	w->count = 0;
}

/* One alternative: @len bytes of @name, regex-escaped, anchored at its
 * end when @exact.  False when it cannot fit in a pattern. */
static bool put(struct writer *w, const char *name, size_t len, bool exact)
{
	size_t need = 1 + exact;

	for (size_t i = 0; i < len; i++)
		need += strchr(".[]()*+?{}|^$\\", name[i]) ? 2 : 1;
	if (need > MAX_PATTERN)
		return false;
	if (w->len + need > MAX_PATTERN)
		flush(w);
	if (w->count)
		w->buf[w->len++] = '|';
	for (size_t i = 0; i < len; i++) {
		if (strchr(".[]()*+?{}|^$\\", name[i]))
			w->buf[w->len++] = '\\';
		w->buf[w->len++] = name[i];
	}
	if (exact)
		w->buf[w->len++] = '$';
	w->count++;
	return true;
}

/*
 * A name too long for a pattern: its first bytes, if no other symbol
 * starts with them.  False when even those are shared.
 */
static bool put_long(struct writer *w, const char *name, const char *const *syms, size_t nsyms)
{
	/* at most two bytes a character, escaped, and room for the '|' */
	size_t len = (MAX_PATTERN - 1) / 2;

	return count_prefixed(syms, nsyms, name, len) == 1 && put(w, name, len, false);
}

int asym_names_write(FILE *out, const char *opt, const char *spec, struct asym_names *ns,
		     const char *const *syms, size_t nsyms)
{
	struct writer *w = calloc(1, sizeof(*w));
	size_t dropped = 0;

	if (!w)
		return -ENOMEM;
	w->out = out;
	w->opt = opt;
	w->spec = spec;
	asym_names_sort(ns);
	for (size_t k = 0; k < ns->n;) {
		const char *first = ns->v[k];
		size_t len = strlen(first), best = k, best_len = len;

		/* Grow the run while its common prefix starts as many symbols
		 * as names: none but those asked for.  Once it starts another
		 * symbol, every shorter prefix does too. */
		for (size_t j = k + 1; j < ns->n && len; j++) {
			len = common_prefix(first, ns->v[j], len);
			if (!len || count_prefixed(syms, nsyms, first, len) !=
					    count_prefixed(ns->v, ns->n, first, len))
				break;
			best = j;
			best_len = len;
		}
		if (best > k && put(w, first, best_len, false)) {
			k = best + 1;
			continue;
		}
		if (!put(w, first, strlen(first), true) && !put_long(w, first, syms, nsyms))
			dropped++;
		k++;
	}
	flush(w);
	free(w);
	if (dropped)
		asym_warn("record options: %zu names too long for a uftrace pattern, and not told "
			 "apart by their first %d bytes, left out", dropped, (MAX_PATTERN - 1) / 2);
	return ferror(out) ? -EIO : 0;
}

const char **asym_sorted_symbols(const struct asym_binary *bin, size_t *n)
{
	struct asym_names ns = { NULL, 0, 0 };

	for (size_t i = 0; i < bin->nr_funcs; i++)
		if (asym_names_push(&ns, bin->funcs[i].symbol) < 0) {
			asym_names_free(&ns);
			return NULL;
		}
	asym_names_sort(&ns);
	*n = ns.n;
	return ns.v ? ns.v : calloc(1, sizeof(char *));
}
