#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Scale: 100,000 tasks (fixtures/workload: 50,000 yielding tasks and
25,000 channel pairs), recorded in the default mode and analyzed: every task
is found, with its parent, and completed.  Analyzed again without a trace
(the records then come from a reading thread, in batches): the same
summary."""
import subprocess

from aulib import AU, check, done, fixture, load, profile

res = profile(fixture("workload"), "workload-100k", args=("50000", "0", "0"))
check(res["rc"] in (0, 1), "analyzed (exit %d)" % res["rc"])
s = load(res["summary"])
tasks = [t for t in s["tasks"] if t["kind"] == "task"]
check(len(tasks) >= 100000, ">= 100,000 tasks (%d)" % len(tasks))
check(all(t["outcome"] == "completed" for t in tasks), "all completed")
roots = {t["id"] for t in s["tasks"] if t["kind"] == "block_on"}
check(all(t["parent"] in roots for t in tasks), "each was spawned by the block_on root")

again = res["summary"] + ".notrace.json"
p = subprocess.run([AU, "analyze", res["data"], "--no-trace", "-s", again, "-q"])
check(p.returncode == res["rc"], "analyze --no-trace exits as profile.sh did (%d)" % p.returncode)
s2 = load(again)
check(s2["trace"]["records"] == s["trace"]["records"] and s2["trace"]["records"] > 1000000,
      "every record read through the thread (%d of %d)" % (s2["trace"]["records"],
                                                           s["trace"]["records"]))
check(s2["tasks"] == s["tasks"] and s2["futures"] == s["futures"],
      "the same tasks and futures, field by field")
done()
