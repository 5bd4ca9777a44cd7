#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/check-trace.py must accept good traces and reject each kind of bad
one with the rule that names the problem."""
import json
import os
import subprocess
import sys

# aulib's tmpdir(): the temp dir is removed when every case passes, kept
# (and named) when one fails.
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from aulib import check, done, tmpdir  # noqa: E402

SRC = os.environ.get("AU_SRC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
CHECKER = os.path.join(SRC, "tests", "check-trace.py")
M = [{"ph": "M", "name": "process_name", "pid": 1, "args": {"name": "p"}},
     {"ph": "M", "name": "thread_name", "pid": 1, "tid": 2, "args": {"name": "t"}}]


def X(name, ts, dur):
    return {"ph": "X", "name": name, "pid": 1, "tid": 2, "ts": ts, "dur": dur}


def A(ph, name, ts, id_="0x1"):
    return {"ph": ph, "name": name, "cat": "future", "pid": 1, "id2": {"local": id_}, "ts": ts}


CASES = [
    ("good", None, M + [X("a", 0, 10), X("b", 1, 5), X("c", 10, 1),
                        A("b", "f", 0), A("b", "poll", 0), A("e", "poll", 1), A("e", "f", 2)]),
    ("partial overlap", "nesting", M + [X("a", 0, 10), X("b", 5, 10)]),
    ("B without E", "B/E", M + [{"ph": "B", "name": "a", "pid": 1, "tid": 2, "ts": 1}]),
    ("missing thread_name", "metadata", M[:1] + [X("a", 0, 1)]),
    ("negative ts", "ts", M + [X("a", -1, 1)]),
    ("async e without b", "async", M + [A("e", "f", 1)]),
    ("async b never ends", "async", M + [A("b", "f", 1)]),
    ("duplicate flow start", "flow", M + [X("a", 0, 10),
        {"ph": "s", "name": "w", "cat": "c", "id": 1, "pid": 1, "tid": 2, "ts": 1},
        {"ph": "s", "name": "w", "cat": "c", "id": 1, "pid": 1, "tid": 2, "ts": 2},
        {"ph": "f", "name": "w", "cat": "c", "id": 1, "pid": 1, "tid": 2, "ts": 3, "bp": "e"}]),
    ("flow binds to nothing", "flow", M + [
        {"ph": "s", "name": "w", "cat": "c", "id": 1, "pid": 1, "tid": 2, "ts": 1},
        {"ph": "f", "name": "w", "cat": "c", "id": 1, "pid": 1, "tid": 2, "ts": 3, "bp": "e"}]),
    ("counter not numeric", "counter", M + [{"ph": "C", "name": "c", "pid": 1, "ts": 1,
                                             "args": {"v": "x"}}]),
    ("X without dur", "dur", M + [{"ph": "X", "name": "a", "pid": 1, "tid": 2, "ts": 1}]),
]

tmp = tmpdir("au-check-")
for title, rule, events in CASES:
    path = os.path.join(tmp, "t.json")
    with open(path, "w") as f:
        json.dump({"traceEvents": events}, f)
    p = subprocess.run([sys.executable, CHECKER, path], capture_output=True, text=True)
    if rule is None:
        ok = p.returncode == 0
    else:
        ok = p.returncode == 1 and (": %s: " % rule) in p.stdout
    check(ok, title)
    if not ok:
        print(p.stdout)
done()
