#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Barbara's findings, found by the tool on fixtures whose truth is known:
a CPU-bound poll (long_poll naming the function, wake_delay naming the hog),
an AB-BA channel deadlock (with each send's await line), a chain of stuck
tasks (each blocked behind the next, to the one stuck on a oneshot), a dropped waker
(lost_wake), and a clean program (no diagnostics).  The report shows the
same diagnostics as the summary."""
import json
import os
import re
import signal
import subprocess
import time

from aulib import (AU, SRC, check, check_trace_file, done, fixture, left_waiting, load, marker_line,
                   profile, task_left_waiting, tmpdir, undocumented_keys)


def diags(summary, kind):
    return [d for d in summary["diagnostics"] if d["kind"] == kind]


def report_kinds(data):
    out = subprocess.run([AU, "report", data], capture_output=True, text=True).stdout
    return re.findall(r"^  \[(\w+)\] ", out, re.M)


# --- CPU-bound poll --------------------------------------------------------
with open(SRC + "/fixtures/cpu-hog/src/main.rs") as f:
    hog_ms = int(re.search(r"const HOG_MS: u64 = (\d+);", f.read()).group(1))
res = profile(fixture("cpu-hog"), "cpu-hog")
s = load(res["summary"])
lp = [d for d in diags(s, "long_poll") if d["future"] == "cpu_hog::hog"]
check(len(lp) == 1, "one long_poll of cpu_hog::hog (%s)" % [d["future"] for d in diags(s, "long_poll")])
if lp:
    check(lp[0]["dur_ns"] >= 0.9 * hog_ms * 1e6, "it lasts >= %d ms (%.1f ms)" %
          (0.9 * hog_ms, lp[0]["dur_ns"] / 1e6))
    check("cpu_hog::crunch" in lp[0]["stack"] and "cpu_hog::crunch" in lp[0]["message"],
          "it names the CPU-bound function (%s)" % lp[0]["stack"])
wd = [d for d in diags(s, "wake_delay") if d["future"] == "cpu_hog::waiter"]
check(len(wd) == 1, "one wake_delay of the waiter")
if wd:
    check(wd[0]["dur_ns"] >= hog_ms / 2 * 1e6, "the waiter waited >= %d ms for its poll (%.1f)" %
          (hog_ms / 2, wd[0]["dur_ns"] / 1e6))
    check("cpu_hog::hog" in wd[0]["message"], "it names the hog that kept the worker busy")
    # the breakdown of the delay: nearly all of it the hog's poll
    busy = re.search(r"meanwhile its worker: (?:over )?([\d.]+) ms polling other tasks", wd[0]["message"])
    check(busy and float(busy.group(1)) >= 0.9 * wd[0]["dur_ns"] / 1e6,
          "the delay's breakdown puts >= 90%% of it in polling other tasks (%s)" % (busy and busy.group(1)))
# tokio-metrics' slow polls (50 us by default): the hog's crunching poll
hog = [t for t in s["tasks"] if t["name"] == "cpu_hog::hog"]
check(len(hog) == 1 and hog[0]["slow_polls"] >= 1 and
      hog[0]["slow_poll_ns"] >= 0.9 * hog_ms * 1e6 and
      s["trace"]["slow_poll_threshold_ns"] == 50000,
      "the hog's %d ms poll is one of its slow polls, over the 50 us default (%s)" %
      (hog_ms, [(t["slow_polls"], t["slow_poll_ns"]) for t in hog]))
js = subprocess.run([AU, "report", "--json", "--slow-poll", "%dms" % (2 * hog_ms), res["data"]],
                    capture_output=True, text=True).stdout
s2 = json.loads(js) if js.strip().startswith("{") else None
check(s2 is not None and s2["trace"]["slow_poll_threshold_ns"] == 2 * hog_ms * 1000000 and
      all(t["slow_polls"] == 0 for t in s2["tasks"]),
      "--slow-poll %dms: no poll is that slow" % (2 * hog_ms))
waiter = [t for t in s["tasks"] if t["name"] == "cpu_hog::waiter"]
check(len(waiter) == 1 and 0 < waiter[0]["max_idle_ns"] <= waiter[0]["idle_ns"],
      "the waiter's longest idle spell is within its idle time (%s)" %
      [(t["max_idle_ns"], t["idle_ns"]) for t in waiter])
check(report_kinds(res["data"]) == [d["kind"] for d in s["diagnostics"]],
      "the report lists the summary's diagnostics, in order")
check_trace_file(res["trace"])
trace = load(res["trace"])
check(any(e.get("name") == "diagnostic: long_poll" for e in trace["traceEvents"]),
      "the trace marks the long poll")

# --- the same on a multi-thread runtime ---------------------------------------
# tokio's worker runs its loop inside a blocking task's poll: the hog's poll
# is still a top-level poll of its own, and the loop's task is not busy for it
res = profile(fixture("cpu-hog"), "cpu-hog-multi", args=["multi"])
s = load(res["summary"])
lp = [d for d in diags(s, "long_poll") if d["future"] == "cpu_hog::hog"]
check(len(lp) == 1 and lp[0]["dur_ns"] >= 0.9 * hog_ms * 1e6 and "cpu_hog::crunch" in lp[0]["stack"],
      "multi-thread: one long_poll of the hog, >= %d ms, naming crunch (%s)" %
      (0.9 * hog_ms, [(d["future"], d["dur_ns"], d["stack"]) for d in diags(s, "long_poll")]))
wd = [d for d in diags(s, "wake_delay") if d["future"] == "cpu_hog::waiter"]
check(len(wd) == 1 and wd[0]["dur_ns"] >= hog_ms / 2 * 1e6 and "cpu_hog::hog" in wd[0]["message"],
      "multi-thread: the waiter's wake_delay names the hog (%s)" % [d["message"] for d in wd])
loops = [t for t in s["tasks"] if t["kind"] == "worker"]
hog = [t for t in s["tasks"] if t["name"] == "cpu_hog::hog"]
check(loops and hog and all(t["busy_ns"] < 0.1 * hog_ms * 1e6 for t in loops) and
      hog[0]["busy_ns"] >= 0.9 * hog_ms * 1e6,
      "multi-thread: the hog is busy %d ms, the worker loop's task not for it (%s, %s)" %
      (hog_ms, [round(t["busy_ns"] / 1e6, 2) for t in loops],
       [round(t["busy_ns"] / 1e6, 2) for t in hog]))
# blocking inside block_in_place, as it is meant for: no diagnostic of it
ip = [t for t in s["tasks"] if t["name"] == "cpu_hog::in_place"]
check(len(ip) == 1 and ip[0]["busy_ns"] >= 0.45 * hog_ms * 1e6 and
      not [d for d in s["diagnostics"] if "in_place" in d["message"] or d["kind"] == "blocking_call"],
      "multi-thread: a %d ms sleep inside block_in_place is no blocking_call nor long_poll (%s)" %
      (hog_ms // 2, [(d["kind"], d["message"][:80]) for d in s["diagnostics"]]))

# --- AB-BA deadlock ----------------------------------------------------------
res = profile(fixture("deadlock"), "deadlock")
s = load(res["summary"])
lines = {marker_line("deadlock/src/main.rs", "a send"), marker_line("deadlock/src/main.rs", "b send")}
join_line = marker_line("deadlock/src/main.rs", "waiter join")
dl = diags(s, "deadlock")
nc = diags(s, "never_completed")
check(len(dl) == 1 or len(nc) >= 2, "a deadlock (or two never_completed) is reported")
awaits = {int(d["await"].rsplit(":", 1)[1]) for d in nc if d["await"]}
check(awaits == lines | {join_line},
      "each stuck task waits at its send line %s, the waiter at its join (%d) (got %s)" %
      (sorted(lines), join_line, sorted(awaits)))
if dl:
    check(all(":%d " % l in dl[0]["message"] for l in lines), "the deadlock names both send lines")
    tw = [t["id"] for t in s["tasks"] if t["name"] == "deadlock::waiter"]
    check(not undocumented_keys(s), "every key of the summary is in doc/summary.md (missing: %s)"
          % undocumented_keys(s))
    check(dl[0]["message"].startswith("2 tasks are stuck") and tw and
          "blocked behind them: task %d (deadlock::waiter)" % tw[0] in dl[0]["message"],
          "the deadlock is a's and b's; the waiter is blocked behind them (%s)" % dl[0]["message"])
pending = [t for t in s["tasks"] if t["outcome"] == "pending_at_end" and t["kind"] == "task"]
check(sorted(t["name"] for t in pending) == ["deadlock::a", "deadlock::b", "deadlock::waiter"],
      "tasks a, b and the waiter are pending at the end")
# (main's block_on too: the program exited inside it, from exit_after)
check([t["outcome"] for t in s["tasks"] if t["kind"] == "block_on"] == ["pending_at_end"],
      "main's block_on is pending at the end: the program exited inside it (%s)" %
      [(t["name"], t["outcome"]) for t in s["tasks"] if t["kind"] == "block_on"])
# where each stuck future is stuck, in the trace: the wait it was left in,
# from its last poll to the end
trace = load(res["trace"])
left = {(name, line): ms for name, line, ms, _ in left_waiting(trace)}
expect = {("deadlock::a", marker_line("deadlock/src/main.rs", "a send")),
          ("deadlock::b", marker_line("deadlock/src/main.rs", "b send")),
          ("deadlock::waiter", marker_line("deadlock/src/main.rs", "waiter join"))}
check(expect <= set(left) and all(left[k] >= 150 for k in expect),
      "a, b and the waiter are left waiting at their lines until the end, ~200 ms (%s)" % left)
# which task blocks which: the waiter waits on a's task, and says so
ta = [t["id"] for t in s["tasks"] if t["name"] == "deadlock::a"]
wn = [d for d in nc if d["future"] == "deadlock::waiter"]
check(ta and len(wn) == 1 and wn[0].get("on_task") == ta[0] and
      "JoinHandle as Future> (task %d)" % ta[0] in wn[0]["message"],
      "the waiter's never_completed names a's task %s as what it waits on (%s)" %
      (ta, [(d.get("on_task"), d["message"][:120]) for d in wn]))
check_trace_file(res["trace"])

# The same, hung: main waits forever, nothing is called after the first
# millisecond, and the user interrupts it (Ctrl-C: SIGINT to the whole
# group) after 2 s.  The recording lasts until then, and so do the stuck
# tasks' waits.
def interrupted(mode):
    """Profiles fixtures/deadlock MODE and interrupts it after 2 s as Ctrl-C
    would (SIGINT to the whole group): (summary path, profile.sh's output)."""
    out = os.path.join(tmpdir("au-e2e-"), mode)
    proc = subprocess.Popen([os.path.join(SRC, "scripts", "profile.sh"), fixture("deadlock"), out,
                             "--", mode], env=dict(os.environ, ASYNC_UFTRACE=AU),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    # the 2 s count from the program's main: the symbolizer before uftrace
    # takes seconds of its own on a loaded machine under ASan, and
    # libmcount's start-up (matching its filters to every symbol) up to
    # half a second
    head = []
    for line in proc.stdout:
        head.append(line)
        if line.startswith("deadlock: running"):
            break
    time.sleep(2)
    os.killpg(proc.pid, signal.SIGINT)
    text = "".join(head) + proc.communicate(timeout=120)[0]
    print(text)
    return out + ".summary.json", text


summary, text = interrupted("hang")
if os.path.exists(summary):
    s = load(summary)
    stuck = [d for d in diags(s, "never_completed") if d["future"] in ("deadlock::a", "deadlock::b")]
    idle = {t["name"]: t["idle_ns"] for t in s["tasks"] if t["name"] in ("deadlock::a", "deadlock::b")}
    # (profile.sh starts the program ~0.1 s in)
    check(s["trace"]["duration_ns"] >= 1.5e9 and
          "the recording was interrupted before the program ended" in text,
          "hang: the recording lasts until the interrupt, ~2 s, and says it was interrupted "
          "(%.3f s)" % (s["trace"]["duration_ns"] / 1e9))
    check(len(stuck) == 2 and all(d["dur_ns"] >= 1.5e9 for d in stuck) and
          all(" s before the end" in d["message"] or "ms before the end" in d["message"]
              for d in stuck),
          "hang: a and b last polled ~2 s before the end (%s)" %
          [(d["dur_ns"], d["message"][-80:]) for d in stuck])
    check(len(idle) == 2 and all(v >= 1.5e9 for v in idle.values()),
          "hang: a and b idle ~2 s, waiting when it ended (%s)" % idle)
else:
    check(False, "hang: analyzed after the interrupt (%s)" % text[-300:])

def stuck_in_poll(mode, future, phrases, what):
    """fixtures/deadlock MODE, interrupted: @future's task has one
    never_completed, its poll open ~2 s to the end, whose message holds
    @phrases.  Returns the summary, or None."""
    summary, text = interrupted(mode)
    if not os.path.exists(summary):
        check(False, "%s: analyzed after the interrupt (%s)" % (mode, text[-300:]))
        return None
    s = load(summary)
    nc = [d for d in diags(s, "never_completed") if d["future"] == future]
    check(len(nc) == 1 and nc[0]["dur_ns"] >= 1.5e9 and
          "was inside a poll when the recording ended" in nc[0]["message"] and
          all(p in nc[0]["message"] for p in phrases),
          "%s: %s (%s)" % (mode, what, [(d["dur_ns"], d["message"][-260:]) for d in nc]))
    return s


# A std Mutex kept across an .await: the other task blocks the runtime's
# only thread in lock(), which never returns (so is never recorded); its
# poll is open at the end, blocked off the CPU, most likely in that lock
stuck_in_poll("stdlock", "deadlock::std_blocker",
              ["blocked off the CPU for", "most likely in <std::sync::poison::mutex::Mutex<u32>>"
               "::lock, which deadlock::std_blocker calls"],
              "the blocker's poll is open at the end, ~2 s blocked off the CPU, most likely in "
              "std's Mutex::lock")

# futures' block_on inside a task's poll, on a tokio sleep: a hang; the
# never_completed says it is inside block_on, and no idle tokio worker is
# reported as a lost wake
s = stuck_in_poll("nested", "deadlock::nested_block_on",
                  ["it is inside futures_executor::local_pool::block_on",
                   "an executor's block_on run inside the poll"],
                  "the task's poll is open at the end, inside futures' block_on")
if s:
    check(not diags(s, "lost_wake"), "nested: no lost_wake (%s)" %
          [d["message"][:100] for d in diags(s, "lost_wake")])

# A healthy service interrupted: its loops wait as they always do, on a
# timer (the producer), on idle sockets (the servers) or no longer than
# between their earlier polls (the consumers): no deadlock, and each
# never_completed says so
summary, text = interrupted("service")
if os.path.exists(summary):
    s = load(summary)
    nc = {d["task"]: d for d in diags(s, "never_completed")}
    names = {t["id"]: t["name"] for t in s["tasks"]}
    prod = [d for i, d in nc.items() if names.get(i) == "deadlock::producer"]
    cons = [d for i, d in nc.items() if names.get(i) == "deadlock::consumer"]
    check(not diags(s, "deadlock") and
          [names.get(i) for i, d in nc.items() if d.get("blocked_behind")] == ["deadlock::supervise"],
          "service: no deadlock; only the supervisor is blocked behind another task (%s)" %
          [d["message"][:150] for d in diags(s, "deadlock")])
    check(len(prod) == 1 and prod[0]["message"].endswith("waiting for its timer") and
          prod[0]["await"].endswith(":%d" % marker_line("deadlock/src/main.rs", "producer tick")),
          "service: the producer waits for its timer at its tick (%s)" %
          [(d["await"], d["message"][-60:]) for d in prod])
    serves = [i for i, n in names.items() if n == "deadlock::serve"]
    srv = [nc[i] for i in serves if i in nc]
    sup = [d for i, d in nc.items() if names.get(i) == "deadlock::supervise"]
    serve_at = "deadlock/src/main.rs:%d" % marker_line("deadlock/src/main.rs", "serve read")
    check(len(srv) == 2 and all(d["message"].endswith("waiting for I/O") and
                                d["await"] == serve_at for d in srv),
          "service: each idle connection's task waits for I/O at its read (%s)" %
          [(d["await"], d["message"][-40:]) for d in srv])
    check(len(sup) == 1 and len(sup[0].get("blocked_behind", [])) == 1 and
          sup[0]["blocked_behind"][0] in serves and
          ("which waits for I/O at %s" % serve_at) in sup[0]["message"],
          "service: the supervisor is blocked behind its server, which waits for I/O (%s)" %
          [(d.get("blocked_behind"), d["message"][-120:]) for d in sup])
    check(len(cons) == 2 and all("between polls before)" in d["message"] and
                                 d["await"].endswith(":%d" % marker_line("deadlock/src/main.rs",
                                                                         "consumer recv"))
                                 for d in cons),
          "service: each consumer waits at its recv no longer than before (%s)" %
          [(d["await"], d["message"][-80:]) for d in cons])
    # in the trace: each server's future left waiting at its read to the
    # end, ~2 s, the supervisor's on its server's task; their tasks' tracks
    # end waiting there too; and the report lists those waits first
    trace = load(summary.replace(".summary.json", ".json"))
    left = left_waiting(trace)
    at_read = [(n, ms) for n, line, ms, _ in left
               if n == "deadlock::serve" and line == marker_line("deadlock/src/main.rs", "serve read")]
    sup_left = [a.get("on_task") for n, line, ms, a in left if n == "deadlock::supervise" and
                line == marker_line("deadlock/src/main.rs", "supervise") and ms >= 1500]
    check(len(at_read) == 2 and all(ms >= 1500 for _, ms in at_read) and
          len(sup_left) == 1 and sup_left[0] in serves,
          "service: both servers left waiting at their read ~2 s, the supervisor on one of "
          "their tasks (%s)" % [(n, line, round(ms), a.get("on_task")) for n, line, ms, a in left])
    tw = task_left_waiting(trace)
    check(all(i in tw and tw[i][0] == marker_line("deadlock/src/main.rs", "serve read") and
              tw[i][1] >= 1500 and tw[i][2].get("still_waiting") for i in serves),
          "service: the servers' task tracks end waiting ~2 s at their read (%s)" %
          {i: tw.get(i) for i in serves})
    waits = text[text.find("Longest waits"):].splitlines()[1:4]
    check(len(waits) == 3 and all(w.endswith("(still waiting)") for w in waits) and
          sum("deadlock::serve" in w for w in waits) >= 1,
          "service: the report's longest waits begin with those still waiting (%s)" % waits)
else:
    check(False, "service: analyzed after the interrupt (%s)" % text[-300:])

# The AB-BA deadlock of a running service: ping and pong exchanged five
# messages, then each waits to send on a full channel the other drains
res = profile(fixture("deadlock"), "steady", args=["steady"])
s = load(res["summary"])
ids = {t["name"].split("::")[-1]: t["id"] for t in s["tasks"]}
dl = diags(s, "deadlock")
nc = {d["future"].split("::")[-1]: d for d in diags(s, "never_completed")}
ping, pong = ids.get("steady_ping"), ids.get("steady_pong")
check(len(dl) == 1 and ping and pong and
      ("task %d (deadlock::steady_ping) at deadlock/src/main.rs:%d on "
       "<tokio::sync::mpsc::bounded::Sender>::send (drained by task %d)" %
       (ping, marker_line("deadlock/src/main.rs", "ping send"), pong)) in dl[0]["message"] and
      ("task %d (deadlock::steady_pong) at deadlock/src/main.rs:%d on "
       "<tokio::sync::mpsc::bounded::Sender>::send (drained by task %d)" %
       (pong, marker_line("deadlock/src/main.rs", "pong send"), ping)) in dl[0]["message"],
      "steady: a deadlock of ping and pong, each sending on a channel the other drains (%s)" %
      [d["message"][-300:] for d in dl])
check(nc.get("steady_ping", {}).get("held_by") == pong and
      nc.get("steady_pong", {}).get("held_by") == ping,
      "steady: each one's never_completed has the other as held_by, the drainer (%s)" %
      {k: d.get("held_by") for k, d in nc.items()})

# A sink whose feeder got stuck: its never_completed names the task whose
# wake led to its latest poll, the feeder
res = profile(fixture("deadlock"), "relay", args=["relay"])
s = load(res["summary"])
ids = {t["name"].split("::")[-1]: t["id"] for t in s["tasks"]}
sink = [d for d in diags(s, "never_completed") if d["future"] == "deadlock::relay_sink"]
check(len(sink) == 1 and ids.get("relay_feeder") and
      sink[0].get("last_woken_by") == ids["relay_feeder"] and
      sink[0]["await"].endswith(":%d" % marker_line("deadlock/src/main.rs", "relay sink")) and
      ("its last wake came from task %d, deadlock::relay_feeder" % ids["relay_feeder"])
      in sink[0]["message"],
      "relay: the sink's last wake came from the feeder, task %s (%s)" %
      (ids.get("relay_feeder"), [(d.get("last_woken_by"), d["message"][-120:]) for d in sink]))

# 50 tasks waiting on one Notify: all 50 are stuck, though only ten of
# their never_completed are kept; the deadlock names ten and counts the rest
res = profile(fixture("deadlock"), "crowd", args=["crowd"])
s = load(res["summary"])
dl = diags(s, "deadlock")
check(len(dl) == 1 and dl[0]["message"].startswith("50 tasks are stuck") and
      dl[0]["message"].endswith("; and 40 more tasks") and dl[0]["dur_ns"] == 50 and
      len(diags(s, "never_completed")) == 10,
      "crowd: a deadlock of 50 tasks, ten named, 40 counted (%s)" %
      [(d["message"][:60], d["message"][-40:]) for d in dl])

# --- a chain of stuck tasks, no cycle --------------------------------------------
# the holder keeps a tokio Mutex and waits on a oneshot nobody sends to; the
# contender waits for the lock, the joiner for the contender's end: each
# says whom it is blocked behind, down to the holder's await
res = profile(fixture("deadlock"), "chain", args=["chain"])
s = load(res["summary"])
ids = {t["name"].split("::")[-1]: t["id"] for t in s["tasks"]}
nc = {d["future"].split("::")[-1]: d for d in diags(s, "never_completed")}
holder_at = "deadlock/src/main.rs:%d" % marker_line("deadlock/src/main.rs", "chain holder")
check(not diags(s, "deadlock") and sorted(nc) == ["chain_contender", "chain_holder", "chain_joiner"],
      "no deadlock: a never_completed for each of the three (%s)" %
      [(d["kind"], d["future"]) for d in s["diagnostics"]])
if len(nc) == 3 and all(k in ids for k in ("chain_holder", "chain_contender")):
    h, c, j = nc["chain_holder"], nc["chain_contender"], nc["chain_joiner"]
    check(h["await"] == holder_at and "blocked_behind" not in h and
          c.get("held_by") == ids["chain_holder"] and
          c.get("blocked_behind") == [ids["chain_holder"]] and
          j.get("on_task") == ids["chain_contender"] and
          j.get("blocked_behind") == [ids["chain_contender"], ids["chain_holder"]],
          "the contender is blocked behind the holder, the joiner behind the contender and "
          "the holder, which waits at its oneshot (%s)" %
          [(d["future"], d["await"], d.get("blocked_behind")) for d in (h, c, j)])
    check(("which is stuck at %s on <tokio::sync::oneshot::Receiver as Future>" % holder_at)
          in j["message"] and ("in turn behind task %d (deadlock::chain_holder)" %
                               ids["chain_holder"]) in j["message"],
          "the joiner's message names the chain and the holder's await (%s)" % j["message"])
check(not undocumented_keys(s), "every key of the summary is in doc/summary.md (missing: %s)"
      % undocumented_keys(s))

# --- lost wake -----------------------------------------------------------------
res = profile(fixture("lost-wake"), "lost-wake")
s = load(res["summary"])
lw = diags(s, "lost_wake")
check(len(lw) == 1 and lw[0]["future"] == "lost_wake::forgetful",
      "a lost_wake for the forgetful task (%s)" % [(d["kind"], d["future"]) for d in s["diagnostics"]])
fg = [t for t in s["tasks"] if t["name"] == "lost_wake::forgetful"]
check([(t["waker_clones"], t["waker_drops"], t["wakes"]) for t in fg] == [(1, 1, 0)],
      "its one waker clone was dropped, never woken (%s)" %
      [(t["waker_clones"], t["waker_drops"], t["wakes"]) for t in fg])
check_trace_file(res["trace"])

# --- clean program ----------------------------------------------------------
res = profile(fixture("ping-pong"), "ping-pong")
s = load(res["summary"])
check(s["diagnostics"] == [], "a clean program has no diagnostics (%s)" %
      [d["message"] for d in s["diagnostics"]])
pp = [t for t in s["tasks"] if t["kind"] == "task"]
check(len(pp) == 2 and all(t["wakes"] >= 1 and t["waker_clones"] == t["wakes"] and
                           t["waker_drops"] == 0 for t in pp),
      "ping-pong: every waker cloned was woken, none dropped (%s)" %
      [(t["name"], t["waker_clones"], t["wakes"], t["waker_drops"]) for t in pp])
done()
