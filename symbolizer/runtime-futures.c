// SPDX-License-Identifier: GPL-2.0-or-later
/* futures 0.3: executors (block_on, LocalPool, ThreadPool) and combinators. */
#include "runtime.h"

static const char *const crates[] = {
	"futures", "futures_executor", "futures_util", "futures_core", "futures_task",
	"futures_channel", "futures_io", "futures_sink", "futures_lite", NULL,
};

#define E(how, pat, role, flags, arg) { ASYM_MATCH_##how, pat, ASYM_ROLE_##role, flags, arg }

static const struct asym_runtime_entry entries[] = {
	E(EXACT, "futures_executor::local_pool::block_on", BLOCK_ON, 0, 0),
	E(EXACT, "futures_executor::local_pool::run_executor", BLOCK_ON, 0, 0),
};

const struct asym_runtime_table asym_runtime_futures = ASYM_TABLE("futures", crates, entries);
