// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Payload layouts: which arguments and return value each function's
 * records carry (formats.md 1.6).  A payload has no length field: its size
 * follows from the -A/-R specs saved in info, matched against function
 * names the way uftrace matched them while recording.
 */
#define PR_FMT "reader"

#include <ctype.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "asym.h"
#include "uftrace-data-internal.h"
#include "utils.h"

struct spec_entry {
	char *pattern;
	regex_t re;
	bool re_ok;
	char *specs;       /* "arg1,arg2/s" */
};

static struct spec_entry *entries_parse(const char *list, size_t *n, bool glob)
{
	struct spec_entry *v = NULL;
	size_t cap = 0;
	char *copy, *save = NULL, *tok;

	*n = 0;
	if (!list)
		return NULL;
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *at = strrchr(tok, '@');
		struct spec_entry *e;

		if (!at || at == tok)
			continue; /* auto-args patterns: not used by our driver */
		au_grow(&v, &cap, *n, sizeof(*v));
		e = &v[(*n)++];
		memset(e, 0, sizeof(*e));
		e->pattern = strndup(tok, at - tok);
		e->specs = xstrdup(at + 1);
		if (!glob)
			e->re_ok = regcomp(&e->re, e->pattern, REG_EXTENDED | REG_NOSUB) == 0;
	}
	free(copy);
	return v;
}

static void entries_free(struct spec_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].re_ok)
			regfree(&v[i].re);
		free(v[i].pattern);
		free(v[i].specs);
	}
	free(v);
}

static bool entry_matches(const struct spec_entry *e, bool glob, const char *name)
{
	if (glob)
		return fnmatch(e->pattern, name, 0) == 0;
	return e->re_ok && regexec(&e->re, name, 0, NULL, 0) == 0;
}

/* Size in bytes of one "argN/fmt" or "retval/fmt" item; 0 for strings. */
static struct au_spec_item item_parse(const char *fmt)
{
	struct au_spec_item it = { .size = 8, .fmt = 'x' };
	char c;

	if (!fmt)
		return it;
	c = fmt[0];
	it.fmt = c;
	if (c == 's' || c == 'S') {
		it.size = 0;
		it.is_str = 1;
	} else if (c == 'c') {
		it.size = 1;
	} else if (c == 'f') {
		int bits = atoi(fmt + 1);

		it.is_float = 1;
		it.size = bits == 80 ? 12 : bits == 32 ? 4 : 8;
	} else if (c == 't') {
		int sz = atoi(fmt + 1);

		it.size = sz > 0 && sz < 255 ? sz : 8;
	} else if (strchr("diuxop", c)) {
		int bits = atoi(fmt + 1);

		it.size = bits == 8 ? 1 : bits == 16 ? 2 : bits == 32 ? 4 : 8;
	}
	return it;
}

struct arg_item {
	int idx;
	bool fp;
	struct au_spec_item it;
};

static void add_specs(struct au_layout *lo, struct arg_item *args, int *nargs, const char *specs)
{
	char *copy = xstrdup(specs), *save = NULL, *tok;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *slash = strchr(tok, '/'), *pct = strchr(tok, '%');
		int idx;
		bool fp = false;

		if (pct)
			*pct = '\0';
		if (!strncmp(tok, "retval", 6)) {
			lo->has_ret = 1;
			lo->ret = item_parse(slash ? slash + 1 : NULL);
			continue;
		}
		if (!strncmp(tok, "fparg", 5)) {
			fp = true;
			idx = atoi(tok + 5);
		} else if (!strncmp(tok, "arg", 3) && isdigit((unsigned char)tok[3])) {
			idx = atoi(tok + 3);
		} else {
			continue;
		}
		for (int i = 0; i < *nargs; i++) {
			if (args[i].idx == idx && args[i].fp == fp)
				goto next;
		}
		if (*nargs < AU_MAX_ARGS) {
			struct au_spec_item it = item_parse(slash ? slash + 1 : (fp ? "f" : NULL));

			args[(*nargs)++] = (struct arg_item){ idx, fp, it };
		}
next:;
	}
	free(copy);
}

static int cmp_arg(const void *a, const void *b)
{
	const struct arg_item *x = a, *y = b;

	if (x->idx != y->idx)
		return x->idx - y->idx;
	return x->fp - y->fp;
}

void au_layouts_build(struct au_data *d)
{
	size_t nargs_e = 0, nret_e = 0;
	struct spec_entry *ae = entries_parse(d->argspec, &nargs_e, d->pattern_glob);
	struct spec_entry *re = entries_parse(d->retspec, &nret_e, d->pattern_glob);

	d->layouts = xcalloc(d->nr_funcs ? d->nr_funcs : 1, sizeof(*d->layouts));
	if (!nargs_e && !nret_e)
		goto out;
	for (size_t f = 0; f < d->nr_funcs; f++) {
		const char *names[2] = { d->funcs[f].name, NULL };
		char *dem = NULL;
		struct arg_item args[AU_MAX_ARGS];
		int nargs = 0;
		struct au_layout lo = { 0 };

		/* uftrace matched its own demangled name: for Rust v0 that is
		 * the mangled one; for C++ and legacy Rust, a demangled one. */
		if (!strncmp(names[0], "_Z", 2)) {
			dem = asym_demangle(names[0]);
			names[1] = dem;
		}
		for (int k = 0; k < 2 && names[k]; k++) {
			for (size_t i = 0; i < nargs_e; i++) {
				if (entry_matches(&ae[i], d->pattern_glob, names[k]))
					add_specs(&lo, args, &nargs, ae[i].specs);
			}
			for (size_t i = 0; i < nret_e; i++) {
				if (entry_matches(&re[i], d->pattern_glob, names[k]))
					add_specs(&lo, args, &nargs, re[i].specs);
			}
			if (nargs || lo.has_ret)
				break;
		}
		free(dem);
		if (!nargs && !lo.has_ret)
			continue;
		qsort(args, nargs, sizeof(*args), cmp_arg);
		lo.nargs = nargs;
		for (int i = 0; i < nargs; i++)
			lo.args[i] = args[i].it;
		d->layouts[f] = xmalloc(sizeof(lo));
		*d->layouts[f] = lo;
	}
out:
	entries_free(ae, nargs_e);
	entries_free(re, nret_e);
}

void au_layouts_free(struct au_data *d)
{
	if (!d->layouts)
		return;
	for (size_t i = 0; i < d->nr_funcs; i++)
		free(d->layouts[i]);
	free(d->layouts);
	d->layouts = NULL;
}
