// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-thread rings of recent intervals (thread-history.h).  Intervals of
 * one kind on one thread do not overlap and arrive in time order, so a
 * window is summed by walking back from the newest until one ends
 * before it.
 */
#include <stdlib.h>
#include <string.h>

#include "thread-history.h"
#include "utils.h"

/* A busy worker polls a task every microsecond or two: 1,024 polls cover
 * a millisecond-scale delay; parks and context switches are rarer. */
static const unsigned ring_size[AU_HIST_NR] = { 1024, 64, 64, 64 };

struct span {
	uint64_t start, end;
	uint64_t task;
	int32_t root;
};

struct ring {
	struct span *v;
	unsigned next, len;   /* slot to write, spans held */
};

struct thread_hist {
	struct ring rings[AU_HIST_NR];
};

struct au_hist {
	struct thread_hist **threads;
	size_t nr;
};

struct au_hist *au_hist_new(void)
{
	return xcalloc(1, sizeof(struct au_hist));
}

void au_hist_free(struct au_hist *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nr; i++) {
		if (!h->threads[i])
			continue;
		for (int k = 0; k < AU_HIST_NR; k++)
			free(h->threads[i]->rings[k].v);
		free(h->threads[i]);
	}
	free(h->threads);
	free(h);
}

void au_hist_add(struct au_hist *h, uint32_t thread, enum au_hist_kind kind, uint64_t start,
		 uint64_t end, uint64_t task, int32_t root)
{
	struct thread_hist *th;
	struct ring *r;

	if (thread >= h->nr) {
		h->threads = xrealloc(h->threads, (thread + 1) * sizeof(*h->threads));
		memset(h->threads + h->nr, 0, (thread + 1 - h->nr) * sizeof(*h->threads));
		h->nr = thread + 1;
	}
	th = h->threads[thread];
	if (!th)
		th = h->threads[thread] = xcalloc(1, sizeof(*th));
	r = &th->rings[kind];
	if (!r->v)
		r->v = xmalloc(ring_size[kind] * sizeof(*r->v));
	r->v[r->next] = (struct span){ start, end, task, root };
	r->next = (r->next + 1) % ring_size[kind];
	if (r->len < ring_size[kind])
		r->len++;
}

void au_hist_sum(const struct au_hist *h, uint32_t thread, uint64_t from, uint64_t to,
		 uint64_t skip, struct au_hist_sums *out)
{
	const struct thread_hist *th = thread < h->nr ? h->threads[thread] : NULL;

	memset(out, 0, sizeof(*out));
	out->longest_root = -1;
	if (!th || to <= from)
		return;
	for (int k = 0; k < AU_HIST_NR; k++) {
		const struct ring *r = &th->rings[k];
		unsigned i;

		for (i = 0; i < r->len; i++) {
			const struct span *s =
				&r->v[(r->next + ring_size[k] - 1 - i) % ring_size[k]];
			uint64_t a = s->start > from ? s->start : from;
			uint64_t b = s->end < to ? s->end : to;

			if (s->end <= from)
				break;
			if (b <= a || (k == AU_HIST_POLL && s->task == skip))
				continue;
			out->ns[k] += b - a;
			if (k == AU_HIST_POLL && b - a > out->longest_ns) {
				out->longest_ns = b - a;
				out->longest_dur = s->end - s->start;
				out->longest_task = s->task;
				out->longest_root = s->root;
			}
		}
		/* every span held still overlaps: older ones may too */
		out->partial[k] = i == r->len && r->len == ring_size[k];
	}
}
