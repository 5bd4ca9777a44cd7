#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The seed's own example, end to end: profile.sh records it, the analyzer
must see my_test polled twice (Pending, then Ready) after a 100 ms wait at
its sleep line, and main's waits adding to ~250 ms.

usage: test_seed_example.py FIXTURE   (demo = async-std, tokio-demo = tokio)
"""
import sys

from aulib import (check, check_trace_file, done, fixture, future, load, marker_line,
                   polls_of, profile, waits_of, within)

name = sys.argv[1] if len(sys.argv) > 1 else "demo"
app = fixture(name)
res = profile(app, name)
check(res["rc"] == 0, "profile.sh exits 0 (got %d)" % res["rc"])
summary = load(res["summary"])
trace = load(res["trace"])

check(summary["version"] == 1, "summary version is 1")
check(summary["trace"]["runtime"] == ("async-std" if name == "demo" else "tokio"),
      "runtime detected: %s" % summary["trace"]["runtime"])

crate = name.replace("-", "_")
my_test = future(summary, crate + "::my_test")
check(my_test is not None, "future %s::my_test is in the summary" % crate)
if my_test:
    check(my_test["kind"] == "async_fn", "my_test kind is async_fn")
    check(my_test["instances"] == 1, "my_test has 1 instance (got %d)" % my_test["instances"])
    check(my_test["polls"] == 2, "my_test polled exactly twice (got %d)" % my_test["polls"])
    check(my_test["completed"] == 1, "my_test completed")
    # The timer starts inside the first poll, so the part of that poll
    # after it belongs to the sleep too (it matters on a loaded machine).
    check(within(my_test["wait_ns"] + my_test["busy_ns"], 100e6, 0.10) and
          my_test["wait_ns"] <= 110e6,
          "my_test slept 100 ms +-10%% (waited %.1f ms, polled %.1f ms)" %
          (my_test["wait_ns"] / 1e6, my_test["busy_ns"] / 1e6))
    check(my_test["size_bytes"] and my_test["size_bytes"] > 0, "my_test has a size")
    check(my_test["source"] and my_test["source"].endswith("src/main.rs:%d" %
          (marker_line(name + "/src/main.rs", "my_test sleep") - 1)),
          "my_test source is its fn line (%s)" % my_test["source"])

polls = polls_of(trace, crate + "::my_test")
check([p["args"]["result"] for p in polls] == ["Pending", "Ready"],
      "my_test's polls in the trace: Pending then Ready (%s)" %
      [p["args"]["result"] for p in polls])

waits = waits_of(trace, crate + "::my_test")
check(len(waits) == 1, "my_test has one wait slice (got %d)" % len(waits))
if waits:
    line = marker_line(name + "/src/main.rs", "my_test sleep")
    aw = waits[0]["args"].get("await") or {}
    check(aw.get("line") == line and aw.get("file", "").endswith("src/main.rs"),
          "my_test's wait is at src/main.rs:%d (got %s)" % (line, aw))

# The outer future: the fixture's main body, which awaits my_test then sleeps.
outer = [f for f in summary["futures"]
         if f["name"].startswith(crate + "::main") and f["kind"] in ("async_fn", "async_block")
         and f["polls"] == 3]
check(len(outer) >= 1, "main's future polled 3 times (%s)" %
      [(f["name"], f["polls"]) for f in summary["futures"] if "main" in f["name"]])
if outer:
    check(within(outer[0]["wait_ns"] + outer[0]["busy_ns"], 250e6, 0.10) and
          outer[0]["wait_ns"] <= 275e6,
          "main's waits add to 250 ms +-10%% (waited %.1f ms, polled %.1f ms)" %
          (outer[0]["wait_ns"] / 1e6, outer[0]["busy_ns"] / 1e6))

check_trace_file(res["trace"])
done()
