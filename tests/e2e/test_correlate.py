#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Two services recorded separately (a TCP client and server on loopback),
put on one timeline: every request has an arrow from the client's
request(id) into the server's handle(id), the clock offset is estimated
from the pairs (same host: about zero) or taken from --offset."""
import json
import os
import socket
import subprocess

from aulib import (AU, SRC, check, check_trace_file, done, fixture, load, need_uftrace,
                   tmpdir)

need_uftrace()
server_bin, client_bin = fixture("tcp-server"), fixture("tcp-client")
REQUESTS = 10
tmp = tmpdir("au-corr-")
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
env = dict(os.environ, ASYNC_UFTRACE=AU)
profile_sh = os.path.join(SRC, "scripts", "profile.sh")
server = subprocess.Popen([profile_sh, "--annotate", "^tcp_server::handle$@arg1/u", server_bin,
                           os.path.join(tmp, "server"), "--", str(port), str(REQUESTS)],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
client = subprocess.run([profile_sh, "--annotate", "^tcp_client::request$@arg2/u", client_bin,
                         os.path.join(tmp, "client"), "--", str(port), str(REQUESTS)],
                        env=env, capture_output=True, text=True, timeout=120)
out, err = server.communicate(timeout=120)
check(client.returncode == 0 and server.returncode == 0, "client and server recorded (%d, %d)" %
      (client.returncode, server.returncode))

spec = "^tcp_client::request$@arg2=^tcp_server::handle$@arg1"
dirs = [os.path.join(tmp, "client.uftrace.data"), os.path.join(tmp, "server.uftrace.data")]


def analyze(name, *extra):
    o = os.path.join(tmp, name)
    p = subprocess.run([AU, "analyze", *dirs, "--correlate", spec, "-o", o + ".json",
                        "-s", o + ".summary.json", "-q", *extra], capture_output=True, text=True)
    check(p.returncode in (0, 1), "analyze %s (exit %d)" % (name, p.returncode))
    return load(o + ".json")["traceEvents"], load(o + ".summary.json"), o + ".json"


ev, s, path = analyze("both")
pids = {e["pid"] for e in ev if e.get("ph") == "M" and e["name"] == "process_name"}
check(len(pids) == 2 and len(s["recordings"]) == 2, "two processes on one timeline")
client_pid = s["recordings"][0]["threads"][0]["tid"]
starts = [e for e in ev if e.get("ph") == "s" and e.get("cat") == "correlate"]
ends = [e for e in ev if e.get("ph") == "f" and e.get("cat") == "correlate"]
check(len(starts) == REQUESTS and len(ends) == REQUESTS,
      "an arrow per request (%d of %d)" % (len(starts), REQUESTS))
check(sorted(e["args"]["value"] for e in starts) == list(range(1, REQUESTS + 1)),
      "arrows carry the request ids 1..%d" % REQUESTS)
check(all(e["pid"] == client_pid for e in starts) and all(e["pid"] != client_pid for e in ends),
      "every arrow goes from the client into the server")
c = s["correlation"]
check(c["pairs"] == REQUESTS and c["offset_source"] == "estimated",
      "the offset is estimated from %d pairs (%s)" % (REQUESTS, c))
check(abs(c["offsets_ns"][1]) < 1e6, "same host: the estimated offset is under 1 ms (%d ns)" %
      c["offsets_ns"][1])
check_trace_file(path)

ev2, s2, path2 = analyze("given", "--offset", "5ms")
check(s2["correlation"]["offsets_ns"] == [0, 5000000] and
      s2["correlation"]["offset_source"] == "given", "--offset 5ms is used as given")
f1 = sorted(e["ts"] for e in ends)
f2 = sorted(e["ts"] for e in ev2 if e.get("ph") == "f" and e.get("cat") == "correlate")
check(all(abs((b - a) - (5000 - c["offsets_ns"][1] / 1000)) < 0.01 for a, b in zip(f1, f2)),
      "the server's events move by the given offset")
check_trace_file(path2)
done()
