#!/bin/sh
# iperf3 through the emulated director against the kernel: for each mode,
# one client downloads (-R) for SECS seconds from rs1 of the main scenario
# (1 server, 1 client) through the VIP and lvslab's director on its TAP; the
# kernel figure is the same download from rs1's own address in a DR world,
# through the router namespace and the bridge only (Linux forwarding
# where the director would be). Needs root.
#
# Two arrangements of the 2 cores, each measured in every round:
#   core0      everything on core 0 (iperf3 both ends, lvslab): the kernel
#              forwards inside the sender's softirq at no cost of its own,
#              while the director's two copies through the TAP (read, write)
#              compete with both TCP ends for the one core.
#   director1  the director is its own machine: the iperf3 ends on core 0,
#              the forwarding on core 1. lvslab's director process is pinned
#              to core 1; for the kernel, RPS steers what the router
#              namespace receives (rps_cpus of its eth0 and eth1 = 2) to core
#              1. In both worlds RPS keeps what the endpoints receive (rs1's
#              and client1's eth0, rps_cpus = 1) on core 0, so that neither
#              TCP end runs on the forwarding core.
# Each of REPS rounds (default 3) measures the kernel in both arrangements,
# then every mode in both, and takes each mode's ratio against that round's
# kernel figure of the same arrangement, so that a machine whose speed
# drifts compares neighbours; a line per round, arrangement and mode, then
# the medians (core0 lines have no arrangement=; the long lines are one line
# each here, wrapped):
#   emu iperf round=<r> mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<x/y>
#       kernel_net_rx_cpu1=<f> lvslab_net_rx_cpu1=<f>
#   emu iperf round=<r> arrangement=director1 mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<x/y>
#       kernel_softirq_cpu1=<f> kernel_net_rx_cpu1=<f> lvslab_softirq_cpu1=<f> lvslab_net_rx_cpu1=<f>
#       director_cpus=<list> director_util=<u> director_waited=<w>
#   emu iperf median mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<r> rounds=<n>
#   emu iperf median arrangement=director1 mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<r>
#       kernel_softirq_cpu1=<f> ... director_util=<u> rounds=<n>
# Where the work ran, during the download: softirq_cpu1 is core 1's
# share of both cores' softirq time (/proc/stat), net_rx_cpu1 its share of
# the NET_RX softirqs run (/proc/softirqs), for the kernel's and for lvslab's
# run (in the core0 arrangement core 1 should see next to none);
# director_cpus is the director's affinity (taskset), director_util
# its CPU use in cores (/proc/PID/stat) and director_waited the share of
# the download it spent runnable but waiting for its core, behind other
# processes (/proc/PID/schedstat): the kernel's forwarding, a softirq,
# waits for no process, the director does. The load average is printed
# first and last: figures taken on a loaded machine measure the load.
set -eu
cd "$(dirname "$0")/.."
lvslab=$(realpath "${BUILD:-build}/lvslab")
SECS=${SECS:-3}
REPS=${REPS:-3}
MODES=${MODES:-nat dr tun fullnat}
tag=ip$(( $$ % 100 ))
[ "$(nproc)" -ge 2 ] || { echo "bench/emu_iperf.sh: needs cores 0 and 1 (nproc: $(nproc))" >&2; exit 1; }
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true' EXIT
trap 'exit 1' INT TERM

# rps NS IF MASK: RPS of the interface's receive queue inside the namespace
rps() {
    ip netns exec "lvslab-$tag-$1" sh -c "echo $3 > /sys/class/net/$2/queues/rx-0/rps_cpus"
}

# softirq jiffies of cpu0 and cpu1 (/proc/stat), then their NET_RX counts (/proc/softirqs)
softirq() {
    awk '$1 == "cpu0" || $1 == "cpu1" { printf "%s ", $8 }' /proc/stat
    awk '$1 == "NET_RX:" { printf "%s %s ", $2, $3 }' /proc/softirqs
}

# cpu_ticks PID: the process's user + system clock ticks, then the
# nanoseconds it has waited, runnable, for a CPU (/proc/PID/schedstat)
cpu_ticks() {
    awk '{ printf "%s ", $14 + $15 }' "/proc/$1/stat"
    awk '{ print $2 }' "/proc/$1/schedstat"
}

# gbps MODE ADDR ARRANGEMENT: iperf3 -R from rs1 (its http.server replaced by
# iperf3 on port 80); Gbit/s on stdout, where the work ran in $where
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
    dpid=$(pgrep -f "lvslab emu director .* --tag $tag " | head -n 1)
    [ -n "$dpid" ] || { echo "no director process for tag $tag" >&2; exit 1; }
    if [ "$3" = director1 ]; then
        taskset -a -p -c 1 "$dpid" >/dev/null
        rps router eth0 2; rps router eth1 2; rps rs1 eth0 1; rps client1 eth0 1
    fi
    sleep 0.2
    ip netns exec "lvslab-$tag-rs1" taskset -c 0 iperf3 -s -p 80 -D -1 >/dev/null
    sleep 0.3
    s0=$(softirq); t0=$(cpu_ticks "$dpid"); w0=$(date +%s.%N)
    bps=$(ip netns exec "lvslab-$tag-client1" taskset -c 0 timeout $((SECS + 10)) \
              iperf3 -c "$2" -p 80 -R -t "$SECS" -J | jq '.end.sum_received.bits_per_second')
    s1=$(softirq); t1=$(cpu_ticks "$dpid"); w1=$(date +%s.%N)
    cpus=$(taskset -c -p "$dpid" | sed 's/.*: //')
    "$lvslab" emu down "$tag" >/dev/null
    case $bps in ''|null|0) echo "iperf3 through $2 in $1 mode measured nothing" >&2; exit 1 ;; esac
    echo "$s0 $s1 $t0 $t1 $w0 $w1 $(getconf CLK_TCK) $cpus" | awk '{
        d0 = $5 - $1; d1 = $6 - $2; n0 = $7 - $3; n1 = $8 - $4; secs = $14 - $13
        printf "softirq_cpu1=%.2f net_rx_cpu1=%.2f util=%.2f waited=%.3f cpus=%s\n",
               (d0 + d1) ? d1 / (d0 + d1) : 0, (n0 + n1) ? n1 / (n0 + n1) : 0, ($11 - $9) / $15 / secs,
               ($12 - $10) / 1e9 / secs, $16 }' >"$where"
    echo "$bps" | awk '{ printf "%.3f", $1 / 1e9 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { echo "$1 $2" | awk '{ printf "%.3f", $1 / $2 }'; }
get() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" "$2"; }
rounds=$(mktemp)
where=$(mktemp)
trap 'rm -f "$rounds" "$rounds.m" "$where"; "$lvslab" emu down "$tag" >/dev/null 2>&1 || true' EXIT
echo "emu iperf load_average=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
r=1
while [ "$r" -le "$REPS" ]; do
    kernel=$(gbps dr 10.0.0.11 core0)
    knet=$(get net_rx_cpu1 "$where")
    kernel1=$(gbps dr 10.0.0.11 director1)
    kwhere="kernel_softirq_cpu1=$(get softirq_cpu1 "$where") kernel_net_rx_cpu1=$(get net_rx_cpu1 "$where")"
    for m in $MODES; do
        x=$(gbps "$m" 10.0.0.100 core0)
        echo "emu iperf round=$r mode=$m lvslab_gbps=$x kernel_gbps=$kernel ratio=$(ratio "$x" "$kernel")" \
             "kernel_net_rx_cpu1=$knet lvslab_net_rx_cpu1=$(get net_rx_cpu1 "$where")" | tee -a "$rounds"
        x=$(gbps "$m" 10.0.0.100 director1)
        echo "emu iperf round=$r arrangement=director1 mode=$m lvslab_gbps=$x kernel_gbps=$kernel1" \
             "ratio=$(ratio "$x" "$kernel1") $kwhere lvslab_softirq_cpu1=$(get softirq_cpu1 "$where")" \
             "lvslab_net_rx_cpu1=$(get net_rx_cpu1 "$where") director_cpus=$(get cpus "$where")" \
             "director_util=$(get util "$where") director_waited=$(get waited "$where")" |
            tee -a "$rounds"
    done
    r=$((r + 1))
done
field() { get "$1" "$rounds.m" | median; }
for m in $MODES; do
    grep " mode=$m " "$rounds" | grep -v arrangement= >"$rounds.m" || true
    echo "emu iperf median mode=$m lvslab_gbps=$(field lvslab_gbps) kernel_gbps=$(field kernel_gbps)" \
         "ratio=$(field ratio) rounds=$REPS"
    grep " arrangement=director1 mode=$m " "$rounds" >"$rounds.m" || true
    echo "emu iperf median arrangement=director1 mode=$m lvslab_gbps=$(field lvslab_gbps)" \
         "kernel_gbps=$(field kernel_gbps) ratio=$(field ratio) kernel_softirq_cpu1=$(field kernel_softirq_cpu1)" \
         "kernel_net_rx_cpu1=$(field kernel_net_rx_cpu1) lvslab_softirq_cpu1=$(field lvslab_softirq_cpu1)" \
         "lvslab_net_rx_cpu1=$(field lvslab_net_rx_cpu1) director_util=$(field director_util)" \
         "director_waited=$(field director_waited) rounds=$REPS"
done
echo "emu iperf load_average=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
rm -f "$rounds.m"
