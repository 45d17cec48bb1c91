#!/bin/sh
# VRRP between two emulated directors (scenarios/failover.lua: DR, lan.lua's
# backup_director, keepalived/failover-{master,backup}.conf), over the real
# bridge. The client fetches through the VIP from the master. SIGTERM to
# the master: it sends a priority-0 advert and the backup takes over its
# skew time ((256 - 100)/256 s = 0.61 s) later. The first director is
# started again: it preempts (priority 150) and becomes master. SIGKILL to
# it: the backup takes over the master-down interval (3 x 1 s + 0.61 s =
# 3.61 s) after the last advert it heard, so 2.61 to 3.61 s after the
# crash (adverts come every second); its gratuitous ARPs move the router's
# ARP entry for the VIP (the router is the VIP's neighbour on the LAN: the
# client's own entry is the router's) to the backup's MAC, and the client's
# fetches succeed again. The pcaps pass tshark. The takeover times come
# from the directors' own logs (tests/support/director_log.sh): from the
# stopping master's line, written as it sent priority 0, and from the
# last advert the backup heard, which its takeover line names (the killed
# master logs nothing); each must be the interval above, late by no more
# than $timer_slack. Prints them. Needs root and /dev/net/tun: skips (exit
# 77) without them.
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
. "$(dirname "$0")/support/director_log.sh"
skew=0.609375 master_down=3.609375

wait_log "$work/director.log" 'VI_1: BACKUP -> MASTER' 10
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
wait_log "$work/director2.log" 'VI_1: BACKUP -> MASTER (priority_zero)' 5
wait_log "$work/director.log" 'VI_1: MASTER -> INIT (shutdown)' 5
took=$(seconds_between "$(log_time "$work/director.log" 'VI_1: MASTER -> INIT (shutdown)')" \
                       "$(log_time "$work/director2.log" 'VI_1: BACKUP -> MASTER (priority_zero)')")
echo "takeover after SIGTERM: ${took} s after the priority-0 advert (skew time $skew s)"
on_time "$took" $skew ||
    { cat "$work/director.log" "$work/director2.log"; echo "takeover $took s after priority 0, not its skew time $skew s"; exit 1; }
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
wait_log "$work/director-again.log" 'VI_1: BACKUP -> MASTER' 10
wait_log "$work/director2.log" 'VI_1: MASTER -> BACKUP (higher_priority)' 5
i=0   # its gratuitous ARPs give the router its MAC for the VIP again
until [ "$(vip_mac)" = "$mac1" ]; do
    i=$((i + 1)); [ $i -lt 80 ] || { echo "the router's ARP entry for the VIP is not the restarted master's $mac1"; exit 1; }
    sleep 0.1
done
mac_master=$mac1

# 3. crash: the backup takes over the master-down interval after the last advert
grep 'VI_1:' "$work/director2.log" | tail -n 1 | grep -q 'MASTER -> BACKUP (higher_priority)' ||
    { cat "$work/director2.log"; echo "director2 is not the backup before the crash"; exit 1; }
kill -KILL "$again"
again=
wait_log "$work/director2.log" 'VI_1: BACKUP -> MASTER (master_down)' 8
set -- $(last_advert "$work/director2.log")
[ "${1:-}" = 10.0.0.2 ] || { cat "$work/director2.log"; echo "director2's takeover names no last advert from 10.0.0.2"; exit 1; }
preempted=$(log_time "$work/director-again.log" 'VI_1: BACKUP -> MASTER')
[ "$(seconds_between "$preempted" "$2" | cut -c1)" != - ] ||
    { echo "the last advert director2 heard ($2) is older than the restarted master ($preempted)"; exit 1; }
took=$(seconds_between "$2" "$(log_time "$work/director2.log" 'VI_1: BACKUP -> MASTER (master_down)')")
echo "takeover after SIGKILL: ${took} s after the last advert (master-down interval $master_down s)"
on_time "$took" $master_down ||
    { cat "$work/director2.log"; echo "takeover $took s after the last advert, not the master-down interval $master_down s"; exit 1; }
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
