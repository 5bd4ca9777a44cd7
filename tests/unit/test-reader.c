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

static void write_info(uint32_t version)
{
	static const char text[] =
		"exename:/bin/fake\n"
		"exit_status:0\n"
		"cmdline:uftrace record /bin/fake\n"
		"argspec:lines=2\n"
		"argspec:^poll$@arg1\n"
		"retspec:^poll$@retval\n"
		"pattern_type:regex\n";
	uint8_t buf[40 + sizeof(text)];
	uint64_t feat = 0x7b, info = 0x3fff;
	uint16_t hsize = 40, max_stack = 1024;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, "Ftrace!", 8);
	memcpy(buf + 8, &version, 4);
	memcpy(buf + 12, &hsize, 2);
	buf[14] = 1; /* little endian */
	buf[15] = 2; /* 64-bit */
	memcpy(buf + 16, &feat, 8);
	memcpy(buf + 24, &info, 8);
	memcpy(buf + 32, &max_stack, 2);
	memcpy(buf + 40, text, sizeof(text) - 1);
	write_file("info", buf, 40 + sizeof(text) - 1);
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
 * was made; `uftrace dump` counts 217 entries and 217 exits in it. */
TEST(checked_in_recording)
{
	const char *src = getenv("AU_SRC_ROOT");
	char path[PATH_MAX];
	struct au_data *d;
	struct au_record r;
	int entries = 0, exits = 0, polls = 0;

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
	TEST_EQ(want_n, 434);
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
	TEST_EQ(want_n, 434);
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
