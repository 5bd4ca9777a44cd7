// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Modules and their *.sym files (formats.md 1.4), and address resolution.
 *
 * Every module's functions go into one global array, each module owning a
 * contiguous, address-sorted slice, so a function is an integer everywhere
 * after this point.
 */
#define PR_FMT "reader"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uftrace-data-internal.h"
#include "utils.h"

uint32_t au_module_get(struct au_data *d, const char *path, const char *build_id, bool main)
{
	struct au_module *m;

	for (size_t i = 0; i < d->nr_modules; i++) {
		if (!strcmp(d->modules[i].path, path)) {
			d->modules[i].main |= main;
			return i;
		}
	}
	au_grow(&d->modules, &d->cap_modules, d->nr_modules, sizeof(*d->modules));
	m = &d->modules[d->nr_modules];
	memset(m, 0, sizeof(*m));
	m->path = xstrdup(path);
	m->build_id = build_id && *build_id ? xstrdup(build_id) : NULL;
	m->main = main;
	return d->nr_modules++;
}

static bool is_func_type(char t)
{
	return t == 'T' || t == 't' || t == 'W' || t == 'w' || t == 'P';
}

static int cmp_func(const void *a, const void *b)
{
	const struct au_func *fa = a, *fb = b;

	return fa->addr < fb->addr ? -1 : fa->addr > fb->addr;
}

static bool funcs_sorted(const struct au_func *f, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (f[i].addr < f[i - 1].addr)
			return false;
	}
	return true;
}

/*
 * One .sym file: "%016x <type> <name>" (0.13: sizes are the distance to the
 * next line of the group; '?' marker lines close groups) or
 * "%016x %08x <type> <name>" (0.14+: explicit sizes, no markers).
 *
 * The file is read whole and split in place: function names point into
 * its buffer (kept in d->sym_bufs), one allocation per file rather than
 * one per symbol.
 */
static void sym_read(struct au_data *d, const char *path)
{
	size_t len;
	char *buf = au_read_file(path, &len), *line, *next;
	char modpath[4096] = "", bid[128] = "";
	size_t first = d->nr_funcs, group_start;
	struct au_module *mod;
	uint32_t midx;
	bool sized = false;

	if (!buf) {
		pr_warn("%s: %s", path, strerror(errno));
		return;
	}
	group_start = first;
	for (line = buf; line < buf + len; line = next) {
		char *nl = memchr(line, '\n', buf + len - line);
		uint64_t addr, size = 0;
		char *p, *name, type;

		next = nl ? nl + 1 : buf + len;
		if (nl)
			*nl = '\0';
		if (line[0] == '#') {
			sscanf(line, "# path name: %4095[^\n]", modpath);
			sscanf(line, "# build-id: %127s", bid);
			continue;
		}
		addr = strtoull(line, &p, 16);
		if (p == line || *p != ' ')
			continue;
		p++;
		/* A second hex column is the 0.14+ size. */
		if (strlen(p) > 9 && p[8] == ' ' && strspn(p, "0123456789abcdef") == 8) {
			size = strtoull(p, NULL, 16);
			p += 9;
			sized = true;
		}
		type = p[0];
		if (!type || p[1] != ' ')
			continue;
		name = p + 2;
		/* 0.13: close the open group's last size at this address. */
		if (!sized && d->nr_funcs > group_start) {
			struct au_func *prev = &d->funcs[d->nr_funcs - 1];

			if (!prev->size && addr >= prev->addr)
				prev->size = addr - prev->addr;
		}
		if (type == '?') {
			group_start = d->nr_funcs;
			continue;
		}
		if (!is_func_type(type))
			continue;
		au_grow(&d->funcs, &d->cap_funcs, d->nr_funcs, sizeof(*d->funcs));
		d->funcs[d->nr_funcs++] = (struct au_func){ .addr = addr, .size = size,
							    .name = name };
	}
	if (!modpath[0]) {
		pr_warn("%s: no '# path name' header: skipped", path);
		goto drop;
	}
	midx = au_module_get(d, modpath, bid, false);
	mod = &d->modules[midx];
	if (mod->nr_funcs) {
		/* Two .sym files for one path (name clash): keep the first. */
		goto drop;
	}
	/* uftrace writes them sorted: the check is cheaper than the sort. */
	if (d->nr_funcs > first && !funcs_sorted(d->funcs + first, d->nr_funcs - first))
		qsort(d->funcs + first, d->nr_funcs - first, sizeof(*d->funcs), cmp_func);
	mod->first_func = first;
	mod->nr_funcs = d->nr_funcs - first;
	for (size_t i = first; i < d->nr_funcs; i++) {
		d->funcs[i].module = midx;
		/* The last function of a 0.13 group has no size: give it a
		 * small one rather than the rest of the address space. */
		if (!d->funcs[i].size)
			d->funcs[i].size = i + 1 < d->nr_funcs ? d->funcs[i + 1].addr - d->funcs[i].addr
							       : 16;
	}
	au_grow(&d->sym_bufs, &d->cap_sym_bufs, d->nr_sym_bufs, sizeof(*d->sym_bufs));
	d->sym_bufs[d->nr_sym_bufs++] = buf;
	return;
drop:
	d->nr_funcs = first;
	free(buf);
}

static void sym_read_cb(struct au_data *d, const char *path, void *arg)
{
	(void)arg;
	sym_read(d, path);
}

void au_symtabs_read(struct au_data *d)
{
	bool main_found = false;

	au_dir_each(d, ".sym", sym_read_cb, NULL);

	for (size_t i = 0; i < d->nr_modules; i++) {
		struct au_module *m = &d->modules[i];

		if (m->main && m->nr_funcs)
			main_found = true;
		/* dlopen'ed modules were added with an open end: close it. */
		for (size_t s = 0; s < d->nr_sessions; s++) {
			struct au_session *ss = &d->sessions[s];

			for (size_t r = 0; r < ss->nr_ranges; r++) {
				struct au_range *rg = &ss->ranges[r];

				if (rg->module == i && !rg->end && m->nr_funcs) {
					const struct au_func *last = &d->funcs[m->first_func + m->nr_funcs - 1];

					rg->end = rg->start + last->addr + last->size;
				}
			}
		}
		m->start = m->end = 0;
		for (size_t s = 0; s < d->nr_sessions && !m->start; s++) {
			for (size_t r = 0; r < d->sessions[s].nr_ranges; r++) {
				if (d->sessions[s].ranges[r].module == i) {
					m->start = d->sessions[s].ranges[r].start;
					m->end = d->sessions[s].ranges[r].end;
					break;
				}
			}
		}
	}
	if (!main_found)
		pr_warn("%s: no symbols of the program: functions will show as addresses", d->dir);
}

static const struct au_range *range_find(const struct au_session *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nr_ranges;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (addr < s->ranges[mid].start)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo == 0)
		return NULL;
	return addr < s->ranges[lo - 1].end ? &s->ranges[lo - 1] : NULL;
}

static int32_t resolve_slow(struct au_data *d, struct au_stream *st, uint64_t addr);

int32_t au_resolve(struct au_data *d, struct au_stream *st, uint64_t addr)
{
	struct au_rcache *c;

	if (!d->rcache)
		d->rcache = xcalloc(AU_RCACHE, sizeof(*d->rcache));
	c = &d->rcache[(addr ^ (addr >> 12)) & (AU_RCACHE - 1)];
	if (c->addr == addr && c->session == st->session && c->addr)
		return c->func;
	c->addr = addr;
	c->session = st->session;
	c->func = resolve_slow(d, st, addr);
	return c->func;
}

static int32_t resolve_slow(struct au_data *d, struct au_stream *st, uint64_t addr)
{
	const struct au_range *r = st->cache;
	const struct au_module *m;
	uint64_t off;
	size_t lo, hi;

	if (!r || addr < r->start || addr >= r->end) {
		if (!st->session || !(r = range_find(st->session, addr)))
			return -1;
		st->cache = r;
	}
	m = &d->modules[r->module];
	off = addr - r->start;
	lo = m->first_func;
	hi = m->first_func + m->nr_funcs;
	/* The last function starting at or before off. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (off < d->funcs[mid].addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo == m->first_func)
		return -1;
	lo--;
	return off < d->funcs[lo].addr + d->funcs[lo].size ? (int32_t)lo : -1;
}
