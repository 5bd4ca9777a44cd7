// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The uftrace record options a binary needs: the first argument (self, or
 * the task pointer) of every poll and runtime function the analysis keys
 * on, and the return value of polls (Ready/Pending) and task constructors.
 *
 * Linkage names become alternations of bounded length (name-patterns.c):
 * one regex per symbol would make libmcount's start-up matching quadratic.
 * ASYM_RECORD_DEFAULT adds a time filter, with a "trace" trigger on those
 * functions so that it never drops them.
 *
 * A binary built with patchable entries (-Z patchable-function-entry)
 * runs at full speed until uftrace patches a function (-P): the default
 * mode patches only the async structure and the program's own functions,
 * the full mode every function.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"

/*
 * Every pattern is built from linkage names, and "--demangle=no" makes
 * libmcount match them against linkage names too: uftrace 0.13 leaves v0
 * ("_R...") names mangled anyway, but turns legacy Rust names into its own
 * spelling ("demo::my_test::_{{closure}}", hash dropped) that libiberty
 * does not produce, so matching demangled names would be guesswork.
 * The recording's .sym files hold linkage names either way.
 */
#define TIME_FILTER "10us"

enum { SET_ARG1, SET_ARG6 = SET_ARG1 + 5, SET_RET, SET_TRACE, SET_PATCH, NR_SETS };

struct pattern_set {
	const char *opt, *spec;
	struct asym_names names;
};

static void add_to(struct pattern_set *set, const char *name, int *err)
{
	if (!*err)
		*err = asym_names_push(&set->names, name);
}

/* Writes and frees the sets. */
static int write_sets(FILE *out, struct pattern_set *sets, int n, const struct asym_binary *bin)
{
	size_t nsyms = 0;
	const char **syms = asym_sorted_symbols(bin, &nsyms);
	int err = syms ? 0 : -ENOMEM;

	for (int i = 0; i < n; i++) {
		if (!err)
			err = asym_names_write(out, sets[i].opt, sets[i].spec, &sets[i].names, syms,
					       nsyms);
		asym_names_free(&sets[i].names);
	}
	free(syms);
	return err;
}

/* Labels of the futures the program's own futures await directly, sorted:
 * what each of its waits is on. */
struct labels {
	const char **v;
	size_t n;
};

static int cmp_label(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int push_label(struct labels *ls, size_t *cap, const char *label)
{
	if (ls->n == *cap) {
		const char **v = realloc(ls->v, (*cap = *cap * 2 + 16) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ls->v = v;
	}
	ls->v[ls->n++] = label;
	return 0;
}

static int awaited_labels(const struct asym_binary *bin, struct labels *ls)
{
	size_t cap = 0;

	ls->v = NULL;
	ls->n = 0;
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		const struct asym_func *f = &bin->funcs[i];

		/* the program's futures; and a lock call's, whose awaitee
		 * tells whether it took the lock when its own Poll comes
		 * back through memory (an RwLock's guard) */
		if ((f->flags & (ASYM_F_FUTURE | ASYM_F_USER)) != (ASYM_F_FUTURE | ASYM_F_USER) &&
		    !(f->flags & ASYM_F_LOCK_BODY))
			continue;
		for (unsigned a = 0; a < f->n_awaits; a++) {
			if (!f->awaits[a].awaitee_label)
				continue;
			if (push_label(ls, &cap, f->awaits[a].awaitee_label) < 0)
				return -ENOMEM;
		}
	}
	if (ls->n)
		qsort(ls->v, ls->n, sizeof(*ls->v), cmp_label);
	return 0;
}

/* A runtime function the model keys on (spawn, wake, schedule, ...). */
static bool runtime_call(const struct asym_func *f)
{
	return f->role != ASYM_ROLE_NONE || (f->flags & ASYM_F_RUNTIME_CALLS);
}

/*
 * The default selection of a patched recording: the program's own code,
 * the runtime's entry points, and of the library's futures those the
 * program awaits (where it waits, and on what); futures nested deeper in
 * the library run untraced.  A blocking std function only where the
 * program calls it itself: patched for its library callers, it would be
 * charged to the nearest patched function, the program's.
 */
static bool patched_by_default(const struct asym_func *f, const struct labels *awaited)
{
	if (f->flags & ASYM_F_USER)
		return true;
	if (f->role == ASYM_ROLE_BLOCKING_CALL)
		return f->flags & ASYM_F_USER_CALLED;
	/* (a lock's own body wherever it is taken: a OnceCell's get_or_init
	 * takes its Semaphore inside the library, and who waits for whom
	 * needs that poll) */
	if (f->flags & ASYM_F_FUTURE)
		return (awaited->n && bsearch(&f->label, awaited->v, awaited->n, sizeof(*awaited->v),
					      cmp_label)) ||
		       (f->flags & (ASYM_F_USER_CALLED | ASYM_F_USER_MADE | ASYM_F_LOCK_BODY));
	return runtime_call(f);
}

/* A Future impl's Self type: "tokio::sync::oneshot::Receiver<u64>" in
 * "<tokio::sync::oneshot::Receiver<u64> as core::future::future::Future>::poll"
 * (into @len bytes at the returned pointer), or NULL. */
static const char *self_type(const struct asym_func *f, size_t *len)
{
	return f->role == ASYM_ROLE_FUTURE_IMPL ? asym_future_self(f->name, len) : NULL;
}

struct self_entry {
	const char *type;
	size_t len;
	size_t func;
};

static int cmp_self(const void *a, const void *b)
{
	const struct self_entry *x = a, *y = b;
	int c = strncmp(x->type, y->type, x->len < y->len ? x->len : y->len);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Mark in @handed the futures named by the generic arguments of @type
 * (each `<...>` list, one level of it per '<'): those the future of that
 * type polls inside. */
static void mark_arguments(const char *type, size_t len, const struct self_entry *v, size_t n,
			   bool *handed)
{
	for (size_t i = 0; i < len; i++) {
		size_t start, end;
		int depth = 0;
		struct self_entry key, *e;

		if (type[i] != '<' && !(type[i] == ',' && i + 1 < len && type[i + 1] == ' '))
			continue;
		start = i + (type[i] == ',' ? 2 : 1);
		for (end = start; end < len; end++) {
			if (type[end] == '<')
				depth++;
			else if (type[end] == '>' && depth-- == 0)
				break;
			else if (type[end] == ',' && !depth)
				break;
		}
		key = (struct self_entry){ type + start, end - start, 0 };
		if ((e = bsearch(&key, v, n, sizeof(*v), cmp_self)))
			handed[e->func] = true;
	}
}

/*
 * Futures the program hands to a library future it awaits, by value:
 * `timeout(d, rx)` awaits a Timeout<oneshot::Receiver<u64>>, which polls
 * the Receiver where the program cannot see it; and those a patched
 * `&mut F` polls.  Patched with it, the
 * wait can name what the timeout waits on inside.  NULL when out of
 * memory (nothing more is patched then).
 */
static bool *handed_futures(const struct asym_binary *bin, const struct labels *awaited)
{
	struct self_entry *v = calloc(bin->nr_funcs ? bin->nr_funcs : 1, sizeof(*v));
	bool *handed = calloc(bin->nr_funcs ? bin->nr_funcs : 1, sizeof(*handed));
	size_t n = 0;

	if (!v || !handed) {
		free(v);
		free(handed);
		return NULL;
	}
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		size_t len;
		const char *t = self_type(&bin->funcs[i], &len);

		if (t)
			v[n++] = (struct self_entry){ t, len, i };
	}
	qsort(v, n, sizeof(*v), cmp_self);
	for (size_t i = 0; i < n; i++) {
		const struct asym_func *f = &bin->funcs[v[i].func];

		if ((f->flags & ASYM_F_USER) || !patched_by_default(f, awaited))
			continue;
		mark_arguments(v[i].type, v[i].len, v, n, handed);
		/* `&mut F`'s poll polls F's (a select! over `&mut rx`) */
		if (v[i].len > 5 && !strncmp(v[i].type, "&mut ", 5)) {
			struct self_entry key = { v[i].type + 5, v[i].len - 5, 0 }, *e;

			if ((e = bsearch(&key, v, n, sizeof(*v), cmp_self)))
				handed[e->func] = true;
		}
	}
	free(v);
	return handed;
}

int asym_binary_record_options(const struct asym_binary *bin, enum asym_record_mode mode,
			       FILE *out)
{
	static const char *const arg_specs[] = { "arg1", "arg2", "arg3", "arg4", "arg5", "arg6" };
	struct pattern_set *sets = calloc(NR_SETS, sizeof(*sets));
	/* mcount calls reach libmcount whatever is asked; patchable entries
	 * only where -P names them (a binary with both calls mcount) */
	bool patch = (bin->flags & ASYM_BIN_PATCHABLE) && !(bin->flags & ASYM_BIN_MCOUNT);
	struct labels awaited = { NULL, 0 };
	bool *handed = NULL;
	int err = 0;

	if (!sets)
		return -ENOMEM;
	for (int i = SET_ARG1; i <= SET_ARG6; i++)
		sets[i] = (struct pattern_set){ .opt = "-A", .spec = arg_specs[i - SET_ARG1] };
	sets[SET_RET] = (struct pattern_set){ .opt = "-R", .spec = "retval" };
	sets[SET_TRACE] = (struct pattern_set){ .opt = "-T", .spec = "trace" };
	sets[SET_PATCH] = (struct pattern_set){ .opt = "-P", .spec = "" };

	if (patch && (bin->flags & ASYM_BIN_PIE)) {
		free(sets);
		return ASYM_ERR_PIE_PATCHABLE;
	}
	if (patch && awaited_labels(bin, &awaited) < 0) {
		free(awaited.v);
		free(sets);
		return -ENOMEM;
	}
	if (patch && mode == ASYM_RECORD_DEFAULT)
		handed = handed_futures(bin, &awaited);
	/* Where a SCHEDULE call tells local from remote itself, the function
	 * that queues locally need not be recorded (the analysis infers it). */
	bool local_inferred = false;

	for (size_t i = 0; i < bin->nr_funcs; i++)
		local_inferred |= (bin->funcs[i].flags & ASYM_F_SCHEDULE_INFER_LOCAL) != 0;
	fprintf(out, "--demangle=no\n");
	if (patch && mode == ASYM_RECORD_FULL)
		fprintf(out, "-P\n.\n");
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		const struct asym_func *f = &bin->funcs[i];
		bool wanted = false;

		if (mode == ASYM_RECORD_DEFAULT && local_inferred && f->role == ASYM_ROLE_NONE &&
		    (f->flags & ASYM_F_SCHEDULE_LOCAL))
			continue;
		if (f->flags & ASYM_F_FUTURE) {
			/* self (the future's address) and Ready/Pending */
			add_to(&sets[f->self_arg == 2 ? SET_ARG1 + 1 : SET_ARG1], f->symbol, &err);
			add_to(&sets[SET_RET], f->symbol, &err);
			wanted = true;
		} else if (runtime_call(f)) {
			if (f->task_arg >= 1 && f->task_arg <= 6)
				add_to(&sets[SET_ARG1 + f->task_arg - 1], f->symbol, &err);
			else if (f->task_arg < 0)
				add_to(&sets[SET_RET], f->symbol, &err);
			wanted = true;
		}
		/* The time filter drops short calls; what the model keys on
		 * must stay, however short. */
		if (wanted && mode == ASYM_RECORD_DEFAULT)
			add_to(&sets[SET_TRACE], f->symbol, &err);
		/* Patched: the async structure, and the program's own code to
		 * explain a slow poll; library internals cost nothing. */
		if (patch && mode == ASYM_RECORD_DEFAULT &&
		    (patched_by_default(f, &awaited) || (handed && handed[i])))
			add_to(&sets[SET_PATCH], f->symbol, &err);
	}
	err = err ? err : write_sets(out, sets, NR_SETS, bin);
	/* Polls and runtime calls always; other calls only when they take
	 * long enough to explain a slow poll (or a blocked worker). */
	if (mode == ASYM_RECORD_DEFAULT)
		fprintf(out, "-t\n%s\n", TIME_FILTER);
	/* uftrace hooks every PLT call (malloc, memcpy, ...) whatever -P says:
	 * in a patched recording those hooks cost more than all the rest. */
	if (patch && mode == ASYM_RECORD_DEFAULT)
		fprintf(out, "--no-libcall\n");
	for (int i = 0; i < NR_SETS; i++)
		asym_names_free(&sets[i].names);
	free(sets);
	free(awaited.v);
	free(handed);
	return err ? err : ferror(out) ? -EIO : 0;
}

int asym_binary_annotate_options(const struct asym_binary *bin, const char *spec, FILE *out)
{
	const char *at = strrchr(spec, '@');
	char *pattern, *shortname;
	struct pattern_set sets[2] = { { .opt = NULL }, { .opt = "-T", .spec = "trace" } };
	regex_t re;
	int n = 0, err = 0;

	if (!at || at == spec || (strncmp(at + 1, "arg", 3) && strncmp(at + 1, "retval", 6)))
		return -EINVAL;
	pattern = strndup(spec, at - spec);
	if (!pattern)
		return -ENOMEM;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)) {
		free(pattern);
		return -EINVAL;
	}
	sets[0].opt = strncmp(at + 1, "retval", 6) ? "-A" : "-R";
	sets[0].spec = at + 1;
	/* The user names functions as they read them; uftrace matches
	 * linkage names (--demangle=no): translate. */
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		const struct asym_func *f = &bin->funcs[i];

		shortname = asym_shorten(f->name);
		if (!regexec(&re, f->name, 0, NULL, 0) ||
		    (shortname && !regexec(&re, shortname, 0, NULL, 0))) {
			add_to(&sets[0], f->symbol, &err);
			/* kept however short, past the default time filter */
			add_to(&sets[1], f->symbol, &err);
			n++;
		}
		free(shortname);
	}
	err = err ? err : write_sets(out, sets, 2, bin);
	for (int i = 0; i < 2; i++)
		asym_names_free(&sets[i].names);
	regfree(&re);
	free(pattern);
	return err ? err : ferror(out) ? -EIO : n;
}
