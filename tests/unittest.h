/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny unit-test harness (after uftrace's tests/unittest.[ch]).
 *
 * Each TEST(name) runs in a forked child, so a crash is one failure and
 * not a dead suite.  TEST_EQ/TEST_STREQ print both values on failure.
 * A test returns TEST_OK, TEST_FAIL or TEST_SKIP (with a reason printed).
 * The runner prints "N passed, N failed, N skipped" and exits 0, 1, or 77
 * when everything was skipped (meson's SKIP).
 *
 * Usage, in exactly one .c file per test program:
 *	#include "unittest.h"
 *	TEST(reader_opens) { ...; return TEST_OK; }
 *	TEST_MAIN()
 *
 * A program whose cases write files calls ut_tmp_init("au-NAME") in its
 * main before ut_run_all(), and its cases make them under ut_tmp.
 */
#ifndef AU_UNITTEST_H
#define AU_UNITTEST_H

#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { TEST_OK = 0, TEST_FAIL = 1, TEST_SKIP = 77 };

struct unittest {
	const char *name;
	int (*fn)(void);
};

#define UT_MAX 256
extern struct unittest ut_tests[UT_MAX];
extern int ut_count;

#define TEST(name_)                                                            \
	static int test_##name_(void);                                         \
	__attribute__((constructor)) static void register_##name_(void)       \
	{                                                                      \
		if (ut_count < UT_MAX)                                         \
			ut_tests[ut_count++] = (struct unittest){ #name_, test_##name_ }; \
	}                                                                      \
	static int test_##name_(void)

#define TEST_FAILED(fmt, ...)                                                  \
	do {                                                                   \
		fprintf(stderr, "  %s:%d: " fmt "\n", __FILE__, __LINE__, __VA_ARGS__); \
		return TEST_FAIL;                                              \
	} while (0)

#define TEST_EQ(a, b)                                                          \
	do {                                                                   \
		long long ut_a = (long long)(a), ut_b = (long long)(b);        \
		if (ut_a != ut_b)                                              \
			TEST_FAILED("%s == %s: %lld != %lld", #a, #b, ut_a, ut_b); \
	} while (0)

#define TEST_NE(a, b)                                                          \
	do {                                                                   \
		long long ut_a = (long long)(a), ut_b = (long long)(b);        \
		if (ut_a == ut_b)                                              \
			TEST_FAILED("%s != %s: both %lld", #a, #b, ut_a);      \
	} while (0)

#define TEST_GE(a, b)                                                          \
	do {                                                                   \
		long long ut_a = (long long)(a), ut_b = (long long)(b);        \
		if (!(ut_a >= ut_b))                                           \
			TEST_FAILED("%s >= %s: %lld < %lld", #a, #b, ut_a, ut_b); \
	} while (0)

#define TEST_TRUE(c)                                                           \
	do {                                                                   \
		if (!(c))                                                      \
			TEST_FAILED("%s is false", #c);                        \
	} while (0)

#define TEST_STREQ(a, b)                                                       \
	do {                                                                   \
		const char *ut_a = (a), *ut_b = (b);                           \
		if (!ut_a || !ut_b || strcmp(ut_a, ut_b))                      \
			TEST_FAILED("%s == %s: \"%s\" != \"%s\"", #a, #b,      \
				    ut_a ? ut_a : "(null)", ut_b ? ut_b : "(null)"); \
	} while (0)

#define TEST_SKIP_BECAUSE(...)                                                 \
	do {                                                                   \
		fprintf(stderr, "  skipped: " __VA_ARGS__);                    \
		fputc('\n', stderr);                                           \
		return TEST_SKIP;                                              \
	} while (0)

/*
 * The program's scratch directory, /tmp/PREFIX-XXXXXX.  The cases run in
 * forked children, so the parent makes it, and after the last case removes
 * it when none failed, or keeps it and prints "kept DIR" for a look inside
 * (test runs used to leave every one in /tmp).
 */
static char ut_tmp[64];

static inline void ut_tmp_init(const char *prefix)
{
	snprintf(ut_tmp, sizeof(ut_tmp), "/tmp/%s-XXXXXX", prefix);
	if (!mkdtemp(ut_tmp)) {
		perror(ut_tmp);
		exit(TEST_FAIL);
	}
}

static inline int ut_rm(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static inline int ut_run_all(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0;

	for (int i = 0; i < ut_count; i++) {
		const char *name = ut_tests[i].name;
		int status, rc;
		pid_t pid;

		if (argc > 1 && !strstr(name, argv[1]))
			continue;
		fflush(NULL);
		pid = fork();
		if (pid == 0)
			_exit(ut_tests[i].fn());
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			rc = TEST_FAIL;
		else if (WIFEXITED(status))
			rc = WEXITSTATUS(status);
		else {
			fprintf(stderr, "  %s: killed by signal %d\n", name, WTERMSIG(status));
			rc = TEST_FAIL;
		}
		if (rc == TEST_OK)
			passed++;
		else if (rc == TEST_SKIP)
			skipped++;
		else
			failed++;
		printf("%-4s %s\n", rc == TEST_OK ? "ok" : rc == TEST_SKIP ? "skip" : "FAIL", name);
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	if (ut_tmp[0]) {
		if (failed)
			printf("kept %s\n", ut_tmp);
		else
			nftw(ut_tmp, ut_rm, 16, FTW_DEPTH | FTW_PHYS); /* contents first */
	}
	if (failed)
		return 1;
	return passed == 0 && skipped > 0 ? 77 : 0;
}

#define TEST_MAIN()                                                            \
	struct unittest ut_tests[UT_MAX];                                      \
	int ut_count;                                                          \
	int main(int argc, char **argv) { return ut_run_all(argc, argv); }

#endif /* AU_UNITTEST_H */
