#!/bin/sh
# scenarios/examples/sched-servers.lua, short: sched = {rr, wlc} crossed
# with servers = {30, 120}, in DR and NAT, 40 clients, unequal servers. All
# 8 runs are simulated; the report puts real servers on the x-axis of
# Figure 1 with a series per mode and scheduler, and names every run
# in the per-run charts, and gives every run a chart of its own (its time
# series: shares per server, the connection table per state, checked
# against the counts); with wlc the bound says it cannot bound.
. "$(dirname "$0")/support/lvslab.sh"
fail() { echo "sched_servers: $*"; exit 1; }
out=$dir/out
"$lvslab" run scenarios/examples/sched-servers.lua --set duration=40ms --set warmup=20ms --quiet --out "$out" ||
    fail "the run failed"
python3 - "$out/results.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
runs = d["runs"]
got = [(r["mode"], r["sweep"]["sched"], r["sweep"]["servers"]) for r in runs]
want = [(m, s, n) for m in ("dr", "nat") for s in ("rr", "wlc") for n in (30, 120)]
if got != want:
    sys.exit("sched_servers: runs %s, not %s" % (got, want))
for r in runs:
    if len(r["servers"]) != r["sweep"]["servers"] or not r["requests"]["completed"]:
        sys.exit("sched_servers: %s: %d servers, %s completed" % (r["sweep"], len(r["servers"]), r["requests"]["completed"]))
    if r["sweep"]["sched"] == "wlc" and r["bound"]["goodput_mbps"] is not None:
        sys.exit("sched_servers: wlc on unequal servers was bounded")
    if r["params"]["clients"] != 40:
        sys.exit("sched_servers: params.clients is not 40")
    # per-run time series: each server's share per interval (the servers of
    # servers[], in order; shares of an interval sum to 1), and the
    # connection table per TCP state adding up to active + inactive
    ts = r["timeseries"]
    n = len(ts["t_s"])
    if [s["name"] for s in ts["server_share"]] != [s["name"] for s in r["servers"]]:
        sys.exit("sched_servers: %s: server_share names differ from servers[]" % r["sweep"])
    answered = 0
    for i in range(n):
        got = [s["share"][i] for s in ts["server_share"] if s["share"][i] is not None]
        if got:
            answered += 1
            if abs(sum(got) - 1) > 1e-3:   # results.json rounds each share
                sys.exit("sched_servers: %s: shares at sample %d sum to %g" % (r["sweep"], i, sum(got)))
    if answered < n // 2:
        sys.exit("sched_servers: %s: only %d of %d samples with shares" % (r["sweep"], answered, n))
    states = ts["director_conn_states"]
    if "ESTABLISHED" not in states:
        sys.exit("sched_servers: %s: no ESTABLISHED in %s" % (r["sweep"], sorted(states)))
    for i in range(n):
        total = sum(v[i] for v in states.values())
        if total != ts["director_active_conns"][i] + ts["director_inactive_conns"][i]:
            sys.exit("sched_servers: %s: sample %d: %g entries by state, %g active + %g inactive" % (
                r["sweep"], i, total, ts["director_active_conns"][i], ts["director_inactive_conns"][i]))
PY
html=$out/index.html
for s in 'dr sched=rr' 'dr sched=wlc' 'nat sched=rr' 'nat sched=wlc'; do
    grep -q "<th>$s</th>" "$html" || fail "no comparison column $s"
done
awk '/<figure id="fig1">/,/<\/figure>/' "$html" | grep -q "<text>real servers</text>" ||
    fail "Figure 1 is not against real servers"
for r in 'dr sched=rr servers=30' 'dr sched=rr servers=120' 'dr sched=wlc servers=30' 'dr sched=wlc servers=120' \
         'nat sched=rr servers=30' 'nat sched=rr servers=120' 'nat sched=wlc servers=30' 'nat sched=wlc servers=120'; do
    [ "$(grep -c ">$r<" "$html")" = 3 ] || fail "run $r is not named in each per-run chart"
    grep -q "<summary>Run [0-7]: $r</summary>" "$html" || fail "run $r has no chart of its own"
done
[ "$(grep -c '<details id="run[0-7]" open>' "$html")" = 8 ] || fail "the 8 runs' own charts are not all shown"
grep -q "Servers supported" "$html" || fail "a servers sweep without the servers row"
echo "sched_servers: 8 runs, Figure 1 against real servers with a series per mode and scheduler, every run named"
