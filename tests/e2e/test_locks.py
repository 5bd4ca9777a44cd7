#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tokio locks held across an .await (fixtures/locks): a task waiting for
a Mutex or an RwLock names the task holding it (held_by), for as long as
the holder keeps it, taken by reference or through its Arc
(lock_owned), and one waiting for a OnceCell names the task
initializing it; two tasks taking two Mutexes in opposite orders are
a deadlock whose parties each hold the lock the other waits for."""
import subprocess

from aulib import AU, PATCHABLE, check, done, marker_line, profiled, wait_near, waits_of

SRC_FILE = "locks/src/main.rs"
res, s, trace = profiled("locks")
by_name = {t["name"]: t for t in s["tasks"]}


def lock_wait(future, marker, holder, ms):
    """@future waits ~@ms at the marker's line for the lock @holder holds."""
    line = marker_line(SRC_FILE, marker)
    ws = [w["args"] for w in waits_of(trace, future)
          if w["args"].get("await", {}).get("line") == line]
    want = by_name.get(holder, {}).get("id")
    check(len(ws) == 1 and want and ws[0].get("held_by") == want and
          wait_near(ws[0]["wait_ns"] / 1e6, ms, 0.15),
          "%s waits ~%d ms at line %d for the lock task %s (%s) holds (%s)" %
          (future, ms, line, want, holder, [(w.get("held_by"), w["wait_ns"]) for w in ws]))


# holder keeps the Mutex over a 40 ms sleep; contender asks 5 ms in
lock_wait("locks::contender", "contender lock", "locks::holder", 35)
# writer keeps the write lock over 30 ms; reader asks 5 ms in
lock_wait("locks::reader", "reader read", "locks::writer", 25)
# a Mutex taken through its Arc (lock_owned) over 30 ms: asked for the
# same way 5 ms in and by reference 10 ms in, both wait for its holder
# (and the one by reference, after that, for the other)
lock_wait("locks::owned_contender", "owned contender", "locks::owned_holder", 25)
line = marker_line(SRC_FILE, "ref contender")
rw = [w["args"] for w in waits_of(trace, "locks::ref_contender")
      if w["args"].get("await", {}).get("line") == line]
holders = {by_name.get(n, {}).get("id") for n in ("locks::owned_holder", "locks::owned_contender")}
check(rw and rw[0].get("held_by") == by_name.get("locks::owned_holder", {}).get("id") and
      all(w.get("held_by") in holders for w in rw) and
      wait_near(sum(w["wait_ns"] for w in rw) / 1e6, 20, 0.25),
      "lock() waits ~20 ms for the lock lock_owned took: one lock, either way (%s)" %
      [(w.get("held_by"), w["wait_ns"]) for w in rw])
# three tasks ask a OnceCell 0, 5 and 10 ms in; the first initializes it
# over 30 ms: the others wait ~25 and ~20 ms, for the first (its
# Semaphore, inside get_or_init)
users = sorted(t["id"] for t in s["tasks"] if t["name"] == "locks::cell_user")
line = marker_line(SRC_FILE, "cell get")
cw = sorted(((w["args"]["wait_ns"] / 1e6, w["args"].get("held_by"))
             for w in waits_of(trace, "locks::cell_user")
             if w["args"].get("await", {}).get("line") == line), reverse=True)
check(len(users) == 3 and len(cw) == 3 and wait_near(cw[0][0], 30, 0.15) and not cw[0][1] and
      wait_near(cw[1][0], 25, 0.15) and wait_near(cw[2][0], 20, 0.15) and
      cw[1][1] == cw[2][1] == users[0],
      "OnceCell: the initializer waits 30 ms in its init; the others ~25 and ~20 ms at line %d "
      "for the initializer, task %s (%s)" % (line, users[:1], cw))
# the report's library table: get_or_init's name shortened to fit its
# column keeps the "::" before the method (the table shows the five
# busiest: busier library futures can push it out, the semaphore's own in
# a patched recording, slowed by their recorded wait list locks, and on a
# loaded machine others; the table then says how many more the summary
# has)
report = subprocess.run([AU, "report", res["data"]], capture_output=True, text=True).stdout
table = report.split("Library and runtime futures", 1)[-1].split("\n\n", 1)[0]
listed = [l for l in table.splitlines() if "get_or_init" in l]
check(all(l.startswith("  <OnceCell>::get_or_init ") for l in listed) and
      (listed or PATCHABLE or "more in the summary JSON" in table),
      "report: <tokio::sync::once_cell::OnceCell>::get_or_init reads <OnceCell>::get_or_init (%s)" %
      listed[:2])
check(not s["diagnostics"], "no diagnostics (%s)" % [d["kind"] for d in s["diagnostics"]])

# two Mutexes taken in opposite orders: each task holds what the other wants
res, s, trace = profiled("locks", args=("deadlock",))
ids = {t["name"]: t["id"] for t in s["tasks"]}
dl = [d for d in s["diagnostics"] if d["kind"] == "deadlock"]
first, second = ids.get("locks::first"), ids.get("locks::second")
want = ["task %s (locks::first) at %s:%d on <tokio::sync::mutex::Mutex>::lock (held by task %s)" %
        (first, SRC_FILE, marker_line(SRC_FILE, "first b"), second),
        "task %s (locks::second) at %s:%d on <tokio::sync::mutex::Mutex>::lock (held by task %s)" %
        (second, SRC_FILE, marker_line(SRC_FILE, "second a"), first)]
check(len(dl) == 1 and all(w in dl[0]["message"] for w in want),
      "a deadlock of first and second, each on the lock the other holds (%s)" %
      [d["message"] for d in dl])
# the report lists what each waits on, not as a call stack
report = subprocess.run([AU, "report", res["data"]], capture_output=True, text=True).stdout
each = [l.strip() for l in report.splitlines() if "each waits on:" in l]
check(each == ["each waits on: <tokio::sync::mutex::Mutex>::lock; "
               "<tokio::sync::mutex::Mutex>::lock"],
      "report: the deadlock's line says what each waits on (%s)" % each)
nc = {d["task"]: d.get("held_by") for d in s["diagnostics"] if d["kind"] == "never_completed"}
check(nc == {first: second, second: first},
      "never_completed: first waits for second's lock and second for first's (%s)" % nc)
# main's poll ends inside std::process::exit: no end, no length, no long_poll
check(not [d for d in s["diagnostics"] if d["kind"] == "long_poll"],
      "no long_poll for the poll the program exited in (%s)" %
      [d["message"][:80] for d in s["diagnostics"] if d["kind"] == "long_poll"])
done()
