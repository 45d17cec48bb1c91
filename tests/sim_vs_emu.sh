#!/bin/sh
# Issue 9's fidelity check: scenarios/sim-vs-emu.lua (NAT and DR, rr and
# wrr 3:2:1) simulated with 'lvslab run', then emulated with 'lvslab emu
# run' into the same results.json. In both worlds each real server's
# scheduled connections are exactly what the scheduler's sequence gives for
# that world's total ('lvslab sched'), and the modes rank the same by
# goodput. The pcaps of the emulated director pass scripts/pcap-check.sh.
# Needs root, namespaces and /dev/net/tun: skips (exit 77) without them.
. "$(dirname "$0")/support/lvslab.sh"
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun
tag=s$(( $$ % 1000 ))
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM

"$lvslab" run scenarios/sim-vs-emu.lua --out "$dir/out" --quiet
"$lvslab" emu run scenarios/sim-vs-emu.lua --out "$dir/out" --tag "$tag" --pcap >/dev/null

python3 - "$lvslab" "$dir/out/results.json" <<'PY'
import json, subprocess, sys
lvslab, path = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
weights = {1: [1, 1, 1], 2: [3, 2, 1]}
algo = {1: "rr", 2: "wrr"}

def expected(sched, total):
    args = [lvslab, "sched", algo[sched], "--picks", str(total)]
    for i, w in enumerate(weights[sched]):
        args += ["--rs", f"rs{i + 1}:{w}"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    counts = out.split("summary server picks")[1].split()
    return {counts[i]: int(counts[i + 1]) for i in range(0, len(counts), 2)}

failures = []
goodput = {}
for r in doc["runs"]:
    sched = int(r["sweep"]["sched"])
    label = f'{r["world"]} {r["mode"]} {algo[sched]}'
    if r["requests"]["failed"]:
        failures.append(f'{label}: {r["requests"]["failed"]} failed requests')
    got = {s["name"]: s["conns"] for s in r["servers"]}
    want = expected(sched, sum(got.values()))
    if got != want:
        failures.append(f"{label}: connections per server {got}, the scheduler's sequence gives {want}")
    goodput[(r["world"], sched, r["mode"])] = r["goodput_mbps"]
    print(f'{label}: {sum(got.values())} connections {got}, goodput {r["goodput_mbps"]:.1f} Mbit/s')
for sched in (1, 2):
    order = {w: sorted(("nat", "dr"), key=lambda m: goodput[(w, sched, m)]) for w in ("sim", "emu")}
    if order["sim"] != order["emu"]:
        failures.append(f'{algo[sched]}: modes by goodput, simulated {order["sim"]}, emulated {order["emu"]}')
if len(doc["runs"]) != 8 or doc["lvslab"]["world"] != "sim+emu":
    failures.append(f'expected 8 runs in world sim+emu, got {len(doc["runs"])} in {doc["lvslab"]["world"]}')
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
PY

grep -q '| nat (emu) |' "$dir/out/summary.md" || { echo "summary.md does not show the emulated runs"; exit 1; }
# the director's own addresses: the DIP and the VIP
LVSLAB_ADDRS="10.0.0.2 10.0.0.100" MIN_FRAMES=100 sh scripts/pcap-check.sh "$dir"/out/pcap-emu/*/*/*.pcap >"$dir/pcap-check.txt" 2>&1 ||
    { grep -v 'none flagged' "$dir/pcap-check.txt"; echo "an emulated director's pcap fails scripts/pcap-check.sh"; exit 1; }
echo "sim_vs_emu: ok"
