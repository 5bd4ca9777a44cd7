// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The future a spawn function takes, read from its generic arguments:
 * `<tokio::runtime::task::raw::RawTask>::new::<core::pin::Pin<alloc::boxed::
 * Box<app::worker::{closure#0}>>, ...>` spawns app::worker, and async-task's
 * `<async_task::raw::RawTask<<async_executor::Executor>::spawn<u64,
 * app::worker::{closure#0}>::{closure#0}, ...>>::allocate` does too.  A task
 * is named by the first future it polls; one that never ran, by this.
 */
#define PR_FMT "funcs"

#include <stdlib.h>
#include <string.h>

#include "funcs.h"
#include "utils.h"

#define FUTURE_POLL_SUFFIX " as core::future::future::Future>::poll"

struct named {
	char *name;              /* normalized (see normalize()) */
	int32_t idx;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* A path's generics print as `f::<T>` and a type's as `F<T>`: one form,
 * without the "::" before '<', so that the two meet. */
static char *normalize(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == ':' && i + 2 < len && s[i + 1] == ':' && s[i + 2] == '<') {
			i++;
			continue;
		}
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* A '>' that closes a generic list, not the arrow of `fn() -> T`. */
static bool closes(const char *s, const char *p)
{
	return *p == '>' && !(p > s && p[-1] == '-');
}

/* A '<' that opens a generic list (after a name), not a qualified path
 * `<X as Trait>` (at the start, or where a type begins). */
static bool opens_generics(const char *s, const char *p)
{
	return *p == '<' && p > s && p[-1] != '<' && p[-1] != ' ' && p[-1] != '(' &&
	       p[-1] != '[' && p[-1] != '&' && p[-1] != '*';
}

static int32_t find(const struct named *by_name, size_t n, char *name)
{
	struct named key = { name, -1 }, *hit;

	hit = bsearch(&key, by_name, n, sizeof(*by_name), cmp_named);
	return hit ? hit->idx : -1;
}

/* The future whose type is s[0..len): an async fn or block's body has the
 * type's name; another future has `<T as Future>::poll`. */
static int32_t future_named(const struct named *by_name, size_t n, const char *s, size_t len)
{
	char *type = normalize(s, len);
	size_t tl = strlen(type);
	char *poll = xmalloc(tl + sizeof(FUTURE_POLL_SUFFIX) + 1);
	int32_t found = find(by_name, n, type);

	if (found < 0) {
		poll[0] = '<';
		memcpy(poll + 1, type, tl);
		strcpy(poll + 1 + tl, FUTURE_POLL_SUFFIX);
		found = find(by_name, n, poll);
	}
	free(poll);
	free(type);
	return found;
}

/*
 * Calls @fn on every argument of every generic list in @name, at any
 * depth, left to right, with the nesting of '<' before its list ("depth",
 * 0 outermost), until @fn returns true.  Returns whether one did.
 */
static bool each_generic_arg(const char *name,
			     bool (*fn)(const char *arg, size_t len, int depth, void *ctx), void *ctx)
{
	size_t len = strlen(name);
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		int here = depth;
		size_t start;

		depth += name[i] == '<' ? 1 : closes(name, name + i) ? -1 : 0;
		if (!opens_generics(name, name + i))
			continue;
		start = i + 1;
		for (size_t k = i + 1, d = 0; k < len; k++) {
			bool end = closes(name, name + k) && d == 0;

			if (name[k] == '<') {
				d++;
			} else if (!end && closes(name, name + k)) {
				d--;
			} else if (end || (name[k] == ',' && d == 0)) {
				if (fn(name + start, k - start, here, ctx))
					return true;
				if (end)
					break;
				start = k + 1;
				while (start < len && name[start] == ' ')
					start++;
			}
		}
	}
	return false;
}

struct spawned_search {
	const struct au_funcs *funcs;
	const struct named *by_name;
	size_t n;
	int32_t best;
	int best_depth;
};

static bool try_spawned(const char *arg, size_t len, int depth, void *ctx)
{
	struct spawned_search *q = ctx;
	int32_t f = future_named(q->by_name, q->n, arg, len);

	if (f >= 0 && (q->funcs->v[f].flags & ASYM_F_USER)) {
		q->best = f;
		return true;
	}
	if (f >= 0 && (q->best < 0 || depth < q->best_depth)) {
		q->best = f;
		q->best_depth = depth;
	}
	return false;
}

/* Every argument of every generic list in @name, at any depth, tried as
 * a future: the leftmost of the program's own, else the outermost found
 * (a wrapper: Pin<Box<F>>, the executor's spawn block around F). */
static int32_t spawned_future(const struct au_funcs *funcs, const struct named *by_name,
			      size_t n, const char *name)
{
	struct spawned_search q = { funcs, by_name, n, -1, 0 };

	each_generic_arg(name, try_spawned, &q);
	return q.best;
}

/* Whether s[0..len) is an async body of the program's own crates:
 * "app::worker::{closure#0}" (a crate in @crates, NUL-separated). */
static bool user_body(const char *s, size_t len, const char *crates)
{
	static const char body[] = "::{closure#";
	const size_t bl = sizeof(body) - 1;
	bool mine = false;

	for (const char *c = crates; *c && !mine; c += strlen(c) + 1) {
		size_t cl = strlen(c);

		mine = len > cl + 2 && !strncmp(s, c, cl) && s[cl] == ':' && s[cl + 1] == ':';
	}
	if (!mine || len < bl + 1 || s[len - 1] != '}')
		return false;
	for (size_t i = len - bl + 1; i-- > 0;) {
		if (!strncmp(s + i, body, bl))
			return !memchr(s + i, '<', len - i);
	}
	return false;
}

struct label_search {
	const char *crates;
	char *label;
};

/* (the body's path less its "::{closure#N}") */
static bool try_user_body(const char *arg, size_t len, int depth, void *ctx)
{
	struct label_search *q = ctx;
	size_t n = len;

	(void)depth;
	if (!user_body(arg, len, q->crates))
		return false;
	while (n && arg[n - 1] != '{')
		n--;
	/* (n just past the '{') */
	if (n < 4)
		return false;
	q->label = xmalloc(n - 2);
	memcpy(q->label, arg, n - 3);
	q->label[n - 3] = '\0';
	return true;
}

/* The leftmost generic argument of @name, at any depth, that is an async
 * body of the program's own, as a label: the name its async fn or block
 * would have; NULL if none. */
static char *user_future_label(const char *name, const char *crates)
{
	struct label_search q = { crates, NULL };

	each_generic_arg(name, try_user_body, &q);
	return q.label;
}

/* The program's own crates (of its functions flagged user), each ending
 * in a NUL, the list in another; NULL if none. */
static char *user_crates(const struct au_funcs *funcs)
{
	size_t cap = 64, used = 0;
	char *v = xmalloc(cap);

	for (uint32_t i = 0; i < funcs->n; i++) {
		const struct asym_func *af = funcs->v[i].sym;
		size_t cl;
		bool seen = false;

		if (!af || !(af->flags & ASYM_F_USER) || !af->crate)
			continue;
		for (size_t o = 0; o < used && !seen; o += strlen(v + o) + 1)
			seen = !strcmp(v + o, af->crate);
		if (seen)
			continue;
		cl = strlen(af->crate);
		while (used + cl + 2 > cap)
			v = xrealloc(v, cap *= 2);
		memcpy(v + used, af->crate, cl + 1);
		used += cl + 1;
	}
	if (!used) {
		free(v);
		return NULL;
	}
	v[used] = '\0';
	return v;
}

/* Each spawn function's future, from its generics. */
static void link_spawned(struct au_funcs *funcs)
{
	struct named *by_name;
	size_t n = 0;

	for (uint32_t i = 0; i < funcs->n; i++)
		funcs->v[i].spawns = -1;
	if (!funcs->nr_futures)
		return;
	by_name = xcalloc(funcs->nr_futures, sizeof(*by_name));
	for (uint32_t i = 0; i < funcs->n && n < funcs->nr_futures; i++) {
		if (funcs->v[i].flags & ASYM_F_FUTURE)
			by_name[n++] = (struct named){ normalize(funcs->v[i].name,
								  strlen(funcs->v[i].name)),
						       (int32_t)i };
	}
	qsort(by_name, n, sizeof(*by_name), cmp_named);
	for (uint32_t i = 0; i < funcs->n; i++) {
		if (funcs->v[i].role == ASYM_ROLE_SPAWN)
			funcs->v[i].spawns = spawned_future(funcs, by_name, n, funcs->v[i].name);
	}
	for (size_t i = 0; i < n; i++)
		free(by_name[i].name);
	free(by_name);
}

static bool first_arg(const char *arg, size_t len, int depth, void *ctx)
{
	const char **span = ctx;

	(void)depth;
	span[0] = arg;
	span[1] = arg + len;
	return true;
}

/* Futures whose future is their first generic argument and whose poll
 * polls only it, passing or mapping its output on: a task is what they
 * wrap (hyper's client connection task runs a Pin<Box<Map<MapErr<
 * Connection<..>, ..>, ..>>>: a Connection). */
static const char *const wrappers[] = {
	"core::pin::Pin<", "std::pin::Pin<", "alloc::boxed::Box<",
	"core::panic::unwind_safe::AssertUnwindSafe<",
	"futures_util::future::future::Map<", "futures_util::future::future::map::Map<",
	"futures_util::future::future::Then<", "futures_util::future::future::Inspect<",
	"futures_util::future::future::Flatten<", "futures_util::future::future::flatten::Flatten<",
	"futures_util::future::future::Fuse<", "futures_util::future::future::CatchUnwind<",
	"futures_util::future::try_future::MapErr<", "futures_util::future::try_future::MapOk<",
	"futures_util::future::try_future::MapOkOrElse<", "futures_util::future::try_future::AndThen<",
	"futures_util::future::try_future::OrElse<", "futures_util::future::try_future::ErrInto<",
	"futures_util::future::try_future::OkInto<", "futures_util::future::try_future::InspectOk<",
	"futures_util::future::try_future::InspectErr<",
	"futures_util::future::try_future::UnwrapOrElse<",
	"futures_util::future::try_future::TryFlatten<",
	"futures_util::future::try_future::IntoFuture<",
	"futures_util::future::try_future::into_future::IntoFuture<",
};

/* The end of the generic argument starting at @p (a ',' or the '>'
 * closing its list), or NULL if none before @e. */
static const char *arg_end(const char *p, const char *e)
{
	int depth = 0;

	for (const char *q = p; q < e; q++) {
		if (*q == '<') {
			depth++;
		} else if (closes(p, q)) {
			if (!depth)
				return q;
			depth--;
		} else if (*q == ',' && !depth) {
			return q;
		}
	}
	return NULL;
}

/* [*b, *e) less the wrappers around it; whether there were some. */
static bool peel_wrappers(const char **b, const char **e)
{
	bool any = false;

	for (bool peeled = true; peeled;) {
		peeled = false;
		for (size_t i = 0; i < sizeof(wrappers) / sizeof(*wrappers); i++) {
			size_t wl = strlen(wrappers[i]);
			const char *end;

			if ((size_t)(*e - *b) > wl && !strncmp(*b, wrappers[i], wl) &&
			    (end = arg_end(*b + wl, *e))) {
				*b += wl;
				*e = end;
				peeled = any = true;
			}
		}
	}
	return any;
}

/* "<path as Future>" for the type [b, e), as a library future's poll is
 * labelled; NULL for the program's own bodies (their label is better),
 * trait objects, references and tuples. */
static char *type_label(const char *b, const char *e, const char *crates)
{
	const char *lt;

	if (e == b || !strncmp(b, "dyn ", 4) || *b == '&' || *b == '<' || *b == '(' ||
	    (crates && user_body(b, e - b, crates)))
		return NULL;
	lt = memchr(b, '<', e - b);
	if (lt)
		e = lt;
	return xasprintf("<%.*s as Future>", (int)(e - b), b);
}

/* The future type a task poll runs, from its first generic argument, less
 * the wrappers around it: "<hyper::server::server::new_svc::NewSvcTask as
 * Future>" for `tokio::runtime::task::raw::poll::<hyper::...::NewSvcTask<
 * ...>, ...>`. */
static char *task_type_label(const char *name, const char *crates)
{
	const char *span[2] = { NULL, NULL };

	if (!each_generic_arg(name, first_arg, span))
		return NULL;
	peel_wrappers(&span[0], &span[1]);
	return type_label(span[0], span[1], crates);
}

/* A wrapper's poll (`<Map<MapErr<Connection<..>, ..>, ..> as Future>::
 * poll`): the type inside it, as a label; NULL for others. */
static char *wrapped_label(const char *name, const char *crates)
{
	size_t len = strlen(name), sl = strlen(FUTURE_POLL_SUFFIX);
	const char *b = name + 1, *e = name + len - sl;

	if (len < sl + 2 || name[0] != '<' || strcmp(e, FUTURE_POLL_SUFFIX) ||
	    !peel_wrappers(&b, &e))
		return NULL;
	return type_label(b, e, crates);
}

void au_funcs_link_spawns(struct au_funcs *funcs)
{
	char *crates = user_crates(funcs);

	for (uint32_t i = 0; i < funcs->n; i++) {
		if (!funcs->v[i].name)
			continue;
		if (funcs->v[i].role == ASYM_ROLE_FUTURE_IMPL && !(funcs->v[i].flags & ASYM_F_USER))
			funcs->v[i].task_type = wrapped_label(funcs->v[i].name, crates);
		if (funcs->v[i].role != ASYM_ROLE_TASK_POLL)
			continue;
		if (crates)
			funcs->v[i].task_label = user_future_label(funcs->v[i].name, crates);
		funcs->v[i].task_type = task_type_label(funcs->v[i].name, crates);
	}
	free(crates);
	link_spawned(funcs);
}
