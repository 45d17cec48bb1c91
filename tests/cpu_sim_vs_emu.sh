#!/bin/sh
# Issue 25's check: the director's CPU per packet, simulated with a cost
# profile and emulated, within 15% in each mode. scenarios/cpu-sim-vs-emu.lua
# is simulated with the default profile and emulated into one results.json;
# 'lvslab calibrate --from-emu' adds the emulated director's own I/O per
# packet and per byte (fitted over the modes) to the profile; the
# scenario simulated again with that profile gives, in each mode, the
# emulated director's CPU time per packet within 15%.
# Needs root, namespaces and /dev/net/tun: skips (exit 77) without them.
# Run it alone on the machine (emulation: flock /work/tmp/emu.lock).
. "$(dirname "$0")/support/lvslab.sh"
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun
tag=c$(( $$ % 1000 ))
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM

scenario=scenarios/cpu-sim-vs-emu.lua
"$lvslab" run "$scenario" --out "$dir/both" --quiet
"$lvslab" emu run "$scenario" --out "$dir/both" --tag "$tag" >/dev/null
"$lvslab" calibrate --from-emu "$dir/both/results.json" --base profiles/director-default.conf \
    --out "$dir/emu.conf" >/dev/null
"$lvslab" run "$scenario" --set "profile=$dir/emu.conf" --out "$dir/sim" --quiet

python3 - "$dir/both/results.json" "$dir/sim/results.json" <<'PY'
import json, sys
def per_packet(path, world):
    out = {}
    for r in json.load(open(path))["runs"]:
        d = r["director"]
        if r["world"] == world and d["cpu_util"] is not None and d["pkts_per_s"]:
            out[r["mode"]] = d["cpu_util"] * 1e9 / d["pkts_per_s"]
    return out
emu, sim = per_packet(sys.argv[1], "emu"), per_packet(sys.argv[2], "sim")
failures = []
for mode in ("nat", "tun", "dr", "fullnat"):
    if mode not in emu or mode not in sim:
        failures.append("%s: not measured (emulated %s, simulated %s)" % (mode, emu.get(mode), sim.get(mode)))
        continue
    off = sim[mode] / emu[mode] - 1
    print("%s: emulated %.0f ns a packet, simulated %.0f ns (%+.0f%%)" % (mode, emu[mode], sim[mode], 100 * off))
    if abs(off) > 0.15:
        failures.append("%s: simulated %.0f ns a packet, emulated %.0f: %+.0f%%" % (mode, sim[mode], emu[mode], 100 * off))
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
PY
echo "cpu_sim_vs_emu: ok"
