#!/bin/sh
# Integration: lvslab pcap against tshark on captures of all four modes (a
# client, the director, a real server): for each TCP flow of each capture
# the same packets and frame bytes each way, the same duration and the same
# segments that bring nothing new (tshark's retransmission, fast and
# spurious retransmission and out-of-order flags: a hole filled after
# later data is a retransmission the capture never saw first), but for
# the director, whose forwarded copies tshark
# takes for retransmissions); on a TUN real server the flows are the inner ones,
# with the tunnel's endpoints, and on a FULLNAT one the TOA names a client.
# Needs tshark (scripts/deps.sh installs it): skips without it.
. "$(dirname "$0")/support/lvslab.sh"
. "$(dirname "$0")/support/needs.sh"
need_tools tshark python3
"$lvslab" run scenarios/compare-modes.lua --quiet --set servers=2 --set duration=0.05s --set warmup=0.01s \
    --pcap='client1,director,rs1' --pcap-frames 3000 --out "$dir/out" || { echo "pcap_flows: the run failed"; exit 1; }
for mode in nat tun dr fullnat; do
    for f in "$dir/out/pcap/$mode/servers-2"/*.pcap; do
        "$lvslab" pcap --json "$f" >"$f.json" || { echo "pcap_flows: lvslab pcap $f failed"; exit 1; }
        tshark -r "$f" -Y tcp -T fields -E separator=' ' -e ip.src -e tcp.srcport -e ip.dst \
            -e tcp.dstport -e frame.len -e frame.time_epoch -e tcp.analysis.retransmission \
            -e tcp.analysis.fast_retransmission -e tcp.analysis.spurious_retransmission -e tcp.analysis.out_of_order >"$f.tshark" 2>/dev/null ||
            { echo "pcap_flows: tshark $f failed"; exit 1; }
    done
done
python3 - "$dir/out/pcap" <<'PY'
import glob, json, sys
def flows_of_tshark(path):
    flows = {}
    for line in open(path):
        f = line.split()
        src, sport, dst, dport = f[0].split(",")[-1], f[1], f[2].split(",")[-1], f[3]   # the inner IP
        a, b = "%s:%s" % (src, sport), "%s:%s" % (dst, dport)
        key = (a, b) if (a, b) in flows or (b, a) not in flows else (b, a)
        x = flows.setdefault(key, {"pkts": [0, 0], "bytes": [0, 0], "t": [], "retrans": 0})
        side = 0 if key == (a, b) else 1
        x["pkts"][side] += 1
        x["bytes"][side] += int(f[4])
        x["t"].append(float(f[5]))
        x["retrans"] += 1 if len(f) > 6 else 0
    return flows
checked = 0
for path in sorted(glob.glob(sys.argv[1] + "/*/*/*.pcap")):
    ours = {}
    for r in json.load(open(path + ".json"))["flows"]:
        if r["proto"] != "tcp":
            continue
        x = ours.setdefault((r["a"], r["b"]), {"pkts": [0, 0], "bytes": [0, 0], "dur": r["duration_s"], "retrans": 0,
                                                "via": r["via"], "toa": r["toa"]})
        x["pkts"][0] += r["packets_ab"]; x["pkts"][1] += r["packets_ba"]
        x["bytes"][0] += r["bytes_ab"]; x["bytes"][1] += r["bytes_ba"]
        x["retrans"] += r["retransmissions"]
    theirs = flows_of_tshark(path + ".tshark")
    assert set(ours) == set(theirs), (path, sorted(set(ours) ^ set(theirs))[:5])
    for k, t in theirs.items():
        o = ours[k]
        assert o["pkts"] == t["pkts"] and o["bytes"] == t["bytes"], (path, k, o, t)
        assert abs(o["dur"] - (max(t["t"]) - min(t["t"]))) < 2e-6, (path, k, o["dur"], t["t"][0], t["t"][-1])
        # a director's forwarded copy is, to tshark, the same segment again;
        # lvslab pcap counts what came in apart from what went out
        if "director" not in path:
            assert o["retrans"] == t["retrans"], (path, k, "retransmissions", o["retrans"], t["retrans"])
        checked += 1
    if path.endswith("tun/servers-2/rs1-eth0.pcap"):
        assert all(o["via"] and o["via"]["dst"] == "10.0.0.11" for o in ours.values()), (path, "no tunnel")
        assert all(k[0].startswith("10.10") and o["pkts"][0] > 0 for k, o in ours.items()), (path, "no client side")
    if path.endswith("fullnat/servers-2/rs1-eth0.pcap"):
        assert all(o["toa"] and o["toa"].startswith("10.10") for o in ours.values()), (path, "no TOA")
assert checked > 100, checked
print("pcap_flows: %d flows match tshark's" % checked)
PY
