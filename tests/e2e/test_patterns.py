#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Patterns of tokio services (fixtures/patterns): each wait is where the
source says and as long as its timer, and a select! or a timeout names what
it waits on inside; spawn_blocking's task is named by its closure and
raises no long_poll, and each tokio::fs call's is named after its
function.  A child process (tokio::process) is waited on at its line, and
is not taken for the program.  try_join! and FuturesOrdered wait as long as their slowest
sleep, sleep_until its time.  Awaits inside tokio::select! and
futures::join! are at the line of the macro in the program (rustc puts
them in the macro's own source); JoinSet and spawn_local tasks carry the
line of their spawn call; a task still waiting when main returns is
"shut_down" by the runtime, not aborted, and the diagnostics say where it
waited."""
import json
import subprocess

from aulib import (AU, PATCHABLE, check, done, fixture, marker_line, profiled, timer_wait,
                   wait_near, waits_of)

SRC_FILE = "patterns/src/main.rs"
res, s, trace = profiled("patterns")


def waits(future):
    """(await line, wait ms, on) of a future's waits, from the trace."""
    return [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6,
             w["args"].get("on")) for w in waits_of(trace, future)]


def check_wait(future, marker, ms):
    line = marker_line(SRC_FILE, marker)
    ws = [w for w in waits(future) if w[0] == line]
    check(len(ws) == 1 and timer_wait(ws[0][1], ms),
          "%s waits once at line %d (%s), %d ms (%s)" %
          (future, line, marker, ms, waits(future)))
    return ws


# tokio::select! between a 50 ms sleep and a channel that never fires; the
# wait names both branches inside the select's poll_fn
check_wait("patterns::raced", "select", 50)
# (select! polls its branches in a random order)
inner = [sorted(w["args"].get("inner", [])) for w in waits_of(trace, "patterns::raced")]
check(inner == [["<tokio::sync::oneshot::Receiver as Future>",
                 "<tokio::time::sleep::Sleep as Future>"]],
      "the select! waits on both its branches, the sleep and the receiver (%s)" % inner)
# a 30 ms timeout around a recv that never gets anything
check_wait("patterns::timed_out", "timeout", 30)
inner = [w["args"].get("inner") for w in waits_of(trace, "patterns::timed_out")]
check(inner == [["<tokio::sync::mpsc::bounded::Receiver>::recv",
                 "<tokio::time::sleep::Sleep as Future>"]],
      "the timeout waits on the recv and its timer (%s)" % inner)

def check_waits(future, marker, ms, least):
    """At least @least waits at the marker's line, @ms in all (woken as
    each of the children it awaits ends)."""
    line = marker_line(SRC_FILE, marker)
    ws = [w for w in waits(future) if w[0] == line]
    total = sum(w[1] for w in ws)
    # (each wake adds the timer's 1 ms rounding and the wake-to-poll
    # latency of a loaded machine)
    check(len(ws) >= least and len(ws) == len(waits(future)) and
          ms * 0.85 <= total <= ms * 1.15 + 2 * len(ws),
          "%s waits %d+ times, all at line %d (%s), %d ms in all (%s)" %
          (future, least, line, marker, ms, waits(future)))


# futures::join! of a 15 and a 25 ms nap: woken when each ends
check_waits("patterns::both", "join!", 25, 2)
# JoinSet::join_next: woken as each of the 10, 20, 30 ms naps ends
check_waits("patterns::joined", "join_next", 30, 3)
# the awaits in macros keep the macro's own place in the symbols
proc = subprocess.run([AU, "symbols", "--json", fixture("patterns")], capture_output=True,
                      text=True)
syms = {f["name"]: f for f in json.loads(proc.stdout or "[]")}
raced = (syms.get("patterns::raced::{closure#0}") or {}).get("awaits") or [{}]
check(raced[0].get("line") == marker_line(SRC_FILE, "select") and
      raced[0].get("macro_file", "").endswith("macros/select.rs"),
      "symbols: raced's await is at the select! line, from tokio's select.rs (%s)" % raced)

tasks = s["tasks"]
by_id = {t["id"]: t for t in tasks}
root = [t for t in tasks if t["kind"] == "block_on"]
check(len(root) == 1, "one block_on root (%s)" % [(t["id"], t["kind"]) for t in tasks])
root_id = root[0]["id"] if root else -1
guard_line = marker_line(SRC_FILE, "guarded", "SPAWN")
guarded = [t for t in tasks if t["name"] == "patterns::napper" and t["spawn_site"] and
           t["spawn_site"]["line"] == guard_line]
nappers = [t for t in tasks if t["name"] == "patterns::napper" and t not in guarded]
check(len(nappers) == 4 and all(t["parent"] == root_id and t["outcome"] == "completed"
                                for t in nappers),
      "4 napper tasks (3 in the JoinSet, 1 spawn_local), children of the root, completed (%s)" %
      [(t["parent"], t["outcome"]) for t in nappers])
sites = sorted(t["spawn_site"] and t["spawn_site"]["line"] for t in nappers)
want = sorted([marker_line(SRC_FILE, "joinset", "SPAWN")] * 3 +
              [marker_line(SRC_FILE, "local", "SPAWN")])
check(sites == want, "the nappers' spawn sites are the JoinSet::spawn and spawn_local lines "
      "%s (%s)" % (want, sites))


def check_join_wait(marker, task, ms, what):
    """main's waits at the marker's line: on @task's JoinHandle, @ms in all."""
    line = marker_line(SRC_FILE, marker)
    ws = [w for w in waits_of(trace, "patterns::main::{async_block#0}")
          if w["args"].get("await", {}).get("line") == line]
    check(task and ws and all(w["args"].get("on_task") == task["id"] for w in ws) and
          wait_near(sum(w["args"]["wait_ns"] for w in ws) / 1e6, ms, 0.15),
          "main waits ~%d ms at line %d on %s (%s)" %
          (ms, line, what, [(w["args"].get("on_task"), w["args"]["wait_ns"]) for w in ws]))


# the root awaits the spawn_local'd task's JoinHandle for its 20 ms (two
# JoinHandles awaited at one offset of main's state machine: told apart)
local = [t for t in nappers if t["spawn_site"] and
         t["spawn_site"]["line"] == marker_line(SRC_FILE, "local", "SPAWN")]
check_join_wait("local", local and local[0], 20, "the spawn_local task's JoinHandle")

# spawn_blocking: a blocking-pool task named by its closure, computing
# 20 ms; main waits that long on its JoinHandle; no long_poll (it runs off
# the executor, as it should)
blocking = [t for t in tasks if t["kind"] == "blocking" and
            t["spawn_site"]["function"].startswith("patterns::main::")]
# (rustc's name for it is patterns::main::{closure#0}::{closure#0}: the
# block it sits in is labelled as the block)
# (20 ms of computing takes longer when the machine is loaded: the suite
# runs two tests at once on two cores, and a preempted poll stays busy;
# 24.7 ms once in a CI run)
check(len(blocking) == 1 and blocking[0]["name"] == "patterns::main::{async_block#0}::{closure#0}" and
      wait_near(blocking[0]["busy_ns"] / 1e6, 20, 0.15) and
      blocking[0]["spawn_site"]["line"] == marker_line(SRC_FILE, "blocking", "SPAWN"),
      "the spawn_blocking task is named by its closure, busy 20 ms, spawned at its line (%s)" %
      [(t["name"], t["busy_ns"], t["spawn_site"]) for t in blocking])
check_join_wait("blocking", blocking and blocking[0], 20, "the blocking task")

# try_join! of a 10 and a 20 ms sleep: woken as each ends, 20 ms in all
check_waits("patterns::tried", "try_join!", 20, 2)
# a FuturesOrdered of 30, 10 and 20 ms steps yields them in that order:
# the first next() waits the 30 ms (woken as each step ends), the others
# not at all; every wait is on the FuturesOrdered's Next
check_waits("patterns::ordered", "ordered", 30, 1)
on = {w[2] for w in waits("patterns::ordered")}
check(on == {"<Next<FuturesOrdered> as Future>"} or
      on == {"<futures_util::stream::stream::next::Next<"
             "futures_util::stream::futures_ordered::FuturesOrdered> as Future>"},
      "ordered waits on Next<FuturesOrdered> (%s)" % on)
steps = waits("patterns::step")
check(len(steps) == 3 and
      all(timer_wait(w, ms) for w, ms in zip(sorted(w[1] for w in steps), (10, 20, 30))) and
      all(w[0] == marker_line(SRC_FILE, "step") for w in steps),
      "the three steps wait 10, 20 and 30 ms at their sleep (%s)" % steps)
# sleep_until 15 ms after now
check_wait("patterns::until", "until", 15)
# tokio::fs: each call a blocking-pool task of its own, named by the fs
# function whose closure it runs, spawned at the program's line of the call
fs = {}
for t in tasks:
    if t["kind"] == "blocking" and t["spawn_site"]["function"] == "patterns::files":
        fs[t["spawn_site"]["line"]] = t["name"]
want = {marker_line(SRC_FILE, "fs-write", "SPAWN"):
        "<tokio::runtime::blocking::task::BlockingTask<tokio::fs::write::write> as Future>",
        marker_line(SRC_FILE, "fs-read", "SPAWN"):
        "<tokio::runtime::blocking::task::BlockingTask<tokio::fs::read::read> as Future>",
        marker_line(SRC_FILE, "fs-remove", "SPAWN"):
        "<tokio::runtime::blocking::task::BlockingTask<tokio::fs::remove_file::remove_file> "
        "as Future>"}
check(fs == want, "tokio::fs write, read, remove_file: three blocking tasks named after them, "
      "spawned at their lines (%s)" % fs)
fs_parents = {t["parent"] for t in tasks if t["kind"] == "blocking" and
              t["spawn_site"]["function"] == "patterns::files"}
check(fs_parents == {root_id}, "their parent is the root task, which awaits files() (%s)" %
      fs_parents)

# a 20 ms timeout on the JoinHandle of a task needing 60 ms: the wait is
# on the Timeout, names the task, and lists the JoinHandle and the timer
# inside; then 40 ms more on the JoinHandle itself
gid = guarded[0]["id"] if len(guarded) == 1 else -1
gw = [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6, w["args"].get("on_task"),
       sorted(w["args"].get("inner") or [])) for w in waits_of(trace, "patterns::guarded")]
check(len(gw) == 2 and gw[0][0] == marker_line(SRC_FILE, "guard timeout") and
      timer_wait(gw[0][1], 20) and gw[0][2] == gid and
      gw[0][3] == ["<tokio::runtime::task::join::JoinHandle as Future>",
                   "<tokio::time::sleep::Sleep as Future>"] and
      gw[1][0] == marker_line(SRC_FILE, "guard rest") and timer_wait(gw[1][1], 40) and
      gw[1][2] == gid,
      "guarded: 20 ms on the timeout around task %d's JoinHandle (the handle and the timer "
      "inside), then 40 ms on the handle (%s)" % (gid, gw))

# a child process (`sleep 0.03`): uftrace records it as a session of its
# own; the program stays the one classified (its runtime, its DWARF), the
# wait is at the await's line, at least 30 ms (the exec under uftrace
# adds to it), and the child's process is named after its executable
cw = waits("patterns::child")
check(len(cw) == 1 and cw[0][0] == marker_line(SRC_FILE, "child") and 30 <= cw[0][1] < 1000,
      "child: one wait at its line, as long as the child's 30 ms or longer (%s)" % cw)
check(s["trace"]["runtime"] == "tokio" and s["trace"]["classified"] and
      "/usr/bin/sleep" not in res["stderr"],
      "the program is the one classified, not the exec'd child (%s; %s)" %
      ({k: s["trace"][k] for k in ("runtime", "classified")}, res["stderr"][-300:]))
names = {e["pid"]: e["args"]["name"] for e in trace["traceEvents"]
         if e.get("ph") == "M" and e["name"] == "process_name"}
# (a patched build's recording has no record of the child: nothing of
# `sleep` is patched in)
check(sorted(names.values()) in (["patterns", "sleep"], ["patterns"]) and
      (PATCHABLE or len(names) == 2),
      "the program's process and its child's, each by its name (%s)" % names)

# one JoinSet::spawn instance called on two lines: each task's spawn site
# is the first of them, with both as the lines it may be
twins = [t for t in tasks if t["name"] == "patterns::twin"]
tw_lines = [marker_line(SRC_FILE, "twin-a", "SPAWN"), marker_line(SRC_FILE, "twin-b", "SPAWN")]
check(len(twins) == 2 and all(t["spawn_site"]["line"] == tw_lines[0] and
                              t["spawn_site"].get("guessed_among") == tw_lines for t in twins),
      "twins: spawned at line %d or %d, the recording cannot tell which (%s)" %
      (tw_lines[0], tw_lines[1], [t["spawn_site"] for t in twins]))
nappers_sites = [t["spawn_site"] for t in tasks if t["name"] == "patterns::napper"]
check(nappers_sites and not any("guessed_among" in (st or {}) for st in nappers_sites),
      "a spawn from one line has no guess (%s)" % nappers_sites[:2])

# a task waiting forever on a Notify: the runtime shuts it down at exit
forever = [t for t in tasks if t["name"] == "patterns::forever"]
check(len(forever) == 1 and forever[0]["outcome"] == "shut_down" and
      forever[0]["spawn_site"]["line"] == marker_line(SRC_FILE, "forever", "SPAWN"),
      "forever: shut down by the runtime, not aborted; spawned at its line (%s)" %
      [(t["outcome"], t["spawn_site"]) for t in forever])
nc = [d for d in s["diagnostics"] if d["kind"] == "never_completed"]
where = "%s:%d" % (SRC_FILE, marker_line(SRC_FILE, "forever"))
check(len(nc) == 1 and forever and nc[0]["task"] == forever[0]["id"] and
      "shut it down" in nc[0]["message"] and where in nc[0]["message"] and
      "Notified" in nc[0]["message"],
      "never_completed: forever was shut down while it waited at %s on Notified (%s)" %
      (where, [d["message"] for d in nc]))
# Spawning the child blocks its poll until the exec (a fork under uftrace
# takes 1-3 ms): a long_poll there is the truth, and the only one allowed,
# but for one under 10 ms, which a loaded machine can make of any poll
# (freeing tokio::fs's 64 KiB buffer took 4 ms once, the ASan suite
# running beside it): no poll of this program computes for long.
others = [d for d in s["diagnostics"] if d["kind"] != "never_completed" and
          not (d["kind"] == "long_poll" and ("spawn_child" in d["message"] or
                                             "patterns::child" in d["message"] or
                                             d["dur_ns"] < 10e6))]
check(not others, "no other diagnostic (%s)" % [(d["kind"], d["message"][:100]) for d in others])
done()
