// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The task table: live tasks by runtime pointer, finished ones kept as
 * compact records for the summary.  The model (model.c) decides what
 * happens to a task; this file only keeps them.
 */
#include <stdlib.h>
#include <string.h>

#include "tasks.h"
#include "utils.h"

/* Another pointer of a task (tasks.h au_tasks_alias) */
struct alias {
	uint64_t alias, ptr;
	struct alias *next;
};

struct au_tasks {
	struct au_task **hash;
	size_t hash_size, live;
	struct alias **aliases;  /* ALIAS_SLOTS chains */
	uint64_t next_id;
	int64_t runnable;
	struct au_task *done;    /* finished tasks, in order of removal */
	size_t nr_done, cap_done;
};

struct au_tasks *au_tasks_new(void)
{
	struct au_tasks *ts = xcalloc(1, sizeof(*ts));

	ts->hash_size = 256;
	ts->hash = xcalloc(ts->hash_size, sizeof(*ts->hash));
	return ts;
}

#define ALIAS_SLOTS 1024

static size_t alias_slot(uint64_t ptr)
{
	return ((ptr >> 3) * 0x9e3779b97f4a7c15ull >> 20) & (ALIAS_SLOTS - 1);
}

void au_tasks_alias(struct au_tasks *ts, uint64_t alias, uint64_t ptr)
{
	struct alias *a;

	if (alias == ptr)
		return;
	if (!ts->aliases)
		ts->aliases = xcalloc(ALIAS_SLOTS, sizeof(*ts->aliases));
	for (a = ts->aliases[alias_slot(alias)]; a; a = a->next) {
		if (a->alias == alias) {
			a->ptr = ptr;
			return;
		}
	}
	a = xmalloc(sizeof(*a));
	*a = (struct alias){ alias, ptr, ts->aliases[alias_slot(alias)] };
	ts->aliases[alias_slot(alias)] = a;
}

static uint64_t alias_of(const struct au_tasks *ts, uint64_t alias)
{
	for (const struct alias *a = ts->aliases ? ts->aliases[alias_slot(alias)] : NULL; a;
	     a = a->next) {
		if (a->alias == alias)
			return a->ptr;
	}
	return 0;
}

void au_tasks_free(struct au_tasks *ts)
{
	if (!ts)
		return;
	for (size_t i = 0; i < ts->hash_size; i++) {
		struct au_task *t = ts->hash[i], *next;

		for (; t; t = next) {
			next = t->hnext;
			free(t);
		}
	}
	for (size_t i = 0; ts->aliases && i < ALIAS_SLOTS; i++) {
		for (struct alias *a = ts->aliases[i], *next; a; a = next) {
			next = a->next;
			free(a);
		}
	}
	free(ts->aliases);
	free(ts->hash);
	free(ts->done);
	free(ts);
}

static size_t slot(const struct au_tasks *ts, uint64_t ptr)
{
	return ((ptr >> 4) * 0x9e3779b97f4a7c15ull >> 20) & (ts->hash_size - 1);
}

struct au_task *au_tasks_get(struct au_tasks *ts, uint64_t ptr)
{
	for (struct au_task *t = ts->hash[slot(ts, ptr)]; t; t = t->hnext) {
		if (t->ptr == ptr)
			return t;
	}
	return NULL;
}

struct au_task *au_tasks_find(struct au_tasks *ts, uint64_t ptr)
{
	struct au_task *t = au_tasks_get(ts, ptr);
	uint64_t to;

	if (!t && ts->aliases && (to = alias_of(ts, ptr)))
		t = au_tasks_get(ts, to);
	return t;
}

static void rehash(struct au_tasks *ts)
{
	size_t old_size = ts->hash_size;
	struct au_task **old = ts->hash;

	ts->hash_size *= 2;
	ts->hash = xcalloc(ts->hash_size, sizeof(*ts->hash));
	for (size_t i = 0; i < old_size; i++) {
		struct au_task *t = old[i], *next;

		for (; t; t = next) {
			size_t h = slot(ts, t->ptr);

			next = t->hnext;
			t->hnext = ts->hash[h];
			ts->hash[h] = t;
		}
	}
	free(old);
}

struct au_task *au_tasks_add(struct au_tasks *ts, uint64_t ptr, uint64_t time)
{
	struct au_task *t = xcalloc(1, sizeof(*t));
	size_t h;

	if (ts->live >= ts->hash_size)
		rehash(ts);
	h = slot(ts, ptr);
	t->id = ++ts->next_id;
	t->ptr = ptr;
	t->spawned = time;
	t->root_func = -1;
	t->spawn_func = -1;
	t->spawn_callee = -1;
	t->runs_func = -1;
	t->spawned_future = -1;
	t->poll_func = -1;
	t->await_func = -1;
	t->await.child_func = -1;
	t->last_waker_root = -1;
	t->hnext = ts->hash[h];
	ts->hash[h] = t;
	ts->live++;
	return t;
}

void au_tasks_remove(struct au_tasks *ts, struct au_task *t)
{
	struct au_task **pp;

	for (pp = &ts->hash[slot(ts, t->ptr)]; *pp; pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			break;
		}
	}
	if (t->woken_at)
		ts->runnable--;
	ts->live--;
	au_grow(&ts->done, &ts->cap_done, ts->nr_done, sizeof(*ts->done));
	ts->done[ts->nr_done] = *t;
	ts->done[ts->nr_done].hnext = NULL;
	ts->nr_done++;
	free(t);
}

size_t au_tasks_count(const struct au_tasks *ts) { return ts->nr_done; }
const struct au_task *au_tasks_at(const struct au_tasks *ts, size_t idx)
{
	return idx < ts->nr_done ? &ts->done[idx] : NULL;
}
uint64_t au_tasks_runnable(const struct au_tasks *ts) { return ts->runnable > 0 ? ts->runnable : 0; }
uint64_t au_tasks_live(const struct au_tasks *ts) { return ts->live; }
void au_tasks_runnable_add(struct au_tasks *ts, int delta) { ts->runnable += delta; }

const struct au_task **au_tasks_by_id(const struct au_tasks *ts, size_t *nr)
{
	const struct au_task **by_id;
	uint64_t max = 0;

	for (size_t i = 0; i < ts->nr_done; i++)
		max = ts->done[i].id > max ? ts->done[i].id : max;
	for (size_t i = 0; i < ts->hash_size; i++)
		for (const struct au_task *t = ts->hash[i]; t; t = t->hnext)
			max = t->id > max ? t->id : max;
	*nr = max + 1;
	by_id = xcalloc(*nr, sizeof(*by_id));
	for (size_t i = 0; i < ts->nr_done; i++)
		by_id[ts->done[i].id] = &ts->done[i];
	for (size_t i = 0; i < ts->hash_size; i++)
		for (const struct au_task *t = ts->hash[i]; t; t = t->hnext)
			by_id[t->id] = t;
	return by_id;
}

static int cmp_id(const void *a, const void *b)
{
	const struct au_task *x = *(struct au_task *const *)a, *y = *(struct au_task *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

void au_tasks_finish(struct au_tasks *ts, void (*each)(struct au_task *t, void *arg), void *arg)
{
	size_t n = 0, live = ts->live;
	struct au_task **all = xmalloc((live ? live : 1) * sizeof(*all));

	for (size_t i = 0; i < ts->hash_size; i++) {
		for (struct au_task *t = ts->hash[i]; t; t = t->hnext)
			all[n++] = t;
	}
	qsort(all, n, sizeof(*all), cmp_id);
	for (size_t i = 0; i < n; i++) {
		each(all[i], arg);
		au_tasks_remove(ts, all[i]);
	}
	free(all);
}
