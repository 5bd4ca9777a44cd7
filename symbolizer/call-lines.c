// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The line where a function calls toward another: where the program
 * spawned a task.  A full recording shows the API the program called
 * (tokio::spawn, JoinSet::spawn), a call of the program's function; a
 * lean one only the runtime's spawn function deep below it (RawTask::new),
 * reached through a chain of calls.  Either way the answer is the call,
 * in the program's function, whose callee leads to the target: found by a
 * breadth-first walk over the direct calls, so the shortest chain wins.
 */
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"

/* Limits of one question: how deep a chain, how many functions read. */
#define CHAIN_DEPTH 16
#define CHAIN_BUDGET 4096

struct call_list {
	struct { uint64_t vaddr; struct asym_func *callee; } *v;
	size_t n, cap;
};

static bool add_call(void *arg, uint64_t call_vaddr, struct asym_func *callee)
{
	struct call_list *l = arg;

	if (!callee)
		return true;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		void *p = reallocarray(l->v, cap, sizeof(*l->v));

		if (!p)
			return false;
		l->v = p;
		l->cap = cap;
	}
	l->v[l->n].vaddr = call_vaddr;
	l->v[l->n++].callee = callee;
	return true;
}

/* Distinct lines one question keeps track of */
#define MAX_LINES 64

/* The distinct lines of @caller's calls to @via, ascending, the first @max
 * in @lines; how many there are (0 when one is placed in another file, a
 * macro's, or there are more than MAX_LINES). */
static unsigned lines_of_calls(struct asym_binary *bin, const struct asym_func *caller,
			       const struct call_list *calls, const struct asym_func *via,
			       const char **file, int *lines, unsigned max)
{
	int all[MAX_LINES];
	unsigned n = 0;

	for (size_t i = 0; i < calls->n; i++) {
		const char *f;
		unsigned at = 0;
		int line;

		if (calls->v[i].callee != via)
			continue;
		line = asym_line_of(bin->dwarf, calls->v[i].vaddr, &f);
		if (!line || !asym_same_source(f, caller->file))
			return 0;
		*file = f;
		while (at < n && all[at] < line)
			at++;
		if (at < n && all[at] == line)
			continue;
		if (n == MAX_LINES)
			return 0;
		memmove(all + at + 1, all + at, (n - at) * sizeof(*all));
		all[at] = line;
		n++;
	}
	memcpy(lines, all, (n < max ? n : max) * sizeof(*lines));
	return n;
}

/* Which of @caller's callees leads to @target, by the shortest chain of
 * direct calls; NULL if none within the limits. */
static const struct asym_func *leads_to(struct asym_binary *bin, const struct call_list *calls,
					const struct asym_func *target)
{
	/* queue of (function, the callee of caller it was reached from) */
	struct { const struct asym_func *f, *origin; } *queue;
	size_t head = 0, tail = 0, level_end;
	unsigned char *seen = calloc(bin->nr_funcs, 1);
	const struct asym_func *found = NULL;
	struct call_list next = { 0 };
	unsigned budget = CHAIN_BUDGET;

	queue = calloc(CHAIN_BUDGET + calls->n, sizeof(*queue));
	if (!seen || !queue)
		goto out;
	for (size_t i = 0; i < calls->n; i++) {
		size_t idx = calls->v[i].callee - bin->funcs;

		if (!seen[idx]) {
			seen[idx] = 1;
			queue[tail].f = queue[tail].origin = calls->v[i].callee;
			tail++;
		}
	}
	level_end = tail;
	for (int depth = 0; head < tail && depth < CHAIN_DEPTH && !found; head++) {
		const struct asym_func *f = queue[head].f;

		if (head == level_end) {
			depth++;
			level_end = tail;
		}
		if (!budget--)
			break;
		next.n = 0;
		if (!asym_each_call(bin, f, add_call, &next))
			continue;
		for (size_t i = 0; i < next.n && !found; i++) {
			size_t idx = next.v[i].callee - bin->funcs;

			if (next.v[i].callee == target)
				found = queue[head].origin;
			else if (!seen[idx] && tail < CHAIN_BUDGET + calls->n) {
				seen[idx] = 1;
				queue[tail].f = next.v[i].callee;
				queue[tail++].origin = queue[head].origin;
			}
		}
	}
out:
	free(next.v);
	free(queue);
	free(seen);
	return found;
}

unsigned asym_call_lines(struct asym_binary *bin, const struct asym_func *caller,
			 const struct asym_func *callee, const char **file, int *lines, unsigned max)
{
	struct call_list calls = { 0 };
	const struct asym_func *via = NULL;
	unsigned n = 0;

	*file = NULL;
	if (!max || !bin->dwarf || !caller->file || !asym_each_call(bin, caller, add_call, &calls))
		return 0;
	for (size_t i = 0; i < calls.n && !via; i++) {
		if (calls.v[i].callee == callee)
			via = callee;
	}
	if (!via)
		via = leads_to(bin, &calls, callee);
	if (via)
		n = lines_of_calls(bin, caller, &calls, via, file, lines, max);
	free(calls.v);
	if (!n)
		*file = NULL;
	return n;
}
