#!/bin/sh
# The emulated director on an existing interface (--iface eth0=lan0: libpcap
# on AF_PACKET) instead of a TAP, in a world built here by hand after the
# main scenario (client - router - LAN bridge - director, rs1, rs2; NAT,
# then DR): the director runs in a namespace of its own whose veth end lan0
# it is given, its peer on the bridge with TSO off (what the other end
# sends is not the director's to change). Asserts that bad --iface
# arguments (a name not on a link, a missing interface, no '=', no
# capabilities) fail with messages naming them; that a 10 MB file fetched
# through the VIP has the served file's sha256, in NAT and in DR; that wrk
# through the VIP for 2 s sees no error and both servers take a quarter of
# the requests; that the listing shows the servers as Masq, lan0's frames
# both ways, checksums left partial by Linux senders recognised and no
# frame above the MTU; that with TSO back on at the peer its super-frames
# are dropped, counted and said; that lan0's GRO/TSO/GSO are off while the
# director runs and as they were after; and that its pcaps pass
# scripts/pcap-check.sh. Needs root, namespaces and ethtool: skips (exit 77)
# without them.
set -eu
. "$(dirname "$0")/support/needs.sh"
need_netns
need_tools ethtool
build=${LVSLAB_BUILD:-build}
lvslab=$(realpath "$build/lvslab")
p=lvaf$(( $$ % 1000 ))-            # every namespace made here starts with it
tmp=$(mktemp -d)
pids=""
cleanup() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    for pid in $pids; do timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true; done
    for r in cl rt r1 r2 dr; do ip netns del "$p$r" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
scenario="scenarios/compare-modes.lua --set servers=2 --set clients=1 --tag af"
nsx() { ns=$1; shift; ip netns exec "$p$ns" "$@"; }
. "$(dirname "$0")/support/wrk_spread.sh"

# The world: the router holds the LAN bridge; the director's namespace has
# only lan0, no address (the kernel there must neither answer nor forward).
for r in cl rt r1 r2 dr; do ip netns add "$p$r"; ip -n "$p$r" link set lo up; done
ip link add eth0 netns "${p}cl" type veth peer name eth1 netns "${p}rt"
ip link add eth0 netns "${p}r1" type veth peer name r1 netns "${p}rt"
ip link add eth0 netns "${p}r2" type veth peer name r2 netns "${p}rt"
ip link add lan0 netns "${p}dr" type veth peer name dr netns "${p}rt"
ip -n "${p}rt" link add br0 type bridge
for port in r1 r2 dr; do ip -n "${p}rt" link set "$port" master br0 up; done
nsx rt ethtool -K dr tso off
nsx rt sysctl -qw net.ipv4.ip_forward=1
ip -n "${p}rt" addr add 10.0.0.1/24 dev br0; ip -n "${p}rt" link set br0 up
ip -n "${p}rt" addr add 10.101.0.1/24 dev eth1; ip -n "${p}rt" link set eth1 up
ip -n "${p}cl" addr add 10.101.0.2/24 dev eth0; ip -n "${p}cl" link set eth0 up
ip -n "${p}cl" route add default via 10.101.0.1
nsx dr sysctl -qw net.ipv6.conf.lan0.disable_ipv6=1
ip -n "${p}dr" link set lan0 up
for k in 1 2; do
    ip -n "${p}r$k" addr add "10.0.0.1$k/24" dev eth0; ip -n "${p}r$k" link set eth0 up
done
head -c 10485760 /dev/urandom >"$tmp/big.bin"
want=$(sha256sum <"$tmp/big.bin" | cut -d' ' -f1)
for k in 1 2; do
    (cd "$tmp" && exec ip netns exec "${p}r$k" python3 -m http.server --bind 0.0.0.0 80 >"$tmp/rs$k-http.log" 2>&1) &
    pids="$pids $!"
done

offloads() { nsx dr ethtool -k lan0 | grep -E '^\s*(generic-receive-offload|tx-tcp-segmentation|generic-segmentation-offload):'; }
offloads >"$tmp/offloads.before"

# Bad arguments, each named in its message (and lan0 left as it was).
expect() { # expect RC TEXT ARGS...: the director exits RC and says TEXT
    rc=$1 text=$2; shift 2
    set +e; nsx dr "$@" >"$tmp/bad.out" 2>&1; got=$?; set -e
    [ "$got" -eq "$rc" ] && grep -q -- "$text" "$tmp/bad.out" ||
        { cat "$tmp/bad.out"; echo "expected exit $rc and \"$text\", got exit $got"; exit 1; }
}
# shellcheck disable=SC2086
{
expect 2 'no interface eth9 on a link (its linked interfaces: eth0)' "$lvslab" emu director $scenario --iface eth9=lan0
expect 1 'no interface named nosuch0 in this network namespace' "$lvslab" emu director $scenario --iface eth0=nosuch0
expect 2 'eth0: not IFACE=DEVICE' "$lvslab" emu director $scenario --iface eth0
expect 1 'interface lan0: no permission to read and write its frames (needs CAP_NET_RAW)' \
    setpriv --bounding-set=-net_raw "$lvslab" emu director $scenario --iface eth0=lan0
}

# start_director MODE: lvslab's director on lan0, up once its rules are in
start_director() {
    rm -f "$tmp/ready"
    mkdir -p "$tmp/pcap-$1"
    # shellcheck disable=SC2086
    ip netns exec "${p}dr" "$lvslab" emu director $scenario --mode "$1" --iface eth0=lan0 --pcap "$tmp/pcap-$1" \
        --status "$tmp/status" --ready "$tmp/ready" >"$tmp/director-$1.log" 2>&1 &
    director=$!; pids="$pids $director"
    i=0
    until [ -e "$tmp/ready" ]; do
        i=$((i + 1)); [ $i -lt 50 ] || { cat "$tmp/director-$1.log"; echo "$1: the director did not start"; exit 1; }
        sleep 0.1
    done
}
stop_director() {
    kill "$director"
    timeout 10 tail --pid="$director" -f /dev/null || { echo "the director did not stop"; exit 1; }
    cat "$tmp/director-$1.log"
}
listing() {
    rm -f "$tmp/status"; kill -USR1 "$director"; i=0
    until [ -s "$tmp/status" ]; do
        i=$((i + 1)); [ $i -lt 20 ] || { echo "no listing after SIGUSR1"; exit 1; }
        sleep 0.1
    done
}
# fetch MODE: the 10 MB file through the VIP, unchanged
fetch() {
    i=0   # each python http.server takes a moment to listen: wait until both have answered
    until [ "$(grep -l 'GET / ' "$tmp"/rs*-http.log 2>/dev/null | wc -l)" -eq 2 ]; do
        nsx cl curl -s --max-time 2 -o /dev/null http://10.0.0.100/ || true
        i=$((i + 1)); [ $i -lt 40 ] || { cat "$tmp/director-$1.log"; echo "$1: no answer from both servers"; exit 1; }
        sleep 0.25
    done
    speed=$(nsx cl curl -sf --max-time 30 -o "$tmp/big.out" -w '%{speed_download}' http://10.0.0.100/big.bin) ||
        { cat "$tmp/director-$1.log"; echo "$1: curl of the 10 MB file failed"; exit 1; }
    [ "$(sha256sum <"$tmp/big.out" | cut -d' ' -f1)" = "$want" ] || { echo "$1: the 10 MB file came through changed"; exit 1; }
    echo "$1 curl 10MB: $(( ${speed%.*} / 1000000 )) MB/s"
}

# NAT: the real servers route back through the director.
for k in 1 2; do ip -n "${p}r$k" route add default via 10.0.0.2; done
start_director nat
offloads | grep -q ': on' && { offloads; echo "lan0 has offloads on while the director runs"; exit 1; }
fetch nat
wrk_spread nat "$tmp" "$tmp/director-nat.log" nsx cl
listing
cat "$tmp/status"
for rip in 10.0.0.11 10.0.0.12; do
    grep -q -- "-> $rip:80 *Masq " "$tmp/status" || { echo "nat: $rip is not listed as Masq"; exit 1; }
done
# lan0: frames both ways, Linux's partial checksums seen, none oversize or lost
awk '$1 == "lan0:" { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                     ok = v["rx"] > 1000 && v["tx"] > 1000 && v["rx_partial"] > 0 && v["rx_oversize"] == 0 &&
                          v["rx_errors"] == 0 }
     END { exit !ok }' "$tmp/status" || { echo "nat: lan0's counters are not as expected"; exit 1; }
# With TSO back on at lan0's peer, the real servers' TCP super-frames reach
# lan0 whole: dropped, counted and said, never passed on cut or merged.
nsx rt ethtool -K dr tso on
nsx cl curl -s --max-time 2 -o /dev/null http://10.0.0.100/big.bin || true
nsx rt ethtool -K dr tso off
listing
awk '$1 == "lan0:" { split($5, kv, "="); ok = $5 ~ /^rx_oversize=/ && kv[2] > 0 } END { exit !ok }' "$tmp/status" ||
    { grep lan0: "$tmp/status"; echo "nat: no frame above the MTU counted with TSO on at the peer"; exit 1; }
stop_director nat
grep -q 'interface lan0: dropped a frame of [0-9]* bytes, more than its MTU of 1500 allows' "$tmp/director-nat.log" ||
    { echo "nat: no message for the frame above the MTU"; exit 1; }
offloads | diff "$tmp/offloads.before" - || { echo "lan0's offloads were not restored"; exit 1; }

# DR: the VIP on the real servers' lo, not answering ARP; replies go
# straight to the router.
for k in 1 2; do
    ip -n "${p}r$k" route replace default via 10.0.0.1
    ip -n "${p}r$k" addr add 10.0.0.100/32 dev lo
    for c in all eth0; do
        nsx "r$k" sysctl -qw "net.ipv4.conf.$c.arp_ignore=1" "net.ipv4.conf.$c.arp_announce=2"
    done
done
start_director dr
fetch dr
listing
grep -q -- "-> 10.0.0.11:80 *Route " "$tmp/status" || { echo "dr: 10.0.0.11 is not listed as Route"; exit 1; }
stop_director dr

LVSLAB_ADDRS="10.0.0.2 10.0.0.100" MIN_FRAMES=5 sh scripts/pcap-check.sh "$tmp"/pcap-nat/*.pcap "$tmp"/pcap-dr/*.pcap
echo ok
