// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the symbolizer's ELF/DWARF path: the input is
 * written to a file and opened, classified, and asked for its record
 * options, as profile.sh would.
 *
 * The file is a memfd opened by its /proc/self/fd path: rewriting a file
 * on disk for every input cost more than the symbolizer itself (ext4
 * truncation and block discards took two thirds of the time).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "asym.h"

static char path[64];
static int fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	asym_set_print(NULL);
	fd = memfd_create("au-fuzz-elf", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct asym_binary *bin;

	if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	if (asym_binary_open(path, &bin) == 0) {
		FILE *null = fopen("/dev/null", "w");

		asym_binary_record_options(bin, ASYM_RECORD_DEFAULT, null);
		asym_binary_write_symfile(bin, null);
		fclose(null);
		for (size_t i = 0; i < asym_binary_func_count(bin); i++)
			asym_binary_lookup(bin, asym_binary_func(bin, i)->addr);
		asym_binary_free(bin);
	}
	return 0;
}
