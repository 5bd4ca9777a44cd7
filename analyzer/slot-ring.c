// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A ring of slots between one producer and one consumer thread.
 */
#include "slot-ring.h"

void slot_ring_init(struct slot_ring *r, unsigned n)
{
	*r = (struct slot_ring){ .n = n };
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->queued, NULL);
	pthread_cond_init(&r->freed, NULL);
}

void slot_ring_destroy(struct slot_ring *r)
{
	pthread_cond_destroy(&r->freed);
	pthread_cond_destroy(&r->queued);
	pthread_mutex_destroy(&r->lock);
}

unsigned slot_ring_free(struct slot_ring *r)
{
	unsigned slot;

	pthread_mutex_lock(&r->lock);
	while (r->nr_queued == r->n)
		pthread_cond_wait(&r->freed, &r->lock);
	/* the consumer moves first on as it lowers nr_queued: the sum stays */
	slot = (r->first + r->nr_queued) % r->n;
	pthread_mutex_unlock(&r->lock);
	return slot;
}

void slot_ring_queue(struct slot_ring *r)
{
	pthread_mutex_lock(&r->lock);
	r->nr_queued++;
	pthread_cond_signal(&r->queued);
	pthread_mutex_unlock(&r->lock);
}

bool slot_ring_take(struct slot_ring *r, unsigned *slot)
{
	bool any;

	pthread_mutex_lock(&r->lock);
	while (!r->nr_queued && !r->stop)
		pthread_cond_wait(&r->queued, &r->lock);
	any = r->nr_queued > 0;
	*slot = r->first;
	pthread_mutex_unlock(&r->lock);
	return any;
}

void slot_ring_done(struct slot_ring *r)
{
	pthread_mutex_lock(&r->lock);
	r->first = (r->first + 1) % r->n;
	r->nr_queued--;
	pthread_cond_signal(&r->freed);
	pthread_mutex_unlock(&r->lock);
}

void slot_ring_stop(struct slot_ring *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->queued);
	pthread_mutex_unlock(&r->lock);
}
