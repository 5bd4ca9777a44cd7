// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The uftrace.data reader, on recordings built here from record tables
 * (uftrace's own tests do the same) and their truncated and corrupted
 * variants, and on the checked-in recording of fixtures/handfuture.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uftrace-data-internal.h"
#include "record-pump.h"
#include "uftrace-data.h"
#include "unittest.h"
#include "utils.h"

#define BASE 0x400000ull

struct rec {
	uint64_t time;
	int type, depth;
	uint64_t off;        /* function offset in the fake binary */
	int npay;            /* 8-byte payload words */
	uint64_t pay;
};

static char dir[PATH_MAX];

static void write_file(const char *name, const void *buf, size_t len)
{
	char path[PATH_MAX + 64];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp || fwrite(buf, 1, len, fp) != len) {
		perror(path);
		exit(TEST_FAIL);
	}
	fclose(fp);
}

static void write_text(const char *name, const char *text)
{
	write_file(name, text, strlen(text));
}

static void write_info_text(uint32_t version, uint64_t feat, const char *text)
{
	size_t len = strlen(text);
	uint8_t *buf = calloc(1, 40 + len);
	uint64_t info = 0x3fff;
	uint16_t hsize = 40, max_stack = 1024;

	if (!buf)
		exit(TEST_FAIL);
	memcpy(buf, "Ftrace!", 8);
	memcpy(buf + 8, &version, 4);
	memcpy(buf + 12, &hsize, 2);
	buf[14] = 1; /* little endian */
	buf[15] = 2; /* 64-bit */
	memcpy(buf + 16, &feat, 8);
	memcpy(buf + 24, &info, 8);
	memcpy(buf + 32, &max_stack, 2);
	memcpy(buf + 40, text, len);
	write_file("info", buf, 40 + len);
	free(buf);
}

static void write_info(uint32_t version)
{
	write_info_text(version, 0x7b,
			"exename:/bin/fake\n"
			"exit_status:0\n"
			"cmdline:uftrace record /bin/fake\n"
			"argspec:lines=2\n"
			"argspec:^poll$@arg1\n"
			"retspec:^poll$@retval\n"
			"pattern_type:regex\n");
}

/* Encodes records as uftrace writes them: time, then the packed word. */
static size_t encode(const struct rec *r, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t addr = r[i].type == 2 ? r[i].off : BASE + r[i].off;
		uint64_t w = (uint64_t)r[i].type | (r[i].npay ? 4u : 0) | (5u << 3) |
			     ((uint64_t)r[i].depth << 6) | (addr << 16);

		memcpy(out + o, &r[i].time, 8);
		memcpy(out + o + 8, &w, 8);
		o += 16;
		if (r[i].npay) {
			memcpy(out + o, &r[i].pay, 8);
			o += 8;
		}
	}
	return o;
}

static void write_dat(const char *name, const struct rec *r, size_t n)
{
	uint8_t buf[4096];

	write_file(name, buf, encode(r, n, buf));
}

/* main -> poll(self=0xabc) = Pending on thread 100, leaf on thread 101. */
static const struct rec t100[] = {
	{ 10, 0, 0, 0x1000, 0, 0 },
	{ 20, 0, 1, 0x1108, 1, 0xabc },
	{ 30, 1, 1, 0x1108, 1, 0x1 },
	{ 40, 1, 0, 0x1000, 0, 0 },
};
static const struct rec t101[] = {
	{ 15, 0, 0, 0x1200, 0, 0 },
	{ 25, 1, 0, 0x1200, 0, 0 },
};

static void make_recording(const char *sym)
{
	snprintf(dir, sizeof(dir), "%s/XXXXXX", ut_tmp);
	if (!mkdtemp(dir))
		exit(TEST_FAIL);
	write_info(4);
	write_text("task.txt",
		   "SESS timestamp=1.000000000 pid=100 sid=abc exename=\"/bin/fake\"\n"
		   "TASK timestamp=1.000000001 tid=100 pid=100\n"
		   "TASK timestamp=1.000000002 tid=101 pid=100\n");
	write_text("sid-abc.map", "00400000-00500000 r-xp 00000000 00:00 0   /bin/fake\n");
	write_text("fake.sym", sym ? sym :
		   "# symbols: 3\n# path name: /bin/fake\n"
		   "0000000000001000 T main\n0000000000001100 T poll\n"
		   "0000000000001200 T leaf\n0000000000001300 ? __sym_end\n");
	write_dat("100.dat", t100, 4);
	write_dat("101.dat", t101, 2);
}

static int open_dir(struct au_data **d)
{
	au_quiet = 1;
	return au_data_open(dir, d);
}

static const char *name_of(struct au_data *d, const struct au_record *r)
{
	const struct au_func *f = r->func >= 0 ? au_data_func(d, r->func) : NULL;

	return f ? f->name : "?";
}

TEST(merges_threads_in_time_order)
{
	static const uint64_t want_time[] = { 10, 15, 20, 25, 30, 40 };
	static const char *const want_name[] = { "main", "leaf", "poll", "leaf", "poll", "main" };
	struct au_data *d;
	struct au_record r;
	int n = 0;

	make_recording(NULL);
	TEST_EQ(open_dir(&d), 0);
	TEST_EQ(au_data_nr_threads(d), 2);
	TEST_EQ(au_data_pid(d), 100);
	while (au_data_next(d, &r) > 0) {
		TEST_TRUE(n < 6);
		TEST_EQ(r.time, want_time[n]);
		TEST_STREQ(name_of(d, &r), want_name[n]);
		if (!strcmp(want_name[n], "poll")) {
			TEST_EQ(r.nargs, 1);
			TEST_EQ(r.args[0], r.type == AU_REC_ENTRY ? 0xabc : 1);
		} else {
			TEST_EQ(r.nargs, 0);
		}
		TEST_EQ(au_data_thread(d, r.thread)->tid, n == 1 || n == 3 ? 101 : 100);
		n++;
	}
	TEST_EQ(n, 6);
	TEST_EQ(au_data_errors(d)->bad_records, 0);
	TEST_EQ(au_data_errors(d)->unresolved, 0);
	TEST_STREQ(au_data_info(d)->exename, "/bin/fake");
	TEST_EQ(au_data_info(d)->exit_status, 0);
	au_data_close(d);
	return TEST_OK;
}

static int count_records(struct au_data *d)
{
	struct au_record r;
	int n = 0;

	while (au_data_next(d, &r) > 0)
		n++;
	return n;
}

/* Appends one record with @len payload bytes (padded to 8, as libmcount
 * does) to @out at *@o. */
static void put_rec(uint8_t *out, size_t *o, uint64_t time, int type, int depth, uint64_t off,
		    const void *pay, size_t len, bool more)
{
	uint64_t w = (uint64_t)type | (more ? 4u : 0) | (5u << 3) | ((uint64_t)depth << 6) |
		     ((BASE + off) << 16);

	memcpy(out + *o, &time, 8);
	memcpy(out + *o + 8, &w, 8);
	*o += 16;
	memset(out + *o, 0, (len + 7) & ~(size_t)7);
	memcpy(out + *o, pay, len);
	*o += (len + 7) & ~(size_t)7;
}

/*
 * `uftrace record -a`: payloads sized by the specs uftrace chose itself,
 * a function's from its module's .dbg file, a PLT call's from the
 * built-in list in info; an explicit -A/-R keeps precedence.  Sizes as
 * libmcount's save_to_argbuf: each item 4-aligned, a struct its size
 * (t0: none), a string 2 + length, the whole padded to 8.
 */
/* Two F: lines at one offset (aliases) apart in the file, one with the
 * arguments, the other with the return value: uftrace keeps both specs
 * (one per tree).  main's A: between them makes them two entries. */
TEST(auto_args_dbg_aliases_share_an_offset)
{
	uint8_t buf[256], pay[16];
	size_t o = 0;
	uint64_t v;
	struct au_data *d;
	struct au_record r;
	int n = 0;

	make_recording(NULL);
	write_info_text(4, 0x7b | (1u << 9) | (1u << 10),
			"exename:/bin/fake\nargspec:lines=2\nauto-args:1\npattern_type:regex\n");
	write_text("fake.dbg",
		   "# path name: /bin/fake\n"
		   "F: 1200 leaf\nA: @arg1/t16:Pair\n"
		   "F: 1000 main\nA: @arg1/t0:Empty\n"
		   "F: 1200 leaf_alias\nR: @retval/t8:Handle\n");
	memset(pay, 0x33, sizeof(pay));
	put_rec(buf, &o, 10, 0, 0, 0x1200, pay, 16, true);
	v = 0x44;
	put_rec(buf, &o, 20, 1, 0, 0x1200, &v, 8, true);
	put_rec(buf, &o, 30, 0, 0, 0x1000, pay, 0, false);
	put_rec(buf, &o, 40, 1, 0, 0x1000, pay, 0, false);
	write_file("100.dat", buf, o);
	write_dat("101.dat", t101, 0);

	TEST_EQ(open_dir(&d), 0);
	while (au_data_next(d, &r) > 0) {
		n++;
		if (r.time == 10) {
			TEST_EQ(r.nargs, 1);
			TEST_EQ(r.args[0], 0x3333333333333333ull);
		} else if (r.time == 20) {
			TEST_EQ(r.nargs, 1);
			TEST_EQ(r.args[0], 0x44);
		}
	}
	TEST_EQ(n, 4);
	TEST_EQ(au_data_errors(d)->unknown_payload, 0);
	TEST_EQ(au_data_errors(d)->bad_records, 0);
	au_data_close(d);
	return TEST_OK;
}

TEST(auto_args_payloads_are_sized_as_uftrace_wrote_them)
{
	uint8_t buf[1024], pay[128];
	size_t o = 0;
	uint64_t v;
	struct au_data *d;
	struct au_record r;
	int n = 0;

	make_recording("# symbols: 4\n# path name: /bin/fake\n"
		       "0000000000001000 T main\n0000000000001100 T poll\n"
		       "0000000000001200 T leaf\n0000000000001300 P memcpy\n"
		       "0000000000001400 ? __sym_end\n");
	write_info_text(4, 0x7b | (1u << 9) | (1u << 10),
			"exename:/bin/fake\n"
			"cmdline:uftrace record -a /bin/fake\n"
			"argspec:lines=6\n"
			"argspec:^poll$@arg1\n"
			"retspec:^poll$@retval\n"
			"argauto:free@arg1/p;memcpy@arg1/p,arg2/p,arg3/u\n"
			"retauto:memcpy@retval/p\n"
			"enumauto:\n"
			"auto-args:1\n"
			"pattern_type:regex\n");
	write_text("fake.dbg",
		   "# path name: /bin/fake\n# build-id: 00\n"
		   "E: enum Ordering {Relaxed,Release}\n"
		   "F: 1100 poll\nL: 10 src/main.rs\nA: @arg1/t80:Big\n"
		   "F: 1200 leaf\n"
		   "A: @arg1/t0:{closure_env#0},arg2/t12:Pair%RDI+RSI,arg3/c,arg4/s,arg5,"
		   "arg6/e:Ordering,arg7/p%stack+8,arg8/i16,arg9/d32\n"
		   "R: @retval/t24:Result\n");

	/* poll(self): its -A spec (8 bytes), not the .dbg's t80 */
	v = 0xabc;
	put_rec(buf, &o, 10, 0, 0, 0x1100, &v, 8, true);
	/* leaf: 0 + 12 + 4 (c) + 8 (2+3 "abc", 4-aligned) + 8 + 8 + 8 + 4 (i16)
	 * + 4 (d32) = 56 */
	memset(pay, 0, sizeof(pay));
	memset(pay, 0x11, 12);
	pay[12] = 'x';
	pay[16] = 3;
	memcpy(pay + 18, "abc", 3);
	v = 5;
	memcpy(pay + 24, &v, 8);
	v = 1;
	memcpy(pay + 32, &v, 8);
	v = 0x7000;
	memcpy(pay + 40, &v, 8);
	pay[48] = 7;
	pay[52] = 9;
	put_rec(buf, &o, 20, 0, 1, 0x1200, pay, 56, true);
	/* memcpy(dst, src, 888) through the PLT, returning dst */
	memset(pay, 0, sizeof(pay));
	v = 0x10;
	memcpy(pay, &v, 8);
	v = 0x20;
	memcpy(pay + 8, &v, 8);
	v = 888;
	memcpy(pay + 16, &v, 8);
	put_rec(buf, &o, 30, 0, 2, 0x1300, pay, 24, true);
	v = 0x10;
	put_rec(buf, &o, 31, 1, 2, 0x1300, &v, 8, true);
	memset(pay, 0x22, 24);
	put_rec(buf, &o, 40, 1, 1, 0x1200, pay, 24, true);
	v = 1;
	put_rec(buf, &o, 50, 1, 0, 0x1100, &v, 8, true);
	write_file("100.dat", buf, o);
	write_dat("101.dat", t101, 0);

	TEST_EQ(open_dir(&d), 0);
	while (au_data_next(d, &r) > 0) {
		n++;
		if (r.time == 20) {
			TEST_EQ(r.nargs, AU_MAX_ARGS); /* 9 items, the first 8 kept */
			TEST_EQ(r.args[1], 0x1111111111111111ull); /* a struct's first 8 bytes */
			TEST_EQ(r.args[2], 'x');
			TEST_STREQ(r.strs[3], "abc");
			TEST_EQ(r.args[4], 5);
			TEST_EQ(r.args[7], 7);
		} else if (r.time == 30) {
			TEST_STREQ(name_of(d, &r), "memcpy");
			TEST_EQ(r.nargs, 3);
			TEST_EQ(r.args[2], 888);
		} else if (r.time == 31) {
			TEST_EQ(r.nargs, 1);
			TEST_EQ(r.args[0], 0x10);
		} else if (r.time == 10 || r.time == 50) {
			TEST_EQ(r.nargs, 1);
			TEST_EQ(r.args[0], r.time == 10 ? 0xabc : 1);
		}
	}
	TEST_EQ(n, 6);
	TEST_EQ(au_data_errors(d)->bad_records, 0);
	TEST_EQ(au_data_errors(d)->unknown_payload, 0);
	au_data_close(d);
	return TEST_OK;
}

TEST(lost_records_are_counted)
{
	struct rec recs[] = {
		{ 10, 0, 0, 0x1000, 0, 0 },
		{ 0, 2, 0, 1234, 0, 0 }, /* LOST: addr is the count */
		{ 50, 0, 0, 0x1200, 0, 0 },
		{ 60, 1, 0, 0x1200, 0, 0 },
	};
	struct au_data *d;
	struct au_record r;

	make_recording(NULL);
	write_dat("100.dat", recs, 4);
	TEST_EQ(open_dir(&d), 0);
	while (au_data_next(d, &r) > 0) {
		if (r.type == AU_REC_LOST) {
			TEST_EQ(r.addr, 1234);
			TEST_EQ(r.time, 10); /* placed after the last known time */
		}
	}
	TEST_EQ(au_data_errors(d)->lost_records, 1234);
	au_data_close(d);
	return TEST_OK;
}

TEST(truncated_file_keeps_what_came_before)
{
	uint8_t buf[4096];
	size_t len = encode(t100, 4, buf);
	struct au_data *d;

	make_recording(NULL);
	write_file("100.dat", buf, len - 5); /* cut inside the last record */
	TEST_EQ(open_dir(&d), 0);
	TEST_EQ(count_records(d), 3 + 2);
	TEST_EQ(au_data_errors(d)->truncated_files, 1);
	au_data_close(d);

	/* cut inside a payload */
	write_file("100.dat", buf, 16 + 16 + 4);
	TEST_EQ(open_dir(&d), 0);
	TEST_EQ(count_records(d), 1 + 2);
	TEST_EQ(au_data_errors(d)->truncated_files, 1);
	au_data_close(d);
	return TEST_OK;
}

TEST(corrupt_records_are_skipped_and_reading_resumes)
{
	uint8_t buf[4096], bad[4096];
	size_t len = encode(t100, 4, buf), head = 16;
	struct au_data *d;

	/* 16 bytes of garbage after the first record */
	make_recording(NULL);
	memcpy(bad, buf, head);
	memset(bad + head, 0xff, 16);
	memcpy(bad + head + 16, buf + head, len - head);
	write_file("100.dat", bad, len + 16);
	TEST_EQ(open_dir(&d), 0);
	TEST_EQ(count_records(d), 4 + 2);
	TEST_GE(au_data_errors(d)->bad_records, 1);
	au_data_close(d);
	return TEST_OK;
}

TEST(time_going_backwards_is_skipped)
{
	struct rec recs[] = {
		{ 10, 0, 0, 0x1000, 0, 0 },
		{ 5, 0, 1, 0x1200, 0, 0 }, /* before its predecessor */
		{ 40, 1, 0, 0x1000, 0, 0 },
	};
	struct au_data *d;

	make_recording(NULL);
	write_dat("100.dat", recs, 3);
	TEST_EQ(open_dir(&d), 0);
	TEST_EQ(count_records(d), 2 + 2);
	TEST_GE(au_data_errors(d)->bad_records, 1);
	au_data_close(d);
	return TEST_OK;
}

TEST(missing_or_bad_info_fails_with_an_error)
{
	struct au_data *d = NULL;
	char path[PATH_MAX + 8];

	make_recording(NULL);
	write_info(99);
	TEST_TRUE(open_dir(&d) < 0);
	TEST_TRUE(d == NULL);
	snprintf(path, sizeof(path), "%s/info", dir);
	unlink(path);
	TEST_TRUE(open_dir(&d) < 0);
	TEST_TRUE(au_data_open("/nonexistent/uftrace.data", &d) < 0);
	write_text("info", "not an info file");
	TEST_TRUE(open_dir(&d) < 0);
	return TEST_OK;
}

TEST(missing_task_and_map_still_open)
{
	struct au_data *d;
	char path[PATH_MAX + 16];

	make_recording(NULL);
	snprintf(path, sizeof(path), "%s/sid-abc.map", dir);
	unlink(path);
	TEST_EQ(open_dir(&d), 0);
	TEST_EQ(count_records(d), 6);
	/* without a map, addresses cannot be resolved, and say so */
	TEST_EQ(au_data_errors(d)->unresolved, 6);
	au_data_close(d);

	snprintf(path, sizeof(path), "%s/task.txt", dir);
	unlink(path);
	TEST_EQ(open_dir(&d), 0);
	TEST_EQ(au_data_nr_threads(d), 2);
	TEST_EQ(count_records(d), 6);
	au_data_close(d);
	return TEST_OK;
}

TEST(empty_recording_has_no_records)
{
	struct au_data *d;

	make_recording(NULL);
	write_file("100.dat", "", 0);
	write_file("101.dat", "", 0);
	TEST_EQ(open_dir(&d), 0);
	TEST_EQ(count_records(d), 0);
	au_data_close(d);
	return TEST_OK;
}

TEST(newer_sym_format_with_sizes)
{
	struct au_data *d;
	struct au_record r;

	make_recording("# symbols: 3\n# path name: /bin/fake\n"
		       "0000000000001000 00000020 T main\n"
		       "0000000000001100 00000020 T poll\n"
		       "0000000000001200 00000020 T leaf\n");
	TEST_EQ(open_dir(&d), 0);
	TEST_EQ(au_data_nr_funcs(d), 3);
	TEST_EQ(au_data_next(d, &r), 1);
	TEST_STREQ(name_of(d, &r), "main");
	TEST_EQ(count_records(d), 5);
	TEST_EQ(au_data_errors(d)->unresolved, 0);
	au_data_close(d);
	return TEST_OK;
}

/* fixtures/recordings/handfuture.uftrace.data: see its README for how it
 * was made; `uftrace dump` counts 217 entries and 217 exits in it, 10
 * context switches (linux:sched-in/out, from perf-cpu*.dat) and the
 * thread's exit. */
#define HANDFUTURE_RECORDS (434 + 10 + 1)
TEST(checked_in_recording)
{
	const char *src = getenv("AU_SRC_ROOT");
	char path[PATH_MAX];
	struct au_data *d;
	struct au_record r;
	int entries = 0, exits = 0, polls = 0, ins = 0, outs = 0, ends = 0;
	uint64_t last = 0;

	if (!src)
		TEST_SKIP_BECAUSE("AU_SRC_ROOT not set (run under meson test)");
	snprintf(path, sizeof(path), "%s/fixtures/recordings/handfuture.uftrace.data", src);
	au_quiet = 1;
	TEST_EQ(au_data_open(path, &d), 0);
	TEST_EQ(au_data_nr_threads(d), 1);
	while (au_data_next(d, &r) > 0) {
		const char *name = name_of(d, &r);

		entries += r.type == AU_REC_ENTRY;
		exits += r.type == AU_REC_EXIT;
		if (r.type == AU_REC_EVENT) {
			ins += r.addr == AU_EVENT_SCHED_IN;
			/* all five preempted, as uftrace dump shows them */
			outs += r.addr == AU_EVENT_SCHED_OUT_PREEMPT;
			ends += r.addr == AU_EVENT_THREAD_EXIT;
			TEST_EQ(r.thread, 0);
		}
		/* merged in time order with the records */
		TEST_GE(r.time, last);
		last = r.time;
		/* Countdown's poll: its self pointer and its Poll<u32> result */
		if (strstr(name, "Countdown") && strstr(name, "Future4poll")) {
			TEST_EQ(r.nargs, 1);
			if (r.type == AU_REC_ENTRY) {
				TEST_NE(r.args[0], 0);
				polls++;
			}
		}
	}
	TEST_EQ(entries, 217);
	TEST_EQ(exits, 217);
	TEST_EQ(ins, 5);
	TEST_EQ(outs, 5);
	TEST_EQ(ends, 1);
	/* the thread lived until its exit (uftrace dump: 8365.989296008),
	 * after its last record */
	TEST_EQ(last, 8365989296008ull);
	TEST_EQ(au_data_thread(d, 0)->last_time, 8365989296008ull);
	TEST_EQ(polls, 6);
	TEST_EQ(au_data_errors(d)->bad_records, 0);
	TEST_EQ(au_data_errors(d)->unresolved, 0);
	au_data_close(d);
	return TEST_OK;
}

/* Everything a reading gives, folded into one number. */
static uint64_t read_digest(struct au_data *d, uint64_t *records)
{
	struct au_record r;
	uint64_t h = 1469598103934665603ull;

	*records = 0;
	while (au_data_next(d, &r) > 0) {
		uint64_t v[] = { r.time, r.addr, (uint64_t)r.func, r.thread, r.depth, r.type,
				 r.nargs, r.nargs ? r.args[0] : 0 };

		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
			h = (h ^ v[i]) * 1099511628211ull;
		(*records)++;
	}
	return h;
}

/* fuzz-reader's shortcuts (streams opened again, compiled specs borrowed
 * from another reader) must read exactly what a fresh au_data_open reads. */
TEST(reopened_streams_and_borrowed_specs_read_the_same)
{
	const char *src = getenv("AU_SRC_ROOT");
	char path[PATH_MAX];
	struct au_data *d, *like;
	uint64_t want, n, want_n;

	if (!src)
		TEST_SKIP_BECAUSE("AU_SRC_ROOT not set (run under meson test)");
	snprintf(path, sizeof(path), "%s/fixtures/recordings/handfuture.uftrace.data", src);
	au_quiet = 1;
	TEST_EQ(au_data_open(path, &d), 0);
	want = read_digest(d, &want_n);
	TEST_EQ(want_n, HANDFUTURE_RECORDS);
	TEST_NE(au_data_info(d)->total_bytes, 0);

	au_streams_close(d);
	TEST_EQ(au_data_errors(d)->unresolved, 0);
	TEST_EQ(au_data_nr_threads(d), 0);
	TEST_EQ(au_streams_open(d), 0);
	au_comm_names_read(d);
	TEST_EQ(read_digest(d, &n), want);
	TEST_EQ(n, want_n);

	TEST_EQ(au_data_open_like(path, d, &like), 0);
	TEST_TRUE(like->specs_borrowed);
	TEST_EQ(like->nr_arg_entries, 1);
	TEST_EQ(au_data_nr_funcs(like), au_data_nr_funcs(d));
	TEST_EQ(au_data_info(like)->total_bytes, au_data_info(d)->total_bytes);
	TEST_EQ(read_digest(like, &n), want);
	TEST_EQ(n, want_n);
	TEST_EQ(au_data_errors(like)->bad_records, 0);
	au_data_close(like);
	au_data_close(d);
	return TEST_OK;
}

/* A record's facts the model reads: header, every value and its format. */
static uint64_t record_digest(uint64_t h, const struct au_record *r)
{
	uint64_t v[] = { r->time, r->addr, (uint64_t)r->func, r->thread, r->depth, r->type,
			 r->nargs };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		h = (h ^ v[i]) * 1099511628211ull;
	for (unsigned i = 0; i < r->nargs && i < AU_MAX_ARGS; i++)
		h = ((h ^ r->args[i]) * 1099511628211ull ^ (unsigned char)r->fmts[i]) *
		    1099511628211ull;
	return h;
}

/* Records handed over by the reading thread (packed in batches) are the
 * reader's own, in the same order; and so without the thread. */
TEST(record_pump_hands_over_every_record)
{
	const char *src = getenv("AU_SRC_ROOT");
	char path[PATH_MAX];
	uint64_t want = 1469598103934665603ull, want_n = 0;
	struct au_data *d;
	struct au_record r;

	if (!src)
		TEST_SKIP_BECAUSE("AU_SRC_ROOT not set (run under meson test)");
	snprintf(path, sizeof(path), "%s/fixtures/recordings/handfuture.uftrace.data", src);
	au_quiet = 1;
	TEST_EQ(au_data_open(path, &d), 0);
	while (au_data_next(d, &r) > 0) {
		want = record_digest(want, &r);
		want_n++;
	}
	au_data_close(d);
	TEST_EQ(want_n, HANDFUTURE_RECORDS);
	for (int threaded = 0; threaded < 2; threaded++) {
		uint64_t h = 1469598103934665603ull, n = 0;
		const struct au_record *rec;
		struct au_pump *p;

		TEST_EQ(au_data_open(path, &d), 0);
		p = au_pump_start(d, threaded);
		while ((rec = au_pump_next(p))) {
			h = record_digest(h, rec);
			n++;
		}
		TEST_TRUE(au_pump_next(p) == NULL); /* and stays at the end */
		TEST_EQ(au_pump_bytes_read(p), au_data_bytes_read(d));
		au_pump_stop(p);
		TEST_EQ(n, want_n);
		TEST_EQ(h, want);
		au_data_close(d);
	}
	/* stopped before the end: the thread is joined, nothing leaks */
	TEST_EQ(au_data_open(path, &d), 0);
	au_pump_stop(au_pump_start(d, true));
	au_data_close(d);
	return TEST_OK;
}

struct unittest ut_tests[UT_MAX];
int ut_count;

int main(int argc, char **argv)
{
	ut_tmp_init("au-reader"); /* the recordings' dirs go in it */
	return ut_run_all(argc, argv);
}
