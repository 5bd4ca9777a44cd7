// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Deciding what each function is.
 *
 * Names cannot tell an async body from a plain closure (both are
 * "path::{closure#N}"), but DWARF can: a poll function's first parameter
 * is Pin<&mut E>, and E is named {async_fn_env#N} for an async fn,
 * {async_block_env#N} for an async block, {closure_env#N} for a closure.
 * E's variant part lists the suspension points (Suspend0, Suspend1, ...)
 * with the line of each .await and the offset of the awaited future; the
 * return type Poll<T> says where its discriminant lives.
 */
#include <dwarf.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"
#include "runtime.h"

static bool is_std_crate(const char *crate)
{
	return crate && (!strcmp(crate, "core") || !strcmp(crate, "std") ||
			 !strcmp(crate, "alloc"));
}

/* "<T as core::future::future::Future>::poll", generics aside. */
static bool is_future_poll_impl(const char *name)
{
	static const char suffix[] = " as core::future::future::Future>::poll";
	size_t len = strlen(name) + 1, n;
	char *plain;
	bool yes;

	if (name[0] != '<' || !strstr(name, suffix))
		return false;
	plain = malloc(len);
	if (!plain)
		return false;
	asym_strip_generics(name, plain, len);
	n = strlen(plain);
	yes = n > sizeof(suffix) - 1 && !strcmp(plain + n - (sizeof(suffix) - 1), suffix);
	free(plain);
	return yes;
}

/* The entries for one instance of a generic function (runtime.h). */
static void classify_full_name(struct asym_func *f)
{
	static const struct asym_runtime_table *const tables[] = {
		&asym_runtime_full_names, &asym_runtime_tokio_full_names,
	};

	for (size_t k = 0; f->name && k < sizeof(tables) / sizeof(tables[0]); k++) {
		const struct asym_runtime_table *t = tables[k];

		for (unsigned i = 0; i < t->nr_entries; i++) {
			const struct asym_runtime_entry *e = &t->entries[i];

			if (e->how == ASYM_MATCH_CONTAINS ? !strstr(f->name, e->pattern)
							  : !!strncmp(f->name, e->pattern,
								      strlen(e->pattern)))
				continue;
			if (e->role != ASYM_ROLE_NONE)
				f->role = e->role;
			f->flags |= e->flags;
			f->runtime = t->runtime;
			f->task_arg = e->task_arg;
			return;
		}
	}
}

void asym_classify_names(struct asym_binary *bin)
{
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];
		struct asym_runtime_match m;
		const char *rt = asym_runtime_of_crate(f->crate);

		if (is_future_poll_impl(f->name)) {
			f->role = ASYM_ROLE_FUTURE_IMPL;
			f->flags |= ASYM_F_FUTURE;
			f->label = asym_label_of(f->name, f->role, 0);
		}
		if (rt || is_std_crate(f->crate)) {
			f->flags |= ASYM_F_RUNTIME;
			if (f->role == ASYM_ROLE_FUTURE_IMPL)
				f->flags |= ASYM_F_COMBINATOR;
		} else {
			f->flags |= ASYM_F_USER;
		}
		if (asym_runtime_classify(f->name, &m)) {
			if (m.role != ASYM_ROLE_NONE)
				f->role = m.role;
			f->flags |= m.flags;
			f->runtime = m.runtime;
			f->task_arg = m.task_arg;
		}
		classify_full_name(f);
		/* A task poll is the runtime's entry point, also where it is a
		 * Future impl by name (futures' LocalFutureObj): not one of
		 * the futures analyzed, and recorded like the other entries. */
		if (f->role == ASYM_ROLE_TASK_POLL)
			f->flags &= ~(ASYM_F_FUTURE | ASYM_F_COMBINATOR);
	}
}

/* ---- DWARF helpers ---- */

/* Pin<&mut E> (or &mut E) -> E */
static bool pinned_pointee(Dwarf_Die *type, Dwarf_Die *out)
{
	Dwarf_Die t = *type, m;
	const char *name;

	if (!asym_strip_type(&t))
		return false;
	name = dwarf_diename(&t);
	if (dwarf_tag(&t) == DW_TAG_structure_type && name && !strncmp(name, "Pin<", 4)) {
		if (!asym_member_named(&t, "pointer", &m) && !asym_member_named(&t, "__pointer", &m))
			return false;
		if (!asym_die_type(&m, &t) || !asym_strip_type(&t))
			return false;
	}
	if (dwarf_tag(&t) != DW_TAG_pointer_type && dwarf_tag(&t) != DW_TAG_reference_type)
		return false;
	/* A Box<F> (or Pin<Box<F>>) or a raw pointer is a future handed
	 * over, not polled: tokio's spawn_inner::<Pin<Box<F>>>,
	 * LocalFutureObj::new::<Box<F>>, Box::from_raw(*mut F) */
	name = dwarf_diename(&t);
	if (name && (!strncmp(name, "alloc::boxed::Box<", 18) || name[0] == '*'))
		return false;
	if (!asym_die_type(&t, out))
		return false;
	return asym_strip_type(out);
}

static bool first_param_type(Dwarf_Die *sub, Dwarf_Die *out)
{
	Dwarf_Die child;

	if (dwarf_child(sub, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) == DW_TAG_formal_parameter)
			return asym_die_type(&child, out);
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* The variant part of a Rust enum-like struct, and its discriminant. */
static bool variant_part(Dwarf_Die *type, Dwarf_Die *vp, Dwarf_Die *discr)
{
	Dwarf_Attribute at;

	if (dwarf_child(type, vp) != 0)
		return false;
	do {
		if (dwarf_tag(vp) == DW_TAG_variant_part)
			return dwarf_attr(vp, DW_AT_discr, &at) && dwarf_formref_die(&at, discr);
	} while (dwarf_siblingof(vp, vp) == 0);
	return false;
}

/* Ready/Pending from the returned register: Poll<T>'s discriminant. */
static void decode_poll_return(struct asym_func *f, Dwarf_Die *sub)
{
	Dwarf_Die ret, vp, discr, var;
	uint64_t total, off, dsize;

	if (!asym_die_type(sub, &ret) || !asym_strip_type(&ret))
		return;
	total = asym_type_size(&ret);
	/* returned through memory (sret): rdi holds that memory's address,
	 * and self moves to rsi; Ready/Pending is not in rax */
	if (asym_returns_in_memory(&ret)) {
		f->self_arg = 2;
		return;
	}
	if (!variant_part(&ret, &vp, &discr))
		return;
	off = asym_member_offset(&discr);
	if (!asym_die_type(&discr, &var))
		return;
	dsize = asym_type_size(&var);
	/* Up to two words come back in rax:rdx and uftrace captures only
	 * rax.  A scalar pair such as Poll<(u32, bool)> returns its second
	 * scalar, the niche, in rdx even when it fits in 8 bytes, so only a
	 * discriminant at offset 0 is known to be in rax. */
	if (!total || !dsize || dsize > 8 || off != 0)
		return;
	if (dwarf_child(&vp, &var) != 0)
		return;
	do {
		Dwarf_Attribute at;
		Dwarf_Word value;
		Dwarf_Die m, mt;
		const char *n;

		if (dwarf_tag(&var) != DW_TAG_variant || !dwarf_attr(&var, DW_AT_discr_value, &at) ||
		    dwarf_formudata(&at, &value) != 0)
			continue;
		if (dwarf_child(&var, &m) != 0 || !asym_die_type(&m, &mt))
			continue;
		n = dwarf_diename(&mt);
		if (n && !strcmp(n, "Pending")) {
			f->ret_kind = ASYM_RET_REG;
			f->ret_shift = off * 8;
			f->ret_bits = dsize * 8;
			f->ret_pending = value;
			return;
		}
	} while (dwarf_siblingof(&var, &var) == 0);
}

/* ---- per compile unit ---- */

/* A named scope (namespace, struct, union, enum) seen in this CU: its
 * name (in libdw's string table) and its enclosing scope's index, so a
 * qualified name is built only for the few types a lookup asks for, not
 * for every type in the binary. */
struct type_name {
	Dwarf_Off off;
	const char *name;
	ssize_t parent;
};

struct pending_awaitee {
	struct asym_func *f;
	unsigned idx;
	Dwarf_Off type_off;
};

struct cu_walk {
	struct asym_binary *bin;
	/* bin->funcs' flags, one per function: a walk of another part of
	 * the compile units took it first (each is defined once; this keeps
	 * two walks off one function if not) */
	_Atomic unsigned char *claimed;
	const char *comp_dir;
	struct type_name *names;  /* in DIE order: by offset */
	size_t nr_names, cap_names;
	struct pending_awaitee *pend;
	size_t nr_pend, cap_pend;
	/* kept across CUs: each future's state-machine (or Self) type, and
	 * every awaitee, so awaitees are named after the function polling
	 * them, whatever the type's path looks like ({impl#3}::send) */
	struct env_of { Dwarf_Off off; struct asym_func *f; } *envs; /* this CU's */
	size_t nr_envs, cap_envs;
	/* ... and by qualified name, over all CUs (a crate's codegen units
	 * each carry their own copy of a type) */
	struct env_named { char *qname; struct asym_func *f; } *named;
	size_t nr_named, cap_named;
	int err;
};

static void *grow(void *arr, size_t *cap, size_t len, size_t elem, int *err)
{
	void *p;
	size_t ncap;

	if (len < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 64;
	p = reallocarray(arr, ncap, elem);
	if (!p) {
		*err = -ENOMEM;
		return arr;
	}
	*cap = ncap;
	return p;
}

static void read_awaits(struct cu_walk *w, struct asym_func *f, Dwarf_Die *env)
{
	Dwarf_Die vp, discr, var;
	struct asym_await *aw = NULL;
	unsigned n = 0;

	if (!variant_part(env, &vp, &discr) || dwarf_child(&vp, &var) != 0)
		return;
	do {
		Dwarf_Attribute at;
		Dwarf_Word value;
		Dwarf_Die m, st, awaitee, at_type;
		const char *sname, *file;
		int line = 0;
		void *p;

		if (dwarf_tag(&var) != DW_TAG_variant || !dwarf_attr(&var, DW_AT_discr_value, &at) ||
		    dwarf_formudata(&at, &value) != 0)
			continue;
		if (dwarf_child(&var, &m) != 0 || !asym_die_type(&m, &st))
			continue;
		sname = dwarf_diename(&st);
		if (!sname || strncmp(sname, "Suspend", 7))
			continue;
		p = reallocarray(aw, n + 1, sizeof(*aw));
		if (!p) {
			w->err = -ENOMEM;
			break;
		}
		aw = p;
		memset(&aw[n], 0, sizeof(aw[n]));
		aw[n].state = value;
		file = dwarf_decl_file(&m);
		aw[n].file = file ? strdup(file) : NULL;
		dwarf_decl_line(&m, &line);
		aw[n].line = line;
		if (asym_member_named(&st, "__awaitee", &awaitee)) {
			/* Suspend structs sit at the variant member's offset,
			 * which rustc makes 0; add it anyway. */
			aw[n].awaitee_offset = asym_member_offset(&m) + asym_member_offset(&awaitee);
			if (asym_die_type(&awaitee, &at_type)) {
				aw[n].awaitee_size = asym_type_size(&at_type);
				w->pend = grow(w->pend, &w->cap_pend, w->nr_pend, sizeof(*w->pend),
					       &w->err);
				if (w->nr_pend < w->cap_pend)
					w->pend[w->nr_pend++] = (struct pending_awaitee){
						f, n, dwarf_dieoffset(&at_type)
					};

			}
		}
		n++;
	} while (dwarf_siblingof(&var, &var) == 0);
	f->awaits = aw;
	f->n_awaits = n;
}

/* Sources of crates.io/Debian registry crates and of the Rust library. */
static bool is_library_source(const char *file, const char *comp_dir)
{
	static const char *const markers[] = {
		"/cargo/registry/", "/.cargo/git/", "/rustc/", "/.rustup/", "/lib/rustlib/",
		"/rust/deps/",
	};
	const char *paths[2] = { file, file[0] == '/' ? NULL : comp_dir };

	for (int p = 0; p < 2; p++) {
		for (size_t m = 0; paths[p] && m < sizeof(markers) / sizeof(markers[0]); m++) {
			if (strstr(paths[p], markers[m]))
				return true;
		}
	}
	/* std's own paths when the library source is not installed */
	return !strncmp(file, "library/", 8);
}

static void subprogram(struct cu_walk *w, Dwarf_Die *sub)
{
	Dwarf_Addr low;
	struct asym_func *f;
	Dwarf_Die ptype, env;
	const char *ename, *file;
	int line = 0;

	if (dwarf_lowpc(sub, &low) != 0)
		return;
	f = asym_func_at(w->bin, low - w->bin->base);
	if (!f || f->addr != low - w->bin->base ||
	    atomic_exchange(&w->claimed[f - w->bin->funcs], 1))
		return;
	if (!f->file && (file = dwarf_decl_file(sub))) {
		f->file = strdup(file);
		dwarf_decl_line(sub, &line);
		f->line = line;
		/* Where the source lives says whose code it is, also for
		 * library generics instantiated in the program's crate. */
		f->flags &= ~(ASYM_F_USER | ASYM_F_RUNTIME);
		f->flags |= is_library_source(file, w->comp_dir) ? ASYM_F_RUNTIME : ASYM_F_USER;
		if (f->role == ASYM_ROLE_FUTURE_IMPL && (f->flags & ASYM_F_RUNTIME))
			f->flags |= ASYM_F_COMBINATOR;
	}
	/* A runtime function (spawn, task poll, ...) keeps its role; one
	 * that is a Future impl by name still says Ready or Pending. */
	if (f->role > ASYM_ROLE_FUTURE_IMPL) {
		if (f->flags & ASYM_F_FUTURE)
			decode_poll_return(f, sub);
		return;
	}
	if (!first_param_type(sub, &ptype) || !pinned_pointee(&ptype, &env)) {
		/* A Future impl whose Self DWARF does not describe still
		 * returns a Poll. */
		if (f->role == ASYM_ROLE_FUTURE_IMPL)
			decode_poll_return(f, sub);
		return;
	}
	ename = dwarf_diename(&env);
	if (ename && !strncmp(ename, "{async_fn_env#", 14)) {
		f->role = ASYM_ROLE_ASYNC_FN;
	} else if (ename && !strncmp(ename, "{async_block_env#", 17)) {
		f->role = ASYM_ROLE_ASYNC_BLOCK;
	} else if (ename && !strncmp(ename, "{async_closure_env#", 19)) {
		/* (an async closure's body is an async block the closure
		 * makes at each call) */
		f->role = ASYM_ROLE_ASYNC_BLOCK;
		f->flags |= ASYM_F_ASYNC_CLOSURE;
	} else if (f->role != ASYM_ROLE_FUTURE_IMPL) {
		return;
	}
	f->flags |= ASYM_F_FUTURE | ASYM_F_DWARF;
	f->future_size = asym_type_size(&env);
	w->envs = grow(w->envs, &w->cap_envs, w->nr_envs, sizeof(*w->envs), &w->err);
	if (w->nr_envs < w->cap_envs)
		w->envs[w->nr_envs++] = (struct env_of){ dwarf_dieoffset(&env), f };
	if (f->role != ASYM_ROLE_FUTURE_IMPL) {
		char *label = f->flags & ASYM_F_ASYNC_CLOSURE
				      ? asym_async_closure_label(f->name)
				      : asym_label_of(f->name, f->role,
						      f->role == ASYM_ROLE_ASYNC_BLOCK ? atoi(ename + 17) : 0);

		if (label) {
			if (f->label && f->label != f->name)
				free((char *)f->label);
			f->label = label;
		}
		read_awaits(w, f, &env);
	}
	decode_poll_return(f, sub);
}

static void walk(struct cu_walk *w, Dwarf_Die *parent, ssize_t scope)
{
	Dwarf_Die child;

	if (dwarf_child(parent, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		const char *name;

		switch (tag) {
		case DW_TAG_namespace:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
		case DW_TAG_enumeration_type:
			if (!(name = dwarf_diename(&child)))
				break;
			w->names = grow(w->names, &w->cap_names, w->nr_names, sizeof(*w->names),
					&w->err);
			if (w->nr_names >= w->cap_names)
				return;
			w->names[w->nr_names] = (struct type_name){ dwarf_dieoffset(&child), name,
								    scope };
			/* a namespace holds functions and types; a type's
			 * children (fields, variants) hold no future or awaitee
			 * and cost a second read each when skipped over */
			w->nr_names++;
			if (tag == DW_TAG_namespace)
				walk(w, &child, (ssize_t)w->nr_names - 1);
			break;
		case DW_TAG_subprogram:
			subprogram(w, &child);
			break;
		default:
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0 && !w->err);
}

/* "tokio::time::sleep::Sleep" for a scope of this CU (malloc'd) */
static char *qualified_name(const struct cu_walk *w, const struct type_name *tn)
{
	const char *parts[64];
	size_t n = 0, len = 1;
	char *q, *p;

	for (ssize_t i = tn - w->names; i >= 0 && n < 64; i = w->names[i].parent) {
		parts[n++] = w->names[i].name;
		len += strlen(w->names[i].name) + 2;
	}
	if (!(q = p = malloc(len)))
		return NULL;
	while (n--) {
		size_t l = strlen(parts[n]);

		memcpy(p, parts[n], l);
		p += l;
		if (n) {
			memcpy(p, "::", 2);
			p += 2;
		}
	}
	*p = '\0';
	return q;
}

static int cmp_name_off(const void *a, const void *b)
{
	const struct type_name *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Name the awaited futures of this CU: "tokio::time::sleep::Sleep". */
static void resolve_awaitees(struct cu_walk *w)
{
	/* w->names is sorted for bsearch as it was filled: a depth-first
	 * walk meets the DIEs in offset order */
	for (size_t i = 0; i < w->nr_pend; i++) {
		struct type_name key = { .off = w->pend[i].type_off };
		struct type_name *tn = !w->nr_names ? NULL : bsearch(&key, w->names, w->nr_names, sizeof(*w->names),
					       cmp_name_off);
		struct asym_await *aw = (struct asym_await *)&w->pend[i].f->awaits[w->pend[i].idx];

		if (tn && !aw->awaitee && (aw->awaitee = qualified_name(w, tn)))
			aw->awaitee_label = asym_awaitee_label(aw->awaitee);
	}
	for (size_t i = 0; i < w->nr_envs; i++) {
		struct type_name key = { .off = w->envs[i].off };
		struct type_name *tn = !w->nr_names ? NULL : bsearch(&key, w->names, w->nr_names, sizeof(*w->names),
					       cmp_name_off);

		if (!tn)
			continue;
		w->named = grow(w->named, &w->cap_named, w->nr_named, sizeof(*w->named), &w->err);
		if (w->nr_named < w->cap_named && (w->named[w->nr_named].qname = qualified_name(w, tn)))
			w->named[w->nr_named++].f = w->envs[i].f;
	}
	w->nr_envs = 0;
	w->nr_names = 0;
	w->nr_pend = 0;
}

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct env_named *)a)->qname, ((const struct env_named *)b)->qname);
}

/* An awaitee whose type is some future's own state machine or Self takes
 * that future's label: the analyzer compares it with the child it sees. */
static void label_awaitees(struct cu_walk *w)
{
	struct asym_binary *bin = w->bin;

	if (!w->nr_named)
		return;
	qsort(w->named, w->nr_named, sizeof(*w->named), cmp_named);
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];

		for (unsigned a = 0; a < f->n_awaits; a++) {
			struct asym_await *aw = (struct asym_await *)&f->awaits[a];
			struct env_named key = { .qname = (char *)aw->awaitee }, *e;
			char *label;

			if (!aw->awaitee)
				continue;
			e = bsearch(&key, w->named, w->nr_named, sizeof(*w->named), cmp_named);
			if (!e || !e->f->label || !(label = strdup(e->f->label)))
				continue;
			free((char *)aw->awaitee_label);
			aw->awaitee_label = label;
			/* (a type polled by two functions: a generic instance
			 * in two codegen units) */
			if ((e == w->named || strcmp(e[-1].qname, e->qname)) &&
			    (e + 1 == w->named + w->nr_named || strcmp(e[1].qname, e->qname)))
				aw->awaitee_addr = e->f->addr;
		}
	}
	for (size_t i = 0; i < w->nr_named; i++)
		free(w->named[i].qname);
}

/* One walk over the compile units numbered @part modulo @parts, with its
 * own Dwarf handle: libdw's are not to be shared between threads. */
struct cu_part {
	struct cu_walk w;
	Dwarf *dwarf;
	unsigned part, parts;
};

static void *walk_part(void *arg)
{
	struct cu_part *job = arg;
	struct cu_walk *w = &job->w;
	Dwarf_Off off = 0, next;
	size_t hsize;

	for (unsigned i = 0; dwarf_nextcu(job->dwarf, off, &next, &hsize, NULL, NULL, NULL) == 0;
	     i++, off = next) {
		Dwarf_Die cu;
		Dwarf_Attribute at;

		if (i % job->parts != job->part || !dwarf_offdie(job->dwarf, off + hsize, &cu))
			continue;
		w->comp_dir = dwarf_attr(&cu, DW_AT_comp_dir, &at) ? dwarf_formstring(&at) : NULL;
		walk(w, &cu, -1);
		resolve_awaitees(w);
		if (w->err)
			break;
	}
	return NULL;
}

/*
 * The walk reads every DIE of the binary, most of the symbolizer's time:
 * two threads walk half the compile units each, on a second ELF and Dwarf
 * handle of the same file (two cores: the analysis has not started yet),
 * then the awaitees are labelled over all of them.
 */
int asym_classify_dwarf(struct asym_binary *bin)
{
	struct cu_part jobs[2] = { { .w = { .bin = bin }, .dwarf = bin->dwarf, .part = 0 },
				   { .w = { .bin = bin }, .part = 1 } };
	_Atomic unsigned char *claimed = calloc(bin->nr_funcs ? bin->nr_funcs : 1, 1);
	Elf *elf2 = elf_begin(bin->fd, ELF_C_READ_MMAP, NULL);
	pthread_t thread;
	unsigned parts = 1;
	int err;

	if (!claimed) {
		if (elf2)
			elf_end(elf2);
		return -ENOMEM;
	}
	jobs[1].dwarf = elf2 ? dwarf_begin_elf(elf2, DWARF_C_READ, NULL) : NULL;
	if (jobs[1].dwarf)
		parts = 2;
	for (unsigned k = 0; k < 2; k++) {
		jobs[k].parts = parts;
		jobs[k].w.claimed = claimed;
	}
	if (parts == 2 && pthread_create(&thread, NULL, walk_part, &jobs[1]) != 0) {
		parts = 1;
		jobs[0].parts = 1;
	}
	walk_part(&jobs[0]);
	if (parts == 2)
		pthread_join(thread, NULL);
	/* the awaitees named over both halves */
	err = jobs[0].w.err ? jobs[0].w.err : jobs[1].w.err;
	if (jobs[1].w.nr_named) {
		struct cu_walk *w = &jobs[0].w;
		size_t n = w->nr_named + jobs[1].w.nr_named;
		struct env_named *all = reallocarray(w->named, n, sizeof(*all));

		if (all) {
			memcpy(all + w->nr_named, jobs[1].w.named,
			       jobs[1].w.nr_named * sizeof(*all));
			w->named = all;
			w->nr_named = w->cap_named = n;
			jobs[1].w.nr_named = 0;
		} else if (!err) {
			err = -ENOMEM;
		}
	}
	/* (which frees the names it labels with) */
	label_awaitees(&jobs[0].w);
	for (size_t i = 0; i < jobs[1].w.nr_named; i++)
		free(jobs[1].w.named[i].qname);
	for (unsigned k = 0; k < 2; k++) {
		struct cu_walk *w = &jobs[k].w;

		free(w->envs);
		free(w->named);
		free(w->names);
		free(w->pend);
	}
	if (jobs[1].dwarf)
		dwarf_end(jobs[1].dwarf);
	if (elf2)
		elf_end(elf2);
	free((void *)claimed);
	return err;
}
