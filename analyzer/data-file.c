// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The info file: a 40-byte binary header, then text lines (formats.md 1.1).
 * Also au_data_open/close, which run the other readers in order.
 */
#define PR_FMT "reader"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "uftrace-data-internal.h"
#include "utils.h"

struct info_header {
	char magic[8];
	uint32_t version;
	uint16_t header_size;
	uint8_t endian;
	uint8_t elf_class;
	uint64_t feat_mask;
	uint64_t info_mask;
	uint16_t max_stack;
	uint16_t unused1;
	uint32_t unused2;
} __attribute__((packed));

char *au_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	char *buf;
	size_t cap = 4096, n = 0;

	if (!fp)
		return NULL;
	/* Sized from fstat so that one read does it (a file of exactly that
	 * size gives a short read); grown if the file was longer. */
	if (fstat(fileno(fp), &st) == 0 && st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX / 2)
		cap = (size_t)st.st_size + 2;
	buf = xmalloc(cap);
	for (;;) {
		n += fread(buf + n, 1, cap - n - 1, fp);
		if (n + 1 < cap)
			break;
		cap *= 2;
		buf = xrealloc(buf, cap);
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *value_dup(const char *line, const char *key)
{
	size_t klen = strlen(key);
	const char *end;

	if (strncmp(line, key, klen))
		return NULL;
	line += klen;
	end = strchr(line, '\n');
	return end ? strndup(line, end - line) : xstrdup(line);
}

void au_dir_each(struct au_data *d, const char *suffix,
		 void (*fn)(struct au_data *d, const char *path, void *arg), void *arg)
{
	DIR *dir = opendir(d->dir);
	size_t slen = strlen(suffix);
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		char *path;

		if (len <= slen || strcmp(de->d_name + len - slen, suffix))
			continue;
		path = xasprintf("%s/%s", d->dir, de->d_name);
		fn(d, path, arg);
		free(path);
	}
	closedir(dir);
}

int au_info_read(struct au_data *d)
{
	char *path = xasprintf("%s/info", d->dir);
	struct info_header hdr;
	size_t len;
	char *buf = au_read_file(path, &len), *line, *v;
	int err = 0;

	if (!buf) {
		err = -errno;
		pr_err("%s: %s", path, strerror(errno));
		goto out;
	}
	if (len < sizeof(hdr) || memcmp(buf, UFTRACE_MAGIC, 8)) {
		pr_err("%s: not a uftrace info file (bad magic)", path);
		err = -EINVAL;
		goto out;
	}
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.version < 3 || hdr.version > 4) {
		pr_err("%s: unsupported data version %u (this reader knows 3 and 4)", path,
		       hdr.version);
		err = -ENOTSUP;
		goto out;
	}
	if (hdr.endian != 1 || hdr.elf_class != 2) {
		pr_err("%s: only little-endian 64-bit recordings are supported", path);
		err = -ENOTSUP;
		goto out;
	}
	d->info.version = hdr.version;
	d->info.feat_mask = hdr.feat_mask;
	d->info.info_mask = hdr.info_mask;
	d->info.max_stack = hdr.max_stack;
	d->info.exit_status = -1;

	for (line = buf + (hdr.header_size < len ? hdr.header_size : len); line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if ((v = value_dup(line, "exename:"))) {
			free((char *)d->info.exename);
			d->info.exename = v;
		} else if ((v = value_dup(line, "cmdline:"))) {
			free((char *)d->info.cmdline);
			d->info.cmdline = v;
		} else if ((v = value_dup(line, "exit_status:"))) {
			d->info.exit_status = atoi(v);
			d->info.has_exit_status = true;
			free(v);
		} else if (!strncmp(line, "argspec:lines=", 14)) {
			continue;
		} else if ((v = value_dup(line, "argspec:"))) {
			free(d->argspec);
			d->argspec = v;
		} else if ((v = value_dup(line, "retspec:"))) {
			free(d->retspec);
			d->retspec = v;
		} else if ((v = value_dup(line, "argauto:"))) {
			free(d->argauto);
			d->argauto = v;
		} else if ((v = value_dup(line, "retauto:"))) {
			free(d->retauto);
			d->retauto = v;
		} else if (!strncmp(line, "auto-args:1", 11)) {
			d->auto_args = true;
		} else if ((v = value_dup(line, "pattern_type:"))) {
			d->pattern_glob = !strcmp(v, "glob");
			free(v);
		}
	}
out:
	free(buf);
	free(path);
	return err;
}

/* Everything but info: task.txt, maps, .sym files, streams, COMM names. */
static int files_read(struct au_data *d)
{
	int err = au_sessions_read(d);

	if (err < 0)
		return err;
	au_symtabs_read(d);
	au_auto_args_read(d);
	au_layouts_build(d);
	err = au_streams_open(d);
	if (err < 0)
		return err;
	au_comm_names_read(d);
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int au_data_open_like(const char *dir, const struct au_data *like, struct au_data **out)
{
	struct au_data *d = xcalloc(1, sizeof(*d));
	int err;

	*out = NULL;
	d->dir = xstrdup(dir);
	d->sched_time = UINT64_MAX; /* no context switch until au_sched_open */
	err = au_info_read(d);
	if (err < 0)
		goto fail;
	if (like && d->pattern_glob == like->pattern_glob && same_str(d->argspec, like->argspec) &&
	    same_str(d->retspec, like->retspec)) {
		d->arg_entries = like->arg_entries;
		d->ret_entries = like->ret_entries;
		d->nr_arg_entries = like->nr_arg_entries;
		d->nr_ret_entries = like->nr_ret_entries;
		d->specs_borrowed = true;
	} else {
		au_specs_parse(d);
	}
	err = files_read(d);
	if (err < 0)
		goto fail;
	*out = d;
	return 0;
fail:
	au_data_close(d);
	return err;
}

int au_data_open(const char *dir, struct au_data **out)
{
	return au_data_open_like(dir, NULL, out);
}

void au_data_close(struct au_data *d)
{
	if (!d)
		return;
	au_streams_close(d);
	free(d->rcache);
	for (size_t i = 0; i < d->nr_sessions; i++) {
		free(d->sessions[i].exename);
		free(d->sessions[i].ranges);
	}
	free(d->sessions);
	au_layouts_free(d);
	au_auto_args_free(d);
	for (size_t i = 0; i < d->nr_sym_bufs; i++)
		free(d->sym_bufs[i]);
	free(d->sym_bufs);
	free(d->funcs);
	for (size_t i = 0; i < d->nr_modules; i++) {
		free((char *)d->modules[i].path);
		free((char *)d->modules[i].build_id);
	}
	free(d->modules);
	if (!d->specs_borrowed)
		au_specs_free(d);
	free((char *)d->info.exename);
	free((char *)d->info.cmdline);
	free(d->argspec);
	free(d->retspec);
	free(d->argauto);
	free(d->retauto);
	free(d->dir);
	free(d);
}

const struct au_data_info *au_data_info(const struct au_data *d) { return &d->info; }
const struct au_data_errors *au_data_errors(const struct au_data *d) { return &d->errors; }
size_t au_data_nr_threads(const struct au_data *d) { return d->nr_threads; }
size_t au_data_nr_modules(const struct au_data *d) { return d->nr_modules; }
size_t au_data_nr_funcs(const struct au_data *d) { return d->nr_funcs; }
uint32_t au_data_pid(const struct au_data *d) { return d->pid; }
uint64_t au_data_bytes_read(const struct au_data *d) { return d->bytes_read; }

const struct au_thread *au_data_thread(const struct au_data *d, uint32_t idx)
{
	return idx < d->nr_threads ? &d->threads[idx] : NULL;
}

const struct au_module *au_data_module(const struct au_data *d, uint32_t idx)
{
	return idx < d->nr_modules ? &d->modules[idx] : NULL;
}

const struct au_func *au_data_func(const struct au_data *d, uint32_t idx)
{
	return idx < d->nr_funcs ? &d->funcs[idx] : NULL;
}
