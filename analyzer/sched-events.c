// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's context switches of the recorded threads, and their exits,
 * merged into the record sequence as EVENT records (linux:sched-in,
 * sched-out, task exit).
 *
 * uftrace 0.13 records them by default (perf's context-switch records, in
 * perf-cpu<N>.dat, formats.md 1.3), each file in time order: a SWITCH
 * record (type 14) is `u32 pid, tid, u64 time` after its header, misc
 * 0x2000 when the thread leaves the CPU, 0x4000 more when it was
 * preempted rather than blocked.  They tell how long a poll was off the
 * CPU, and whether it blocked (a syscall, a lock) or was preempted.  An
 * EXIT record (type 4: `u32 pid, ppid, tid, ptid, u64 time`) ends a thread
 * that went to sleep and never ran again: until then it was alive.
 *
 * The files are read one record at a time through stdio: memory does not
 * depend on their length.
 */
#define PR_FMT "reader"

#include <stdlib.h>
#include <string.h>

#include "uftrace-data-internal.h"
#include "utils.h"

#define PERF_RECORD_EXIT 4
#define PERF_RECORD_SWITCH 14
#define PERF_MISC_SWITCH_OUT 0x2000
#define PERF_MISC_SWITCH_OUT_PREEMPT 0x4000

struct sched_src {
	FILE *fp;
	bool has_next;
	struct au_sched_event next;
};

struct au_sched {
	struct sched_src *srcs;
	size_t nr;
	size_t first;               /* the source with the earliest event */
};

static int cmp_tid(const void *key, const void *elem)
{
	uint32_t tid = *(const uint32_t *)key, other = ((const struct au_thread *)elem)->tid;

	return tid < other ? -1 : tid > other;
}

/* The next switch of a recorded thread in @src; false at its end. */
static bool src_read(const struct au_data *d, struct sched_src *src)
{
	uint8_t hdr[8], body[256];

	while (fread(hdr, 1, 8, src->fp) == 8) {
		uint32_t type, pid, tid;
		uint16_t misc, size;
		uint64_t time;
		const struct au_thread *t;

		memcpy(&type, hdr, 4);
		memcpy(&misc, hdr + 4, 2);
		memcpy(&size, hdr + 6, 2);
		if (size < 8)
			break; /* corrupt: the rest cannot be framed */
		if ((type != PERF_RECORD_SWITCH && type != PERF_RECORD_EXIT) ||
		    size < 8 + (type == PERF_RECORD_EXIT ? 24 : 16) || size > 8 + sizeof(body)) {
			if (fseek(src->fp, size - 8, SEEK_CUR) != 0)
				break;
			continue;
		}
		if (fread(body, 1, size - 8, src->fp) != (size_t)(size - 8))
			break;
		if (type == PERF_RECORD_EXIT) {
			memcpy(&tid, body + 8, 4);
			memcpy(&time, body + 16, 8);
		} else {
			memcpy(&tid, body + 4, 4);
			memcpy(&time, body + 8, 8);
		}
		memcpy(&pid, body, 4);
		(void)pid;
		t = bsearch(&tid, d->threads, d->nr_threads, sizeof(*d->threads), cmp_tid);
		/* another process's thread, or out of order: not ours to place */
		if (!t || (src->has_next && time < src->next.time))
			continue;
		src->next = (struct au_sched_event){
			.time = time,
			.thread = (uint32_t)(t - d->threads),
			.id = type == PERF_RECORD_EXIT            ? AU_EVENT_THREAD_EXIT
			      : !(misc & PERF_MISC_SWITCH_OUT)      ? AU_EVENT_SCHED_IN
			      : misc & PERF_MISC_SWITCH_OUT_PREEMPT ? AU_EVENT_SCHED_OUT_PREEMPT
								    : AU_EVENT_SCHED_OUT,
		};
		src->has_next = true;
		return true;
	}
	src->has_next = false;
	return false;
}

/* The source with the earliest event; its time in d->sched_time (read
 * for every record: UINT64_MAX when no event is left). */
static void pick_first(struct au_data *d, struct au_sched *sc)
{
	sc->first = sc->nr;
	for (size_t i = 0; i < sc->nr; i++) {
		if (sc->srcs[i].has_next &&
		    (sc->first == sc->nr || sc->srcs[i].next.time < sc->srcs[sc->first].next.time))
			sc->first = i;
	}
	d->sched_time = sc->first < sc->nr ? sc->srcs[sc->first].next.time : UINT64_MAX;
}

static void src_open(struct au_data *d, const char *path, void *arg)
{
	struct au_sched *sc = arg;
	const char *base = strrchr(path, '/');
	struct sched_src src = { 0 };

	if (strncmp(base ? base + 1 : path, "perf-cpu", 8))
		return;
	src.fp = fopen(path, "rb");
	if (!src.fp)
		return;
	if (!src_read(d, &src)) {
		fclose(src.fp);
		return;
	}
	sc->srcs = xrealloc(sc->srcs, (sc->nr + 1) * sizeof(*sc->srcs));
	sc->srcs[sc->nr++] = src;
}

void au_sched_open(struct au_data *d)
{
	struct au_sched *sc = xcalloc(1, sizeof(*sc));

	/* threads are sorted by tid (au_streams_open) */
	au_dir_each(d, ".dat", src_open, sc);
	d->sched = sc;
	pick_first(d, sc);
}

void au_sched_take(struct au_data *d, struct au_sched_event *ev)
{
	struct au_sched *sc = d->sched;

	*ev = sc->srcs[sc->first].next;
	src_read(d, &sc->srcs[sc->first]);
	pick_first(d, sc);
}

void au_sched_close(struct au_data *d)
{
	struct au_sched *sc = d->sched;

	if (!sc)
		return;
	for (size_t i = 0; i < sc->nr; i++)
		fclose(sc->srcs[i].fp);
	free(sc->srcs);
	free(sc);
	d->sched = NULL;
	d->sched_time = UINT64_MAX;
}
