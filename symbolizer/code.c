// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading calls out of the machine code (capstone), and their source lines.
 *
 * Debug builds call functions of other crates through the GOT
 * ("mov slot(%rip),%rax; call *%rax", or "call *slot(%rip)"), so a call
 * target is a direct immediate, or a GOT slot resolved with the dynamic
 * relocations (R_X86_64_RELATIVE: the addend; GLOB_DAT/64: the symbol).
 */
#include <capstone/capstone.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asym-internal.h"

struct got_slot {
	uint64_t slot;   /* vaddr of the GOT entry */
	uint64_t target; /* vaddr it will hold */
};

struct got_map {
	struct got_slot *slots;
	size_t nr, cap;
};

static int cmp_slot(const void *a, const void *b)
{
	const struct got_slot *x = a, *y = b;

	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static void add_slot(struct got_map *got, uint64_t slot, uint64_t target)
{
	if (got->nr == got->cap) {
		size_t cap = got->cap ? got->cap * 2 : 256;
		void *p = reallocarray(got->slots, cap, sizeof(*got->slots));

		if (!p)
			return;
		got->slots = p;
		got->cap = cap;
	}
	got->slots[got->nr++] = (struct got_slot){ slot, target };
}

/* Value of symbol @idx of the symbol table section @symscn, 0 if undefined. */
static uint64_t sym_value(Elf_Scn *symscn, size_t idx)
{
	Elf_Data *data = symscn ? elf_getdata(symscn, NULL) : NULL;
	GElf_Sym sym;

	if (!data || !gelf_getsym(data, idx, &sym) || sym.st_shndx == SHN_UNDEF)
		return 0;
	return sym.st_value;
}

static void read_got(Elf *elf, struct got_map *got)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;
			uint64_t target = 0;

			if (!gelf_getrela(data, i, &r))
				continue;
			switch (GELF_R_TYPE(r.r_info)) {
			case R_X86_64_RELATIVE:
				target = r.r_addend;
				break;
			case R_X86_64_GLOB_DAT:
			case R_X86_64_64:
			case R_X86_64_JUMP_SLOT:
				target = sym_value(elf_getscn(elf, sh.sh_link), GELF_R_SYM(r.r_info));
				if (target)
					target += r.r_addend;
				break;
			default:
				break;
			}
			if (target)
				add_slot(got, r.r_offset, target);
		}
	}
	if (got->nr)
		qsort(got->slots, got->nr, sizeof(*got->slots), cmp_slot);
}

static uint64_t got_target(const struct got_map *got, uint64_t slot)
{
	struct got_slot key = { .slot = slot }, *s;

	if (!got->nr)
		return 0;
	s = bsearch(&key, got->slots, got->nr, sizeof(*got->slots), cmp_slot);
	return s ? s->target : 0;
}

/* The bytes of [vaddr, vaddr+size) from the section that holds them
 * (code only, or any: a jump table is in .rodata). */
static const uint8_t *bytes_at(Elf *elf, uint64_t vaddr, uint64_t size, bool code)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    (code && !(sh.sh_flags & SHF_EXECINSTR)))
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

static const uint8_t *code_at(Elf *elf, uint64_t vaddr, uint64_t size)
{
	return bytes_at(elf, vaddr, size, true);
}

/* The line table's row for @vaddr: its line, and its file into @file. */
int asym_line_of(Dwarf *dw, uint64_t vaddr, const char **file)
{
	Dwarf_Die cu;
	Dwarf_Line *line;
	int lineno = 0;

	if (file)
		*file = NULL;
	if (!dwarf_addrdie(dw, vaddr, &cu) || !(line = dwarf_getsrc_die(&cu, vaddr)))
		return 0;
	dwarf_lineno(line, &lineno);
	if (file)
		*file = dwarf_linesrc(line, NULL, NULL);
	return lineno;
}

/* Same file as the function's own: dwarf_decl_file and dwarf_linesrc name
 * it from the same file table, but one may carry the directory. */
bool asym_same_source(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return false;
	la = strlen(a);
	lb = strlen(b);
	if (la < lb) { /* b is the longer one */
		const char *t = a;

		a = b;
		b = t;
		la = lb;
		lb = strlen(b);
	}
	/* a == b, or a == ".../" b */
	return !strcmp(a + la - lb, b) && (la == lb || a[la - lb - 1] == '/');
}

static bool rip_relative(const cs_x86_op *op)
{
	return op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP &&
	       op->mem.index == X86_REG_INVALID;
}

/* A "mov reg, ..." remembers in @reg_slot the GOT slot it loads into reg
 * (or forgets it): true for a mov, which is no call. */
static bool track_got_load(const cs_insn *insn, uint64_t *reg_slot)
{
	const cs_x86 *x = &insn->detail->x86;

	if (insn->id != X86_INS_MOV || x->op_count != 2 || x->operands[0].type != X86_OP_REG ||
	    x->operands[0].reg >= X86_REG_ENDING)
		return false;
	reg_slot[x->operands[0].reg] = rip_relative(&x->operands[1]) ?
		insn->address + insn->size + x->operands[1].mem.disp : 0;
	return true;
}

/* Where the call at @insn goes, 0 when unknown; @reg_slot holds the GOT
 * slot last loaded into each register. */
static uint64_t call_target(const cs_insn *insn, const struct got_map *got,
			    const uint64_t *reg_slot)
{
	const cs_x86_op *op = &insn->detail->x86.operands[0];
	uint64_t next = insn->address + insn->size;

	if (op->type == X86_OP_IMM)
		return op->imm;
	if (op->type == X86_OP_REG && op->reg < X86_REG_ENDING && reg_slot[op->reg])
		return got_target(got, reg_slot[op->reg]);
	if (rip_relative(op))
		return got_target(got, next + op->mem.disp);
	return 0;
}

/* The binary's GOT map, read on first use and kept with the binary. */
static const struct got_map *got_of(struct asym_binary *bin)
{
	if (!bin->got && (bin->got = calloc(1, sizeof(*bin->got))))
		read_got(bin->elf, bin->got);
	return bin->got;
}

bool asym_each_call(struct asym_binary *bin, const struct asym_func *f, asym_call_fn fn, void *arg)
{
	const struct got_map *got = got_of(bin);
	uint64_t vaddr = f->addr + bin->base;
	const uint8_t *code = code_at(bin->elf, vaddr, f->size);
	uint64_t reg_slot[X86_REG_ENDING] = { 0 };
	cs_insn *insn;
	size_t n;
	csh cs;

	if (!got || !code)
		return false;
	if (!bin->cs_open) {
		if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
			return false;
		cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
		bin->cs = cs;
		bin->cs_open = true;
	}
	n = cs_disasm(bin->cs, code, f->size, vaddr, 0, &insn);
	for (size_t i = 0; i < n; i++) {
		const cs_x86 *x = &insn[i].detail->x86;
		uint64_t target;

		if (track_got_load(&insn[i], reg_slot) || insn[i].id != X86_INS_CALL ||
		    x->op_count != 1)
			continue;
		target = call_target(&insn[i], got, reg_slot);
		if (!target || target < bin->base)
			continue;
		if (!fn(arg, insn[i].address, asym_func_at(bin, target - bin->base)))
			break;
	}
	if (n)
		cs_free(insn, n);
	return true;
}

static bool ends_flow(unsigned id)
{
	return id == X86_INS_RET || id == X86_INS_UD2 || id == X86_INS_HLT || id == X86_INS_INT3;
}

static size_t insn_index(const cs_insn *insn, size_t n, uint64_t vaddr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (insn[mid].address < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && insn[lo].address == vaddr ? lo : n;
}

/* Which of @calls (n of them, n <= 64) the code from instruction @start
 * on reaches first, passing none of the others and not returning: bit i
 * for calls[i].  Jumps through registers (jump tables) are not followed. */
static uint64_t reach_calls(struct asym_binary *bin, const cs_insn *insn, size_t count,
			    size_t start, const uint64_t *calls, unsigned n)
{
	uint8_t *seen = calloc(count + 1, 1);
	size_t *todo = calloc(count + 1, sizeof(*todo)), nr_todo = 0;
	uint64_t next = 0;

	if (start < count && seen && todo)
		todo[nr_todo++] = start;
	while (nr_todo) {
		size_t i = todo[--nr_todo];

		for (; i < count && !seen[i]; i++) {
			const cs_x86 *x = &insn[i].detail->x86;
			bool imm = x->op_count == 1 && x->operands[0].type == X86_OP_IMM;
			uint64_t hit = 0;
			size_t t;

			seen[i] = 1;
			for (unsigned c = 0; c < n; c++)
				hit |= calls[c] == insn[i].address ? 1ull << c : 0;
			next |= hit;
			if (hit || ends_flow(insn[i].id))
				break;
			if (cs_insn_group(bin->cs, &insn[i], CS_GRP_JUMP)) {
				/* (a jump out of the function is a tail call) */
				t = imm ? insn_index(insn, count, x->operands[0].imm) : count;
				if (t < count && !seen[t])
					todo[nr_todo++] = t;
				if (insn[i].id == X86_INS_JMP)
					break;
			}
		}
	}
	free(seen);
	free(todo);
	return next;
}

/*
 * Which of the calls @calls (n of them, n <= 64) the code after the call
 * at @from can reach first, passing none of the others and not returning:
 * bit i for calls[i], into @next.  An .await polls its future from one
 * call; once Ready, the code goes on to the next await's call, or back to
 * its own in a loop (its Pending path returns, and a resume enters
 * through the state machine's jump table).  Jumps through registers (jump
 * tables) are not followed: a path seen only through one stays unseen.
 * False when the code cannot be read.
 */
bool asym_calls_next(struct asym_binary *bin, const struct asym_func *f, uint64_t from,
		     const uint64_t *calls, unsigned n, uint64_t *next)
{
	uint64_t vaddr = f->addr + bin->base;
	const uint8_t *code = code_at(bin->elf, vaddr, f->size);
	size_t count, start;
	cs_insn *insn;

	*next = 0;
	if (!code || !bin->cs_open || n > 64)
		return false;
	count = cs_disasm(bin->cs, code, f->size, vaddr, 0, &insn);
	start = insn_index(insn, count, from);
	if (start < count)
		*next = reach_calls(bin, insn, count, start + 1, calls, n);
	if (count)
		cs_free(insn, count);
	return start < count;
}

/* Does @insn change a register other than the stack's by arithmetic (the
 * state's index shifted before the table is read)? */
static bool shifts_register(const cs_insn *insn)
{
	const cs_x86 *x = &insn->detail->x86;
	const cs_x86_op *dst = x->op_count ? &x->operands[0] : NULL;

	switch (insn->id) {
	case X86_INS_ADD:
		/* "add %rcx,%rax": the table's base plus its entry */
		if (x->op_count == 2 && x->operands[1].type == X86_OP_REG)
			return false;
		/* fall through */
	case X86_INS_SUB:
	case X86_INS_INC:
	case X86_INS_DEC:
	case X86_INS_LEA:
		if (insn->id == X86_INS_LEA && x->op_count == 2 &&
		    x->operands[1].type == X86_OP_MEM && x->operands[1].mem.base == X86_REG_RIP)
			return false;
		return dst && dst->type == X86_OP_REG && dst->reg != X86_REG_RSP &&
		       dst->reg != X86_REG_RBP;
	default:
		return false;
	}
}

/*
 * Which of @calls (n of them, n <= 64) a first poll of the state machine
 * @f reaches first, into @first.  Its poll begins by jumping on its state
 * through a table, whose entry 0 is state 0, Unresumed: where its body
 * starts.  A position-independent executable's table holds offsets from
 * itself ("lea table(%rip),%rax; movslq (%rax,%rcx,4),%rcx; add %rcx,%rax;
 * jmp *%rax"), another's addresses ("mov table(,%rax,8),%rax; jmp *%rax").  False when the code does not open that way (the index
 * shifted, no table, an entry outside the function).
 */
bool asym_calls_first(struct asym_binary *bin, const struct asym_func *f, const uint64_t *calls,
		      unsigned n, uint64_t *first)
{
	uint64_t vaddr = f->addr + bin->base, table = 0, abs_table = 0;
	const uint8_t *code = code_at(bin->elf, vaddr, f->size), *entry;
	size_t count, start = SIZE_MAX;
	bool indexed = false;
	cs_insn *insn;

	*first = 0;
	if (!code || !bin->cs_open || n > 64)
		return false;
	count = cs_disasm(bin->cs, code, f->size, vaddr, 0, &insn);
	for (size_t i = 0; i < count && i < 64; i++) {
		const cs_x86 *x = &insn[i].detail->x86;

		if (insn[i].id == X86_INS_CALL && x->op_count == 1 &&
		    x->operands[0].type == X86_OP_IMM)
			continue; /* mcount */
		if (ends_flow(insn[i].id) || shifts_register(&insn[i]) ||
		    (insn[i].id != X86_INS_JMP && cs_insn_group(bin->cs, &insn[i], CS_GRP_JUMP)) ||
		    insn[i].id == X86_INS_CALL)
			break;
		if (insn[i].id == X86_INS_LEA && x->op_count == 2 &&
		    x->operands[1].type == X86_OP_MEM && x->operands[1].mem.base == X86_REG_RIP)
			table = insn[i].address + insn[i].size + x->operands[1].mem.disp;
		if (insn[i].id == X86_INS_MOVSXD && x->op_count == 2 &&
		    x->operands[1].type == X86_OP_MEM && x->operands[1].mem.scale == 4 &&
		    x->operands[1].mem.disp == 0 && x->operands[1].mem.index != X86_REG_INVALID)
			indexed = true;
		if (insn[i].id == X86_INS_MOV && x->op_count == 2 &&
		    x->operands[1].type == X86_OP_MEM && x->operands[1].mem.base == X86_REG_INVALID &&
		    x->operands[1].mem.scale == 8 && x->operands[1].mem.index != X86_REG_INVALID)
			abs_table = (uint64_t)x->operands[1].mem.disp;
		if (insn[i].id == X86_INS_JMP) {
			if (x->op_count != 1 || x->operands[0].type != X86_OP_REG)
				break;
			if (indexed && table && (entry = bytes_at(bin->elf, table, 4, false))) {
				int32_t rel;

				memcpy(&rel, entry, sizeof(rel));
				start = insn_index(insn, count, table + (int64_t)rel);
			} else if (abs_table && (entry = bytes_at(bin->elf, abs_table, 8, false))) {
				uint64_t to;

				memcpy(&to, entry, sizeof(to));
				start = insn_index(insn, count, to);
			}
			break;
		}
	}
	if (start < count)
		*first = reach_calls(bin, insn, count, start, calls, n);
	if (count)
		cs_free(insn, count);
	return start < count;
}

void asym_code_free(struct asym_binary *bin)
{
	if (bin->got)
		free(bin->got->slots);
	free(bin->got);
	bin->got = NULL;
	if (bin->cs_open)
		cs_close(&bin->cs);
	bin->cs_open = false;
}
