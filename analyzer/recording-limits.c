// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a recording cannot tell, because of how uftrace was asked to
 * record it: said once, before the analysis, so that a missing parent or
 * an empty report is not taken for a fact about the program.
 */
#define PR_FMT "analyze"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "recording-limits.h"
#include "utils.h"

/* info's feature bit for `record -e` (uftrace's enum uftrace_feat_bits) */
#define FEAT_ESTIMATE_RETURN (1u << 11)

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The value of -D/--depth on uftrace's command line (up to the program's
 * name: what follows are the program's own arguments), or 0.  Options
 * given in an --opt-file are not in info and go unseen. */
long au_recording_depth_limit(const struct au_data_info *info)
{
	const char *exe = info->exename ? base_name(info->exename) : NULL;
	char *copy, *save = NULL, *tok;
	long depth = 0;
	bool value = false;

	if (!info->cmdline)
		return 0;
	copy = xstrdup(info->cmdline);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (value) {
			depth = strtol(tok, NULL, 0);
			value = false;
		} else if (!strcmp(tok, "-D") || !strcmp(tok, "--depth")) {
			value = true;
		} else if (!strncmp(tok, "--depth=", 8)) {
			depth = strtol(tok + 8, NULL, 0);
		} else if (!strncmp(tok, "-D", 2) && tok[2] >= '0' && tok[2] <= '9') {
			depth = strtol(tok + 2, NULL, 0);
		} else if (exe && tok[0] != '-' && !strcmp(base_name(tok), exe)) {
			break;
		}
	}
	free(copy);
	return depth > 0 ? depth : 0;
}

void au_recording_limits_warn(const char *dir, const struct au_data_info *info)
{
	long depth = au_recording_depth_limit(info);

	if (info->feat_mask & FEAT_ESTIMATE_RETURN)
		pr_warn("%s: recorded with -e (--estimate-return): uftrace kept no return "
			"values, so polls are neither Ready nor Pending, spawns have no task "
			"id (no parents) and calls end where uftrace guessed; record without -e",
			dir);
	if (depth)
		pr_warn("%s: recorded with a depth limit (-D %ld): calls deeper than %ld, "
			"most polls among them, were not recorded; record without -D",
			dir, depth, depth);
}
