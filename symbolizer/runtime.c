// SPDX-License-Identifier: GPL-2.0-or-later
/* Matching function names against the runtime tables (runtime.h). */
#include <string.h>

#include "asym-internal.h"
#include "runtime.h"

static const struct asym_runtime_table *const tables[] = {
	&asym_runtime_tokio, &asym_runtime_async_std, &asym_runtime_smol,
	&asym_runtime_futures, &asym_runtime_std,
};

static bool entry_matches(const struct asym_runtime_entry *e, const char *path)
{
	switch (e->how) {
	case ASYM_MATCH_EXACT:
		return !strcmp(path, e->pattern);
	case ASYM_MATCH_PREFIX:
		return !strncmp(path, e->pattern, strlen(e->pattern));
	case ASYM_MATCH_CONTAINS:
		return strstr(path, e->pattern) != NULL;
	}
	return false;
}

bool asym_runtime_classify(const char *name, struct asym_runtime_match *m)
{
	char path[1024];

	if (!name)
		return false;
	asym_strip_generics(name, path, sizeof(path));
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (unsigned i = 0; i < tables[t]->nr_entries; i++) {
			const struct asym_runtime_entry *e = &tables[t]->entries[i];

			if (entry_matches(e, path)) {
				m->role = e->role;
				m->flags = e->flags;
				m->runtime = tables[t]->runtime;
				m->task_arg = e->task_arg;
				return true;
			}
		}
	}
	return false;
}

const char *asym_runtime_of_crate(const char *crate)
{
	if (!crate)
		return NULL;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const char *const *c = tables[t]->crates; c && *c; c++) {
			if (!strcmp(*c, crate))
				return tables[t]->runtime;
		}
	}
	return NULL;
}
