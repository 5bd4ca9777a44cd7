/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A regular file written around the page cache (O_DIRECT), by a thread
 * of its own.
 *
 * A full trace is a gigabyte.  Copying it into the page cache took a
 * quarter of the analysis's CPU time; written directly it costs none, but
 * a direct write returns only when the disk has the data: 0.3-0.45 s for
 * the gigabyte on this machine, which the formatting thread spent waiting.
 * Here a thread does the waiting, while the caller fills the next buffer.
 *
 *	struct direct_out *d = direct_out_start(fd, &buf, &cap);  // NULL: not direct
 *	... fill buf[0..len) ...
 *	buf = direct_out_submit(d, len);   // the whole blocks of it; the rest
 *	                                   // is at the start of buf, *len left
 *	ok = direct_out_finish(d, len);    // the tail through the cache; frees d
 */
#ifndef AU_DIRECT_OUT_H
#define AU_DIRECT_OUT_H

#include <stdbool.h>
#include <stddef.h>

struct direct_out;

/**
 * direct_out_start - write @fd directly from now on
 * @fd: a regular file, its offset at a block boundary; the caller keeps
 *      it open
 * @buf: gets the first buffer to fill
 * @cap: gets the size of every buffer
 *
 * Returns NULL (and leaves @fd as it was) when @fd is not such a file,
 * does not take O_DIRECT, AU_NO_DIRECT_IO is set, or no thread starts.
 */
struct direct_out *direct_out_start(int fd, char **buf, size_t *cap);
/**
 * direct_out_submit - queue the whole blocks of the first *@len bytes of
 * the buffer last handed out
 *
 * The bytes after them are copied to the start of the returned buffer,
 * and *@len becomes their number.  Waits only when every buffer is queued.
 */
char *direct_out_submit(struct direct_out *d, size_t *len);
/**
 * direct_out_finish - write the first @len bytes of the buffer last
 * handed out after everything queued, through the page cache; stop the
 * thread, leave @fd without O_DIRECT, free @d
 *
 * Returns false when a write failed (what came after it was dropped).
 */
bool direct_out_finish(struct direct_out *d, size_t len);

#endif /* AU_DIRECT_OUT_H */
