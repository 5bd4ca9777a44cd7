#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Newer async syntax (fixtures/syntax).  Async closures: `async |ms| { .. }`
makes a future at each call, whose poll rustc names after the closure
(`main::{closure#0}::{closure#0}::<i16>`, its DWARF `{async_closure_env#0}`),
neither an async fn nor an async block.  Each call is an instance of
`{async_closure#N}`, waiting at its own line as long as its timer; its
callers wait on it, through a generic `AsyncFn` too; a task whose root is
a call is named after the closure.  `async fn` in traits: each impl's
method an async fn of its own, `<Type as Trait>::call`, awaited through a
generic fn.  A fn returning `impl Future`: the async block inside it."""
import aulib
from aulib import check, done, future, marker_line, profiled, waits_of

SRC_FILE = "syntax/src/main.rs"
BLOCK = "syntax::main::{async_block#0}"
NAP = BLOCK + "::{async_closure#0}"
DOZE = BLOCK + "::{async_closure#1}"
SPAWNED = BLOCK + "::{async_block#2}"
INNER = SPAWNED + "::{async_closure#0}"
res, s, trace = profiled("syntax")


def waits(name):
    """(await line, wait ms, on) of a future's waits."""
    return [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6,
             w["args"].get("on")) for w in waits_of(trace, name)]


def line(marker):
    return marker_line(SRC_FILE, marker)


# every call of nap an instance of the closure's future, in the summary as
# an async closure of the program's own
nap = future(s, NAP)
check(nap is not None and nap["kind"] == "async_closure" and nap["instances"] == 3 and
      nap["completed"] == 3,
      "nap: 3 calls, 3 instances of %s, kind async_closure, all completed (%s)" % (NAP, nap))
naps = sorted(waits(NAP), key=lambda w: w[1])
check(len(naps) == 3 and all(w[0] == line("nap-sleep") and
                             w[2] == "<tokio::time::sleep::Sleep as Future>" for w in naps) and
      all(aulib.timer_wait(w[1], ms) for w, ms in zip(naps, (10, 15, 20))),
      "nap: waits of 10, 15 and 20 ms on its sleep at line %d (%s)" % (line("nap-sleep"), naps))
# its callers wait on the call: main directly, call_twice through AsyncFn
direct = [w for w in waits(BLOCK) if w[0] == line("direct")]
check(len(direct) == 1 and direct[0][2] == NAP and aulib.timer_wait(direct[0][1], 15),
      "main waits 15 ms on the nap call at line %d (%s)" % (line("direct"), direct))
twice = waits("syntax::call_twice")
check(len(twice) == 2 and all(w[0] == line("twice") and w[2] == NAP for w in twice) and
      aulib.timer_wait(twice[0][1], 10) and aulib.timer_wait(twice[1][1], 20),
      "call_twice waits 10 then 20 ms on the closure's calls at line %d (%s)" %
      (line("twice"), twice))
# a task whose root future is a call: named after the closure
tasks = {t["name"]: t for t in s["tasks"] if t["kind"] == "task"}
block_on = [t["id"] for t in s["tasks"] if t["kind"] == "block_on"]
check(set(tasks) == {DOZE, SPAWNED} and
      all(t["parent"] in block_on and t["polls"] == 2 and t["outcome"] == "completed"
          for t in tasks.values()),
      "2 tasks, the doze call's named %s, children of main's block_on, polled twice (%s)" %
      (DOZE, [(t["id"], t["name"], t["parent"], t["polls"]) for t in tasks.values()]))
doze = waits(DOZE)
check(len(doze) == 1 and doze[0][0] == line("doze-sleep") and aulib.timer_wait(doze[0][1], 25),
      "doze: waits 25 ms at line %d (%s)" % (line("doze-sleep"), doze))
# a closure inside a spawned block
inner = waits(INNER)
outer = waits(SPAWNED)
check(len(inner) == 1 and inner[0][0] == line("inner-sleep") and aulib.timer_wait(inner[0][1], 30) and
      len(outer) == 1 and outer[0][0] == line("inner-call") and outer[0][2] == INNER,
      "the spawned block waits on its closure's call at line %d, 30 ms at line %d (%s, %s)" %
      (line("inner-call"), line("inner-sleep"), outer, inner))
# async fn in traits: each impl's method, awaited through a generic fn
for ty, marker, ms in (("Slow", "slow-sleep", 20), ("Fast", "fast-sleep", 10)):
    name = "<syntax::%s as syntax::Service>::call" % ty
    f = future(s, name)
    w = waits(name)
    check(f is not None and f["kind"] == "async_fn" and f["instances"] == 1 and
          len(w) == 1 and w[0][0] == line(marker) and aulib.timer_wait(w[0][1], ms),
          "%s: an async fn, one call waiting %d ms at line %d (%s, %s)" %
          (name, ms, line(marker), f, w))
serve = waits("syntax::serve")
check(len(serve) == 2 and all(w[0] == line("serve-call") for w in serve) and
      [w[2] for w in serve] == ["<syntax::Slow as syntax::Service>::call",
                                "<syntax::Fast as syntax::Service>::call"],
      "serve waits on Slow's call, then Fast's, at line %d (%s)" % (line("serve-call"), serve))
# a fn returning impl Future: the async block inside it
made = waits("syntax::make::{async_block#0}")
check(len(made) == 1 and made[0][0] == line("made-sleep") and aulib.timer_wait(made[0][1], 15) and
      [w[2] for w in waits(BLOCK) if w[0] == line("made-call")] == ["syntax::make::{async_block#0}"],
      "make's async block waits 15 ms at line %d, main on it (%s)" % (line("made-sleep"), made))
done()
