// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Await call sites: in each async body, the calls into other poll
 * functions, mapped to source lines with the DWARF line table, so each
 * suspension point also knows the instruction that polls its awaitee.
 */
#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"

/* The bytes of [vaddr, vaddr+size) from the section that holds them. */
static const uint8_t *code_at(Elf *elf, uint64_t vaddr, uint64_t size)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		if (vaddr < sh.sh_addr || vaddr + size > sh.sh_addr + sh.sh_size)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			return NULL;
		return (const uint8_t *)data->d_buf + (vaddr - sh.sh_addr);
	}
	return NULL;
}

static int line_of(Dwarf *dw, uint64_t vaddr)
{
	Dwarf_Die cu;
	Dwarf_Line *line;
	int lineno = 0;

	if (!dwarf_addrdie(dw, vaddr, &cu) || !(line = dwarf_getsrc_die(&cu, vaddr)))
		return 0;
	dwarf_lineno(line, &lineno);
	return lineno;
}

static void scan_function(struct asym_binary *bin, csh cs, struct asym_func *f)
{
	uint64_t vaddr = f->addr + bin->base;
	const uint8_t *code = code_at(bin->elf, vaddr, f->size);
	cs_insn *insn;
	size_t n;

	if (!code)
		return;
	n = cs_disasm(cs, code, f->size, vaddr, 0, &insn);
	for (size_t i = 0; i < n; i++) {
		cs_x86 *x = &insn[i].detail->x86;
		struct asym_func *callee;
		int line;

		if (insn[i].id != X86_INS_CALL || x->op_count != 1 || x->operands[0].type != X86_OP_IMM)
			continue;
		callee = asym_func_at(bin, (uint64_t)x->operands[0].imm - bin->base);
		if (!callee || !(callee->flags & ASYM_F_FUTURE) || callee == f)
			continue;
		line = line_of(bin->dwarf, insn[i].address);
		for (unsigned a = 0; a < f->n_awaits; a++) {
			struct asym_await *aw = (struct asym_await *)&f->awaits[a];

			if (aw->line == line && !aw->call_addr)
				aw->call_addr = insn[i].address - bin->base;
		}
	}
	if (n)
		cs_free(insn, n);
}

void asym_find_call_sites(struct asym_binary *bin)
{
	csh cs;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return;
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		struct asym_func *f = &bin->funcs[i];

		if ((f->role == ASYM_ROLE_ASYNC_FN || f->role == ASYM_ROLE_ASYNC_BLOCK) &&
		    f->n_awaits && (f->flags & ASYM_F_USER))
			scan_function(bin, cs, f);
	}
	cs_close(&cs);
}
