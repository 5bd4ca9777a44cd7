// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * task.txt (sessions, threads, forks, dlopens), sid-*.map (what each
 * session mapped) and perf COMM records (thread names): formats.md 1.2, 1.3
 * and 1.7.
 */
#define PR_FMT "reader"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uftrace-data-internal.h"
#include "utils.h"

static struct au_session *session_add(struct au_data *d)
{
	struct au_session *s;

	au_grow(&d->sessions, &d->cap_sessions, d->nr_sessions, sizeof(*d->sessions));
	s = &d->sessions[d->nr_sessions++];
	memset(s, 0, sizeof(*s));
	return s;
}

static void range_add(struct au_session *s, uint64_t start, uint64_t end, uint32_t module)
{
	au_grow(&s->ranges, &s->cap_ranges, s->nr_ranges, sizeof(*s->ranges));
	s->ranges[s->nr_ranges++] = (struct au_range){ start, end, module };
}

static int cmp_range(const void *a, const void *b)
{
	const struct au_range *ra = a, *rb = b;

	return ra->start < rb->start ? -1 : ra->start > rb->start;
}

/* "55c5a87aa000-55c5a88cd000 r-xp 00000000 00:00 0   /path build-id:81934b87…" */
static void map_read(struct au_data *d, struct au_session *s)
{
	char *path = xasprintf("%s/sid-%s.map", d->dir, s->sid);
	FILE *fp = fopen(path, "r");
	char line[4096];

	if (!fp) {
		pr_warn("%s: %s: addresses of this session cannot be resolved", path,
			strerror(errno));
		free(path);
		return;
	}
	while (fgets(line, sizeof(line), fp)) {
		uint64_t start, end;
		char perm[8], *p, *bid;
		int n = 0;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %*s %*s %*s %n", &start, &end, perm,
			   &n) < 3 || !n)
			continue;
		p = line + n;
		p[strcspn(p, "\n")] = '\0';
		if (*p == '[' || !*p || strstr(p, "libmcount"))
			continue;
		bid = strstr(p, " build-id:");
		if (bid) {
			*bid = '\0';
			bid += strlen(" build-id:");
		}
		/* Trailing blanks before build-id are part of the padding. */
		for (char *e = p + strlen(p); e > p && e[-1] == ' ';)
			*--e = '\0';
		range_add(s, start, end,
			  au_module_get(d, p, bid, s->exename && !strcmp(p, s->exename)));
	}
	fclose(fp);
	free(path);
	if (s->nr_ranges)
		qsort(s->ranges, s->nr_ranges, sizeof(*s->ranges), cmp_range);
}

static char *field(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	if (!p)
		return NULL;
	p += strlen(key);
	if (*p == '"') {
		/* Quoted, not escaped: the value runs to the last quote. */
		const char *q = strrchr(p + 1, '"');

		return q && q > p ? strndup(p + 1, q - p - 1) : NULL;
	}
	return strndup(p, strcspn(p, " \n"));
}

static uint64_t parse_time(const char *line)
{
	char *t = field(line, "timestamp=");
	uint64_t sec = 0, nsec = 0;

	if (t) {
		sscanf(t, "%" SCNu64 ".%" SCNu64, &sec, &nsec);
		free(t);
	}
	return sec * 1000000000ull + nsec;
}

struct pending_dlopen {
	uint32_t tid;
	uint64_t base;
	char *sid, *lib;
};

int au_sessions_read(struct au_data *d)
{
	char *path = xasprintf("%s/task.txt", d->dir);
	FILE *fp = fopen(path, "r");
	char line[8192];
	struct pending_dlopen *dl = NULL;
	size_t nr_dl = 0, cap_dl = 0;

	if (!fp) {
		pr_warn("%s: %s: thread ids come from .dat names, addresses from the "
			"executable's .sym only", path, strerror(errno));
		free(path);
		/* Without sessions, fall back to one session of the exename. */
		if (d->info.exename) {
			struct au_session *s = session_add(d);

			s->exename = xstrdup(d->info.exename);
			au_module_get(d, s->exename, NULL, true);
		}
		return 0;
	}
	while (fgets(line, sizeof(line), fp)) {
		char *v;

		if (!strncmp(line, "SESS ", 5)) {
			struct au_session *s = session_add(d);

			s->time = parse_time(line);
			v = field(line, "pid=");
			s->pid = v ? strtoul(v, NULL, 10) : 0;
			free(v);
			v = field(line, "sid=");
			snprintf(s->sid, sizeof(s->sid), "%s", v ? v : "");
			free(v);
			s->exename = field(line, "exename=");
			if (!d->pid)
				d->pid = s->pid;
		} else if (!strncmp(line, "DLOP ", 5)) {
			au_grow(&dl, &cap_dl, nr_dl, sizeof(*dl));
			v = field(line, "tid=");
			dl[nr_dl].tid = v ? strtoul(v, NULL, 10) : 0;
			free(v);
			v = field(line, "base=");
			dl[nr_dl].base = v ? strtoull(v, NULL, 16) : 0;
			free(v);
			dl[nr_dl].sid = field(line, "sid=");
			dl[nr_dl].lib = field(line, "libname=");
			nr_dl++;
		}
		/* TASK and FORK lines: thread pids are read per stream. */
	}
	fclose(fp);
	free(path);

	for (size_t i = 0; i < d->nr_sessions; i++)
		map_read(d, &d->sessions[i]);

	/* A dlopen'ed library is not in the map: its base comes from DLOP
	 * and its end from its symbols, known once .sym files are read.
	 * Record it with an open end for now. */
	for (size_t i = 0; i < nr_dl; i++) {
		for (size_t j = 0; j < d->nr_sessions; j++) {
			struct au_session *s = &d->sessions[j];

			if (dl[i].sid && dl[i].lib && !strcmp(s->sid, dl[i].sid)) {
				range_add(s, dl[i].base, 0, au_module_get(d, dl[i].lib, NULL, false));
				qsort(s->ranges, s->nr_ranges, sizeof(*s->ranges), cmp_range);
				break;
			}
		}
		free(dl[i].sid);
		free(dl[i].lib);
	}
	free(dl);
	return 0;
}

/* Thread pids come from TASK lines; also used by task-reader.c. */
struct au_session *au_session_of_pid(struct au_data *d, uint32_t pid)
{
	struct au_session *found = NULL;

	/* The newest session of the pid (after exec), else the first one
	 * (a forked child keeps its parent's image). */
	for (size_t i = 0; i < d->nr_sessions; i++) {
		if (d->sessions[i].pid == pid)
			found = &d->sessions[i];
	}
	if (!found && d->nr_sessions)
		found = &d->sessions[0];
	return found;
}

/* perf-cpu*.dat: only COMM records (type 3) matter here: thread names. */
static void comm_read(struct au_data *d, const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t hdr[8], body[4096];

	if (!fp)
		return;
	while (fread(hdr, 1, 8, fp) == 8) {
		uint32_t type;
		uint16_t size;

		memcpy(&type, hdr, 4);
		memcpy(&size, hdr + 6, 2);
		if (size < 8 || (size_t)(size - 8) > sizeof(body) ||
		    fread(body, 1, size - 8, fp) != (size_t)(size - 8))
			break;
		if (type == 3 && size >= 8 + 8 + 8) {
			uint32_t tid;
			char name[17];

			memcpy(&tid, body + 4, 4);
			memcpy(name, body + 8, 16);
			name[16] = '\0';
			name[strnlen(name, 16)] = '\0';
			for (size_t i = 0; i < d->nr_threads; i++) {
				if (d->threads[i].tid == tid && name[0]) {
					free((char *)d->threads[i].name);
					d->threads[i].name = xstrdup(name);
				}
			}
		}
	}
	fclose(fp);
}

void au_comm_names_read(struct au_data *d)
{
	DIR *dir = opendir(d->dir);
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (!strncmp(de->d_name, "perf-cpu", 8)) {
			char *path = xasprintf("%s/%s", d->dir, de->d_name);

			comm_read(d, path);
			free(path);
		}
	}
	closedir(dir);
}

const char *au_data_exename_of(const struct au_data *d, uint32_t pid)
{
	for (size_t i = d->nr_sessions; i-- > 0;) {
		if (d->sessions[i].pid == pid && d->sessions[i].exename)
			return d->sessions[i].exename;
	}
	return d->info.exename;
}
