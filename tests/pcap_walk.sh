#!/bin/sh
# Integration: the packet walk in the report, from the captures. For each
# mode summary.md follows the first answered connection's SYN from the
# client through the director to a real server, and index.html draws it:
# NAT's director sends it on to a real server's address, TUN's inside an
# outer header to the real server, DR's with the VIP kept and the real
# server's MAC, FULLNAT's from a local address with the client's TOA. Without
# --pcap the report says how to get the walk.
. "$(dirname "$0")/support/lvslab.sh"
"$lvslab" run scenarios/compare-modes.lua --quiet --set servers=1 --set duration=0.02s --set warmup=0.01s \
    --pcap --pcap-frames 1500 --out "$dir/out" || { echo "pcap_walk: the run failed"; exit 1; }
python3 - "$dir/out" <<'PY'
import re, sys
md = open(sys.argv[1] + "/summary.md").read()
walk = md.split("## Packet walk", 1)[1]
modes = {}
for part in re.split(r"\n### ", walk)[1:]:
    name = part.split(" ", 1)[0]
    rows = [[c.strip() for c in l.strip("|").split("|")] for l in part.splitlines() if l.startswith("| SYN") or l.startswith("| first data")]
    modes[name] = rows
assert sorted(modes) == ["dr", "fullnat", "nat", "tun"], sorted(modes)
for mode, rows in modes.items():
    kinds = {r[0] for r in rows}
    assert kinds == {"SYN", "SYN-ACK", "first data"}, (mode, kinds)
    syn = [r for r in rows if r[0] == "SYN"]
    times = [float(r[1]) for r in syn]
    assert times == sorted(times), (mode, "not in time order")
    assert syn[0][2].startswith("client") and syn[0][3] == "out", (mode, syn[0])
    out = [r for r in syn if r[2] == "director-eth0" and r[3] == "out"]
    at_rs = [r for r in syn if r[2].startswith("rs") and r[3] == "in"]
    assert out and at_rs, (mode, syn)
    vip = syn[0][6].split(" > ")[1]
    if mode == "nat":
        assert at_rs[0][6].split(" > ")[1] != vip and at_rs[0][5] == "-", (mode, at_rs[0])
    if mode == "tun":
        assert at_rs[0][5] != "-" and at_rs[0][6].split(" > ")[1] == vip, (mode, at_rs[0])
    if mode == "dr":
        assert at_rs[0][6] == syn[0][6] and at_rs[0][4] != syn[0][4], (mode, at_rs[0])
    if mode == "fullnat":
        client = syn[0][6].split(" > ")[0] + ":" + syn[0][7].split(" > ")[0]
        assert at_rs[0][9] == client and at_rs[0][6].split(" > ")[0] != syn[0][6].split(" > ")[0], (mode, at_rs[0])
html = open(sys.argv[1] + "/index.html").read()
assert html.count("<svg", html.index("<h2>Packet walk</h2>")) == 4, "no sequence diagram per mode"
PY
[ $? -eq 0 ] || { echo "pcap_walk: the walk is wrong"; exit 1; }
"$lvslab" run scenarios/compare-modes.lua --quiet --mode nat --set servers=1 --set duration=0.01s --set warmup=0.01s \
    --out "$dir/nopcap" || { echo "pcap_walk: the run without --pcap failed"; exit 1; }
grep -q 'run with `--pcap`' "$dir/nopcap/summary.md" || { echo "pcap_walk: no hint without --pcap"; exit 1; }
echo "pcap_walk: ok"
