/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Streaming JSON writer (after bpftool's json_writer.h).
 *
 * Writes straight into a large buffer flushed to a FILE * (or, for the
 * trace, handed to a second thread that writes it), so traces of any
 * length stream with constant memory.  Commas come from the nesting
 * state; escaping happens in one place; numbers are formatted by hand (no
 * printf on the hot path).  Write errors are sticky and reported once by
 * jw_close(), so callers need not check every call.
 *
 * Usage:
 *	struct jw *w = jw_open(fp, true);
 *	jw_begin_object(w);
 *	jw_us_field(w, "ts", 1234567);            // "ts":1234.567
 *	jw_str_field(w, "ph", "X");
 *	jw_end_object(w);
 *	err = jw_close(w);                        // -EIO, -EINVAL or 0
 */
#ifndef AU_JSON_WRITER_H
#define AU_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bg-writer.h"

struct jw;

/**
 * jw_open - start a writer on @fp
 * @fp: output stream; the caller keeps ownership (jw_close() does not fclose)
 * @pretty: newline and indent per element (for summaries); false writes
 *          one compact event per line when jw_newline() is used
 *
 * Returns the writer, freed by jw_close().
 */
struct jw *jw_open(FILE *fp, bool pretty);
/**
 * jw_open_background - a compact writer whose full buffers a second thread
 * writes to @fp's file descriptor (after flushing @fp), in order
 * @transform, @ctx: what the thread writes for each buffer (bg-writer.h),
 *                   or NULL for the buffer itself
 *
 * For traces of a gigabyte, whose formatting and write(2) cost about as
 * much as the analysis.  Falls back to jw_open(@fp, false) when no thread
 * can be started (jw_background() tells).  jw_close() waits for the
 * writes; @fp must not be written to meanwhile.
 */
struct jw *jw_open_background(FILE *fp, bg_transform_fn *transform, void *ctx);
bool jw_background(const struct jw *w);
/**
 * jw_close - flush and free
 * Returns 0, -EIO if any write failed, -EINVAL if objects/arrays were left
 * open (or closed more than opened).
 */
int jw_close(struct jw *w);
/** jw_flush - write the buffer out now */
void jw_flush(struct jw *w);
/** jw_error - true once a write has failed */
bool jw_error(const struct jw *w);

void jw_begin_object(struct jw *w);
void jw_end_object(struct jw *w);
void jw_begin_array(struct jw *w);
void jw_end_array(struct jw *w);
/** Emit a newline between top-level array elements (compact mode) */
void jw_newline(struct jw *w);

/** The key of the next value inside an object; keys are written as they
 *  are (they are the program's own literals: no escaping needed) */
void jw_name_len(struct jw *w, const char *name, size_t len);
/* inline, so that a literal key's length is known when compiling */
static inline void jw_name(struct jw *w, const char *name)
{
	jw_name_len(w, name, strlen(name));
}
/**
 * jw_escape - a string's JSON-escaped contents (without quotes), for
 * strings written many times (function names)
 * Returns a malloc'ed string the caller frees; *@len gets its length.
 */
char *jw_escape(const char *s, size_t *len);
/** Write "@s" where @s was made by jw_escape() */
void jw_escaped(struct jw *w, const char *s, size_t len);

void jw_string(struct jw *w, const char *s);      /* NULL writes null */
void jw_string_len(struct jw *w, const char *s, size_t len);
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_double(struct jw *w, double v);           /* %.6g-like, finite only */
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/** A hex string "0x7ffe..." (addresses exceed 2^53) */
void jw_hex(struct jw *w, uint64_t v);
/** Nanoseconds written as microseconds with 3 decimals: 1234567 -> 1234.567 */
void jw_ns_as_us(struct jw *w, uint64_t ns);

/*
 * Formatting into a caller's buffer, for elements built in place (below):
 * each writes at @p and returns the end.  Room needed: JW_U64_MAX,
 * JW_I64_MAX, JW_HEX_MAX and JW_US_MAX bytes.
 */
#define JW_U64_MAX 20
#define JW_I64_MAX (JW_U64_MAX + 1)
#define JW_HEX_MAX 20            /* "0x" and 16 digits, quoted */
#define JW_US_MAX (JW_U64_MAX + 1)
char *jw_fmt_u64(char *p, uint64_t v);
char *jw_fmt_i64(char *p, int64_t v);
/** A JSON string "0x<lowercase hex>", as jw_hex() writes it */
char *jw_fmt_hex(char *p, uint64_t v);
char *jw_fmt_ns_as_us(char *p, uint64_t ns);
/* Timestamps of one trace share their leading digits: those above 10 ms
 * are formatted once per 10 ms.  Zero-initialise; one per thread. */
struct jw_us_cache {
	uint64_t high;           /* ns / 10^7 that digits hold, 0: none */
	size_t len;
	char digits[JW_U64_MAX];
};
char *jw_fmt_ns_as_us_cached(struct jw_us_cache *c, char *p, uint64_t ns);

/*
 * Hot paths write whole array elements in place, from preformatted pieces:
 *	char *p = jw_elem_begin(w, max);   // on a new line, after its comma
 *	memcpy(p, "{...}", n); p += n;
 *	jw_elem_end(w, p);
 * At most @max (<= JW_ELEM_MAX) bytes, never split between two buffers
 * (so a background writer's transform sees it whole); compact writers only.
 */
#define JW_ELEM_MAX (64 * 1024)
char *jw_elem_begin(struct jw *w, size_t max);
void jw_elem_end(struct jw *w, const char *end);

/* name + value shorthands, inline so that literal keys' lengths fold */
#define JW_FIELD(kind, type, write_value)                                          \
	static inline void jw_##kind##_field(struct jw *w, const char *name, type v) \
	{                                                                            \
		jw_name(w, name);                                                    \
		write_value(w, v);                                                   \
	}
JW_FIELD(str, const char *, jw_string)
JW_FIELD(u64, uint64_t, jw_u64)
JW_FIELD(i64, int64_t, jw_i64)
JW_FIELD(double, double, jw_double)
JW_FIELD(bool, bool, jw_bool)
JW_FIELD(hex, uint64_t, jw_hex)
JW_FIELD(us, uint64_t, jw_ns_as_us)   /* nanoseconds, written as microseconds */
#undef JW_FIELD
static inline void jw_null_field(struct jw *w, const char *name)
{
	jw_name(w, name);
	jw_null(w);
}

#endif /* AU_JSON_WRITER_H */
