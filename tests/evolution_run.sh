#!/bin/sh
# Integration: scenarios/evolution.lua, the HA growth stages side by side
# (short runs): every stage completes requests through the proxies, the
# bound names each stage's limit (stage 1 the one active proxy's CPU, stage
# 2 the FULLNAT director's NIC, stage 3 the DR director's CPU, stage 4, three
# directors behind ECMP, the back-end servers) and the measured capacity is
# within 5% of it, stages 2 to 4 spread over both proxies (stage 2's px1 by
# IPVS's local-node delivery), capacity grows stage by stage, and the pcaps
# of the proxy runs (stages 2 and 3) pass tshark. Then the failover after
# the measured window (after=): stages 1 to 3 are down for VRRP's takeover
# and no more, stage 3 loses no request (synced), stage 2's backup has
# taken the dead proxy out of its pool by then and the connections through
# the dead node are asked again, stage 4 never stops and keeps its
# capacity. Then at(t, "stop"|"start",
# node, app) on a back end behind a proxy: logged, the proxy counts the
# refusal, takes the server out (max_fails) and requests keep completing.
. "$(dirname "$0")/support/lvslab.sh"
"$lvslab" run scenarios/evolution.lua --set duration=1s --set warmup=1200ms --set users=16 --set after=0 --quiet \
    --out "$dir" || { echo "evolution_run: the run failed"; exit 1; }
python3 - "$dir/results.json" <<'PY'
import json, sys
runs = {r["sweep"]["stage"]: r for r in json.load(open(sys.argv[1]))["runs"]}
assert sorted(runs) == [1, 2, 3, 4], runs.keys()
want = {1: "proxy CPU", 2: "director NIC", 3: "director CPU", 4: "servers"}
for stage, r in runs.items():
    assert r["requests"]["completed"] > 1000, (stage, r["requests"])
    assert r["requests"]["failed"] == 0, (stage, r["requests"])
    assert r["bound"]["limited_by"] == want[stage], (stage, r["bound"])
    assert abs(r["goodput_mbps"] / r["bound"]["goodput_mbps"] - 1) < 0.05, (stage, r["goodput_mbps"], r["bound"])
    px = {p["name"]: p for p in r["proxies"]}
    assert sum(p["responses"] for p in px.values()) >= r["requests"]["completed"], (stage, px)
    assert all(p["bad_gateway"] == 0 for p in px.values()), (stage, px)
assert runs[1]["proxies"][1]["requests"] == 0, "stage 1: the backup's proxy idles"
for stage in (2, 3, 4):
    assert all(p["requests"] > 1000 for p in runs[stage]["proxies"]), (stage, runs[stage]["proxies"])
rps = [runs[s]["requests_per_s"] for s in (1, 2, 3, 4)]
assert rps[0] < rps[1] < rps[2] < rps[3], rps
assert rps[3] > 1.1 * rps[2], ("stage 4's directors are not the limit", rps)
assert runs[2]["director"]["nic_util"] > 0.9, runs[2]["director"]
PY
[ $? -eq 0 ] || { echo "evolution_run: wrong results"; exit 1; }
"$lvslab" run scenarios/evolution.lua --set stage=3 --set duration=200ms --set warmup=50ms --set users=2 --quiet \
    --pcap --out "$dir/pcap-run" || { echo "evolution_run: the pcap run failed"; exit 1; }
MIN_FRAMES=1 sh scripts/pcap-check.sh "$dir"/pcap-run/pcap/dr/stage-3/*.pcap >/dev/null ||
    { echo "evolution_run: a pcap fails tshark"; exit 1; }
"$lvslab" run scenarios/evolution.lua --set stage=2 --set duration=200ms --set warmup=300ms --set users=2 --quiet \
    --pcap --out "$dir/pcap-run2" || { echo "evolution_run: the stage 2 pcap run failed"; exit 1; }
MIN_FRAMES=1 sh scripts/pcap-check.sh "$dir"/pcap-run2/pcap/dr/stage-2/*.pcap >/dev/null ||
    { echo "evolution_run: a stage 2 pcap fails tshark"; exit 1; }
# FULLNAT: px2 sees the requests from px1's address (its local address), the VIP nowhere
fnat=$(tshark -r "$dir/pcap-run2/pcap/dr/stage-2/px2-eth0.pcap" -Y 'ip.src == 10.0.0.21 && tcp.dstport == 80 && http.request' 2>/dev/null | wc -l)
vip=$(tshark -r "$dir/pcap-run2/pcap/dr/stage-2/px2-eth0.pcap" -Y 'ip.addr == 10.0.0.100 && tcp' 2>/dev/null | wc -l)
[ "$fnat" -gt 10 ] && [ "$vip" -eq 0 ] ||
    { echo "evolution_run: px2 saw $fnat requests from px1's local address, $vip frames of the VIP"; exit 1; }
xff=$(tshark -r "$dir/pcap-run/pcap/dr/stage-3/rs1-eth0.pcap" -Y 'http.x_forwarded_for == "10.101.0.2"' 2>/dev/null | wc -l)
[ "$xff" -gt 10 ] || { echo "evolution_run: only $xff requests with X-Forwarded-For at rs1"; exit 1; }

"$lvslab" run scenarios/evolution.lua --set duration=500ms --set warmup=1200ms --set after=1500ms --quiet \
    --out "$dir/failover" || { echo "evolution_run: the failover run failed"; exit 1; }
python3 - "$dir/failover/results.json" <<'PY'
import json, sys
runs = {r["sweep"]["stage"]: r for r in json.load(open(sys.argv[1]))["runs"]}
a = {s: r["after"] for s, r in runs.items()}
for s in (1, 2, 3):    # VRRPv3 at 200 ms: 3 adverts and the skew, then the clients' retransmissions
    assert 0.6 < a[s]["outage_s"] < 1.2, (s, a[s])
    assert a[s]["completed"] > 1000 and a[s]["failed"] == 0, (s, a[s])
assert a[1]["retries"] > 0, ("stage 1: the dead proxy's requests are asked again", a[1])
assert a[3]["retries"] == 0, ("stage 3: synced connections carry on through director2", a[3])
assert a[2]["retries"] > 0, ("stage 2: FULLNAT connections are not synced, those through px1 are asked again", a[2])
ev2 = {(e["kind"], e["what"]): e["t_s"] for e in runs[2]["events"]}
crash = ev2[("director_crash", "px1")]
# VRRP: 3 x 0.2 s and the skew after the last advert; px2's checkers (every 200 ms after the last
# ended, 200 ms to connect, one retry 200 ms later) take px1 out at most 4 x 0.2 s after the last
# check that passed, plus its round trip
assert ev2[("vrrp_master", "px2")] - crash < 0.8 and ev2[("rs_down", "px1")] - crash < 0.85, ev2
px2 = [p for p in runs[2]["proxies"] if p["name"] == "px2"][0]
assert px2["bad_gateway"] == 0, px2
assert a[4]["outage_s"] < 0.01 and a[4]["failed"] == 0 and a[4]["retries"] == 0, a[4]
assert a[4]["requests_per_s"] > 0.9 * runs[4]["requests_per_s"], (a[4], runs[4]["requests_per_s"])
kinds = [(e["kind"], e["what"]) for e in runs[4]["events"]]
assert ("director_crash", "d3") in kinds and ("route", "router") in kinds, kinds
PY
[ $? -eq 0 ] || { echo "evolution_run: failover results wrong"; exit 1; }
for want in "dr stage=1 | .* | proxy CPU | 1.5 |" "dr stage=2 | .* | director NIC | 1.5 |" \
            "dr stage=3 | .* | director CPU | 1.5 |" "dr stage=4 | .* | servers | 1.5 |"; do
    grep -q "^| $want" "$dir/failover/summary.md" ||
        { echo "evolution_run: summary.md's capacity and failover table lacks '$want'"; exit 1; }
done
grep -q ">(director CPU)</text>" "$dir/failover/index.html" ||
    { echo "evolution_run: the capacity chart does not name stage 3's limit under it"; exit 1; }
for fig in stage-capacity stage-failover; do
    python3 -c "import sys; s = open(sys.argv[1]).read(); i = s.index('id=\"' + sys.argv[2] + '\"'); \
assert s.index('<svg', i) < s.index('</figure>', i)" "$dir/failover/index.html" "$fig" ||
        { echo "evolution_run: index.html lacks the $fig chart"; exit 1; }
done

cat > "$dir/stop.lua" <<'LUA'
scenario { name = "stop-start", duration = "2s", warmup = "0s", modes = { "nat" } }
function build(run)
  host("c"); host("px"); host("s1"); host("s2"); switch("sw")
  addr("c", link("c", "sw"), "10.0.0.1/24")
  addr("px", link("px", "sw"), "10.0.0.2/24")
  addr("s1", link("s1", "sw"), "10.0.0.11/24")
  addr("s2", link("s2", "sw"), "10.0.0.12/24")
  serve("s1", { kind = "http", port = 8080 })
  serve("s2", { kind = "http", port = 8080 })
  serve("px", { kind = "proxy", port = 80, upstream = { "10.0.0.11:8080", "10.0.0.12:8080" }, fail_timeout = "1s" })
  load("web", { from = { "c" }, to = "10.0.0.2:80", users = 4, keepalive = true, think = "1ms", retries = 0 })
  at("500ms", "stop", "s1", "http")
  at("1500ms", "start", "s1", "http")
end
LUA
"$lvslab" run "$dir/stop.lua" --quiet --out "$dir/stop" || { echo "evolution_run: the stop/start run failed"; exit 1; }
python3 - "$dir/stop/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
kinds = [(e["kind"], e["what"]) for e in r["events"]]
assert ("app_stop", "s1 http:8080") in kinds and ("app_start", "s1 http:8080") in kinds, kinds
p = r["proxies"][0]
assert p["upstream_errors"] >= 1, p
s1 = [u for u in p["upstreams"] if u["addr"] == "10.0.0.11:8080"][0]
assert s1["failures"] >= 1, p
assert r["requests"]["completed"] > 1000, r["requests"]
ts = r["timeseries"]
late = [v for t, v in zip(ts["t_s"], ts["requests_per_s"]) if 0.7 <= t < 1.4]
assert late and min(late) > 0, ("requests while s1 was stopped", late)
PY
[ $? -eq 0 ] || { echo "evolution_run: stop/start results wrong"; exit 1; }
echo "evolution_run: ok"
