// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Readable names: libiberty's Rust (legacy and v0) and C++ demanglers,
 * crate hashes removed, and the short labels futures are shown by.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
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

/* Index of the '>' closing the '<' at @i (or @n): "->" of fn types is no bracket. */
static size_t closing_angle(const char *s, size_t i, size_t n)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '<')
			depth++;
		else if (s[i] == '>' && !(i && s[i - 1] == '-') && --depth == 0)
			return i;
	}
	return n;
}

struct sbuf {
	char *out;
	size_t len, cap;
};

static void sb_putc(struct sbuf *sb, char c)
{
	if (sb->len + 1 < sb->cap)
		sb->out[sb->len++] = c;
}

static void strip_range(struct sbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (s[i] != '<') {
			sb_putc(sb, s[i]);
			continue;
		}
		j = closing_angle(s, i, n);
		if (i == 0) {
			/* A qualified path opens the name: "<T as Trait>" or an
			 * inherent impl's "<T>"; keep it, minus T's arguments. */
			sb_putc(sb, '<');
			strip_range(sb, s + 1, j > 0 ? j - 1 : 0);
			if (j < n)
				sb_putc(sb, '>');
		} else if (sb->len >= 2 && sb->out[sb->len - 1] == ':' &&
			   sb->out[sb->len - 2] == ':') {
			sb->len -= 2; /* "::<F>" turbofish */
		}
		/* else: "Type<A, B>" generic arguments, dropped */
		i = j;
	}
}

void asym_strip_generics(const char *in, char *out, size_t len)
{
	struct sbuf sb = { out, 0, len };

	if (!len)
		return;
	strip_range(&sb, in, strlen(in));
	out[sb.len] = '\0';
}

static char *label_of_plain(const char *name, enum asym_role role, int block_index);

/* Is the type at @t (@n bytes, generic arguments from its first '<') a
 * stream's future: its path has a "stream" or "stream_ext" module, or
 * it is tokio-stream's?  (futures' Next, Collect, ForEach; tokio-stream's
 * and async-std's next futures) */
static bool in_stream_module(const char *t, size_t n)
{
	size_t path = strcspn(t, "<");

	if (path > n)
		path = n;
	if (!strncmp(t, "tokio_stream::", 14))
		return true;
	for (size_t i = 0; i < path;) {
		size_t seg = i;

		while (i < path && t[i] != ':')
			i++;
		if ((i - seg == 6 && !strncmp(t + seg, "stream", 6)) ||
		    (i - seg == 10 && !strncmp(t + seg, "stream_ext", 10)))
			return i < path; /* a module, not the type's own name */
		while (i < path && t[i] == ':')
			i++;
	}
	return false;
}

/* The generic arguments at @args (just after their '<', at most @n
 * bytes): the length of the first one and where the last one starts
 * (@last may be NULL);
 * returns the offset of the closing '>' (@n, or the string's end, when
 * there is none).  A "->" in a fn type closes nothing. */
static size_t scan_generic_args(const char *args, size_t n, size_t *first_len,
				const char **last)
{
	size_t depth = 0, end;
	bool comma = false;

	if (last)
		*last = args;
	for (end = 0; end < n && args[end]; end++) {
		char c = args[end];

		if (c == '<') {
			depth++;
		} else if (c == '>' && !(end && args[end - 1] == '-') && depth-- == 0) {
			break;
		} else if (c == ',' && depth == 0) {
			if (!comma)
				*first_len = end;
			comma = true;
			if (last)
				*last = args + end + 1;
		}
	}
	if (!comma)
		*first_len = end;
	return end;
}

/* Is the path at @t (@n bytes, no generics) tokio's blocking-pool task? */
static bool is_blocking_task(const char *t, size_t n)
{
	static const char bt[] = "tokio::runtime::blocking::task::BlockingTask";

	return n == sizeof(bt) - 1 && !strncmp(t, bt, n);
}

/* "a::f::{closure#0}::{closure#1}" -> "a::f": the function whose closure
 * a blocking-pool task runs reads better than its closures' numbers. */
static void drop_closures(char *path)
{
	char *seg;

	while ((seg = strrchr(path, ':')) && seg > path + 1 && seg[-1] == ':' &&
	       !strncmp(seg + 1, "{closure#", 9))
		seg[-1] = '\0';
}

/* Strips "&mut ", "&", and Pin<..> / Box<..> around the type at @t. */
static void unwrap_pointer(const char **t, size_t *n)
{
	static const char *const wrappers[] = { "core::pin::Pin<", "alloc::boxed::Box<" };
	bool again = true;

	while (again) {
		again = false;
		if (*n > 5 && !strncmp(*t, "&mut ", 5)) {
			*t += 5, *n -= 5, again = true;
		} else if (*n > 1 && **t == '&') {
			*t += 1, *n -= 1, again = true;
		}
		for (size_t w = 0; w < 2; w++) {
			size_t wl = strlen(wrappers[w]);

			if (*n > wl + 1 && !strncmp(*t, wrappers[w], wl) && (*t)[*n - 1] == '>') {
				*t += wl, *n -= wl + 1, again = true;
			}
		}
	}
}

/*
 * The label of a stream's future names the stream, its first generic
 * argument: "<futures_util::stream::stream::next::Next<
 * futures_channel::mpsc::Receiver> as Future>".  `rx.next().await` and
 * `fu.next().await` wait on different things, and without it both read
 * "Next".  Likewise tokio's blocking-pool task names the closure it runs:
 * "<tokio::runtime::blocking::task::BlockingTask<tokio::fs::read::read>
 * as Future>" (a closure of read), where every `tokio::fs` call and every
 * `spawn_blocking` read "BlockingTask".  @t is the future's type (@n
 * bytes) with its generic arguments, as in a demangled name or DWARF.
 * NULL when it is neither.
 */
static char *argument_label(const char *t, size_t n)
{
	size_t lt = strcspn(t, "<"), end;
	const char *arg;
	char *path, *inner, *out = NULL;

	if (lt >= n || !(in_stream_module(t, n) || is_blocking_task(t, lt)))
		return NULL;
	arg = t + lt + 1;
	scan_generic_args(arg, n - lt - 1, &end, NULL);
	unwrap_pointer(&arg, &end);
	if (!end)
		return NULL;
	path = strndup(t, lt);
	inner = strndup(arg, end);
	if (path && inner) {
		size_t len = end + 1;
		char *plain = malloc(len);

		if (plain) {
			asym_strip_generics(inner, plain, len);
			if (is_blocking_task(t, lt))
				drop_closures(plain);
			if (asprintf(&out, "<%s<%s> as Future>", path, plain) < 0)
				out = NULL;
			free(plain);
		}
	}
	free(path);
	free(inner);
	return out;
}

char *asym_shorten(const char *name)
{
	size_t len = strlen(name) + 1;
	char *out = malloc(len);

	if (out)
		asym_strip_generics(name, out, len);
	return out;
}

const char *asym_future_self(const char *name, size_t *len)
{
	static const char impl[] = " as core::future::future::Future>::poll";
	size_t n = name ? strlen(name) : 0;

	if (n <= sizeof(impl) || name[0] != '<' || strcmp(name + n - (sizeof(impl) - 1), impl))
		return NULL;
	*len = n - (sizeof(impl) - 1) - 1;
	return name + 1;
}

/*
 * The blocking crate's unblock (smol's, and async-std's spawn_blocking
 * and fs) runs a closure on its thread pool in an async block generic
 * over it: "blocking::unblock::<T, F>::{closure#0}".  Labelled with F's
 * function, "blocking::unblock<async_std::fs::read::read>", as tokio's
 * BlockingTask is, rather than one "blocking::unblock::{async_block#0}"
 * for every call.  NULL for any other name.
 */
static char *unblock_label(const char *name)
{
	static const char unblock[] = "blocking::unblock::<";
	const char *args = name + sizeof(unblock) - 1, *f;
	size_t end, first;
	char *f_name, *plain, *out = NULL;

	if (strncmp(name, unblock, sizeof(unblock) - 1))
		return NULL;
	/* F, the last argument */
	end = scan_generic_args(args, strlen(args), &first, &f);
	while (*f == ' ')
		f++;
	if (!args[end] || f >= args + end)
		return NULL;
	f_name = strndup(f, args + end - f);
	plain = f_name ? malloc(strlen(f_name) + 1) : NULL;
	if (plain) {
		asym_strip_generics(f_name, plain, strlen(f_name) + 1);
		drop_closures(plain);
		if (asprintf(&out, "blocking::unblock<%s>", plain) < 0)
			out = NULL;
	}
	free(f_name);
	free(plain);
	return out;
}

char *asym_label_of(const char *name, enum asym_role role, int block_index)
{
	size_t len = strlen(name) + 1;
	char *out, *plain = malloc(len);

	if (!plain)
		return NULL;
	if (role == ASYM_ROLE_FUTURE_IMPL) {
		size_t tlen;
		const char *t = asym_future_self(name, &tlen);

		if (t && (out = argument_label(t, tlen))) {
			free(plain);
			return out;
		}
	}
	if (role == ASYM_ROLE_ASYNC_BLOCK && (out = unblock_label(name))) {
		free(plain);
		return out;
	}
	/* Generic copies of one async fn share a label. */
	asym_strip_generics(name, plain, len);
	out = label_of_plain(plain, role, block_index);
	free(plain);
	return out;
}

/* An async closure's body: "app::main::{closure#0}::{closure#0}<i16>" (the
 * closure, then its body's coroutine; the generic is the closure's kind)
 * reads "app::main::{async_closure#0}". */
char *asym_async_closure_label(const char *name)
{
	size_t len = strlen(name) + 1, body;
	char *plain = malloc(len), *out = NULL;

	if (!plain)
		return NULL;
	asym_strip_generics(name, plain, len);
	body = closure_suffix(plain);
	if (body) {
		size_t closure;

		plain[body] = '\0';
		closure = closure_suffix(plain);
		if (closure && asprintf(&out, "%.*s::{async_closure#%s", (int)closure, plain,
					plain + closure + strlen("::{closure#")) < 0)
			out = NULL;
	}
	free(plain);
	return out;
}

static char *label_of_plain(const char *name, enum asym_role role, int block_index)
{
	size_t base;
	char *out;
	const char *t;

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
		if ((t = asym_future_self(name, &base))) {
			if (asprintf(&out, "<%.*s as Future>", (int)base, t) < 0)
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

/* "a::f::{async_fn_env#0}" -> "a::f"; "a::f::{async_block_env#1}" ->
 * "a::f::{async_block#1}"; another type T -> "<T as Future>". */
char *asym_awaitee_label(const char *type_name)
{
	size_t len = strlen(type_name) + 1;
	char *plain = malloc(len), *env, *out = NULL;

	if (!plain)
		return NULL;
	/* as the poll function's label reads (asym_label_of) */
	if ((out = argument_label(type_name, len - 1))) {
		free(plain);
		return out;
	}
	asym_strip_generics(type_name, plain, len);
	env = strstr(plain, "::{async_");
	if (env && !strncmp(env, "::{async_fn_env#", 16)) {
		*env = '\0';
		out = strdup(plain);
	} else if (env && !strncmp(env, "::{async_block_env#", 19)) {
		if (asprintf(&out, "%.*s::{async_block#%d}", (int)(env - plain), plain,
			     atoi(env + 19)) < 0)
			out = NULL;
	} else if (asprintf(&out, "<%s as Future>", plain) < 0) {
		out = NULL;
	}
	free(plain);
	return out;
}
