// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The human report: what a person reads in a terminal after profiling.
 * Every number here is also in the summary JSON (doc/report.md).
 */
#define PR_FMT "report"

#include <ctype.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"
#include "summary-internal.h"
#include "utils.h"
#include "writers.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define REPORT_FUTURES 15

/* "1.234 ms"-style duration in a fixed-width field. */
static const char *dur(char *buf, size_t len, uint64_t ns)
{
	if (ns >= 1000000000ull)
		snprintf(buf, len, "%.3f s", ns / 1e9);
	else if (ns >= 1000000ull)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else if (ns >= 1000ull)
		snprintf(buf, len, "%.3f us", ns / 1e3);
	else
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	return buf;
}

/*
 * @name as a table's column of @width shows it.  A type's label too long
 * for it loses its module paths, so that what tells two rows apart
 * survives the cut: "<futures_util::stream::stream::next::Next<
 * futures_util::stream::futures_unordered::FuturesUnordered> as Future>"
 * reads "<Next<FuturesUnordered> as Future>".  The program's own names
 * keep theirs (the function is the part that matters).
 */
static const char *fit(const char *name, size_t width, char *buf, size_t len)
{
	size_t n = 0, path = 0;

	if (!name || name[0] != '<' || strlen(name) <= width || !len)
		return name;
	for (const char *p = name; *p && n + 1 < len; p++) {
		/* drop the module path so far ("<T>::f" keeps its "::", and
		 * "f::{closure#0}" its function) */
		if (p[0] == ':' && p[1] == ':' && p[2] != '{' && n > path) {
			n = path;
			p++;
			continue;
		}
		if (p[0] != '_' && !isalnum((unsigned char)p[0]))
			path = n + 1;
		buf[n++] = *p;
	}
	buf[n] = '\0';
	return buf;
}

static void print_await(FILE *fp, const struct au_model *m, const struct au_await *aw)
{
	if (aw->site && aw->site->line)
		fprintf(fp, " at %s:%d", aw->site->file, aw->site->line);
	if (aw->site && aw->site->line && aw->guessed_among)
		fprintf(fp, " (likeliest of %u awaits of that kind)", aw->guessed_among);
	if (aw->child_func >= 0)
		fprintf(fp, " on %s", au_model_funcs(m)->v[aw->child_func].label);
	for (unsigned i = 0; i < aw->nr_inner; i++)
		fprintf(fp, "%s%s%s", i ? ", " : " [", au_model_funcs(m)->v[aw->inner[i]].label,
			i + 1 == aw->nr_inner ? "]" : "");
	if (aw->on_task)
		fprintf(fp, " (task %llu)", (unsigned long long)aw->on_task);
	if (aw->held_by)
		fprintf(fp, " (%s task %llu)", au_funcs_holder_word(au_model_funcs(m), aw->child_func),
			(unsigned long long)aw->held_by);
}

static void print_diagnostics(FILE *fp, const struct au_model *m, const struct au_sink *diag,
			      const struct au_filter *filter)
{
	size_t n = 0, all = diag ? au_diagnose_count(diag) : 0;

	for (size_t i = 0; i < all; i++)
		n += !filter->task || au_diagnose_at(diag, i)->task == filter->task;

	if (!n) {
		fprintf(fp, "\nNo problems found (long polls, wake delays, stuck or deadlocked "
			"tasks).\n");
		return;
	}
	fprintf(fp, "\nDiagnostics (%zu), most severe first:\n", n);
	for (size_t i = 0; i < all; i++) {
		const struct au_diag *g = au_diagnose_at(diag, i);

		if (filter->task && g->task != filter->task)
			continue;
		fprintf(fp, "  [%s] %s\n", au_diag_kind_name(g->kind), g->message);
		if (g->stack_len) {
			/* a deadlock's "stack" is what each party waits on */
			bool each = g->kind == AU_DIAG_DEADLOCK;

			fprintf(fp, "      %s:", each ? "each waits on" : "stack");
			for (unsigned k = 0; k < g->stack_len; k++)
				fprintf(fp, "%s %.60s", k ? (each ? ";" : " >") : "",
					g->stack[k] >= 0 ? au_model_funcs(m)->v[g->stack[k]].label : "?");
			fputc('\n', fp);
		}
	}
}

static int cmp_task_busy(const void *a, const void *b)
{
	const struct au_task *x = *(const struct au_task *const *)a;
	const struct au_task *y = *(const struct au_task *const *)b;

	return x->busy_ns > y->busy_ns ? -1 : x->busy_ns < y->busy_ns;
}

/* tokio-metrics' budget_forced_yield_count, and the task that yielded
 * most: a task with much to do at once (a full channel) that tokio made
 * to let others run. */
static void budget_yields(FILE *fp, const struct au_model *m, const struct au_task **all,
			  size_t n)
{
	const struct au_task *most = NULL;
	unsigned long long total = 0;

	for (size_t i = 0; i < n; i++) {
		total += all[i]->budget_yields;
		if (all[i]->budget_yields && (!most || all[i]->budget_yields > most->budget_yields))
			most = all[i];
	}
	if (most)
		fprintf(fp, "Yields forced by tokio's coop budget: %llu, most by task %llu (%s): "
			"%u\n", total, (unsigned long long)most->id,
			au_summary_task_name(m, most) ? au_summary_task_name(m, most) : "?",
			most->budget_yields);
}

/* Tasks by busy time, and how long woken tasks waited for a worker. */
static void print_tasks(FILE *fp, const struct au_model *m, const struct au_summary *sum,
			const struct au_filter *filter)
{
	const struct au_tasks *ts = au_model_tasks(m);
	size_t n = au_tasks_count(ts), listed = 0, workers = 0;
	const struct au_task **all;
	char b1[32], b2[32], b3[32], b4[32];

	if (!n)
		return;
	all = xmalloc(n * sizeof(*all));
	/* block_on's "task" is the thread itself, a worker's blocking task
	 * (tokio's) the worker, in the threads' table: not listed */
	for (size_t i = 0; i < n; i++) {
		const struct au_task *t = au_tasks_at(ts, i);

		if (t->kind == AU_TASK_BLOCKING && t->hosts_tasks)
			workers++;
		else if (t->kind != AU_TASK_BLOCK_ON && (!filter->task || t->id == filter->task))
			all[listed++] = t;
	}
	qsort(all, listed, sizeof(*all), cmp_task_busy);
	if (listed)
		fprintf(fp, "\nTasks by busy time (%zu tasks%s):\n  %6s %6s %-36s %6s %12s %11s %12s %12s  %s\n",
			listed, workers ? "; the workers' blocking tasks are under Threads" : "",
			"id", "rt id", "task", "polls", "busy", "blocked", "idle", "scheduled", "outcome");
	for (size_t i = 0; i < listed && i < 10; i++) {
		const struct au_task *t = all[i];
		const char *name = au_summary_task_name(m, t);
		char rt[24] = "-", short_name[256];

		if (t->runtime_id)
			snprintf(rt, sizeof(rt), "%llu", (unsigned long long)t->runtime_id);
		fprintf(fp, "  %6llu %6s %-36.36s %6u %12s %11s %12s %12s  %s\n",
			(unsigned long long)t->id, rt,
			name ? fit(name, 36, short_name, sizeof(short_name))
			: t->kind == AU_TASK_BLOCKING ? "(blocking task, future not traced)"
						      : "(future not traced)",
			t->polls, dur(b1, sizeof(b1), t->busy_ns),
			t->blocked_ns ? dur(b4, sizeof(b4), t->blocked_ns) : "-",
			dur(b2, sizeof(b2), t->idle_ns), dur(b3, sizeof(b3), t->scheduled_ns),
			t->outcome == AU_OUTCOME_COMPLETED ? "completed" :
			t->outcome == AU_OUTCOME_PENDING ? "pending at end" :
			t->outcome == AU_OUTCOME_ABORTED ? "aborted" :
			t->outcome == AU_OUTCOME_SHUT_DOWN ? "shut down" :
			t->outcome == AU_OUTCOME_PANICKED ? "panicked" :
			t->outcome == AU_OUTCOME_FREED ? "freed" : "dropped");
	}
	if (sum->delays.count)
		fprintf(fp, "\nWake to poll (%llu wakes): p50 %s, p90 %s, p99 %s, max %s\n",
			(unsigned long long)sum->delays.count,
			dur(b1, sizeof(b1), au_delays_percentile(&sum->delays, 50)),
			dur(b2, sizeof(b2), au_delays_percentile(&sum->delays, 90)),
			dur(b3, sizeof(b3), au_delays_percentile(&sum->delays, 99)),
			dur(b4, sizeof(b4), sum->delays.max));
	budget_yields(fp, m, all, listed);
	free(all);
}

/* Does the filter keep this future function out of the report? */
static bool future_hidden(const struct au_filter *f, const struct au_funcinfo *fi, uint64_t max_poll)
{
	if (f->hide_runtime && !(fi->flags & ASYM_F_USER))
		return true;
	if (f->only_crate && (!fi->sym || !fi->sym->crate || strcmp(fi->sym->crate, f->only_crate)))
		return true;
	return max_poll < f->min_poll_ns;
}

/* What the program did that the recording cannot show, and why: its
 * runtime's functions inlined (model.h's AU_UNSEEN_*). */
static void print_unseen(FILE *fp, const struct au_model *m)
{
	static const struct {
		unsigned bit;
		const char *what;
	} kinds[] = {
		{ AU_UNSEEN_SPAWNS, "task spawns (no parents, spawn sites or first-poll delays)" },
		{ AU_UNSEEN_QUEUEING, "queueing (no local or remote queue counts)" },
		{ AU_UNSEEN_STEALS, "steals (no polls after a steal)" },
	};
	unsigned unseen = au_model_unseen(m), n = 0;

	if (!unseen)
		return;
	fputs("not recorded: ", fp);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (unseen & kinds[i].bit)
			fprintf(fp, "%s%s", n++ ? ", " : "", kinds[i].what);
	}
	fprintf(fp, ": the runtime's functions for %s were inlined (an optimized build?); a debug "
		"build, or cargo-mcount --no-inline, records %s (doc/building-for-profiling.md)\n",
		n > 1 ? "them" : "it", n > 1 ? "them" : "it");
}

/* Tasks whose future panicked, named in the header: a panic ends a task
 * however little time it took, so it must not hide in the busy list. */
static void print_panics(FILE *fp, const struct au_model *m, const struct au_data_info *info)
{
	const struct au_tasks *ts = au_model_tasks(m);
	bool abrt = info->has_exit_status && (info->exit_status & 0x7f) == SIGABRT;

	for (size_t i = 0; i < au_tasks_count(ts); i++) {
		const struct au_task *t = au_tasks_at(ts, i);
		const char *name = au_summary_task_name(m, t);

		if (t->outcome != AU_OUTCOME_PANICKED)
			continue;
		char rt[48] = "";

		if (t->runtime_id)
			snprintf(rt, sizeof(rt), ", %s task %llu", au_model_funcs(m)->runtime,
				 (unsigned long long)t->runtime_id);
		fprintf(fp, "task %llu (%s%s) panicked%s\n", (unsigned long long)t->id,
			name ? name : "?", rt,
			abrt ? " in its poll, and the program aborted: under uftrace a Rust panic "
			       "cannot unwind (doc/findings.md)" : "");
	}
	{
		uint32_t th;
		int32_t func, caller;

		if (au_model_panic_outside_task(m, &th, &func, &caller))
			fprintf(fp, "the program panicked outside any task, on thread %u, in %s%s%s, "
				"and aborted: under uftrace a Rust panic cannot unwind "
				"(doc/findings.md)\n",
				au_data_thread(au_model_data(m), th)->tid, au_model_func_name(m, func),
				caller >= 0 ? " called from " : "",
				caller >= 0 ? au_model_func_name(m, caller) : "");
	}
}

/* --task rt:N: our id of the task the runtime numbers N, or none. */
static struct au_filter resolved(const struct au_model *m, const struct au_filter *filter)
{
	const struct au_tasks *ts = au_model_tasks(m);
	struct au_filter f = *filter;

	for (size_t i = 0; f.runtime_task && i < au_tasks_count(ts); i++) {
		if (au_tasks_at(ts, i)->runtime_id == f.runtime_task)
			f.task = au_tasks_at(ts, i)->id;
	}
	return f;
}

void au_report_write(struct au_sink *sink, const struct au_model *m, const struct au_sink *diag,
		     const struct au_filter *filter_opt, FILE *fp)
{
	struct au_filter filter_by_id = resolved(m, filter_opt);
	const struct au_filter *filter = &filter_by_id;
	struct au_summary *sum = container_of(sink, struct au_summary, sink);
	const struct au_data *data = au_model_data(m);
	const struct au_data_info *info = au_data_info(data);
	const struct au_data_errors *errs = au_data_errors(data);
	uint64_t first = au_model_first_time(m), last = au_model_last_time(m);
	char b1[32], b2[32], b3[32], b4[32];
	const char *prog = info->exename ? strrchr(info->exename, '/') : NULL;

	au_summary_futures(sum, m);
	prog = prog ? prog + 1 : info->exename ? info->exename : "?";
	fprintf(fp, "%s: %s, %zu threads, %llu records, %llu lost, runtime %s\n", prog,
		dur(b1, sizeof(b1), last > first ? last - first : 0), au_data_nr_threads(data),
		(unsigned long long)au_model_records(m), (unsigned long long)errs->lost_records,
		au_model_funcs(m)->runtime);
	if (info->has_exit_status && info->exit_status != 0) {
		int st = info->exit_status;

		/* a raw wait(2) status, as uftrace saved it; -1 when uftrace
		 * itself was interrupted (Ctrl-C) before it saw the program end */
		if (st == -1)
			fprintf(fp, "the recording was interrupted before the program ended: this is "
				"what was recorded until then\n");
		else if ((st & 0x7f) && (st & 0x7f) != 0x7f)
			fprintf(fp, "the program was killed by signal %d (%s): this is what was "
				"recorded until then\n", st & 0x7f, strsignal(st & 0x7f));
		else if (st != 65536)
			fprintf(fp, "the program exited with status %d\n", (st >> 8) & 0xff);
	}
	print_unseen(fp, m);
	print_panics(fp, m, info);
	if (filter->task == AU_TASK_UNRESOLVED)
		fprintf(fp, "no task has the runtime id %llu in this recording\n",
			(unsigned long long)filter->runtime_task);
	if (!au_model_funcs(m)->classified)
		fprintf(fp, "note: the program's DWARF was not read: futures were not classified\n");
	print_diagnostics(fp, m, diag, filter);

	/* The program's own futures first: runtime internals are context. */
	for (int user = 1; user >= 0; user--) {
		size_t shown = 0, total = 0;

		if (filter->task) {
			fprintf(fp, "\n(futures of every task: run without --task)\n");
			break;
		}
		for (size_t i = 0; i < sum->nr_futures; i++)
			total += !!(sum->futures[i].fi->flags & ASYM_F_USER) == user &&
				 !future_hidden(filter, sum->futures[i].fi, sum->futures[i].max_poll_ns);
		if (!total)
			continue;
		fprintf(fp, "\n%s futures by busy time (time inside polls):\n",
			user ? "Your" : "Library and runtime");
		fprintf(fp, "  %-44s %-11s %6s %6s %12s %11s %12s %12s\n", "future", "kind", "inst",
			"polls", "busy", "blocked", "waiting", "max poll");
		for (size_t i = 0; i < sum->nr_futures; i++) {
			const struct au_sum_future *f = &sum->futures[i];
			char short_name[256];

			if (!!(f->fi->flags & ASYM_F_USER) != user ||
			    future_hidden(filter, f->fi, f->max_poll_ns))
				continue;
			if (shown++ == (user ? 2 * REPORT_FUTURES : REPORT_FUTURES / 3)) {
				fprintf(fp, "  ... %zu more in the summary JSON\n", total - shown + 1);
				break;
			}
			fprintf(fp, "  %-44.44s %-11s %6llu %6llu %12s %11s %12s %12s\n",
				fit(f->name, 44, short_name, sizeof(short_name)),
				au_summary_kind(f->fi), (unsigned long long)f->instances,
				(unsigned long long)f->polls, dur(b1, sizeof(b1), f->busy_ns),
				f->blocked_ns ? dur(b4, sizeof(b4), f->blocked_ns) : "-",
				dur(b2, sizeof(b2), f->wait_ns), dur(b3, sizeof(b3), f->max_poll_ns));
		}
	}
	if (!sum->nr_futures)
		fprintf(fp, "\n(no future was polled)\n");

	{
		bool header = false;
		size_t nr_ids;
		const struct au_task **by_id = au_tasks_by_id(au_model_tasks(m), &nr_ids);

		for (size_t i = 0; i < sum->nr_waits; i++) {
			const struct au_sum_span *s = &sum->waits[i];

			if ((filter->task && s->task != filter->task) ||
			    future_hidden(filter, &au_model_funcs(m)->v[s->func], UINT64_MAX))
				continue;
			if (!header) {
				fprintf(fp, "\nLongest waits of your futures (poll end to next poll, or "
					    "to the end: still waiting):\n");
				header = true;
			}
			fprintf(fp, "  %12s  %s #%llu", dur(b1, sizeof(b1), s->dur),
				au_model_funcs(m)->v[s->func].label,
				(unsigned long long)s->instance);
			print_await(fp, m, &s->await);
			/* the task it waited for, as far as its wake tells */
			if (s->woken_by) {
				const struct au_task *by = s->woken_by < nr_ids ? by_id[s->woken_by]
										: NULL;
				const char *name = by ? au_summary_task_name(m, by) : NULL;

				fprintf(fp, ", woken by task %llu%s%s",
					(unsigned long long)s->woken_by, name ? " " : "",
					name ? name : "");
			}
			fputs(s->still_waiting ? " (still waiting)\n" : "\n", fp);
		}
		free(by_id);
	}
	print_tasks(fp, m, sum, filter);
	if (sum->nr_polls) {
		bool header = false;

		for (size_t i = 0, shown = 0; i < sum->nr_polls && shown < 5; i++) {
			const struct au_sum_span *s = &sum->polls[i];

			if ((filter->task && s->task != filter->task) ||
			    future_hidden(filter, &au_model_funcs(m)->v[s->func], s->dur))
				continue;
			/* (with a filter, the longest polls kept may all be others') */
			if (!header) {
				fprintf(fp, "\nLongest polls:\n");
				header = true;
			}
			shown++;
			fprintf(fp, "  %12s  %.70s #%llu on thread %u\n", dur(b1, sizeof(b1), s->dur),
				au_model_funcs(m)->v[s->func].label,
				(unsigned long long)s->instance,
				au_data_thread(data, s->thread)->tid);
		}
	}
	fprintf(fp, "\nThreads:\n  %-8s %-18s %8s %12s %6s %12s %12s %12s\n", "tid", "name",
		"polls", "busy", "util", "parked", "preempted", "blocked");
	for (uint32_t i = 0; i < au_data_nr_threads(data); i++) {
		const struct au_thread *th = au_data_thread(data, i);
		uint64_t span = th->last_time > th->first_time ? th->last_time - th->first_time : 0;
		const struct au_sum_thread *st = i < sum->nr_threads ? &sum->threads[i] : NULL;
		uint64_t polls = !st ? 0 : st->task_polls + st->blocking_polls ? st->task_polls + st->blocking_polls : st->polls;
		uint64_t busy = st ? au_summary_thread_busy(st) : 0;

		fprintf(fp, "  %-8u %-18.18s %8llu %12s %5.1f%% %12s %12s %12s\n", th->tid,
			th->name ? th->name : (th->tid == th->pid ? "main" : "-"),
			(unsigned long long)polls, dur(b1, sizeof(b1), busy),
			span ? 100.0 * busy / span : 0.0,
			st && st->parked_ns ? dur(b2, sizeof(b2), st->parked_ns) : "-",
			st && st->preempted_ns ? dur(b3, sizeof(b3), st->preempted_ns) : "-",
			st && st->blocked_ns ? dur(b4, sizeof(b4), st->blocked_ns) : "-");
	}
	{
		struct au_workers wk;

		au_summary_workers(sum, m, &wk);
		if (wk.count > 1) {
			fprintf(fp, "  %llu workers: %llu polls, busy %s (busiest %s, idlest %s), "
				"%llu parks; ",
				(unsigned long long)wk.count, (unsigned long long)wk.polls,
				dur(b1, sizeof(b1), wk.busy_ns), dur(b2, sizeof(b2), wk.max_busy_ns),
				dur(b3, sizeof(b3), wk.min_busy_ns), (unsigned long long)wk.parks);
			if (au_model_unseen(m) & AU_UNSEEN_QUEUEING)
				fprintf(fp, "queueing not recorded, ");
			else
				fprintf(fp, "tasks queued %llu times locally, %llu remotely, ",
					(unsigned long long)wk.local_schedules,
					(unsigned long long)wk.remote_schedules);
			if (au_model_unseen(m) & AU_UNSEEN_STEALS)
				fprintf(fp, "steals not recorded\n");
			else
				fprintf(fp, "%llu polls after a steal\n",
					(unsigned long long)wk.stolen_polls);
		}
	}
	if (errs->bad_records || errs->truncated_files || errs->lost_records)
		fprintf(fp, "\nInput problems: %llu corrupt records skipped, %llu truncated files, "
			"%llu records lost by uftrace\n",
			(unsigned long long)errs->bad_records,
			(unsigned long long)errs->truncated_files,
			(unsigned long long)errs->lost_records);
}
