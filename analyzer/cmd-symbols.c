// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * async-uftrace symbols BINARY [--json] [--all]: what the symbolizer found,
 * one classified function per line (also the symbolizer's test driver).
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "asym.h"
#include "commands.h"
#include "utils.h"

static void symbols_usage(FILE *fp)
{
	fprintf(fp,
		"usage: async-uftrace symbols [OPTIONS] BINARY\n"
		"\n"
		"Lists the functions that matter to async analysis: futures' poll functions\n"
		"(async fn and async block bodies, Future impls) and runtime entry points,\n"
		"with their source line, state machine size and await points.\n"
		"\n"
		"options:\n"
		"  -j, --json           a JSON array instead of one line per function\n"
		"  -a, --all            every function, classified or not\n"
		"  -h, --help           this text\n");
}

static const char *ret_name(const struct asym_func *f)
{
	return f->ret_kind == ASYM_RET_REG ? "reg" : "unknown";
}

static void print_line(const struct asym_func *f)
{
	printf("0x%" PRIx64 " %" PRIu64 " %s %s", f->addr, f->size, asym_role_name(f->role),
	       f->label);
	if (f->file)
		printf(" %s:%d", f->file, f->line);
	if (f->flags & ASYM_F_FUTURE) {
		printf(" size=%" PRIu64 " awaits=", f->future_size);
		for (unsigned i = 0; i < f->n_awaits; i++)
			printf("%s%d", i ? "," : "", f->awaits[i].line);
		if (!f->n_awaits)
			putchar('-');
		printf(" ret=%s", ret_name(f));
	}
	if (f->flags & ASYM_F_COMBINATOR)
		printf(" combinator");
	if (f->flags & ASYM_F_TIMER)
		printf(" timer");
	if (f->flags & ASYM_F_IO)
		printf(" io");
	if (f->runtime)
		printf(" runtime=%s", f->runtime);
	if (f->task_arg)
		printf(" task=%s", f->task_arg < 0 ? "retval" : f->task_arg == 1 ? "arg1" : "argN");
	putchar('\n');
}

static cJSON *func_json(const struct asym_func *f)
{
	cJSON *o = cJSON_CreateObject(), *aws;
	char addr[24];

	snprintf(addr, sizeof(addr), "0x%" PRIx64, f->addr);
	cJSON_AddStringToObject(o, "addr", addr);
	cJSON_AddNumberToObject(o, "size", f->size);
	cJSON_AddStringToObject(o, "role", asym_role_name(f->role));
	cJSON_AddStringToObject(o, "name", f->name);
	cJSON_AddStringToObject(o, "label", f->label);
	cJSON_AddStringToObject(o, "symbol", f->symbol);
	if (f->crate)
		cJSON_AddStringToObject(o, "crate", f->crate);
	if (f->file) {
		cJSON_AddStringToObject(o, "file", f->file);
		cJSON_AddNumberToObject(o, "line", f->line);
	}
	cJSON_AddBoolToObject(o, "future", (f->flags & ASYM_F_FUTURE) != 0);
	cJSON_AddBoolToObject(o, "combinator", (f->flags & ASYM_F_COMBINATOR) != 0);
	cJSON_AddBoolToObject(o, "timer", (f->flags & ASYM_F_TIMER) != 0);
	cJSON_AddBoolToObject(o, "io", (f->flags & ASYM_F_IO) != 0);
	cJSON_AddBoolToObject(o, "user", (f->flags & ASYM_F_USER) != 0);
	if (f->runtime)
		cJSON_AddStringToObject(o, "runtime", f->runtime);
	cJSON_AddNumberToObject(o, "task_arg", f->task_arg);
	if (f->flags & ASYM_F_FUTURE) {
		cJSON_AddNumberToObject(o, "size_bytes", f->future_size);
		cJSON_AddStringToObject(o, "ret", ret_name(f));
		cJSON_AddNumberToObject(o, "self_arg", f->self_arg == 2 ? 2 : 1);
		if (f->ret_kind == ASYM_RET_REG) {
			cJSON_AddNumberToObject(o, "ret_shift", f->ret_shift);
			cJSON_AddNumberToObject(o, "ret_bits", f->ret_bits);
			cJSON_AddNumberToObject(o, "ret_pending", f->ret_pending);
		}
		if (f->first_known) {
			cJSON *first = cJSON_AddArrayToObject(o, "first_awaits");

			for (unsigned b = 0; b < f->n_awaits && b < 64; b++) {
				if (f->first_awaits & (1ull << b))
					cJSON_AddItemToArray(first, cJSON_CreateNumber(f->awaits[b].state));
			}
		}
		aws = cJSON_AddArrayToObject(o, "awaits");
		for (unsigned i = 0; i < f->n_awaits; i++) {
			const struct asym_await *a = &f->awaits[i];
			cJSON *ao = cJSON_CreateObject();

			cJSON_AddNumberToObject(ao, "state", a->state);
			if (a->file)
				cJSON_AddStringToObject(ao, "file", a->file);
			cJSON_AddNumberToObject(ao, "line", a->line);
			cJSON_AddNumberToObject(ao, "awaitee_offset", a->awaitee_offset);
			cJSON_AddNumberToObject(ao, "awaitee_size", a->awaitee_size);
			if (a->awaitee)
				cJSON_AddStringToObject(ao, "awaitee", a->awaitee);
			if (a->awaitee_label)
				cJSON_AddStringToObject(ao, "awaitee_label", a->awaitee_label);
			if (a->next_known) {
				cJSON *next = cJSON_AddArrayToObject(ao, "next");

				for (unsigned b = 0; b < f->n_awaits; b++) {
					if (a->next & (1ull << b))
						cJSON_AddItemToArray(next, cJSON_CreateNumber(f->awaits[b].state));
				}
			}
			if (a->awaitee_addr) {
				snprintf(addr, sizeof(addr), "0x%" PRIx64, a->awaitee_addr);
				cJSON_AddStringToObject(ao, "awaitee_addr", addr);
			}
			if (a->call_addr) {
				snprintf(addr, sizeof(addr), "0x%" PRIx64, a->call_addr);
				cJSON_AddStringToObject(ao, "call_addr", addr);
			}
			if (a->macro_file) {
				cJSON_AddStringToObject(ao, "macro_file", a->macro_file);
				cJSON_AddNumberToObject(ao, "macro_line", a->macro_line);
			}
			cJSON_AddItemToArray(aws, ao);
		}
	}
	return o;
}

int cmd_symbols(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, all = false;
	struct asym_binary *bin;
	cJSON *arr = NULL;
	unsigned flags;
	int c, err, ret = AU_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jah", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'a':
			all = true;
			break;
		case 'h':
			symbols_usage(stdout);
			return AU_EXIT_OK;
		default:
			symbols_usage(stderr);
			return AU_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		symbols_usage(stderr);
		return AU_EXIT_USAGE;
	}
	err = asym_binary_open(argv[optind], &bin);
	if (err < 0) {
		fprintf(stderr, "async-uftrace: %s: %s\n", argv[optind], asym_strerror(err));
		return AU_EXIT_NOTHING;
	}
	flags = asym_binary_flags(bin);
	if (!(flags & ASYM_BIN_SYMTAB)) {
		fprintf(stderr, "async-uftrace: %s: no symbol table (stripped binary): only "
			"dynamic symbols are known\n", argv[optind]);
		ret = AU_EXIT_WARN;
	}
	if (!(flags & ASYM_BIN_DWARF)) {
		fprintf(stderr, "async-uftrace: %s: no DWARF debug info: roles from names only "
			"(async bodies cannot be told from closures)\n", argv[optind]);
		ret = AU_EXIT_WARN;
	}
	if (json)
		arr = cJSON_CreateArray();
	for (size_t i = 0; i < asym_binary_func_count(bin); i++) {
		const struct asym_func *f = asym_binary_func(bin, i);

		if (!all && f->role == ASYM_ROLE_NONE)
			continue;
		if (json)
			cJSON_AddItemToArray(arr, func_json(f));
		else
			print_line(f);
	}
	if (json) {
		char *s = cJSON_Print(arr);

		puts(s);
		free(s);
		cJSON_Delete(arr);
	}
	asym_binary_free(bin);
	return ret;
}
