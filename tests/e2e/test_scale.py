#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Scale: 100,000 tasks (fixtures/workload: 50,000 yielding tasks and
25,000 channel pairs), recorded in the default mode and analyzed: every task
is found, with its parent, and completed."""
from aulib import check, done, fixture, load, profile

res = profile(fixture("workload"), "workload-100k", args=("50000", "0", "0"))
check(res["rc"] in (0, 1), "analyzed (exit %d)" % res["rc"])
s = load(res["summary"])
tasks = [t for t in s["tasks"] if t["kind"] == "task"]
check(len(tasks) >= 100000, ">= 100,000 tasks (%d)" % len(tasks))
check(all(t["outcome"] == "completed" for t in tasks), "all completed")
roots = {t["id"] for t in s["tasks"] if t["kind"] == "block_on"}
check(all(t["parent"] in roots for t in tasks), "each was spawned by the block_on root")
done()
