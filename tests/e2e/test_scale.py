#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Scale: 100,000 tasks (fixtures/workload: 50,000 yielding tasks and
25,000 channel pairs), recorded in the default mode and analyzed: every task
is found, with its parent, and completed.  Analyzed again without a trace
(the records then come from a reading thread, in batches): the same
summary.  Its trace (over 1.5 GB) is too big for a JavaScript string:
analyze says so, with what --min-call 1us would leave out, and that count
is checked against the trace written with --min-call 1us."""
import os
import re
import subprocess

from aulib import AU, check, done, fixture, load, profile, within

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


def x_slices(path):
    """"ph":"X" events in a trace, read in chunks (it is gigabytes)."""
    n, tail = 0, b""
    with open(path, "rb") as f:
        while chunk := f.read(1 << 26):
            buf = tail + chunk
            n += buf.count(b'"ph":"X"')
            tail = buf[-7:]  # a match cut by the chunk boundary
    return n


JS_STRING_MAX = 536870888
size = os.path.getsize(res["trace"])
note = re.search(r"note: the trace is (\d+) MB:.*(?:\n      .*)*", res["stderr"])
left_out = note and re.search(r"would leave out (\d+) of its (\d+) call slices \(those under 1 "
                              r"us, about (\d+) MB\)", note.group(0))
check(size > JS_STRING_MAX and note is not None,
      "a %d MB trace comes with the note that only Perfetto opens it" % round(size / 1e6))
if note:
    check(int(note.group(1)) == round(size / 1e6), "the note gives its size (%s MB)" % note.group(1))
    check(left_out is not None, "and what --min-call 1us would leave out")
if left_out:
    short, calls = int(left_out.group(1)), int(left_out.group(2))
    t1 = res["trace"] + ".min1us.json"
    p = subprocess.run([AU, "analyze", res["data"], "--min-call", "1us", "-o", t1, "-s",
                        again, "-q"])
    check(p.returncode == res["rc"], "analyze --min-call 1us exits as profile.sh did")
    dropped = x_slices(res["trace"]) - x_slices(t1)
    check(0 < short <= calls and dropped == short,
          "--min-call 1us left out exactly the %d calls the note counted (%d fewer slices)" %
          (short, dropped))
    saved = (size - os.path.getsize(t1)) / 1e6
    check(within(int(left_out.group(3)), saved, 0.10),
          "and the note's %s MB they take is right within 10%% (%.0f MB)" %
          (left_out.group(3), saved))
    os.unlink(t1)
done()
