// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The symbolizer on real binaries: the fixture handfuture (its checked-in
 * copy, fixtures/recordings/handfuture.xz, so no Rust toolchain is needed),
 * the seed example when it is built, a C program, a stripped copy, and a
 * file that is not ELF.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asym.h"
#include "unittest.h"

static char tmpdir[sizeof(ut_tmp) + 8]; /* ut_tmp/XXXXXX */
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

	snprintf(tmpdir, sizeof(tmpdir), "%s/XXXXXX", ut_tmp);
	if (!src_root() || !mkdtemp(tmpdir))
		return NULL;
	snprintf(buf, len, "%s/handfuture", tmpdir);
	snprintf(cmd, sizeof(cmd), "xz -dc '%s/fixtures/recordings/handfuture.xz' > '%s'",
		 src_root(), buf);
	if (run(cmd) == 0)
		return buf;
	/* no checked-in copy: a built fixture will do */
	snprintf(cmd, sizeof(cmd), "cp '%s/fixtures/target/debug/handfuture' '%s'", src_root(), buf);
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

/*
 * An independent look at the DWARF (not the symbolizer's code): the byte
 * size of the structure named @path ("demo::my_test::{async_fn_env#0}"),
 * and the entry addresses of functions whose first parameter points to a
 * plain closure's environment ({closure_env#N}).
 */
struct dwarf_facts {
	const char *want;
	uint64_t size;
	uint64_t closure_pcs[4096];
	unsigned nr_closure_pcs;
};

static bool first_param_is_closure_env(Dwarf_Die *sub)
{
	Dwarf_Die child, type;
	Dwarf_Attribute at;

	if (dwarf_child(sub, &child) != 0)
		return false;
	do {
		const char *n;

		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		if (!dwarf_attr(&child, DW_AT_type, &at) || !dwarf_formref_die(&at, &type))
			return false;
		if (dwarf_tag(&type) == DW_TAG_pointer_type &&
		    (!dwarf_attr(&type, DW_AT_type, &at) || !dwarf_formref_die(&at, &type)))
			return false;
		n = dwarf_diename(&type);
		return n && !strncmp(n, "{closure_env#", 13);
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static void dwarf_walk(struct dwarf_facts *df, Dwarf_Die *parent, const char *ns)
{
	Dwarf_Die c;

	if (dwarf_child(parent, &c) != 0)
		return;
	do {
		const char *n = dwarf_diename(&c);
		char path[1024];
		Dwarf_Addr pc;

		snprintf(path, sizeof(path), "%s%s%s", ns, *ns ? "::" : "", n ? n : "");
		switch (dwarf_tag(&c)) {
		case DW_TAG_namespace:
			dwarf_walk(df, &c, path);
			break;
		case DW_TAG_structure_type:
			if (!strcmp(path, df->want)) {
				Dwarf_Attribute at;
				Dwarf_Word sz;

				if (dwarf_attr(&c, DW_AT_byte_size, &at) && !dwarf_formudata(&at, &sz))
					df->size = sz;
			}
			dwarf_walk(df, &c, path);
			break;
		case DW_TAG_subprogram:
			if (dwarf_lowpc(&c, &pc) == 0 && first_param_is_closure_env(&c) &&
			    df->nr_closure_pcs < 4096)
				df->closure_pcs[df->nr_closure_pcs++] = pc;
			break;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
}

static int dwarf_facts_of(const char *bin, struct dwarf_facts *df)
{
	int fd = open(bin, O_RDONLY);
	Dwarf *dw = fd < 0 ? NULL : dwarf_begin(fd, DWARF_C_READ);
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (!dw) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(dw, off + hsize, &cu))
			dwarf_walk(df, &cu, "");
		off = next;
	}
	dwarf_end(dw);
	close(fd);
	return 0;
}

static uint64_t env_size(const char *bin, const char *path)
{
	struct dwarf_facts *df = calloc(1, sizeof(*df));
	uint64_t sz;

	df->want = path;
	dwarf_facts_of(bin, df);
	sz = df->size;
	free(df);
	return sz;
}

/* The facts the seed example must give, with v0 or legacy mangling. */
static int check_seed_example(const char *path)
{
	struct asym_binary *bin;
	const struct asym_func *my_test, *main_fn;
	uint64_t my_size = env_size(path, "demo::my_test::{async_fn_env#0}");
	uint64_t main_size = env_size(path, "demo::main::main::{async_fn_env#0}");

	TEST_EQ(asym_binary_open(path, &bin), 0);
	TEST_STREQ(asym_binary_runtime(bin), "async-std");
	TEST_TRUE(asym_binary_flags(bin) & ASYM_BIN_MCOUNT);
	my_test = find_label(bin, "demo::my_test");
	TEST_TRUE(my_test != NULL);
	TEST_EQ(my_test->role, ASYM_ROLE_ASYNC_FN);
	TEST_TRUE(my_test->flags & ASYM_F_USER);
	TEST_TRUE(my_test->file && strstr(my_test->file, "demo/src/main.rs"));
	TEST_EQ(my_test->line, marker_line("demo", "my_test sleep") - 1);
	TEST_EQ(my_test->n_awaits, 1);
	TEST_EQ(my_test->awaits[0].line, marker_line("demo", "my_test sleep"));
	TEST_TRUE(strstr(my_test->awaits[0].awaitee, "async_std::task::sleep::sleep") != NULL);
	TEST_STREQ(my_test->awaits[0].awaitee_label, "async_std::task::sleep::sleep");
	TEST_TRUE(my_test->awaits[0].call_addr >= my_test->addr &&
		  my_test->awaits[0].call_addr < my_test->addr + my_test->size);
	/* the size libdw reads independently (120 bytes with rustc 1.95) */
	TEST_GE(my_size, 1);
	TEST_EQ(my_test->future_size, my_size);
	/* Poll<()>: tag in the low byte of rax, Pending = 1 */
	TEST_EQ(my_test->ret_kind, ASYM_RET_REG);
	TEST_EQ(my_test->ret_shift, 0);
	TEST_EQ(my_test->ret_bits, 8);
	TEST_EQ(my_test->ret_pending, 1);

	main_fn = find_label(bin, "demo::main::main");
	TEST_TRUE(main_fn != NULL);
	TEST_EQ(main_fn->role, ASYM_ROLE_ASYNC_FN);
	TEST_EQ(main_fn->future_size, main_size);
	TEST_EQ(main_fn->n_awaits, 2);
	TEST_EQ(main_fn->awaits[0].line, marker_line("demo", "main my_test"));
	TEST_EQ(main_fn->awaits[1].line, marker_line("demo", "main sleep"));
	TEST_TRUE(main_fn->awaits[0].state < main_fn->awaits[1].state);
	TEST_STREQ(main_fn->awaits[0].awaitee_label, "demo::my_test");
	/* my_test's state machine is main's first awaitee */
	TEST_EQ(main_fn->awaits[0].awaitee_size, my_test->future_size);
	for (unsigned i = 0; i < 2; i++)
		TEST_TRUE(main_fn->awaits[i].call_addr >= main_fn->addr &&
			  main_fn->awaits[i].call_addr < main_fn->addr + main_fn->size);
	TEST_TRUE(main_fn->awaits[0].call_addr != main_fn->awaits[1].call_addr);
	asym_binary_free(bin);
	return TEST_OK;
}

TEST(seed_example_awaits_and_sizes)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/fixtures/target/debug/demo", src_root() ? src_root() : ".");
	if (access(path, R_OK))
		TEST_SKIP_BECAUSE("fixtures not built (scripts/test.sh builds them)");
	return check_seed_example(path);
}

/* AU_LEGACY_DEMO: the seed example built with -C symbol-mangling-version=legacy
 * (tests/unit/legacy-demo.sh builds it). */
TEST(legacy_mangling_gives_the_same_facts)
{
	const char *path = getenv("AU_LEGACY_DEMO");
	struct asym_binary *bin;
	bool legacy = false;
	regex_t hash;

	if (!path || access(path, R_OK))
		TEST_SKIP_BECAUSE("AU_LEGACY_DEMO not set (run the symbolizer-legacy test)");
	TEST_EQ(regcomp(&hash, "::h[0-9a-f]{16}$", REG_EXTENDED | REG_NOSUB), 0);
	TEST_EQ(asym_binary_open(path, &bin), 0);
	for (size_t i = 0; i < asym_binary_func_count(bin); i++) {
		const struct asym_func *f = asym_binary_func(bin, i);

		if (!strncmp(f->symbol, "_ZN4demo", 8))
			legacy = true;
		/* no "::h0123456789abcdef" hash suffix left */
		if (!regexec(&hash, f->name, 0, NULL, 0))
			TEST_FAILED("%s: hash left in %s", f->symbol, f->name);
	}
	asym_binary_free(bin);
	TEST_TRUE(legacy);
	return check_seed_example(path);
}

TEST(plain_closures_are_not_futures)
{
	char path[PATH_MAX];
	struct dwarf_facts *df;
	struct asym_binary *bin;

	snprintf(path, sizeof(path), "%s/fixtures/target/debug/demo", src_root() ? src_root() : ".");
	if (access(path, R_OK))
		TEST_SKIP_BECAUSE("fixtures not built (scripts/test.sh builds them)");
	df = calloc(1, sizeof(*df));
	df->want = "";
	TEST_EQ(dwarf_facts_of(path, df), 0);
	TEST_GE(df->nr_closure_pcs, 1);
	TEST_EQ(asym_binary_open(path, &bin), 0);
	for (unsigned i = 0; i < df->nr_closure_pcs; i++) {
		/* PIE: the first PT_LOAD is at 0, so vaddr == relative address */
		const struct asym_func *f = asym_binary_lookup(bin, df->closure_pcs[i]);

		if (f && (f->flags & ASYM_F_FUTURE) && f->role != ASYM_ROLE_FUTURE_IMPL)
			TEST_FAILED("%s takes a closure_env but is a %s", f->name,
				    asym_role_name(f->role));
	}
	asym_binary_free(bin);
	free(df);
	return TEST_OK;
}

/* Does some "-OPT" "^(...)$@SPEC" pair of the options match @sym? */
static bool option_matches(const char *opts, const char *opt, const char *spec, const char *sym)
{
	char *copy = strdup(opts), *save = NULL, *prev = NULL;
	bool found = false;

	for (char *l = strtok_r(copy, "\n", &save); l && !found; l = strtok_r(NULL, "\n", &save)) {
		char *at = strrchr(l, '@');
		regex_t re;

		if (prev && !strcmp(prev, opt) && at && !strcmp(at + 1, spec)) {
			*at = '\0';
			if (!regcomp(&re, l, REG_EXTENDED | REG_NOSUB)) {
				found = !regexec(&re, sym, 0, NULL, 0);
				regfree(&re);
			}
		}
		prev = l;
	}
	free(copy);
	return found;
}

TEST(record_options_cover_polls_and_runtime_calls)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	struct asym_binary *bin;
	const struct asym_func *my_test, *other = NULL;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/fixtures/target/debug/demo", src_root() ? src_root() : ".");
	if (access(path, R_OK))
		TEST_SKIP_BECAUSE("fixtures not built (scripts/test.sh builds them)");
	TEST_EQ(asym_binary_open(path, &bin), 0);
	my_test = find_label(bin, "demo::my_test");
	for (size_t i = 0; i < asym_binary_func_count(bin) && !other; i++) {
		const struct asym_func *f = asym_binary_func(bin, i);

		if (f->role == ASYM_ROLE_NONE && !(f->flags & ASYM_F_FUTURE))
			other = f;
	}
	TEST_TRUE(my_test && other);

	fp = open_memstream(&buf, &len);
	TEST_EQ(asym_binary_record_options(bin, ASYM_RECORD_DEFAULT, fp), 0);
	fclose(fp);
	TEST_TRUE(!strncmp(buf, "--demangle=no\n", 14));
	TEST_TRUE(option_matches(buf, "-A", "arg1", my_test->symbol));
	TEST_TRUE(option_matches(buf, "-R", "retval", my_test->symbol));
	TEST_TRUE(option_matches(buf, "-T", "trace", my_test->symbol));
	TEST_TRUE(!option_matches(buf, "-A", "arg1", other->symbol));
	TEST_TRUE(strstr(buf, "\n-t\n") != NULL);
	free(buf);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	TEST_EQ(asym_binary_record_options(bin, ASYM_RECORD_FULL, fp), 0);
	fclose(fp);
	TEST_TRUE(option_matches(buf, "-A", "arg1", my_test->symbol));
	TEST_TRUE(strstr(buf, "\n-t\n") == NULL && strstr(buf, "\n-T\n") == NULL);
	free(buf);
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

/* The .sym file given to uftrace --with-syms: read back by uftrace 0.13's
 * rule (a function ends where the next line starts), every function has
 * its own address and size, under the header libmcount and the analyzer
 * match the mapping by. */
TEST(symbol_file_gives_every_function_its_extent)
{
	struct asym_binary *bin;
	char *buf = NULL, *line, *save = NULL, real[PATH_MAX];
	size_t len = 0, n = 0;
	unsigned long long prev_addr = 0;
	const char *prev_name = NULL;
	bool path_ok = false, count_ok = false;
	FILE *fp;

	TEST_EQ(asym_binary_open(self_path, &bin), 0);
	TEST_TRUE(realpath(self_path, real) != NULL);
	fp = open_memstream(&buf, &len);
	TEST_EQ(asym_binary_write_symfile(bin, fp), 0);
	fclose(fp);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long addr;
		char type, name[512];

		if (line[0] == '#') {
			if (!strncmp(line, "# path name: ", 13))
				path_ok = !strcmp(line + 13, real);
			if (!strncmp(line, "# symbols: ", 11))
				count_ok = strtoull(line + 11, NULL, 10) == asym_binary_func_count(bin);
			continue;
		}
		TEST_EQ(sscanf(line, "%llx %c %511s", &addr, &type, name), 3);
		if (prev_name) {
			const struct asym_func *f = asym_binary_func(bin, n - 1);

			/* the previous function, sized by this line */
			TEST_STREQ(prev_name, f->symbol);
			TEST_EQ(prev_addr, f->addr);
			TEST_EQ(addr - prev_addr, f->size);
			prev_name = NULL;
		}
		if (type == '?')
			continue;
		TEST_TRUE(type == 'T');
		TEST_TRUE(n < asym_binary_func_count(bin));
		prev_addr = addr;
		prev_name = asym_binary_func(bin, n++)->symbol;
	}
	TEST_TRUE(prev_name == NULL); /* the last one is closed too */
	TEST_EQ(n, asym_binary_func_count(bin));
	TEST_TRUE(path_ok && count_ok);
	free(buf);
	asym_binary_free(bin);
	return TEST_OK;
}

/* Has the function labelled @label (a poll, when a constructor shares it)
 * @flag?  -1 when no function has that label. */
static int flag_of(const struct asym_binary *bin, const char *label, unsigned flag)
{
	const struct asym_func *f = find_label(bin, label);

	return f ? (f->flags & flag) != 0 : -1;
}

static int timer_flag(const struct asym_binary *bin, const char *label)
{
	return flag_of(bin, label, ASYM_F_TIMER);
}

/* Timers and I/O are told from the other things a task waits on: a task
 * waiting on one at the end waits for the clock or the outside world, and
 * is no party to a deadlock. */
TEST(timers_and_io_are_flagged)
{
	char path[PATH_MAX];
	struct asym_binary *bin;
	const char *root = src_root() ? src_root() : ".";

	snprintf(path, sizeof(path), "%s/fixtures/target/debug/loops", root);
	if (access(path, R_OK))
		TEST_SKIP_BECAUSE("fixtures not built (scripts/test.sh builds them)");
	TEST_EQ(asym_binary_open(path, &bin), 0);
	TEST_EQ(timer_flag(bin, "<tokio::time::sleep::Sleep as Future>"), 1);
	TEST_EQ(timer_flag(bin, "<tokio::time::timeout::Timeout as Future>"), 1);
	TEST_EQ(timer_flag(bin, "<tokio::time::interval::Interval>::tick"), 1);
	TEST_EQ(timer_flag(bin, "<tokio::sync::oneshot::Receiver as Future>"), 0);
	TEST_EQ(timer_flag(bin, "<tokio::sync::mpsc::bounded::Receiver>::recv"), 0);
	TEST_EQ(timer_flag(bin, "loops::actor"), 0);
	asym_binary_free(bin);

	/* I/O: what the outside world wakes */
	snprintf(path, sizeof(path), "%s/fixtures/target/debug/deadlock", root);
	TEST_EQ(asym_binary_open(path, &bin), 0);
	TEST_EQ(flag_of(bin, "<tokio::io::util::read::Read as Future>", ASYM_F_IO), 1);
	TEST_EQ(flag_of(bin, "<tokio::net::tcp::listener::TcpListener>::accept", ASYM_F_IO), 1);
	TEST_EQ(flag_of(bin, "<tokio::sync::mpsc::bounded::Receiver>::recv",
			ASYM_F_IO | ASYM_F_TIMER), 0);
	TEST_EQ(flag_of(bin, "<tokio::time::sleep::Sleep as Future>", ASYM_F_IO), 0);
	asym_binary_free(bin);

	snprintf(path, sizeof(path), "%s/fixtures/target/debug/asyncstd-patterns", root);
	TEST_EQ(asym_binary_open(path, &bin), 0);
	TEST_EQ(timer_flag(bin, "<async_io::Timer as Future>"), 1);
	TEST_EQ(timer_flag(bin, "async_std::task::sleep::sleep"), 1);
	TEST_EQ(timer_flag(bin, "async_std::future::timeout::timeout"), 1);
	TEST_EQ(timer_flag(bin, "<async_std::task::join_handle::JoinHandle as Future>"), 0);
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
	ut_tmp_init("au-sym"); /* handfuture()'s copies go in it */
	return ut_run_all(argc, argv);
}
