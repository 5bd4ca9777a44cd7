/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Correlation across recordings: calls whose captured values match
 * (--correlate 'client::request@arg2=server::handle@arg1') are linked with
 * flow arrows, and the clock offset between recordings made on different
 * hosts is estimated from those request/response pairs, as NTP does:
 * offset = ((t_server_start - t_client_start) + (t_server_end - t_client_end)) / 2.
 */
#ifndef AU_CORRELATE_H
#define AU_CORRELATE_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

struct au_corr_call {
	uint64_t value;          /* the captured argument */
	uint64_t start, end;     /* in the recording's own clock */
	uint32_t pid, tid;
	unsigned recording;
	bool right;              /* matched the right-hand side */
	bool used;
};

struct au_corr_pair {
	const struct au_corr_call *left, *right;
};

struct au_correlation {
	regex_t re[2];
	int arg[2];              /* 1-based */
	bool compiled;
	struct au_corr_call *calls;
	size_t nr_calls, cap_calls;
	struct au_corr_pair *pairs;
	size_t nr_pairs;
	int64_t *offsets;        /* per recording, added to its times */
	bool *estimated;         /* per recording: from pairs (else given or 0) */
	unsigned nr_recordings;
};

/**
 * au_correlate_parse - "LEFT@argN=RIGHT@argM", LEFT and RIGHT regexes over
 * readable function names.  Returns 0 or -EINVAL; free with
 * au_correlate_free().
 */
int au_correlate_parse(struct au_correlation *c, const char *spec, unsigned nr_recordings);
void au_correlate_free(struct au_correlation *c);
/** Read recording @idx once, collecting the calls either side names. */
int au_correlate_collect(struct au_correlation *c, unsigned idx, const char *dir,
			 const char *binary);
/**
 * au_correlate_match - pair left and right calls by value, and estimate
 * each later recording's clock offset against the first, unless @given
 * (nanoseconds added to every recording after the first) is set.
 */
void au_correlate_match(struct au_correlation *c, bool have_given, int64_t given);

#endif /* AU_CORRELATE_H */
