#!/bin/sh
# lvslab emu up: a multipath route of the scenario (route{via = {...},
# hash = "l4"}) is the router namespace's `ip route ... nexthop via A
# nexthop via B` with net.ipv4.fib_multipath_hash_policy 1, and emu down
# leaves nothing behind. Needs root, namespaces and /dev/net/tun: skips
# (exit 77) without them. Run it under flock /work/tmp/emu.lock.
set -eu
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun
build=${LVSLAB_BUILD:-build}
lvslab=$(realpath "$build/lvslab")
tag=e$(( $$ % 1000 ))
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true' EXIT

"$lvslab" emu up tests/fixtures/scenarios/ecmp-route.lua --tag "$tag" >/dev/null
ns="lvslab-$tag-router"
routes=$(ip -n "$ns" route show 10.9.0.0/24)
echo "$routes" | grep -q "nexthop via 10.0.0.11 " && echo "$routes" | grep -q "nexthop via 10.0.0.12 " ||
    { echo "emu_ecmp_route: the router's route is not multipath: $routes"; exit 1; }
policy=$(ip netns exec "$ns" sysctl -n net.ipv4.fib_multipath_hash_policy)
[ "$policy" = 1 ] || { echo "emu_ecmp_route: fib_multipath_hash_policy is $policy, not 1"; exit 1; }

"$lvslab" emu down "$tag" >/dev/null
trap - EXIT
left=$(ip netns list | grep -c "lvslab-$tag-" || true)
[ "$left" -eq 0 ] || { echo "emu_ecmp_route: $left namespaces left behind"; exit 1; }
echo "emu_ecmp_route: ok"
