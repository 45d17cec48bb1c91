# Sourced by tests/emu_mininet_*.sh: runs emu/mininet/lvslab_mininet.py on
# $scenario_args (default: the main scenario, 2 real servers, 1 client, in
# $mode) under a tag of this
# shell's pid, in the background, and checks afterwards that nothing it made
# is left: no bridge or TAP it named, no host shell or process it reported,
# no process in the namespaces its hosts had. Needs root, /dev/net/tun,
# Debian's mininet and brctl (scripts/deps.sh): skips (exit 77) without them.
set -eu
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun
need_tools brctl
/usr/bin/python3 -c 'import mininet' 2>/dev/null ||
    { echo "skipped: needs Debian's mininet (scripts/deps.sh installs it)"; exit 77; }
build=${LVSLAB_BUILD:-build}
lvslab=$(realpath "$build/lvslab")
tag=m$(( $$ % 1000 ))
tmp=$(mktemp -d)
out=$tmp/out
scenario_args=${scenario_args:-"scenarios/compare-modes.lua --mode $mode --set servers=2 --set clients=1"}
run_pid=
trap 'mininet_stop; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

mininet_start() { # extra arguments for the script
    # shellcheck disable=SC2086 # $scenario_args is words
    timeout -k 10 150 /usr/bin/python3 emu/mininet/lvslab_mininet.py $scenario_args \
        --tag "$tag" --lvslab "$lvslab" --workdir "$tmp/work" "$@" >"$out" 2>&1 &
    run_pid=$!
}

mininet_stop() { # the run, if it is still going (its finally cleans up);
    # then, should it have been killed outright, what it reported making
    [ -n "$run_pid" ] && kill -TERM "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null
    run_pid=
    [ -f "$out" ] || return 0
    for p in $(sed -n 's/^up: processes: //p' "$out" | tr ' ' '\n' | cut -d= -f2); do
        grep -qaF "$tmp/work" "/proc/$p/cmdline" 2>/dev/null && kill -KILL "-$p" 2>/dev/null
    done
    for dev in $(sed -n 's/^plan: .* root devices //p' "$out"); do
        [ ! -e "/sys/class/net/$dev" ] || ip link del "$dev" || true
    done
    return 0
}

mininet_wait_line() { # $1 = a grep pattern, $2 = seconds: until the run prints it
    i=0
    until grep -qs -- "$1" "$out"; do
        kill -0 "$run_pid" 2>/dev/null || { cat "$out"; echo "$mode: the run ended before printing '$1'"; exit 1; }
        i=$((i + 1)); [ $i -lt $(($2 * 10)) ] || { cat "$out"; echo "$mode: no '$1' within $2 s"; exit 1; }
        sleep 0.1
    done
}

mininet_record_namespaces() { # of the host shells, once the run is up
    for p in $(sed -n 's/^up: host shells: //p' "$out"); do readlink "/proc/$p/ns/net"; done >"$tmp/netns"
    [ -s "$tmp/netns" ] || { cat "$out"; echo "$mode: no host shell to record"; exit 1; }
}

mininet_finish() { # the run's exit status into run_rc
    run_rc=0
    wait "$run_pid" || run_rc=$?
    run_pid=
    cat "$out"
}

in_host_namespaces() { # the pids of processes in the namespaces the hosts had
    for p in /proc/[0-9]*; do
        ns=$(readlink "$p/ns/net" 2>/dev/null) && grep -qFx "$ns" "$tmp/netns" && echo "${p#/proc/}"
    done
    return 0
}

nothing_left() {
    for dev in $(sed -n 's/^plan: .* root devices //p' "$out"); do
        [ ! -e "/sys/class/net/$dev" ] || { echo "$mode: device $dev left behind"; exit 1; }
    done
    for p in $(sed -n 's/^up: host shells: //p' "$out") \
             $(sed -n 's/^up: processes: //p' "$out" | tr ' ' '\n' | cut -d= -f2); do
        [ ! -d "/proc/$p" ] || { ps -o pid,args -p "$p"; echo "$mode: process $p left behind"; exit 1; }
    done
    # what was signalled may take a moment to exit: up to 3 s
    i=0
    while left=$(in_host_namespaces) && [ -n "$left" ]; do
        i=$((i + 1))
        [ $i -lt 30 ] || { ps -o pid,args -p "$(echo $left | tr ' ' ,)"; echo "$mode: processes left in the hosts' namespaces"; exit 1; }
        sleep 0.1
    done
    echo "$mode: nothing left ($(wc -l <"$tmp/netns") host namespaces gone)"
}

# The whole run: curl's sha256 and wrk's zero errors (the script checks
# both), the requests spread over both real servers, the director's listing
# with both in the mode's method, the TAP's pcap clean, nothing left.
mininet_run_and_check() {
    mininet_start --pcap "$tmp/pcap"
    mininet_wait_line '^up: processes:' 60
    mininet_record_namespaces
    mininet_finish
    [ "$run_rc" -eq 0 ] && grep -q '^result: PASS' "$out" || { echo "$mode: the Mininet run failed ($run_rc)"; exit 1; }
    grep -q '^curl client1 .*(10 MB): sha256 ok' "$out" || { echo "$mode: no checked 10 MB fetch"; exit 1; }
    grep -q '^wrk client1: [1-9][0-9]* requests in 2 s, 0 socket errors, 0 non-2xx' "$out" ||
        { echo "$mode: no error-free wrk run"; exit 1; }
    n1=$(sed -n 's/^served: .*rs1=\([0-9]*\).*/\1/p' "$out"); n2=$(sed -n 's/^served: .*rs2=\([0-9]*\).*/\1/p' "$out")
    total=$(( ${n1:-0} + ${n2:-0} ))
    [ "$total" -gt 100 ] && [ $(( n1 * 4 )) -ge "$total" ] && [ $(( n2 * 4 )) -ge "$total" ] ||
        { echo "$mode: requests not spread over the servers (rs1=$n1 rs2=$n2)"; exit 1; }
    case $mode in nat) method=Masq ;; dr) method=Route ;; tun) method=Tunnel ;; fullnat) method=FullNat ;; esac
    for rip in 10.0.0.11 10.0.0.12; do
        grep -q -- "-> $rip:80 *$method " "$out" || { echo "$mode: $rip is not listed as $method"; exit 1; }
    done
    nothing_left
    LVSLAB_ADDRS="10.0.0.2 10.0.0.100" MIN_FRAMES=5 sh scripts/pcap-check.sh "$tmp"/pcap/*.pcap
    echo ok
}
