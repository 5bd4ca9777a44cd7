// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reading thread and its ring of record batches.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "handover.h"
#include "record-pump.h"
#include "utils.h"

/* Records cross between cores packed: a whole struct au_record is 200
 * bytes, mostly unused.  A packed one is its header (32 bytes) and 16
 * bytes per captured value.  8 batches of 256 KiB: one lock round trip
 * per several thousand records. */
#define PUMP_BATCH_BYTES (256 * 1024)
#define PUMP_NBATCH 8

struct packed {
	uint64_t time, addr;
	int32_t func;
	uint32_t thread;
	uint16_t depth;
	uint8_t type, nargs;
	uint32_t pad;
};

struct packed_arg {
	uint64_t value;
	uint64_t fmt;
};

_Static_assert(sizeof(struct packed) % 16 == 0 && sizeof(struct packed_arg) % 16 == 0,
	       "packed records are copied in 16-byte stores");

#define PACKED_MAX (sizeof(struct packed) + AU_MAX_ARGS * sizeof(struct packed_arg))

struct batch {
	size_t used;             /* bytes of data[] */
	bool last;               /* the recording ends with this batch */
	/* packed records are written 16 bytes at a time (handover.h):
	 * 16-byte aligned, as every record's length is a multiple of 16 */
	_Alignas(16) unsigned char data[PUMP_BATCH_BYTES];
};

struct au_pump {
	struct au_data *data;
	bool threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled;   /* a batch was handed over */
	pthread_cond_t freed;    /* a batch was given back, or stop */
	/* full batches are batches[first .. first + nr_full), ring order;
	 * the thread fills the one after them */
	unsigned first, nr_full;
	bool stop;
	_Atomic uint64_t bytes_read;
	/* the consumer's batch and position in it */
	struct batch *cur;
	size_t off;
	struct au_record rec;    /* the record handed out */
	struct au_record in;     /* the thread's, read into before packing */
	struct batch batches[PUMP_NBATCH];
};

/* Fill @b with records; false at the end of the recording. */
static bool fill(struct au_pump *p, struct batch *b)
{
	b->used = 0;
	while (b->used + PACKED_MAX <= sizeof(b->data)) {
		struct packed *h = (struct packed *)(b->data + b->used);
		struct packed_arg *a = (struct packed_arg *)(h + 1);
		unsigned k;

		if (au_data_next(p->data, &p->in) <= 0)
			return false;
		k = p->in.nargs < AU_MAX_ARGS ? p->in.nargs : AU_MAX_ARGS;
		struct packed ph = { p->in.time, p->in.addr, p->in.func, p->in.thread,
				     p->in.depth, p->in.type, (uint8_t)k, 0 };
		handover_copy(h, &ph, sizeof(ph));
		for (unsigned i = 0; i < k; i++) {
			struct packed_arg pa = { p->in.args[i], (uint8_t)p->in.fmts[i] };

			handover_copy(&a[i], &pa, sizeof(pa));
		}
		b->used += sizeof(*h) + k * sizeof(*a);
	}
	return true;
}

static void *pump_thread(void *arg)
{
	struct au_pump *p = arg;
	bool more = true;

	while (more) {
		struct batch *b;

		pthread_mutex_lock(&p->lock);
		while (p->nr_full == PUMP_NBATCH && !p->stop)
			pthread_cond_wait(&p->freed, &p->lock);
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		b = &p->batches[(p->first + p->nr_full) % PUMP_NBATCH];
		pthread_mutex_unlock(&p->lock);

		more = fill(p, b);
		b->last = !more;
		handover_fence();
		atomic_store_explicit(&p->bytes_read, au_data_bytes_read(p->data),
				      memory_order_relaxed);

		pthread_mutex_lock(&p->lock);
		p->nr_full++;
		pthread_cond_signal(&p->filled);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

struct au_pump *au_pump_start(struct au_data *data, bool threaded)
{
	struct au_pump *p = xcalloc(1, sizeof(*p));

	p->data = data;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->threaded = threaded && pthread_create(&p->thread, NULL, pump_thread, p) == 0;
	return p;
}

const struct au_record *au_pump_next(struct au_pump *p)
{
	const struct packed *h;
	const struct packed_arg *a;

	if (!p->threaded) {
		if (au_data_next(p->data, &p->rec) <= 0)
			return NULL;
		atomic_store_explicit(&p->bytes_read, au_data_bytes_read(p->data),
				      memory_order_relaxed);
		return &p->rec;
	}
	while (!p->cur || p->off == p->cur->used) {
		if (p->cur && p->cur->last)
			return NULL;
		pthread_mutex_lock(&p->lock);
		if (p->cur) {
			/* give the batch back */
			p->first = (p->first + 1) % PUMP_NBATCH;
			p->nr_full--;
			pthread_cond_signal(&p->freed);
		}
		while (!p->nr_full)
			pthread_cond_wait(&p->filled, &p->lock);
		p->cur = &p->batches[p->first];
		pthread_mutex_unlock(&p->lock);
		p->off = 0;
	}
	h = (const struct packed *)(p->cur->data + p->off);
	a = (const struct packed_arg *)(h + 1);
	p->rec.time = h->time;
	p->rec.addr = h->addr;
	p->rec.func = h->func;
	p->rec.thread = h->thread;
	p->rec.depth = h->depth;
	p->rec.type = h->type;
	p->rec.nargs = h->nargs;
	p->rec.args[0] = 0;
	for (unsigned i = 0; i < h->nargs; i++) {
		p->rec.args[i] = a[i].value;
		p->rec.fmts[i] = (char)a[i].fmt;
		p->rec.strs[i] = NULL;
	}
	p->off += sizeof(*h) + h->nargs * sizeof(*a);
	return &p->rec;
}

uint64_t au_pump_bytes_read(struct au_pump *p)
{
	return atomic_load_explicit(&p->bytes_read, memory_order_relaxed);
}

void au_pump_stop(struct au_pump *p)
{
	if (!p)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	pthread_cond_destroy(&p->filled);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
