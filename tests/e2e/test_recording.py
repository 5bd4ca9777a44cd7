#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The checked-in recording of fixtures/handfuture (with its binary, xz'd):
the analyzer's facts without a Rust toolchain or uftrace."""
import os
import shutil
import subprocess

from aulib import (AU, SRC, check, check_trace_file, done, future, load, marker_line, polls_of,
                   skip, tmpdir)

rec = os.path.join(SRC, "fixtures", "recordings", "handfuture.uftrace.data")
xz = os.path.join(SRC, "fixtures", "recordings", "handfuture.xz")
if not shutil.which("xz"):
    skip("xz not installed")
tmp = tmpdir("au-rec-")
binary = os.path.join(tmp, "handfuture")
with open(binary, "wb") as out:
    subprocess.run(["xz", "-dc", xz], stdout=out, check=True)

out = os.path.join(tmp, "hf")
p = subprocess.run([AU, "analyze", rec, "--binary", binary, "-o", out + ".json",
                    "--summary", out + ".summary.json"], capture_output=True, text=True)
print(p.stderr)
check(p.returncode == 0, "analyze exits 0 (got %d)" % p.returncode)
summary = load(out + ".summary.json")
trace = load(out + ".json")

check(summary["trace"]["records"] == 434, "434 records (217 entries + 217 exits, as uftrace dump counts)")
check(summary["trace"]["threads"] == 1, "one thread")
check(summary["trace"]["classified"], "the binary was classified from DWARF")
cd = future(summary, "<handfuture::Countdown as Future>")
check(cd is not None and cd["polls"] == 6 and cd["completed"] == 1,
      "Countdown polled 6 times and completed (%s)" % cd)
check(cd is not None and cd["size_bytes"] == 4, "Countdown is 4 bytes")
results = [e["args"]["result"] for e in polls_of(trace, "<handfuture::Countdown as Future>")]
check(results == ["Pending"] * 5 + ["Ready"], "5 Pending polls then Ready (%s)" % results)
run = future(summary, "handfuture::run")
check(run is not None and run["kind"] == "async_fn" and run["polls"] == 6, "run() polled 6 times")
line = marker_line("handfuture/src/main.rs", "run countdown")
check(run is not None and run["source"].endswith("handfuture/src/main.rs:%d" % (line - 1)),
      "run() source line (%s)" % (run and run["source"]))
waits = [e for e in trace["traceEvents"] if e.get("ph") == "b" and e.get("name") == "wait"
         and e.get("args", {}).get("on") == "<handfuture::Countdown as Future>"]
check(len(waits) == 5 and all(w["args"].get("await", {}).get("line") == line for w in waits),
      "run()'s 5 waits are at line %d on Countdown (%d)" % (line, len(waits)))

# Without the binary, functions are named but not classified: the analyzer
# says so and still writes its outputs.
p = subprocess.run([AU, "analyze", rec, "--binary", "/nonexistent", "-o", out + "2.json"],
                   capture_output=True, text=True)
check(p.returncode in (0, 1) and os.path.exists(out + "2.json"),
      "without the binary: output written (exit %d)" % p.returncode)
check("cannot read the program" in p.stderr, "without the binary: a clear warning")
check_trace_file(out + ".json")
done()
