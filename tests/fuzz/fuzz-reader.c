// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the uftrace.data reader.  The first input byte picks
 * the file of a real recording (fixtures/recordings/handfuture.uftrace.data,
 * copied to a temp dir once) that the rest of the input replaces: a .dat,
 * the .sym, task.txt, the map or info.  The reader must never crash, hang
 * or leak, whatever it is given.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "uftrace-data.h"
#include "utils.h"

static char dir[64];
static const char *const files[] = { "11879.dat", "handfuture.sym", "task.txt",
				     "sid-299251dfe9be4315.map", "info" };
static char *orig[5];
static size_t orig_len[5];

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc(n + 1);
	*len = fread(buf, 1, n, fp);
	fclose(fp);
	return buf;
}

static void put(const char *name, const void *data, size_t len)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp)
		abort();
	fwrite(data, 1, len, fp);
	fclose(fp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src = getenv("AU_SRC_ROOT") ? getenv("AU_SRC_ROOT") : ".";
	char path[PATH_MAX];

	(void)argc;
	(void)argv;
	au_quiet = 1;
	snprintf(dir, sizeof(dir), "/tmp/au-fuzz-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/fixtures/recordings/handfuture.uftrace.data/%s", src,
			 files[i]);
		orig[i] = slurp(path, &orig_len[i]);
		if (!orig[i]) {
			fprintf(stderr, "fuzz-reader: %s missing (set AU_SRC_ROOT)\n", path);
			abort();
		}
		put(files[i], orig[i], orig_len[i]);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct au_data *d;
	struct au_record rec;
	unsigned which;

	if (!size)
		return 0;
	which = data[0] % 5;
	put(files[which], data + 1, size - 1);
	if (au_data_open(dir, &d) == 0) {
		while (au_data_next(d, &rec) > 0)
			;
		au_data_close(d);
	}
	put(files[which], orig[which], orig_len[which]);
	return 0;
}
