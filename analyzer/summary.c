// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The summary JSON (schema version 1, doc/summary.md).
 */
#define PR_FMT "summary"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "json-writer.h"
#include "summary-internal.h"
#include "utils.h"
#include "writers.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static struct au_sum_thread *sum_thread(struct au_summary *sum, uint32_t thread)
{
	if (thread >= sum->nr_threads) {
		size_t n = thread + 1;

		sum->threads = xrealloc(sum->threads, n * sizeof(*sum->threads));
		memset(sum->threads + sum->nr_threads, 0,
		       (n - sum->nr_threads) * sizeof(*sum->threads));
		sum->nr_threads = n;
	}
	return &sum->threads[thread];
}

/* Keep the @cap longest spans, longest first (insertion into a short list). */
static void keep_longest(struct au_sum_span *list, size_t *n, size_t cap,
			 const struct au_sum_span *span)
{
	size_t i = *n < cap ? (*n)++ : cap;

	if (i == cap) {
		if (span->dur <= list[cap - 1].dur)
			return;
		i = cap - 1;
	}
	while (i > 0 && list[i - 1].dur < span->dur) {
		list[i] = list[i - 1];
		i--;
	}
	list[i] = *span;
}

static void on_poll(struct au_sink *s, const struct au_model *m, const struct au_poll *p)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);
	struct au_sum_span span = {
		.func = p->future->func,
		.instance = p->future->id,
		.thread = p->thread,
	};

	if (p->outermost) {
		struct au_sum_thread *t = sum_thread(sum, p->thread);

		t->polls++;
		t->busy_ns += p->end - p->start;
	}
	span.start = p->start;
	span.dur = p->end - p->start;
	keep_longest(sum->polls, &sum->nr_polls, AU_TOP_POLLS, &span);
	/* Waits are listed for the program's own futures: the runtime's
	 * nest around them and would repeat the same wait. */
	if (p->wait_start && p->start >= p->wait_start &&
	    (au_model_funcs(m)->v[p->future->func].flags & ASYM_F_USER)) {
		span.start = p->wait_start;
		span.dur = p->start - p->wait_start;
		span.await = p->prev_await;
		keep_longest(sum->waits, &sum->nr_waits, AU_TOP_WAITS, &span);
	}
}

static void on_lost(struct au_sink *s, const struct au_model *m, uint32_t thread, uint64_t time,
		    uint64_t count)
{
	struct au_summary *sum = container_of(s, struct au_summary, sink);

	(void)m;
	(void)time;
	sum_thread(sum, thread)->lost += count;
}

static const struct au_sink_ops summary_ops = {
	.poll = on_poll,
	.lost = on_lost,
};

struct au_sink *au_summary_new(void)
{
	struct au_summary *sum = xcalloc(1, sizeof(*sum));

	sum->sink.ops = &summary_ops;
	return &sum->sink;
}

void au_summary_free(struct au_sink *sink)
{
	struct au_summary *sum;

	if (!sink)
		return;
	sum = container_of(sink, struct au_summary, sink);
	free(sum->threads);
	free(sum->futures);
	free(sum);
}

const char *au_summary_kind(const struct au_funcinfo *fi)
{
	switch (fi->role) {
	case ASYM_ROLE_ASYNC_FN:
		return "async_fn";
	case ASYM_ROLE_ASYNC_BLOCK:
		return "async_block";
	default:
		return "future_impl";
	}
}

static int cmp_busy(const void *a, const void *b)
{
	const struct au_sum_future *fa = a, *fb = b;

	if (fa->busy_ns != fb->busy_ns)
		return fa->busy_ns > fb->busy_ns ? -1 : 1;
	return strcmp(fa->name, fb->name);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((*(const struct au_sum_future *const *)a)->name,
		      (*(const struct au_sum_future *const *)b)->name);
}

void au_summary_futures(struct au_summary *sum, const struct au_model *m)
{
	size_t n = au_model_nr_stats(m), out = 0;
	struct au_sum_future **byname;

	if (sum->futures)
		return;
	sum->futures = xcalloc(n ? n : 1, sizeof(*sum->futures));
	for (size_t i = 0; i < n; i++) {
		const struct au_future_stats *st = au_model_stats(m, i);
		const struct au_funcinfo *fi = &au_model_funcs(m)->v[st->func];
		struct au_sum_future *f = &sum->futures[i];

		f->name = fi->label;
		f->fi = fi;
		f->instances = st->instances;
		f->polls = st->polls;
		f->completed = st->completed;
		f->busy_ns = st->busy_ns;
		f->wait_ns = st->wait_ns;
		f->max_poll_ns = st->max_poll_ns;
	}
	/* Merge equal labels: sort pointers by name, fold neighbours. */
	byname = xmalloc((n ? n : 1) * sizeof(*byname));
	for (size_t i = 0; i < n; i++)
		byname[i] = &sum->futures[i];
	qsort(byname, n, sizeof(*byname), cmp_name);
	for (size_t i = 0; i < n; i++) {
		struct au_sum_future *f = byname[i];

		if (out && !strcmp(byname[out - 1]->name, f->name) &&
		    !strcmp(au_summary_kind(byname[out - 1]->fi), au_summary_kind(f->fi))) {
			struct au_sum_future *into = byname[out - 1];

			into->instances += f->instances;
			into->polls += f->polls;
			into->completed += f->completed;
			into->busy_ns += f->busy_ns;
			into->wait_ns += f->wait_ns;
			if (f->max_poll_ns > into->max_poll_ns)
				into->max_poll_ns = f->max_poll_ns;
			f->name = NULL; /* merged away */
		} else {
			byname[out++] = f;
		}
	}
	free(byname);
	for (size_t i = 0; i < n; i++) {
		if (sum->futures[i].name)
			sum->futures[sum->nr_futures++] = sum->futures[i];
	}
	qsort(sum->futures, sum->nr_futures, sizeof(*sum->futures), cmp_busy);
}

static void write_trace(struct jw *w, const struct au_model *m)
{
	const struct au_data *data = au_model_data(m);
	const struct au_data_info *info = au_data_info(data);
	const struct au_data_errors *errs = au_data_errors(data);
	uint64_t first = au_model_first_time(m), last = au_model_last_time(m);

	jw_name(w, "trace");
	jw_begin_object(w);
	jw_str_field(w, "program", info->exename);
	jw_u64_field(w, "duration_ns", last > first ? last - first : 0);
	jw_u64_field(w, "threads", au_data_nr_threads(data));
	jw_u64_field(w, "records", au_model_records(m));
	jw_u64_field(w, "lost_records", errs->lost_records);
	jw_str_field(w, "runtime", au_model_funcs(m)->runtime);
	jw_u64_field(w, "start_ns", first);
	if (info->has_exit_status)
		jw_i64_field(w, "exit_status", info->exit_status);
	else
		jw_null_field(w, "exit_status");
	jw_u64_field(w, "bad_records", errs->bad_records);
	jw_u64_field(w, "truncated_calls", au_model_truncated_calls(m));
	jw_bool_field(w, "classified", au_model_funcs(m)->classified);
	jw_end_object(w);
}

static void write_futures(struct jw *w, struct au_summary *sum)
{
	jw_name(w, "futures");
	jw_begin_array(w);
	for (size_t i = 0; i < sum->nr_futures; i++) {
		const struct au_sum_future *f = &sum->futures[i];
		const struct asym_func *af = f->fi->sym;

		jw_begin_object(w);
		jw_str_field(w, "name", f->name);
		jw_str_field(w, "kind", au_summary_kind(f->fi));
		jw_u64_field(w, "instances", f->instances);
		jw_u64_field(w, "polls", f->polls);
		jw_u64_field(w, "completed", f->completed);
		jw_u64_field(w, "busy_ns", f->busy_ns);
		jw_u64_field(w, "wait_ns", f->wait_ns);
		jw_u64_field(w, "max_poll_ns", f->max_poll_ns);
		if (af && af->future_size)
			jw_u64_field(w, "size_bytes", af->future_size);
		else
			jw_null_field(w, "size_bytes");
		if (af && af->file) {
			char *src = xasprintf("%s:%d", af->file, af->line);

			jw_str_field(w, "source", src);
			free(src);
		} else {
			jw_null_field(w, "source");
		}
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void write_threads(struct jw *w, struct au_summary *sum, const struct au_model *m)
{
	const struct au_data *data = au_model_data(m);

	jw_name(w, "threads");
	jw_begin_array(w);
	for (uint32_t i = 0; i < au_data_nr_threads(data); i++) {
		const struct au_thread *th = au_data_thread(data, i);
		struct au_sum_thread *t = sum_thread(sum, i);
		uint64_t span = th->last_time > th->first_time ? th->last_time - th->first_time : 0;

		jw_begin_object(w);
		jw_u64_field(w, "tid", th->tid);
		if (th->name)
			jw_str_field(w, "name", th->name);
		else
			jw_null_field(w, "name");
		jw_str_field(w, "role", th->tid == th->pid ? "main" : "thread");
		jw_u64_field(w, "polls", t->polls);
		jw_u64_field(w, "busy_ns", t->busy_ns);
		jw_u64_field(w, "idle_ns", span > t->busy_ns ? span - t->busy_ns : 0);
		jw_u64_field(w, "parked_ns", 0);
		jw_double_field(w, "utilization", span ? (double)t->busy_ns / (double)span : 0.0);
		jw_u64_field(w, "records", th->records);
		jw_u64_field(w, "lost_records", th->lost);
		jw_end_object(w);
	}
	jw_end_array(w);
}

int au_summary_write(struct au_sink *sink, const struct au_model *m, FILE *fp)
{
	struct au_summary *sum = container_of(sink, struct au_summary, sink);
	struct jw *w = jw_open(fp, true);

	au_summary_futures(sum, m);
	jw_begin_object(w);
	jw_u64_field(w, "version", 1);
	write_trace(w, m);
	write_futures(w, sum);
	jw_name(w, "tasks");
	jw_begin_array(w);
	jw_end_array(w);
	write_threads(w, sum, m);
	jw_name(w, "diagnostics");
	jw_begin_array(w);
	jw_end_array(w);
	jw_end_object(w);
	jw_newline(w);
	return jw_close(w);
}
