#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Bad input gets a clear error and the documented exit code, never a crash,
and the recording is never changed: 0 clean, 1 output with warnings,
2 nothing usable, 64 usage."""
import hashlib
import os
import shutil
import subprocess

from aulib import AU, SRC, check, done, tmpdir

rec = os.path.join(SRC, "fixtures", "recordings", "handfuture.uftrace.data")
tmp = tmpdir("au-bad-")


def run(*args):
    p = subprocess.run([AU, *args], capture_output=True, text=True, timeout=60)
    print("$ async-uftrace %s -> %d\n%s" % (" ".join(args), p.returncode, p.stderr[-600:]))
    return p


def digest(d):
    h = hashlib.sha256()
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), "rb") as f:
            h.update(name.encode() + f.read())
    return h.hexdigest()


def copy(name):
    d = os.path.join(tmp, name)
    shutil.copytree(rec, d)
    return d


def dat(d):
    return os.path.join(d, [n for n in os.listdir(d) if n.endswith(".dat") and n[0].isdigit()][0])


p = run("analyze")
check(p.returncode == 64, "no DIR: usage error 64")
p = run("analyze", "--bogus", rec)
check(p.returncode == 64, "unknown option: 64")
p = run("frobnicate")
check(p.returncode == 64, "unknown command: 64")

p = run("analyze", os.path.join(tmp, "missing"), "-o", os.path.join(tmp, "x.json"))
check(p.returncode == 2 and "missing" in p.stderr, "missing directory: exit 2 naming it")

d = copy("noinfo")
os.unlink(os.path.join(d, "info"))
p = run("analyze", d, "-o", os.path.join(tmp, "noinfo.json"))
check(p.returncode == 2 and "info" in p.stderr, "missing info: exit 2 naming the file")

d = copy("truncated")
before = os.path.getsize(dat(d))
with open(dat(d), "r+b") as f:
    f.truncate(before - 5)
h = digest(d)
p = run("analyze", d, "-o", os.path.join(tmp, "trunc.json"))
check(p.returncode == 1, "truncated .dat: output with warnings, exit 1")
check("file ends inside a record" in p.stderr and ".dat" in p.stderr,
      "truncated .dat: the message names the file and the problem")
check(os.path.getsize(os.path.join(tmp, "trunc.json")) > 1000, "truncated .dat: trace written")
check(digest(d) == h, "the recording is not changed")

# A trace thrown away (-o /dev/null) or on stdout (-o -): the summary goes
# beside the recording, not to /dev/null.summary.json or -.summary.json.
d = copy("devnull.uftrace.data")
p = run("analyze", d, "-o", "/dev/null")
check(p.returncode == 0 and os.path.exists(os.path.join(tmp, "devnull.summary.json"))
      and not os.path.exists("/dev/null.summary.json"),
      "-o /dev/null: the summary beside the recording (devnull.summary.json)")
os.unlink(os.path.join(tmp, "devnull.summary.json"))
p = subprocess.run([AU, "analyze", d, "-o", "-"], capture_output=True, text=True, timeout=60,
                   cwd=tmp)
check(p.returncode == 0 and p.stdout.lstrip().startswith("{")
      and os.path.exists(os.path.join(tmp, "devnull.summary.json"))
      and not os.path.exists(os.path.join(tmp, "-.summary.json")),
      "-o -: the trace on stdout, the summary beside the recording")

d = copy("corrupt")
with open(dat(d), "r+b") as f:
    f.seek(16 * 40)
    f.write(b"\xff" * 48)
p = run("analyze", d, "-o", os.path.join(tmp, "corrupt.json"))
check(p.returncode == 1 and "offset" in p.stderr, "corrupt records: exit 1, offset named")

d = copy("empty")
with open(dat(d), "wb"):
    pass
p = run("analyze", d, "-o", os.path.join(tmp, "empty.json"))
check(p.returncode == 2 and "no records" in p.stderr, "empty recording: exit 2, says no records")

p = run("analyze", rec, "-o", "/nonexistent-dir/out.json")
check(p.returncode == 2 and "/nonexistent-dir/out.json" in p.stderr,
      "unwritable output: exit 2 naming the path")
p = run("analyze", rec, "-o", "/dev/full", "--summary", os.path.join(tmp, "s.json"))
check(p.returncode == 2, "disk full while writing: exit 2 (got %d)" % p.returncode)

p = run("symbols", "/etc/hostname")
check(p.returncode == 2 and "not an ELF file" in p.stderr, "symbols of a non-ELF file: exit 2")
done()
