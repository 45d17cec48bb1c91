#!/bin/sh
# lvslab emu up/down: one run of the main scenario (TUN mode, 2 servers) as
# namespaces and bridges: a client reaches a real server's HTTP server
# through the router and the LAN bridge, the real server holds the VIP on the
# userspace tunnel device, the director's TAP is a port of the LAN bridge,
# and 'emu down' leaves nothing behind (the TAP included). Needs root,
# namespaces and /dev/net/tun: skips (exit 77) without them.
set -eu
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun
build=${LVSLAB_BUILD:-build}
lvslab=$(realpath "$build/lvslab")
tag=t$(( $$ % 1000 ))
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true' EXIT

"$lvslab" emu up scenarios/compare-modes.lua --mode tun --set servers=2 --tag "$tag"

ns() { echo "lvslab-$tag-$1"; }
i=0   # python's http.server takes a moment to listen
until ip netns exec "$(ns client1)" curl -sf --max-time 2 -o /dev/null http://10.0.0.12/; do
    i=$((i + 1)); [ $i -lt 20 ] || { echo "client1 cannot fetch from rs2"; exit 1; }
    sleep 0.25
done
ip -o link show master "lb${tag}1" | grep -q ": lt${tag}[0-9]*:" ||
    { echo "the director's TAP is not on the LAN bridge"; exit 1; }
ip -n "$(ns rs1)" addr show dev tunl-lvs | grep -q "10.0.0.100/32" ||
    { echo "rs1 has no VIP on its tunnel device"; exit 1; }

"$lvslab" emu down "$tag"
trap - EXIT
left=$(ip netns list | grep -c "lvslab-$tag-" || true)
[ "$left" -eq 0 ] || { echo "$left namespaces left behind"; exit 1; }
! ip link show "lb${tag}1" >/dev/null 2>&1 || { echo "bridge left behind"; exit 1; }
! ip -o link show | grep -q ": lt${tag}[0-9]*:" || { echo "the director's TAP left behind"; exit 1; }
[ ! -e "/run/lvslab/$tag.state" ] || { echo "state file left behind"; exit 1; }
echo ok
