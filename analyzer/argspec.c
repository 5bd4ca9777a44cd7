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

struct au_spec_entry {
	char *pattern;
	regex_t re;
	bool re_ok;
	char *specs;       /* "arg1,arg2/s" */
};

/*
 * glibc's regcomp copies a subexpression for every '+' and {m,n} applied
 * to it, so stacked repetitions ("a+++...", "((a{99}){99}){99}") grow it
 * exponentially, and it recurses on nested groups: a corrupt info file
 * could take gigabytes or the stack.  Its epsilon closures also grow
 * faster than linearly with repetitions, stacked ones above all
 * ("a*******": 262 bytes took a second) and with alternatives (10,000
 * took 0.4 s, 20,000 over a second).  ere_cost() bounds all of these
 * before compiling; record-options writes patterns of at most 4,000
 * bytes, names joined by '|', with no repetition at all.
 */
#define ERE_MAX_NODES 20000.0
#define ERE_MAX_DEPTH 64
#define ERE_MAX_ALTS 4096
#define ERE_MAX_REPEATS 256
#define ERE_MAX_STACKED 3

struct ere_cost {
	unsigned alts, repeats;
	bool stacked;              /* more than ERE_MAX_STACKED in a row */
};

static double ere_alt(const char **pp, int depth, struct ere_cost *c);

/* Nodes of one branch, up to '|', ')' or the end. */
static double ere_seq(const char **pp, int depth, struct ere_cost *c)
{
	const char *p = *pp;
	double total = 0, last = 0;
	unsigned in_row = 0;

	while (*p && *p != '|' && *p != ')') {
		bool op = *p == '+' || *p == '*' || *p == '?' || *p == '{';

		if (op) {
			c->repeats++;
			if (++in_row > ERE_MAX_STACKED)
				c->stacked = true;
		} else {
			in_row = 0;
		}
		if (*p == '+') {
			last = 2 * last + 1;
			p++;
		} else if (*p == '*' || *p == '?') {
			last += 1;
			p++;
		} else if (*p == '{') {
			/* {m}, {m,} or {m,n}: about max(m, n) + 1 copies */
			unsigned long m = strtoul(p + 1, (char **)&p, 10), n = 0;

			if (*p == ',')
				n = strtoul(p + 1, (char **)&p, 10);
			if (*p == '}')
				p++;
			last = last * ((double)(m > n ? m : n) + 2) + 1;
		} else {
			total += last;
			last = 1;
			if (*p == '(') {
				p++;
				last = depth >= ERE_MAX_DEPTH ? ERE_MAX_NODES * 2
							     : ere_alt(&p, depth + 1, c) + 1;
				if (*p == ')')
					p++;
			} else if (*p == '[') {
				/* a bracket expression: ']' first is literal, [:x:] nests */
				p += p[1] == '^' ? 2 : 1;
				if (*p == ']')
					p++;
				while (*p && *p != ']') {
					if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
						const char *e = strchr(p + 2, p[1]);

						p = e && e[1] == ']' ? e + 2 : p + 1;
					} else {
						p++;
					}
				}
				if (*p)
					p++;
			} else {
				p += *p == '\\' && p[1] ? 2 : 1;
			}
		}
	}
	*pp = p;
	return total + last;
}

static double ere_alt(const char **pp, int depth, struct ere_cost *c)
{
	double total = ere_seq(pp, depth, c);

	while (**pp == '|') {
		(*pp)++;
		c->alts++;
		total += ere_seq(pp, depth, c) + 1;
	}
	return total;
}

/* Whether regcomp can take @pattern (extended syntax) in bounded time and
 * memory. */
static bool ere_affordable(const char *pattern)
{
	struct ere_cost c = { 0 };
	double nodes = 0;

	/* A ')' with no '(' is a literal for glibc: count it and go on. */
	for (;;) {
		nodes += ere_alt(&pattern, 0, &c);
		if (!*pattern)
			break;
		pattern++;
		nodes++;
	}
	return nodes <= ERE_MAX_NODES && c.alts <= ERE_MAX_ALTS && c.repeats <= ERE_MAX_REPEATS &&
	       !c.stacked;
}

static struct au_spec_entry *entries_parse(const char *list, size_t *n, bool glob)
{
	struct au_spec_entry *v = NULL;
	size_t cap = 0;
	char *copy, *save = NULL, *tok;

	*n = 0;
	if (!list)
		return NULL;
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *at = strrchr(tok, '@');
		struct au_spec_entry *e;

		if (!at || at == tok)
			continue; /* auto-args patterns: not used by our driver */
		au_grow(&v, &cap, *n, sizeof(*v));
		e = &v[(*n)++];
		memset(e, 0, sizeof(*e));
		e->pattern = strndup(tok, at - tok);
		e->specs = xstrdup(at + 1);
		if (glob)
			continue;
		if (!ere_affordable(e->pattern))
			pr_warn("argspec pattern '%.40s...' too costly to compile: ignored", e->pattern);
		else
			e->re_ok = regcomp(&e->re, e->pattern, REG_EXTENDED | REG_NOSUB) == 0;
	}
	free(copy);
	return v;
}

static void entries_free(struct au_spec_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].re_ok)
			regfree(&v[i].re);
		free(v[i].pattern);
		free(v[i].specs);
	}
	free(v);
}

static bool entry_matches(const struct au_spec_entry *e, bool glob, const char *name)
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
	} else if (c && strchr("diuxop", c)) { /* strchr finds '\0' too */
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

/* The layout of one function, from every spec entry that matches it. */
static struct au_layout *layout_build(const struct au_data *d, const char *name)
{
	const char *names[2] = { name, NULL };
	char *dem = NULL;
	struct arg_item args[AU_MAX_ARGS];
	int nargs = 0;
	struct au_layout lo = { 0 }, *out;

	for (int k = 0; k < 2 && names[k]; k++) {
		for (size_t i = 0; i < d->nr_arg_entries; i++) {
			if (entry_matches(&d->arg_entries[i], d->pattern_glob, names[k]))
				add_specs(&lo, args, &nargs, d->arg_entries[i].specs);
		}
		for (size_t i = 0; i < d->nr_ret_entries; i++) {
			if (entry_matches(&d->ret_entries[i], d->pattern_glob, names[k]))
				add_specs(&lo, args, &nargs, d->ret_entries[i].specs);
		}
		if (nargs || lo.has_ret)
			break;
		/* uftrace matched its own demangled name: for Rust v0 that is
		 * the mangled one; for C++ and legacy Rust, a demangled one. */
		if (k == 0 && !strncmp(name, "_Z", 2))
			names[1] = dem = asym_demangle(name);
	}
	free(dem);
	if (!nargs && !lo.has_ret)
		return NULL;
	qsort(args, nargs, sizeof(*args), cmp_arg);
	lo.nargs = nargs;
	for (int i = 0; i < nargs; i++)
		lo.args[i] = args[i].it;
	out = xmalloc(sizeof(lo));
	*out = lo;
	return out;
}

/* Marks a function whose layout was computed and found empty. */
static struct au_layout no_layout;

void au_specs_parse(struct au_data *d)
{
	d->arg_entries = entries_parse(d->argspec, &d->nr_arg_entries, d->pattern_glob);
	d->ret_entries = entries_parse(d->retspec, &d->nr_ret_entries, d->pattern_glob);
}

void au_specs_free(struct au_data *d)
{
	entries_free(d->arg_entries, d->nr_arg_entries);
	entries_free(d->ret_entries, d->nr_ret_entries);
	d->arg_entries = d->ret_entries = NULL;
	d->nr_arg_entries = d->nr_ret_entries = 0;
}

void au_layouts_build(struct au_data *d)
{
	d->layouts = xcalloc(d->nr_funcs ? d->nr_funcs : 1, sizeof(*d->layouts));
}

/*
 * Layouts are matched on first use, not at open: a recording's records
 * carry payloads for a handful of functions, while matching every pattern
 * against every symbol of a large binary took most of the open time.
 */
const struct au_layout *au_layout_of(struct au_data *d, int32_t func)
{
	if (func < 0 || (size_t)func >= d->nr_funcs ||
	    (!d->nr_arg_entries && !d->nr_ret_entries))
		return NULL;
	if (!d->layouts[func]) {
		struct au_layout *lo = layout_build(d, d->funcs[func].name);

		d->layouts[func] = lo ? lo : &no_layout;
	}
	return d->layouts[func] == &no_layout ? NULL : d->layouts[func];
}

void au_layouts_free(struct au_data *d)
{
	if (!d->layouts)
		return;
	for (size_t i = 0; i < d->nr_funcs; i++) {
		if (d->layouts[i] != &no_layout)
			free(d->layouts[i]);
	}
	free(d->layouts);
	d->layouts = NULL;
}
