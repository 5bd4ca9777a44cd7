// SPDX-License-Identifier: GPL-2.0-or-later
/* Error texts and the message callback (libtraceevent's tep_strerror,
 * libbpf's libbpf_set_print). */
#include <stdio.h>
#include <string.h>

#include "asym-internal.h"

#define _PE(code, str) str,
static const char *const asym_error_str[] = { ASYM_ERRORS };
#undef _PE

#define _PR(code, str) str,
static const char *const asym_role_str[] = { ASYM_ROLES };
#undef _PR

const char *asym_strerror(int err)
{
	if (err > ASYM_ERR_START && err < ASYM_ERR_END)
		return asym_error_str[err - ASYM_ERR_START - 1];
	if (err < 0 && err > -4096)
		return strerror(-err);
	return "unknown error";
}

const char *asym_role_name(enum asym_role role)
{
	return role < ASYM_ROLE_NR ? asym_role_str[role] : "?";
}

static int default_print(enum asym_print_level level, const char *fmt, va_list ap)
{
	if (level != ASYM_WARN)
		return 0;
	fputs("asym: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

static asym_print_fn print_fn = default_print;

asym_print_fn asym_set_print(asym_print_fn fn)
{
	asym_print_fn old = print_fn;

	print_fn = fn;
	return old;
}

void asym_pr(enum asym_print_level level, const char *fmt, ...)
{
	va_list ap;

	if (!print_fn)
		return;
	va_start(ap, fmt);
	print_fn(level, fmt, ap);
	va_end(ap);
}
