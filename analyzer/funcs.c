// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Joining uftrace's symbols with the symbolizer's roles.
 */
#define PR_FMT "funcs"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "funcs.h"
#include "utils.h"

/* Names are kept for the whole run: strings live in one arena-like list. */
static const char *readable_name(const char *sym)
{
	char *d = asym_demangle(sym);

	return d ? d : xstrdup(sym);
}

static bool same_build_id(const struct au_module *mod, const struct asym_binary *bin)
{
	const char *bid = asym_binary_build_id(bin);

	/* Without both ids there is nothing to compare: trust the path. */
	if (!mod->build_id || !bid)
		return true;
	return strcmp(mod->build_id, bid) == 0;
}

/* A session's executable, or @override for the recorded program's
 * (--binary); what goes wrong is said for the recorded program only: an
 * executable it ran (a Command's child) is named from its .sym anyway. */
static struct asym_binary *open_module(const struct au_module *mod, const char *override,
				       bool recorded)
{
	const char *path = recorded && override ? override : mod->path;
	struct asym_binary *bin = NULL;
	int err;

	if (!path || path[0] == '[' || access(path, R_OK) != 0) {
		if (recorded)
			pr_warn("%s: cannot read the program (%s): functions are named but not "
				"classified; pass --binary PATH", path ? path : "?", strerror(errno));
		return NULL;
	}
	err = asym_binary_open(path, &bin);
	if (err < 0) {
		if (recorded)
			pr_warn("%s: %s", path, asym_strerror(err));
		return NULL;
	}
	if (!same_build_id(mod, bin)) {
		if (recorded || override)
			pr_warn("%s: build-id differs from the recording (rebuilt since?): not "
				"using it", path);
		asym_binary_free(bin);
		return NULL;
	}
	return bin;
}

/* How much a session's executable looks like the async program: one
 * with a runtime, then one with DWARF, then any that could be read. */
static int program_rank(const struct asym_binary *bin)
{
	if (!bin)
		return 0;
	if (strcmp(asym_binary_runtime(bin), "unknown"))
		return 3;
	return asym_binary_flags(bin) & ASYM_BIN_DWARF ? 2 : 1;
}

/* The program among the sessions' executables (the recorded one, and
 * any it exec'd: a Command's child, or the app a wrapper script exec's):
 * the one that looks most like the async program, the first of equals.
 * Its flags are the recording's. */
static void choose_program(struct au_funcs *funcs, struct au_data *data, uint32_t recorded,
			   const char *override)
{
	const char *path = NULL;
	int best = 0;

	for (uint32_t m = 0; m < funcs->nr_bins; m++) {
		int rank = au_data_module(data, m)->main ? program_rank(funcs->bins[m]) : 0;

		if (rank > best) {
			best = rank;
			funcs->main_bin = funcs->bins[m];
			path = m == recorded && override ? override : au_data_module(data, m)->path;
		}
	}
	if (funcs->main_bin) {
		unsigned bf = asym_binary_flags(funcs->main_bin);

		funcs->patched = (bf & ASYM_BIN_PATCHABLE) && !(bf & ASYM_BIN_MCOUNT);
		funcs->runtime = asym_binary_runtime(funcs->main_bin);
		funcs->classified = (bf & ASYM_BIN_DWARF) != 0;
		if (!funcs->classified)
			pr_warn("%s: no DWARF debug info: futures cannot be told from closures; "
				"build with debuginfo (scripts/cargo-mcount)", path);
	}
}

/* A wrapper whose poll only polls the future inside (au_funcinfo's
 * forwards), by its label: asked once per function, not per poll. */
static bool is_forwarding(const struct au_funcinfo *fi)
{
	static const char *const wrappers[] = {
		"<core::pin::Pin as Future>", "<alloc::boxed::Box as Future>",
		"<core::panic::unwind_safe::AssertUnwindSafe as Future>",
		/* join_all's and try_join_all's element: the future until it is
		 * done, then its output */
		"<futures_util::future::maybe_done::MaybeDone as Future>",
		"<futures_util::future::try_maybe_done::TryMaybeDone as Future>",
	};

	if (!fi->label || !(fi->flags & ASYM_F_RUNTIME))
		return false;
	/* (&mut F's label names F: "<&mut app::Countdown as Future>") */
	if (!strncmp(fi->label, "<&mut ", 6))
		return true;
	for (size_t i = 0; i < sizeof(wrappers) / sizeof(wrappers[0]); i++) {
		if (!strcmp(fi->label, wrappers[i]))
			return true;
	}
	return false;
}

static void fill_from_sym(struct au_funcinfo *fi, const struct asym_func *af)
{
	fi->sym = af;
	fi->name = af->name ? af->name : af->symbol;
	fi->label = af->label ? af->label : fi->name;
	fi->role = af->role;
	fi->flags = af->flags;
	fi->task_arg = af->task_arg;
	fi->forwards = is_forwarding(fi);
	/* (tokio::macros::support::poll_fn: the macros' own, doc(hidden)) */
	fi->macro_round = fi->label && !strcmp(fi->label, "<tokio::future::poll_fn::PollFn as Future>");
}

int au_funcs_build(struct au_funcs *funcs, struct au_data *data, const char *binary)
{
	size_t nmod = au_data_nr_modules(data);
	uint32_t classified = 0;
	/* the recorded program's module (info's exename), for --binary */
	const char *exename = au_data_info(data)->exename;
	uint32_t recorded = UINT32_MAX;

	memset(funcs, 0, sizeof(*funcs));
	funcs->n = au_data_nr_funcs(data);
	funcs->v = xcalloc(funcs->n ? funcs->n : 1, sizeof(*funcs->v));
	funcs->nr_bins = nmod;
	funcs->bins = xcalloc(nmod ? nmod : 1, sizeof(*funcs->bins));
	funcs->runtime = "unknown";

	for (uint32_t m = 0; m < nmod && recorded == UINT32_MAX; m++) {
		const struct au_module *mod = au_data_module(data, m);

		if (mod->main && mod->path && exename && !strcmp(mod->path, exename))
			recorded = m;
	}
	for (uint32_t m = 0; m < nmod && recorded == UINT32_MAX; m++) {
		if (au_data_module(data, m)->main)
			recorded = m;
	}
	/* Only executables carry Rust async code worth the cost of a DWARF
	 * walk; libraries keep their .sym names. */
	for (uint32_t m = 0; m < nmod; m++) {
		const struct au_module *mod = au_data_module(data, m);

		if (mod->main)
			funcs->bins[m] = open_module(mod, binary, m == recorded);
	}
	choose_program(funcs, data, recorded, binary);

	for (uint32_t m = 0; m < nmod; m++) {
		const struct au_module *mod = au_data_module(data, m);
		struct asym_binary *bin = funcs->bins[m];

		for (uint32_t i = 0; i < mod->nr_funcs; i++) {
			uint32_t idx = mod->first_func + i;
			const struct au_func *f = au_data_func(data, idx);
			struct au_funcinfo *fi = &funcs->v[idx];
			const struct asym_func *af = bin ? asym_binary_lookup(bin, f->addr) : NULL;

			if (af && af->addr == f->addr) {
				fill_from_sym(fi, af);
				classified++;
			} else {
				fi->name = readable_name(f->name);
				fi->label = fi->name;
			}
			if (fi->flags & ASYM_F_FUTURE)
				funcs->nr_futures++;
		}
	}
	au_funcs_link_spawns(funcs);
	return classified ? 0 : -1;
}

size_t au_funcs_in_program(const struct au_funcs *funcs, enum asym_role role, unsigned flags)
{
	size_t n = 0;

	if (!funcs->main_bin)
		return 0;
	for (size_t i = 0; i < asym_binary_func_count(funcs->main_bin); i++) {
		const struct asym_func *af = asym_binary_func(funcs->main_bin, i);

		n += (role == ASYM_ROLE_NONE || af->role == role) && (af->flags & flags) == flags;
	}
	return n;
}

void au_funcs_free(struct au_funcs *funcs)
{
	if (!funcs->v)
		return;
	for (uint32_t i = 0; i < funcs->n; i++) {
		if (!funcs->v[i].sym)
			free((char *)funcs->v[i].name);
		free(funcs->v[i].task_label);
		free(funcs->v[i].task_type);
	}
	for (uint32_t m = 0; m < funcs->nr_bins; m++)
		asym_binary_free(funcs->bins[m]);
	free(funcs->call_lines);
	free(funcs->bins);
	free(funcs->v);
	memset(funcs, 0, sizeof(*funcs));
}

/* A small direct-mapped cache: a program has few spawn sites, and each
 * answer costs a disassembly of the caller. */
#define CALL_LINES 256
struct au_call_line {
	int32_t caller, callee;  /* -1, -1: empty */
	unsigned n;              /* distinct lines of the calls */
	int lines[AU_CALL_LINES_MAX];
	const char *file;
};

unsigned au_funcs_call_lines(const struct au_funcs *funcs, int32_t caller, int32_t callee,
			     const char **file, int *lines, unsigned max)
{
	const struct au_funcinfo *a, *b;
	struct au_call_line *c;

	*file = NULL;
	if (caller < 0 || callee < 0 || (uint32_t)caller >= funcs->n ||
	    (uint32_t)callee >= funcs->n || !funcs->main_bin)
		return 0;
	a = &funcs->v[caller];
	b = &funcs->v[callee];
	/* only the program's functions carry a symbolizer entry */
	if (!a->sym || !b->sym)
		return 0;
	if (!funcs->call_lines) {
		/* the cache belongs to the answers, not to what funcs means */
		struct au_funcs *mut = (struct au_funcs *)funcs;

		mut->call_lines = xmalloc(CALL_LINES * sizeof(*mut->call_lines));
		for (unsigned i = 0; i < CALL_LINES; i++)
			mut->call_lines[i] = (struct au_call_line){ -1, -1, 0, { 0 }, NULL };
	}
	c = &funcs->call_lines[((uint32_t)caller * 2654435761u ^ (uint32_t)callee) % CALL_LINES];
	if (c->caller != caller || c->callee != callee) {
		c->caller = caller;
		c->callee = callee;
		c->n = asym_call_lines(funcs->main_bin, a->sym, b->sym, &c->file, c->lines,
				       AU_CALL_LINES_MAX);
	}
	*file = c->file;
	for (unsigned i = 0; i < c->n && i < max && i < AU_CALL_LINES_MAX; i++)
		lines[i] = c->lines[i];
	return c->n;
}

const char *au_funcs_holder_word(const struct au_funcs *funcs, int32_t func)
{
	if (func >= 0 && (uint32_t)func < funcs->n && (funcs->v[func].flags & ASYM_F_CHAN_SEND))
		return "drained by";
	return "held by";
}

int au_funcs_poll_result(const struct au_funcinfo *fi, uint64_t retval)
{
	const struct asym_func *af = fi->sym;
	uint64_t mask;

	if (!af || af->ret_kind != ASYM_RET_REG || af->ret_bits == 0)
		return -1;
	mask = af->ret_bits >= 64 ? ~0ull : (1ull << af->ret_bits) - 1;
	return ((retval >> af->ret_shift) & mask) == af->ret_pending ? 1 : 0;
}
