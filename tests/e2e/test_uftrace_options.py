#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Recordings made with uftrace's own options, by hand: -a (--auto-args:
uftrace picks argument specs from the debug info and its libc list, and
the records carry payloads no -A in info describes), -e (no return values)
-D (a depth limit), --max-stack, -N (--notrace: a function and all it
calls left out) and -W (watch points: event records among the calls).
Each is read record for record as uftrace reads it, and what the options
hide is said, not passed off as facts."""
import collections
import os
import re
import subprocess

from aulib import AU, check, check_trace_file, done, fixture, load, need_uftrace, tmpdir

need_uftrace()
app = fixture("spawn-tree")
tmp = tmpdir("au-opts-")
opts = os.path.join(tmp, "record.opts")
with open(opts, "w") as f:
    subprocess.run([AU, "record-options", app], stdout=f, check=True)


def record(name, *uftrace_opts):
    d = os.path.join(tmp, name)
    subprocess.run(["uftrace", "record", "-d", d, *uftrace_opts, app], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    return d


def analyze(d):
    out = d + ".json"
    p = subprocess.run([AU, "analyze", d, "-o", out, "--summary", d + ".summary.json"],
                       capture_output=True, text=True, timeout=300)
    print("$ analyze %s -> %d\n%s" % (os.path.basename(d), p.returncode, p.stderr[-2000:]))
    return p, (load(d + ".summary.json") if os.path.exists(d + ".summary.json") else None)


def dump_records(d):
    """Entries and exits as uftrace itself reads the recording."""
    out = subprocess.run(["uftrace", "dump", "-d", d], capture_output=True, text=True).stdout
    return len(re.findall(r"\[(entry|exit )\]", out))


def spawn_tree_exact(s):
    children = [t for t in s["tasks"] if t["name"] == "spawn_tree::child"]
    leaves = [t for t in s["tasks"] if t["name"] == "spawn_tree::leaf"]
    by_id = {t["id"]: t for t in s["tasks"]}
    roots = {c["parent"] for c in children}
    per_child = collections.Counter(l["parent"] for l in leaves)
    return (len(children) == 3 and len(leaves) == 9 and len(roots) == 1 and
            by_id.get(next(iter(roots)), {}).get("kind") == "block_on" and
            sorted(per_child) == sorted(c["id"] for c in children) and
            set(per_child.values()) == {3})


# --- -a with our options: every other function carries auto-args payloads --
d = record("auto", "-a", "--opt-file", opts)
p, s = analyze(d)
check(p.returncode == 0, "-a plus record-options: analyze exits 0 (%d)" % p.returncode)
check("corrupt" not in p.stderr and "lost" not in p.stderr,
      "-a plus record-options: no record taken for corrupt or lost")
n = dump_records(d)
check(s is not None and s["trace"]["records"] == n,
      "-a plus record-options: %s records read, as uftrace dump reads %d" %
      (s and s["trace"]["records"], n))
check(s is not None and spawn_tree_exact(s),
      "-a plus record-options: the spawn tree is exact (3 children of the root, 3 leaves each)")
check_trace_file(d + ".json")

# --- -a alone: libc calls through the PLT get uftrace's built-in specs -------
d = record("auto-plain", "-a")
p, s = analyze(d)
check(p.returncode == 0, "-a alone: analyze exits 0 (%d)" % p.returncode)
check("corrupt" not in p.stderr and "lost" not in p.stderr, "-a alone: nothing corrupt or lost")
n = dump_records(d)
check(s is not None and s["trace"]["records"] == n,
      "-a alone: %s records read, as uftrace dump reads %d" % (s and s["trace"]["records"], n))
# memcpy@arg1/p,arg2/p,arg3/u (uftrace's list): its size argument as replay shows it
trace = load(d + ".json")
ours = sorted(e["args"]["arg3"] for e in trace["traceEvents"]
              if e.get("ph") == "X" and e.get("name") == "memcpy" and "arg3" in e.get("args", {}))
replay = subprocess.run(["uftrace", "replay", "-d", d, "-t", "1ns", "-f", "none"],
                        capture_output=True, text=True).stdout
# "memcpy(a, b, n);" or, when other records fall inside the call, "... {"
theirs = sorted(int(m) for m in re.findall(r"\bmemcpy\([^,]*, [^,]*, (\d+)\)(?:;| \{)", replay))
check(len(ours) > 10 and ours == theirs,
      "-a alone: memcpy's size argument decoded as uftrace replay shows it (%d calls, %d in replay)" %
      (len(ours), len(theirs)))

# --- -e: no return values; said so ------------------------------------------
d = record("estimate", "-e", "--opt-file", opts)
p, s = analyze(d)
check(p.returncode == 0 and "--estimate-return" in p.stderr and "no parents" in p.stderr,
      "-e: analyzed, and the warning says return values (task ids, parents) are missing")
check(s is not None and all(t.get("parent") is None for t in s["tasks"]),
      "-e: no parent is made up")

# --- -D: polls below the limit are missing; said so ---------------------------
d = record("depth", "-D", "3", "--opt-file", opts)
p, s = analyze(d)
check(p.returncode == 0 and "depth limit (-D 3)" in p.stderr,
      "-D 3: the warning names the depth limit")
check("no poll of any future was recorded" in p.stderr and s is not None and s["futures"] == [],
      "-D 3: no future polled, and the warning says so")

# --- --max-stack: the same limit, kept in info's header -----------------------
d = record("max-stack", "--max-stack", "4", "--opt-file", opts)
p, s = analyze(d)
check(p.returncode == 0 and "--max-stack 4" in p.stderr and
      "no poll of any future was recorded (see the depth limit above)" in p.stderr,
      "--max-stack 4: the warning names the limit, and no poll was recorded")

# --- -N: the tasks' polls left out; the spawned tasks never seen polled -------
d = record("notrace", "-N", ".*Harness.*", "--opt-file", opts)
p, s = analyze(d)
check(p.returncode == 0 and "recorded with -N .*Harness.*" in p.stderr,
      "-N: the warning names the pattern")
never = [g for g in (s or {}).get("diagnostics", [])
         if g["kind"] == "never_completed" and "never polled" in g["message"]]
check(len(never) == 3 and {g["future"] for g in never} == {"spawn_tree::child"} and
      all("spawned by spawn_tree::main::{async_block#0}" in g["message"] for g in never),
      "-N: the 3 children are never polled, named from their spawns (%s)" %
      [g["message"][:90] for g in never])

# --- -W cpu: watch events among the records, not counted as calls -------------
d = record("watch", "-W", "cpu", "--opt-file", opts)
p, s = analyze(d)
n = dump_records(d)
events = len(re.findall(r"\[event\] watch:cpu", subprocess.run(
    ["uftrace", "dump", "-d", d], capture_output=True, text=True).stdout))
check(p.returncode == 0 and events > 0 and s is not None and s["trace"]["records"] == n and
      sum(t["records"] for t in s["threads"]) == n,
      "-W cpu: %d watch events; %s calls' records read, as uftrace dump reads %d" %
      (events, s and s["trace"]["records"], n))
check(s is not None and spawn_tree_exact(s), "-W cpu: the spawn tree is exact")
done()
