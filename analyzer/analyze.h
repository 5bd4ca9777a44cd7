/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The analysis pipeline shared by 'analyze' and 'report'. */
#ifndef AU_ANALYZE_H
#define AU_ANALYZE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "writers.h"

struct au_analyze_opts {
	const char *const *dirs; /* uftrace.data directories: one timeline */
	unsigned nr_dirs;
	const char *correlate;   /* --correlate spec, or NULL */
	int64_t offset_ns;       /* --offset */
	bool have_offset;
	const char *binary;      /* --binary: the program, if moved or renamed */
	FILE *trace;             /* trace JSON, or NULL */
	FILE *summary;           /* summary JSON, or NULL */
	FILE *report;            /* human report, or NULL */
	bool progress;           /* progress on stderr when it is a terminal */
	uint64_t long_poll_ns;   /* --long-poll, 0: default */
	uint64_t slow_poll_ns;   /* --slow-poll, 0: default (50 us) */
	uint64_t wake_delay_ns;  /* --wake-delay, 0: default */
	struct au_filter filter; /* --min-call, --min-poll, --hide-runtime, --only, --task */
};

/**
 * au_common_option - the options analyze and report share (--long-poll,
 * --wake-delay, --slow-poll, --min-poll, --hide-runtime, --only, --task)
 * Returns 1 when @c was one of them, 0 when not, -1 (after a message) when
 * its argument is bad.
 */
int au_common_option(int c, const char *arg, struct au_analyze_opts *opts, const char *cmd);

/** "1ms", "250us", "2s", "500ns" or plain nanoseconds; -1 when invalid. */
int64_t au_parse_duration(const char *s);

/**
 * au_analyze_run - read a recording and feed the writers
 * Returns an exit code: AU_EXIT_OK, AU_EXIT_WARN (output written, some
 * input skipped), AU_EXIT_NOTHING.
 */
int au_analyze_run(const struct au_analyze_opts *opts);

#endif /* AU_ANALYZE_H */
