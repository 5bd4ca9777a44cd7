#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Futures wrapped by `tracing` (fixtures/instrumented), as most services'
are.  `#[instrument]` turns an async fn's body into an inner async block
that the fn awaits inside `Instrumented<F>`; `.instrument(span)` wraps a
spawned future.  Seen through the wrapper: tasks are named after the
program's future, not after `Instrumented`; each body waits at its own
line, as long as its timer; the fn waits on the wrapper, and the wrapper
names the body inside it.  A task left waiting when the program ends is
found, and its wait is placed in its body."""
import collections

import aulib
from aulib import (check, done, future, left_waiting, marker_line, polls_of, profiled,
                   task_left_waiting, waits_of)

SRC_FILE = "instrumented/src/main.rs"
FETCH_BODY = "instrumented::fetch::{closure#0}::{async_block#0}"
HANDLE_BODY = "instrumented::handle::{closure#0}::{async_block#0}"
WRAPPER = "<tracing::instrument::Instrumented as Future>"
res, s, trace = profiled("instrumented")


def waits(name):
    """(await line, wait ms, on, inner) of a future's waits."""
    return [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6,
             w["args"].get("on"), w["args"].get("inner")) for w in waits_of(trace, name)]


# the tasks: named after the future inside the wrapper, parents and polls
tasks = [t for t in s["tasks"] if t["kind"] == "task"]
names = collections.Counter(t["name"] for t in tasks)
check(names == {"instrumented::handle": 3, "instrumented::worker": 2, "instrumented::stuck": 1},
      "3 handle, 2 worker and 1 stuck task, named through Instrumented (%s)" % dict(names))
stuck = [t for t in tasks if t["name"] == "instrumented::stuck"]
tasks = [t for t in tasks if t not in stuck]
block_on = [t for t in s["tasks"] if t["kind"] == "block_on"]
check(len(block_on) == 1 and all(t["parent"] == block_on[0]["id"] for t in tasks),
      "every task's parent is main's block_on (%s)" % [(t["id"], t["parent"]) for t in tasks])
check(len(stuck) == 1 and stuck[0]["parent"] == block_on[0]["id"] and stuck[0]["polls"] == 1 and
      stuck[0]["outcome"] == "shut_down",
      "the stuck task: polled once, shut down by its runtime at the end (%s)" % stuck)
never = [d for d in s["diagnostics"] if d["kind"] == "never_completed"]
check(len(never) == 1 and stuck and never[0]["task"] == stuck[0]["id"] and
      never[0]["await"] == "%s:%d" % (SRC_FILE, marker_line(SRC_FILE, "stuck-recv")) and
      never[0]["stack"][0] == "instrumented::stuck::{closure#0}::{async_block#0}",
      "the stuck task never completed, waiting in its body at line %d (%s)" %
      (marker_line(SRC_FILE, "stuck-recv"), never))
check(all(t["polls"] == 2 and t["outcome"] == "completed" for t in tasks),
      "each task polled twice (its start, its timer) and completed (%s)" %
      [(t["name"], t["polls"], t["outcome"]) for t in tasks])

# in the trace, where the stuck task is stuck: its body's future left
# waiting at its line, from its one poll to its shutdown (after the
# handles' 50 ms), inside the #[instrument] fn's wait on the wrapper; no
# other future is left waiting (every other task completed)
left = left_waiting(trace)
stuck_at = marker_line(SRC_FILE, "stuck-recv")
body = [w for w in left if w[0] == "instrumented::stuck::{closure#0}::{async_block#0}"]
check(len(body) == 1 and body[0][1] == stuck_at and
      body[0][3].get("on") == "<tokio::sync::oneshot::Receiver as Future>" and
      aulib.timer_wait(body[0][2], 50, late=1.0),
      "the stuck body is left waiting at line %d on the Receiver, ~50 ms, to its shutdown (%s)" %
      (stuck_at, body))
check({w[0] for w in left} <= {"instrumented::stuck", "instrumented::stuck::{closure#0}::{async_block#0}",
                               WRAPPER, "<tokio::sync::oneshot::Receiver as Future>"} and
      any(w[0] == "instrumented::stuck" and w[3].get("on") == WRAPPER for w in left),
      "only the stuck task's futures are left waiting, the fn on its wrapper (%s)" %
      [(w[0], w[1], round(w[2], 1)) for w in left])
tw = task_left_waiting(trace)
check(stuck and set(tw) == {stuck[0]["id"]} and tw[stuck[0]["id"]][0] == stuck_at,
      "the stuck task's track ends waiting at line %d, and only its (%s)" % (stuck_at, tw))

# the bodies: each waits at its await, as long as its timer
fetch = waits(FETCH_BODY)
check(len(fetch) == 3 and all(w[0] == marker_line(SRC_FILE, "fetch-sleep") and
                              w[2] == "<tokio::time::sleep::Sleep as Future>" and
                              aulib.timer_wait(w[1], 50) for w in fetch),
      "fetch's body waits 3 times 50 ms on its sleep at line %d (%s)" %
      (marker_line(SRC_FILE, "fetch-sleep"), fetch))
handle = waits(HANDLE_BODY)
check(len(handle) == 3 and all(w[0] == marker_line(SRC_FILE, "handle-fetch") and
                               w[2] == "instrumented::fetch" and aulib.timer_wait(w[1], 50)
                               for w in handle),
      "handle's body waits 3 times 50 ms on fetch at line %d (%s)" %
      (marker_line(SRC_FILE, "handle-fetch"), handle))
worker = waits("instrumented::worker")
check(len(worker) == 2 and all(w[0] == marker_line(SRC_FILE, "worker-sleep") and
                               aulib.timer_wait(w[1], 30) for w in worker),
      "each worker waits 30 ms at line %d, inside its wrapper (%s)" %
      (marker_line(SRC_FILE, "worker-sleep"), worker))

# the #[instrument] fns: each waits on the wrapper, which names its body
for fn, body in (("instrumented::fetch", FETCH_BODY), ("instrumented::handle", HANDLE_BODY)):
    outer = waits(fn)
    check(len(outer) == 3 and all(w[2] == WRAPPER and w[3] == [body] and
                                  aulib.timer_wait(w[1], 50) for w in outer),
          "%s waits 3 times on Instrumented, with %s inside (%s)" % (fn, body, outer))
# the wrapper: one instance per instrumented future (3 fetch, 3 handle, 2
# workers, 1 stuck), polled with it: as often as the futures inside it
STUCK_BODY = "instrumented::stuck::{closure#0}::{async_block#0}"
inner = {w["args"].get("on") for w in waits_of(trace, WRAPPER)}
check(inner == {FETCH_BODY, HANDLE_BODY, "instrumented::worker"},
      "the wrappers' waits are on the bodies and the workers (%s)" % inner)
wrapper = future(s, WRAPPER)
inside = sum(len(polls_of(trace, n))
             for n in (FETCH_BODY, HANDLE_BODY, STUCK_BODY, "instrumented::worker"))
check(wrapper is not None and wrapper["instances"] == 9 and wrapper["polls"] == inside == 17,
      "9 Instrumented instances polled 17 times, as the futures inside them (%s, %d)" %
      (wrapper and (wrapper["instances"], wrapper["polls"]), inside))
done()
