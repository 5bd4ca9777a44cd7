#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Blocking calls inside async code: std::thread::sleep (libstd's own code,
not traced: found at its call site by the symbolizer) and a std Mutex lock
(a generic, traced itself) are each flagged once as blocking_call, naming
the program's function; the sleep also makes a long_poll."""
import re

from aulib import SRC, check, done, fixture, load, profile

with open(SRC + "/fixtures/blocking/src/main.rs") as f:
    nap_ms = int(re.search(r"const NAP_MS: u64 = (\d+);", f.read()).group(1))
res = profile(fixture("blocking"), "blocking")
s = load(res["summary"])
bc = [d for d in s["diagnostics"] if d["kind"] == "blocking_call"]
sleep = [d for d in bc if "sleep" in d["message"]]
lock = [d for d in bc if "Mutex" in d["message"]]
check(len(sleep) == 1 and sleep[0]["stack"][0] == "blocking::doze",
      "one blocking_call: doze calls std::thread::sleep (%s)" % [d["message"][:60] for d in bc])
check(sleep and sleep[0]["dur_ns"] >= 0.9 * nap_ms * 1e6, "the sleep's time is measured")
check(len(lock) == 1 and lock[0]["stack"][0] == "blocking::careful",
      "one blocking_call: careful locks a std Mutex")
lp = [d for d in s["diagnostics"] if d["kind"] == "long_poll"]
check(len(lp) == 1 and "blocking::doze" in lp[0]["stack"] and lp[0]["dur_ns"] >= nap_ms * 1e6,
      "a long_poll with doze in its stack (%s)" % [(d["future"], d["stack"]) for d in lp])
check(lp and lp[0]["future"] == "blocking::main::{async_block#0}",
      "the long poll names the program's future (%s)" % (lp and lp[0]["future"]))
done()
