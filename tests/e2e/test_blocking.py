#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Blocking calls inside async code: std::thread::sleep (libstd's own code,
not traced: found at its call site by the symbolizer) and a std Mutex lock
(a generic, traced itself) are each flagged once as blocking_call, naming
the program's function, and so is futures' block_on run inside a poll; the sleep also makes a long_poll.  `blocking starve` spawns a task and
blocks its only thread until the program exits: the task never runs, and
the diagnostics say so, naming its future (taken from the spawn's generics)
and how long it waited.  `blocking crash`: a task faults (SIGSEGV) inside
its poll; it was running, not waiting, and the diagnostics say where.
`blocking abort`: a sleeping task is aborted; it ends "aborted", with the
id tokio printed in its JoinError ("task N was cancelled")."""
import re

from aulib import (SRC, check, check_trace_file, done, fixture, left_waiting, load, marker_line,
                   profile)

with open(SRC + "/fixtures/blocking/src/main.rs") as f:
    source = f.read()
nap_ms = int(re.search(r"const NAP_MS: u64 = (\d+);", source).group(1))
nested_ms = int(re.search(r"const NESTED_MS: u64 = (\d+);", source).group(1))
res = profile(fixture("blocking"), "blocking")
s = load(res["summary"])
bc = [d for d in s["diagnostics"] if d["kind"] == "blocking_call"]
sleep = [d for d in bc if "sleep" in d["message"]]
lock = [d for d in bc if "Mutex" in d["message"]]
check(len(sleep) == 1 and sleep[0]["stack"][0] == "blocking::doze",
      "one blocking_call: doze calls std::thread::sleep (%s)" % [d["message"][:60] for d in bc])
check(sleep and sleep[0]["dur_ns"] >= 0.9 * nap_ms * 1e6, "the sleep's time is measured")
check(len(lock) == 1 and lock[0]["stack"][0] == "blocking::careful",
      "one blocking_call: careful locks a std Mutex")
# futures' block_on inside a poll, on a channel a std thread feeds 20 ms on
nested = [d for d in bc if "block_on" in d["message"]]
check(len(nested) == 1 and nested[0]["stack"][0] == "blocking::nested" and
      nested[0]["dur_ns"] >= 0.9 * nested_ms * 1e6 and
      "an executor's block_on inside async code blocks the worker" in nested[0]["message"] and
      ".await the future instead" in nested[0]["message"],
      "one blocking_call: nested runs futures' block_on inside its poll, %d ms (%s)" %
      (nested_ms, [(d["dur_ns"], d["message"][:120]) for d in nested]))
lp = [d for d in s["diagnostics"] if d["kind"] == "long_poll"]
check(len(lp) == 1 and "blocking::doze" in lp[0]["stack"] and lp[0]["dur_ns"] >= nap_ms * 1e6,
      "a long_poll with doze in its stack (%s)" % [(d["future"], d["stack"]) for d in lp])
check(lp and lp[0]["future"] == "blocking::main::{async_block#0}",
      "the long poll names the program's future (%s)" % (lp and lp[0]["future"]))

# --- a task spawned and never polled: its thread was blocked to the end ----
res = profile(fixture("blocking"), "starve", args=["starve"])
s = load(res["summary"])
task = [t for t in s["tasks"] if t["kind"] == "task"]
check(len(task) == 1 and task[0]["name"] == "blocking::starved" and task[0]["polls"] == 0 and
      task[0]["outcome"] == "pending_at_end",
      "starve: one task, named blocking::starved though never polled (%s)" %
      [(t["name"], t["polls"], t["outcome"]) for t in task])
never = [d for d in s["diagnostics"] if d["kind"] == "never_completed" and
         d["future"] == "blocking::starved"]
check(len(never) == 1 and "never polled" in never[0]["message"] and
      never[0]["future"] == "blocking::starved" and
      "spawned by blocking::main::{async_block#0}" in never[0]["message"],
      "starve: never_completed says the task was never polled and who spawned it (%s)" %
      [d["message"] for d in never])
check(never and 0.9 * nap_ms * 1e6 <= never[0]["dur_ns"] <= 3 * nap_ms * 1e6,
      "starve: it waited from its spawn to the end, the %d ms doze (%s ns)" %
      (nap_ms, never and never[0]["dur_ns"]))
# the spawn_blocking closure still sleeping at the exit: its poll never
# returned and nothing recorded ran in it, so no poll was written; the
# diagnostic says that is what "never polled" may mean for it
bt = [d for d in s["diagnostics"] if d["kind"] == "never_completed" and d["task"] and
      d["task"] != (never and never[0]["task"])]
check(len(bt) == 1 and "spawned by blocking::main::{async_block#0}" in bt[0]["message"] and
      "its closure was still running at the end in code that records nothing" in
      bt[0]["message"],
      "starve: the sleeping spawn_blocking closure's task: never polled as recorded, or "
      "still running unrecorded (%s)" % [d["message"][-200:] for d in bt])
check_trace_file(res["trace"])
ev = [e for e in load(res["trace"])["traceEvents"] if e.get("cat") == "task"]
# (starved's own track: the blocking task has a 'never polled' slice too)
track = [e["id2"] for e in ev if e["ph"] == "b" and e["name"].startswith("task ") and
         "blocking::starved" in e["name"]]
np = [(e["ph"], e["ts"]) for e in ev if e["name"] == "never polled" and track and
      e["id2"] == track[0]]
np = dict(np) if len(np) == 2 else {}
check(set(np) == {"b", "e"} and 0.9 * nap_ms * 1e3 <= np["e"] - np["b"] <= 3 * nap_ms * 1e3,
      "starve: the task's track in the trace is one 'never polled' slice of the doze's length (%s)" %
      [(e["ph"], e["name"]) for e in ev])

# --- a task that crashed inside its poll: running at the end, not waiting ----
res = profile(fixture("blocking"), "crash", args=["crash"])
s = load(res["summary"])
check(s["trace"]["exit_status"] & 0x7f == 11, "crash: the program died of SIGSEGV")
mine = [d for d in s["diagnostics"] if d.get("future") == "blocking::crasher"]
check(len(mine) == 1 and mine[0]["kind"] == "never_completed" and
      "inside a poll when the recording ended" in mine[0]["message"],
      "crash: one diagnostic for the crashed task: it was inside a poll at the end, "
      "not a lost wake (%s)" % [(d["kind"], d["message"][:80]) for d in mine])
# (write_volatile, a generic of core, below fault when it is traced)
tail = mine and [f for f in mine[0]["stack"] if not f.startswith("core::ptr::")][-2:]
check(tail == ["blocking::crasher", "blocking::fault"],
      "crash: its stack ends in blocking::crasher > blocking::fault (%s)" %
      (mine and mine[0]["stack"][-3:]))

# --- an aborted task: tokio's own id, as its JoinError prints it -------------
res = profile(fixture("blocking"), "abort", args=["abort"])
s = load(res["summary"])
said = re.search(r"task (\d+) was cancelled", res["stdout"])
sl = [t for t in s["tasks"] if t["name"] == "blocking::sleeper"]
check(said and len(sl) == 1 and sl[0]["runtime_id"] == int(said.group(1)),
      "abort: the task's runtime_id is the id of tokio's JoinError (%s, printed %s)" %
      ([t["runtime_id"] for t in sl], said and said.group(0)))
check(len(sl) == 1 and sl[0]["outcome"] == "aborted",
      "abort: its outcome is aborted, though tokio completes it with the error (%s)" %
      [t["outcome"] for t in sl])
check(not [d for d in s["diagnostics"] if d.get("future") == "blocking::sleeper"],
      "abort: no diagnostic for the aborted task")
# in the trace: its future left waiting at its 5 s sleep from its first
# poll to the abort (main's yield_now between them: well under a second)
left = [w for w in left_waiting(load(res["trace"])) if w[0] == "blocking::sleeper"]
check(len(left) == 1 and left[0][1] == marker_line("blocking/src/main.rs", "sleeper") and
      left[0][3].get("on") == "<tokio::time::sleep::Sleep as Future>" and 0 < left[0][2] < 500,
      "abort: the sleeper is left waiting at its sleep until the abort, not 5 s (%s)" % left)
done()
