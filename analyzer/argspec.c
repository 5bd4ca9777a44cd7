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
	char *specs;       /* "arg1,arg2/s"; NULL: uftrace's own (no '@') */
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
 * bytes, names and name prefixes joined by '|', with no repetition at
 * all.
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

		if (at == tok)
			continue;
		au_grow(&v, &cap, *n, sizeof(*v));
		e = &v[(*n)++];
		memset(e, 0, sizeof(*e));
		/* `-A NAME` (and `-T NAME@auto-args`) is saved without '@':
		 * those functions got uftrace's own specs (auto-args.c) */
		e->pattern = at ? strndup(tok, at - tok) : xstrdup(tok);
		e->specs = at ? xstrdup(at + 1) : NULL;
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

/* Size in bytes of one "argN/fmt" or "retval/fmt" item; 0 for strings.
 * As uftrace's parse_argspec: 8 bytes unless a size or type says
 * otherwise; a struct passed by value takes its size (t0 takes none). */
static struct au_spec_item item_parse(const char *fmt, bool fp)
{
	struct au_spec_item it = { .size = 8, .fmt = fp ? 'f' : 'x', .is_float = fp };
	char c;

	if (!fmt)
		return it;
	c = fmt[0];
	if (fp && c >= '0' && c <= '9') {
		/* fparg1/32: a float of that many bits */
		int bits = atoi(fmt);

		it.size = bits == 80 ? 12 : bits == 32 ? 4 : 8;
		return it;
	}
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
		long sz = strtol(fmt + 1, NULL, 0);

		it.size = sz >= 0 && sz <= UFTRACE_MAX_PAYLOAD ? (uint16_t)sz : UFTRACE_MAX_PAYLOAD;
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

enum spec_part { SPEC_ALL, SPEC_ARGS, SPEC_RET };

/* Adds the items of @specs ("arg1/d32,retval/s"), or of one @part of it;
 * returns how many it added. */
static int add_specs(struct au_layout *lo, struct arg_item *args, int *nargs, const char *specs,
		     enum spec_part part)
{
	char *copy = xstrdup(specs), *save = NULL, *tok;
	int added = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *slash = strchr(tok, '/'), *pct = strchr(tok, '%');
		int idx;
		bool fp = false;

		if (pct)
			*pct = '\0';
		if (!strncmp(tok, "retval", 6)) {
			if (part == SPEC_ARGS)
				continue;
			lo->has_ret = 1;
			lo->ret = item_parse(slash ? slash + 1 : NULL, false);
			added++;
			continue;
		}
		if (part == SPEC_RET)
			continue;
		if (!strncmp(tok, "fparg", 5) && isdigit((unsigned char)tok[5])) {
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
		if (*nargs < AU_LAYOUT_MAX) {
			args[(*nargs)++] = (struct arg_item){ idx, fp, item_parse(slash ? slash + 1 : NULL, fp) };
			added++;
		}
next:;
	}
	free(copy);
	return added;
}

/* uftrace's own spec of one function, for its arguments or return value:
 * from its module's debug info, else from the built-in list by name. */
static void add_auto(const struct au_data *d, int32_t func, const char *const names[2],
		     struct au_layout *lo, struct arg_item *args, int *nargs, bool ret)
{
	const char *spec = au_auto_spec_dwarf(d, func, ret);
	enum spec_part part = ret ? SPEC_RET : SPEC_ARGS;

	if (spec && add_specs(lo, args, nargs, spec, part))
		return;
	for (int k = 0; k < 2 && names[k]; k++) {
		spec = au_auto_spec_builtin(d, names[k], ret);
		if (spec) {
			add_specs(lo, args, nargs, spec, part);
			return;
		}
	}
}

static int cmp_arg(const void *a, const void *b)
{
	const struct arg_item *x = a, *y = b;

	if (x->idx != y->idx)
		return x->idx - y->idx;
	return x->fp - y->fp;
}

/* Adds the specs of the entries matching @name; true if one of them asks
 * for uftrace's own specs instead (no '@'). */
static bool add_matching(const struct au_data *d, const struct au_spec_entry *v, size_t n,
			 const char *name, struct au_layout *lo, struct arg_item *args, int *nargs)
{
	bool wants_auto = false;

	for (size_t i = 0; i < n; i++) {
		if (!entry_matches(&v[i], d->pattern_glob, name))
			continue;
		if (v[i].specs)
			add_specs(lo, args, nargs, v[i].specs, SPEC_ALL);
		else
			wants_auto = true;
	}
	return wants_auto;
}

/* The layout of one function, from every spec entry that matches it, and
 * uftrace's own specs where it used them (libmcount's add_filter): for
 * an entry without '@', and with -a where no entry gave any. */
static struct au_layout *layout_build(const struct au_data *d, int32_t func)
{
	const char *name = d->funcs[func].name;
	const char *names[2] = { name, NULL };
	char *dem = NULL;
	struct arg_item args[AU_LAYOUT_MAX];
	int nargs = 0;
	bool auto_args = false, auto_ret = false;
	struct au_layout lo = { 0 }, *out;

	for (int k = 0; k < 2 && names[k]; k++) {
		auto_args |= add_matching(d, d->arg_entries, d->nr_arg_entries, names[k], &lo, args,
					  &nargs);
		auto_ret |= add_matching(d, d->ret_entries, d->nr_ret_entries, names[k], &lo, args,
					 &nargs);
		if (nargs || lo.has_ret || auto_args || auto_ret)
			break;
		/* uftrace matched its own demangled name: for Rust v0 that is
		 * the mangled one; for C++ and legacy Rust, a demangled one. */
		if (k == 0 && !strncmp(name, "_Z", 2))
			names[1] = dem = asym_demangle(name);
	}
	if (auto_args || (d->auto_args && !nargs))
		add_auto(d, func, names, &lo, args, &nargs, false);
	if (auto_ret || (d->auto_args && !lo.has_ret))
		add_auto(d, func, names, &lo, args, &nargs, true);
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

static bool any_without_specs(const struct au_spec_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].specs)
			return true;
	}
	return false;
}

bool au_specs_want_auto(const struct au_data *d)
{
	return any_without_specs(d->arg_entries, d->nr_arg_entries) ||
	       any_without_specs(d->ret_entries, d->nr_ret_entries);
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
	    (!d->nr_arg_entries && !d->nr_ret_entries && !d->auto_args))
		return NULL;
	if (!d->layouts[func]) {
		struct au_layout *lo = layout_build(d, func);

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
