// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A uftrace 0.13 symbol file (.sym) for the binary, from the symbols the
 * symbolizer read.  Given to `uftrace record --with-syms DIR`, libmcount
 * loads it instead of parsing the ELF and walking all of the binary's
 * DWARF at start-up (which 0.13 does whenever -A or -R is given: 50 ms for
 * a small tokio program, seconds for a large one).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "asym-internal.h"
#include "asym.h"

int asym_binary_write_symfile(const struct asym_binary *bin, FILE *out)
{
	char path[PATH_MAX];

	if (!bin->nr_funcs)
		return -ENOENT;
	/* libmcount matches the file to the mapping by build-id; our own
	 * reader matches it by this path, as /proc/PID/maps spells it */
	if (!realpath(bin->path, path))
		return -errno;
	fprintf(out, "# symbols: %zu\n# path name: %s\n", bin->nr_funcs, path);
	if (bin->build_id)
		fprintf(out, "# build-id: %s\n", bin->build_id);
	for (size_t i = 0; i < bin->nr_funcs; i++) {
		const struct asym_func *f = &bin->funcs[i];
		uint64_t end = f->addr + f->size;

		fprintf(out, "%016llx T %s\n", (unsigned long long)f->addr, f->symbol);
		/* 0.13 files have no sizes: a '?' line ends a function that
		 * padding separates from the next */
		if (i + 1 == bin->nr_funcs || bin->funcs[i + 1].addr > end)
			fprintf(out, "%016llx ? %s\n", (unsigned long long)end,
				i + 1 == bin->nr_funcs ? "__sym_end" : "__func_end");
	}
	return ferror(out) ? -EIO : 0;
}
