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
	pthread_mutex_t lock;
	pthread_cond_t queued;   /* a buffer was queued, or stop */
	pthread_cond_t written;  /* a buffer was written: it is free again */
	char *bufs[BG_NBUF];
	size_t lens[BG_NBUF];
	/* the producer fills this one, in its own cache, and submitting
	 * copies it to a free slot of bufs[] (handover.h) */
	char *staging;
	/* Queued buffers are bufs[next_write .. next_write + nr_queued), in
	 * ring order; the producer fills the one after them. */
	unsigned next_write, nr_queued;
	bool stop;
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

	pthread_mutex_lock(&bg->lock);
	for (;;) {
		unsigned i;

		while (!bg->nr_queued && !bg->stop)
			pthread_cond_wait(&bg->queued, &bg->lock);
		if (!bg->nr_queued)
			break;
		i = bg->next_write;
		pthread_mutex_unlock(&bg->lock);
		if (bg->transform)
			bg->transform(bg->ctx, bg->bufs[i], bg->lens[i], &bg->out);
		else if (bg->out.direct)
			bg_out_put(&bg->out, bg->bufs[i], bg->lens[i]);
		else
			write_all(&bg->out, bg->bufs[i], bg->lens[i]);
		pthread_mutex_lock(&bg->lock);
		bg->next_write = (i + 1) % BG_NBUF;
		bg->nr_queued--;
		pthread_cond_signal(&bg->written);
	}
	pthread_mutex_unlock(&bg->lock);
	out_flush(&bg->out, true);
	return NULL;
}

static void free_writer(struct bg_writer *bg)
{
	pthread_cond_destroy(&bg->written);
	pthread_cond_destroy(&bg->queued);
	pthread_mutex_destroy(&bg->lock);
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
	pthread_mutex_init(&bg->lock, NULL);
	pthread_cond_init(&bg->queued, NULL);
	pthread_cond_init(&bg->written, NULL);
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

/* Queue @len bytes of the staging buffer: copied to the slot after the
 * queued ones once it is free.  Called with the lock held. */
static void queue(struct bg_writer *bg, size_t len)
{
	unsigned i;

	while (bg->nr_queued == BG_NBUF)
		pthread_cond_wait(&bg->written, &bg->lock);
	i = (bg->next_write + bg->nr_queued) % BG_NBUF;
	/* the thread touches only queued slots: copy without the lock */
	pthread_mutex_unlock(&bg->lock);
	handover_copy(bg->bufs[i], bg->staging, len);
	handover_fence();
	pthread_mutex_lock(&bg->lock);
	bg->lens[i] = len;
	bg->nr_queued++;
	pthread_cond_signal(&bg->queued);
}

char *bg_writer_submit(struct bg_writer *bg, size_t len)
{
	pthread_mutex_lock(&bg->lock);
	queue(bg, len);
	pthread_mutex_unlock(&bg->lock);
	return bg->staging;
}

int bg_writer_stop(struct bg_writer *bg, size_t len)
{
	int err;

	pthread_mutex_lock(&bg->lock);
	if (len)
		queue(bg, len);
	bg->stop = true;
	pthread_cond_signal(&bg->queued);
	pthread_mutex_unlock(&bg->lock);
	pthread_join(bg->thread, NULL);
	err = bg->out.io_error ? -EIO : 0;
	free_writer(bg);
	return err;
}
