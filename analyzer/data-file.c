// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The info file: a 40-byte binary header, then text lines (formats.md 1.1).
 * Also au_data_open/close, which run the other readers in order.
 */
#define PR_FMT "reader"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!fp)
		return NULL;
	do {
		au_grow(&buf, &cap, n + 4096, 1);
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
	} while (got > 0);
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

int au_info_read(struct au_data *d)
{
	char *path = xasprintf("%s/info", d->dir);
	struct info_header hdr;
	size_t len;
	char *buf = read_file(path, &len), *line, *v;
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

int au_data_open(const char *dir, struct au_data **out)
{
	struct au_data *d = xcalloc(1, sizeof(*d));
	int err;

	*out = NULL;
	d->dir = xstrdup(dir);
	err = au_info_read(d);
	if (err < 0)
		goto fail;
	err = au_sessions_read(d);
	if (err < 0)
		goto fail;
	au_symtabs_read(d);
	au_layouts_build(d);
	err = au_streams_open(d);
	if (err < 0)
		goto fail;
	au_comm_names_read(d);
	*out = d;
	return 0;
fail:
	au_data_close(d);
	return err;
}

void au_data_close(struct au_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nr_threads; i++) {
		if (d->streams[i].fp)
			fclose(d->streams[i].fp);
		free(d->streams[i].buf);
		free(d->streams[i].path);
		free((char *)d->threads[i].name);
	}
	free(d->streams);
	free(d->threads);
	free(d->rcache);
	free(d->heap);
	for (size_t i = 0; i < d->nr_sessions; i++) {
		free(d->sessions[i].exename);
		free(d->sessions[i].ranges);
	}
	free(d->sessions);
	au_layouts_free(d);
	for (size_t i = 0; i < d->nr_funcs; i++)
		free((char *)d->funcs[i].name);
	free(d->funcs);
	for (size_t i = 0; i < d->nr_modules; i++) {
		free((char *)d->modules[i].path);
		free((char *)d->modules[i].build_id);
	}
	free(d->modules);
	free((char *)d->info.exename);
	free((char *)d->info.cmdline);
	free(d->argspec);
	free(d->retspec);
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
