#!/bin/sh
# Integration: each lesson under scenarios/lessons/ shows its effect, with
# the Markdown lesson in the report.
#   dr-arp       without the ARP fix one real server takes every request and
#                the director sees nothing; with it the three share evenly
#   tun-pmtu     large requests through TUN fail when ICMP frag-needed is dropped
#   nat-gateway  without the director as gateway every request fails
#   nat-redirects  a one-armed NAT director's ICMP redirects send the servers'
#                replies around it: requests collapse, the clients see the
#                real servers' addresses; send_redirects=0 completes them all
#   megaproxy    persistence pins one proxy's users to one server of four
#   drain        weight 0 lets rs1's downloads finish; deletion fails them
#   fullnat-toa  NAT servers see the clients' addresses; FULLNAT's see one, and
#                the clients' in TOA
#   schedulers   rr's tail latency is several times wlc's and sed's with a slow server
#   health-check rs2 is taken out within keepalived's bound for each
#                delay_loop; delay_loop 1 follows the flaps, 6 loses the most
#   packets-not-bytes  small requests saturate the director's CPU in every
#                mode, large downloads do not (the NIC or the servers stop
#                them); FULLNAT saturates first, then NAT, TUN, DR; a core's
#                packets per second hardly depend on the packets' size
#   nat-pair     a NAT pair whose master dies: with the servers' gateway
#                floating (VRRP, in a sync group with the VIP) every download
#                survives on the synced backup; with the master's own address
#                as gateway every one fails
#   ecmp-rehash  three ECMP directors, one withdrawn: about half the
#                downloads move to a director without their connection; with
#                sh and rotated server lists each of those is reset, with mh
#                none is; with connection sync among the directors (sync=1)
#                none is with either
#   failover-sync  (tests/keepalived_run.sh)
. "$(dirname "$0")/support/lvslab.sh"
. "$(dirname "$0")/support/needs.sh"
need_tools tshark capinfos
fail() { echo "lessons: $*"; exit 1; }
for lesson in dr-arp tun-pmtu nat-gateway fullnat-toa megaproxy drain schedulers health-check packets-not-bytes nat-redirects nat-pair ecmp-rehash; do
    "$lvslab" run "scenarios/lessons/$lesson.lua" --quiet --out "$dir/$lesson" || fail "$lesson: the run failed"
    grep -q '^## What this shows' "$dir/$lesson/summary.md" || fail "$lesson: no lesson in summary.md"
    grep -q '<h2>What this shows</h2>' "$dir/$lesson/index.html" || fail "$lesson: no lesson in index.html"
done
"$lvslab" run scenarios/lessons/ecmp-rehash.lua --quiet --set sync=1 --out "$dir/ecmp-sync" ||
    fail "ecmp-rehash sync=1: the run failed"
python3 - "$dir" <<'PY' || fail "a lesson does not show its effect"
import json, sys
def runs(name, param):
    return {r["sweep"][param]: r for r in json.load(open("%s/%s/results.json" % (sys.argv[1], name)))["runs"]}
def reqs(r):
    return [s["requests"] for s in r["servers"]]

arp = runs("dr-arp", "arp_fix")
assert sorted(reqs(arp[0]))[:2] == [0, 0] and arp[0]["director"]["pkts_per_s"] == 0, arp[0]["servers"]
assert min(reqs(arp[1])) > 0.3 * sum(reqs(arp[1])) and arp[1]["director"]["pkts_per_s"] > 1000

pm = runs("tun-pmtu", "blocked")
assert pm[0]["requests"]["completed"] > 1000 and pm[0]["requests"]["failed"] == 0, pm[0]["requests"]
assert pm[1]["requests"]["completed"] == 0 and pm[1]["requests"]["failed"] > 0, pm[1]["requests"]

gw = runs("nat-gateway", "gateway")
assert gw[0]["requests"]["completed"] == 0 and gw[0]["requests"]["failed"] > 0, gw[0]["requests"]
assert gw[1]["requests"]["completed"] > 1000 and gw[1]["requests"]["failed"] == 0, gw[1]["requests"]

rd = runs("nat-redirects", "redirects")
assert rd[0]["requests"]["completed"] > 10000 and rd[0]["requests"]["failed"] == 0, rd[0]["requests"]
assert rd[1]["requests"]["completed"] < 0.1 * rd[0]["requests"]["completed"], rd[1]["requests"]

toa = {r["mode"]: r["servers"][0] for r in json.load(open(sys.argv[1] + "/fullnat-toa/results.json"))["runs"]}
assert (toa["nat"]["client_addrs"], toa["nat"]["toa_addrs"]) == (4, 0), toa["nat"]
assert (toa["fullnat"]["client_addrs"], toa["fullnat"]["toa_addrs"]) == (1, 4), toa["fullnat"]

mp = runs("megaproxy", "persistent")
assert mp[0]["jain"] > 0.95, mp[0]["jain"]
assert sorted(reqs(mp[1]))[:3] == [0, 0, 0] and abs(mp[1]["jain"] - 0.25) < 1e-6, mp[1]["servers"]

dr = runs("drain", "action")
assert dr[0]["requests"] == {"completed": 4, "failed": 0, "in_flight": 0}, dr[0]["requests"]
assert dr[1]["requests"] == {"completed": 2, "failed": 2, "in_flight": 0}, dr[1]["requests"]
assert [e["kind"] for e in dr[1]["events"]] == ["ipvsadm"], dr[1]["events"]

sc = runs("schedulers", "sched")
p99 = {k: r["latency_ms"]["p99"] for k, r in sc.items()}
assert p99[1] > 3 * p99[2] and p99[1] > 3 * p99[3], p99
assert reqs(sc[2])[2] < reqs(sc[2])[0] and reqs(sc[3])[2] < reqs(sc[2])[2], [reqs(r) for r in sc.values()]

hc = runs("health-check", "delay_loop")
for dl, r in hc.items():
    down = [e["t_s"] for e in r["events"] if e["kind"] == "rs_down"]
    assert down and 4.0 < down[0] <= 4.0 + dl + 2 * 1 + 1, (dl, down)
assert len([e for e in hc[1]["events"] if e["kind"] == "rs_down"]) == 3, hc[1]["events"]
assert hc[6]["requests"]["completed"] < hc[1]["requests"]["completed"]

pnb = {(r["mode"], r["sweep"]["large"]): r for r in json.load(open(sys.argv[1] + "/packets-not-bytes/results.json"))["runs"]}
for m in ("nat", "tun", "dr", "fullnat"):
    small, large = pnb[(m, 0)], pnb[(m, 1)]
    ws, wl = small["director"]["cpu_work"], large["director"]["cpu_work"]
    assert small["director"]["cpu_util"] >= 0.95 and large["director"]["cpu_util"] < 0.9, (m, small["director"], large["director"])
    assert small["goodput_mbps"] < 0.4 * large["goodput_mbps"], (m, small["goodput_mbps"], large["goodput_mbps"])
    assert large["bound"]["limited_by"] != "director CPU", (m, large["bound"])
    assert wl["ns_per_frame_by_op"]["frame_byte"] < 0.05 * wl["ns_per_frame"], (m, wl)
    assert abs(ws["pkts_per_s_per_core"] / wl["pkts_per_s_per_core"] - 1) < 0.15, (m, ws, wl)
rps = [pnb[(m, 0)]["requests_per_s"] for m in ("fullnat", "nat", "tun", "dr")]
assert rps == sorted(rps) and len(set(rps)) == 4, rps

np = runs("nat-pair", "floating")
assert np[1]["requests"] == {"completed": 2, "failed": 0, "in_flight": 0}, np[1]["requests"]
assert np[0]["requests"] == {"completed": 0, "failed": 2, "in_flight": 0}, np[0]["requests"]
for r in np.values():
    took = sorted((e["t_s"], e["detail"]) for e in r["events"] if e["kind"] == "vrrp_master" and e["what"] == "director2")
    assert len(took) == 2 and took[0][0] == took[1][0] and 2.0 < took[0][0] <= 2.0 + 3.609375, took
    assert any("VI_INT" in d and "sync_group" in d for _, d in took), took

ec = runs("ecmp-rehash", "mh")
assert ec[1]["requests"] == {"completed": 32, "failed": 0, "in_flight": 0}, ec[1]["requests"]
assert ec[0]["requests"]["failed"] >= 8 and ec[0]["requests"]["completed"] + ec[0]["requests"]["failed"] == 32 and ec[0]["requests"]["in_flight"] == 0, ec[0]["requests"]
assert [e["kind"] for e in ec[0]["events"]] == ["route"], ec[0]["events"]
for r in runs("ecmp-sync", "mh").values():
    assert r["requests"] == {"completed": 32, "failed": 0, "in_flight": 0}, r["requests"]
PY

# the redirect lesson on the wire: the redirects decode (gateway the
# router), every frame passes tshark, and the client sees the real servers'
# own addresses
"$lvslab" run scenarios/lessons/nat-redirects.lua --quiet --set redirects=1 --pcap --out "$dir/nr-pcap" ||
    fail "nat-redirects: the pcap run failed"
pc="$dir/nr-pcap/pcap/nat/redirects-1"
n=$(tshark -r "$pc/rs1-eth0.pcap" -Y 'icmp.type == 5 && icmp.code == 1 && icmp.redir_gw == 10.0.0.1 && ip.src == 10.0.0.2' | wc -l)
[ "$n" -gt 0 ] || fail "nat-redirects: no host redirect to the router in rs1's pcap"
n=$(tshark -r "$pc/client1-eth0.pcap" -Y 'ip.src == 10.0.0.11 || ip.src == 10.0.0.12' | wc -l)
[ "$n" -gt 0 ] || fail "nat-redirects: no reply from a real server's own address reached client1"
sh scripts/pcap-check.sh "$pc"/*.pcap >"$dir/nr-check.txt" || { cat "$dir/nr-check.txt"; fail "nat-redirects: a pcap fails tshark"; }
echo "lessons: ok"
