// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The argument specs uftrace chose by itself: with `record -a`
 * (--auto-args, info's "auto-args:1") for every function, or for those
 * named by an argspec entry without '@' (`-A NAME`, `-T NAME@auto-args`).
 * Such records carry payloads that no -A/-R spec in info describes, and
 * their size is needed to find the next record.
 *
 * uftrace 0.13 (libmcount's add_filter and find_auto_argspec) takes a
 * function's spec from the debug info it saved in <module>.dbg ("F:
 * <offset> <name>" then "A: @arg1/p,..." and "R: @retval/..."), when
 * that module's file has any, else from its built-in list of libc
 * functions saved in info ("argauto:" / "retauto:", exact names).  An
 * offset listed twice makes its entry unusable, as in uftrace.
 */
#define PR_FMT "reader"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uftrace-data-internal.h"
#include "utils.h"

struct dbg_entry {
	uint64_t offset;
	const char *args, *ret; /* after the '@'; NULL: none or conflicting */
	bool args_dup, ret_dup;
};

struct au_dbg_module {
	struct dbg_entry *entries;  /* by offset */
	size_t nr;
	bool has_specs;             /* any A: or R: line (debug_info_has_argspec) */
};

struct named_spec {
	const char *name, *spec;
};

struct au_auto_args {
	char *arg_list, *ret_list;   /* info's lists, split in place */
	struct named_spec *args, *rets;
	size_t nr_args, nr_rets;
	struct au_dbg_module *mods;  /* per module of d->modules */
	size_t nr_mods;
	char **bufs;                 /* the .dbg files' text */
	size_t nr_bufs, cap_bufs;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named_spec *)a)->name, ((const struct named_spec *)b)->name);
}

/* "malloc@arg1/u;free@arg1/p;..." -> sorted (name, spec) pairs. */
static struct named_spec *list_parse(char *list, size_t *n)
{
	struct named_spec *v = NULL;
	size_t cap = 0;
	char *save = NULL, *tok;

	*n = 0;
	if (!list)
		return NULL;
	for (tok = strtok_r(list, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *at = strchr(tok, '@');

		if (!at || at == tok)
			continue;
		*at = '\0';
		au_grow(&v, &cap, *n, sizeof(*v));
		v[(*n)++] = (struct named_spec){ tok, at + 1 };
	}
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_named);
	return v;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct dbg_entry *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int32_t module_by_path(const struct au_data *d, const char *path)
{
	for (size_t i = 0; i < d->nr_modules; i++) {
		if (!strcmp(d->modules[i].path, path))
			return (int32_t)i;
	}
	return -1;
}

/* One .dbg file: "# path name: P", then F:/A:/R: (and E:, L:) lines. */
static void dbg_read(struct au_data *d, struct au_auto_args *aa, const char *path)
{
	size_t len, cap = 0;
	char *buf = au_read_file(path, &len), *line, *next;
	struct dbg_entry *v = NULL;
	size_t n = 0, out = 0;
	uint64_t offset = 0;
	bool in_func = false, has_specs = false;
	int32_t mod = -1;

	if (!buf) {
		pr_warn("%s: %s", path, strerror(errno));
		return;
	}
	for (line = buf; line < buf + len; line = next) {
		char *nl = memchr(line, '\n', buf + len - line), *p;

		next = nl ? nl + 1 : buf + len;
		if (nl)
			*nl = '\0';
		if (!strncmp(line, "# path name: ", 13)) {
			mod = module_by_path(d, line + 13);
			continue;
		}
		if (line[0] == '#' || line[1] != ':' || line[2] != ' ')
			continue;
		if (line[0] == 'F') {
			offset = strtoull(line + 3, &p, 16);
			in_func = p != line + 3;
			continue;
		}
		if ((line[0] != 'A' && line[0] != 'R') || !in_func)
			continue;
		has_specs = true;
		p = strchr(line + 3, '@');
		if (!n || v[n - 1].offset != offset) {
			au_grow(&v, &cap, n, sizeof(*v));
			v[n++] = (struct dbg_entry){ .offset = offset };
		}
		/* A second A: (or R:) line for one offset: uftrace marks the
		 * entry broken and falls back to its built-in list. */
		if (line[0] == 'A') {
			v[n - 1].args_dup |= v[n - 1].args != NULL;
			v[n - 1].args = p ? p + 1 : "";
		} else {
			v[n - 1].ret_dup |= v[n - 1].ret != NULL;
			v[n - 1].ret = p ? p + 1 : "";
		}
	}
	if (mod < 0 || (size_t)mod >= aa->nr_mods || aa->mods[mod].entries || aa->mods[mod].has_specs) {
		/* no such module, or a second file for it: keep the first */
		free(v);
		free(buf);
		return;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_entry);
	/* The same offset under two F: lines, apart in the file: one entry,
	 * as uftrace keeps one per offset in each of its A: and R: trees (a
	 * spec given twice is broken, one given once stands). */
	for (size_t i = 0; i < n; i++) {
		struct dbg_entry *e = out ? &v[out - 1] : NULL;

		if (!e || e->offset != v[i].offset) {
			v[out++] = v[i];
			continue;
		}
		e->args_dup |= v[i].args_dup || (e->args && v[i].args);
		e->ret_dup |= v[i].ret_dup || (e->ret && v[i].ret);
		if (!e->args)
			e->args = v[i].args;
		if (!e->ret)
			e->ret = v[i].ret;
	}
	aa->mods[mod] = (struct au_dbg_module){ v, out, has_specs };
	au_grow(&aa->bufs, &aa->cap_bufs, aa->nr_bufs, sizeof(*aa->bufs));
	aa->bufs[aa->nr_bufs++] = buf;
}

static void dbg_read_cb(struct au_data *d, const char *path, void *aa)
{
	dbg_read(d, aa, path);
}

void au_auto_args_read(struct au_data *d)
{
	struct au_auto_args *aa;

	if (!d->auto_args && !au_specs_want_auto(d))
		return;
	aa = d->auto_specs = xcalloc(1, sizeof(*aa));
	aa->arg_list = d->argauto ? xstrdup(d->argauto) : NULL;
	aa->ret_list = d->retauto ? xstrdup(d->retauto) : NULL;
	aa->args = list_parse(aa->arg_list, &aa->nr_args);
	aa->rets = list_parse(aa->ret_list, &aa->nr_rets);
	aa->nr_mods = d->nr_modules;
	aa->mods = xcalloc(aa->nr_mods ? aa->nr_mods : 1, sizeof(*aa->mods));
	au_dir_each(d, ".dbg", dbg_read_cb, aa);
}

const char *au_auto_spec_dwarf(const struct au_data *d, int32_t func, bool ret)
{
	const struct au_auto_args *aa = d->auto_specs;
	const struct au_func *f;
	const struct au_dbg_module *m;
	const struct dbg_entry *e;
	struct dbg_entry key;

	if (!aa || func < 0 || (size_t)func >= d->nr_funcs)
		return NULL;
	f = &d->funcs[func];
	if (f->module >= aa->nr_mods)
		return NULL;
	m = &aa->mods[f->module];
	if (!m->has_specs || !m->nr)
		return NULL;
	key.offset = f->addr;
	e = bsearch(&key, m->entries, m->nr, sizeof(key), cmp_entry);
	if (!e || (ret ? e->ret_dup : e->args_dup))
		return NULL;
	return ret ? e->ret : e->args;
}

const char *au_auto_spec_builtin(const struct au_data *d, const char *name, bool ret)
{
	const struct au_auto_args *aa = d->auto_specs;
	struct named_spec key = { name, NULL };
	const struct named_spec *e;

	if (!aa || !name || !(ret ? aa->nr_rets : aa->nr_args))
		return NULL;
	e = bsearch(&key, ret ? aa->rets : aa->args, ret ? aa->nr_rets : aa->nr_args, sizeof(key),
		    cmp_named);
	return e ? e->spec : NULL;
}

void au_auto_args_free(struct au_data *d)
{
	struct au_auto_args *aa = d->auto_specs;

	if (!aa)
		return;
	for (size_t i = 0; i < aa->nr_mods; i++)
		free(aa->mods[i].entries);
	free(aa->mods);
	for (size_t i = 0; i < aa->nr_bufs; i++)
		free(aa->bufs[i]);
	free(aa->bufs);
	free(aa->args);
	free(aa->rets);
	free(aa->arg_list);
	free(aa->ret_list);
	free(aa);
	d->auto_specs = NULL;
}
