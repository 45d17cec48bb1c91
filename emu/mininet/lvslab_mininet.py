#!/usr/bin/python3
"""One run of an lvslab scenario on Mininet: the world `lvslab emu up` would
build (read from `lvslab emu plan`), with LinuxBridge switches and no
controller, lvslab's emulated director on a TAP joined to the switch, real
Linux servers set up for the mode and serving a file with python's
http.server, and the scenario's clients checking through the VIP: curl
fetches the file with the right sha256, wrk runs a bounded time with no
error. Prints what it saw and exits 0 when every check held, 1 when one did
not or the world could not be built, 2 on bad arguments. The network is
stopped in a `finally` (also on SIGINT, SIGTERM, SIGHUP); `mn -c` is never
run. Run with Debian's /usr/bin/python3 (the one with the mininet module),
as root, from anywhere:

  /usr/bin/python3 emu/mininet/lvslab_mininet.py scenarios/compare-modes.lua \\
      --mode dr --set servers=2 --set clients=1 --tag m1 --pcap /tmp/pcap
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

from mininet.log import setLogLevel

from client_checks import (CheckFailed, client_targets, curl_file, director_listing,
                           make_served_file, run_wrk, served_requests)
from mininet_world import MininetWorld, WorldError

HERE = os.path.dirname(os.path.abspath(__file__))


class Interrupted(BaseException):
    """A signal asked the run to stop: unwind through the finally."""


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def on_signal(signum, _frame):
    """The first stop signal unwinds the run; later ones are ignored, so
    that none can cut the unwinding short (`timeout`, for one, sends its
    SIGTERM twice: to the child, then to the child's group; a second
    Interrupted inside run_wrk's finally left wrk running)."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Run one lvslab scenario run on Mininet and check it "
                                            "through the VIP with curl and wrk.")
    p.add_argument("scenario", help="scenario script, as for lvslab emu up")
    p.add_argument("--mode", help="forwarding mode (default: the scenario's first)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario parameter (repeatable)")
    p.add_argument("--tag", default="mn",
                   help="1-4 lower-case letters or digits naming the switches and TAPs (default mn)")
    p.add_argument("--pcap", help="capture the director's TAPs to DIR/NODE-IFACE.pcap")
    p.add_argument("--lvslab", default=os.path.join(HERE, "..", "..", "build", "lvslab"),
                   help="the lvslab command (default: build/lvslab of this tree)")
    p.add_argument("--shape", action="store_true",
                   help="give every link its rate (tc htb), delay, jitter and loss (a delay line), "
                        "as lvslab emu up --shape")
    p.add_argument("--file-mb", type=int, default=10, help="size of the file curl fetches (default 10)")
    p.add_argument("--wrk-seconds", type=int, default=2, help="how long wrk runs (default 2)")
    p.add_argument("--workdir", help="keep served files and logs here (default: a temporary "
                                     "directory, removed at the end)")
    a = p.parse_args(argv)
    if not 1 <= a.file_mb <= 1024:
        p.error("--file-mb %d: give 1 to 1024" % a.file_mb)
    if not 1 <= a.wrk_seconds <= 60:
        p.error("--wrk-seconds %d: give 1 to 60" % a.wrk_seconds)
    if not os.access(a.lvslab, os.X_OK):
        p.error("--lvslab %s: not an executable (build with make, or give its path)" % a.lvslab)
    return a


def load_plan(a):
    """The plan lvslab prints for these arguments, or exit 2 with its error."""
    argv = [a.lvslab, "emu", "plan", a.scenario, "--tag", a.tag]
    if a.mode:
        argv += ["--mode", a.mode]
    for kv in a.set:
        argv += ["--set", kv]
    if a.pcap:
        argv += ["--pcap", a.pcap]
    if a.shape:
        argv.append("--shape")
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(2)
    return json.loads(done.stdout)


def check(world, a):
    """The clients' checks; raises CheckFailed."""
    plan = world.plan
    filename, want = make_served_file(world.workdir, a.file_mb)
    targets = client_targets(plan, world.hosts)
    if not targets:
        raise CheckFailed("the scenario has no client")
    for name, host, url in targets:
        speed, connect_ms = curl_file(name, host, url, world.workdir, filename, want)
        print("curl %s -> %s%s (%d MB): sha256 ok, %.1f MB/s, connected in %.1f ms"
              % (name, url, filename, a.file_mb, speed, connect_ms), flush=True)
    before = served_requests(world)
    requests = run_wrk(targets, a.wrk_seconds)
    for name, n in requests.items():
        print("wrk %s: %d requests in %d s, 0 socket errors, 0 non-2xx" % (name, n, a.wrk_seconds),
              flush=True)
    after = served_requests(world)
    print("served: " + " ".join("%s=%d" % (rs, after[rs] - before[rs]) for rs in sorted(after)), flush=True)
    for director in plan["directors"]:
        print("listing of %s:\n%s" % (director["node"], director_listing(world, director["node"]).rstrip()),
              flush=True)


def main(argv):
    a = parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("lvslab_mininet: needs root (namespaces, bridges, /dev/net/tun)")
    if a.pcap:
        os.makedirs(a.pcap, exist_ok=True)
    plan = load_plan(a)
    setLogLevel("warning")
    workdir = a.workdir or tempfile.mkdtemp(prefix="lvslab-mininet-")
    os.makedirs(workdir, exist_ok=True)
    for sig in STOP_SIGNALS:
        signal.signal(sig, on_signal)
    world = MininetWorld(plan, os.path.abspath(a.lvslab), workdir)
    print("plan: %s (%s) under tag %s: root devices %s" % (plan["scenario"], plan["mode"], plan["tag"],
                                                       " ".join(world.root_names())), flush=True)
    failure = None
    try:
        world.up()
        print("up: host shells: %s" % " ".join(str(p) for p in world.shell_pids()), flush=True)
        print("up: processes: %s" % " ".join("%s=%d" % (w.replace(" ", "-"), p.pid) for w, p in world.procs),
              flush=True)
        check(world, a)
    except (WorldError, CheckFailed) as e:
        failure = str(e)
    except Interrupted as e:
        failure = "interrupted by %s" % e
    finally:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        if failure:
            for what, _ in world.procs:
                if what.endswith("director"):
                    print("--- %s log:\n%s" % (what, world.tail(what)), file=sys.stderr)
        world.stop()
        if not a.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    if failure:
        print("result: FAIL: %s" % failure, flush=True)
        return 1
    print("result: PASS", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
