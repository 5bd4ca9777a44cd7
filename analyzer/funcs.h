/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The analyzer's view of every recorded function: the reader's symbol (from
 * uftrace's .sym files) joined with what the symbolizer found in the binary
 * (role, readable name, future size, await points, Ready/Pending decoding).
 *
 * This is the only place where uftrace.data meets Rust knowledge; the hot
 * loop looks up a function's role by index, never by string.
 */
#ifndef AU_FUNCS_H
#define AU_FUNCS_H

#include <stdbool.h>
#include <stdint.h>

#include "asym.h"
#include "uftrace-data.h"

struct au_funcinfo {
	const char *name;            /* readable, no crate hashes */
	const char *label;           /* future label, or name */
	const struct asym_func *sym; /* symbolizer's entry, or NULL */
	enum asym_role role;
	unsigned flags;              /* ASYM_F_* */
	int task_arg;                /* runtime roles: argN holding the task, 0 if none */
	int32_t spawns;              /* a spawn: the future it takes (its poll), -1 unknown */
	/* a task poll: the program's future type among its generics, as a
	 * label ("app::worker" for app::worker::{closure#0}), or NULL; names
	 * a task whose future's poll was inlined into it (an optimized
	 * build).  Owned. */
	char *task_label;
	/* a task poll: the library future type it runs, less wrappers
	 * (Pin<Box<F>>, Map<F, _>), as a label ("<hyper::server::server::
	 * new_svc::NewSvcTask as Future>"); a wrapper's poll: the type it
	 * wraps; else NULL.  Names a task whose own future is a library
	 * one.  Owned. */
	char *task_type;
	/* a wrapper whose poll only polls the future inside (Pin<P>, &mut F,
	 * Box<F>, AssertUnwindSafe<F>, futures' MaybeDone): that future's
	 * poll is the same poll, and what it waits on is what the wrapper
	 * waits on */
	bool forwards;
	/* tokio's select! and join! poll_fn: the futures it polls are the
	 * macro's own, dropped when the macro's round is over */
	bool macro_round;
};

struct au_funcs {
	struct au_funcinfo *v;       /* indexed like au_data_func() */
	uint32_t n;
	struct asym_binary **bins;   /* one per module, NULL where not opened */
	uint32_t nr_bins;
	const char *runtime;         /* "tokio", ..., "unknown" */
	unsigned nr_futures;         /* functions with ASYM_F_FUTURE */
	bool classified;             /* the main binary was read with DWARF */
	struct asym_binary *main_bin; /* the program's, among bins; NULL if not read */
	/* Only some functions were recorded (a patchable build): the
	 * library's own futures may await futures that are not. */
	bool patched;
	struct au_call_line *call_lines; /* au_funcs_call_line()'s answers */
};

/**
 * au_funcs_build - classify the recorded functions
 * @funcs: filled in; release with au_funcs_free()
 * @data: an open recording
 * @binary: path of the program to read instead of the recorded exename
 *          (NULL: the module paths in the recording)
 *
 * Opens each module's file with the symbolizer when it still exists and,
 * when both build-ids are known, matches the recording; otherwise falls
 * back to names (with a warning).  Returns 0, or -1 when nothing could be
 * classified at all (still usable: every function is then role NONE).
 */
int au_funcs_build(struct au_funcs *funcs, struct au_data *data, const char *binary);
void au_funcs_free(struct au_funcs *funcs);
/** Sets each spawn function's `spawns`, and each task poll's `task_label`,
 *  from their generic arguments (called by au_funcs_build). */
void au_funcs_link_spawns(struct au_funcs *funcs);

/**
 * au_funcs_call_lines - the lines where function @caller calls @callee
 * (where it spawned a task): one, or several when it calls there from
 * several lines (three JoinSet::spawn calls of one future in a row)
 * @file: receives their source file
 * @lines: receives the first @max (at most AU_CALL_LINES_MAX), ascending
 *
 * Both indexes of the program's functions.  Returns how many distinct
 * lines there are; 0 when unknown.  Answers are cached.
 */
#define AU_CALL_LINES_MAX 8
unsigned au_funcs_call_lines(const struct au_funcs *funcs, int32_t caller, int32_t callee,
			     const char **file, int *lines, unsigned max);

/** Pending (1), Ready (0) or unknown (-1) from a captured return value. */
int au_funcs_poll_result(const struct au_funcinfo *fi, uint64_t retval);
/* How many functions of the program's binary, recorded or not, have @role
 * (ASYM_ROLE_NONE: any) and every flag in @flags: what the build holds,
 * where the recording says what ran. */
size_t au_funcs_in_program(const struct au_funcs *funcs, enum asym_role role, unsigned flags);
/** How the task in a wait's held_by relates to the future @func (-1:
 *  unknown) waited on: "drained by" a bounded channel's send, whose
 *  receiver frees the slot; else "held by" (a lock) */
const char *au_funcs_holder_word(const struct au_funcs *funcs, int32_t func);

#endif /* AU_FUNCS_H */
