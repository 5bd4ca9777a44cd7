// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Buffers written to a file descriptor by a second thread: a ring of
 * buffers, the full ones handled in the order they were queued.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bg-writer.h"
#include "direct-out.h"
#include "handover.h"
#include "slot-ring.h"
#include "utils.h"

/* Writes of 256 KiB cost less system time here than 1 MiB ones (they stay
 * in the cache).  With four buffers the producer waited for the thread
 * 50 to 130 times per gigabyte on a busy machine, with sixteen (4 MiB)
 * hardly ever, and its time varied less (1.31-1.38 s against 1.26-1.57 s
 * on a 12.9M-record trace). */
#define BG_BUF (256 * 1024)
#define BG_NBUF 16

struct bg_out {
	int fd;
	bool io_error;
	struct direct_out *direct; /* a regular file: written around the cache */
	size_t len, cap;
	char *buf;
};

struct bg_writer {
	pthread_t thread;
	struct slot_ring ring;   /* of bufs[], written in order */
	char *bufs[BG_NBUF];
	size_t lens[BG_NBUF];
	/* the producer fills this one, in its own cache, and submitting
	 * copies it to a free slot of bufs[] (handover.h) */
	char *staging;
	bg_transform_fn *transform;
	void *ctx;
	struct bg_out out;       /* the thread's alone until joined */
};

/* After one failure the rest is dropped, as fwrite would. */
static void write_all(struct bg_out *out, const char *p, size_t len)
{
	if (!out->io_error && au_write_full(out->fd, p, len) < len)
		out->io_error = true;
}

/* Writes what the buffer holds; direct, the whole blocks of it (all of it
 * when @last). */
static void out_flush(struct bg_out *out, bool last)
{
	if (out->direct && last) {
		if (!direct_out_finish(out->direct, out->len))
			out->io_error = true;
		out->direct = NULL;
		out->buf = NULL;
		out->len = 0;
	} else if (out->direct) {
		out->buf = direct_out_submit(out->direct, &out->len);
	} else {
		write_all(out, out->buf, out->len);
		out->len = 0;
	}
}

char *bg_out_room(struct bg_out *out, size_t max)
{
	if (out->len + max > out->cap)
		out_flush(out, false);
	return out->buf + out->len;
}

void bg_out_commit(struct bg_out *out, char *end)
{
	out->len = end - out->buf;
}

void bg_out_put(struct bg_out *out, const char *s, size_t n)
{
	while (n) {
		size_t part;

		if (out->len == out->cap)
			out_flush(out, false);
		part = n < out->cap - out->len ? n : out->cap - out->len;
		memcpy(out->buf + out->len, s, part);
		out->len += part;
		s += part;
		n -= part;
	}
}

static void *writer_thread(void *arg)
{
	struct bg_writer *bg = arg;
	unsigned i;

	while (slot_ring_take(&bg->ring, &i)) {
		if (bg->transform)
			bg->transform(bg->ctx, bg->bufs[i], bg->lens[i], &bg->out);
		else if (bg->out.direct)
			bg_out_put(&bg->out, bg->bufs[i], bg->lens[i]);
		else
			write_all(&bg->out, bg->bufs[i], bg->lens[i]);
		slot_ring_done(&bg->ring);
	}
	out_flush(&bg->out, true);
	return NULL;
}

static void free_writer(struct bg_writer *bg)
{
	slot_ring_destroy(&bg->ring);
	for (unsigned i = 0; i < BG_NBUF; i++)
		free(bg->bufs[i]);
	free(bg->staging);
	free(bg->out.buf); /* NULL once direct_out_finish() freed it */
	free(bg);
}

struct bg_writer *bg_writer_start(int fd, bg_transform_fn *transform, void *ctx, char **buf,
				  size_t *cap)
{
	struct bg_writer *bg = xcalloc(1, sizeof(*bg));

	bg->out.fd = fd;
	bg->out.direct = direct_out_start(fd, &bg->out.buf, &bg->out.cap);
	if (!bg->out.direct) {
		bg->out.cap = BG_BUF;
		bg->out.buf = xmalloc(BG_BUF);
	}
	bg->transform = transform;
	bg->ctx = ctx;
	slot_ring_init(&bg->ring, BG_NBUF);
	for (unsigned i = 0; i < BG_NBUF; i++)
		bg->bufs[i] = xaligned(16, BG_BUF);
	bg->staging = xaligned(16, BG_BUF);
	if (pthread_create(&bg->thread, NULL, writer_thread, bg) != 0) {
		out_flush(&bg->out, true);
		free_writer(bg);
		return NULL;
	}
	*buf = bg->staging;
	*cap = BG_BUF;
	return bg;
}

/* Queue @len bytes of the staging buffer: copied to the next free slot. */
static void queue(struct bg_writer *bg, size_t len)
{
	unsigned i = slot_ring_free(&bg->ring);

	handover_copy(bg->bufs[i], bg->staging, len);
	handover_fence();
	bg->lens[i] = len;
	slot_ring_queue(&bg->ring);
}

char *bg_writer_submit(struct bg_writer *bg, size_t len)
{
	queue(bg, len);
	return bg->staging;
}

int bg_writer_stop(struct bg_writer *bg, size_t len)
{
	int err;

	if (len)
		queue(bg, len);
	slot_ring_stop(&bg->ring);
	pthread_join(bg->thread, NULL);
	err = bg->out.io_error ? -EIO : 0;
	free_writer(bg);
	return err;
}
