#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A hyper 0.14 service (fixtures/hyper-service): the framework most
tokio services of Barbara's kind run on.  hyper spawns a connection task
whose future (NewSvcTask) first polls the program's make-service future,
which completes at once, then serves the connection: the task is named
after hyper's future and lives until the runtime's shutdown, idle between
requests.  The client's connection task is named after the Connection
that hyper's combinators wrap.  hyper's dispatcher returns its Poll<Result<..>> through memory
(a niche-filled enum with data in two variants): each is one instance,
polled as often as its connection was served.  Each request's handler is
a new instance at the same address, also one that answered at once; it
waits at its own line (a sleep, an #[async_trait] method, a lock held by
another task), and the one left waiting when the program ends is found
through hyper's futures, in its connection task, at its line."""
import json
import subprocess

import aulib
from aulib import (check, done, future, left_waiting, marker_line, profiled, task_left_waiting,
                   timer_wait, wait_near, waits_of)

SRC_FILE = "hyper-service/src/main.rs"
HANDLE = "hyper_service::handle"
CONN_TASK = "<hyper::server::server::new_svc::NewSvcTask as Future>"
STORE_BODY = "<hyper_service::SlowStore as hyper_service::Store>::get::{async_block#0}"
res, s, trace = profiled("hyper-service")
line = lambda marker: marker_line(SRC_FILE, marker)
by_name = {}
for t in s["tasks"]:
    by_name.setdefault(t["name"], []).append(t)

# the server's connection task: named after hyper's future, not the
# make-service future it polls first; alive from the first request to the
# shutdown, idle between requests (it was taken as completed after its
# first poll, and its wakes as wakes after its end)
conn = by_name.get(CONN_TASK, [])
check(len(conn) == 1, "one connection task named %s (tasks: %s)" %
      (CONN_TASK, sorted({t["name"] for t in s["tasks"]}, key=str)))
conn = conn[0] if conn else {}
check(conn.get("outcome") == "shut_down" and conn.get("polls", 0) >= 6 and
      conn.get("wakes_after_end") == 0 and conn.get("idle_ns", 0) > 150e6,
      "the connection task: polled for each request, idle over 150 ms between them, shut "
      "down at the end, no wake after its end (%s)" %
      {k: conn.get(k) for k in ("polls", "idle_ns", "outcome", "wakes_after_end")})

# the client's connection task: named after what hyper's combinators
# around it wrap (a Pin<Box<Map<MapErr<Connection<..>, ..>, ..>>>)
client = by_name.get("<hyper::client::conn::Connection as Future>", [])
check(len(client) == 1 and client[0]["outcome"] == "shut_down" and client[0]["polls"] >= 6,
      "one client connection task named <hyper::client::conn::Connection as Future>, "
      "polled for each request, shut down at the end (%s)" %
      [(t["name"], t["polls"], t["outcome"]) for t in client])

# hyper's futures whose poll returns through memory: one instance each per
# side of the connection, not one per poll (a patched recording leaves
# them out: the program awaits none of them)
HYPER_CHAIN = ["<hyper::server::conn::ProtoServer as Future>",
               "<hyper::proto::h1::dispatch::Dispatcher as Future>"]
if not aulib.PATCHABLE:
    disp = future(s, HYPER_CHAIN[1]) or {}
    proto = future(s, HYPER_CHAIN[0]) or {}
    check(disp.get("instances") == 2 and disp.get("polls", 0) >= 12 and
          proto.get("instances") == 1 and proto.get("polls", 0) >= 6,
          "hyper's dispatcher: 2 instances (client, server), ProtoServer 1, polled many times "
          "(%s, %s)" % ({k: disp.get(k) for k in ("instances", "polls")},
                        {k: proto.get(k) for k in ("instances", "polls")}))

# the handler: one instance per request (5), also /fast's, answered in its
# one poll, and the /stuck one after it at the same address
handle = future(s, HANDLE) or {}
check(handle.get("instances") == 5 and handle.get("polls") == 8 and
      handle.get("completed") == 4,
      "5 handler instances, 8 polls, 4 completed (%s)" %
      {k: handle.get(k) for k in ("instances", "polls", "completed")})

waits = [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6,
          w["args"].get("on"), w["args"]) for w in waits_of(trace, HANDLE)]
slow = [w for w in waits if w[0] == line("slow sleep")]
check(len(slow) == 1 and slow[0][2] == "<tokio::time::sleep::Sleep as Future>" and
      timer_wait(slow[0][1], 100),
      "/slow waits ~100 ms on its sleep at line %d (%s)" % (line("slow sleep"), slow))
store = [w for w in waits if w[0] == line("store get")]
check(len(store) == 1 and store[0][3].get("inner") == [STORE_BODY] and
      timer_wait(store[0][1], 30),
      "/store waits ~30 ms at line %d on the #[async_trait] method's future, its body "
      "inside (%s)" % (line("store get"), store))
body = [(w["args"].get("await", {}).get("line"), w["args"]["wait_ns"] / 1e6)
        for w in waits_of(trace, STORE_BODY)]
check(len(body) == 1 and body[0][0] == line("store sleep") and timer_wait(body[0][1], 30),
      "the method's body waits ~30 ms at line %d (%s)" % (line("store sleep"), body))
holder = by_name.get("hyper_service::hold_db", [{}])[0]
db = [w for w in waits if w[0] == line("db lock")]
hold = waits_of(trace, "hyper_service::hold_db")
hold_end = hold[0]["ts"] + hold[0]["args"]["wait_ns"] / 1e3 if hold else None
check(len(db) == 1 and db[0][2] == "<tokio::sync::mutex::Mutex>::lock" and
      db[0][3].get("held_by") == holder.get("id") and 150 < db[0][1] < 203,
      "/db waits ~190 ms at line %d for the Mutex hold_db (task %s) holds over its 200 ms "
      "sleep (%s)" %
      (line("db lock"), holder.get("id"), db))
db_wait = [w for w in waits_of(trace, HANDLE)
           if w["args"].get("await", {}).get("line") == line("db lock")]
check(hold_end is not None and db_wait and
      db_wait[0]["ts"] + db_wait[0]["args"]["wait_ns"] / 1e3 >= hold_end,
      "/db's wait ends after hold_db's 200 ms sleep ends")
# which task each wait ended on: the lock's release by hold_db; a timer's
# by no task (the worker's park, not a task's poll)
check(db_wait and db_wait[0]["args"].get("woken_by_task") == holder.get("id") and
      slow and "woken_by_task" not in slow[0][3],
      "/db's wait was ended by hold_db's wake (task %s), /slow's by no task's (%s, %s)" %
      (holder.get("id"), db_wait and db_wait[0]["args"].get("woken_by_task"),
       slow and slow[0][3].get("woken_by_task")))
# main (a block_on, woken by unparking its thread) waited for /db's answer
# on the client's connection task, which read it
fetch = [w for w in waits_of(trace, "hyper_service::fetch")
         if w["args"].get("await", {}).get("line") == line("fetch get")]
longest = max(fetch, key=lambda w: w["args"]["wait_ns"]) if fetch else {"args": {}}
check(client and 150 < longest["args"].get("wait_ns", 0) / 1e6 < 203 and
      longest["args"].get("woken_by_task") == client[0]["id"],
      "main's longest wait for an answer (/db's, ~190 ms) was ended by the client's "
      "connection task %s (%s)" % (client and client[0]["id"], longest["args"]))
rep = subprocess.run([aulib.AU, "report", res["data"], "--task", str(conn.get("id"))],
                     capture_output=True, text=True).stdout
db_line = [l for l in rep.splitlines() if "%s:%d " % (SRC_FILE, line("db lock")) in l]
check(len(db_line) == 1 and db_line[0].endswith(", woken by task %s hyper_service::hold_db" %
                                                 holder.get("id")),
      "the report's longest waits of the connection task say who woke /db's wait (%s)" %
      db_line)

# the stuck request: its handler left waiting at its line, through hyper's
# futures (whose results come back through memory), in the connection
# task, which ends waiting there; the report says where
left = left_waiting(trace)
# (the task of each future's track, from its first event)
track_task = {json.dumps(e["id2"]): e["args"].get("task") for e in trace["traceEvents"]
              if e.get("cat") == "future" and e.get("ph") == "b" and
              "function" in e.get("args", {})}
left_in = {json.dumps(e["id2"]): track_task.get(json.dumps(e["id2"]))
           for e in trace["traceEvents"] if e.get("cat") == "future" and e.get("ph") == "b" and
           e.get("name") == "wait" and e["args"].get("still_waiting")}
stuck = [w for w in left if w[0] == HANDLE]
check(len(stuck) == 1 and stuck[0][1] == line("stuck notified") and
      stuck[0][3].get("on") == "<tokio::sync::notify::Notified as Future>" and
      wait_near(stuck[0][2], 100, tol=0.2),
      "the /stuck handler is left waiting ~100 ms at line %d on Notified (%s)" %
      (line("stuck notified"), [(w[0], w[1], round(w[2], 1)) for w in stuck]))
check(set(left_in.values()) >= {conn.get("id")} and
      sum(1 for t in left_in.values() if t == conn.get("id")) >= (2 if aulib.PATCHABLE else 5),
      "its waits are the connection task's (%s)" % sorted(left_in.values(), key=str))
if not aulib.PATCHABLE:
    chain = {w[0] for w in left}
    check({CONN_TASK, HANDLE, *HYPER_CHAIN} <= chain,
          "left waiting with it: the futures of hyper that hold it (%s)" % sorted(chain))
tw = task_left_waiting(trace)
check(conn.get("id") in tw and tw[conn["id"]][0] == line("stuck notified"),
      "the connection task's track ends waiting at line %d (%s)" %
      (line("stuck notified"), tw.get(conn.get("id"))))
never = [d for d in s["diagnostics"]
         if d["kind"] == "never_completed" and d.get("task") == conn.get("id")]
check(len(never) == 1 and never[0].get("await") == "%s:%d" % (SRC_FILE, line("stuck notified")),
      "never_completed names the connection task, waiting at line %d (%s)" %
      (line("stuck notified"), never))
done()
