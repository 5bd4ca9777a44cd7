#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Trace filters: --hide-runtime, --only CRATE, --min-poll, --min-call and
--task leave out what they say, keep what they promise (polls, runtime
calls), and the trace still imports cleanly."""
import json
import re
import subprocess

from aulib import AU, check, check_trace_file, done, fixture, load, profile

res = profile(fixture("spawn-tree"), "spawn-tree-filters")
data = res["data"]
s = load(res["summary"])


def analyze(*opts):
    out = data + "-f.json"
    p = subprocess.run([AU, "analyze", data, "-o", out, "-s", out + ".s", "-q", *opts],
                       capture_output=True, text=True)
    check(p.returncode in (0, 1), "analyze %s runs (exit %d)" % (" ".join(opts), p.returncode))
    check_trace_file(out)
    return load(out)["traceEvents"]


def calls(events):
    return [e for e in events if e.get("ph") == "X" and e.get("cat") == "call"]


full = analyze()
ev = analyze("--hide-runtime")
runtime_roles = ("raw::poll", "RawTask>::new", "task::waker::", "park", "unpark", "block_on",
                 "worker::run", "Harness>::complete", "raw::schedule", "raw::dealloc",
                 "raw::shutdown", "spawn_blocking", "Defer>::wake", "schedule_task")
kept = {e["name"] for e in calls(ev)}
check(all(n.startswith("spawn_tree") or any(r in n for r in runtime_roles) for n in kept),
      "--hide-runtime keeps only the program's calls and runtime entry points (%s)" %
      sorted(n for n in kept if not n.startswith("spawn_tree"))[:5])
check(len(calls(ev)) < len(calls(full)), "--hide-runtime leaves calls out (%d of %d)" %
      (len(calls(ev)), len(calls(full))))
polls = lambda evs: [e for e in evs if e.get("ph") == "X" and e.get("cat") == "poll"]
check(len(polls(ev)) == len(polls(full)), "--hide-runtime keeps every poll")

ev = analyze("--only", "spawn_tree")
check(all(n.startswith("spawn_tree") or any(r in n for r in runtime_roles)
          for n in {e["name"] for e in calls(ev)}), "--only spawn_tree keeps that crate's calls")

ev = analyze("--min-poll", "100us")
check(all(e["dur"] >= 100 for e in polls(ev)) and len(polls(ev)) < len(polls(full)),
      "--min-poll 100us leaves shorter polls out (%d of %d)" % (len(polls(ev)), len(polls(full))))

ev = analyze("--min-call", "5us")
check(all(e["dur"] >= 5 or any(r in e["name"] for r in runtime_roles) for e in calls(ev)),
      "--min-call 5us leaves shorter calls out")

leaf = next(t for t in s["tasks"] if t["name"] == "spawn_tree::leaf")
ev = analyze("--task", str(leaf["id"]))
tracks = {e["name"] for e in ev if e.get("ph") == "b" and e.get("cat") == "task"
          and e["name"].startswith("task ")}
check(tracks == {"task %d spawn_tree::leaf (tokio id %d)" % (leaf["id"], leaf["runtime_id"])},
      "--task %d keeps only its track, named with tokio's id too (%s)" %
      (leaf["id"], tracks))
futs = {e["name"] for e in ev if e.get("ph") == "b" and e.get("cat") == "future"
        and e["name"] not in ("poll", "wait")}
check("spawn_tree::leaf" in futs and "spawn_tree::child" not in futs,
      "--task keeps its futures only (%s)" % sorted(futs)[:4])
# The report takes the same filters (the summary JSON never does).
rep = subprocess.run([AU, "report", data, "--task", str(leaf["id"])], capture_output=True,
                     text=True).stdout
rows = re.findall(r"^ +(\d+) +(?:\d+|-) (spawn_tree::\w+) ", rep, re.M)
check(rows == [(str(leaf["id"]), "spawn_tree::leaf")], "report --task shows that task's row only (%s)" % rows)
rep = subprocess.run([AU, "report", data, "--hide-runtime"], capture_output=True, text=True).stdout
check("Your futures" in rep and "Library and runtime futures" not in rep,
      "report --hide-runtime lists only the program's futures")
s2 = json.loads(subprocess.run([AU, "report", data, "--json", "--hide-runtime"],
                               capture_output=True, text=True).stdout)
check(len(s2["futures"]) == len(s["futures"]), "the summary JSON is not filtered")
# --task rt:N: the task as the runtime numbers it (a JoinError's "task N")
ev_rt = analyze("--task", "rt:%d" % leaf["runtime_id"])
tracks_rt = {e["name"] for e in ev_rt if e.get("ph") == "b" and e.get("cat") == "task"
             and e["name"].startswith("task ")}
check(tracks_rt == tracks and len(ev_rt) == len(ev),
      "--task rt:%d gives the trace --task %d gives (%d and %d events)" %
      (leaf["runtime_id"], leaf["id"], len(ev_rt), len(ev)))
rep = subprocess.run([AU, "report", data, "--task", "rt:%d" % leaf["runtime_id"]],
                     capture_output=True, text=True).stdout
rows = re.findall(r"^ +(\d+) +(\d+|-) (spawn_tree::\w+) ", rep, re.M)
check(rows == [(str(leaf["id"]), str(leaf["runtime_id"]), "spawn_tree::leaf")],
      "report --task rt:%d shows that task's row only (%s)" % (leaf["runtime_id"], rows))
p = subprocess.run([AU, "report", data, "--task", "rt:9999"], capture_output=True, text=True)
check("no task has the runtime id 9999" in p.stdout and p.returncode == 0,
      "report --task rt:9999: says no task has that id")
for bad in ("x", "rt:", "rt:x", "0"):
    p = subprocess.run([AU, "analyze", data, "--task", bad], capture_output=True, text=True)
    check(p.returncode == 64, "--task %s is a usage error" % bad)
done()
