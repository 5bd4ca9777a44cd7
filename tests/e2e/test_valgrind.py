#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The analyzer under valgrind on the checked-in recording: no invalid
access, no use of uninitialised memory, no leak."""
import os
import shutil
import subprocess

from aulib import AU, SRC, check, done, skip, tmpdir

if not shutil.which("valgrind"):
    skip("valgrind not installed")
if not shutil.which("xz"):
    skip("xz not installed")
ldd = subprocess.run(["ldd", AU], capture_output=True, text=True).stdout
if "libasan" in ldd or "libubsan" in ldd:
    skip("this build has the sanitizers: valgrind runs on the plain build")
tmp = tmpdir("au-vg-")
binary = os.path.join(tmp, "handfuture")
with open(binary, "wb") as out:
    subprocess.run(["xz", "-dc", os.path.join(SRC, "fixtures", "recordings", "handfuture.xz")],
                   stdout=out, check=True)
p = subprocess.run(["valgrind", "--error-exitcode=99", "--leak-check=full",
                    "--errors-for-leak-kinds=definite,indirect", "-q", AU, "analyze",
                    os.path.join(SRC, "fixtures", "recordings", "handfuture.uftrace.data"),
                    "--binary", binary, "-o", os.path.join(tmp, "t.json"), "--report", "-q"],
                   capture_output=True, text=True, timeout=600)
print(p.stderr[-3000:])
check(p.returncode == 0, "valgrind finds no error and no leak (exit %d)" % p.returncode)
done()
