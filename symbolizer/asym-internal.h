/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private state of the symbolizer, shared by its files. */
#ifndef ASYM_INTERNAL_H
#define ASYM_INTERNAL_H

#include <capstone/capstone.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdbool.h>

#include "asym.h"

struct asym_binary {
	char *path;
	int fd;
	Elf *elf;
	Dwarf *dwarf;              /* NULL without DWARF */
	unsigned flags;            /* ASYM_BIN_* */
	char *build_id;
	const char *runtime;
	uint64_t base;             /* page-aligned vaddr of the first PT_LOAD */
	struct asym_func *funcs;   /* sorted by addr, unique addresses */
	size_t nr_funcs, cap_funcs;
	bool legacy_mangling;      /* _ZN...17h<hash>E symbols seen */
	struct got_map *got;       /* GOT slots and their targets (code.c), once read */
	csh cs;                    /* capstone, once opened (cs_open) */
	bool cs_open;
};

void asym_pr(enum asym_print_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define asym_warn(...) asym_pr(ASYM_WARN, __VA_ARGS__)
#define asym_debug(...) asym_pr(ASYM_DEBUG, __VA_ARGS__)

/* demangle.c: label and crate of a function from its readable name */
char *asym_label_of(const char *name, enum asym_role role, int block_index);
char *asym_async_closure_label(const char *name);
char *asym_crate_of(const char *name);
/* the label of the poll function of a future of DWARF type @type_name */
char *asym_awaitee_label(const char *type_name);
/* demangle.c: a Future impl's poll "<T as core::future::future::Future>::poll":
 * T (@len bytes at the returned pointer), or NULL for another name */
const char *asym_future_self(const char *name, size_t *len);
/* "a::b::<T>::c" -> "a::b::c" into @out (at most @len bytes) */
void asym_strip_generics(const char *in, char *out, size_t len);

/* dwarf-types.c: a DIE's type; typedefs and qualifiers followed */
bool asym_die_type(Dwarf_Die *die, Dwarf_Die *out);
bool asym_strip_type(Dwarf_Die *die);
bool asym_member_named(Dwarf_Die *parent, const char *name, Dwarf_Die *out);
uint64_t asym_member_offset(Dwarf_Die *member);
uint64_t asym_type_size(Dwarf_Die *type);
/* dwarf-types.c: a function returning @type returns it through memory
 * whose address comes as the first argument (x86-64, the Rust ABI) */
bool asym_returns_in_memory(Dwarf_Die *type);

/* classify.c: roles, sizes, return decoding and await states from DWARF */
int asym_classify_dwarf(struct asym_binary *bin);
/* classify.c: name-based roles (Future impls, runtime tables) */
void asym_classify_names(struct asym_binary *bin);
/* nested-labels.c: what is nested in an async block is labelled under the
 * block's label, not rustc's closure name for it */
void asym_label_nested(struct asym_binary *bin);
/* awaits.c: call sites of the awaits, from the code */
void asym_find_call_sites(struct asym_binary *bin);

/* code.c: the calls in a function's code.  @fn gets each call whose target
 * is known: the call instruction's address and the function called (NULL
 * when outside the binary's functions); it returns false to stop.  False
 * when the code cannot be read. */
typedef bool (*asym_call_fn)(void *arg, uint64_t call_vaddr, struct asym_func *callee);
bool asym_each_call(struct asym_binary *bin, const struct asym_func *f, asym_call_fn fn, void *arg);
/* code.c: the line table's line for @vaddr (0 if none), its file into @file */
int asym_line_of(Dwarf *dw, uint64_t vaddr, const char **file);
/* code.c: one source file named twice (one name may carry the directory) */
bool asym_same_source(const char *a, const char *b);
/* code.c: which of @calls (bit i: calls[i]) the code after the call at
 * @from in @f reaches first without returning (after asym_each_call opened
 * capstone): the awaits that can follow an await */
bool asym_calls_next(struct asym_binary *bin, const struct asym_func *f, uint64_t from,
		     const uint64_t *calls, unsigned n, uint64_t *next);
/* code.c: which of @calls a first poll of the state machine @f reaches
 * first (through entry 0 of its resume jump table): the awaits it can
 * wait at first */
bool asym_calls_first(struct asym_binary *bin, const struct asym_func *f, const uint64_t *calls,
		      unsigned n, uint64_t *first);
/* code.c: what asym_each_call keeps with the binary */
void asym_code_free(struct asym_binary *bin);

struct asym_func *asym_func_at(struct asym_binary *bin, uint64_t rel_addr);

/* name-patterns.c: linkage names as uftrace filter patterns */
struct asym_names {
	const char **v;
	size_t n, cap;
};
int asym_names_push(struct asym_names *ns, const char *name);
void asym_names_sort(struct asym_names *ns);
void asym_names_free(struct asym_names *ns);
/* "OPT\n^(...)@SPEC\n" lines (no '@' for an empty @spec) whose patterns
 * match exactly @ns's names among @syms (the binary's, sorted, unique):
 * a run of names as their common prefix where no other symbol starts
 * with it.  Sorts @ns. */
int asym_names_write(FILE *out, const char *opt, const char *spec, struct asym_names *ns,
		     const char *const *syms, size_t nsyms);
/* The binary's function symbols, sorted, unique (free the array only);
 * NULL when out of memory. */
const char **asym_sorted_symbols(const struct asym_binary *bin, size_t *n);

#endif /* ASYM_INTERNAL_H */
