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

/* Every argument of every generic list in @name, at any depth, tried as
 * a future: the leftmost of the program's own, else the outermost found
 * (a wrapper: Pin<Box<F>>, the executor's spawn block around F). */
static int32_t spawned_future(const struct au_funcs *funcs, const struct named *by_name,
			      size_t n, const char *name)
{
	size_t len = strlen(name);
	int32_t best = -1;
	/* the nesting of '<' before i: a list's depth, for "outermost" */
	int depth = 0, best_depth = 0;

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
				int32_t f = future_named(by_name, n, name + start, k - start);

				if (f >= 0 && (funcs->v[f].flags & ASYM_F_USER))
					return f;
				if (f >= 0 && (best < 0 || here < best_depth)) {
					best = f;
					best_depth = here;
				}
				if (end)
					break;
				start = k + 1;
				while (start < len && name[start] == ' ')
					start++;
			}
		}
	}
	return best;
}

void au_funcs_link_spawns(struct au_funcs *funcs)
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
