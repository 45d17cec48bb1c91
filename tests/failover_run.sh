#!/bin/sh
# Integration: scenarios/failover.lua, keepalived in a scenario. rs2 dies at
# 4 s and the directors' TCP_CHECKs take it out within keepalived's bound
# (delay_loop + (retry + 1) x connect_timeout + retry x delay_before_retry =
# 5 s); the master director dies at 10 s and the backup becomes master
# within the master-down interval (3 x 1 s + (256 - 100)/256 s) of the last
# advert, which came at most 1 s before the crash; requests complete again
# after the takeover; every pcap passes tshark, VRRP adverts decoded as such.
. "$(dirname "$0")/support/lvslab.sh"
"$lvslab" run scenarios/failover.lua --set users=1 --quiet --pcap --pcap-frames 0 --out "$dir" || { echo "failover_run: the run failed"; exit 1; }
python3 - "$dir/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
ev = [(e["t_s"], e["kind"], e["what"], e["detail"] or "") for e in r["events"]]
def first(kind, what, after=0):
    hits = [t for t, k, w, d in ev if k == kind and w == what and t >= after]
    assert hits, "no %s %s after %g in %s" % (kind, what, after, ev)
    return hits[0]
down = first("rs_down", "rs2")
assert 4.0 < down <= 4.0 + 5.0, ("rs2 out at", down)
master = first("vrrp_master", "director2")
assert 10.0 + 3.609375 - 1.0 <= master <= 10.0 + 3.609375, ("director2 master at", master)
assert first("vrrp_master", "director") < 1.5
assert not [e for e in ev if e[3].startswith("director:") and e[0] > 10.0], "a crashed director reported"
ts = r["timeseries"]
after = [v for t, v in zip(ts["t_s"], ts["requests_per_s"]) if t >= master + 1.0]
assert after and min(after) > 100, ("requests after the takeover", after)
during = [v for t, v in zip(ts["t_s"], ts["requests_per_s"]) if 10.2 <= t < master - 0.2]
assert during and max(during) == 0, ("requests while nobody held the VIP", during)
PY
MIN_FRAMES=1 sh scripts/pcap-check.sh "$dir"/pcap/dr/*.pcap >/dev/null || { echo "failover_run: a pcap fails tshark"; exit 1; }
adverts=$(tshark -r "$dir/pcap/dr/director2-eth0.pcap" -Y 'vrrp.type == 1 && ip.dst == 224.0.0.18' 2>/dev/null | wc -l)
[ "$adverts" -gt 10 ] || { echo "failover_run: only $adverts VRRP adverts decoded"; exit 1; }
echo "failover_run: ok"
