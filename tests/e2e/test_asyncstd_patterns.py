#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""async-std patterns (fixtures/asyncstd-patterns): main awaits four
JoinHandles of two types at one offset of its state machine, and each wait
is at its own line, on the task spawned for it; the spawn_blocking task is
named by its closure and completes, async_std::fs::read's by its fs
function; the 25 ms CPU-bound poll is a
long_poll naming crunch; lock and timeout waits last as long as their
timers."""
from aulib import PATCHABLE, check, done, marker_line, profiled, wait_near, waits_of, within

SRC_FILE = "asyncstd-patterns/src/main.rs"
res, s, trace = profiled("asyncstd-patterns")
tasks = s["tasks"]

# which task each JoinHandle await waits on, by the lines in the source
# (spawn_blocking spawns two: async-std's task around the blocking one)
want = {}
for what in ("holder", "contender", "blocking", "hog", "fs read"):
    line = marker_line(SRC_FILE, what, "SPAWN")
    spawned = [t for t in tasks if t["spawn_site"] and t["spawn_site"]["line"] == line]
    check(spawned, "a task spawned at the %s line" % what)
    for t in spawned:
        # (fs::read spawns and awaits on one line)
        want[t["id"]] = line if what == "fs read" else marker_line(SRC_FILE, what + " join")
waits = [(w["args"]["on_task"], w["args"].get("await", {}).get("line"))
         for w in waits_of(trace, "asyncstd_patterns::main::{async_block#0}")
         if "on_task" in w["args"]]
check(len({task for task, _ in waits}) >= 3 and all(want.get(task) == line for task, line in waits),
      "each JoinHandle wait of main is at the line awaiting its task (%s; want %s)" %
      (waits, want))

blocking = [t for t in tasks if t["kind"] == "blocking" and
            t["spawn_site"]["line"] == marker_line(SRC_FILE, "blocking", "SPAWN")]
check(len(blocking) == 1 and blocking[0]["name"].startswith("asyncstd_patterns::main::") and
      blocking[0]["outcome"] == "completed" and within(blocking[0]["busy_ns"] / 1e6, 15, 0.15),
      "spawn_blocking: one task named by its closure, busy 15 ms, completed (%s)" %
      [(t["name"], t["outcome"], t["busy_ns"]) for t in blocking])
# async_std::fs::read: a blocking-pool task named after the fs function
# whose closure it runs, spawned at the program's line of the read
# (completed when its run is in the recording: a pool thread started for
# it just before the exit can be missing from the recording whole, a
# uftrace 0.13 limit, doc/findings.md)
line = marker_line(SRC_FILE, "fs read", "SPAWN")
fs = [(t["name"], t["outcome"] if t["polls"] else "not recorded") for t in tasks
      if t["kind"] == "blocking" and t["spawn_site"]["line"] == line]
check(len(fs) == 1 and fs[0][0] == "blocking::unblock<async_std::fs::read::read>" and
      fs[0][1] in ("completed", "not recorded"),
      "fs::read: one blocking task, blocking::unblock<async_std::fs::read::read>, spawned at "
      "line %d, completed (%s)" % (line, fs))
# async-std's task around each blocking one completed: read from its
# root's last poll, unreadable though it is (a Result<Vec<u8>> comes back
# through memory); a patched build records no poll of that task's futures
# (not the program's, nor awaited by it), so how it ended is unknown there
for what in ("blocking", "fs read"):
    line = marker_line(SRC_FILE, what, "SPAWN")
    outer = [(t["name"], t["outcome"]) for t in tasks
             if t["kind"] == "task" and t["spawn_site"]["line"] == line]
    check(len(outer) == 1 and outer[0][1] in (("freed", "completed") if PATCHABLE
                                              else ("completed",)),
          "%s: async-std's task around the blocking one %s (%s)" %
          (what, "completed or freed" if PATCHABLE else "completed", outer))
check(not [d for d in s["diagnostics"] if d["kind"] == "blocking_call"],
      "its thread::sleep on the blocking pool is no blocking_call (%s)" %
      [d["message"][:80] for d in s["diagnostics"] if d["kind"] == "blocking_call"])

lp = [d for d in s["diagnostics"] if d["kind"] == "long_poll" and "crunch" in d["message"]]
check(len(lp) == 1 and within(lp[0]["dur_ns"] / 1e6, 25, 0.15) and
      "asyncstd_patterns::crunch" in lp[0]["stack"],
      "one long_poll of ~25 ms naming crunch, the spawned hog's (%s)" %
      [(d["future"], d["dur_ns"]) for d in lp])
check(not [d for d in s["diagnostics"] if d["kind"] == "long_poll" and "Or as Future" in d["message"]],
      "no long_poll of the worker's own loop around the hog")


def wait_at(future, marker):
    line = marker_line(SRC_FILE, marker)
    return [w["args"]["wait_ns"] / 1e6 for w in waits_of(trace, future)
            if w["args"].get("await", {}).get("line") == line]


cw = wait_at("asyncstd_patterns::contender", "contender lock")
check(len(cw) == 1 and wait_near(cw[0], 25, 0.2),
      "contender waits ~25 ms for holder's lock (%s)" % cw)
# async-std's Mutex is async-lock's: the wait names the task holding it
holder = [t["id"] for t in tasks if t["name"] == "asyncstd_patterns::holder"]
hb = [w["args"].get("held_by") for w in waits_of(trace, "asyncstd_patterns::contender")
      if w["args"].get("await", {}).get("line") == marker_line(SRC_FILE, "contender lock")]
check(len(holder) == 1 and hb == holder,
      "the contender's wait is on the lock held by the holder's task %s (%s)" % (holder, hb))
# (about one run in ten, the executor polls it once more right after its
# first poll, a spurious wake: a second wait of ~16 us there)
tw = wait_at("asyncstd_patterns::timed", "timeout")
check(tw and wait_near(sum(tw), 20, 0.15) and max(tw) >= 0.85 * 20,
      "timed waits ~20 ms at its timeout (%s)" % tw)
# a task stuck on the Mutex main keeps to the end, after a timer woke it
# three times (by value: async-task's wake drops that waker itself, which
# counted twice read as every waker gone, a lost wake)
left = [t for t in tasks if t["spawn_site"] and
        t["spawn_site"]["line"] == marker_line(SRC_FILE, "left behind", "SPAWN")]
stuck = [d for d in s["diagnostics"] if left and d.get("task") == left[0]["id"]]
check(len(left) == 1 and left[0]["outcome"] == "pending_at_end" and
      [d["kind"] for d in stuck] == ["never_completed"] and
      stuck[0]["await"] == "%s:%d" % (SRC_FILE, marker_line(SRC_FILE, "left lock")),
      "the task left behind on the held Mutex never completed, waiting at its lock; no "
      "lost wake claimed (%s)" % [(d["kind"], d["message"][:120]) for d in stuck])
done()
