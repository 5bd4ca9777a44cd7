// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-thread record streams (<tid>.dat, formats.md 1.5-1.7) and their
 * merge into one time-ordered sequence (a binary heap over threads, as
 * uftrace's read_rstack takes the smallest timestamp next).
 *
 * Each stream reads through a fixed window, so memory does not depend on
 * the trace length.  Corrupt bytes are skipped by resynchronising on the
 * next plausible record header; the reader never fails after opening.
 */
#define PR_FMT "reader"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "uftrace-data-internal.h"
#include "utils.h"

/* Each thread's read window: 256 KiB, less when there are many threads so
 * that all windows together stay within 32 MiB (a payload needs 1 KiB). */
#define WINDOW_MAX (256 * 1024)
#define WINDOW_MIN (8 * 1024)
#define WINDOWS_TOTAL (32 * 1024 * 1024)
#define MAX_DEPTH 1024
#define ALIGN(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Make at least @n unread bytes available; false at end of file. */
static bool ensure(struct au_data *d, struct au_stream *s, size_t n)
{
	size_t got;

	if (s->len - s->pos >= n)
		return true;
	if (s->eof)
		return false;
	memmove(s->buf, s->buf + s->pos, s->len - s->pos);
	s->offset += s->pos;
	s->len -= s->pos;
	s->pos = 0;
	got = fread(s->buf + s->len, 1, s->window - s->len, s->fp);
	d->bytes_read += got;
	s->len += got;
	if (got == 0)
		s->eof = true;
	return s->len >= n || ensure(d, s, n);
}

static void warn_once(struct au_stream *s, uint64_t offset, const char *what)
{
	if (s->warned)
		return;
	s->warned = true;
	pr_warn("%s: offset %" PRIu64 ": %s", s->path, offset, what);
}

/* A header that can be a record at all: magic, depth, time order. */
static bool header_plausible(const struct au_stream *s, const uint8_t *p)
{
	uint64_t time = rd64(p), w = rd64(p + 8);
	unsigned type = w & 3, magic = (w >> 3) & 7, depth = (w >> 6) & 0x3ff;

	if (magic != UFTRACE_RECORD_MAGIC)
		return false;
	if (type == AU_REC_LOST)
		return true;
	if (type == AU_REC_EVENT)
		return time >= s->last_time;
	return depth < MAX_DEPTH && time >= s->last_time;
}

/* Bytes taken by one payload item at offset o; -1 when cut short. */
static int payload_walk(const uint8_t *p, size_t avail, const struct au_spec_item *items,
			unsigned n, uint64_t *vals, const char **strs, char (*strbuf)[128])
{
	uint64_t o = 0;

	for (unsigned i = 0; i < n; i++) {
		if (items[i].is_str) {
			uint16_t len;

			if (o + 2 > avail)
				return -1;
			memcpy(&len, p + o, 2);
			if (o + 2 + len > avail)
				return -1;
			if (strs && i < AU_MAX_ARGS) {
				size_t c = len < 127 ? len : 127;

				memcpy(strbuf[i], p + o + 2, c);
				strbuf[i][c] = '\0';
				strs[i] = strbuf[i];
			}
			if (vals && i < AU_MAX_ARGS)
				vals[i] = 0;
			o = ALIGN(o + 2 + len, 4);
		} else {
			uint64_t v = 0;

			if (o + items[i].size > avail)
				return -1;
			memcpy(&v, p + o, items[i].size > 8 ? 8 : items[i].size);
			if (vals && i < AU_MAX_ARGS)
				vals[i] = v;
			if (strs && i < AU_MAX_ARGS)
				strs[i] = NULL;
			o = ALIGN(o + items[i].size, 4);
		}
	}
	return ALIGN(o, 8);
}

/*
 * The payload size of a record whose spec is unknown: the smallest size
 * after which a plausible header (or the end of the file) follows.
 */
static int guess_payload(struct au_data *d, struct au_stream *s)
{
	for (int sz = 8; sz <= UFTRACE_MAX_PAYLOAD; sz += 8) {
		if (!ensure(d, s, 16 + sz + 16))
			return ensure(d, s, 16 + sz) ? sz : -1;
		if (header_plausible(s, s->buf + s->pos + 16 + sz))
			return sz;
	}
	return -1;
}

/* Skip to the next plausible header after a corrupt one. */
static void resync(struct au_data *d, struct au_stream *s)
{
	uint64_t skipped = 0;

	do {
		s->pos += 8;
		skipped += 8;
	} while (ensure(d, s, 16) && !header_plausible(s, s->buf + s->pos));
	d->errors.bad_records += (skipped + 15) / 16;
}

/* Read the next record of @s into s->next; false at its end. */
static bool stream_read(struct au_data *d, struct au_stream *s, struct au_thread *t)
{
	struct au_record *r = &s->next;

	for (;;) {
		const uint8_t *p;
		uint64_t w;
		bool more;

		if (!ensure(d, s, 16)) {
			if (s->len > s->pos) {
				warn_once(s, s->offset + s->pos, "file ends inside a record");
				d->errors.truncated_files++;
				s->pos = s->len;
			}
			return false;
		}
		p = s->buf + s->pos;
		if (!header_plausible(s, p)) {
			uint64_t time = rd64(p), w0 = rd64(p + 8);

			warn_once(s, s->offset + s->pos,
				  ((w0 >> 3) & 7) != UFTRACE_RECORD_MAGIC ? "bad record magic: skipped"
				  : time < s->last_time ? "time goes backwards: skipped"
							: "impossible depth: skipped");
			resync(d, s);
			continue;
		}
		w = rd64(p + 8);
		r->time = rd64(p);
		r->type = w & 3;
		more = (w >> 2) & 1;
		r->depth = (w >> 6) & 0x3ff;
		r->addr = w >> 16;
		r->nargs = 0;
		r->func = -1;

		if (r->type == AU_REC_ENTRY || r->type == AU_REC_EXIT)
			r->func = au_resolve(d, s, r->addr);
		if (r->func < 0 && (r->type == AU_REC_ENTRY || r->type == AU_REC_EXIT))
			d->errors.unresolved++;

		if (more) {
			const struct au_layout *lo = au_layout_of(d, r->func);
			int size = -1;

			s->strsel ^= 1;
			if (r->type == AU_REC_EVENT) {
				uint16_t len;

				if (ensure(d, s, 18)) {
					memcpy(&len, s->buf + s->pos + 16, 2);
					size = ALIGN(2 + len, 8);
				}
			} else if (lo && r->type == AU_REC_ENTRY && lo->nargs) {
				ensure(d, s, 16 + UFTRACE_MAX_PAYLOAD);
				size = payload_walk(s->buf + s->pos + 16, s->len - s->pos - 16, lo->args,
						    lo->nargs, r->args, r->strs, s->strbuf[s->strsel]);
				/* all items size the payload, the first ones are kept */
				r->nargs = lo->nargs < AU_MAX_ARGS ? lo->nargs : AU_MAX_ARGS;
				for (unsigned k = 0; k < r->nargs; k++)
					r->fmts[k] = lo->args[k].fmt;
			} else if (lo && r->type == AU_REC_EXIT && lo->has_ret) {
				ensure(d, s, 16 + UFTRACE_MAX_PAYLOAD);
				size = payload_walk(s->buf + s->pos + 16, s->len - s->pos - 16, &lo->ret,
						    1, r->args, r->strs, s->strbuf[s->strsel]);
				r->nargs = 1;
				r->fmts[0] = lo->ret.fmt;
			} else {
				d->errors.unknown_payload++;
				size = guess_payload(d, s);
				/* Most specs are one 8-byte integer: keep it. */
				if (size == 8) {
					r->args[0] = rd64(s->buf + s->pos + 16);
					r->strs[0] = NULL;
					r->fmts[0] = 'x';
					r->nargs = 1;
				}
			}
			if (size < 0 || !ensure(d, s, 16 + size)) {
				warn_once(s, s->offset + s->pos, "file ends inside a record's payload");
				d->errors.truncated_files++;
				s->pos = s->len;
				return false;
			}
			s->pos += 16 + size;
		} else {
			s->pos += 16;
		}

		if (r->type == AU_REC_LOST) {
			d->errors.lost_records += r->addr;
			t->lost += r->addr;
			/* LOST carries no time: it happened after the last one. */
			r->time = s->last_time;
		} else {
			s->last_time = r->time;
		}
		return true;
	}
}

/* ---- the merge ---- */

static bool before(const struct au_data *d, uint32_t a, uint32_t b)
{
	uint64_t ta = d->streams[a].next.time, tb = d->streams[b].next.time;

	return ta < tb || (ta == tb && a < b);
}

static void heap_down(struct au_data *d, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < d->heap_len && before(d, d->heap[l], d->heap[m]))
			m = l;
		if (r < d->heap_len && before(d, d->heap[r], d->heap[m]))
			m = r;
		if (m == i)
			return;
		uint32_t tmp = d->heap[i];
		d->heap[i] = d->heap[m];
		d->heap[m] = tmp;
		i = m;
	}
}

static void heap_up(struct au_data *d, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!before(d, d->heap[i], d->heap[p]))
			return;
		uint32_t tmp = d->heap[i];
		d->heap[i] = d->heap[p];
		d->heap[p] = tmp;
		i = p;
	}
}

static void note_record(struct au_thread *t, const struct au_record *r)
{
	/* entries, exits and lost markers, as the model counts them */
	t->records += r->type != AU_REC_EVENT;
	if (r->type != AU_REC_LOST) {
		if (!t->first_time)
			t->first_time = r->time;
		t->last_time = r->time;
	}
}

void au_data_set_time_offset(struct au_data *d, int64_t offset_ns)
{
	d->time_offset = offset_ns;
}

int au_data_next(struct au_data *d, struct au_record *rec)
{
	uint32_t i;
	struct au_stream *s;

	struct au_thread *th;

	/* a context switch before the next record comes first */
	if (d->sched_time < (d->heap_len ? d->streams[d->heap[0]].next.time : UINT64_MAX)) {
		struct au_sched_event ev;

		au_sched_take(d, &ev);
		rec->time = ev.time + (d->time_offset && ev.time ? d->time_offset : 0);
		/* the thread is alive from its first to its last event */
		th = &d->threads[ev.thread];
		if (!th->first_time || rec->time < th->first_time)
			th->first_time = rec->time;
		if (rec->time > th->last_time)
			th->last_time = rec->time;
		rec->addr = ev.id;
		rec->func = -1;
		rec->thread = ev.thread;
		rec->depth = 0;
		rec->type = AU_REC_EVENT;
		rec->nargs = 0;
		rec->args[0] = 0;
		return 1;
	}
	if (!d->heap_len)
		return 0;
	i = d->heap[0];
	s = &d->streams[i];
	/* The header and the captured values only: a whole record is 200
	 * bytes, most of them unused, and this runs for every record. */
	rec->time = s->next.time;
	rec->addr = s->next.addr;
	rec->func = s->next.func;
	rec->depth = s->next.depth;
	rec->type = s->next.type;
	rec->nargs = s->next.nargs;
	rec->args[0] = 0;
	for (unsigned k = 0; k < s->next.nargs && k < AU_MAX_ARGS; k++) {
		rec->args[k] = s->next.args[k];
		rec->strs[k] = s->next.strs[k];
		rec->fmts[k] = s->next.fmts[k];
	}
	rec->thread = i;
	if (d->time_offset && rec->time)
		rec->time += d->time_offset;
	note_record(&d->threads[i], rec);
	if (stream_read(d, s, &d->threads[i])) {
		heap_down(d, 0);
	} else {
		d->heap[0] = d->heap[--d->heap_len];
		heap_down(d, 0);
	}
	return 1;
}

/* ---- opening ---- */

static uint32_t task_pid(struct au_data *d, uint32_t tid)
{
	char *path = xasprintf("%s/task.txt", d->dir);
	FILE *fp = fopen(path, "r");
	char line[1024];
	uint32_t pid = 0;

	free(path);
	if (!fp)
		return d->pid ? d->pid : tid;
	while (fgets(line, sizeof(line), fp)) {
		unsigned t, p;
		char *q;

		/* A forked child's first thread has a FORK line, no TASK line:
		 * its tid is its pid. */
		if (!strncmp(line, "FORK ", 5)) {
			q = strstr(line, " pid=");
			if (q && sscanf(q, " pid=%u", &p) == 1 && p == tid) {
				pid = p;
				break;
			}
			continue;
		}
		if (strncmp(line, "TASK ", 5))
			continue;
		q = strstr(line, "tid=");
		if (q && sscanf(q, "tid=%u pid=%u", &t, &p) == 2 && t == tid) {
			pid = p;
			break;
		}
	}
	fclose(fp);
	return pid ? pid : d->pid ? d->pid : tid;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int au_streams_open(struct au_data *d)
{
	DIR *dir = opendir(d->dir);
	struct dirent *de;
	uint32_t *tids = NULL;
	size_t n = 0, cap = 0;

	if (!dir) {
		pr_err("%s: %s", d->dir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(dir))) {
		char *end;
		unsigned long tid = strtoul(de->d_name, &end, 10);

		if (end == de->d_name || strcmp(end, ".dat"))
			continue;
		au_grow(&tids, &cap, n, sizeof(*tids));
		tids[n++] = tid;
	}
	closedir(dir);
	/* Thread order: by tid, so the output does not depend on readdir. */
	if (n)
		qsort(tids, n, sizeof(*tids), cmp_u32);

	/* One open file per thread: a recording of a thousand threads needs
	 * more descriptors than the usual soft limit of 1024. */
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 64) {
			rl.rlim_cur = rl.rlim_max < n + 64 ? rl.rlim_max : n + 64;
			if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < n + 16)
				pr_warn("%s: %zu threads but only %llu open files allowed: some "
					"threads will be skipped", d->dir, n,
					(unsigned long long)rl.rlim_cur);
		}
	}
	d->nr_threads = n;
	d->threads = xcalloc(n ? n : 1, sizeof(*d->threads));
	d->streams = xcalloc(n ? n : 1, sizeof(*d->streams));
	d->heap = xcalloc(n ? n : 1, sizeof(*d->heap));
	for (size_t i = 0; i < n; i++) {
		struct au_stream *s = &d->streams[i];
		struct au_thread *t = &d->threads[i];
		struct stat st;

		t->tid = tids[i];
		t->pid = task_pid(d, t->tid);
		s->path = xasprintf("%s/%u.dat", d->dir, t->tid);
		s->session = au_session_of_pid(d, t->pid);
		s->fp = fopen(s->path, "rb");
		if (!s->fp) {
			pr_warn("%s: %s: thread skipped", s->path, strerror(errno));
			continue;
		}
		s->window = WINDOWS_TOTAL / n;
		if (s->window > WINDOW_MAX)
			s->window = WINDOW_MAX;
		if (fstat(fileno(s->fp), &st) == 0) {
			d->info.total_bytes += st.st_size;
			/* No larger than the file (most threads write little). */
			if (st.st_size >= 0 && (uint64_t)st.st_size < s->window)
				s->window = st.st_size;
		}
		if (s->window < WINDOW_MIN)
			s->window = WINDOW_MIN;
		s->buf = xmalloc(s->window);
		if (stream_read(d, s, t)) {
			d->heap[d->heap_len] = i;
			heap_up(d, d->heap_len++);
		}
	}
	free(tids);
	if (!n)
		pr_warn("%s: no <tid>.dat files: the recording has no records", d->dir);
	au_sched_open(d);
	return 0;
}

void au_streams_close(struct au_data *d)
{
	au_sched_close(d);
	for (size_t i = 0; i < d->nr_threads; i++) {
		if (d->streams[i].fp)
			fclose(d->streams[i].fp);
		free(d->streams[i].buf);
		free(d->streams[i].path);
		free((char *)d->threads[i].name);
	}
	free(d->streams);
	free(d->threads);
	free(d->heap);
	d->streams = NULL;
	d->threads = NULL;
	d->heap = NULL;
	d->nr_threads = d->heap_len = 0;
	/* All of these come from the streams (the address cache too: streams
	 * opened again resolve as on a fresh open). */
	if (d->rcache)
		memset(d->rcache, 0, AU_RCACHE * sizeof(*d->rcache));
	d->bytes_read = d->info.total_bytes = 0;
	memset(&d->errors, 0, sizeof(d->errors));
}
