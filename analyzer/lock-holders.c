// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lock-holder map: open addressing on the lock's address.  Entries
 * stay when released (holder 0): a program has as many locks as it has
 * lock objects alive, and a freed one's address comes back for the next.
 */
#include <stdlib.h>

#include "lock-holders.h"
#include "utils.h"

struct slot {
	uint64_t lock;   /* 0: empty */
	uint64_t task;
};

struct au_lock_holders {
	struct slot *v;
	size_t size, used; /* size: a power of two */
};

struct au_lock_holders *au_lock_holders_new(void)
{
	struct au_lock_holders *lh = xcalloc(1, sizeof(*lh));

	lh->size = 64;
	lh->v = xcalloc(lh->size, sizeof(*lh->v));
	return lh;
}

void au_lock_holders_free(struct au_lock_holders *lh)
{
	if (!lh)
		return;
	free(lh->v);
	free(lh);
}

static size_t home(const struct au_lock_holders *lh, uint64_t lock)
{
	return ((lock >> 3) * 0x9e3779b97f4a7c15ull >> 17) & (lh->size - 1);
}

static struct slot *find(const struct au_lock_holders *lh, uint64_t lock)
{
	for (size_t i = home(lh, lock);; i = (i + 1) & (lh->size - 1)) {
		if (lh->v[i].lock == lock || !lh->v[i].lock)
			return &lh->v[i];
	}
}

uint64_t au_lock_holder(const struct au_lock_holders *lh, uint64_t lock)
{
	const struct slot *s = lock ? find(lh, lock) : NULL;

	return s && s->lock ? s->task : 0;
}

void au_lock_holder_set(struct au_lock_holders *lh, uint64_t lock, uint64_t task)
{
	struct slot *s;

	if (!lock)
		return;
	/* at most half full, so every probe ends at an empty slot */
	if (2 * (lh->used + 1) > lh->size) {
		struct slot *old = lh->v;
		size_t old_size = lh->size;

		lh->size *= 2;
		lh->v = xcalloc(lh->size, sizeof(*lh->v));
		for (size_t i = 0; i < old_size; i++) {
			if (old[i].lock)
				*find(lh, old[i].lock) = old[i];
		}
		free(old);
	}
	s = find(lh, lock);
	if (!s->lock) {
		s->lock = lock;
		lh->used++;
	}
	s->task = task;
}
