#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tasks on async-std and smol (async-task underneath), and futures'
executors (LocalPool, ThreadPool, block_on): the same program shape on each,
with facts known from the source."""
import re

from aulib import SRC, check, check_trace_file, done, fixture, future, load, profile, within


def const(path, name):
    with open(SRC + "/fixtures/" + path) as f:
        return int(re.search(r"const %s: u64 = (\d+);" % name, f.read()).group(1))


for app, crate in (("asyncstd-tasks", "asyncstd_tasks"), ("smol-tasks", "smol_tasks")):
    n, sleep_ms = const(app + "/src/main.rs", "TASKS"), const(app + "/src/main.rs", "SLEEP_MS")
    res = profile(fixture(app), app)
    check(res["rc"] == 0, "%s: profile.sh exits 0" % app)
    s = load(res["summary"])
    check(s["trace"]["runtime"] == ("async-std" if app.startswith("async") else "smol"),
          "%s: runtime %s" % (app, s["trace"]["runtime"]))
    workers = [t for t in s["tasks"] if t["name"] == crate + "::worker"]
    check(len(workers) == n, "%s: %d worker tasks (got %d)" % (app, n, len(workers)))
    parents = {t["parent"] for t in workers}
    by_id = {t["id"]: t for t in s["tasks"]}
    check(len(parents) == 1 and by_id.get(next(iter(parents)), {}).get("kind") == "block_on",
          "%s: all spawned by the block_on root" % app)
    check(all(t["outcome"] == "completed" for t in workers), "%s: all completed (%s)" %
          (app, [t["outcome"] for t in workers]))
    # The timer starts inside the first poll: its sleep is the idle time
    # plus what of that poll came after (under load a first poll is slow).
    check(all(within(t["idle_ns"] + t["busy_ns"], sleep_ms * 1e6, 0.10) for t in workers),
          "%s: each idle for its %d ms sleep +-10%% (%s)" %
          (app, sleep_ms, [round((t["idle_ns"] + t["busy_ns"]) / 1e6, 1) for t in workers]))
    check(all(t["wakes"] >= 1 for t in workers), "%s: each woken by its timer" % app)
    check_trace_file(res["trace"])

n = const("futures-pool/src/main.rs", "TASKS")
res = profile(fixture("futures-pool"), "futures-pool")
check(res["rc"] == 0, "futures-pool: profile.sh exits 0")
s = load(res["summary"])
check(s["trace"]["runtime"] == "futures", "futures-pool: runtime futures")
lt = future(s, "futures_pool::local_task")
pt = future(s, "futures_pool::pool_task")
check(lt is not None and lt["instances"] == n and lt["completed"] == n,
      "LocalPool: %d local_task futures, all completed" % n)
check(pt is not None and pt["instances"] == n and pt["completed"] == n,
      "ThreadPool: %d pool_task futures, all completed" % n)
check_trace_file(res["trace"])
done()
