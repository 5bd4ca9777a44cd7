// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The symbolizer on real binaries: the fixture handfuture (its checked-in
 * copy, fixtures/recordings/handfuture.xz, so no Rust toolchain is needed),
 * the seed example when it is built, a C program, a stripped copy, and a
 * file that is not ELF.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asym.h"
#include "unittest.h"

static char tmpdir[64];
static const char *self_path;

static const char *src_root(void)
{
	return getenv("AU_SRC_ROOT");
}

static int run(const char *cmd)
{
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The handfuture binary, decompressed from the checked-in copy. */
static const char *handfuture(char *buf, size_t len)
{
	char cmd[3 * PATH_MAX];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/au-sym-XXXXXX");
	if (!src_root() || !mkdtemp(tmpdir))
		return NULL;
	snprintf(buf, len, "%s/handfuture", tmpdir);
	snprintf(cmd, sizeof(cmd), "xz -dc '%s/fixtures/recordings/handfuture.xz' > '%s'",
		 src_root(), buf);
	return run(cmd) == 0 ? buf : NULL;
}

/* The function with that label, preferring a future's poll function over
 * the constructor of the same name (an async fn builds its future). */
static const struct asym_func *find_label(const struct asym_binary *bin, const char *label)
{
	const struct asym_func *found = NULL;

	for (size_t i = 0; i < asym_binary_func_count(bin); i++) {
		const struct asym_func *f = asym_binary_func(bin, i);

		if (f->label && !strcmp(f->label, label) && (!found || (f->flags & ASYM_F_FUTURE)))
			found = f;
	}
	return found;
}

/* Line of the "// AWAIT: marker" comment in a fixture's source. */
static int marker_line(const char *fixture, const char *marker)
{
	char path[PATH_MAX], line[512];
	FILE *fp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/fixtures/%s/src/main.rs", src_root(), fixture);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		n++;
		if (strstr(line, "AWAIT: ") && strstr(line, marker)) {
			fclose(fp);
			return n;
		}
	}
	fclose(fp);
	return -1;
}

TEST(hand_written_future_and_its_caller)
{
	char path[PATH_MAX];
	struct asym_binary *bin;
	const struct asym_func *cd, *run_fn;

	if (!handfuture(path, sizeof(path)))
		TEST_SKIP_BECAUSE("cannot decompress fixtures/recordings/handfuture.xz (xz missing?)");
	TEST_EQ(asym_binary_open(path, &bin), 0);
	TEST_TRUE(asym_binary_flags(bin) & ASYM_BIN_DWARF);
	TEST_TRUE(asym_binary_flags(bin) & ASYM_BIN_MCOUNT);
	TEST_TRUE(asym_binary_flags(bin) & ASYM_BIN_RUST);
	TEST_STREQ(asym_binary_runtime(bin), "futures");

	cd = find_label(bin, "<handfuture::Countdown as Future>");
	TEST_TRUE(cd != NULL);
	TEST_EQ(cd->role, ASYM_ROLE_FUTURE_IMPL);
	TEST_TRUE(cd->flags & ASYM_F_FUTURE);
	TEST_TRUE(cd->flags & ASYM_F_USER);
	TEST_EQ(cd->future_size, 4); /* struct Countdown { left: u32 } */
	/* Poll<u32>: 8 bytes, tag in the low 32 bits, Pending = 1 */
	TEST_EQ(cd->ret_kind, ASYM_RET_REG);
	TEST_EQ(cd->ret_shift, 0);
	TEST_EQ(cd->ret_bits, 32);
	TEST_EQ(cd->ret_pending, 1);

	run_fn = find_label(bin, "handfuture::run");
	TEST_TRUE(run_fn != NULL);
	TEST_EQ(run_fn->role, ASYM_ROLE_ASYNC_FN);
	TEST_EQ(run_fn->n_awaits, 1);
	TEST_EQ(run_fn->awaits[0].line, marker_line("handfuture", "run countdown"));
	TEST_TRUE(run_fn->awaits[0].awaitee && strstr(run_fn->awaits[0].awaitee, "Countdown"));
	TEST_TRUE(run_fn->awaits[0].call_addr >= run_fn->addr &&
		  run_fn->awaits[0].call_addr < run_fn->addr + run_fn->size);
	TEST_TRUE(run_fn->file && strstr(run_fn->file, "handfuture/src/main.rs"));
	asym_binary_free(bin);
	return TEST_OK;
}

TEST(closures_are_not_futures)
{
	char path[PATH_MAX];
	struct asym_binary *bin;
	unsigned closures = 0;

	if (!handfuture(path, sizeof(path)))
		TEST_SKIP_BECAUSE("cannot decompress fixtures/recordings/handfuture.xz");
	TEST_EQ(asym_binary_open(path, &bin), 0);
	for (size_t i = 0; i < asym_binary_func_count(bin); i++) {
		const struct asym_func *f = asym_binary_func(bin, i);
		size_t n = strlen(f->name);

		/* std::rt::lang_start::{closure#0} and friends */
		if (n > 11 && !strcmp(f->name + n - 11, "{closure#0}")) {
			closures++;
			if ((f->flags & ASYM_F_FUTURE) && f->role != ASYM_ROLE_ASYNC_FN &&
			    f->role != ASYM_ROLE_ASYNC_BLOCK)
				TEST_FAILED("%s classified as a future", f->name);
		}
	}
	TEST_GE(closures, 1);
	TEST_TRUE(find_label(bin, "std::rt::lang_start::{closure#0}") == NULL ||
		  find_label(bin, "std::rt::lang_start::{closure#0}")->role == ASYM_ROLE_NONE);
	asym_binary_free(bin);
	return TEST_OK;
}

TEST(seed_example_awaits_and_sizes)
{
	char path[PATH_MAX];
	struct asym_binary *bin;
	const struct asym_func *my_test, *main_fn;

	snprintf(path, sizeof(path), "%s/fixtures/target/debug/demo", src_root() ? src_root() : ".");
	if (access(path, R_OK))
		TEST_SKIP_BECAUSE("fixtures not built (scripts/test.sh builds them)");
	TEST_EQ(asym_binary_open(path, &bin), 0);
	TEST_STREQ(asym_binary_runtime(bin), "async-std");
	my_test = find_label(bin, "demo::my_test");
	TEST_TRUE(my_test != NULL);
	TEST_EQ(my_test->role, ASYM_ROLE_ASYNC_FN);
	TEST_EQ(my_test->line, marker_line("demo", "my_test sleep") - 1);
	TEST_EQ(my_test->n_awaits, 1);
	TEST_EQ(my_test->awaits[0].line, marker_line("demo", "my_test sleep"));
	TEST_TRUE(strstr(my_test->awaits[0].awaitee, "async_std::task::sleep::sleep") != NULL);
	TEST_TRUE(my_test->future_size > 0);
	main_fn = find_label(bin, "demo::main::main");
	TEST_TRUE(main_fn != NULL);
	TEST_EQ(main_fn->n_awaits, 2);
	TEST_EQ(main_fn->awaits[0].line, marker_line("demo", "main my_test"));
	TEST_EQ(main_fn->awaits[1].line, marker_line("demo", "main sleep"));
	/* my_test's state machine is main's first awaitee */
	TEST_EQ(main_fn->awaits[0].awaitee_size, my_test->future_size);
	asym_binary_free(bin);
	return TEST_OK;
}

TEST(c_binary_has_no_futures)
{
	struct asym_binary *bin;
	unsigned futures = 0;

	TEST_EQ(asym_binary_open(self_path, &bin), 0);
	TEST_TRUE(!(asym_binary_flags(bin) & ASYM_BIN_RUST));
	TEST_TRUE(asym_binary_func_count(bin) > 0);
	for (size_t i = 0; i < asym_binary_func_count(bin); i++)
		futures += !!(asym_binary_func(bin, i)->flags & ASYM_F_FUTURE);
	TEST_EQ(futures, 0);
	TEST_STREQ(asym_binary_runtime(bin), "unknown");
	asym_binary_free(bin);
	return TEST_OK;
}

TEST(stripped_binary_opens_with_what_is_left)
{
	char path[PATH_MAX], cmd[3 * PATH_MAX];
	struct asym_binary *bin;

	if (!handfuture(path, sizeof(path)))
		TEST_SKIP_BECAUSE("cannot decompress fixtures/recordings/handfuture.xz");
	snprintf(cmd, sizeof(cmd), "objcopy --strip-all '%s' '%s.stripped'", path, path);
	if (run(cmd) != 0)
		TEST_SKIP_BECAUSE("objcopy missing");
	strcat(path, ".stripped");
	TEST_EQ(asym_binary_open(path, &bin), 0);
	TEST_TRUE(!(asym_binary_flags(bin) & ASYM_BIN_SYMTAB));
	TEST_TRUE(!(asym_binary_flags(bin) & ASYM_BIN_DWARF));
	TEST_TRUE(asym_binary_flags(bin) & ASYM_BIN_MCOUNT);
	TEST_TRUE(find_label(bin, "handfuture::run") == NULL);
	asym_binary_free(bin);
	return TEST_OK;
}

TEST(not_elf_and_missing_files_fail_cleanly)
{
	struct asym_binary *bin = (void *)1;

	TEST_EQ(asym_binary_open("/nonexistent/app", &bin), -2 /* -ENOENT */);
	TEST_TRUE(bin == NULL);
	TEST_EQ(asym_binary_open("/etc/hostname", &bin), ASYM_ERR_NOT_ELF);
	TEST_STREQ(asym_strerror(ASYM_ERR_NOT_ELF), "not an ELF file");
	return TEST_OK;
}

struct unittest ut_tests[UT_MAX];
int ut_count;

int main(int argc, char **argv)
{
	self_path = argv[0];
	asym_set_print(NULL);
	return ut_run_all(argc, argv);
}
