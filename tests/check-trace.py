#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks a Chrome trace-event JSON file against the rules Perfetto's JSON
importer applies (doc/formats.md part 2 in the project's shared notes):
a file that breaks one imports with warnings, drops slices or nests them
wrongly, even when it is valid JSON.

usage: check-trace.py [--stats] [--expect-slice NAME]... FILE...
exit: 0 clean, 1 problems found, 2 unreadable input
"""
import argparse
import collections
import json
import sys

MAX_DEPTH = 512


class Checker:
    def __init__(self, path):
        self.path = path
        self.problems = []

    def bad(self, rule, detail):
        self.problems.append("check-trace: %s: %s: %s" % (self.path, rule, detail))

    def run(self, doc):
        if isinstance(doc, dict):
            events = doc.get("traceEvents")
            if not isinstance(events, list):
                self.bad("container", "object form without a traceEvents array")
                return []
        elif isinstance(doc, list):
            events = doc
        else:
            self.bad("container", "neither an object nor an array")
            return []
        self.events = events
        self.check_fields()
        self.check_metadata()
        self.check_slices()
        self.check_async()
        self.check_flows()
        return events

    def check_fields(self):
        for i, e in enumerate(self.events):
            if not isinstance(e, dict) or "ph" not in e:
                self.bad("event", "#%d has no ph" % i)
                continue
            ph = e["ph"]
            if ph != "M":
                ts = e.get("ts")
                if not isinstance(ts, (int, float)):
                    self.bad("ts", "#%d (%s %r) has no numeric ts" % (i, ph, e.get("name")))
                elif ts < 0:
                    self.bad("ts", "#%d (%s %r) has negative ts" % (i, ph, e.get("name")))
            for key in ("pid", "tid"):
                if key in e and (not isinstance(e[key], int) or not 0 <= e[key] < 2**32):
                    self.bad(key, "#%d: %s is not an integer in 0..2^32" % (i, key))
            if ph in ("X", "B", "E", "i", "I", "b", "e", "n", "C", "s", "t", "f") and "pid" not in e:
                self.bad("pid", "#%d (%s %r) has no pid" % (i, ph, e.get("name")))
            if ph == "X":
                d = e.get("dur")
                if not isinstance(d, (int, float)) or d < 0:
                    self.bad("dur", "X #%d %r has no valid dur" % (i, e.get("name")))
            if ph in ("i", "I") and e.get("s", "t") == "t" and "tid" not in e:
                self.bad("instant", "thread-scoped instant #%d has no tid" % i)
            if ph == "C":
                args = e.get("args")
                if not isinstance(args, dict) or not args or \
                        not all(isinstance(v, (int, float)) for v in args.values()):
                    self.bad("counter", "C #%d %r args are not all numbers" % (i, e.get("name")))
            if ph in ("b", "e", "n") and "id" not in e and "id2" not in e:
                self.bad("async", "#%d (%s) has neither id nor id2" % (i, ph))
            if "name" in e and not isinstance(e["name"], str):
                self.bad("name", "#%d name is not a string" % i)

    def check_metadata(self):
        procs = set()
        threads = set()
        for e in self.events:
            if e.get("ph") == "M":
                if e.get("name") == "process_name":
                    procs.add(e.get("pid"))
                elif e.get("name") == "thread_name":
                    threads.add((e.get("pid"), e.get("tid", e.get("pid"))))
        used_p = set()
        used_t = set()
        for e in self.events:
            ph = e.get("ph")
            if ph in ("X", "B", "E", "i", "I", "b", "e", "n", "C"):
                used_p.add(e.get("pid"))
            if ph in ("X", "B", "E") or (ph in ("i", "I") and e.get("s", "t") == "t"):
                used_t.add((e.get("pid"), e.get("tid", e.get("pid"))))
        for p in sorted(used_p - procs, key=str):
            self.bad("metadata", "pid %s has no process_name" % p)
        for t in sorted(used_t - threads, key=str):
            self.bad("metadata", "thread %s has no thread_name" % (t,))

    def check_slices(self):
        per_thread = collections.defaultdict(list)
        be = collections.defaultdict(list)
        for i, e in enumerate(self.events):
            ph = e.get("ph")
            key = (e.get("pid"), e.get("tid", e.get("pid")))
            if ph == "X" and isinstance(e.get("ts"), (int, float)) and \
                    isinstance(e.get("dur"), (int, float)):
                # Perfetto converts ts and dur to integer ns separately.
                start = round(e["ts"] * 1000)
                per_thread[key].append((start, start + round(e["dur"] * 1000), i))
            elif ph in ("B", "E"):
                be[key].append((e.get("ts", 0), i, ph, e.get("name")))
        for key, sl in per_thread.items():
            # Longest first at equal start, as Perfetto sorts them.
            sl.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2]))
            stack = []
            for start, end, i in sl:
                while stack and stack[-1][1] <= start:
                    stack.pop()
                if stack and end > stack[-1][1]:
                    o = self.events[stack[-1][2]]
                    self.bad("nesting", "thread %s: %r [%s, %s] ns overlaps %r [%s, %s] partially" %
                             (key, self.events[i].get("name"), start, end, o.get("name"),
                              stack[-1][0], stack[-1][1]))
                    continue
                stack.append((start, end, i))
                if len(stack) > MAX_DEPTH:
                    self.bad("depth", "thread %s: nesting deeper than %d" % (key, MAX_DEPTH))
                    break
        for key, evs in be.items():
            evs.sort(key=lambda x: (x[0], x[1]))
            depth = 0
            for ts, i, ph, name in evs:
                depth += 1 if ph == "B" else -1
                if depth < 0:
                    self.bad("B/E", "thread %s: E #%d without B" % (key, i))
                    depth = 0
            if depth:
                self.bad("B/E", "thread %s: %d B without E" % (key, depth))

    def async_key(self, e):
        if "id2" in e:
            id2 = e["id2"]
            if isinstance(id2, dict) and "local" in id2:
                return (e.get("cat"), "local", e.get("pid"), str(id2["local"]))
            if isinstance(id2, dict) and "global" in id2:
                return (e.get("cat"), "global", str(id2["global"]))
            return (e.get("cat"), "bad", json.dumps(id2))
        return (e.get("cat"), "id", str(e.get("id")))

    def check_async(self):
        opened = collections.defaultdict(list)
        names = {}
        order = sorted((e.get("ts", 0), i) for i, e in enumerate(self.events)
                       if e.get("ph") in ("b", "e"))
        for ts, i in order:
            e = self.events[i]
            key = self.async_key(e)
            if e["ph"] == "b":
                if not opened[key]:
                    top = e.get("name")
                    if key in names and names[key][0] != top and names[key][1] > ts:
                        self.bad("async-id", "id %s reused by %r and %r at overlapping times" %
                                 (key, names[key][0], top))
                opened[key].append((e.get("name"), ts))
            else:
                stack = opened[key]
                match = [k for k in range(len(stack)) if stack[k][0] == e.get("name")]
                if not match:
                    self.bad("async", "e %r (%s) at %s has no open b" % (e.get("name"), key, ts))
                    continue
                k = match[-1]
                if k != len(stack) - 1:
                    self.bad("async", "e %r closes over still-open %r on %s" %
                             (e.get("name"), stack[-1][0], key))
                if not stack[:k]:
                    names[key] = (stack[0][0], ts)
                del stack[k:]
        for key, stack in opened.items():
            for name, ts in stack:
                self.bad("async", "b %r (%s) at %s never ends" % (name, key, ts))

    def check_flows(self):
        slices = collections.defaultdict(list)
        for e in self.events:
            if e.get("ph") == "X":
                slices[(e.get("pid"), e.get("tid"))].append((e["ts"], e["ts"] + e.get("dur", 0)))
        seen_s = set()
        v1 = collections.defaultdict(set)
        for i, e in enumerate(self.events):
            ph = e.get("ph")
            if ph in ("s", "t", "f"):
                key = (e.get("cat"), str(e.get("id")), e.get("name"))
                if ph == "s":
                    if key in seen_s:
                        self.bad("flow", "duplicate flow start %s" % (key,))
                    seen_s.add(key)
                v1[key].add(ph)
                th = slices.get((e.get("pid"), e.get("tid")), [])
                ts = e.get("ts", 0)
                enclosing = any(a <= ts <= b for a, b in th)
                starting = any(a == ts for a, b in th)
                if ph == "f" and e.get("bp") != "e":
                    ok = starting or enclosing
                else:
                    ok = enclosing
                if not ok:
                    self.bad("flow", "%s #%d %s at %s binds to no slice on its thread" %
                             (ph, i, key, ts))
        for key, phs in v1.items():
            if "s" not in phs or "f" not in phs:
                self.bad("flow", "flow %s lacks its %s" % (key, "start" if "s" not in phs else "end"))
        out_ids = collections.Counter()
        in_ids = collections.Counter()
        for e in self.events:
            if "bind_id" in e:
                if e.get("flow_out"):
                    out_ids[str(e["bind_id"])] += 1
                if e.get("flow_in"):
                    in_ids[str(e["bind_id"])] += 1
        for bid in set(out_ids) | set(in_ids):
            if not out_ids[bid] or not in_ids[bid]:
                self.bad("flow", "bind_id %s has only one end" % bid)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--stats", action="store_true", help="print counts per ph and name")
    ap.add_argument("--expect-slice", action="append", default=[], metavar="NAME",
                    help="require an X or B slice whose name contains NAME")
    args = ap.parse_args()
    rc = 0
    for path in args.files:
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as err:
            print("check-trace: %s: unreadable: %s" % (path, err))
            return 2
        c = Checker(path)
        events = c.run(doc)
        for name in args.expect_slice:
            if not any(e.get("ph") in ("X", "B") and name in str(e.get("name", ""))
                       for e in events):
                c.bad("expect", "no slice named like %r" % name)
        for p in c.problems[:200]:
            print(p)
        if len(c.problems) > 200:
            print("check-trace: %s: ... %d more problems" % (path, len(c.problems) - 200))
        if args.stats:
            phs = collections.Counter(e.get("ph") for e in events)
            print("check-trace: %s: %s" % (path, " ".join("%s=%d" % kv for kv in sorted(phs.items()))))
        print("check-trace: %s: %d events, %d problems" % (path, len(events), len(c.problems)))
        if c.problems:
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
