// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Linkage names as uftrace filter patterns (symbolizer/name-patterns.c):
 * a run of names becomes their common prefix only where no other symbol
 * starts with it, so each pattern matches exactly the names asked for;
 * checked on small sets and, name by name, on a tokio binary.
 */
#include <limits.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asym-internal.h"
#include "unittest.h"

/* The patterns written for @names among @syms (both NULL-terminated). */
static char *patterns_for(const char *const *names, const char *const *syms)
{
	struct asym_names ns = { NULL, 0, 0 }, all = { NULL, 0, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	for (; *names; names++)
		asym_names_push(&ns, *names);
	for (; *syms; syms++)
		asym_names_push(&all, *syms);
	asym_names_sort(&all);
	asym_names_write(fp, "-T", "trace", &ns, all.v, all.n);
	fclose(fp);
	asym_names_free(&ns);
	asym_names_free(&all);
	return buf;
}

/* Does a "-T" "^(...)@trace" pair in @opts match @sym? */
static bool matches(const char *opts, const char *sym)
{
	char *copy = strdup(opts), *save = NULL;
	bool found = false, value = false;

	for (char *l = strtok_r(copy, "\n", &save); l && !found; l = strtok_r(NULL, "\n", &save)) {
		char *at = strrchr(l, '@');
		regex_t re;

		if (value && at) {
			*at = '\0';
			if (!regcomp(&re, l, REG_EXTENDED | REG_NOSUB)) {
				found = !regexec(&re, sym, 0, NULL, 0);
				regfree(&re);
			}
		}
		value = !strcmp(l, "-T");
	}
	free(copy);
	return found;
}

TEST(a_run_becomes_its_prefix_only_where_no_other_symbol_shares_it)
{
	const char *syms[] = { "_RaaX1", "_RaaX2", "_RaaY", "_Rb", "_Rc.llvm.1", "_Rc.llvm.2", NULL };
	const char *both_x[] = { "_RaaX2", "_RaaX1", NULL };
	const char *x_and_y[] = { "_RaaX1", "_RaaY", NULL };
	const char *all_a[] = { "_RaaY", "_RaaX1", "_RaaX2", "_RaaX1", NULL };
	const char *dotted[] = { "_Rc.llvm.1", NULL };
	char *out;

	/* _RaaX starts both X names and nothing else */
	out = patterns_for(both_x, syms);
	TEST_STREQ(out, "-T\n^(_RaaX)@trace\n");
	free(out);
	/* their prefix _Raa also starts _RaaX2: each name, exactly */
	out = patterns_for(x_and_y, syms);
	TEST_STREQ(out, "-T\n^(_RaaX1$|_RaaY$)@trace\n");
	TEST_TRUE(!matches(out, "_RaaX2") && !matches(out, "_RaaX1x") && matches(out, "_RaaY"));
	free(out);
	/* every _Raa name, one repeated */
	out = patterns_for(all_a, syms);
	TEST_STREQ(out, "-T\n^(_Raa)@trace\n");
	free(out);
	/* regex characters escaped, the end anchored */
	out = patterns_for(dotted, syms);
	TEST_STREQ(out, "-T\n^(_Rc\\.llvm\\.1$)@trace\n");
	TEST_TRUE(matches(out, "_Rc.llvm.1") && !matches(out, "_Rc.llvm.2") &&
		  !matches(out, "_RcXllvmX1"));
	free(out);
	return TEST_OK;
}

TEST(a_name_too_long_for_a_pattern_is_kept_by_its_first_bytes_when_they_tell_it_apart)
{
	size_t n = 5000;
	char *a = malloc(n + 1), *b = malloc(n + 1), *c = malloc(n + 1);
	const char *syms[] = { a, b, c, NULL }, *only_a[] = { a, NULL }, *only_b[] = { b, NULL };
	char *out;

	/* a differs from b and c in its first byte after "_R"; b and c only
	 * in their last */
	memset(a, 'x', n);
	memset(b, 'y', n);
	memset(c, 'y', n);
	memcpy(a, "_R", 2);
	memcpy(b, "_R", 2);
	memcpy(c, "_R", 2);
	a[n] = b[n] = c[n] = '\0';
	c[n - 1] = 'z';
	out = patterns_for(only_a, syms);
	TEST_TRUE(strlen(out) < 4100 && matches(out, a) && !matches(out, b));
	free(out);
	/* b cannot be told from c in a pattern's length: left out */
	out = patterns_for(only_b, syms);
	TEST_STREQ(out, "");
	free(out);
	free(a);
	free(b);
	free(c);
	return TEST_OK;
}

/* The "-T" patterns of @opts, compiled. */
struct compiled {
	regex_t re[256];
	size_t n;
};

static void compile_all(const char *opts, struct compiled *c)
{
	char *copy = strdup(opts), *save = NULL;
	bool value = false;

	c->n = 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *at = strrchr(l, '@');

		if (value && at && c->n < 256) {
			*at = '\0';
			if (!regcomp(&c->re[c->n], l, REG_EXTENDED | REG_NOSUB))
				c->n++;
		}
		value = !strcmp(l, "-T");
	}
	free(copy);
}

static bool match_any(const struct compiled *c, const char *sym)
{
	for (size_t i = 0; i < c->n; i++)
		if (!regexec(&c->re[i], sym, 0, NULL, 0))
			return true;
	return false;
}

/* @syms's names that @pick picks, as patterns; how many in @asked. */
static char *write_picked(const char **syms, size_t nsyms, bool (*pick)(size_t, const char *),
			  size_t *asked)
{
	struct asym_names ns = { NULL, 0, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	for (size_t i = 0; i < nsyms; i++)
		if (pick(i, syms[i]))
			asym_names_push(&ns, syms[i]);
	*asked = ns.n;
	asym_names_write(fp, "-T", "trace", &ns, syms, nsyms);
	fclose(fp);
	asym_names_free(&ns);
	return buf;
}

static bool task_poll(size_t i, const char *sym)
{
	(void)i;
	return strstr(sym, "4task3raw4poll") != NULL;
}

static bool third_or_task_poll(size_t i, const char *sym)
{
	return i % 3 == 0 || task_poll(i, sym);
}

/* On a real binary's symbols: every third function and every task poll of
 * a tokio binary, written as patterns, match those names and no other;
 * the task polls alone, one per future type, share one prefix. */
TEST(patterns_match_exactly_the_names_asked_for_in_a_real_binary)
{
	char path[PATH_MAX], *out;
	size_t nsyms = 0, asked = 0, wrong = 0, alternatives = 1;
	struct asym_binary *bin;
	struct compiled *c = calloc(1, sizeof(*c));
	const char **syms;

	snprintf(path, sizeof(path), "%s/fixtures/target/debug/workload",
		 getenv("AU_SRC_ROOT") ? getenv("AU_SRC_ROOT") : ".");
	if (access(path, R_OK))
		TEST_SKIP_BECAUSE("fixtures not built (scripts/test.sh builds them)");
	TEST_EQ(asym_binary_open(path, &bin), 0);
	syms = asym_sorted_symbols(bin, &nsyms);
	TEST_TRUE(syms && nsyms > 1000);

	out = write_picked(syms, nsyms, third_or_task_poll, &asked);
	compile_all(out, c);
	TEST_GE(asked, 300);
	TEST_GE(c->n, 1);
	for (size_t i = 0; i < nsyms; i++)
		wrong += match_any(c, syms[i]) != third_or_task_poll(i, syms[i]);
	TEST_EQ(wrong, 0);
	for (size_t i = 0; i < c->n; i++)
		regfree(&c->re[i]);
	free(out);

	out = write_picked(syms, nsyms, task_poll, &asked);
	for (const char *p = out; *p; p++)
		alternatives += *p == '|';
	TEST_GE(asked, 4);
	TEST_TRUE(alternatives < asked);
	free(out);
	free(c);
	free(syms);
	asym_binary_free(bin);
	return TEST_OK;
}

struct unittest ut_tests[UT_MAX];
int ut_count;

int main(int argc, char **argv)
{
	asym_set_print(NULL);
	ut_tmp_init("au-names");
	return ut_run_all(argc, argv);
}
