// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Labels of what is nested in an async block: rustc names an async block
 * a closure, and so does every path below it, so that the closure a
 * `#[tokio::main]` body hands to spawn_blocking reads
 * "app::main::{closure#0}::{closure#0}" where the block itself reads
 * "app::main::{async_block#0}".  The block's path in a label becomes the
 * block's own label: "app::main::{async_block#0}::{closure#0}".  The same
 * rewrite applies to the labels of awaited futures, which are compared
 * with the functions' labels.
 */
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"

struct block {
	char *key;                 /* the block's poll function, generics stripped */
	struct asym_func *f;
};

struct block_map {
	struct block *v;
	size_t n;
	size_t *slots;             /* open addressing over v, SIZE_MAX: empty */
	size_t nr_slots;
};

static uint64_t hash_of(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static const struct block *find(const struct block_map *map, const char *s, size_t len)
{
	for (size_t i = hash_of(s, len) & (map->nr_slots - 1);; i = (i + 1) & (map->nr_slots - 1)) {
		const struct block *b;

		if (map->slots[i] == SIZE_MAX)
			return NULL;
		b = &map->v[map->slots[i]];
		if (strlen(b->key) == len && !memcmp(b->key, s, len))
			return b;
	}
}

/* The rewritten @label (malloc'd), or NULL when no block's path starts it
 * (other than @self's own). */
static char *rewrite(const struct block_map *map, const char *label, const struct asym_func *self)
{
	/* the longest prefix ending in a closure's segment that is a block */
	for (const char *p = label + strlen(label); p > label; p--) {
		const struct block *b;
		char *out;

		if (p[-1] != '}' || strncmp(p, "::", 2))
			continue;
		b = find(map, label, p - label);
		if (!b || b->f == self || !b->f->label)
			continue;
		if (asprintf(&out, "%s%s", b->f->label, p) < 0)
			return NULL;
		return out;
	}
	return NULL;
}

static void relabel(struct asym_func *f, char *label)
{
	if (!label)
		return;
	if (f->label && f->label != f->name)
		free((char *)f->label);
	f->label = label;
}

static int by_key_length(const void *a, const void *b)
{
	size_t x = strlen(((const struct block *)a)->key), y = strlen(((const struct block *)b)->key);

	return x < y ? -1 : x > y;
}

void asym_label_nested(struct asym_binary *bin)
{
	struct block_map map = { 0 };

	map.v = calloc(bin->nr_funcs ? bin->nr_funcs : 1, sizeof(*map.v));
	if (!map.v)
		return;
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];
		size_t len;

		if (f->role != ASYM_ROLE_ASYNC_BLOCK || !f->name || !f->label)
			continue;
		len = strlen(f->name) + 1;
		if (!(map.v[map.n].key = malloc(len)))
			goto out;
		asym_strip_generics(f->name, map.v[map.n].key, len);
		map.v[map.n++].f = f;
	}
	if (!map.n)
		goto out;
	/* outer blocks first: an inner one's label takes its outer's, final */
	qsort(map.v, map.n, sizeof(*map.v), by_key_length);
	for (map.nr_slots = 16; map.nr_slots < 2 * map.n;)
		map.nr_slots *= 2;
	if (!(map.slots = malloc(map.nr_slots * sizeof(*map.slots))))
		goto out;
	memset(map.slots, 0xff, map.nr_slots * sizeof(*map.slots));
	for (size_t k = 0; k < map.n; k++) {
		size_t i = hash_of(map.v[k].key, strlen(map.v[k].key)) & (map.nr_slots - 1);

		while (map.slots[i] != SIZE_MAX)
			i = (i + 1) & (map.nr_slots - 1);
		map.slots[i] = k;
	}
	for (size_t k = 0; k < map.n; k++)
		relabel(map.v[k].f, rewrite(&map, map.v[k].f->label, map.v[k].f));
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];

		const char *label = f->label ? f->label : f->name; /* (unset: the name) */

		if (f->role != ASYM_ROLE_ASYNC_BLOCK && label && strstr(label, "::{closure#"))
			relabel(f, rewrite(&map, label, f));
		for (unsigned a = 0; a < f->n_awaits; a++) {
			struct asym_await *aw = (struct asym_await *)&f->awaits[a];
			char *nested = aw->awaitee_label ? rewrite(&map, aw->awaitee_label, NULL) : NULL;

			if (nested) {
				free((char *)aw->awaitee_label);
				aw->awaitee_label = nested;
			}
		}
	}
out:
	for (size_t k = 0; k < map.n; k++)
		free(map.v[k].key);
	free(map.slots);
	free(map.v);
}
