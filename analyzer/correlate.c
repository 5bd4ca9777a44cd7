// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A first, light pass over each recording for --correlate: only the calls
 * of the two named functions with their captured value are kept.
 */
#define PR_FMT "correlate"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "funcs.h"
#include "utils.h"

static int parse_side(struct au_correlation *c, int side, char *text)
{
	char *at = strrchr(text, '@');

	if (!at || strncmp(at + 1, "arg", 3) || (c->arg[side] = atoi(at + 4)) < 1 ||
	    c->arg[side] > AU_MAX_ARGS)
		return -EINVAL;
	*at = '\0';
	return regcomp(&c->re[side], text, REG_EXTENDED | REG_NOSUB) ? -EINVAL : 0;
}

int au_correlate_parse(struct au_correlation *c, const char *spec, unsigned nr_recordings)
{
	char *copy = xstrdup(spec), *eq = strchr(copy, '=');
	int err = -EINVAL;

	memset(c, 0, sizeof(*c));
	c->nr_recordings = nr_recordings;
	c->offsets = xcalloc(nr_recordings, sizeof(*c->offsets));
	c->estimated = xcalloc(nr_recordings, sizeof(*c->estimated));
	if (eq) {
		*eq = '\0';
		if (!parse_side(c, 0, copy)) {
			if (!parse_side(c, 1, eq + 1)) {
				c->compiled = true;
				err = 0;
			} else {
				regfree(&c->re[0]);
			}
		}
	}
	free(copy);
	return err;
}

void au_correlate_free(struct au_correlation *c)
{
	if (c->compiled) {
		regfree(&c->re[0]);
		regfree(&c->re[1]);
	}
	free(c->calls);
	free(c->pairs);
	free(c->offsets);
	free(c->estimated);
	memset(c, 0, sizeof(*c));
}

/* Which side a function is on: 0 left, 1 right, -1 neither. */
static int side_of(const struct au_correlation *c, const char *name)
{
	char *plain = asym_shorten(name);
	int side = -1;

	for (int s = 0; s < 2 && side < 0; s++) {
		if (!regexec(&c->re[s], name, 0, NULL, 0) ||
		    (plain && !regexec(&c->re[s], plain, 0, NULL, 0)))
			side = s;
	}
	free(plain);
	return side;
}

struct open_call {
	int32_t func;
	uint16_t depth;
	uint64_t start, value;
	int side;
};

int au_correlate_collect(struct au_correlation *c, unsigned idx, const char *dir,
			 const char *binary)
{
	struct au_data *data;
	struct au_funcs funcs;
	struct au_record rec;
	int8_t *sides;
	struct open_call **stacks;
	size_t *depth, *cap, nthreads;
	int err = au_data_open(dir, &data);

	if (err < 0)
		return err;
	au_funcs_build(&funcs, data, binary);
	sides = xmalloc(funcs.n ? funcs.n : 1);
	for (uint32_t i = 0; i < funcs.n; i++)
		sides[i] = side_of(c, funcs.v[i].name);
	nthreads = au_data_nr_threads(data);
	stacks = xcalloc(nthreads ? nthreads : 1, sizeof(*stacks));
	depth = xcalloc(nthreads ? nthreads : 1, sizeof(*depth));
	cap = xcalloc(nthreads ? nthreads : 1, sizeof(*cap));

	while (au_data_next(data, &rec) > 0) {
		int side = rec.func >= 0 ? sides[rec.func] : -1;
		uint32_t t = rec.thread;

		if (side < 0)
			continue;
		/* Captured values come in spec order: an annotated function
		 * has just the one (profile.sh --annotate F@argN). */
		if (rec.type == AU_REC_ENTRY && rec.nargs) {
			uint64_t v = rec.nargs == 1 ? rec.args[0]
				   : rec.nargs >= c->arg[side] ? rec.args[c->arg[side] - 1] : rec.args[0];

			au_grow(&stacks[t], &cap[t], depth[t], sizeof(**stacks));
			stacks[t][depth[t]++] = (struct open_call){ rec.func, rec.depth, rec.time, v,
								    side };
		} else if (rec.type == AU_REC_EXIT && depth[t] &&
			   stacks[t][depth[t] - 1].func == rec.func) {
			struct open_call *oc = &stacks[t][--depth[t]];
			const struct au_thread *th = au_data_thread(data, t);

			au_grow(&c->calls, &c->cap_calls, c->nr_calls, sizeof(*c->calls));
			c->calls[c->nr_calls++] = (struct au_corr_call){
				.value = oc->value, .start = oc->start, .end = rec.time,
				.pid = th->pid, .tid = th->tid, .recording = idx,
				.right = oc->side == 1,
			};
		}
	}
	for (size_t i = 0; i < nthreads; i++)
		free(stacks[i]);
	free(stacks);
	free(depth);
	free(cap);
	free(sides);
	au_funcs_free(&funcs);
	au_data_close(data);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

void au_correlate_match(struct au_correlation *c, bool have_given, int64_t given)
{
	c->pairs = xcalloc(c->nr_calls ? c->nr_calls : 1, sizeof(*c->pairs));
	/* First right-hand call with the same value in another process. */
	for (size_t i = 0; i < c->nr_calls; i++) {
		struct au_corr_call *l = &c->calls[i];

		if (l->right)
			continue;
		for (size_t j = 0; j < c->nr_calls; j++) {
			struct au_corr_call *r = &c->calls[j];

			if (!r->right || r->used || r->value != l->value ||
			    (r->recording == l->recording && r->pid == l->pid))
				continue;
			r->used = true;
			c->pairs[c->nr_pairs++] = (struct au_corr_pair){ l, r };
			break;
		}
	}
	for (unsigned k = 1; k < c->nr_recordings; k++) {
		int64_t *est = xmalloc((c->nr_pairs ? c->nr_pairs : 1) * sizeof(*est));
		size_t n = 0;

		if (have_given) {
			c->offsets[k] = given;
			free(est);
			continue;
		}
		/* NTP: the later recording's call is centred in the first's. */
		for (size_t i = 0; i < c->nr_pairs; i++) {
			const struct au_corr_call *a = c->pairs[i].left, *b = c->pairs[i].right;

			if (a->recording == k && b->recording == 0) {
				const struct au_corr_call *tmp = a;

				a = b;
				b = tmp;
			}
			if (a->recording != 0 || b->recording != k)
				continue;
			est[n++] = (((int64_t)a->start - (int64_t)b->start) +
				    ((int64_t)a->end - (int64_t)b->end)) / 2;
		}
		if (n) {
			qsort(est, n, sizeof(*est), cmp_i64);
			c->offsets[k] = est[n / 2];
			c->estimated[k] = true;
		}
		free(est);
	}
}
