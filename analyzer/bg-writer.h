/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Buffers written to a file descriptor by a second thread.
 *
 * A full trace is about a gigabyte: formatting it and write(2) into the
 * page cache cost about as much as the analysis itself, and on this
 * two-core target they can run beside it.  The producer fills a buffer
 * of its own; submitting copies it into a ring the thread handles in
 * order (with non-temporal stores, handover.h).  The thread can
 * expand each buffer first (a transform), so that the producer queues
 * compact records and the thread formats them.
 *
 *	struct bg_writer *bg = bg_writer_start(fd, NULL, NULL, &buf, &cap);
 *	... fill buf[0..len) ...
 *	buf = bg_writer_submit(bg, len);   // queues buf; an empty one of cap bytes
 *	err = bg_writer_stop(bg, len);     // the rest of buf; 0 or -EIO
 */
#ifndef AU_BG_WRITER_H
#define AU_BG_WRITER_H

#include <stddef.h>

/* The thread's output: what a transform writes. */
struct bg_out;
/** Room for @max bytes (at most BG_OUT_MAX) at the returned pointer */
char *bg_out_room(struct bg_out *out, size_t max);
/** The bytes up to @end, in the room, are written */
void bg_out_commit(struct bg_out *out, char *end);
void bg_out_put(struct bg_out *out, const char *s, size_t n);
#define BG_OUT_MAX (64 * 1024)

/**
 * bg_transform_fn - what the thread writes for one queued buffer
 * @ctx: as given to bg_writer_start()
 * @buf, @len: the buffer, exactly as queued
 */
typedef void bg_transform_fn(void *ctx, const char *buf, size_t len, struct bg_out *out);

/**
 * bg_writer_start - start the writing thread
 * @fd: where the bytes go; the caller keeps it open
 * @transform: run by the thread on every buffer, or NULL to write them as is
 * @ctx: for @transform; what it reads must not change until bg_writer_stop()
 * @buf: gets the first buffer to fill
 * @cap: gets the size of every buffer
 *
 * Returns the writer, or NULL when no thread could be started (the caller
 * writes by itself then).
 */
struct bg_writer *bg_writer_start(int fd, bg_transform_fn *transform, void *ctx, char **buf,
				  size_t *cap);
/**
 * bg_writer_submit - queue the first @len bytes of the buffer last handed out
 *
 * Waits only when every buffer is still queued.  Returns the next buffer
 * to fill.
 */
char *bg_writer_submit(struct bg_writer *bg, size_t len);
/**
 * bg_writer_stop - queue the first @len bytes of the buffer last handed
 * out, wait for everything to be written, stop the thread, free the writer
 *
 * Returns 0, or -EIO when any write failed.
 */
int bg_writer_stop(struct bg_writer *bg, size_t len);

#endif /* AU_BG_WRITER_H */
