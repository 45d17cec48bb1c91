#!/bin/sh
# Link delay and loss in the emulated world, where the kernel has no netem:
# `lvslab emu up --shape` puts each delayed link of
# tests/fixtures/scenarios/emu-p2p.lua (delayed=1) on a delay line (two TAPs and
# `lvslab emu delay-line` between them). A ping to the director crosses
# 1 + 10 ms each way, a connection through the VIP to a NAT real server
# 1 + 10 + 5 + 2 ms each way: both round trips must be at least that and
# less than 10 ms more. A 2 MB file comes through the delayed NAT path with
# its sha256; the director's pcaps pass scripts/pcap-check.sh; nothing of
# the delay lines is left after 'emu down'; each delay line draws from the
# run's seed (--set seed) in streams of its own. Then one delay line alone
# between two namespaces with --loss 0.2 loses about 1 - 0.8^2 = 36% of
# 200 pings (bounds 20% and 52%, over 4 standard deviations) and counts
# its losses. Needs root and /dev/net/tun: skips (exit 77) without them.
tag_prefix=d
. "$(dirname "$0")/support/emu_world.sh"

timeout 60 "$lvslab" emu up tests/fixtures/scenarios/emu-p2p.lua --set delayed=1 --set seed=4242 --shape --tag "$tag" \
    --pcap "$tmp/pcap" >"$tmp/up.log"
client() { ip netns exec "lvslab-$tag-client1" "$@"; }
wait_for_http_servers 2
# five delayed links; their root-namespace ends: the router's link to the
# director, both of the director's link to the switch, each server's
[ "$(ip -o link show | grep -c ": ld$tag[0-9]*[ab]:")" -eq 5 ] ||
    { ip -o link show | grep "ld$tag"; echo "not 5 delay-line TAPs in the root namespace"; exit 1; }
# each draws its jitter and loss from the run's seed, in its own link's streams
lines=$(pgrep -af "delay-line ld$tag[0-9]")
[ "$(echo "$lines" | grep -c -- '--seed 4242 ')" -eq 5 ] || { echo "$lines"; echo "not every delay line has the run's seed"; exit 1; }
[ "$(echo "$lines" | sed -n 's/.*--ends \([^ ]*\).*/\1/p' | sort -u | wc -l)" -eq 5 ] ||
    { echo "$lines"; echo "two delay lines draw from the same streams"; exit 1; }

# within [want, want + 10 ms): the smallest of several, ARP settled first
in_range() {   # NAME MEASURED_MS WANT_MS
    awk -v m="$2" -v w="$3" 'BEGIN { exit !(m >= w && m < w + 10) }' ||
        { echo "$1: $2 ms, not within [$3, $3 + 10) ms"; exit 1; }
    echo "$1: $2 ms (the links' delays: $3 ms)"
}
ping_ms=$(client ping -c 6 -i 0.2 -w 10 10.1.0.2 | awk -F'= ' '/^rtt/ { split($2, v, "/"); print v[1] }')
in_range "ping client1 to the director" "${ping_ms:-none}" 22
client curl -sf --max-time 5 -o /dev/null http://10.1.0.100/ || { echo "no answer through the VIP"; exit 1; }
connect_ms=$(for k in 1 2 3 4 5; do
    client curl -sf --max-time 5 -o /dev/null -w '%{time_connect}\n' http://10.1.0.100/
done | sort -n | awk 'NR == 1 { printf "%.3f", $1 * 1000 }')
in_range "TCP connect through the VIP" "${connect_ms:-none}" 36

head -c 2097152 /dev/urandom >"$work/blob.bin"
client curl -sf --max-time 20 -o "$tmp/blob.out" http://10.1.0.100/blob.bin || { echo "the 2 MB fetch failed"; exit 1; }
[ "$(sha256sum <"$tmp/blob.out")" = "$(sha256sum <"$work/blob.bin")" ] || { echo "the 2 MB file came back different"; exit 1; }

"$lvslab" emu down "$tag" >/dev/null
! ip -o link show | grep -q ": ld$tag[0-9]" || { echo "a delay-line TAP is left"; exit 1; }
! pgrep -f "delay-line ld$tag[0-9]" >/dev/null || { echo "a delay line is still running"; exit 1; }
LVSLAB_ADDRS="10.1.0.2 10.1.0.100 10.2.0.1" MIN_FRAMES=5 sh scripts/pcap-check.sh "$tmp"/pcap/*.pcap

# --- loss: one delay line between two namespaces of this test's own ---
a=lvslab-$tag-la b=lvslab-$tag-lb
trap 'kill "$line" 2>/dev/null || true; ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; rm -rf "$tmp"' EXIT
ip netns add "$a"; ip netns add "$b"
"$lvslab" emu delay-line "ld${tag}xa" "ld${tag}xb" --delay 1ms --loss 0.2 >"$tmp/line.out" 2>&1 &
line=$!
i=0
until ip link show "ld${tag}xb" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 50 ] || { cat "$tmp/line.out"; echo "the delay line made no TAPs"; exit 1; }
    sleep 0.1
done
for end in a b; do
    ns=$(eval echo "\$$end")
    ip link set "ld${tag}x$end" netns "$ns"
    ip -n "$ns" link set "ld${tag}x$end" name eth0
    ip -n "$ns" link set eth0 up
done
ip -n "$a" addr add 192.168.77.1/24 dev eth0
ip -n "$b" addr add 192.168.77.2/24 dev eth0
# both neighbours known: a lost ARP request or reply would stall one side's
# pings for a second at a time, and the count would measure that, not loss
mac_of() { ip -n "$1" -o link show eth0 | awk '{ for (i = 1; i < NF; i++) if ($i == "link/ether") print $(i + 1) }'; }
ip -n "$a" neigh add 192.168.77.2 lladdr "$(mac_of "$b")" dev eth0
ip -n "$b" neigh add 192.168.77.1 lladdr "$(mac_of "$a")" dev eth0
received=$(timeout 20 ip netns exec "$a" ping -q -c 200 -i 0.01 -W 1 192.168.77.2 | awk '/received/ { print $4 }')
kill "$line"; wait "$line" || true
cat "$tmp/line.out"
awk -v r="${received:-0}" 'BEGIN { exit !(r >= 96 && r <= 160) }' ||
    { echo "loss 0.2 each way let $received of 200 pings back, not 96-160 (about 128)"; exit 1; }
lost=$(awk -F'lost=' '{ split($2, v, " "); n += v[1] } END { print n + 0 }' "$tmp/line.out")
[ "$lost" -gt 0 ] || { echo "the delay line counted no losses"; exit 1; }
echo "loss 0.2 each way: $received of 200 pings back, $lost frames lost"
echo ok
