// SPDX-License-Identifier: GPL-2.0-or-later
/* The streaming JSON writer: output parses, values round-trip, errors stick. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json-writer.h"
#include "unittest.h"

static char *write_sample(bool pretty, int *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct jw *w = jw_open(fp, pretty);

	jw_begin_object(w);
	jw_str_field(w, "quote", "a \"q\" \\ back\nnl\ttab\x01");
	jw_str_field(w, "utf8", "caf\xc3\xa9 \xe2\x86\x92");
	jw_str_field(w, "bad_utf8", "x\xff\xfey");
	jw_u64_field(w, "u64max", UINT64_MAX);
	jw_i64_field(w, "i64min", INT64_MIN);
	jw_hex_field(w, "hex", 0x7ffe8eced200ull);
	jw_hex_field(w, "hex0", 0);
	jw_hex_field(w, "hexmax", UINT64_MAX);
	jw_us_field(w, "one_ns", 1);
	jw_us_field(w, "big", 123456789012345ull);
	jw_double_field(w, "ratio", 0.25);
	jw_null_field(w, "nothing");
	jw_name(w, "arr");
	jw_begin_array(w);
	for (int i = 0; i < 3; i++) {
		jw_begin_object(w);
		jw_bool_field(w, "even", i % 2 == 0);
		jw_end_object(w);
	}
	jw_begin_array(w);
	jw_end_array(w);
	jw_end_array(w);
	jw_end_object(w);
	*err = jw_close(w);
	fclose(fp);
	return buf;
}

static int check_sample(bool pretty)
{
	int err;
	char *s = write_sample(pretty, &err);
	cJSON *root = cJSON_Parse(s), *arr;

	TEST_EQ(err, 0);
	if (!root)
		TEST_FAILED("output does not parse: %s", s);
	TEST_STREQ(cJSON_GetObjectItem(root, "quote")->valuestring, "a \"q\" \\ back\nnl\ttab\x01");
	TEST_STREQ(cJSON_GetObjectItem(root, "utf8")->valuestring, "caf\xc3\xa9 \xe2\x86\x92");
	TEST_STREQ(cJSON_GetObjectItem(root, "bad_utf8")->valuestring, "x\xef\xbf\xbd\xef\xbf\xbdy");
	TEST_STREQ(cJSON_GetObjectItem(root, "hex")->valuestring, "0x7ffe8eced200");
	TEST_STREQ(cJSON_GetObjectItem(root, "hex0")->valuestring, "0x0");
	TEST_STREQ(cJSON_GetObjectItem(root, "hexmax")->valuestring, "0xffffffffffffffff");
	TEST_TRUE(strstr(s, "18446744073709551615") != NULL);
	TEST_TRUE(strstr(s, "-9223372036854775808") != NULL);
	TEST_TRUE(strstr(s, "0.001") != NULL);
	TEST_TRUE(strstr(s, "123456789012.345") != NULL);
	TEST_TRUE(cJSON_GetObjectItem(root, "ratio")->valuedouble == 0.25);
	TEST_TRUE(cJSON_IsNull(cJSON_GetObjectItem(root, "nothing")));
	arr = cJSON_GetObjectItem(root, "arr");
	TEST_EQ(cJSON_GetArraySize(arr), 4);
	TEST_TRUE(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 2), "even")));
	TEST_EQ(cJSON_GetArraySize(cJSON_GetArrayItem(arr, 3)), 0);
	cJSON_Delete(root);
	free(s);
	return TEST_OK;
}

TEST(compact_output_parses_and_round_trips) { return check_sample(false); }
TEST(pretty_output_parses_and_round_trips) { return check_sample(true); }

/* Elements of every length mod 16 (the ring is copied in 16-byte
 * stores), over many more bytes than the writer's ring holds. */
static void write_many(struct jw *w)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

	jw_begin_array(w);
	for (unsigned i = 0; i < 300000; i++) {
		jw_newline(w);
		jw_u64(w, i);
		jw_newline(w);
		jw_string_len(w, digits, i % 37);
	}
	jw_end_array(w);
}

static char *read_all(FILE *fp, long *len)
{
	char *buf;

	fseek(fp, 0, SEEK_END);
	*len = ftell(fp);
	rewind(fp);
	buf = malloc(*len + 1);
	if (fread(buf, 1, *len, fp) != (size_t)*len)
		*len = -1;
	return buf;
}

TEST(background_writer_writes_the_same_bytes)
{
	FILE *fg = tmpfile(), *bg = tmpfile();
	struct jw *w;
	char *a, *b;
	long alen, blen;

	if (!fg || !bg)
		TEST_SKIP_BECAUSE("no temporary file");
	w = jw_open(fg, false);
	write_many(w);
	TEST_EQ(jw_close(w), 0);
	w = jw_open_background(bg, NULL, NULL);
	TEST_TRUE(jw_background(w));
	write_many(w);
	TEST_EQ(jw_close(w), 0);
	a = read_all(fg, &alen);
	b = read_all(bg, &blen);
	TEST_GE(alen, 5L * 1024 * 1024); /* more than the ring (4 MiB) */
	TEST_EQ(alen, blen);
	TEST_TRUE(memcmp(a, b, alen) == 0);
	free(a);
	free(b);
	fclose(fg);
	fclose(bg);
	return TEST_OK;
}

TEST(write_errors_are_sticky)
{
	FILE *fp = fopen("/dev/full", "w");
	struct jw *w;

	if (!fp)
		TEST_SKIP_BECAUSE("no /dev/full");
	w = jw_open(fp, false);
	jw_begin_array(w);
	/* more than the writer's buffer, so it must hit the disk */
	for (int i = 0; i < 100000; i++)
		jw_string(w, "0123456789012345678901234567890123456789");
	jw_end_array(w);
	TEST_EQ(jw_close(w), -EIO);
	fclose(fp);
	return TEST_OK;
}

TEST(unbalanced_nesting_is_reported)
{
	FILE *fp = fopen("/dev/null", "w");
	struct jw *w = jw_open(fp, false);

	jw_begin_object(w);
	jw_name(w, "a");
	jw_begin_array(w);
	jw_end_array(w);
	TEST_EQ(jw_close(w), -EINVAL);
	w = jw_open(fp, false);
	jw_end_object(w);
	TEST_EQ(jw_close(w), -EINVAL);
	fclose(fp);
	return TEST_OK;
}

TEST_MAIN()
