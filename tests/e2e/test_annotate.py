#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""profile.sh --annotate: a value the program passes to one of its functions
(ping-pong's note_bytes(100 * (i + 1))) shows on that function's slices and
on the poll that made the call."""
import re

from aulib import SRC, check, check_trace_file, done, fixture, load, profile

with open(SRC + "/fixtures/ping-pong/src/main.rs") as f:
    rounds = int(re.search(r"const ROUNDS: u32 = (\d+);", f.read()).group(1))
res = profile(fixture("ping-pong"), "ping-pong-annotate", "--annotate",
              "^ping_pong::note_bytes$@arg1/u")
check(res["rc"] == 0, "profile.sh --annotate exits 0")
ev = load(res["trace"])["traceEvents"]
want = [100 * (i + 1) for i in range(rounds)]
values = [e["args"].get("arg1") for e in sorted(ev, key=lambda e: e.get("ts", 0))
          if e.get("ph") == "X" and e.get("name") == "ping_pong::note_bytes"]
check(values == want, "note_bytes' slices carry its argument in decimal (%s)" % values)
notes = [e["args"]["annotations"]["ping_pong::note_bytes"]
         for e in sorted(ev, key=lambda e: e.get("ts", 0))
         if e.get("cat") == "poll" and e["args"].get("future") == "ping_pong::ping"
         and "annotations" in e["args"]]
check(notes == want, "ping's polls carry the values they sent (%s)" % notes)
# only the annotated function's values: not the runtime's calls recorded
# with an argument (a channel's wait list, a JoinHandle's task)
others = {k for e in ev if e.get("cat") == "poll" for k in e["args"].get("annotations", {})}
check(others == {"ping_pong::note_bytes"}, "no other annotations (%s)" % sorted(others))
check_trace_file(res["trace"])
done()
