#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Awaits in loops (fixtures/loops): an actor's select! loop, a client's
send/sleep loop, a retry loop with backoff, each wait at its line and as
long as its timer.  Where two awaits of one kind share a place in the
state machine and the code's order cannot tell which one runs (a loop with
a second sleep every other round), the wait says its line is the
likeliest of 2 (guessed_among), and the symbols say which await can follow
which.  A future dropped before it completes, and the next one made at its
address (a timeout's call, a select!'s branches each round), are
instances of their own."""
import collections
import json
import subprocess

import aulib
from aulib import AU, check, done, fixture, marker_line, polls_of, profiled, waits_of


def timer_wait(value, ms):
    """aulib's timer_wait, late by up to half: this program's tasks keep
    several timers at once, and their waits read up to 1.5x late on a
    loaded machine (15.06 ms for a 10 ms timeout, once in a dozen runs);
    a wait on the wrong thing (the 100 ms call, the 15 ms interval for a
    3 ms sleep) reads more."""
    return aulib.timer_wait(value, ms, late=0.5)

SRC_FILE = "loops/src/main.rs"
res, s, trace = profiled("loops")


def waits(future):
    """(await line, wait ms, on, inner, guessed_among) of a future's waits."""
    return [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6,
             w["args"].get("on"), w["args"].get("inner"),
             w["args"].get("await", {}).get("guessed_among"))
            for w in waits_of(trace, future)]


def at(future, marker):
    return [w for w in waits(future) if w[0] == marker_line(SRC_FILE, marker)]


# the actor: every wait is at its select! (on what its three branches wait
# on) or in its 5 ms of work per Add (woken early by the interval's timer,
# left registered by the select: that sleep's waits add up to 5 ms each)
actor = waits("loops::actor")
select, work = at("loops::actor", "actor-select"), at("loops::actor", "add-work")
# (its shutdown Receiver polled through `&mut`, seen through that too)
branches = {"<tokio::sync::mpsc::bounded::Receiver>::recv",
            "<tokio::time::interval::Interval>::tick", "<tokio::sync::oneshot::Receiver as Future>"}
check(len(select) >= 5 and len(select) + len(work) == len(actor) and
      all(w[3] and set(w[3]) <= branches for w in select) and
      any(w[3] and set(w[3]) == branches for w in select),
      "actor: its waits are at the select! line %d, on its branches, or at its work (%s)" %
      (marker_line(SRC_FILE, "actor-select"), actor))
# (tokio's timer wheel has 1 ms slots: a 5 ms sleep ends 5 to 6.5 ms on,
# and its poll comes up to 1.5 ms later on a loaded machine: the suite's
# full runs read 33 ms twice in six; one of the interval's 15 ms waits
# taken for the work would still read more)
check(len(work) >= 5 and 25 <= sum(w[1] for w in work) <= 40,
      "actor: 5 commands of 5 ms of work, 25-40 ms at line %d (%s)" %
      (marker_line(SRC_FILE, "add-work"), work))
# the client: five 20 ms pauses, then the reply under a timeout
pauses = at("loops::client", "client-pause")
check(len(pauses) == 5 and all(timer_wait(w[1], 20) for w in pauses),
      "client: five waits of 20 ms at line %d (%s)" %
      (marker_line(SRC_FILE, "client-pause"), pauses))
# (the Receiver is handed to the timeout by value: a patched recording
# patches it because the Timeout's type names it)
reply = at("loops::client", "reply")
check(len(reply) == 1 and reply[0][2] == "<tokio::time::timeout::Timeout as Future>" and
      sorted(reply[0][3] or []) == ["<tokio::sync::oneshot::Receiver as Future>",
                                    "<tokio::time::sleep::Sleep as Future>"],
      "client: the reply's wait is on the timeout, the Receiver and the timer inside (%s)" %
      reply)
# the retry loop: three 3 ms attempts, two failing, backoffs of 10 and 20 ms
# (N ms to N * 1.15 + 2: the timer's 1 ms slots and mcount's slow wakes,
# 11-12 ms for the 10 ms one while the timeouts run beside it)
tries = at("loops::with_retry", "flaky")
backoffs = [w[1] for w in at("loops::with_retry", "backoff")]
check(len(tries) == 3 and all(w[2] == "loops::flaky" for w in tries) and
      len(backoffs) == 2 and timer_wait(backoffs[0], 10) and timer_wait(backoffs[1], 20) and
      len(waits("loops::with_retry")) == 5,
      "with_retry: 3 attempts at line %d, backoffs of 10 and 20 ms at line %d (%s)" %
      (marker_line(SRC_FILE, "flaky"), marker_line(SRC_FILE, "backoff"),
       waits("loops::with_retry")))
work = at("loops::flaky", "attempt-work")
check(len(work) == 3 and all(timer_wait(w[1], 3) for w in work),
      "flaky: each attempt sleeps 3 ms at line %d (%s)" %
      (marker_line(SRC_FILE, "attempt-work"), work))
# two sleeps at one place, either of which can follow the first: 6 waits,
# 40 ms of sleeps (each up to 2 ms late under mcount: the timer's 1 ms
# slots, the driver's turn and the wake); a wait the code's order
# placed is the right one, the others say they are a guess between the two
alt = waits("loops::alternating")
short, long_ = marker_line(SRC_FILE, "alt-short"), marker_line(SRC_FILE, "alt-long")
placed = [w for w in alt if not w[4]]
check(len(alt) == 6 and 40 <= sum(w[1] for w in alt) <= 52 and
      all(w[0] in (short, long_) for w in alt),
      "alternating: 6 waits at its two sleeps, 40-52 ms in all (%s)" % alt)
check(all((w[0] == short) == (w[1] < 8) for w in placed) and
      all(w[4] == 2 for w in alt if w[4]) and len(placed) < len(alt),
      "alternating: the waits the code's order places are right (4 ms at line %d, 12 at "
      "%d), the others are a guess among 2 (%s)" % (short, long_, alt))
# three 10 ms timeouts around a 100 ms call: three calls, each made where
# the last was dropped, each waiting 10 ms once (to 13.5: the timer's 1 ms
# slots and mcount), none complete; no wait from one call's last poll to
# the next one's first
calls = [w for w in waits("loops::slow_call")]
by_name = {f["name"]: f for f in s["futures"]}
sc = by_name.get("loops::slow_call", {})
check(sc.get("instances") == 3 and sc.get("completed") == 0 and len(calls) == 3 and
      all(w[0] == marker_line(SRC_FILE, "slow-call") and timer_wait(w[1], 10) for w in calls),
      "slow_call: 3 instances, none completed, one 10 ms wait each at line %d (%s, %s)" %
      (marker_line(SRC_FILE, "slow-call"), sc, calls))
imp = at("loops::impatient", "impatient")
check(len(imp) == 3 and all(timer_wait(w[1], 10) and w[2] == "<tokio::time::timeout::Timeout as Future>"
                            and "loops::slow_call" in (w[3] or []) for w in imp),
      "impatient: three 10 ms waits on the timeout around slow_call (%s)" % imp)
# the actor's select! makes a recv and a tick future every round (6
# commands, the shutdown and a tick every 15 ms: 13 rounds or more), and
# drops those that lost: each round's are instances of their own, not one
# tick future polled for the whole run
tick = by_name.get("<tokio::time::interval::Interval>::tick", {})
recv = by_name.get("<tokio::sync::mpsc::bounded::Receiver>::recv", {})
check(tick.get("instances", 0) >= 10 and recv.get("instances", 0) >= 10 and
      tick.get("polls", 0) <= 2 * tick.get("instances", 0),
      "actor: the select!'s tick and recv futures, one per round (%s, %s)" % (tick, recv))
# ...while the shutdown Receiver it polls through `&mut` every round lives
# on: one instance polled in every round
shut = collections.Counter(e["args"].get("instance") for e in
                           polls_of(trace, "<tokio::sync::oneshot::Receiver as Future>"))
check(shut and max(shut.values()) >= 10,
      "actor: the shutdown Receiver, polled through &mut, is one instance over the rounds "
      "(polls per instance: %s)" % dict(shut))
# (a wake that tokio took a millisecond to act on, its worker left parked
# or no worker taking it sooner, is the runtime's doing and happens under
# load: ASan's build, timers of several tasks firing at once; anything
# else is a false alarm)
others = [d for d in s["diagnostics"]
          if not (d["kind"] == "wake_delay" and ("its worker stayed parked" in d["message"] or
                                                 "no worker picked it up sooner" in d["message"]))]
check(not others, "no diagnostic but a parked worker's wake delay (%s)" %
      [d["message"] for d in s["diagnostics"]])

# the symbols: either sleep can follow the short one; only the short one
# follows the long one
proc = subprocess.run([AU, "symbols", "--json", fixture("loops")], capture_output=True, text=True)
alt_fn = [f for f in json.loads(proc.stdout or "[]") if f["label"] == "loops::alternating"]
by_line = {a["line"]: a for a in (alt_fn[0]["awaits"] if alt_fn else [])}
s_aw, l_aw = by_line.get(short, {}), by_line.get(long_, {})
check(sorted(s_aw.get("next", [])) == sorted([s_aw.get("state"), l_aw.get("state")]) and
      l_aw.get("next") == [s_aw.get("state")],
      "symbols: after the short sleep either sleep, after the long one the short (%s)" %
      [(a["line"], a["state"], a.get("next")) for a in by_line.values()])
done()
