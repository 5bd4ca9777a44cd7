#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A task whose future panics (fixtures/task-panic, tokio current-thread):
exactly that task's outcome is `panicked`, the others `completed`, and the
report names it.  Under uftrace 0.13 the panic cannot unwind through traced
frames and the program aborts inside the panicking poll (doc/findings.md);
a recorder that lets it unwind must give the same outcomes, with tokio's
JoinError::panic call as the evidence and one more completed task."""
import re
import subprocess

from aulib import AU, SRC, check, check_trace_file, done, fixture, load, profile

app = fixture("task-panic")
with open(SRC + "/fixtures/task-panic/src/main.rs") as f:
    ok_tasks = int(re.search(r"const OK_TASKS: u64 = (\d+);", f.read()).group(1))

# the symbolizer knows where tokio turns a panic into the JoinHandle's error
syms = subprocess.run([AU, "symbols", app], capture_output=True, text=True).stdout
check(re.search(r"^\S+ \d+ task_panic <tokio::runtime::task::error::JoinError>::panic ", syms,
                re.M) is not None, "JoinError::panic is classified task_panic")

res = profile(app, "task-panic")
s = load(res["summary"])
status = s["trace"]["exit_status"]
aborted = status is not None and status & 0x7f == 6
check(aborted or status == 0, "the program aborted (SIGABRT) or exited cleanly (status %s)" % status)
boom = [t for t in s["tasks"] if t["name"] == "task_panic::boom"]
fine = [t for t in s["tasks"] if t["name"] == "task_panic::fine"]
check(len(boom) == 1, "one boom task (got %d)" % len(boom))
check(boom and boom[0]["outcome"] == "panicked", "boom's outcome is panicked (%s)" %
      [t["outcome"] for t in boom])
check(boom and boom[0]["polls"] == 2, "boom was polled twice: it panics after its sleep (%s)" %
      [t["polls"] for t in boom])
# without unwinding, the last fine task (spawned after the panic) never runs
want_fine = ok_tasks if aborted else ok_tasks + 1
check(len(fine) == want_fine and all(t["outcome"] == "completed" for t in fine),
      "%d fine tasks, all completed (%s)" % (want_fine, [t["outcome"] for t in fine]))
panicked = [t["id"] for t in s["tasks"] if t["outcome"] == "panicked"]
check(panicked == [t["id"] for t in boom], "no other task panicked (%s)" % panicked)
stuck = [d for d in s["diagnostics"] if d["kind"] in ("lost_wake", "never_completed", "deadlock")]
check(not stuck, "a panicked task is not reported as stuck (%s)" % [d["kind"] for d in stuck])

rep = subprocess.run([AU, "report", res["data"]], capture_output=True, text=True).stdout
check(boom and boom[0]["runtime_id"] and
      re.search(r"^task %d \(task_panic::boom, tokio task %d\) panicked" %
                (boom[0]["id"], boom[0]["runtime_id"]), rep, re.M) is not None,
      "the report's header names the panicked task, with tokio's id for it")
check(boom and re.search(r"^\s+%d\s+%d task_panic::boom\s.*\spanicked$" %
                         (boom[0]["id"], boom[0]["runtime_id"] or 0), rep, re.M)
      is not None, "the report's task table says panicked")
check_trace_file(res["trace"])

# a panic outside any task (a tokio timer made outside the runtime, in
# main): no task panicked, the idle worker's included; the report and the
# summary say where
res = profile(app, "task-panic-outside", args=["outside"])
s = load(res["summary"])
status = s["trace"]["exit_status"]
if status is not None and status & 0x7f == 6:
    po = s["trace"].get("panic_outside_task") or {}
    main_tid = [t["tid"] for t in s["threads"] if t["role"] == "main"]
    check(po.get("in", "").startswith("core::panicking::panic_display") and
          po.get("called_from") == "task_panic::main" and [po.get("tid")] == main_tid,
          "outside: the panic is in main's thread, under task_panic::main (%s)" % po)
    check(not [t for t in s["tasks"] if t["outcome"] == "panicked"],
          "outside: no task panicked (%s)" % [(t["name"], t["outcome"]) for t in s["tasks"]])
    rep = subprocess.run([AU, "report", res["data"]], capture_output=True, text=True).stdout
    check(re.search(r"^the program panicked outside any task, on thread %s, in "
                    r"core::panicking::panic_display\S* called from task_panic::main" %
                    (main_tid[0] if main_tid else -1), rep, re.M) is not None,
          "outside: the report's header says where")
else:
    check(status == 0, "outside: the program aborted (SIGABRT) or exited cleanly (%s)" % status)

# async-std: async-task does not catch the panic; it unwinds out of
# Runnable::run into the executor thread's catch_unwind.  Nothing in
# between says "panicked" but the unwinding itself, which uftrace 0.13
# turns into an abort in the poll.
app = fixture("asyncstd-panic")
res = profile(app, "asyncstd-panic")
s = load(res["summary"])
status = s["trace"]["exit_status"]
boom = [t for t in s["tasks"] if t["name"] == "asyncstd_panic::boom"]
fine = [t for t in s["tasks"] if t["name"] == "asyncstd_panic::fine"]
if status is not None and status & 0x7f == 6:
    check(len(boom) == 1 and boom[0]["outcome"] == "panicked" and boom[0]["polls"] == 2,
          "async-std: boom panicked in its second poll (%s)" %
          [(t["outcome"], t["polls"]) for t in boom])
    check(len(fine) == ok_tasks and all(t["outcome"] == "completed" for t in fine),
          "async-std: %d fine tasks completed (%s)" % (ok_tasks, [t["outcome"] for t in fine]))
    panicked = [t["id"] for t in s["tasks"] if t["outcome"] == "panicked"]
    check(panicked == [t["id"] for t in boom], "async-std: no other task panicked (%s)" % panicked)
else:
    # the panic unwound: async-task closes the task without a function of
    # its own to say why (doc/findings.md)
    check(status == 0, "async-std: exited cleanly after the panic (status %s)" % status)
check_trace_file(res["trace"])
done()
