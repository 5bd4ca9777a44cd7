/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bookkeeping of a ring of buffers between one producer and one
 * consumer thread: which slots are queued, waiting for a free one or a
 * queued one, and stopping.  The buffers themselves are the caller's.
 *
 *	producer                          consumer thread
 *	i = slot_ring_free(r);            while (slot_ring_take(r, &i)) {
 *	... fill slot i ...                       ... use slot i ...
 *	slot_ring_queue(r);                       slot_ring_done(r);
 *	slot_ring_stop(r);                }
 */
#ifndef AU_SLOT_RING_H
#define AU_SLOT_RING_H

#include <pthread.h>
#include <stdbool.h>

struct slot_ring {
	pthread_mutex_t lock;
	pthread_cond_t queued;   /* a slot was queued, or stop */
	pthread_cond_t freed;    /* a slot was used: it is free again */
	/* queued slots are first .. first + nr_queued - 1, mod n */
	unsigned n, first, nr_queued;
	bool stop;
};

void slot_ring_init(struct slot_ring *r, unsigned n);
void slot_ring_destroy(struct slot_ring *r);
/* The slot after the queued ones, once it is free (the consumer touches
 * only queued slots, so the producer may fill it without the lock). */
unsigned slot_ring_free(struct slot_ring *r);
/* Queue the slot slot_ring_free() returned. */
void slot_ring_queue(struct slot_ring *r);
/* The consumer's next queued slot; false once stopped and none is left. */
bool slot_ring_take(struct slot_ring *r, unsigned *slot);
/* The slot slot_ring_take() gave is free again. */
void slot_ring_done(struct slot_ring *r);
/* No more slots will be queued. */
void slot_ring_stop(struct slot_ring *r);

#endif /* AU_SLOT_RING_H */
