#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Streams (fixtures/streams): a wait on a stream's future names the
stream (Next<FuturesUnordered>, Next<Receiver>, Collect<BufferUnordered>),
and says what it still waits on inside when its poll polled none of its
futures (a FuturesUnordered polls only those that were woken): the ones
left pending before, less those that completed since.  Each wait is at its
line and as long as its timers; awaits of one kind sharing a place and a line
are no guess.  A task stuck on one future of its FuturesUnordered never
completes, and its diagnostic names that future."""
import subprocess

from aulib import AU, check, done, left_waiting, marker_line, profiled, waits_of

SRC_FILE = "streams/src/main.rs"
res, s, trace = profiled("streams")
NEXT = "<futures_util::stream::stream::next::Next<%s> as Future>"
FU = "futures_util::stream::futures_unordered::FuturesUnordered"


def waits(future):
    """(await line, wait ms, on, inner) of a future's waits."""
    return [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6,
             w["args"].get("on"), w["args"].get("inner"))
            for w in waits_of(trace, future)]


def fine(ws, marker, on):
    """All at the marked line, on @on."""
    return bool(ws) and all(w[0] == marker_line(SRC_FILE, marker) and w[2] == on for w in ws)


# (tokio's timer has 1 ms slots, and polls under mcount are slow: a wait
# on a sleep of N ms is N * 0.9 to N * 1.15 + 6 ms)
def near(ms, expect):
    # (a wait starts where the poll that set the timer ended, and a slow
    # poll ends late: 9.3 ms for a 10 ms sleep, once; late, by its timer's
    # rounding and the wake-to-poll latency of a loaded machine: 13.5 ms
    # for an 8 ms one, once, with the ASan suite beside it)
    return expect * 0.9 <= ms <= expect * 1.15 + 6


# buffer_unordered(2) over fetches of 10, 20, 30 and 40 ms: done at 10,
# 20, 40 and 60 ms; every wait, even one whose poll polled no fetch, is on
# the fetches inside
b = waits("streams::buffered")
check(fine(b, "buffered", "<futures_util::stream::stream::collect::Collect<"
           "futures_util::stream::stream::buffer_unordered::BufferUnordered> as Future>") and
      near(sum(w[1] for w in b), 60) and all(w[3] == ["streams::fetch"] for w in b),
      "buffered: waits on Collect<BufferUnordered> at line %d, 60 ms in all, each on the "
      "fetches inside (%s)" % (marker_line(SRC_FILE, "buffered"), b))
# a FuturesUnordered of 15, 5 and 25 ms fetches: items at 5, 15 and 25 ms
u = waits("streams::unordered")
check(fine(u, "fu-next", NEXT % FU) and near(sum(w[1] for w in u), 25) and
      len([w for w in u if w[1] > 3]) == 3 and all(w[3] == ["streams::fetch"] for w in u),
      "unordered: three waits on Next<FuturesUnordered> at line %d, 25 ms in all, each on "
      "the fetches inside (%s)" % (marker_line(SRC_FILE, "fu-next"), u))
fetches = sorted(w[1] for w in waits("streams::fetch"))
check(len(fetches) == 9 and all(near(ms, e) for ms, e in zip(fetches, [5, 5, 5, 10, 15, 20,
                                                                        25, 30, 40])),
      "fetch: 9 instances, each waiting its own 5 to 40 ms (%s)" % fetches)
# boxed futures of two kinds: after the 5 ms fetch completes, the 25 ms
# pause alone is left inside
mx = [w for w in waits("streams::mixed") if w[1] > 1]
check(len(mx) == 2 and fine(mx, "mixed-next", NEXT % FU) and near(mx[0][1], 5) and
      near(mx[0][1] + mx[1][1], 25) and
      sorted(mx[0][3] or []) == ["streams::fetch", "streams::pause"] and
      mx[1][3] == ["streams::pause"],
      "mixed: waits on the fetch and the pause, then on the pause alone (%s)" % mx)
# a futures mpsc Receiver fed every 12 ms
c = waits("streams::channel_stream")
check(fine(c, "rx-next", NEXT % "futures_channel::mpsc::Receiver") and len(c) == 3 and
      all(near(w[1], 12) for w in c),
      "channel_stream: three waits of 12 ms on Next<Receiver> at line %d (%s)" %
      (marker_line(SRC_FILE, "rx-next"), c))
# an unfold stream: each item is its closure's future, an 8 ms sleep
f = waits("streams::unfold_stream")
check(fine(f, "unfold-next", NEXT % "futures_util::stream::unfold::Unfold") and len(f) == 3 and
      all(near(w[1], 8) and w[3] == ["streams::unfold_stream::{closure#0}::{closure#0}::"
                                     "{async_block#0}"] for w in f),
      "unfold_stream: three waits of 8 ms on Next<Unfold> at line %d, on its closure's "
      "future (%s)" % (marker_line(SRC_FILE, "unfold-next"), f))
# main awaits five JoinHandles on one line, two at one place of its state
# machine: the line is sure, whichever of the two it is
j = waits("streams::main::{async_block#0}")
guessed = [w["args"]["await"].get("guessed_among") for w in
           waits_of(trace, "streams::main::{async_block#0}")]
check(j and all(w[0] == marker_line(SRC_FILE, "joins") for w in j) and not any(guessed),
      "main: its waits on the JoinHandles at line %d, no guess (%s, guessed_among %s)" %
      (marker_line(SRC_FILE, "joins"), j, guessed))
# the task gathering a 5 ms fetch and a call stuck on a oneshot never
# completes: it waits at its next() on the stuck call alone; nothing else
# is wrong
g = [w for w in waits("streams::gather") if w[1] > 1]
check(len(g) == 1 and near(g[0][1], 5) and fine(g, "gather", NEXT % FU) and
      sorted(g[0][3] or []) == ["streams::fetch", "streams::stuck"],
      "gather: waits 5 ms on the fetch and the stuck call (%s)" % g)
# in the trace, gather's track ends in that wait, at its next() on the
# stuck call, until its runtime shut it down at exit
left = [w for w in left_waiting(trace) if w[0] == "streams::gather"]
check(len(left) == 1 and left[0][1] == marker_line(SRC_FILE, "gather") and
      left[0][3].get("inner") == ["streams::stuck"] and left[0][2] > 1,
      "gather: left waiting at line %d on the stuck call until its shutdown (%s)" %
      (marker_line(SRC_FILE, "gather"), left))
# ...and the stuck call inside its FuturesUnordered, which its last polls
# did not poll, waits with it, at its own line on the oneshot, from its
# own last poll (earlier: longer)
stuck = [w for w in left_waiting(trace) if w[0] == "streams::stuck"]
check(len(stuck) == 1 and left and stuck[0][1] == marker_line(SRC_FILE, "stuck") and
      stuck[0][3].get("on") == "<tokio::sync::oneshot::Receiver as Future>" and
      stuck[0][2] >= left[0][2],
      "stuck: left waiting at line %d on its oneshot, inside gather's FuturesUnordered (%s)" %
      (marker_line(SRC_FILE, "stuck"), stuck))
nc = [d for d in s["diagnostics"] if d["kind"] == "never_completed"]
# (a parked worker's wake delay is tokio's doing under load, a preempted
# one the kernel's: not counted)
others = [d for d in s["diagnostics"] if d["kind"] != "never_completed" and
          not (d["kind"] == "wake_delay" and ("its worker stayed parked" in d["message"] or
                                              "the kernel had preempted" in d["message"]))]
# the report's table: rows of one stream future told apart by their
# streams, their module paths dropped to fit the column
# (the table keeps the busiest few: which Next rows make it varies)
report = subprocess.run([AU, "report", res["data"]], capture_output=True, text=True).stdout
table = report.split("Library and runtime futures")[-1].split("\n\n")[0].splitlines()
nexts = [l.split()[0] + " " + " ".join(l.split()[1:3]) for l in table if "Next" in l]
check(nexts and all(n in ("<Next<FuturesUnordered> as Future>", "<Next<Unfold> as Future>",
                          "<Next<Receiver> as Future>") for n in nexts),
      "report: the library futures' table names each Next by its stream (%s)" % nexts)
check(len(nc) == 1 and nc[0]["future"] == "streams::gather" and
      nc[0]["await"] == "%s:%d" % (SRC_FILE, marker_line(SRC_FILE, "gather")) and
      nc[0].get("inner") == ["streams::stuck"] and "[streams::stuck]" in nc[0]["message"] and
      not others,
      "one diagnostic: gather never completed, waiting at line %d on the stuck call inside "
      "its FuturesUnordered (%s)" % (marker_line(SRC_FILE, "gather"),
                                     [(d["kind"], d.get("inner"), d["message"][:160])
                                      for d in s["diagnostics"]]))
done()
