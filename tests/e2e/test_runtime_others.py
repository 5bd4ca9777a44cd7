#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tasks on async-std and smol (async-task underneath), and futures'
executors (LocalPool, ThreadPool, block_on), with facts known from the
source: counts, parents, polls and wakes of each task."""
import re

from aulib import (PATCHABLE, SRC, check, check_trace_file, done, fixture, future, join_waits,
                   load, marker_line, profile, within)


def const(path, name):
    with open(SRC + "/fixtures/" + path) as f:
        return int(re.search(r"const %s: u64 = (\d+);" % name, f.read()).group(1))


for app, crate in (("asyncstd-tasks", "asyncstd_tasks"), ("smol-tasks", "smol_tasks")):
    n, sleep_ms = const(app + "/src/main.rs", "TASKS"), const(app + "/src/main.rs", "SLEEP_MS")
    res = profile(fixture(app), app)
    check(res["rc"] == 0, "%s: profile.sh exits 0" % app)
    s = load(res["summary"])
    check(s["trace"]["runtime"] == ("async-std" if app.startswith("async") else "smol"),
          "%s: runtime %s" % (app, s["trace"]["runtime"]))
    # async-io's driver thread parks (and may poll a future of its own)
    # but runs no executor: no worker, nor in the workers' totals
    io = [t for t in s["threads"] if t["name"] == "async-io"]
    wt = [t for t in s["threads"] if t["role"] == "worker"]
    check(io and all(t["role"] == "thread" for t in io) and s["workers"]["count"] == len(wt) and
          wt and all(t["name"] != "async-io" for t in wt),
          "%s: the async-io thread is no worker, nor counted among them (%s)" %
          (app, [(t["name"], t["role"], t["polls"]) for t in s["threads"]]))
    workers = [t for t in s["tasks"] if t["name"] == crate + "::worker"]
    check(len(workers) == n, "%s: %d worker tasks (got %d)" % (app, n, len(workers)))
    parents = {t["parent"] for t in workers}
    by_id = {t["id"]: t for t in s["tasks"]}
    check(len(parents) == 1 and by_id.get(next(iter(parents)), {}).get("kind") == "block_on",
          "%s: all spawned by the block_on root" % app)
    check(all(t["outcome"] == "completed" for t in workers), "%s: all completed (%s)" %
          (app, [t["outcome"] for t in workers]))
    line = marker_line(app + "/src/main.rs", "worker", "SPAWN")
    check(all(t["spawn_site"] and t["spawn_site"]["line"] == line for t in workers),
          "%s: spawned at the spawn call's line %d (%s)" %
          (app, line, [t["spawn_site"] and t["spawn_site"]["line"] for t in workers]))
    # The timer starts inside the first poll: its sleep is the idle time
    # plus what of that poll came after (under load a first poll is slow).
    check(all(within(t["idle_ns"] + t["busy_ns"], sleep_ms * 1e6, 0.10) for t in workers),
          "%s: each idle for its %d ms sleep +-10%% (%s)" %
          (app, sleep_ms, [round((t["idle_ns"] + t["busy_ns"]) / 1e6, 1) for t in workers]))
    check(all(t["wakes"] >= 1 for t in workers), "%s: each woken by its timer" % app)
    # async-executor 1.5 queues every scheduled task on the shared queue
    check(all(t["scheduled_remote"] == t["polls"] and t["scheduled_local"] == 0 for t in workers),
          "%s: each poll followed a queueing on the shared queue, none local (%s)" %
          (app, [(t["polls"], t["scheduled_remote"], t["scheduled_local"]) for t in workers]))
    joins = join_waits(load(res["trace"]))
    joined = {w["id"] for w in workers} | {t["id"] for t in s["tasks"]
                                          if t["name"] == crate + "::label"}
    check(joins and all(t in joined and by_id[t]["parent"] == w for w, t in joins),
          "%s: the root's waits on JoinHandles name the tasks it awaits (%s)" %
          (app, joins))
    if app == "smol-tasks":
        # a task whose String output comes back through memory: its
        # future is one instance over its two polls (its root is no
        # child of the executor's run future it runs inside), and the
        # task completed though no poll's Ready could be read
        lt = [t for t in s["tasks"] if t["name"] == crate + "::label"]
        lf = [f for f in s["futures"] if f["name"] == crate + "::label"]
        check(len(lt) == 1 and lt[0]["outcome"] == "completed" and lt[0]["polls"] == 2 and
              len(lf) == 1 and lf[0]["instances"] == 1 and lf[0]["polls"] == 2,
              "%s: the String-returning task completed, one future instance over 2 polls "
              "(%s; %s)" % (app, [(t["outcome"], t["polls"]) for t in lt],
                            [(f["instances"], f["polls"]) for f in lf]))
    if app == "asyncstd-tasks":
        # the ids async-std gives its tasks, as the program printed them
        said = dict(re.findall(r"(main|worker-\d+) is task (\d+)", res["stdout"]))
        by_spawn = sorted(workers, key=lambda t: t["spawned_ns"])
        check(len(said) == n + 1 and
              [t["runtime_id"] for t in by_spawn] == [int(said.get("worker-%d" % i, -1))
                                                      for i in range(n)],
              "%s: each worker's runtime_id is the task id async-std gave it (%s, printed %s)" %
              (app, [t["runtime_id"] for t in by_spawn], said))
        main_task = by_id.get(next(iter(parents)), {})
        check(main_task.get("runtime_id") == int(said.get("main", -1)),
              "%s: the block_on task's runtime_id is main's task id (%s)" %
              (app, main_task.get("runtime_id")))
    else:
        check(all(t["runtime_id"] is None for t in s["tasks"]),
              "%s: async-executor gives no task ids: none made up" % app)
    check_trace_file(res["trace"])

# futures' executors: tasks are keyed by the spawned future's address
# (doc/findings.md); fixtures/futures-pool says what each task does.
n = const("futures-pool/src/main.rs", "TASKS")
res = profile(fixture("futures-pool"), "futures-pool")
check(res["rc"] == 0, "futures-pool: profile.sh exits 0")
s = load(res["summary"])
trace = load(res["trace"])
check(s["trace"]["runtime"] == "futures", "futures-pool: runtime futures")
lt = future(s, "futures_pool::local_task")
pt = future(s, "futures_pool::pool_task")
check(lt is not None and lt["instances"] == n and lt["completed"] == n,
      "LocalPool: %d local_task futures, all completed" % n)
check(pt is not None and pt["instances"] == n and pt["completed"] == n,
      "ThreadPool: %d pool_task futures, all completed" % n)


def named(name):
    return [t for t in s["tasks"] if t["name"] == name]


def facts(tasks):
    return [(t["parent"], t["polls"], t["wakes"], t["self_wakes"], t["outcome"]) for t in tasks]


roots, kids, pooled = (named("futures_pool::local_root"), named("futures_pool::local_task"),
                       named("futures_pool::pool_task"))
check(len(roots) == 1 and roots[0]["parent"] is None and roots[0]["kind"] == "task",
      "LocalPool: one root task, spawned by main outside any task (%s)" % facts(roots))
root = roots[0]["id"] if roots else -1
check(roots and (roots[0]["polls"], roots[0]["wakes"], roots[0]["self_wakes"],
                 roots[0]["outcome"]) == (3, 2, 2, "completed"),
      "LocalPool: the root is polled 3 times and wakes itself twice (%s)" % facts(roots))
check(len(kids) == n and all(f == (root, 2, 1, 0, "completed") for f in facts(kids)),
      "LocalPool: %d children of the root, each polled twice, woken once, completed (%s)" %
      (n, facts(kids)))
check(all(k["spawn_site"] and k["spawn_site"]["function"] == "futures_pool::local_root"
          for k in kids), "LocalPool: the children were spawned in local_root")
spawn_lines = {m: marker_line("futures-pool/src/main.rs", m, "SPAWN")
               for m in ("root", "local", "pool")}
check([t["spawn_site"] and t["spawn_site"]["line"] for t in roots + kids + pooled] ==
      [spawn_lines["root"]] + [spawn_lines["local"]] * len(kids) +
      [spawn_lines["pool"]] * len(pooled),
      "futures-pool: each task's spawn site is its spawn call's line %s (%s)" %
      (spawn_lines, [(t["name"], t["spawn_site"] and t["spawn_site"]["line"])
                     for t in roots + kids + pooled]))
kid_ids = {k["id"] for k in kids}
woken_by = [e["args"].get("waker_task") for e in trace["traceEvents"]
            if e.get("ph") == "i" and e.get("name") == "wake" and e["args"].get("task") in kid_ids]
check(len(woken_by) == n and set(woken_by) == {root},
      "LocalPool: each child's wake came from the root task (%s)" % woken_by)
check(len(pooled) == n and all(f[:2] == (None, 2) and f[3:] == (0, "completed")
                               for f in facts(pooled)),
      "ThreadPool: %d tasks spawned by main, each polled twice, completed (%s)" %
      (n, facts(pooled)))
check(len(pooled) == n and all(t["wakes"] == 1 for t in pooled),
      "ThreadPool: each task woken once, by main (%s)" % [t["wakes"] for t in pooled])
spawns = [e for e in trace["traceEvents"] if e.get("ph") == "s" and e.get("name") == "spawn"]
check(len(spawns) == 1 + 2 * n, "a spawn -> first poll arrow per pool task (%d)" % len(spawns))
labels = {int(e["name"].split()[1]) for e in trace["traceEvents"]
          if e.get("ph") == "b" and e.get("cat") == "task" and e["name"].startswith("task ")}
check(labels == {t["id"] for t in s["tasks"] if t["polls"] > 0},
      "futures-pool: task ids in the trace match the summary")
check_trace_file(res["trace"])
done()
