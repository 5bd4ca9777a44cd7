// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The future a spawn function takes, read from its demangled name's
 * generics (spawned-futures.c): what names a task that never ran.
 */
#include <string.h>

#include "funcs.h"
#include "unittest.h"

#define USER (ASYM_F_FUTURE | ASYM_F_USER)
#define LIB ASYM_F_FUTURE

struct fn {
	const char *name;
	enum asym_role role;
	unsigned flags;
};

/* Links the spawns of @fns; returns the index spawn @at names, or -1. */
static int32_t link_one(const struct fn *fns, uint32_t n, uint32_t at)
{
	struct au_funcinfo v[16];
	struct au_funcs funcs = { .v = v, .n = n };

	memset(v, 0, sizeof(v));
	for (uint32_t i = 0; i < n; i++) {
		v[i] = (struct au_funcinfo){ .name = fns[i].name, .label = fns[i].name,
					     .role = fns[i].role, .flags = fns[i].flags };
		funcs.nr_futures += (fns[i].flags & ASYM_F_FUTURE) != 0;
	}
	au_funcs_link_spawns(&funcs);
	return v[at].spawns;
}

TEST(tokio_raw_task_new_boxed_and_direct)
{
	const struct fn fns[] = {
		{ "app::child::{closure#0}", ASYM_ROLE_ASYNC_FN, USER },
		{ "<core::pin::Pin<alloc::boxed::Box<app::child::{closure#0}>> as "
		  "core::future::future::Future>::poll", ASYM_ROLE_FUTURE_IMPL, LIB },
		{ "<tokio::runtime::task::raw::RawTask>::new::<core::pin::Pin<alloc::boxed::Box<"
		  "app::child::{closure#0}>>, alloc::sync::Arc<tokio::runtime::scheduler::"
		  "current_thread::Handle>>", ASYM_ROLE_SPAWN, 0 },
		{ "<tokio::runtime::task::raw::RawTask>::new::<app::child::{closure#0}, "
		  "alloc::sync::Arc<tokio::runtime::scheduler::current_thread::Handle>>",
		  ASYM_ROLE_SPAWN, 0 },
	};

	/* the program's own future, not the Pin<Box<..>> around it */
	TEST_EQ(link_one(fns, 4, 2), 0);
	TEST_EQ(link_one(fns, 4, 3), 0);
	return TEST_OK;
}

TEST(async_task_generics_on_the_type_and_a_path_turbofish)
{
	/* the executor's spawn block is named as a path (`spawn::<..>`) and
	 * appears in the spawn's name as a type (`spawn<..>`) */
	const struct fn fns[] = {
		{ "<async_executor::Executor>::spawn::<u64, async_std::task::builder::"
		  "SupportTaskLocals<app::worker::{closure#0}>>::{closure#0}",
		  ASYM_ROLE_ASYNC_BLOCK, LIB },
		{ "app::worker::{closure#0}", ASYM_ROLE_ASYNC_FN, USER },
		{ "<async_task::raw::RawTask<<async_executor::Executor>::spawn<u64, async_std::"
		  "task::builder::SupportTaskLocals<app::worker::{closure#0}>>::{closure#0}, u64, "
		  "<async_executor::Executor>::schedule::{closure#0}>>::allocate",
		  ASYM_ROLE_SPAWN, 0 },
	};

	TEST_EQ(link_one(fns, 3, 2), 1);
	/* without the program's future known: the outermost, the spawn block */
	{
		const struct fn lib_only[] = { fns[0], fns[2] };

		TEST_EQ(link_one(lib_only, 2, 1), 0);
	}
	return TEST_OK;
}

TEST(hand_written_future_and_things_that_are_not_futures)
{
	const struct fn fns[] = {
		{ "<app::Countdown as core::future::future::Future>::poll", ASYM_ROLE_FUTURE_IMPL,
		  USER },
		{ "app::helper", ASYM_ROLE_NONE, 0 },
		{ "tokio::task::spawn::spawn::<app::Countdown>", ASYM_ROLE_SPAWN, 0 },
		/* a function pointer's arrow is no closing '>' */
		{ "tokio::task::spawn::spawn::<app::Wrap<fn() -> u8, app::Countdown>>",
		  ASYM_ROLE_SPAWN, 0 },
		{ "tokio::task::spawn::spawn::<app::helper>", ASYM_ROLE_SPAWN, 0 },
		{ "tokio::task::spawn::spawn", ASYM_ROLE_SPAWN, 0 },
		{ "tokio::task::spawn::spawn::<app::Count", ASYM_ROLE_SPAWN, 0 },
	};

	TEST_EQ(link_one(fns, 7, 2), 0);
	TEST_EQ(link_one(fns, 7, 3), 0);
	TEST_EQ(link_one(fns, 7, 4), -1);
	TEST_EQ(link_one(fns, 7, 5), -1);
	TEST_EQ(link_one(fns, 7, 6), -1);
	/* not a spawn: nothing */
	TEST_EQ(link_one(fns, 7, 1), -1);
	return TEST_OK;
}

TEST(garbage_names_neither_crash_nor_match_wrongly)
{
	/* random strings of the characters the parser cares about, as the
	 * spawn's name, with a future named "a" and "<a as ..>::poll" */
	static const char alphabet[] = "<>:, a{}-#";
	uint32_t seed = 12345;

	for (int round = 0; round < 20000; round++) {
		char name[64];
		unsigned len = 1 + round % (sizeof(name) - 1);
		const struct fn fns[] = {
			{ "a", ASYM_ROLE_ASYNC_FN, USER },
			{ "<a as core::future::future::Future>::poll", ASYM_ROLE_FUTURE_IMPL, LIB },
			{ name, ASYM_ROLE_SPAWN, 0 },
		};
		int32_t got;

		for (unsigned i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			name[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		name[len] = '\0';
		got = link_one(fns, 3, 2);
		/* only a generic argument that is exactly "a" names a future */
		if (got != -1 && got != 0)
			TEST_FAILED("%s: %d", name, got);
		if (got == 0 && !strstr(name, "<a") && !strstr(name, " a") && !strstr(name, ",a"))
			TEST_FAILED("%s: matched without an argument a", name);
	}
	return TEST_OK;
}

TEST_MAIN()
