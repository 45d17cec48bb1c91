#!/bin/sh
# Integration: the main job's comparison, shortened, says what it should.
# NAT and FULLNAT stop at the director's NIC whatever the number of real
# servers; DR and TUN keep scaling with them; every run's goodput is within
# 10% of its analytic bound (each run here saturates something: the
# director's NIC, or the real servers' NICs); the summary says so. The
# director's CPU, charged by operation, is dearer in TUN than in DR and in
# FULLNAT than in NAT at each number of servers, and the summary splits it.
. "$(dirname "$0")/support/lvslab.sh"
"$lvslab" run scenarios/compare-modes.lua --set duration=1s --set warmup=500ms --quiet --out "$dir" ||
    { echo "demo_shape: the run failed"; exit 1; }
python3 - "$dir/results.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
by_mode = {}
for r in runs:
    by_mode.setdefault(r["mode"], []).append(r)
problems = []
for mode, rs in by_mode.items():
    rs.sort(key=lambda r: r["sweep"]["servers"])
    good = [r["goodput_mbps"] for r in rs]
    for r in rs:
        b = r["bound"]
        if abs(r["goodput_mbps"] - b["goodput_mbps"]) > 0.10 * b["goodput_mbps"]:
            problems.append("%s servers=%g: %.1f Mbit/s, bound %.1f (%s)" % (
                mode, r["sweep"]["servers"], r["goodput_mbps"], b["goodput_mbps"], b["limited_by"]))
        if r["requests"]["failed"]:
            problems.append("%s servers=%g: %d failed" % (mode, r["sweep"]["servers"], r["requests"]["failed"]))
    if mode in ("nat", "fullnat"):
        if any(r["bound"]["limited_by"] != "director NIC" for r in rs):
            problems.append("%s: not held by the director's NIC" % mode)
        if max(good) > 1.1 * min(good):
            problems.append("%s: goodput moves with the servers: %s" % (mode, good))
    else:
        if any(r["bound"]["limited_by"] != "servers" for r in rs):
            problems.append("%s: not held by the servers" % mode)
        if good[-1] < 5 * good[0]:
            problems.append("%s: does not scale with the servers: %s" % (mode, good))
assert sorted(by_mode) == ["dr", "fullnat", "nat", "tun"], sorted(by_mode)
for (cheap, dear) in (("dr", "tun"), ("nat", "fullnat")):
    for a, b in zip(by_mode[cheap], by_mode[dear]):
        ca, cb = a["director"]["cpu_util"], b["director"]["cpu_util"]
        wa, wb = a["director"]["cpu_work"], b["director"]["cpu_work"]
        if not (ca < cb and wa["ns_per_frame"] < wb["ns_per_frame"]):
            problems.append("servers=%g: director CPU %s %.4f (%.1f ns/frame), %s %.4f (%.1f ns/frame)" % (
                a["sweep"]["servers"], cheap, ca, wa["ns_per_frame"], dear, cb, wb["ns_per_frame"]))
if problems:
    print("demo_shape: " + "\ndemo_shape: ".join(problems))
    sys.exit(1)
PY
grep -q '| Servers supported before the director saturates | 1 | more than the largest tried (still scaling) | more than the largest tried (still scaling) | 1 |' "$dir/summary.md" ||
    { echo "demo_shape: the summary's saturation row is wrong"; grep saturates "$dir/summary.md"; exit 1; }
grep -q '^## Director CPU by operation' "$dir/summary.md" ||
    { echo "demo_shape: the summary does not split the director's CPU"; exit 1; }
echo "demo_shape: ok"
