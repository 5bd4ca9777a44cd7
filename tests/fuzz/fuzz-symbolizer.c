// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the symbolizer's ELF/DWARF path: the input is
 * written to a file and opened, classified, and asked for its record
 * options, as profile.sh would.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "asym.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	asym_set_print(NULL);
	snprintf(path, sizeof(path), "/tmp/au-fuzz-elf-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct asym_binary *bin;
	FILE *fp = fopen(path, "wb");

	if (!fp)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	if (asym_binary_open(path, &bin) == 0) {
		FILE *null = fopen("/dev/null", "w");

		asym_binary_record_options(bin, ASYM_RECORD_DEFAULT, null);
		fclose(null);
		for (size_t i = 0; i < asym_binary_func_count(bin); i++)
			asym_binary_lookup(bin, asym_binary_func(bin, i)->addr);
		asym_binary_free(bin);
	}
	return 0;
}
