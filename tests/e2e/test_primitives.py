#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tokio's other waits (fixtures/primitives): each wait is where the source
says and as long as its timer, through a boxed dyn Future, a tracing
Instrumented future, a Semaphore, an interval, watch and broadcast
channels and a Barrier.  broadcast's recv returns a 16-byte
Poll<Result<u32, RecvError>> through memory, as the symbols now say for
every future whose code takes three argument registers; two kinds of
JoinHandle awaited at one offset keep their own lines; and a task that
tokio's coop budget makes yield is not busy-polling.  A recursive walk
through boxed futures awaits its left and right walks, two awaits of one
kind at one offset: its first wait is at the left one, which the code
reaches first from its start (`first_awaits` in the symbols), no guess."""
import json
import re
import shutil
import subprocess

import aulib
from aulib import (AU, PATCHABLE, check, done, fixture, marker_line, profiled, skip,
                   wait_near, waits_of)

SRC_FILE = "primitives/src/main.rs"
res, s, trace = profiled("primitives")


def waits(future):
    """(await line, wait ms, on, inner) of a future's waits, in time order."""
    return [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6,
             w["args"].get("on"), w["args"].get("inner")) for w in waits_of(trace, future)]


def at(future, marker):
    line = marker_line(SRC_FILE, marker)
    return [w for w in waits(future) if w[0] == line]


def check_wait(future, marker, ms, on=None, inner=None):
    ws = at(future, marker)
    check(len(ws) == 1 and wait_near(ws[0][1], ms, 0.15) and (on is None or ws[0][2] == on) and
          (inner is None or ws[0][3] == inner),
          "%s waits once at line %d (%s), ~%d ms%s%s (%s)" %
          (future, marker_line(SRC_FILE, marker), marker, ms,
           " on " + on if on else "", " inside %s" % inner if inner else "", waits(future)))


# a boxed dyn Future (what async-trait makes): the caller waits on the Pin
# and names the async block inside, which waits on its sleep
handle = "<primitives::Slow as primitives::Handler>::handle::{async_block#0}"
check_wait("primitives::via_dyn", "dyn-outer", 30, "<core::pin::Pin as Future>", [handle])
check_wait(handle, "dyn-inner", 30, "<tokio::time::sleep::Sleep as Future>")
# tracing's Instrumented wrapper: the same, one level down
check_wait("primitives::instrumented", "instrumented-outer", 25,
           "<tracing::instrument::Instrumented as Future>", ["primitives::traced_work"])
check_wait("primitives::traced_work", "instrumented-inner", 25)
# three tasks take turns at a one-permit Semaphore for 40 ms each: two
# wait for a permit, 40 and 80 ms
acquires = sorted(w[1] for w in at("primitives::permit_user", "acquire"))
check(len(acquires) == 2 and wait_near(acquires[0], 40, 0.15) and wait_near(acquires[1], 80, 0.15) and
      all(w[2] == "<tokio::sync::semaphore::Semaphore>::acquire"
          for w in at("primitives::permit_user", "acquire")),
      "two waits for the Semaphore's permit, 40 and 80 ms, at line %d on acquire (%s)" %
      (marker_line(SRC_FILE, "acquire"), waits("primitives::permit_user")))
# (the acquire waits name the task holding the permit when they began:
# the first taker, which waited for none)
tracks = {json.dumps(e["id2"]): e["args"].get("task") for e in trace["traceEvents"]
          if e.get("ph") == "b" and e.get("name") == "primitives::permit_user"}
acq_line = marker_line(SRC_FILE, "acquire")
acq = [(tracks.get(json.dumps(w.get("id2"))), w["args"].get("held_by"))
       for w in waits_of(trace, "primitives::permit_user")
       if w["args"].get("await", {}).get("line") == acq_line]
first = set(tracks.values()) - {t for t, _ in acq}
check(len(acq) == 2 and len(first) == 1 and all(h in first and h != t for t, h in acq),
      "the waits for the permit are held by its first taker, task %s (%s)" % (first, acq))
held = [w[1] for w in at("primitives::permit_user", "permit-held")]
check(len(held) == 3 and all(wait_near(ms, 40, 0.15) for ms in held),
      "each holds its permit over a 40 ms sleep (%s)" % held)
# interval(10 ms), five ticks: the first at once (within a millisecond of
# the timer wheel), then 10 ms each
ticks = waits("primitives::ticker")
check(len(ticks) in (4, 5) and all(w[0] == marker_line(SRC_FILE, "tick") for w in ticks) and
      wait_near(sum(w[1] for w in ticks), 41, 0.15),
      "the interval's ticks: all at line %d, ~40 ms in all (%s)" %
      (marker_line(SRC_FILE, "tick"), ticks))
# watch and broadcast receivers get their value after main's 20 ms sleep;
# broadcast's recv returns Poll<Result<u32, RecvError>> through memory
check_wait("primitives::watcher", "watch", 20, "<tokio::sync::watch::Receiver>::changed")
check_wait("primitives::listener", "broadcast", 20, "<tokio::sync::broadcast::Receiver>::recv")
# a Barrier of two reached after 10 and 35 ms: the first waits 25 ms there
barrier = [w for w in at("primitives::at_barrier", "barrier")
           if w[2] == "<tokio::sync::barrier::Barrier>::wait"]
before = sorted(w[1] for w in at("primitives::at_barrier", "before-barrier"))
check(len(barrier) == 1 and wait_near(barrier[0][1], 25, 0.15) and len(before) == 2 and
      wait_near(before[0], 10, 0.2) and wait_near(before[1], 35, 0.15),
      "at_barrier: sleeps of 10 and 35 ms, then the first waits 25 ms at the barrier (%s)" %
      waits("primitives::at_barrier"))

# join_all over three boxed futures (10, 20, 30 ms): woken as each ends,
# and what it waits on inside is the futures, through MaybeDone and Pin
joined = waits("primitives::boxed_all")
check(len(joined) >= 3 and all(w[0] == marker_line(SRC_FILE, "join-all") for w in joined) and
      wait_near(sum(w[1] for w in joined), 30, 0.15) and
      all(w[2] == "<futures_util::future::join_all::JoinAll as Future>" and
          w[3] == ["primitives::part"] for w in joined),
      "boxed_all: waits at line %d, 30 ms in all, on join_all, inside it the parts (%s)" %
      (marker_line(SRC_FILE, "join-all"), joined))

# main awaits the three permit tasks in a loop (JoinHandle<()>) and drain
# (JoinHandle<u64>) at one offset of its state machine: each keeps its line
tasks = s["tasks"]
permit_ids = {t["id"] for t in tasks if t["name"] == "primitives::permit_user"}
drain = [t for t in tasks if t["name"] == "primitives::drain"]
main_waits = waits_of(trace, "primitives::main::{async_block#0}")
on_permits = [w["args"].get("await", {}).get("line") for w in main_waits
              if w["args"].get("on_task") in permit_ids]
check(len(permit_ids) == 3 and len(on_permits) == 3 and
      set(on_permits) == {marker_line(SRC_FILE, "permits")},
      "main's 3 waits on the permit tasks are all at line %d (%s)" %
      (marker_line(SRC_FILE, "permits"), on_permits))
on_drain = [w["args"].get("await", {}).get("line") for w in main_waits
            if drain and w["args"].get("on_task") == drain[0]["id"]]
check(on_drain == [marker_line(SRC_FILE, "drained")],
      "main's wait on drain's JoinHandle<u64> is at line %d (%s)" %
      (marker_line(SRC_FILE, "drained"), on_drain))

# drain finds 1,000 messages queued: tokio's budget (128 a poll) makes its
# recv return Pending and wake it, about 7 times; that is the runtime being
# fair, not the program busy-polling
yields = drain[0]["budget_yields"] if drain else -1
check(len(drain) == 1 and 5 <= yields <= 8 and drain[0]["self_wakes"] >= yields and
      drain[0]["polls"] == yields + 1,
      "drain: 5-8 yields forced by the coop budget, one more poll than that (%s)" %
      [(t["budget_yields"], t["self_wakes"], t["polls"]) for t in drain])
budget_wakes = [e for e in trace["traceEvents"] if e.get("ph") == "i" and
                e.get("args", {}).get("budget") and drain and
                e["args"].get("task") == drain[0]["id"]]
check(len(budget_wakes) == yields, "the trace marks those %d wakes 'budget' (%d)" %
      (yields, len(budget_wakes)))
check(s["workers"]["budget_yields"] == sum(t["budget_yields"] for t in tasks),
      "workers.budget_yields is the tasks' sum (%s)" % s["workers"]["budget_yields"])
# (under mcount every call of drain's 128 recvs a poll goes through
# libmcount: about 1 ms, a long_poll on a loaded machine; the patchable
# build's poll takes 45 us)
other = [d["message"] for d in s["diagnostics"]
         if PATCHABLE or d["kind"] != "long_poll" or "primitives::drain" not in d["message"]]
check(not other, "no diagnostic: no self_wake_heavy for the budget's yields (%s)" % other)
report = subprocess.run([AU, "report", res["data"]], capture_output=True, text=True).stdout
check(re.search(r"Yields forced by tokio's coop budget: %d, most by task %d "
                r"\(primitives::drain\)" % (yields, drain[0]["id"] if drain else -1), report),
      "the report counts the budget's yields and names drain")
longest = report.split("Longest polls:")[-1].split("\n\n")[0]
check("Longest polls:" in report and "<core::pin::Pin as Future>" not in longest,
      "Longest polls leaves out the Pin wrapper around main (%s)" % longest.strip())

# The symbols against the code: a poll function returning through memory
# takes three argument registers (the memory, self, the context), and the
# debug build's prologue stores each before its first call.
proc = subprocess.run([AU, "symbols", "--json", fixture("primitives")], capture_output=True,
                      text=True)
futures = [f for f in json.loads(proc.stdout or "[]")
           if f.get("future") and f.get("role") != "task_poll"]
# which await can follow which: the permits' await in its loop can
# follow itself, the fill's only follows the last barrier's
main = [f for f in futures if f["label"] == "primitives::main::{async_block#0}"]
by_line = {a["line"]: a for a in (main[0]["awaits"] if main else [])}
permits, fill = (by_line.get(marker_line(SRC_FILE, m), {}) for m in ("permits", "fill"))
second_barrier = by_line.get(marker_line(SRC_FILE, "second-barrier"), {})
check(permits.get("state") in permits.get("next", []) and
      fill.get("state") not in permits.get("next", []) and
      second_barrier.get("next") == [fill.get("state")],
      "symbols: the permits' await can come next after itself (a loop), not the fill's; "
      "the fill's comes after the second barrier's (%s)" %
      [(a["line"], a["state"], a.get("next")) for a in by_line.values()])
recv = [f for f in futures if f["label"] == "<tokio::sync::broadcast::Receiver>::recv"]
check(len(recv) == 1 and recv[0]["self_arg"] == 2,
      "symbols: broadcast's recv returns through memory, self in the 2nd argument (%s)" %
      [f.get("self_arg") for f in recv])
# the walk: 15 instances; 8 leaves wait 5 ms each; every inner walk waits
# at its left await once per leaf completing under it, then at its right
# one as often: 12 and 12, and no wait a guess
WALK = "primitives::walk::{async_block#0}"
walk_f = [f for f in s["futures"] if f["name"] == WALK]
leaf, left, right = (marker_line(SRC_FILE, m) for m in ("leaf", "walk-left", "walk-right"))
ww = [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6,
       w["args"].get("await", {}).get("guessed_among")) for w in waits_of(trace, WALK)]
check(walk_f and walk_f[0]["instances"] == 15 and walk_f[0]["completed"] == 15,
      "walk: 15 instances, all completed (%s)" % walk_f)
# (a leaf's wait is 5 ms and late by what the timer and the loaded machine
# add: 6.1-6.4 ms under ASan, once 9.7 ms in a CI run; a wait taken across
# two leaves would be 10 ms or more)
check(len([w for w in ww if w[0] == leaf and 5 <= w[1] < 10]) == 8 and
      len([w for w in ww if w[0] == left]) == 12 and
      len([w for w in ww if w[0] == right]) == 12 and len(ww) == 32 and
      not any(w[2] for w in ww),
      "walk: 8 waits of 5 ms at line %d, 12 at its left walk (line %d) and 12 at its right "
      "(line %d), no guess (%s)" % (leaf, left, right, ww))
# its task ends with its root walk, not with the first inner walk done
walk_t = [t for t in s["tasks"] if t.get("name") == WALK]
check(len(walk_t) == 1 and walk_t[0]["outcome"] == "completed" and
      walk_t[0]["completed_ns"] - walk_t[0]["spawned_ns"] >= 40e6 and
      walk_t[0]["wakes"] == 8 and walk_t[0]["wakes_after_end"] == 0,
      "walk's task: completed after its 8 leaves of 5 ms, 8 wakes, none after its end (%s)" %
      [{k: t.get(k) for k in ("polls", "wakes", "wakes_after_end", "idle_ns")} for t in walk_t])
walk_sym = [f for f in futures if f["label"] == WALK]
states = {a["line"]: a["state"] for a in (walk_sym[0]["awaits"] if walk_sym else [])}
check(walk_sym and sorted(walk_sym[0].get("first_awaits", [])) ==
      sorted([states.get(leaf), states.get(left)]),
      "symbols: a walk's first awaits are its leaf's sleep and its left walk (%s)" %
      (walk_sym[0].get("first_awaits") if walk_sym else None))
if not shutil.which("objdump") or not shutil.which("nm"):
    if aulib._failures:
        done()
    skip("objdump or nm (binutils) is missing: the symbols were not checked against the code")
# (nm's addresses: the symbols' are relative to the first segment, which
# a patchable build, not position-independent, loads at 0x200000)
nm = subprocess.run(["nm", fixture("primitives")], capture_output=True, text=True).stdout
where = {line.split()[2]: int(line.split()[0], 16) for line in nm.splitlines()
         if len(line.split()) == 3}
wrong, checked = [], 0
for f in futures:
    a = where.get(f["symbol"])
    if a is None:
        continue
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "--start-address=%#x" % a,
                          "--stop-address=%#x" % (a + min(f["size"], 96)), fixture("primitives")],
                         capture_output=True, text=True).stdout
    # the prologue: frame set-up, then a store of each argument register
    saved = set()
    for ins in re.findall(r"^\s*[0-9a-f]+:\s+(.*)$", dis, re.M):
        store = re.match(r"mov\s+%(rdi|rsi|rdx|rcx),-?0x[0-9a-f]+\(%rbp\)", ins)
        if store:
            saved.add(store.group(1))
        elif not re.match(r"(nop|xchg\s+%ax,%ax|push\s+%rbp|mov\s+%rsp,%rbp|sub\s+\$0x[0-9a-f]+,%rsp)",
                          ins):
            break
    if not saved:
        continue
    checked += 1
    if ("rdx" in saved) != (f["self_arg"] == 2):
        wrong.append((f["name"], sorted(saved), f["self_arg"]))
check(checked >= 30 and not wrong,
      "self_arg agrees with the argument registers of %d futures' code (wrong: %s)" %
      (checked, wrong))

done()
