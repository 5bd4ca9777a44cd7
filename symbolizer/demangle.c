// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Readable names: libiberty's Rust (legacy and v0) and C++ demanglers,
 * crate hashes removed, and the short labels futures are shown by.
 */
#include <errno.h>
#include <libiberty/demangle.h>
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"

/* Legacy Rust names end in "::h" + 16 hex digits: the crate hash. */
static void strip_legacy_hash(char *s)
{
	size_t len = strlen(s);

	if (len > 19 && !strncmp(s + len - 19, "::h", 3) &&
	    strspn(s + len - 16, "0123456789abcdef") == 16)
		s[len - 19] = '\0';
}

char *asym_demangle(const char *sym)
{
	char *d;

	if (!sym || (strncmp(sym, "_R", 2) && strncmp(sym, "_Z", 2))) {
		errno = EINVAL;
		return NULL;
	}
	/* Without DMGL_VERBOSE, v0 names come out without [hash] parts. */
	d = cplus_demangle(sym, DMGL_RUST | DMGL_PARAMS | DMGL_ANSI);
	if (!d && sym[1] == 'Z')
		d = cplus_demangle(sym, DMGL_PARAMS | DMGL_ANSI); /* C++ */
	if (!d) {
		errno = EINVAL;
		return NULL;
	}
	strip_legacy_hash(d);
	return d;
}

/* Does @s end with "::{closure#N}" (v0) or "::{{closure}}" (legacy)?
 * Returns the length without it, or 0. */
static size_t closure_suffix(const char *s)
{
	const char *p = strrchr(s, ':');
	size_t len = strlen(s);

	if (len > 13 && !strcmp(s + len - 13, "::{{closure}}"))
		return len - 13;
	if (!p || p == s || p[-1] != ':' || strncmp(p + 1, "{closure#", 9))
		return 0;
	return p - 1 - s;
}

void asym_strip_generics(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; in[i] && o + 1 < len; i++) {
		/* "::<" opens generic arguments of a path segment: skip to
		 * the matching '>' and drop the "::" written before it. */
		if (in[i] == '<' && i >= 2 && in[i - 1] == ':' && in[i - 2] == ':') {
			int depth = 1;

			if (o >= 2)
				o -= 2;
			for (i++; in[i] && depth; i++) {
				if (in[i] == '<')
					depth++;
				else if (in[i] == '>')
					depth--;
			}
			i--;
			continue;
		}
		out[o++] = in[i];
	}
	out[o] = '\0';
}

static char *label_of_plain(const char *name, enum asym_role role, int block_index);

char *asym_label_of(const char *name, enum asym_role role, int block_index)
{
	size_t len = strlen(name) + 1;
	char *out, *plain = malloc(len);

	if (!plain)
		return NULL;
	/* Generic copies of one async fn share a label. */
	asym_strip_generics(name, plain, len);
	out = label_of_plain(plain, role, block_index);
	free(plain);
	return out;
}

static char *label_of_plain(const char *name, enum asym_role role, int block_index)
{
	size_t base;
	char *out;
	const char *as;

	switch (role) {
	case ASYM_ROLE_ASYNC_FN:
		base = closure_suffix(name);
		return base ? strndup(name, base) : strdup(name);
	case ASYM_ROLE_ASYNC_BLOCK:
		base = closure_suffix(name);
		if (!base)
			base = strlen(name);
		if (asprintf(&out, "%.*s::{async_block#%d}", (int)base, name,
			     block_index < 0 ? 0 : block_index) < 0)
			return NULL;
		return out;
	case ASYM_ROLE_FUTURE_IMPL:
		/* "<T as core::future::future::Future>::poll" -> "<T as Future>" */
		as = strstr(name, " as core::future::future::Future>::poll");
		if (name[0] == '<' && as) {
			if (asprintf(&out, "%.*s as Future>", (int)(as - name), name) < 0)
				return NULL;
			return out;
		}
		return strdup(name);
	default:
		return strdup(name);
	}
}

/* The crate: first path segment; for "<T as Trait>::f", T's crate. */
char *asym_crate_of(const char *name)
{
	size_t n;

	while (*name == '<' || *name == '&' || *name == '*' || *name == ' ')
		name++;
	if (!strncmp(name, "mut ", 4))
		name += 4;
	if (!strncmp(name, "dyn ", 4))
		name += 4;
	n = strcspn(name, ":<> ,;[](){}");
	return n ? strndup(name, n) : NULL;
}
