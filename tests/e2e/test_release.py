#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Optimized builds (scripts/cargo-mcount --patchable --release, as
scripts/test.sh builds fixtures/workload, tokio-demo, asyncstd-tasks and
smol-tasks): what
inlining hides is said, never read as zero, and --no-inline gives back
the program's futures with their true waits.

- workload (tokio multi-thread, 2 workers; 10 yielders, 5 ping-pong pairs
  of 200 messages): tokio's spawn, queueing and steal functions are
  inlined, so trace.unseen is ["spawns", "queueing", "steals"], the queue
  and steal counts are null, and the report says so; the workers' blocking tasks, whose spawn_blocking was
  not seen either, are still kind "worker"; every ping, pong and yielder
  task is there and completes, with its root future named, and polled as
  often as the recording says; a yielder's
  waits at its inlined yield_now name that line.
- asyncstd-tasks and smol-tasks (3 tasks sleeping 100 ms; smol's also a
  label task): every future is inlined into async-task's run, whose
  generics still name each task's future: the tasks are named, idle their
  100 ms, spawns unseen, and the analysis warns of the inlining.
- tokio-demo: its async fns are inlined into main's block_on: the analysis
  warns that none of the program's futures was polled and why.
- tokio-demo built with --no-inline (target/no-inline): my_test is polled
  twice and waits its 100 ms sleep at its line, as in a debug build.
"""
import glob
import os
import re
import subprocess

from aulib import (AU, SRC, check, done, load, marker_line, profile, skip, timer_wait, tmpdir,
                   waits_of)


def built(subdir, name):
    paths = sorted(glob.glob(os.path.join(SRC, "fixtures", "target", *subdir, "*-linux-*",
                                          "release", name)))
    if not paths or not os.access(paths[0], os.X_OK):
        skip("fixture %s not built with --release (scripts/test.sh builds it)" % name)
    return paths[0]


workload = built((), "workload")
demo = built((), "tokio-demo")
demo_noinline = built(("no-inline",), "tokio-demo")

# --- workload: spawns and queueing inlined --------------------------------
res = profile(workload, "workload-release", args=("10", "3", "200"))
check(res["rc"] == 0, "workload: profile.sh exits 0 (got %d)" % res["rc"])
s = load(res["summary"])
check(s["trace"]["unseen"] == ["spawns", "queueing", "steals"],
      "workload: spawns, queueing and steals are unseen (%s)" % s["trace"]["unseen"])
check(s["workers"]["count"] == 2 and s["workers"]["local_schedules"] is None and
      s["workers"]["remote_schedules"] is None and s["workers"]["stolen_polls"] is None,
      "workload: 2 workers, their queue and steal counts null, not 0 (%s)" % s["workers"])
check(all(t["scheduled_local"] is None and t["scheduled_remote"] is None and
          t["stolen_polls"] is None for t in s["tasks"]),
      "workload: every task's queue and steal counts are null")
workers = [t for t in s["tasks"] if t["kind"] == "worker"]
check(len(workers) == 2, "workload: the workers' blocking tasks are kind worker (%s)" %
      [(t["id"], t["kind"], t["name"]) for t in s["tasks"] if t["kind"] != "task"])
by_root = {}
for t in s["tasks"]:
    if t["kind"] == "task":
        by_root.setdefault(t["name"], []).append(t)
check(sorted((k, len(v)) for k, v in by_root.items()) ==
      [("workload::ping", 5), ("workload::pong", 5), ("workload::yielder", 10)],
      "workload: 5 ping, 5 pong and 10 yielder tasks, no other (%s)" %
      sorted((k, len(v)) for k, v in by_root.items()))
check(all(t["outcome"] == "completed" for v in by_root.values() for t in v),
      "workload: every task completed (%s)" %
      sorted({t["outcome"] for v in by_root.values() for t in v}))
check(all(t["parent"] is None and t["spawn_site"] is None for v in by_root.values() for t in v),
      "workload: no parent or spawn site is made up")
# every poll of a pong task the recording holds is counted, none made up:
# as many as entries to tokio's raw::poll for pong's future in uftrace's
# own dump (on two workers a pong can find its next message already sent,
# so the count itself varies from run to run)
dump = subprocess.run(["uftrace", "dump", "-d", res["data"]], capture_output=True,
                      text=True).stdout
raw_polls = sum(1 for l in dump.splitlines()
                if "[entry]" in l and "4task3raw4poll" in l and "8workload4pong0" in l)
pongs = by_root.get("workload::pong", [])
check(raw_polls >= 5 and sum(t["polls"] for t in pongs) == raw_polls,
      "workload: the pong tasks' polls are the %d recorded polls of pong's task (%s)" %
      (raw_polls, [t["polls"] for t in pongs]))
# yield_now's async fn is inlined into yielder's poll: the YieldNow it
# polls lives inside that await's storage, which names the line
with open(os.path.join(SRC, "fixtures", "workload", "src", "main.rs")) as f:
    src = f.read().splitlines()
yield_line = next(i for i, l in enumerate(src, 1) if "yield_now().await" in l)
sleep_line = next(i for i, l in enumerate(src, 1) if "sleep(Duration::from_millis(1)).await" in l)
waits = [((w["args"].get("await") or {}).get("line"), w["args"].get("on"))
         for w in waits_of(load(res["trace"]), "workload::yielder")]
# (yield_now is Pending once, always; a 1 ms sleep whose deadline the
# timer has passed by its first poll is Ready at once, which a loaded
# machine can make happen)
yield_wait = (yield_line, "<tokio::task::yield_now::yield_now::{closure#0}::YieldNow as Future>")
sleep_wait = (sleep_line, "<tokio::time::sleep::Sleep as Future>")
check(set(waits) == {yield_wait, sleep_wait} and waits.count(yield_wait) == 30 and
      5 <= waits.count(sleep_wait) <= 10,
      "workload: each yielder waits 3 times at its yield_now line (%d), inlined, and at "
      "its sleep (%d): %s" % (yield_line, sleep_line,
                              sorted((w, waits.count(w)) for w in set(waits))))
rep = subprocess.run([AU, "report", res["data"]], capture_output=True, text=True).stdout
check(re.search(r"^not recorded: task spawns .*, queueing .*inlined", rep, re.M) is not None,
      "workload: the report says what was not recorded and why")
check(re.search(r"^  2 workers: .* queueing not recorded, steals not recorded$", rep, re.M)
      is not None, "workload: the report's workers line gives no queue or steal counts")
check("(future not traced)" not in rep,
      "workload: no task in the report without its future (the workers' are under Threads)")

# --- async-std and smol: every future inlined into async-task's run --------
for app, crate, names in (("asyncstd-tasks", "asyncstd_tasks", ["worker"] * 3),
                          ("smol-tasks", "smol_tasks", ["label"] + ["worker"] * 3)):
    res = profile(built((), app), app + "-release")
    check(res["rc"] == 0, "%s: profile.sh exits 0 (got %d)" % (app, res["rc"]))
    s = load(res["summary"])
    tasks = [t for t in s["tasks"] if t["kind"] == "task"]
    check(sorted(t["name"] for t in tasks) == sorted(crate + "::" + n for n in names),
          "%s: each task named after its future, read from async-task's poll function (%s)" %
          (app, [t["name"] for t in tasks]))
    sleepers = [t for t in tasks if t["name"] == crate + "::worker"]
    check(sleepers and all(timer_wait((t["idle_ns"] + t["busy_ns"]) / 1e6, 100) for t in sleepers),
          "%s: each worker task idle for its 100 ms sleep (%s)" %
          (app, [round(t["idle_ns"] / 1e6, 1) for t in sleepers]))
    check("spawns" in s["trace"]["unseen"], "%s: spawns unseen (%s)" % (app, s["trace"]["unseen"]))
    check("inlined" in res["stderr"] and "--no-inline" in res["stderr"],
          "%s: the analysis says the futures' polls were inlined" % app)

# --- tokio-demo: the program's futures inlined -----------------------------
res = profile(demo, "demo-release")
check(res["rc"] == 0, "tokio-demo: profile.sh exits 0 (got %d)" % res["rc"])
check("none of the program's own futures was polled" in res["stderr"] and
      "--no-inline" in res["stderr"],
      "tokio-demo: the analysis says the program's futures were inlined, and what to do")
s = load(res["summary"])
check(not [f for f in s["futures"] if f["name"].startswith("tokio_demo::")],
      "tokio-demo: no future of the program's is made up")

# --- tokio-demo --no-inline: the futures are back --------------------------
res = profile(demo_noinline, "demo-noinline")
check(res["rc"] == 0, "tokio-demo --no-inline: profile.sh exits 0 (got %d)" % res["rc"])
check("none of the program's own futures" not in res["stderr"],
      "tokio-demo --no-inline: no warning of inlined futures")
s = load(res["summary"])
check(s["trace"]["unseen"] == [], "tokio-demo --no-inline: nothing unseen (%s)" %
      s["trace"]["unseen"])
my_test = next((f for f in s["futures"] if f["name"] == "tokio_demo::my_test"), None)
check(my_test is not None and my_test["polls"] == 2 and my_test["completed"] == 1,
      "tokio-demo --no-inline: my_test polled twice and completed (%s)" %
      ((my_test and (my_test["polls"], my_test["completed"])),))
if my_test:
    check(timer_wait((my_test["wait_ns"] + my_test["busy_ns"]) / 1e6, 100),
          "tokio-demo --no-inline: my_test waited its 100 ms sleep (%.1f ms)" %
          (my_test["wait_ns"] / 1e6))
waits = waits_of(load(res["trace"]), "tokio_demo::my_test")
line = marker_line("tokio-demo/src/main.rs", "my_test sleep")
check(len(waits) == 1 and (waits[0]["args"].get("await") or {}).get("line") == line,
      "tokio-demo --no-inline: my_test waits at src/main.rs:%d (%s)" %
      (line, [w["args"].get("await") for w in waits]))
done()
