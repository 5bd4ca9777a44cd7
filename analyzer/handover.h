/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing memory that another thread reads next: non-temporal stores.
 *
 * The reading thread hands records to the model, and the model hands
 * slices to the writer's thread, through rings of buffers.  A line of a
 * ring was last read by the other core, so a plain store first fetches
 * it from that core's cache, and the reader then fetches it back.  When
 * this virtual machine's two CPUs run on different core complexes of the
 * host, those fetches cross the package, and the analysis took 0.58 s
 * instead of 0.32 s on the same 13.2M-record recording, with 0.8 s of CPU
 * instead of 0.45 (doc/benchmarks.md).  Non-temporal stores write the
 * lines to memory without fetching them, and the reader's sequential
 * reads come from memory, prefetched.
 *
 *	handover_copy(dst, src, n);   // dst 16-byte aligned
 *	...
 *	handover_fence();             // before the buffer changes hands
 */
#ifndef AU_HANDOVER_H
#define AU_HANDOVER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Copies @n bytes to @dst, which is 16-byte aligned; the last n % 16
 * bytes with plain stores. */
static inline void handover_copy(void *dst, const void *src, size_t n)
{
#ifdef __SSE2__
	char *d = dst;
	const char *s = src;

	for (; n >= 16; n -= 16, d += 16, s += 16) {
		__m128i v;

		memcpy(&v, s, 16);
		_mm_stream_si128((__m128i *)(void *)d, v);
	}
	memcpy(d, s, n);
#else
	memcpy(dst, src, n);
#endif
}

/* Non-temporal stores are weakly ordered: fence them before the buffer
 * is handed over (the lock that hands it over orders only plain ones on
 * paper). */
static inline void handover_fence(void)
{
#ifdef __SSE2__
	_mm_sfence();
#endif
}

#endif /* AU_HANDOVER_H */
