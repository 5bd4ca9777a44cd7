#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Binaries with patchable entries (scripts/cargo-mcount --patchable): the
default recording patches only the async structure (polls of the program's
futures and of the library futures it awaits, the runtime's entry points)
and the program's own functions, so library internals
(core::ptr::drop_in_place, futures nested inside tokio) never reach uftrace, while --full patches every function; the record options say so;
a patchable position-independent executable, which uftrace 0.13 cannot
patch, is refused with a clear message and no recording."""
import os
import re
import shutil
import subprocess

os.environ["AU_PATCHABLE"] = "1"  # the fixtures built with --patchable
from aulib import (AU, SRC, check, done, fixture, load, need_uftrace, profile, skip,  # noqa: E402
                   tmpdir)

need_uftrace()
app = fixture("tokio-demo")


def options(*extra):
    proc = subprocess.run([AU, "record-options", *extra, app], capture_output=True, text=True)
    check(proc.returncode == 0, "record-options %s exits 0 (%s)" % (" ".join(extra),
                                                                   proc.stderr.strip()))
    return proc.stdout.split("\n")


default = options()
full = options("--full")
check("-P" in default and "--no-libcall" in default and "-t" in default,
      "default options patch a selection (-P), skip library calls, keep the time filter")
check(full[full.index("-P") + 1] == "." if "-P" in full else False,
      "--full patches every function (-P .)")


def recorded_functions(data):
    """Names of the functions with an entry record (uftrace's own dump)."""
    proc = subprocess.run(["uftrace", "dump", "-d", data, "--demangle=no"],
                          capture_output=True, text=True)
    return set(re.findall(r"\[entry\] (\S+?)\([0-9a-f]+\) depth", proc.stdout))


res = profile(app, "tokio-demo")
check(res["rc"] == 0, "profile.sh exits 0 on the patchable build (got %d)" % res["rc"])
names = recorded_functions(res["data"])
own = [n for n in names if "10tokio_demo7my_test" in n]
drop = [n for n in names if "13drop_in_place" in n]
check(len(own) >= 1, "the program's own future my_test is recorded (%d functions)" % len(names))
check(not drop, "no library internals recorded by default (drop_in_place: %d)" % len(drop))

# Library futures: the ones the program awaits are patched (where it
# waits, and on what); those nested deeper run untraced.
wl = profile(fixture("workload"), "workload", args=("4", "2", "20"))
wl_names = recorded_functions(wl["data"])
check(any("6SenderyE4send0" in n for n in wl_names),
      "Sender::send, awaited by the program, is recorded")
check(not any("13reserve_inner0" in n for n in wl_names),
      "Sender::reserve_inner, awaited only inside tokio, is not")
wl_s = load(wl["summary"])
check(len(wl_s["tasks"]) >= 7 and all(t["outcome"] == "completed" for t in wl_s["tasks"]
                                      if t["kind"] == "task"),
      "the workload's tasks are all seen completing (%d tasks)" % len(wl_s["tasks"]))
# tokio's schedule_local is left out (a tenth of the calls): the analysis
# tells local from remote queueing by schedule_task alone.
check(not any("14schedule_local" in n for n in wl_names) and
      any("13schedule_task" in n for n in wl_names),
      "schedule_task is recorded by default, schedule_local is not")
check(sum(t["scheduled_local"] for t in wl_s["tasks"]) >= len(wl_s["tasks"]) // 2,
      "local queueing is still counted (%s)" % [t["scheduled_local"] for t in wl_s["tasks"]])
# libmcount used the symbolizer's symbol file (profile.sh --symbols-dir):
# functions only, with '?' end markers; uftrace's own lists data symbols.
sym = os.path.join(wl["data"], "workload.sym")
with open(sym) as f:
    types = {line.split(" ")[1] for line in f if not line.startswith("#")}
check(types == {"T", "?"}, "the recording's workload.sym is the symbolizer's (types %s)" %
      sorted(types))

res_full = profile(app, "tokio-demo-full", "--full")
check(res_full["rc"] == 0, "profile.sh --full exits 0 (got %d)" % res_full["rc"])
names_full = recorded_functions(res_full["data"])
check(any("13drop_in_place" in n for n in names_full),
      "--full records library internals too (%d functions)" % len(names_full))
check(len(names_full) > 3 * len(names),
      "--full records many more functions (%d vs %d)" % (len(names_full), len(names)))
with open(os.path.join(res_full["data"], "tokio-demo.sym")) as f:
    check(any(" d " in line or " D " in line for line in f),
          "--full (library calls hooked) keeps uftrace's own symbol file")

# A C program with patchable entries: PIE is refused, non-PIE recorded.
cc = shutil.which("cc")
if not cc:
    skip("no C compiler")
tmp = tmpdir("au-patchable-")
src = os.path.join(SRC, "fixtures", "c", "threads.c")
for kind, flags in (("pie", ["-fPIE", "-pie"]), ("nopie", ["-fno-PIE", "-no-pie"])):
    subprocess.run([cc, "-g", "-O0", "-fpatchable-function-entry=5", *flags, "-pthread",
                    "-o", os.path.join(tmp, kind), src], check=True)
pie = subprocess.run([os.path.join(SRC, "scripts", "profile.sh"), os.path.join(tmp, "pie"),
                      os.path.join(tmp, "pie-out"), "--", "2"],
                     env=dict(os.environ, ASYNC_UFTRACE=AU), capture_output=True, text=True)
print(pie.stderr)
check(pie.returncode == 2, "a patchable PIE is refused with exit 2 (got %d)" % pie.returncode)
check("position-independent" in pie.stderr and "--patchable" in pie.stderr,
      "the message says why and how to rebuild")
check(not os.path.exists(os.path.join(tmp, "pie-out.uftrace.data")), "nothing was recorded")
# (--full: its functions are too short for the default time filter)
nopie = profile(os.path.join(tmp, "nopie"), "nopie", "--full", args=("2",))
check(nopie["rc"] in (0, 1), "a non-PIE patchable C program is recorded (rc %d)" % nopie["rc"])
check(any(n in ("work", "thread_main") for n in recorded_functions(nopie["data"])),
      "its own functions were patched and recorded")
done()
