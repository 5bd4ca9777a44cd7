// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the uftrace.data reader.  The first input byte picks
 * the file of a real recording (fixtures/recordings/handfuture.uftrace.data,
 * copied to a temp dir once) that the rest of the input replaces: a .dat,
 * the .sym, task.txt, the map, info, a perf-cpu file (context switches) or
 * the .dbg file of `record -a` (the copy's info says auto-args:1, and a
 * small .dbg is added).  The reader must never crash, hang or leak,
 * whatever it is given.
 *
 * Speed (the ≥10M-execution campaign of doc/benchmarks.md needs thousands
 * of inputs a second): what comes from files an input leaves unchanged is
 * parsed once, in a reader of the unchanged recording (base), and each
 * input reads only what depends on the file it replaced:
 *  - a .dat: only the streams are opened again on base, as au_data_open
 *    opens them (au_streams_open/au_streams_close);
 *  - any other file: au_data_open_like, a full open that takes the
 *    compiled argument specs from base when info's are unchanged.
 * Every input frees what it allocated (libFuzzer's per-input leak check
 * stays on), and the copy lives on tmpfs (/dev/shm) when there is one:
 * rewriting a file on ext4 for every input cost more than reading it.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uftrace-data-internal.h"
#include "utils.h"

static char dir[PATH_MAX];
#define NR_FILES 7
static const char *const files[NR_FILES] = { "11879.dat", "handfuture.sym", "task.txt",
					     "sid-299251dfe9be4315.map", "info", "perf-cpu0.dat",
					     "handfuture.dbg" };
/* Kept as recorded, not fuzzed: the other CPU's switches, an empty file. */
static const char *const others[] = { "perf-cpu1.dat", "default.opts" };
#define NR_ALL (NR_FILES + sizeof(others) / sizeof(others[0]))
/* what `record -a` adds: info's lines, and the binary's .dbg (its poll
 * functions keep their -A/-R specs; the others get these) */
static const char auto_info[] = "argauto:free@arg1/p;memcpy@arg1/p,arg2/p,arg3/u\n"
				"retauto:memcpy@retval/p\nauto-args:1\n";
static const char dbg[] =
	"# path name: /work/main/fixtures/target/debug/handfuture\n"
	"# build-id: e18edbcfe2914143ea4d7eaf5c7d79df509ba624\n"
	"E: enum Ordering {Relaxed,Release,Acquire}\n"
	"F: 18730 _RNvXsb_NtCsgEmfK2I1SDS_4core3pinINtB5_3PinQNtCs5L7yU416ZU9_10handfuture9Countdown"
	"ENtNtNtB7_3ops5deref5Deref5derefBH_\n"
	"L: 12 src/main.rs\n"
	"A: @arg1/t0:{closure_env#0},arg2/t12:Pair%RDI+RSI,arg3/s,arg4/e:Ordering,fparg1/32\n"
	"R: @retval/t24:Result\n"
	"F: 18760 _RNvXsc_NtCsgEmfK2I1SDS_4core3pinINtB5_3PinQNtCs5L7yU416ZU9_10handfuture9Countdown"
	"ENtNtNtB7_3ops5deref8DerefMut9deref_mutBH_\n"
	"A: @arg1/p%stack+8,arg2/i16,arg3/c\n";
static char *orig[NR_FILES];
static size_t orig_len[NR_FILES];
static struct au_data *base; /* the unchanged recording, without streams */
static int replaced = -1;    /* the file that holds the last input, if any */

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
	char path[PATH_MAX + 64];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp)
		abort();
	fwrite(data, 1, len, fp);
	fclose(fp);
}

/* The copy is in RAM (tmpfs): removed when libFuzzer exits normally. */
static void remove_copy(void)
{
	char path[PATH_MAX + 64];

	for (size_t i = 0; i < NR_ALL; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, i < NR_FILES ? files[i] : others[i - NR_FILES]);
		unlink(path);
	}
	rmdir(dir);
}

static void read_all(struct au_data *d)
{
	struct au_record rec;

	while (au_data_next(d, &rec) > 0)
		;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src = getenv("AU_SRC_ROOT") ? getenv("AU_SRC_ROOT") : ".";
	struct stat st;
	char path[PATH_MAX];
	size_t len;

	(void)argc;
	(void)argv;
	au_quiet = 1;
	snprintf(dir, sizeof(dir), "%s/au-fuzz-XXXXXX",
		 stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(dir))
		abort();
	atexit(remove_copy);
	for (size_t i = 0; i < NR_ALL; i++) {
		const char *name = i < NR_FILES ? files[i] : others[i - NR_FILES];
		char *buf;

		snprintf(path, sizeof(path), "%s/fixtures/recordings/handfuture.uftrace.data/%s", src,
			 name);
		if (!strcmp(name, "handfuture.dbg")) {
			buf = strdup(dbg);
			len = strlen(dbg);
		} else {
			buf = slurp(path, &len);
		}
		if (!buf) {
			fprintf(stderr, "fuzz-reader: %s missing (set AU_SRC_ROOT)\n", path);
			abort();
		}
		if (!strcmp(name, "info")) {
			buf = realloc(buf, len + sizeof(auto_info));
			memcpy(buf + len, auto_info, sizeof(auto_info) - 1);
			len += sizeof(auto_info) - 1;
		}
		put(name, buf, len);
		if (i < NR_FILES) {
			orig[i] = buf;
			orig_len[i] = len;
		} else {
			free(buf);
		}
	}
	if (au_data_open(dir, &base) != 0)
		abort();
	/* Layouts are matched on first use and kept: match them all now so
	 * that no input allocates into base. */
	for (size_t f = 0; f < au_data_nr_funcs(base); f++)
		au_layout_of(base, f);
	au_streams_close(base);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct au_data *d;
	unsigned which;

	if (!size)
		return 0;
	which = data[0] % NR_FILES;
	/* The last input's file is put back only when this one replaces
	 * another: most inputs replace the same file as the one before. */
	if (replaced >= 0 && replaced != (int)which)
		put(files[replaced], orig[replaced], orig_len[replaced]);
	put(files[which], data + 1, size - 1);
	replaced = which;
	if (which == 0) {
		/* The rest of au_data_open, on the parsed unchanged files. */
		if (au_streams_open(base) == 0) {
			au_comm_names_read(base);
			read_all(base);
		}
		au_streams_close(base);
	} else if (au_data_open_like(dir, base, &d) == 0) {
		read_all(d);
		/* a .dbg's specs are looked up per function, when its records
		 * carry a payload: look them all up */
		if (!strcmp(files[which], "handfuture.dbg")) {
			for (size_t f = 0; f < au_data_nr_funcs(d); f++)
				au_layout_of(d, f);
		}
		au_data_close(d);
	}
	return 0;
}
