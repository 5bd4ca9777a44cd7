#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A hand-written Future: Countdown returns Pending COUNT times, then Ready,
so it must be classified future_impl and polled exactly COUNT + 1 times."""
import os
import re

from aulib import SRC, check, check_trace_file, done, fixture, future, load, polls_of, profile

with open(os.path.join(SRC, "fixtures", "handfuture", "src", "main.rs")) as f:
    count = int(re.search(r"const COUNT: u32 = (\d+);", f.read()).group(1))

res = profile(fixture("handfuture"), "handfuture")
check(res["rc"] == 0, "profile.sh exits 0 (got %d)" % res["rc"])
summary = load(res["summary"])
trace = load(res["trace"])

impls = [f for f in summary["futures"] if "Countdown" in f["name"]]
check(len(impls) == 1, "one Countdown future in the summary (%s)" % [f["name"] for f in impls])
if impls:
    cd = impls[0]
    check(cd["kind"] == "future_impl", "Countdown kind is future_impl (got %s)" % cd["kind"])
    check(cd["polls"] == count + 1, "Countdown polled COUNT+1 = %d times (got %d)" %
          (count + 1, cd["polls"]))
    check(cd["instances"] == 1 and cd["completed"] == 1, "one Countdown instance, completed")
    results = [p["args"]["result"] for p in polls_of(trace, cd["name"])]
    check(results == ["Pending"] * count + ["Ready"],
          "Countdown's polls: %d Pending then Ready (%s)" % (count, results))

run = future(summary, "handfuture::run")
check(run is not None and run["polls"] == count + 1,
      "run() is polled once per Countdown poll (%s)" % (run and run["polls"]))
check_trace_file(res["trace"])
done()
