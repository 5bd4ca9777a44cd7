// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening an ELF file: its function symbols, build-id, flags, and the
 * classification passes run over them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asym-internal.h"
#include "runtime.h"

static int cmp_addr(const void *a, const void *b)
{
	const struct asym_func *fa = a, *fb = b;

	if (fa->addr != fb->addr)
		return fa->addr < fb->addr ? -1 : 1;
	/* Among aliases prefer the longer (usually mangled, more precise) name. */
	return (int)strlen(fb->symbol) - (int)strlen(fa->symbol);
}

static int grow_funcs(struct asym_binary *bin)
{
	if (bin->nr_funcs < bin->cap_funcs)
		return 0;
	size_t cap = bin->cap_funcs ? bin->cap_funcs * 2 : 1024;
	void *p = reallocarray(bin->funcs, cap, sizeof(*bin->funcs));

	if (!p)
		return -ENOMEM;
	bin->funcs = p;
	bin->cap_funcs = cap;
	return 0;
}

static void read_build_id(struct asym_binary *bin)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(bin->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)data->d_buf + noff, "GNU", 4)) {
				const unsigned char *id = (unsigned char *)data->d_buf + doff;

				bin->build_id = malloc(nh.n_descsz * 2 + 1);
				if (!bin->build_id)
					return;
				for (size_t i = 0; i < nh.n_descsz; i++)
					sprintf(bin->build_id + 2 * i, "%02x", id[i]);
				return;
			}
		}
	}
}

static uint64_t first_load_base(Elf *elf)
{
	size_t n;

	if (elf_getphdrnum(elf, &n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD)
			return ph.p_vaddr & ~0xfffull;
	}
	return 0;
}

/* The section rustc/LLVM fill with the address of every function's NOP
 * padding under -Z patchable-function-entry; uftrace -P reads it. */
#define PATCHABLE_SECTION "__patchable_function_entries"

/* Function symbols of .symtab (else .dynsym); mcount references. */
static int read_symbols(struct asym_binary *bin)
{
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	size_t shstrndx = 0;
	int err;

	if (elf_getshdrstrndx(bin->elf, &shstrndx))
		shstrndx = 0;
	while ((scn = elf_nextscn(bin->elf, scn))) {
		GElf_Shdr sh;
		const char *sname;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM)
			dynsym = scn;
		sname = shstrndx ? elf_strptr(bin->elf, shstrndx, sh.sh_name) : NULL;
		if (sname && !strcmp(sname, PATCHABLE_SECTION) && sh.sh_size)
			bin->flags |= ASYM_BIN_PATCHABLE;
	}
	if (symtab)
		bin->flags |= ASYM_BIN_SYMTAB;
	for (int pass = 0; pass < 2; pass++) {
		Elf_Scn *s = pass == 0 ? dynsym : (symtab ? symtab : NULL);
		GElf_Shdr sh;
		Elf_Data *data;

		if (!s || !gelf_getshdr(s, &sh) || !(data = elf_getdata(s, NULL)) || !sh.sh_entsize)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			struct asym_func *f;

			if (!gelf_getsym(data, i, &sym))
				continue;
			name = elf_strptr(bin->elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (sym.st_shndx == SHN_UNDEF) {
				if (!strcmp(name, "mcount") || !strcmp(name, "__fentry__") ||
				    !strcmp(name, "_mcount"))
					bin->flags |= ASYM_BIN_MCOUNT;
				continue;
			}
			/* .dynsym only serves for mcount when .symtab exists. */
			if (pass == 0 && symtab)
				continue;
			if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || !sym.st_size)
				continue;
			if ((err = grow_funcs(bin)) < 0)
				return err;
			f = &bin->funcs[bin->nr_funcs++];
			memset(f, 0, sizeof(*f));
			f->addr = sym.st_value - bin->base;
			f->size = sym.st_size;
			f->symbol = strdup(name);
			if (!f->symbol)
				return -ENOMEM;
			if (!strncmp(name, "_R", 2))
				bin->flags |= ASYM_BIN_RUST;
			else if (!strncmp(name, "_ZN", 3) && strstr(name, "17h")) {
				bin->flags |= ASYM_BIN_RUST;
				bin->legacy_mangling = true;
			}
		}
	}
	if (!bin->nr_funcs)
		return 0;
	qsort(bin->funcs, bin->nr_funcs, sizeof(*bin->funcs), cmp_addr);
	/* Drop aliases: one function per address. */
	size_t out = 1;
	for (size_t i = 1; i < bin->nr_funcs; i++) {
		if (bin->funcs[i].addr == bin->funcs[out - 1].addr) {
			free((char *)bin->funcs[i].symbol);
			continue;
		}
		bin->funcs[out++] = bin->funcs[i];
	}
	bin->nr_funcs = out;
	return 0;
}

static int name_functions(struct asym_binary *bin)
{
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];
		char *d = asym_demangle(f->symbol);

		f->name = d ? d : strdup(f->symbol);
		if (!f->name)
			return -ENOMEM;
		f->crate = asym_crate_of(f->name);
	}
	return 0;
}

static const char *detect_runtime(const struct asym_binary *bin)
{
	static const struct {
		const char *crate, *runtime;
	} crates[] = {
		{ "tokio", "tokio" },       { "async_std", "async-std" },
		{ "smol", "smol" },         { "async_executor", "smol" },
		{ "futures_executor", "futures" },
	};

	for (size_t c = 0; c < sizeof(crates) / sizeof(crates[0]); c++) {
		for (size_t i = 0; i < bin->nr_funcs; i++) {
			const char *cr = bin->funcs[i].crate;

			if (cr && !strcmp(cr, crates[c].crate))
				return crates[c].runtime;
		}
	}
	return "unknown";
}

int asym_binary_open(const char *path, struct asym_binary **out)
{
	struct asym_binary *bin;
	GElf_Ehdr eh;
	int err = 0;

	*out = NULL;
	elf_version(EV_CURRENT);
	bin = calloc(1, sizeof(*bin));
	if (!bin)
		return -ENOMEM;
	bin->fd = -1;
	bin->path = strdup(path);
	bin->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (bin->fd < 0) {
		err = -errno;
		goto fail;
	}
	bin->elf = elf_begin(bin->fd, ELF_C_READ_MMAP, NULL);
	if (!bin->elf || elf_kind(bin->elf) != ELF_K_ELF || !gelf_getehdr(bin->elf, &eh)) {
		err = ASYM_ERR_NOT_ELF;
		goto fail;
	}
	if (gelf_getclass(bin->elf) != ELFCLASS64 || eh.e_machine != EM_X86_64) {
		err = ASYM_ERR_UNSUPPORTED;
		goto fail;
	}
	if (eh.e_type == ET_DYN)
		bin->flags |= ASYM_BIN_PIE;
	bin->base = first_load_base(bin->elf);
	read_build_id(bin);
	if ((err = read_symbols(bin)) < 0 || (err = name_functions(bin)) < 0)
		goto fail;
	bin->runtime = detect_runtime(bin);

	asym_classify_names(bin);
	bin->dwarf = dwarf_begin_elf(bin->elf, DWARF_C_READ, NULL);
	if (bin->dwarf) {
		bin->flags |= ASYM_BIN_DWARF;
		if (asym_classify_dwarf(bin) < 0)
			asym_warn("%s: DWARF could not be read fully: %s\n", path, dwarf_errmsg(-1));
		asym_label_nested(bin);
		/* With DWARF, code without a source line is glue (start-up, shims,
		 * libstd's precompiled parts), not the program's own. */
		for (size_t i = 0; i < bin->nr_funcs; i++) {
			struct asym_func *f = &bin->funcs[i];

			if (!f->file && (f->flags & ASYM_F_USER)) {
				f->flags &= ~ASYM_F_USER;
				f->flags |= ASYM_F_RUNTIME;
			}
		}
		asym_find_call_sites(bin);
	}
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];

		if (!f->label)
			f->label = f->name;
	}
	*out = bin;
	return 0;
fail:
	asym_binary_free(bin);
	return err;
}

void asym_binary_free(struct asym_binary *bin)
{
	if (!bin)
		return;
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];

		if (f->label != f->name)
			free((char *)f->label);
		free((char *)f->name);
		free((char *)f->symbol);
		free((char *)f->crate);
		free((char *)f->file);
		for (unsigned a = 0; a < f->n_awaits; a++) {
			free((char *)f->awaits[a].file);
			free((char *)f->awaits[a].macro_file);
			free((char *)f->awaits[a].awaitee);
			free((char *)f->awaits[a].awaitee_label);
		}
		free((void *)f->awaits);
	}
	free(bin->funcs);
	asym_code_free(bin);
	if (bin->dwarf)
		dwarf_end(bin->dwarf);
	if (bin->elf)
		elf_end(bin->elf);
	if (bin->fd >= 0)
		close(bin->fd);
	free(bin->build_id);
	free(bin->path);
	free(bin);
}

unsigned asym_binary_flags(const struct asym_binary *bin) { return bin->flags; }
const char *asym_binary_build_id(const struct asym_binary *bin) { return bin->build_id; }
const char *asym_binary_runtime(const struct asym_binary *bin) { return bin->runtime; }
size_t asym_binary_func_count(const struct asym_binary *bin) { return bin->nr_funcs; }

const struct asym_func *asym_binary_func(const struct asym_binary *bin, size_t idx)
{
	return idx < bin->nr_funcs ? &bin->funcs[idx] : NULL;
}

struct asym_func *asym_func_at(struct asym_binary *bin, uint64_t rel_addr)
{
	size_t lo = 0, hi = bin->nr_funcs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (rel_addr < bin->funcs[mid].addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (!lo)
		return NULL;
	lo--;
	return rel_addr < bin->funcs[lo].addr + bin->funcs[lo].size ? &bin->funcs[lo] : NULL;
}

const struct asym_func *asym_binary_lookup(const struct asym_binary *bin, uint64_t rel_addr)
{
	return asym_func_at((struct asym_binary *)bin, rel_addr);
}
