#!/bin/sh
# The emulated director with two TAPs, one on a point-to-point link (a bridge
# of two ports: the TAP and the router's veth) and one on the LAN switch's
# bridge (tests/fixtures/scenarios/emu-p2p.lua, NAT, rr): eight requests
# through the VIP all succeed and rr gives each real server four; both
# TAPs' pcaps pass scripts/pcap-check.sh. Needs root and /dev/net/tun:
# skips (exit 77) without them.
tag_prefix=p
. "$(dirname "$0")/support/emu_world.sh"

timeout 30 "$lvslab" emu up tests/fixtures/scenarios/emu-p2p.lua --tag "$tag" --pcap "$tmp/pcap" >"$tmp/up.log"
client() { ip netns exec "lvslab-$tag-client1" "$@"; }
wait_for_http_servers 2
b1=$(wc -l <"$work/rs1-http.log"); b2=$(wc -l <"$work/rs2-http.log")
for k in 1 2 3 4 5 6 7 8; do
    client curl -sf --max-time 3 -o /dev/null http://10.1.0.100/ || { echo "request $k failed"; exit 1; }
done
n1=$(( $(wc -l <"$work/rs1-http.log") - b1 )); n2=$(( $(wc -l <"$work/rs2-http.log") - b2 ))
[ "$n1" -eq 4 ] && [ "$n2" -eq 4 ] || { echo "rr gave rs1=$n1 rs2=$n2, not 4 and 4"; exit 1; }

"$lvslab" emu down "$tag"
trap 'rm -rf "$tmp"' EXIT
[ "$(ls "$tmp"/pcap/*.pcap | wc -l)" -eq 2 ] || { echo "not one pcap per TAP"; exit 1; }
LVSLAB_ADDRS="10.1.0.2 10.1.0.100 10.2.0.1" MIN_FRAMES=5 sh scripts/pcap-check.sh "$tmp"/pcap/*.pcap
echo ok
