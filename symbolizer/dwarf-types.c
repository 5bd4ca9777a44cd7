// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rust types in DWARF: following typedefs, members, sizes, and how the
 * Rust ABI returns a value of a type.
 */
#include <dwarf.h>
#include <string.h>

#include "asym-internal.h"

bool asym_die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute at;

	return dwarf_attr_integrate(die, DW_AT_type, &at) && dwarf_formref_die(&at, out);
}

bool asym_strip_type(Dwarf_Die *die)
{
	for (int i = 0; i < 16; i++) {
		int tag = dwarf_tag(die);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type)
			return true;
		if (!asym_die_type(die, die))
			return false;
	}
	return false;
}

bool asym_member_named(Dwarf_Die *parent, const char *name, Dwarf_Die *out)
{
	if (dwarf_child(parent, out) != 0)
		return false;
	do {
		const char *n = dwarf_diename(out);

		if (dwarf_tag(out) == DW_TAG_member && n && !strcmp(n, name))
			return true;
	} while (dwarf_siblingof(out, out) == 0);
	return false;
}

uint64_t asym_member_offset(Dwarf_Die *member)
{
	Dwarf_Attribute at;
	Dwarf_Word off = 0;

	if (dwarf_attr(member, DW_AT_data_member_location, &at))
		dwarf_formudata(&at, &off);
	return off;
}

uint64_t asym_type_size(Dwarf_Die *type)
{
	Dwarf_Attribute at;
	Dwarf_Word sz = 0;
	Dwarf_Die t = *type;

	if (!asym_strip_type(&t))
		return 0;
	if (dwarf_attr(&t, DW_AT_byte_size, &at))
		dwarf_formudata(&at, &sz);
	return sz;
}

/*
 * The places of the primitive values a type can hold, all its variants
 * put together.  rustc gives a type a Scalar or ScalarPair layout when it
 * comes to one or two such places (a u32; a Result<usize, io::Error>'s
 * discriminant and word; a Poll<Option<u32>>), and a Memory layout
 * otherwise (three places, arrays, places overlapping with different
 * sizes), and its layout is not in DWARF: these places are.
 */
struct places {
	uint64_t off[2], size[2];
	int n;
	bool memory;
};

static void add_place(struct places *p, uint64_t off, uint64_t size)
{
	if (!size)
		return;
	for (int i = 0; i < p->n; i++) {
		if (p->off[i] == off && p->size[i] == size)
			return;
		if (off < p->off[i] + p->size[i] && p->off[i] < off + size) {
			p->memory = true;
			return;
		}
	}
	if (p->n == 2) {
		p->memory = true;
		return;
	}
	p->off[p->n] = off;
	p->size[p->n++] = size;
}

static void add_places(Dwarf_Die *type, uint64_t base, struct places *p, int depth);

/* A variant's struct holds data: a field of some size (the struct itself
 * is as large as the whole enum). */
static bool variant_has_data(Dwarf_Die *variant)
{
	Dwarf_Die m, vt, f, ft;

	if (dwarf_child(variant, &m) != 0)
		return false;
	do {
		if (dwarf_tag(&m) != DW_TAG_member || !asym_die_type(&m, &vt) ||
		    !asym_strip_type(&vt) || dwarf_child(&vt, &f) != 0)
			continue;
		do {
			if (dwarf_tag(&f) == DW_TAG_member && asym_die_type(&f, &ft) &&
			    asym_type_size(&ft))
				return true;
		} while (dwarf_siblingof(&f, &f) == 0);
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

/*
 * An enum laid out around a niche (one variant without a discriminant
 * value of its own: the one whose field holds the niche) is a Scalar or
 * ScalarPair only when its other variants hold nothing (Poll<T>'s
 * Pending, Option's None).  Result<Dispatched, hyper::Error> keeps its Err
 * in Dispatched's spare tag values: 16 bytes in two places, but Memory,
 * and hyper's poll of it returns through memory.
 */
static bool niche_with_data(Dwarf_Die *variant_part)
{
	Dwarf_Die v;
	Dwarf_Attribute at;
	bool niche = false, others_data = false;

	if (dwarf_child(variant_part, &v) != 0)
		return false;
	do {
		if (dwarf_tag(&v) != DW_TAG_variant)
			continue;
		if (!dwarf_attr(&v, DW_AT_discr_value, &at))
			niche = true;
		else if (variant_has_data(&v))
			others_data = true;
	} while (dwarf_siblingof(&v, &v) == 0);
	return niche && others_data;
}

/* The members of a struct, a union or an enum's variant part (its
 * discriminant and every variant's fields). */
static void add_members(Dwarf_Die *parent, uint64_t base, struct places *p, int depth)
{
	Dwarf_Die child, type;

	if (dwarf_child(parent, &child) != 0)
		return;
	do {
		switch (dwarf_tag(&child)) {
		case DW_TAG_member:
			if (!asym_die_type(&child, &type)) {
				p->memory = true;
				return;
			}
			add_places(&type, base + asym_member_offset(&child), p, depth + 1);
			break;
		case DW_TAG_variant_part:
			if (niche_with_data(&child)) {
				p->memory = true;
				return;
			}
			add_members(&child, base, p, depth + 1);
			break;
		case DW_TAG_variant:
			add_members(&child, base, p, depth + 1);
			break;
		default:
			break;
		}
	} while (!p->memory && dwarf_siblingof(&child, &child) == 0);
}

static void add_places(Dwarf_Die *type, uint64_t base, struct places *p, int depth)
{
	Dwarf_Die t = *type;

	if (depth > 24 || !asym_strip_type(&t)) {
		p->memory = true;
		return;
	}
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type:
	case DW_TAG_enumeration_type:
		add_place(p, base, asym_type_size(&t));
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_subroutine_type:
		add_place(p, base, asym_type_size(&t) ? asym_type_size(&t) : 8);
		break;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		add_members(&t, base, p, depth);
		break;
	case DW_TAG_array_type:
		/* (an array is Memory, but an empty one holds nothing) */
		if (asym_type_size(&t))
			p->memory = true;
		break;
	default:
		p->memory = true;
		break;
	}
}

bool asym_returns_in_memory(Dwarf_Die *type)
{
	uint64_t size = asym_type_size(type);
	struct places p = { .n = 0 };

	/* x86-64, the Rust ABI: a Memory layout up to a word comes back as
	 * an integer in rax, a Scalar or ScalarPair in rax (and rdx), and
	 * anything else through memory the caller provides (sret). */
	if (size <= 8)
		return false;
	if (size > 16)
		return true;
	add_places(type, 0, &p, 0);
	return p.memory;
}
