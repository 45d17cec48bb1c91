#!/bin/sh
# iperf3 through the emulated director against the kernel: for each mode,
# one client downloads (-R) for SECS seconds from rs1 of the main scenario
# (1 server, 1 client) through the VIP and lvslab's director on its TAP; the
# kernel figure is the same download from rs1's own address in a DR world,
# through the router namespace and the bridge only (Linux forwarding
# where the director would be). Needs root.
#
# The Linux twin (modes nat and fullnat only; dr and tun have none): Linux
# doing the director's job at the director's place, the like-for-like
# baseline. The same world as lvslab's is built (`emu up --mode M`), its
# director process stopped (its TAP goes with it), and a namespace,
# lvslab-TAG-lnx, put where it was: a veth with one end on the bridge the
# director's TAP joined (the plan's director_port), the other, eth0, in the
# namespace with the director's MAC (read from the router's neighbour
# cache), its LAN address (the plan's, same prefix), the VIP as a /32 (as
# lvslab's director holds it), a default route via the router,
# ip_forward=1 and send_redirects=0 (a one-armed director, as
# topologies/lan.lua makes lvslab's), and nftables doing what LVS does:
# DNAT VIP:80 -> rs1:80 (nat: rs1's default route is the director's
# address, checked), plus for fullnat SNAT of that connection to the
# director's local address (its LAN address, topologies/lan.lua's laddrs).
# The frames are the same as through lvslab's director and cross the LAN
# bridge twice as they do there; only the forwarding is Linux's (a softirq
# in the namespace) instead of lvslab's (a process behind a TAP). Each twin
# run checks that the download passed the namespace: the DNAT rule (and the
# SNAT rule) counted packets and the forward chain's counter of rs1's
# replies at least the bytes iperf3 received; otherwise the bench fails.
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
#              1, and for the Linux twin also what the twin's namespace
#              receives (its eth0). In all worlds RPS keeps what the
#              endpoints receive (rs1's and client1's eth0, rps_cpus = 1) on
#              core 0, so that neither TCP end runs on the forwarding core.
# Each of REPS rounds (default 3) measures the kernel in both arrangements,
# then every mode in both (lvslab, then its twin, in each arrangement), and
# takes each mode's ratio against that round's kernel figure and twin
# figure of the same arrangement, so that a machine whose speed drifts
# compares neighbours; a line per round, arrangement and mode, then the
# medians (core0 lines have no arrangement=; the linux_ fields are on the
# nat and fullnat lines only; the long lines are one line each here,
# wrapped):
#   emu iperf round=<r> mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<x/y>
#       kernel_net_rx_cpu1=<f> lvslab_net_rx_cpu1=<f>
#       linux_gbps=<l> ratio_linux=<x/l> linux_net_rx_cpu1=<f>
#   emu iperf round=<r> arrangement=director1 mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<x/y>
#       kernel_softirq_cpu1=<f> kernel_net_rx_cpu1=<f> lvslab_softirq_cpu1=<f> lvslab_net_rx_cpu1=<f>
#       director_cpus=<list> director_util=<u> director_waited=<w>
#       linux_gbps=<l> ratio_linux=<x/l> linux_softirq_cpu1=<f> linux_net_rx_cpu1=<f>
#   emu iperf median mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<r> rounds=<n>
#       linux_gbps=<l> ratio_linux=<r>
#   emu iperf median arrangement=director1 mode=<m> lvslab_gbps=<x> kernel_gbps=<y> ratio=<r>
#       kernel_softirq_cpu1=<f> ... director_util=<u> rounds=<n>
#       linux_gbps=<l> ratio_linux=<r> linux_softirq_cpu1=<f> linux_net_rx_cpu1=<f>
# Where the work ran, during the download: softirq_cpu1 is core 1's
# share of both cores' softirq time (/proc/stat), net_rx_cpu1 its share of
# the NET_RX softirqs run (/proc/softirqs), for the kernel's, lvslab's and
# the twin's run (in the core0 arrangement core 1 should see next to none);
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
lnx=lvslab-$tag-lnx   # the Linux twin's namespace
[ "$(nproc)" -ge 2 ] || { echo "bench/emu_iperf.sh: needs cores 0 and 1 (nproc: $(nproc))" >&2; exit 1; }
trap 'ip netns del "$lnx" 2>/dev/null || true; "$lvslab" emu down "$tag" >/dev/null 2>&1 || true' EXIT
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

has_twin() { case $1 in nat|fullnat) return 0 ;; *) return 1 ;; esac; }

# plan MODE JQ: a field of the world's plan (lvslab emu plan), refused if missing
plan() {
    v=$("$lvslab" emu plan scenarios/compare-modes.lua --mode "$1" --set servers=1 --set clients=1 \
            --tag "$tag" | jq -r "$2")
    case $v in ''|null) echo "the plan of mode $1 has no $2" >&2; exit 1 ;; esac
    echo "$v"
}

# twin MODE DPID: the director DPID of the world just built stopped and the
# Linux twin ($lnx, see the header) put in its place
twin() {
    bridge=$(plan "$1" '.links[] | select(.director_port) | .director_port.bridge')
    tap=$(plan "$1" '.links[] | select(.director_port) | .director_port.tap')
    dip=$(plan "$1" '.nodes[] | select(.director) | .ifaces[] | select(.name == "eth0") | .addrs[0]')
    gw=$(plan "$1" '.nodes[] | select(.director) | .routes[] | select(.to == "default") | .via')
    vip=$(plan "$1" '.directors[0].vip')
    rip=$(plan "$1" '.nodes[] | select(.name == "rs1") | .ifaces[] | select(.name == "eth0") | .addrs[0]')
    rip=${rip%/*}
    if [ "$1" = nat ] && ! ip -n "lvslab-$tag-rs1" route show default | grep -q "via ${dip%/*} "; then
        echo "rs1's default route is not via the director (${dip%/*}): $(ip -n "lvslab-$tag-rs1" route)" >&2
        exit 1
    fi
    ip netns exec "lvslab-$tag-router" ping -c 1 -W 2 "${dip%/*}" >/dev/null
    mac=$(ip -n "lvslab-$tag-router" neigh show "${dip%/*}" | sed -n 's/.*lladdr \([^ ]*\).*/\1/p')
    [ -n "$mac" ] || { echo "the router has no MAC for the director (${dip%/*})" >&2; exit 1; }
    kill -TERM "-$2"
    i=0
    while kill -0 "$2" 2>/dev/null || ip link show "$tap" >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -lt 50 ] || { echo "the director (pid $2) or its TAP $tap outlived 5 s" >&2; exit 1; }
        sleep 0.1
    done
    ip netns add "$lnx"
    ip link add "lx$tag" type veth peer name eth0 netns "$lnx"
    ip link set "lx$tag" master "$bridge" up
    ip -n "$lnx" link set eth0 address "$mac"
    ip -n "$lnx" link set lo up
    ip -n "$lnx" link set eth0 up
    ip -n "$lnx" addr add "$dip" dev eth0
    ip -n "$lnx" addr add "$vip/32" dev eth0
    ip -n "$lnx" route add default via "$gw"
    ip netns exec "$lnx" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
        net.ipv4.conf.eth0.send_redirects=0
    snat=""
    if [ "$1" = fullnat ]; then snat="; ip daddr $rip tcp dport 80 counter snat to ${dip%/*}"; fi
    ip netns exec "$lnx" nft -f - <<EOF
table ip twin {
    chain pre { type nat hook prerouting priority dstnat; ip daddr $vip tcp dport 80 counter dnat to $rip:80; }
    chain post { type nat hook postrouting priority srcnat$snat; }
    chain replies { type filter hook forward priority filter; ip saddr $rip tcp sport 80 counter; }
}
EOF
    for a in "$gw" "$rip"; do
        ip netns exec "$lnx" ping -c 3 -i 0.2 -W 2 "$a" >/dev/null ||
            { echo "the Linux twin does not reach $a" >&2; exit 1; }
    done
}

# twin_bytes CHAIN: what the twin's rule in CHAIN counted, in bytes
twin_bytes() {
    ip netns exec "$lnx" nft list chain ip twin "$1" | sed -n 's/.*counter packets [0-9]* bytes \([0-9]*\).*/\1/p'
}

# twin_check MODE JSON: the download passed the twin (see the header)
twin_check() {
    received=$(jq '.end.sum_received.bytes' "$2")
    dnat=$(twin_bytes pre); fwd=$(twin_bytes replies)
    snat=none   # nat has no SNAT rule
    if [ "$1" = fullnat ]; then snat=$(twin_bytes post); fi
    if [ "${dnat:-0}" -eq 0 ] || [ "${snat:-0}" = 0 ] || [ "${fwd:-0}" -lt "$received" ]; then
        echo "the $1 download did not pass the Linux twin: its DNAT rule counted ${dnat:-0} bytes," \
             "its SNAT rule ${snat:-0}, its forward chain ${fwd:-0} bytes from rs1; iperf3 received $received" >&2
        exit 1
    fi
}

# gbps MODE ADDR ARRANGEMENT [linux]: iperf3 -R from rs1 (its http.server
# replaced by iperf3 on port 80), through lvslab's director or with linux
# through the Linux twin; Gbit/s on stdout, where the work ran in $where
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
    if [ "${4:-}" = linux ]; then twin "$1" "$dpid"; fi
    if [ "$3" = director1 ]; then
        if [ "${4:-}" = linux ]; then rps lnx eth0 2; else taskset -a -p -c 1 "$dpid" >/dev/null; fi
        rps router eth0 2; rps router eth1 2; rps rs1 eth0 1; rps client1 eth0 1
    fi
    sleep 0.2
    ip netns exec "lvslab-$tag-rs1" taskset -c 0 iperf3 -s -p 80 -D -1 >/dev/null
    sleep 0.3
    t0="0 0"; t1="0 0"; cpus=-
    s0=$(softirq); if [ "${4:-}" != linux ]; then t0=$(cpu_ticks "$dpid"); fi; w0=$(date +%s.%N)
    ip netns exec "lvslab-$tag-client1" taskset -c 0 timeout $((SECS + 10)) \
        iperf3 -c "$2" -p 80 -R -t "$SECS" -J >"$json" || true
    s1=$(softirq); if [ "${4:-}" != linux ]; then t1=$(cpu_ticks "$dpid"); fi; w1=$(date +%s.%N)
    bps=$(jq '.end.sum_received.bits_per_second' "$json" 2>/dev/null || true)
    case $bps in ''|null|0) echo "iperf3 through $2 in $1 mode measured nothing" >&2; exit 1 ;; esac
    if [ "${4:-}" = linux ]; then
        twin_check "$1" "$json"
        ip netns del "$lnx"
    else
        cpus=$(taskset -c -p "$dpid" | sed 's/.*: //')
    fi
    "$lvslab" emu down "$tag" >/dev/null
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
json=$(mktemp)
trap 'rm -f "$rounds" "$rounds.m" "$where" "$json"; ip netns del "$lnx" 2>/dev/null || true
      "$lvslab" emu down "$tag" >/dev/null 2>&1 || true' EXIT
echo "emu iperf load_average=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
r=1
while [ "$r" -le "$REPS" ]; do
    kernel=$(gbps dr 10.0.0.11 core0)
    knet=$(get net_rx_cpu1 "$where")
    kernel1=$(gbps dr 10.0.0.11 director1)
    kwhere="kernel_softirq_cpu1=$(get softirq_cpu1 "$where") kernel_net_rx_cpu1=$(get net_rx_cpu1 "$where")"
    for m in $MODES; do
        x=$(gbps "$m" 10.0.0.100 core0)
        line="emu iperf round=$r mode=$m lvslab_gbps=$x kernel_gbps=$kernel ratio=$(ratio "$x" "$kernel")"
        line="$line kernel_net_rx_cpu1=$knet lvslab_net_rx_cpu1=$(get net_rx_cpu1 "$where")"
        if has_twin "$m"; then
            l=$(gbps "$m" 10.0.0.100 core0 linux)
            line="$line linux_gbps=$l ratio_linux=$(ratio "$x" "$l") linux_net_rx_cpu1=$(get net_rx_cpu1 "$where")"
        fi
        echo "$line" | tee -a "$rounds"
        x=$(gbps "$m" 10.0.0.100 director1)
        line="emu iperf round=$r arrangement=director1 mode=$m lvslab_gbps=$x kernel_gbps=$kernel1"
        line="$line ratio=$(ratio "$x" "$kernel1") $kwhere lvslab_softirq_cpu1=$(get softirq_cpu1 "$where")"
        line="$line lvslab_net_rx_cpu1=$(get net_rx_cpu1 "$where") director_cpus=$(get cpus "$where")"
        line="$line director_util=$(get util "$where") director_waited=$(get waited "$where")"
        if has_twin "$m"; then
            l=$(gbps "$m" 10.0.0.100 director1 linux)
            line="$line linux_gbps=$l ratio_linux=$(ratio "$x" "$l") linux_softirq_cpu1=$(get softirq_cpu1 "$where")"
            line="$line linux_net_rx_cpu1=$(get net_rx_cpu1 "$where")"
        fi
        echo "$line" | tee -a "$rounds"
    done
    r=$((r + 1))
done
field() { get "$1" "$rounds.m" | median; }
for m in $MODES; do
    grep " mode=$m " "$rounds" | grep -v arrangement= >"$rounds.m" || true
    line="emu iperf median mode=$m lvslab_gbps=$(field lvslab_gbps) kernel_gbps=$(field kernel_gbps)"
    line="$line ratio=$(field ratio) rounds=$REPS"
    if has_twin "$m"; then line="$line linux_gbps=$(field linux_gbps) ratio_linux=$(field ratio_linux)"; fi
    echo "$line"
    grep " arrangement=director1 mode=$m " "$rounds" >"$rounds.m" || true
    line="emu iperf median arrangement=director1 mode=$m lvslab_gbps=$(field lvslab_gbps)"
    line="$line kernel_gbps=$(field kernel_gbps) ratio=$(field ratio) kernel_softirq_cpu1=$(field kernel_softirq_cpu1)"
    line="$line kernel_net_rx_cpu1=$(field kernel_net_rx_cpu1) lvslab_softirq_cpu1=$(field lvslab_softirq_cpu1)"
    line="$line lvslab_net_rx_cpu1=$(field lvslab_net_rx_cpu1) director_util=$(field director_util)"
    line="$line director_waited=$(field director_waited) rounds=$REPS"
    if has_twin "$m"; then
        line="$line linux_gbps=$(field linux_gbps) ratio_linux=$(field ratio_linux)"
        line="$line linux_softirq_cpu1=$(field linux_softirq_cpu1) linux_net_rx_cpu1=$(field linux_net_rx_cpu1)"
    fi
    echo "$line"
done
echo "emu iperf load_average=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
rm -f "$rounds.m"
