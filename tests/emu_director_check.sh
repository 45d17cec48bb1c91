#!/bin/sh
# keepalived on the emulated director: the health-check lesson (DR, three
# real servers, TCP_CHECK every second from scenarios/lessons/keepalived/
# check-1.conf) as an emulated world. Once rs2's http.server is killed, the
# director's checker (on lvslab's TCP stack, over the TAP) logs rs2 down
# within 10 s and the SIGUSR1 listing no longer holds 10.0.0.12; wrk
# through the VIP then runs 2 s with no error, over rs1 and rs3 only.
# Needs root and /dev/net/tun: skips (exit 77) without them.
tag_prefix=k
. "$(dirname "$0")/support/emu_world.sh"

timeout 30 "$lvslab" emu up scenarios/lessons/health-check.lua --set clients=1 --tag "$tag" >"$tmp/up.log"
client() { ip netns exec "lvslab-$tag-client1" "$@"; }
i=0
until client curl -sf --max-time 2 -o /dev/null http://10.0.0.100/; do
    i=$((i + 1)); [ $i -lt 20 ] || { echo "no answer through the VIP"; cat "$work/director.log"; exit 1; }
    sleep 0.25
done

listing() { director_listing director; }
# the checkers may have failed before the servers listened: all three back first
i=0
while listing; [ "$(grep -c -- '-> 10.0.0.1[123]:80 *Route' "$work/director.status")" -ne 3 ]; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "the servers are not all in the table"; cat "$work/director.log"; exit 1; }
    sleep 0.2
done

# rs2's http.server, by the pids in its namespace
seen=$(wc -l <"$work/director.log")
for p in $(ip netns pids "lvslab-$tag-rs2"); do kill "$p" 2>/dev/null || true; done
i=0
until tail -n +$((seen + 1)) "$work/director.log" | grep -q 'rs-down.*10\.0\.0\.12'; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "the checker did not take rs2 out"; cat "$work/director.log"; exit 1; }
    sleep 0.1
done
tail -n +$((seen + 1)) "$work/director.log"
listing
! grep -q -- '-> 10.0.0.12:80 *Route' "$work/director.status" || { echo "rs2 still in the table"; exit 1; }

before=$(wc -l <"$work/rs2-http.log")
client timeout 20 taskset -c 0 wrk -t1 -c8 -d2s http://10.0.0.100/ >"$tmp/wrk.txt" 2>&1
cat "$tmp/wrk.txt"
! grep -q -e 'Socket errors' -e 'Non-2xx' "$tmp/wrk.txt" || { echo "wrk saw errors after rs2 was taken out"; exit 1; }
grep -q 'requests in' "$tmp/wrk.txt" || { echo "wrk did not run"; exit 1; }
[ "$(wc -l <"$work/rs2-http.log")" -eq "$before" ] || { echo "rs2 got requests"; exit 1; }
echo ok
