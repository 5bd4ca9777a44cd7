// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Await call sites: in each async body, the calls into other poll
 * functions, mapped to source lines with the DWARF line table, so each
 * suspension point also knows the instruction that polls its awaitee.
 * The same pass finds the program's calls to blocking std functions.
 */
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"

struct future_call {
	uint64_t addr;                  /* relative address of the call */
	const struct asym_func *callee; /* a future's poll function */
};

struct scan {
	struct asym_binary *bin;
	struct asym_func *f;
	bool programs;          /* f is the program's (its crate's) code */
	/* the calls into other futures' polls, for match_by_label */
	struct future_call *calls;
	size_t nr_calls, cap_calls;
};

/*
 * An .await that rustc placed in another file than its function's (a
 * macro's source: tokio::select!'s select.rs, futures::join!'s join_mod.rs)
 * while the call polling its awaitee sits, in the line table, in the
 * function's own file: that call's line is where the user wrote the macro.
 */
static void await_in_macro(struct asym_binary *bin, const struct asym_func *f,
			   struct asym_await *aw)
{
	const char *file;
	char *copy;
	int line;

	if (!aw->call_addr || !aw->file || !f->file || asym_same_source(aw->file, f->file))
		return;
	line = asym_line_of(bin->dwarf, aw->call_addr + bin->base, &file);
	if (!line || !asym_same_source(file, f->file) || !(copy = strdup(f->file)))
		return;
	aw->macro_file = aw->file;
	aw->macro_line = aw->line;
	aw->file = copy;
	aw->line = line;
}

/* Awaits no call matched by line: the one call polling a future of the
 * awaitee's label, when no other unmatched await has that label. */
static void match_by_label(struct asym_func *f, const struct future_call *calls, size_t nr_calls)
{
	for (unsigned a = 0; a < f->n_awaits; a++) {
		struct asym_await *aw = (struct asym_await *)&f->awaits[a];
		bool unique = true;

		if (aw->call_addr || !aw->awaitee_label)
			continue;
		for (unsigned b = 0; b < f->n_awaits && unique; b++)
			unique = b == a || f->awaits[b].call_addr || !f->awaits[b].awaitee_label ||
				 strcmp(f->awaits[b].awaitee_label, aw->awaitee_label);
		for (size_t c = 0; unique && c < nr_calls; c++) {
			if (calls[c].callee->label &&
			    !strcmp(calls[c].callee->label, aw->awaitee_label)) {
				aw->call_addr = calls[c].addr;
				break;
			}
		}
	}
}

static bool on_call(void *arg, uint64_t call_vaddr, struct asym_func *callee)
{
	struct scan *sc = arg;
	struct asym_func *f = sc->f;
	int line;

	if (!callee)
		return true;
	if (callee->role == ASYM_ROLE_BLOCKING_CALL && (f->flags & ASYM_F_USER) && !f->may_block_in)
		f->may_block_in = callee->name;
	/* Only non-generic callees: libstd's own code, which is not traced;
	 * generic ones are instantiated in the program and show up in the
	 * trace themselves. */
	if (callee->role == ASYM_ROLE_BLOCKING_CALL && (f->flags & ASYM_F_USER) &&
	    !(f->flags & ASYM_F_CALLS_BLOCKING) && !strchr(callee->name, '<')) {
		f->flags |= ASYM_F_CALLS_BLOCKING;
		f->blocking_callee = callee->name;
	}
	if (sc->programs)
		callee->flags |= ASYM_F_USER_CALLED;
	if (!(callee->flags & ASYM_F_FUTURE) || callee == f || !f->n_awaits)
		return true;
	if (sc->nr_calls == sc->cap_calls) {
		size_t cap = sc->cap_calls ? 2 * sc->cap_calls : 16;
		void *p = reallocarray(sc->calls, cap, sizeof(*sc->calls));

		if (p) {
			sc->calls = p;
			sc->cap_calls = cap;
		}
	}
	if (sc->nr_calls < sc->cap_calls)
		sc->calls[sc->nr_calls++] = (struct future_call){ call_vaddr - sc->bin->base, callee };
	line = asym_line_of(sc->bin->dwarf, call_vaddr, NULL);
	/* One call polls one await's future: of the awaits on its line still
	 * without a call, the first of the callee's kind, else the first
	 * (two JoinHandles awaited on one line each have their call). */
	{
		struct asym_await *first = NULL, *kind = NULL;

		for (unsigned a = 0; a < f->n_awaits && !kind; a++) {
			struct asym_await *aw = (struct asym_await *)&f->awaits[a];

			if (aw->line != line || aw->call_addr)
				continue;
			if (!first)
				first = aw;
			if (aw->awaitee_addr ? aw->awaitee_addr == callee->addr
			    : aw->awaitee_label && callee->label &&
				      !strcmp(aw->awaitee_label, callee->label))
				kind = aw;
		}
		if (kind || first)
			(kind ? kind : first)->call_addr = call_vaddr - sc->bin->base;
	}
	return true;
}

/* Awaits of one kind at one offset are told apart by the analyzer by the
 * order the code runs them in: which await can follow which. */
static void find_next_awaits(struct asym_binary *bin, struct asym_func *f)
{
	uint64_t calls[64];
	bool shared = false;

	if (f->n_awaits < 2 || f->n_awaits > 64)
		return;
	for (unsigned a = 0; a < f->n_awaits; a++) {
		const struct asym_await *aw = &f->awaits[a];

		calls[a] = aw->call_addr ? aw->call_addr + bin->base : 0;
		for (unsigned b = a + 1; b < f->n_awaits && !shared; b++)
			shared = f->awaits[b].awaitee_offset == aw->awaitee_offset &&
				 f->awaits[b].awaitee_label && aw->awaitee_label &&
				 !strcmp(f->awaits[b].awaitee_label, aw->awaitee_label);
	}
	for (unsigned a = 0; shared && a < f->n_awaits; a++) {
		struct asym_await *aw = (struct asym_await *)&f->awaits[a];

		if (calls[a])
			aw->next_known = asym_calls_next(bin, f, calls[a], calls, f->n_awaits,
							 &aw->next);
	}
	/* and where a first wait can be: the first of two awaits of one
	 * kind at one offset is no guess */
	if (shared)
		f->first_known = asym_calls_first(bin, f, calls, f->n_awaits, &f->first_awaits);
}

static void scan_function(struct asym_binary *bin, struct asym_func *f, bool programs)
{
	struct scan sc = { .bin = bin, .f = f, .programs = programs };

	if (!asym_each_call(bin, f, on_call, &sc))
		return;
	match_by_label(f, sc.calls, sc.nr_calls);
	for (unsigned a = 0; a < f->n_awaits; a++)
		await_in_macro(bin, f, (struct asym_await *)&f->awaits[a]);
	find_next_awaits(bin, f);
	free(sc.calls);
}

static int cmp_func_name(const void *a, const void *b)
{
	return strcmp((*(struct asym_func *const *)a)->name, (*(struct asym_func *const *)b)->name);
}

/* An async fn's body is named after the call that makes its future:
 * `<Mutex<T>>::lock::{closure#0}` of `<Mutex<T>>::lock`.  Its flags say
 * what made it (a lock call, the program's code). */
static void flag_made_futures(struct asym_binary *bin)
{
	static const char body[] = "::{closure#0}";
	const size_t blen = sizeof(body) - 1;
	struct asym_func **byname = calloc(bin->nr_funcs ? bin->nr_funcs : 1, sizeof(*byname));
	size_t n = 0;

	if (!byname)
		return;
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		if (bin->funcs[i].name &&
		    (bin->funcs[i].flags & (ASYM_F_LOCK | ASYM_F_USER_CALLED)))
			byname[n++] = &bin->funcs[i];
	}
	qsort(byname, n, sizeof(*byname), cmp_func_name);
	for (size_t i = 0; n && i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];
		size_t len = f->name ? strlen(f->name) : 0;
		struct asym_func key, *kp = &key, **maker;
		char *name;

		if (!(f->flags & ASYM_F_FUTURE) || len <= blen || strcmp(f->name + len - blen, body) ||
		    !(name = strndup(f->name, len - blen)))
			continue;
		key.name = name;
		maker = bsearch(&kp, byname, n, sizeof(*byname), cmp_func_name);
		free(name);
		if (maker && ((*maker)->flags & ASYM_F_LOCK))
			f->flags |= ASYM_F_LOCK_BODY;
		if (maker && ((*maker)->flags & ASYM_F_USER_CALLED))
			f->flags |= ASYM_F_USER_MADE;
	}
	free(byname);
}

/* Is @crate one of the program's (a crate of some ASYM_F_USER function)?
 * Code a library macro expands there (tokio::select!'s poll_fn closure)
 * has its source in the library, but the program runs it. */
static bool programs_crate(const char *const *crates, size_t n, const char *crate)
{
	for (size_t i = 0; crate && i < n; i++) {
		if (!strcmp(crates[i], crate))
			return true;
	}
	return false;
}

void asym_find_call_sites(struct asym_binary *bin)
{
	const char *crates[16];
	size_t nr_crates = 0;

	for (size_t i = 0; i < bin->nr_funcs; i++) {
		const struct asym_func *f = &bin->funcs[i];

		if ((f->flags & ASYM_F_USER) && f->crate && nr_crates < 16 &&
		    !programs_crate(crates, nr_crates, f->crate))
			crates[nr_crates++] = f->crate;
	}
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];
		bool programs = (f->flags & ASYM_F_USER) ||
				programs_crate(crates, nr_crates, f->crate);

		/* async bodies for their awaits; the program's own functions
		 * for the blocking std calls they make and the futures they
		 * make or poll */
		if (((f->role == ASYM_ROLE_ASYNC_FN || f->role == ASYM_ROLE_ASYNC_BLOCK) &&
		     f->n_awaits) || programs)
			scan_function(bin, f, programs);
	}
	flag_made_futures(bin);
}
