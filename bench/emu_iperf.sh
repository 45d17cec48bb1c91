#!/bin/sh
# iperf3 through the emulated director against the kernel: for each mode,
# one client downloads (-R) for SECS seconds from rs1 of the main scenario
# (1 server, 1 client) through the VIP and lvslab's director on its TAP; the
# kernel figure is the same download from rs1's own address in a DR world,
# through the router namespace and the bridge only (Linux forwarding
# where the director would be). Everything runs on core 0. Needs root.
# Each of REPS rounds (default 3) measures the kernel, then every mode, and
# takes each mode's ratio against that round's kernel figure, so that a
# machine whose speed drifts compares neighbours; a line per round and mode,
# then the medians:
#   emu iperf round=<r> mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<x/y>
#   emu iperf median mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<r> rounds=<n>
set -eu
cd "$(dirname "$0")/.."
lvslab=$(realpath "${BUILD:-build}/lvslab")
SECS=${SECS:-3}
REPS=${REPS:-3}
MODES=${MODES:-nat dr tun fullnat}
tag=ip$(( $$ % 100 ))
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true' EXIT
trap 'exit 1' INT TERM

# gbps MODE ADDR: iperf3 -R from rs1 (its http.server replaced by iperf3 on port 80)
gbps() {
    taskset -c 0 "$lvslab" emu up scenarios/compare-modes.lua --mode "$1" --set servers=1 --set clients=1 \
        --tag "$tag" >/dev/null
    i=0   # python3 may be a pyenv shell shim until it execs: wait for it to serve
    until grep -q 'Serving HTTP' "/run/lvslab/$tag/rs1-http.log" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 50 ] || { echo "rs1's http.server did not start" >&2; exit 1; }
        sleep 0.1
    done
    for p in $(ip netns pids "lvslab-$tag-rs1"); do   # its http.server, not a TUN endpoint
        if [ "$(ps -o comm= -p "$p")" != lvslab ]; then kill "$p"; fi
    done
    sleep 0.2
    ip netns exec "lvslab-$tag-rs1" taskset -c 0 iperf3 -s -p 80 -D -1 >/dev/null
    sleep 0.3
    bps=$(ip netns exec "lvslab-$tag-client1" taskset -c 0 timeout $((SECS + 10)) \
              iperf3 -c "$2" -p 80 -R -t "$SECS" -J | jq '.end.sum_received.bits_per_second')
    "$lvslab" emu down "$tag" >/dev/null
    case $bps in ''|null|0) echo "iperf3 through $2 in $1 mode measured nothing" >&2; exit 1 ;; esac
    echo "$bps" | awk '{ printf "%.3f", $1 / 1e9 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rounds=$(mktemp)
trap 'rm -f "$rounds" "$rounds.m"; "$lvslab" emu down "$tag" >/dev/null 2>&1 || true' EXIT
r=1
while [ "$r" -le "$REPS" ]; do
    kernel=$(gbps dr 10.0.0.11)
    for m in $MODES; do
        x=$(gbps "$m" 10.0.0.100)
        echo "emu iperf round=$r mode=$m lvslab_gbps=$x kernel_gbps=$kernel ratio=$(echo "$x $kernel" |
            awk '{ printf "%.3f", $1 / $2 }')" | tee -a "$rounds"
    done
    r=$((r + 1))
done
for m in $MODES; do
    grep " mode=$m " "$rounds" >"$rounds.m"
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$rounds.m" | median; }
    echo "emu iperf median mode=$m lvslab_gbps=$(field lvslab_gbps) kernel_gbps=$(field kernel_gbps)" \
         "ratio=$(field ratio) rounds=$REPS"
done
rm -f "$rounds.m"
