#!/bin/sh
# VRRP between two emulated directors (scenarios/failover.lua: DR, lan.lua's
# backup_director, keepalived/failover-{master,backup}.conf), over the real
# bridge. The client fetches through the VIP from the master. SIGTERM to
# the master: it sends a priority-0 advert and the backup takes over within
# its skew time (0.61 s). The first director is started again: it preempts
# (priority 150) and becomes master. SIGKILL to it: the backup takes over
# within the master-down interval (3 x 1 s + (256 - 100)/256 s = 3.61 s,
# less up to 1 s since the last advert), its gratuitous ARPs move the
# router's ARP entry for the VIP (the router is the VIP's neighbour on the
# LAN: the client's own entry is the router's) to the backup's MAC, and the
# client's fetches succeed again. The pcaps pass tshark. Prints the
# takeover times. Needs root and /dev/net/tun: skips (exit 77) without them.
tag_prefix=v
. "$(dirname "$0")/support/emu_world.sh"
again=
trap '[ -z "$again" ] || kill -9 "$again" 2>/dev/null; "$lvslab" emu down "$tag" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

timeout 30 "$lvslab" emu up scenarios/failover.lua --set clients=1 --tag "$tag" --pcap "$tmp/pcap" >"$tmp/up.log" 2>&1 ||
    { cat "$tmp/up.log"; echo "emu up failed"; exit 1; }
client() { ip netns exec "lvslab-$tag-client1" "$@"; }
vip_mac() { ip netns exec "lvslab-$tag-router" ip neigh show 10.0.0.100 |
             awk '{ for (f = 1; f < NF; f++) if ($f == "lladdr") print $(f + 1) }'; }
fetch_ok() { client curl -sf --max-time 1 -o /dev/null http://10.0.0.100/; }
now() { date +%s.%N; }
# wait_log FILE PATTERN SECONDS: poll every 50 ms; the time it took, or fail
wait_log() {
    t0=$(now); k=0
    until grep -qs -- "$2" "$1"; do
        k=$((k + 1)); [ $k -lt $(( $3 * 20 )) ] || { echo "no '$2' in $1 within $3 s" >&2; cat "$1" >&2; exit 1; }
        sleep 0.05
    done
    echo "$(now) - $t0" | bc
}
within() { [ "$(echo "$1 <= $2" | bc)" = 1 ]; }

wait_log "$work/director.log" 'VI_1: BACKUP -> MASTER' 10 >/dev/null
i=0
until fetch_ok; do
    i=$((i + 1)); [ $i -lt 40 ] || { echo "no answer through the VIP"; cat "$work/director.log"; exit 1; }
    sleep 0.25
done
grep -q 'VI_1: INIT -> BACKUP' "$work/director2.log" && ! grep -q MASTER "$work/director2.log" ||
    { echo "director2 is not the backup"; cat "$work/director2.log"; exit 1; }
mac1=$(vip_mac)
[ -n "$mac1" ] || { echo "the router has no ARP entry for the VIP"; exit 1; }

# 1. graceful: priority 0, the backup takes over after its skew time
d1=$(director_pid director)
kill -TERM "$d1"
took=$(wait_log "$work/director2.log" 'BACKUP -> MASTER (priority_zero)' 3)
echo "takeover after SIGTERM (priority 0): ${took} s"
within "$took" 1.0 || { echo "takeover after priority 0 took $took s (skew time 0.61 s)"; exit 1; }
i=0
while kill -0 "$d1" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "director did not exit on SIGTERM"; exit 1; }
    sleep 0.1
done
cp "$tmp/pcap/director-eth0.pcap" "$tmp/graceful.pcap"
zero=$(tshark -r "$tmp/graceful.pcap" -Y 'vrrp.prio == 0 && ip.src == 10.0.0.2 && ip.dst == 224.0.0.18' 2>/dev/null | wc -l)
[ "$zero" -ge 1 ] || { echo "no priority-0 advert from the stopped master"; exit 1; }
i=0
until fetch_ok; do
    i=$((i + 1)); [ $i -lt 20 ] || { echo "no answer through the VIP after the graceful takeover"; exit 1; }
    sleep 0.25
done

# 2. the first director again: it preempts
"$lvslab" emu director "$(realpath scenarios/failover.lua)" --set clients=1 --tag "$tag" --node director \
    --pcap "$tmp/pcap" --status "$work/director.status" >"$work/director-again.log" 2>&1 &
again=$!
wait_log "$work/director-again.log" 'VI_1: BACKUP -> MASTER' 10 >/dev/null
wait_log "$work/director2.log" 'MASTER -> BACKUP (higher_priority)' 5 >/dev/null
sleep 1.5    # a few adverts: the backup's master-down timer runs from the last one
mac_master=$(vip_mac)
[ -n "$mac_master" ] || { echo "the router has no ARP entry for the VIP"; exit 1; }

# 3. crash: the backup takes over within the master-down interval
seen=$(grep -c 'BACKUP -> MASTER' "$work/director2.log")
kill -KILL "$again"
again=
t0=$(now); k=0
until [ "$(grep -c 'BACKUP -> MASTER (master_down)' "$work/director2.log")" -gt 0 ] &&
      [ "$(grep -c 'BACKUP -> MASTER' "$work/director2.log")" -gt "$seen" ]; do
    k=$((k + 1)); [ $k -lt 160 ] || { echo "director2 did not take over within 8 s"; cat "$work/director2.log"; exit 1; }
    sleep 0.05
done
took=$(echo "$(now) - $t0" | bc)
echo "takeover after SIGKILL (master down): ${took} s"
within 2.5 "$took" && within "$took" 3.8 ||
    { echo "takeover after SIGKILL took $took s, not within the master-down interval (2.61..3.61 s)"; exit 1; }
i=0
while [ "$(vip_mac)" = "$mac_master" ]; do
    i=$((i + 1)); [ $i -lt 30 ] || { echo "the router's ARP entry for the VIP still names the dead master $mac_master"; ip netns exec "lvslab-$tag-router" ip neigh >&2; cat "$work/director2.log" >&2; exit 1; }
    sleep 0.1
done
mac2=$(vip_mac)
echo "router: 10.0.0.100 at $mac_master (master), then $mac2 (backup)"
i=0
until fetch_ok; do
    i=$((i + 1)); [ $i -lt 20 ] || { echo "no answer through the VIP after the takeover"; exit 1; }
    sleep 0.25
done
ok=0
for n in 1 2 3 4 5; do fetch_ok && ok=$((ok + 1)); done
[ $ok -eq 5 ] || { echo "only $ok of 5 fetches after the takeover"; exit 1; }

"$lvslab" emu down "$tag" >/dev/null
trap 'rm -rf "$tmp"' EXIT
garps=$(tshark -r "$tmp/pcap/director2-eth0.pcap" -Y "arp.isgratuitous && arp.src.proto_ipv4 == 10.0.0.100 && eth.src == $mac2" 2>/dev/null | wc -l)
[ "$garps" -ge 5 ] || { echo "director2 sent $garps gratuitous ARPs for the VIP"; exit 1; }
adverts=$(tshark -r "$tmp/pcap/director2-eth0.pcap" -Y 'vrrp.type == 1 && ip.src == 10.0.0.3' 2>/dev/null | wc -l)
[ "$adverts" -ge 3 ] || { echo "director2 sent $adverts VRRP adverts"; exit 1; }
# the crashed director's capture lost its buffer: the survivor's and the graceful one's are whole
LVSLAB_ADDRS="10.0.0.2 10.0.0.3 10.0.0.100" MIN_FRAMES=5 sh scripts/pcap-check.sh "$tmp/graceful.pcap" "$tmp/pcap/director2-eth0.pcap"
echo ok
