#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tasks, wakes and workers on tokio, from programs whose behaviour is known:
a spawn tree (exact parents), a yield_now loop (self-wakes), a channel
ping-pong (a wake -> poll link per message), sleeping tasks (idle time =
sleep), a multi-thread runtime (each worker's parked time)."""
import collections
import re
import subprocess

from aulib import (AU, SRC, check, check_trace_file, done, fixture, join_waits, load, marker_line,
                   profile, timer_wait, undocumented_keys, waits_of, within)


def tasks_named(summary, name):
    return [t for t in summary["tasks"] if t["name"] == name]


# --- symbols: every RawTask::new is a spawn -----------------------------
# tokio boxes big futures (Pin<Box<F>>); the functions that hand such a box
# on are no polls, and RawTask::new keeps its spawn role for them too.
import json
syms = json.loads(subprocess.run([AU, "symbols", "-j", fixture("spawn-tree")],
                                 capture_output=True, text=True).stdout)
raw_new = [f for f in syms if f["name"].startswith("<tokio::runtime::task::raw::RawTask>::new::<")]
check(len(raw_new) >= 4 and all(f["role"] == "spawn" for f in raw_new),
      "every RawTask::new instance is a spawn, Pin<Box<F>> ones included (%s)" %
      sorted({f["role"] for f in raw_new}))
boxed = [f["name"] for f in syms if f["role"] in ("async_fn", "async_block") and not f["user"]
         and not f["name"].endswith("}")]  # async bodies are ...::{closure#N}
check(not boxed, "no function that takes a boxed future is classified a poll (%s)" % boxed[:3])

# --- spawn tree: root spawns 3 children, each spawns 3 leaves -------------
res = profile(fixture("spawn-tree"), "spawn-tree")
check(res["rc"] == 0, "spawn-tree: profile.sh exits 0")
s = load(res["summary"])
trace = load(res["trace"])
with open(SRC + "/fixtures/spawn-tree/src/main.rs") as f:
    leaf_ms = int(re.search(r"from_millis\((\d+)\)\)\.await; // AWAIT: leaf sleep", f.read()).group(1))

check(not undocumented_keys(s), "every key of the summary is in doc/summary.md (missing: %s)" %
      undocumented_keys(s))
children = tasks_named(s, "spawn_tree::child")
leaves = tasks_named(s, "spawn_tree::leaf")
check(len(children) == 3, "3 child tasks (got %d)" % len(children))
check(len(leaves) == 9, "9 leaf tasks (got %d)" % len(leaves))
by_id = {t["id"]: t for t in s["tasks"]}
roots = {c["parent"] for c in children}
check(len(roots) == 1 and by_id.get(next(iter(roots)), {}).get("kind") == "block_on",
      "every child's parent is the block_on root (%s)" % roots)
per_child = collections.Counter(l["parent"] for l in leaves)
check(sorted(per_child) == sorted(c["id"] for c in children) and set(per_child.values()) == {3},
      "each child is the parent of exactly 3 leaves (%s)" % dict(per_child))
check(all(t["outcome"] == "completed" for t in children + leaves), "all 12 tasks completed")
# who waits on whom: each wait on a JoinHandle names the awaited task,
# here always a child of the waiting task
joins = join_waits(trace)
waiters = {w for w, _ in joins}
check(len(joins) >= 4 and all(by_id.get(t, {}).get("parent") == w for w, t in joins) and
      next(iter(roots)) in waiters and waiters & {c["id"] for c in children},
      "each JoinHandle wait names the task awaited, a child of the waiter; the root and the "
      "children wait so (%s)" % joins)
# tokio's own task ids (task::Id::next, a counter from 1): every spawned
# task has one; the two blocking tasks that start the workers come first,
# then the first child, and each parent's children in the order it spawned
# them (two threads spawning at once may take theirs in either order, and a
# worker may run the first child, which spawns its leaves, before main
# spawns the third)
spawned = sorted((t for t in s["tasks"] if t["kind"] != "block_on"), key=lambda t: t["spawned_ns"])
by_parent = collections.defaultdict(list)
for t in spawned:
    by_parent[t["parent"]].append(t["runtime_id"])
check(sorted(t["runtime_id"] for t in spawned) == list(range(1, len(spawned) + 1)) and
      min(t["runtime_id"] for t in children) == 3 and
      all(ids == sorted(ids) for ids in by_parent.values()),
      "tokio's task ids: 1..%d, the first child 3, each parent's in spawn order (%s)" %
      (len(spawned), dict(by_parent)))
check(all(t["spawn_site"] and t["spawn_site"]["function"] == "spawn_tree::child" for t in leaves),
      "leaves were spawned from spawn_tree::child")
# the line of the spawn call itself, also when the recording shows only
# tokio's RawTask::new below it (a patchable build)
lines = {"child": marker_line("spawn-tree/src/main.rs", "child", "SPAWN"),
         "leaf": marker_line("spawn-tree/src/main.rs", "leaf", "SPAWN")}
check(all(t["spawn_site"]["line"] == lines["leaf"] for t in leaves if t["spawn_site"]) and
      all(t["spawn_site"] and t["spawn_site"]["line"] == lines["child"] for t in children),
      "spawn sites are the tokio::spawn lines, %s (%s)" %
      (lines, sorted({(t["name"], t["spawn_site"] and t["spawn_site"]["line"])
                      for t in leaves + children})))
# The timer starts inside the first poll: idle time plus poll time.
check(all(within(l["idle_ns"] + l["busy_ns"], leaf_ms * 1e6, 0.10) for l in leaves),
      "each leaf is idle for its %d ms sleep +-10%% (%s ms)" %
      (leaf_ms, [round((l["idle_ns"] + l["busy_ns"]) / 1e6, 1) for l in leaves]))
check(all(l["polls"] == 2 and l["wakes"] == 1 for l in leaves), "each leaf: 2 polls, 1 wake")
# where they were queued: children by the main thread (outside the workers:
# the shared injection queue), leaves by a worker (its own queue)
check(all(c["scheduled_remote"] >= 1 for c in children),
      "each child was queued remotely at its spawn (%s)" % [c["scheduled_remote"] for c in children])
check(all(l["scheduled_local"] >= 1 for l in leaves),
      "each leaf was queued locally by a worker (%s)" % [l["scheduled_local"] for l in leaves])
workers = [t for t in s["threads"] if t["role"] == "worker"]
check(len(workers) == 2, "2 worker threads (%s)" % [(t["tid"], t["role"]) for t in s["threads"]])
check(all(w["parked_ns"] > 0 and w["parks"] >= 1 for w in workers),
      "each worker parked, at least once (%s)" % [(w["parks"], w["parked_ns"]) for w in workers])
# a worker's loop runs inside a blocking task's poll, of kind "worker" (the
# program spawned no blocking task): its parks there are idle time, not
# that task's busy time, nor the worker's
loops = [t for t in s["tasks"] if t["kind"] == "worker"]
check(not [t for t in s["tasks"] if t["kind"] == "blocking"],
      "no blocking tasks: the workers' are of kind worker (%s)" %
      [(t["id"], t["kind"], t["name"]) for t in s["tasks"]])
check(len(loops) == 2 and all(t["busy_ns"] < 0.2 * leaf_ms * 1e6 for t in loops) and
      all(w["busy_ns"] < w["parked_ns"] for w in workers),
      "the workers' loop tasks are not busy while their workers park (busy %s ms; workers "
      "busy %s, parked %s ms)" % ([round(t["busy_ns"] / 1e6, 2) for t in loops],
                                  [round(w["busy_ns"] / 1e6, 2) for w in workers],
                                  [round(w["parked_ns"] / 1e6, 1) for w in workers]))
# a debug build hides nothing (an optimized one, test_release.py)
check(s["trace"]["unseen"] == [], "nothing unseen in a debug build (%s)" % s["trace"]["unseen"])
# tokio-metrics' runtime view: the two workers' totals
rt = s["workers"]
check(rt["count"] == 2 and rt["polls"] == sum(w["polls"] for w in workers) and
      rt["parks"] == sum(w["parks"] for w in workers) and
      rt["max_busy_ns"] == max(w["busy_ns"] for w in workers) and
      rt["min_parks"] == min(w["parks"] for w in workers) and
      rt["local_schedules"] == sum(t["scheduled_local"] for t in s["tasks"]) and
      rt["remote_schedules"] == sum(t["scheduled_remote"] for t in s["tasks"]) and
      rt["stolen_polls"] == sum(t["stolen_polls"] for t in s["tasks"]),
      "the workers' totals: 2 workers, their polls, parks, busiest, local and remote "
      "queueings and steals (%s)" % rt)
rep_workers = re.search(r"^  2 workers: (\d+) polls, .*, (\d+) parks; tasks queued (\d+) times locally, "
                        r"(\d+) remotely", subprocess.run([AU, "report", res["data"]],
                                                           capture_output=True, text=True).stdout,
                        re.M)
check(rep_workers and tuple(int(x) for x in rep_workers.groups()) ==
      (rt["polls"], rt["parks"], rt["local_schedules"], rt["remote_schedules"]),
      "the report's workers line says the same (%s)" % (rep_workers and rep_workers.group(0)))
labels = {e["name"] for e in trace["traceEvents"] if e.get("ph") == "b" and e.get("cat") == "task"
          and e["name"].startswith("task ")}
ids_json = {int(l.split()[1]) for l in labels}
ids_summary = {t["id"] for t in s["tasks"] if t["polls"] > 0}
check(ids_json == ids_summary, "task ids in the trace match the summary")
wtp = s["wake_to_poll"]
check(wtp["count"] >= 9 and wtp["p50_ns"] <= wtp["p90_ns"] <= wtp["p99_ns"] <= wtp["max_ns"],
      "wake-to-poll percentiles are ordered (%s)" % wtp)
rep = subprocess.run([AU, "report", res["data"]], capture_output=True, text=True).stdout
# the report lists the program's tasks: not the workers' (under Threads),
# and no worker's loop among the longest polls (it would head it)
listed = re.search(r"^Tasks by busy time \((\d+) tasks; the workers' blocking tasks are under "
                   r"Threads\)", rep, re.M)
mine = [t for t in s["tasks"] if t["kind"] == "task"]
longest = rep.split("\nLongest polls:\n", 1)[-1].split("\n\n", 1)[0]
check(listed and int(listed.group(1)) == len(mine) and "BlockingTask" not in longest,
      "the report's tasks: the %d spawned, not the workers'; no BlockingTask among the longest "
      "polls (%s; %s)" % (len(mine), listed and listed.group(0), longest[:300]))
m = re.search(r"Wake to poll \((\d+) wakes\): p50 ([\d.]+ \w+), p90 ([\d.]+ \w+), p99 ([\d.]+ \w+), "
              r"max ([\d.]+ \w+)", rep)


UNIT = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}


def ns(text):
    v, unit = text.split()
    return round(float(v) * UNIT[unit])


def resolution(text):
    """The report prints 3 decimals of its unit."""
    return max(1, UNIT[text.split()[1]] / 1000)


check(m is not None and int(m.group(1)) == wtp["count"] and
      all(abs(ns(m.group(i)) - wtp[k]) <= resolution(m.group(i))
          for i, k in zip((2, 3, 4, 5), ("p50_ns", "p90_ns", "p99_ns", "max_ns"))),
      "the report's wake-to-poll line equals the summary's (%s)" % (m and m.group(0)))
spawn_flows = [e for e in trace["traceEvents"] if e.get("ph") == "s" and e.get("name") == "spawn"]
check(len(spawn_flows) >= 12, "a spawn -> first poll arrow per spawned task (%d)" % len(spawn_flows))
check_trace_file(res["trace"])

# --- yield_now loop: YIELDS self-wakes ------------------------------------
with open(SRC + "/fixtures/yield-loop/src/main.rs") as f:
    yields = int(re.search(r"const YIELDS: u32 = (\d+);", f.read()).group(1))
res = profile(fixture("yield-loop"), "yield-loop")
s = load(res["summary"])
sp = tasks_named(s, "yield_loop::spinner")
check(len(sp) == 1, "one spinner task")
if sp:
    check(sp[0]["polls"] == yields + 1, "spinner polled YIELDS+1 = %d times (got %d)" %
          (yields + 1, sp[0]["polls"]))
    check(sp[0]["self_wakes"] == yields, "spinner woke itself %d times (got %d)" %
          (yields, sp[0]["self_wakes"]))
check_trace_file(res["trace"])

# --- ping-pong: every message wakes the other task ------------------------
with open(SRC + "/fixtures/ping-pong/src/main.rs") as f:
    rounds = int(re.search(r"const ROUNDS: u32 = (\d+);", f.read()).group(1))
res = profile(fixture("ping-pong"), "ping-pong")
s = load(res["summary"])
trace = load(res["trace"])
ping, pong = tasks_named(s, "ping_pong::ping"), tasks_named(s, "ping_pong::pong")
check(len(ping) == 1 and len(pong) == 1, "ping and pong tasks")
if ping and pong:
    ids = {ping[0]["id"]: "ping", pong[0]["id"]: "pong"}
    wakes = [e["args"] for e in trace["traceEvents"] if e.get("ph") == "i" and e["name"] == "wake"
             and e["args"]["task"] in ids]
    cross = collections.Counter((ids.get(w["waker_task"]), ids[w["task"]]) for w in wakes)
    check(cross[("pong", "ping")] >= rounds and cross[("ping", "pong")] >= rounds - 1,
          "each message wakes the receiver (%s)" % dict(cross))
    flows = [e for e in trace["traceEvents"] if e.get("ph") == "f" and e.get("name") == "wake"]
    check(len(flows) >= 2 * rounds - 1, "a wake -> poll arrow per message (%d)" % len(flows))
    check(ping[0]["self_wakes"] == 0 and pong[0]["self_wakes"] == 0, "no self-wakes")
check_trace_file(res["trace"])

# --- a thread of the program's own in Handle::block_on --------------------
# (spawn-tree side: "side" naps 20 ms in the runtime's Handle::block_on)
res = profile(fixture("spawn-tree"), "spawn-tree-side", args=["side"])
s = load(res["summary"])
side = [t for t in s["threads"] if t["name"] == "side"]
check(len(side) == 1 and side[0]["role"] == "thread" and
      timer_wait(side[0]["parked_ns"] / 1e6, 20) and side[0]["blocked_ns"] < 2e6,
      "side: no worker; its 20 ms in Handle::block_on are parked, not blocked (%s)" %
      [(t["role"], t["parked_ns"], t["blocked_ns"]) for t in side])
check(len([t for t in s["threads"] if t["role"] == "worker"]) == 2,
      "the runtime's 2 workers and no more (%s)" % [(t["name"], t["role"]) for t in s["threads"]])
nap = [w["args"]["wait_ns"] / 1e6 for w in waits_of(load(res["trace"]), "spawn_tree::side_nap")]
check(len(nap) == 1 and timer_wait(nap[0], 20), "side_nap waits its 20 ms (%s)" % nap)
done()
