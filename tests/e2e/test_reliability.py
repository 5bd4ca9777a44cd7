#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The driver and analyzer on programs that are not what they expect: a
binary without mcount, a missing one, no uftrace, a C program with 1000
threads, one that crashes (SIGSEGV) and one killed by a signal, a stripped
Rust binary; and a recording is never deleted."""
import json
import os
import shutil
import subprocess

from aulib import AU, SRC, check, check_trace_file, done, load, need_uftrace, skip, tmpdir

need_uftrace()
cc = shutil.which("cc") or shutil.which("gcc")
if not cc:
    skip("no C compiler")
tmp = tmpdir("au-rel-")
prog = os.path.join(tmp, "threads")
subprocess.run([cc, "-pg", "-g", "-O0", "-pthread", "-o", prog,
                os.path.join(SRC, "fixtures", "c", "threads.c")], check=True)
env = dict(os.environ, ASYNC_UFTRACE=AU)
profile_sh = os.path.join(SRC, "scripts", "profile.sh")


def profile(*args, path_env=None):
    e = dict(env, PATH=path_env) if path_env else env
    p = subprocess.run([profile_sh, *args], capture_output=True, text=True, env=e, timeout=300)
    print("$ profile.sh %s -> %d\n%s%s" % (" ".join(args), p.returncode, p.stdout[-1500:], p.stderr[-1500:]))
    return p


p = profile("/bin/true", os.path.join(tmp, "t"))
check(p.returncode == 2 and "not built for profiling" in p.stderr and "cargo-mcount" in p.stderr,
      "a binary without mcount: exit 2, says how to build it")
p = profile(os.path.join(tmp, "nope"), os.path.join(tmp, "n"))
check(p.returncode == 2 and "no such file" in p.stderr, "a missing program: exit 2")
p = profile(prog, os.path.join(tmp, "u"), path_env="/nonexistent")
check(p.returncode == 2 and "uftrace is not installed" in p.stderr, "no uftrace: exit 2, says so")

out = os.path.join(tmp, "th")
p = profile("--full", prog, out, "--", "1000")
check(p.returncode in (0, 1), "a C program with 1000 threads is analyzed (exit %d)" % p.returncode)
if os.path.exists(out + ".summary.json"):
    s = load(out + ".summary.json")
    check(s["trace"]["threads"] == 1001, "1001 threads read (%d)" % s["trace"]["threads"])
    check(s["futures"] == [] and s["trace"]["runtime"] == "unknown", "no futures in a C program")
    check_trace_file(out + ".json")

for what, sig in (("crash", 11), ("kill", 15)):
    out = os.path.join(tmp, what)
    p = profile("--full", prog, out, "--", what)
    check(p.returncode in (0, 1) and os.path.exists(out + ".json"),
          "%s: what was recorded is analyzed (exit %d)" % (what, p.returncode))
    check("killed by signal %d" % sig in p.stdout, "%s: the report says signal %d" % (what, sig))
    if os.path.exists(out + ".summary.json"):
        check(load(out + ".summary.json")["trace"]["exit_status"] & 0x7f == sig,
              "%s: the summary's exit_status holds signal %d" % (what, sig))

# A program that forks: both processes on the timeline, each named.
out = os.path.join(tmp, "fork")
p = profile("--full", prog, out, "--", "fork")
if os.path.exists(out + ".json"):
    ev = load(out + ".json")["traceEvents"]
    procs = {e["pid"] for e in ev if e.get("ph") == "M" and e["name"] == "process_name"}
    slice_pids = {e["pid"] for e in ev if e.get("ph") == "X"}
    check(len(procs) == 2 and slice_pids == procs,
          "fork: parent and child are two processes with their own slices (%s)" % procs)
    check_trace_file(out + ".json")
else:
    check(False, "fork: analyzed")

# A recording is never deleted: a second run stops, --force keeps the old one.
out = os.path.join(tmp, "again")
profile("--full", prog, out, "--", "2")
p = profile("--full", prog, out, "--", "2")
check(p.returncode == 2 and "exists" in p.stderr, "an existing recording stops a second run")
p = profile("--full", "--force", prog, out, "--", "2")
check(p.returncode == 0 and os.path.isdir(out + ".uftrace.data.old.1") and
      os.path.isdir(out + ".uftrace.data"), "--force keeps the old recording aside")

# A stripped Rust program: recorded and analyzed with what is left.
hf = os.path.join(SRC, "fixtures", "target", "debug", "handfuture")
if os.access(hf, os.X_OK) and shutil.which("objcopy"):
    stripped = os.path.join(tmp, "handfuture-stripped")
    subprocess.run(["objcopy", "--strip-all", hf, stripped], check=True)
    p = profile(stripped, os.path.join(tmp, "stripped"))
    check(p.returncode in (0, 1, 2) and "Traceback" not in p.stderr and
          "Sanitizer" not in p.stderr, "a stripped binary: no crash (exit %d)" % p.returncode)
    check("no symbol table" in p.stderr or "no DWARF" in p.stderr or "no future" in p.stderr,
          "a stripped binary: the analyzer says what it lacks")
done()
