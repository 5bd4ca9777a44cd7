#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Our traces in a real viewer: speedscope (npm) in headless Chromium
(Debian) must import them without error, show one profile per thread and
list the poll functions by name.  Skips (77) without Chromium, node or the
npm packages (scripts/test.sh installs them)."""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from aulib import AU, SRC, check, done, skip, tmpdir  # noqa: E402

chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
if not os.access(chromium, os.X_OK):
    skip("Chromium not installed (apt-get install chromium)")
if not shutil.which("node"):
    skip("node not installed")
if not os.path.isdir(os.path.join(HERE, "node_modules", "speedscope")):
    skip("speedscope not installed (npm install in tests/browser)")
if not shutil.which("xz"):
    skip("xz not installed")


def load(trace, *extra):
    p = subprocess.run(["node", os.path.join(HERE, "load-trace.js"), trace, *extra],
                       capture_output=True, text=True, timeout=120)
    print(p.stdout + p.stderr)
    return p


tmp = tmpdir("au-browser-")
binary = os.path.join(tmp, "handfuture")
with open(binary, "wb") as out:
    subprocess.run(["xz", "-dc", os.path.join(SRC, "fixtures", "recordings", "handfuture.xz")],
                   stdout=out, check=True)
trace = os.path.join(tmp, "hf.json")
subprocess.run([AU, "analyze", os.path.join(SRC, "fixtures", "recordings", "handfuture.uftrace.data"),
                "--binary", binary, "-o", trace, "-q"], check=True)
p = load(trace, "--profiles", "1",
         "--expect", "<handfuture::Countdown as core::future::future::Future>::poll",
         "--expect", "handfuture::run::{closure#0}")
check(p.returncode == 0, "speedscope imports the handfuture trace and lists its polls")
check("profiles: 1" in p.stdout, "one profile: the recording's one thread")

# The seed example, when its fixture and uftrace are there: 4 threads.
demo = os.path.join(SRC, "fixtures", "target", "debug", "demo")
if os.access(demo, os.X_OK) and shutil.which("uftrace"):
    out = os.path.join(tmp, "demo")
    subprocess.run([os.path.join(SRC, "scripts", "profile.sh"), demo, out],
                   env=dict(os.environ, ASYNC_UFTRACE=AU), capture_output=True, timeout=300)
    p = load(out + ".json", "--expect", "demo::my_test::{closure#0}")
    threads = sum(1 for _ in open(out + ".json") if '"thread_name"' in _) or None
    check(p.returncode == 0, "speedscope imports the seed example's trace and shows my_test's poll")
    check("profiles: 4" in p.stdout, "one profile per thread of the seed example (4)")
done()
