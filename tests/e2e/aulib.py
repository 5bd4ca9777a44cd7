# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers shared by the end-to-end tests: find tools, profile a fixture,
load its outputs.  A test that lacks a tool calls skip(), which exits 77.
Temp dirs come from tmpdir(): removed when the test passes or skips, kept
(and named on a "kept DIR" line) when it fails."""

import atexit
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("AU_SRC_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
AU = os.environ.get("AU_BIN") or os.path.join(SRC, "build", "analyzer", "async-uftrace")
# AU_PATCHABLE=1: the fixtures as scripts/cargo-mcount --patchable builds
# them (patchable entries instead of mcount calls, in target/<host>/debug).
PATCHABLE = os.environ.get("AU_PATCHABLE") == "1"
FIXTURES = (next(iter(sorted(glob.glob(os.path.join(SRC, "fixtures", "target", "*-linux-*",
                                                  "debug")))), "/nonexistent")
            if PATCHABLE else os.path.join(SRC, "fixtures", "target", "debug"))

_failures = []
# The test's temp dirs, and whether it ended cleanly: done() with every fact
# true, or skip().  Recordings are large (a run left gigabytes in /tmp when
# nothing removed them), but a failure's files are what one looks at.
_tmpdirs = []
_clean = False


def tmpdir(prefix):
    """A fresh temp dir, removed at exit unless the test failed."""
    d = tempfile.mkdtemp(prefix=prefix)
    _tmpdirs.append(d)
    return d


@atexit.register
def _remove_tmpdirs():
    # Also runs after an uncaught exception (_clean still False): kept.
    for d in _tmpdirs:
        if _clean:
            shutil.rmtree(d, ignore_errors=True)
        else:
            print("kept " + d, flush=True)


def skip(why):
    global _clean
    print("SKIP: " + why)
    _clean = True
    sys.exit(77)


def check(cond, what):
    """Record one fact; the test fails at the end if any fact is false."""
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        _failures.append(what)


def done():
    global _clean
    if _failures:
        # again at the end, where a log's tail (meson shows the last 100
        # lines of a failed test) still holds them
        for what in _failures:
            print("failed: " + (what if len(what) <= 600 else what[:600] + " ..."))
        print("%d facts failed" % len(_failures))
        sys.exit(1)
    print("all facts hold")
    _clean = True
    sys.exit(0)


def fixture(name):
    path = os.path.join(FIXTURES, name)
    if not os.access(path, os.X_OK):
        skip("fixture %s not built%s (scripts/test.sh builds fixtures/ with cargo)" %
             (name, " with --patchable" if PATCHABLE else ""))
    return path


def need_uftrace():
    if not shutil.which("uftrace"):
        skip("uftrace not installed (apt-get install uftrace)")


def profile(app, name, *extra, args=()):
    """Runs scripts/profile.sh on APP into a fresh temp dir; returns paths."""
    need_uftrace()
    out = os.path.join(tmpdir("au-e2e-"), name)
    env = dict(os.environ, ASYNC_UFTRACE=AU)
    cmd = [os.path.join(SRC, "scripts", "profile.sh"), *extra, app, out]
    if args:
        cmd += ["--", *args]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    print(proc.stdout)
    if proc.stderr:
        print(proc.stderr, file=sys.stderr)
    return {
        "rc": proc.returncode,
        "stdout": proc.stdout,
        "stderr": proc.stderr,
        "data": out + ".uftrace.data",
        "trace": out + ".json",
        "summary": out + ".summary.json",
    }


def profiled(name, args=()):
    """Profiles fixture @name (with program @args) and checks it went well:
    profile.sh's exit status, the trace against Perfetto's import rules.
    Returns (paths as profile() does, the summary, the trace)."""
    res = profile(fixture(name), "-".join((name,) + tuple(args)), args=args)
    check(res["rc"] == 0, "%s: profile.sh exits 0 (got %d)" % (name, res["rc"]))
    check_trace_file(res["trace"])
    return res, load(res["summary"]), load(res["trace"])


def join_waits(trace):
    """(task of the waiting future, task awaited) for each wait on a task
    (a JoinHandle) in a trace."""
    ev = trace["traceEvents"]
    fut_task = {e["id2"]["local"]: e["args"].get("task") for e in ev
                if e.get("cat") == "future" and e["ph"] == "b" and "function" in e.get("args", {})}
    return [(fut_task.get(e["id2"]["local"]), e["args"]["on_task"]) for e in ev
            if e.get("cat") == "future" and e["ph"] == "b" and e["name"] == "wait"
            and "on_task" in e.get("args", {})]


def undocumented_keys(summary):
    """Keys of a summary JSON (top level, trace, and each list's objects)
    that doc/summary.md does not name in backquotes."""
    with open(os.path.join(SRC, "doc", "summary.md")) as f:
        doc = f.read()
    keys = set(summary)
    for v in summary.values():
        if isinstance(v, dict):
            keys |= set(v)
    for part in ("futures", "tasks", "threads", "diagnostics"):
        for obj in summary.get(part, []):
            keys |= set(obj)
            for v in obj.values():
                if isinstance(v, dict):
                    keys |= set(v)
    return sorted(k for k in keys if "`%s`" % k not in doc and "`%s[]`" % k not in doc
                  and '"%s"' % k not in doc)


def load(path):
    with open(path) as f:
        return json.load(f)


def future(summary, name):
    for f in summary["futures"]:
        if f["name"] == name:
            return f
    return None


def polls_of(trace, future_name):
    """The X poll slices of one future name, in time order."""
    ev = [e for e in trace["traceEvents"]
          if e.get("ph") == "X" and e.get("cat") == "poll"
          and e.get("args", {}).get("future") == future_name]
    return sorted(ev, key=lambda e: e["ts"])


def waits_of(trace, future_name):
    """Wait slices ('b' named wait) on the async tracks of a future name,
    poll end to next poll (not the one it was left in: left_waiting())."""
    ids = {json.dumps(e.get("id2")) for e in trace["traceEvents"]
           if e.get("ph") == "b" and e.get("name") == future_name}
    return sorted((e for e in trace["traceEvents"]
                   if e.get("ph") == "b" and e.get("name") == "wait"
                   and json.dumps(e.get("id2")) in ids and not e["args"].get("still_waiting")),
                  key=lambda e: e["ts"])


def left_waiting(trace):
    """The waits futures were left in at the end ('wait' slices with
    still_waiting): (future name, await line, wait ms, the wait's args)."""
    names = {json.dumps(e.get("id2")): e["name"] for e in trace["traceEvents"]
             if e.get("cat") == "future" and e.get("ph") == "b" and "function" in e.get("args", {})}
    return [(names.get(json.dumps(e.get("id2"))), e["args"].get("await", {}).get("line"),
             e["args"]["wait_ns"] / 1e6, e["args"])
            for e in trace["traceEvents"]
            if e.get("cat") == "future" and e.get("ph") == "b" and e.get("name") == "wait"
            and e["args"].get("still_waiting")]


def task_left_waiting(trace):
    """The 'waiting' slices tasks end in: {task id: (await line, ms, args)}."""
    begins = {}
    out = {}
    for e in sorted((e for e in trace["traceEvents"]
                     if e.get("cat") == "task" and e.get("name") == "waiting"),
                    key=lambda e: (e["ts"], e["ph"] != "b")):
        key = e["id2"]["local"]
        if e["ph"] == "b":
            begins[key] = e
        elif key in begins:
            b = begins.pop(key)
            out[int(key, 16)] = (b["args"].get("await", {}).get("line"),
                                 (e["ts"] - b["ts"]) / 1e3, b["args"])
    return out


def check_trace_file(path):
    """Runs tests/check-trace.py (Perfetto's import rules) on a trace."""
    checker = os.path.join(SRC, "tests", "check-trace.py")
    if not os.path.exists(checker):
        check(False, "tests/check-trace.py exists")
        return
    proc = subprocess.run([sys.executable, checker, path], capture_output=True, text=True)
    print(proc.stdout[-3000:])
    check(proc.returncode == 0, "trace passes Perfetto's import rules (check-trace.py)")


def within(value, expect, tol):
    return value is not None and abs(value - expect) <= expect * tol


def wait_near(value, ms, tol=0.15):
    """Is @value (ms) a wait of about @ms?  Within @tol, give or take 3 ms
    more: a wait ends when its task is polled again, which on a loaded
    machine (the suite runs two tests at once on two cores) can come a few
    ms after the wake, whatever the wait's length; and a wait measured
    from another task's late start is short by as much."""
    return value is not None and abs(value - ms) <= ms * tol + 3


def timer_wait(value, ms, late=0.15):
    """Is @value (ms) the wait of an @ms timer?  Not much less (the wait
    starts where the poll that set the timer ended), late by up to @late
    (15 %) and 3 ms: the timer's 1 ms rounding and the wake-to-poll
    latency of a loaded machine (the suite runs two tests at once on two
    cores)."""
    return value is not None and ms * 0.9 <= value <= ms * (1 + late) + 3


def marker_line(source, marker, kind="AWAIT"):
    """Line number of the '// AWAIT: marker' (or SPAWN: ...) comment in a
    fixture source."""
    with open(os.path.join(SRC, "fixtures", source)) as f:
        for i, line in enumerate(f, 1):
            if kind + ": " + marker in line:
                return i
    raise KeyError(marker)
