// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Streaming JSON writer: a large buffer, hand-rolled number formatting,
 * escaping in one place, commas from the nesting state, sticky errors.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bg-writer.h"
#include "json-writer.h"
#include "utils.h"

#define JW_BUF (256 * 1024)
#define JW_DEPTH 64

struct jw {
	FILE *fp;
	struct bg_writer *bg;    /* writes the buffers on a second thread, or NULL */
	bool pretty;
	bool io_error;
	bool nesting_error;
	int depth;
	/* per level: has an element been written (so the next needs a comma) */
	bool had_elem[JW_DEPTH + 1];
	bool after_name;
	size_t len, cap;
	char *buf;
};

struct jw *jw_open(FILE *fp, bool pretty)
{
	struct jw *w = xcalloc(1, sizeof(*w));

	w->fp = fp;
	w->pretty = pretty;
	w->cap = JW_BUF;
	w->buf = xmalloc(w->cap);
	return w;
}

struct jw *jw_open_background(FILE *fp, bg_transform_fn *transform, void *ctx)
{
	struct jw *w = xcalloc(1, sizeof(*w));

	w->fp = fp;
	/* what stdio holds goes first: the thread writes past it */
	if (fflush(fp) == 0)
		w->bg = bg_writer_start(fileno(fp), transform, ctx, &w->buf, &w->cap);
	if (!w->bg) {
		free(w);
		return jw_open(fp, false);
	}
	return w;
}

bool jw_background(const struct jw *w)
{
	return w->bg != NULL;
}

void jw_flush(struct jw *w)
{
	if (w->bg) {
		if (w->len)
			w->buf = bg_writer_submit(w->bg, w->len);
	} else if (w->len && fwrite(w->buf, 1, w->len, w->fp) != w->len) {
		w->io_error = true;
	}
	w->len = 0;
}

bool jw_error(const struct jw *w)
{
	return w->io_error || w->nesting_error;
}

int jw_close(struct jw *w)
{
	int err = 0;

	if (!w)
		return 0;
	if (w->bg) {
		if (bg_writer_stop(w->bg, w->len) < 0)
			w->io_error = true;
	} else {
		jw_flush(w);
		if (fflush(w->fp) != 0 || ferror(w->fp))
			w->io_error = true;
		free(w->buf);
	}
	if (w->io_error)
		err = -EIO;
	else if (w->nesting_error || w->depth != 0)
		err = -EINVAL;
	free(w);
	return err;
}

static inline void put(struct jw *w, const char *s, size_t n)
{
	while (w->len + n > w->cap) {
		/* longer than the buffer: in pieces */
		size_t part = w->cap - w->len;

		memcpy(w->buf + w->len, s, part);
		w->len += part;
		jw_flush(w);
		s += part;
		n -= part;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void putc_(struct jw *w, char c)
{
	if (w->len == w->cap)
		jw_flush(w);
	w->buf[w->len++] = c;
}

static void indent(struct jw *w)
{
	putc_(w, '\n');
	for (int i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

/* Before any value: the comma and indentation its position needs. */
static void before_value(struct jw *w)
{
	if (w->after_name) {
		w->after_name = false;
		return;
	}
	if (w->had_elem[w->depth])
		putc_(w, ',');
	w->had_elem[w->depth] = true;
	if (w->pretty && w->depth > 0)
		indent(w);
}

static void open_(struct jw *w, char c)
{
	before_value(w);
	putc_(w, c);
	if (w->depth >= JW_DEPTH) {
		w->nesting_error = true;
		return;
	}
	w->depth++;
	w->had_elem[w->depth] = false;
}

static void close_(struct jw *w, char c)
{
	bool had;

	if (w->depth <= 0) {
		w->nesting_error = true;
		return;
	}
	had = w->had_elem[w->depth];
	w->depth--;
	if (w->pretty && had)
		indent(w);
	putc_(w, c);
}

void jw_begin_object(struct jw *w) { open_(w, '{'); }
void jw_end_object(struct jw *w) { close_(w, '}'); }
void jw_begin_array(struct jw *w) { open_(w, '['); }
void jw_end_array(struct jw *w) { close_(w, ']'); }

void jw_newline(struct jw *w)
{
	if (!w->pretty)
		putc_(w, '\n');
}

static void put_escaped(struct jw *w, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	putc_(w, '"');
	for (size_t i = 0; i < n; i++) {
		size_t plain = i;
		unsigned char c;

		/* ASCII that needs no escape goes in one copy */
		while (plain < n && s[plain] >= 0x20 && s[plain] < 0x7f && s[plain] != '"' &&
		       s[plain] != '\\')
			plain++;
		put(w, (const char *)s + i, plain - i);
		if (plain == n)
			break;
		i = plain;
		c = s[i];
		if (c == '"' || c == '\\') {
			putc_(w, '\\');
			putc_(w, c);
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			if (c == '\n')
				put(w, "\\n", 2);
			else if (c == '\t')
				put(w, "\\t", 2);
			else
				put(w, e, 6);
		} else if (c < 0x80) {
			putc_(w, c);
		} else {
			/* Pass valid UTF-8 through; replace anything else so
			 * the output always parses. */
			size_t len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
			size_t k;

			for (k = 1; len && k < len && i + k < n; k++) {
				if ((s[i + k] & 0xc0) != 0x80)
					break;
			}
			if (len && k == len) {
				put(w, (const char *)s + i, len);
				i += len - 1;
			} else {
				put(w, "\\ufffd", 6);
			}
		}
	}
	putc_(w, '"');
}

void jw_name_len(struct jw *w, const char *name, size_t n)
{
	char *p;

	before_value(w);
	if (w->len + n + 4 > w->cap)
		jw_flush(w);
	if (n + 4 > w->cap) {
		putc_(w, '"');
		put(w, name, n);
		put(w, "\":", 2);
	} else {
		p = w->buf + w->len;
		*p++ = '"';
		memcpy(p, name, n);
		p += n;
		*p++ = '"';
		*p++ = ':';
		w->len = p - w->buf;
	}
	if (w->pretty)
		putc_(w, ' ');
	w->after_name = true;
}

char *jw_escape(const char *s, size_t *len)
{
	size_t n = strlen(s);
	/* room for the worst case (every byte as \uXXXX), quotes and NUL:
	 * the writer never flushes, so it needs no file */
	struct jw w = { .cap = 6 * n + 3 };

	w.buf = xmalloc(w.cap);
	put_escaped(&w, (const unsigned char *)s, n);
	/* drop the quotes */
	*len = w.len - 2;
	memmove(w.buf, w.buf + 1, *len);
	w.buf[*len] = '\0';
	return w.buf;
}

void jw_escaped(struct jw *w, const char *s, size_t len)
{
	before_value(w);
	putc_(w, '"');
	put(w, s, len);
	putc_(w, '"');
}

void jw_string_len(struct jw *w, const char *s, size_t len)
{
	before_value(w);
	put_escaped(w, (const unsigned char *)s, len);
}

void jw_string(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_string_len(w, s, strlen(s));
}

/* Two digits at a time: half the divisions of one at a time. */
static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static unsigned nr_digits(uint64_t v)
{
	unsigned n = 1;

	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

char *jw_fmt_u64(char *p, uint64_t v)
{
	char *end = p + nr_digits(v);

	p = end;
	while (v >= 100) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(p - 2, digit_pairs + 2 * v, 2);
	else
		p[-1] = '0' + v;
	return end;
}

char *jw_fmt_ns_as_us(char *p, uint64_t ns)
{
	unsigned frac = ns % 1000;

	/* "<us>.<ns%1000 as 3 digits>": exact, no floating point. */
	p = jw_fmt_u64(p, ns / 1000);
	*p++ = '.';
	*p++ = '0' + frac / 100;
	memcpy(p, digit_pairs + 2 * (frac % 100), 2);
	return p + 2;
}

char *jw_fmt_ns_as_us_cached(struct jw_us_cache *c, char *p, uint64_t ns)
{
	uint64_t high = ns / 10000000;
	unsigned us = ns / 1000 % 10000, frac = ns % 1000;

	if (!high)
		return jw_fmt_ns_as_us(p, ns);
	if (high != c->high) {
		c->high = high;
		c->len = jw_fmt_u64(c->digits, high) - c->digits;
	}
	/* the cached digits, then "dddd.ddd": four of the microseconds,
	 * padded, and the nanoseconds */
	memcpy(p, c->digits, c->len);
	p += c->len;
	memcpy(p, digit_pairs + 2 * (us / 100), 2);
	memcpy(p + 2, digit_pairs + 2 * (us % 100), 2);
	p[4] = '.';
	p[5] = '0' + frac / 100;
	memcpy(p + 6, digit_pairs + 2 * (frac % 100), 2);
	return p + 8;
}

void jw_u64(struct jw *w, uint64_t v)
{
	char buf[JW_U64_MAX];

	before_value(w);
	put(w, buf, jw_fmt_u64(buf, v) - buf);
}

char *jw_fmt_i64(char *p, int64_t v)
{
	if (v < 0)
		*p++ = '-';
	return jw_fmt_u64(p, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

void jw_i64(struct jw *w, int64_t v)
{
	char buf[JW_I64_MAX];

	before_value(w);
	put(w, buf, jw_fmt_i64(buf, v) - buf);
}

void jw_ns_as_us(struct jw *w, uint64_t ns)
{
	char buf[JW_US_MAX];

	before_value(w);
	put(w, buf, jw_fmt_ns_as_us(buf, ns) - buf);
}

char *jw_elem_begin(struct jw *w, size_t max)
{
	char *p;

	/* newline and comma, so that their room is there too */
	if (w->len + max + 2 > w->cap)
		jw_flush(w);
	if (w->pretty || w->after_name) {
		jw_newline(w);
		before_value(w);
		return w->buf + w->len;
	}
	/* before_value() of an array element, inline: this runs once per
	 * call of the traced program */
	p = w->buf + w->len;
	*p++ = '\n';
	if (w->had_elem[w->depth])
		*p++ = ',';
	w->had_elem[w->depth] = true;
	return p;
}

void jw_elem_end(struct jw *w, const char *end)
{
	w->len = end - w->buf;
}

char *jw_fmt_hex(char *p, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	unsigned digits = 1;

	for (uint64_t x = v >> 4; x; x >>= 4)
		digits++;
	memcpy(p, "\"0x", 3);
	p += 3 + digits;
	for (char *q = p; q > p - digits; v >>= 4)
		*--q = hex[v & 15];
	*p++ = '"';
	return p;
}

void jw_hex(struct jw *w, uint64_t v)
{
	char buf[JW_HEX_MAX];

	before_value(w);
	put(w, buf, jw_fmt_hex(buf, v) - buf);
}

void jw_double(struct jw *w, double v)
{
	char buf[40];
	int n;

	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.6g", v);
	before_value(w);
	put(w, buf, n);
}

void jw_bool(struct jw *w, bool v)
{
	before_value(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jw_null(struct jw *w)
{
	before_value(w);
	put(w, "null", 4);
}
