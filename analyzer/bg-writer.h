/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Buffers written to a file descriptor by a second thread.
 *
 * A full trace is about a gigabyte: write(2) into the page cache then costs
 * as much system time as the analysis itself, and on this two-core target it
 * can run beside it.  The producer fills one buffer while the thread writes
 * the ones before it, in order.
 *
 *	struct bg_writer *bg = bg_writer_start(fd, &buf, &cap);
 *	... fill buf[0..len) ...
 *	buf = bg_writer_submit(bg, len);   // queues buf; an empty one of cap bytes
 *	err = bg_writer_stop(bg, len);     // the rest of buf; 0 or -EIO
 */
#ifndef AU_BG_WRITER_H
#define AU_BG_WRITER_H

#include <stddef.h>

struct bg_writer;

/**
 * bg_writer_start - start the writing thread
 * @fd: where the bytes go; the caller keeps it open
 * @buf: gets the first buffer to fill
 * @cap: gets the size of every buffer
 *
 * Returns the writer, or NULL when no thread could be started (the caller
 * writes by itself then).
 */
struct bg_writer *bg_writer_start(int fd, char **buf, size_t *cap);
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
