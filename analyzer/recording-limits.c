// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a recording cannot tell, because of how uftrace was asked to
 * record it: said once, before the analysis, so that a missing parent or
 * an empty report is not taken for a fact about the program.
 */
#define PR_FMT "analyze"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recording-limits.h"
#include "utils.h"

/* info's feature bit for `record -e` (uftrace's enum uftrace_feat_bits) */
#define FEAT_ESTIMATE_RETURN (1u << 11)
/* uftrace's default --max-stack (OPT_RSTACK_DEFAULT), which info's header
 * holds whatever was asked */
#define DEFAULT_MAX_STACK 1024

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Calls @fn with each value of option @shrt/@lng (-X V, -XV, --long V,
 * --long=V) on uftrace's command line, up to the program's name: what
 * follows are the program's own arguments.  Options given in an
 * --opt-file are not in info and go unseen. */
static void cmdline_values(const struct au_data_info *info, const char *shrt, const char *lng,
			   void (*fn)(const char *value, void *arg), void *arg)
{
	const char *exe = info->exename ? base_name(info->exename) : NULL;
	size_t slen = strlen(shrt), llen = strlen(lng);
	char *copy, *save = NULL, *tok;
	bool value = false;

	if (!info->cmdline)
		return;
	copy = xstrdup(info->cmdline);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (value) {
			fn(tok, arg);
			value = false;
		} else if (!strcmp(tok, shrt) || !strcmp(tok, lng)) {
			value = true;
		} else if (!strncmp(tok, lng, llen) && tok[llen] == '=') {
			fn(tok + llen + 1, arg);
		} else if (!strncmp(tok, shrt, slen) && tok[1] != '-' && tok[slen]) {
			fn(tok + slen, arg);
		} else if (exe && tok[0] != '-' && !strcmp(base_name(tok), exe)) {
			break;
		}
	}
	free(copy);
}

static void take_long(const char *value, void *arg)
{
	*(long *)arg = strtol(value, NULL, 0);
}

long au_recording_depth_limit(const struct au_data_info *info)
{
	long depth = 0;

	cmdline_values(info, "-D", "--depth", take_long, &depth);
	return depth > 0 ? depth : 0;
}

struct patterns {
	char text[256];
	size_t len;
};

static void take_pattern(const char *value, void *arg)
{
	struct patterns *p = arg;
	int n = snprintf(p->text + p->len, sizeof(p->text) - p->len, "%s%s",
			 p->len ? " " : "", value);

	if (n > 0)
		p->len = p->len + n < sizeof(p->text) ? p->len + n : sizeof(p->text) - 1;
}

long au_recording_stack_limit(const struct au_data_info *info)
{
	return info->max_stack && info->max_stack < DEFAULT_MAX_STACK ? info->max_stack : 0;
}

void au_recording_limits_warn(const char *dir, const struct au_data_info *info)
{
	long depth = au_recording_depth_limit(info), stack = au_recording_stack_limit(info);

	if (info->feat_mask & FEAT_ESTIMATE_RETURN)
		pr_warn("%s: recorded with -e (--estimate-return): uftrace kept no return "
			"values, so polls are neither Ready nor Pending, spawns have no task "
			"id (no parents) and calls end where uftrace guessed; record without -e",
			dir);
	if (depth)
		pr_warn("%s: recorded with a depth limit (-D %ld): calls deeper than %ld, "
			"most polls among them, were not recorded; record without -D",
			dir, depth, depth);
	/* libmcount stops recording at the stack's end, as -D does */
	if (stack && (!depth || stack < depth))
		pr_warn("%s: recorded with --max-stack %ld: calls nested deeper than %ld, "
			"most polls among them, were not recorded; record without --max-stack",
			dir, stack, stack);

	struct patterns notrace = { .len = 0 };

	/* -N leaves out the functions it matches and everything they call */
	cmdline_values(info, "-N", "--notrace", take_pattern, &notrace);
	if (notrace.len)
		pr_warn("%s: recorded with -N %s: the calls it matched were not recorded, nor "
			"anything they called; polls, tasks and wakes under them are missing",
			dir, notrace.text);
}
