#!/bin/sh
# The sim-vs-emu TCP check (issue 20): one download over one shaped link,
# simulated (scenarios/tcp-download.lua, lvslab's TCP) and emulated with
# Linux's TCP (two network namespaces joined by 'lvslab emu delay-line',
# the rate set with tc htb on each end as lvslab emu does, iperf3 -R -C
# cubic, the default tcp_rmem and tcp_wmem in both namespaces), for
# each rate, RTT and loss; writes the markdown table of goodputs between the
# markers in docs/fidelity.md (or prints it with --print).
#
# usage: scripts/tcp-validate.sh [BUILD] [--quick] [--print] [--rates "100 1000"]
#        [--rtts "1 10 50"] [--losses "0 1"]
# Needs root, iperf3, tc and /dev/net/tun. Run it alone on the machine (the
# emulated goodput is the machine's): under a lock if others emulate, e.g.
#   flock /work/tmp/emu.lock scripts/tcp-validate.sh build
# The simulated side is deterministic (seed 1); the emulated side is a
# measurement. Run time: 5 s per emulated row plus about 2 s of set-up, and
# the simulated rows (about 1 min at 1 Gbit/s): 4-5 minutes for the full
# 12 rows. Each download lasts 5 s, as scenarios/tcp-download.lua's run.
# --quick: 100 Mbit/s, RTT 1 and 10 ms, no loss (tests/tcp_validate.sh).
set -eu
build=build
print=0 secs=5 rates="100 1000" rtts="1 10 50" losses="0 1"
SEEDS="2 3 4 5 6 7 8"       # the lossy rows' simulated spread (the table's row is seed 1)
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) rates=100 rtts="1 10" losses=0 ;;
        --print) print=1 ;;
        --rates) rates=$2; shift ;;
        --rtts) rtts=$2; shift ;;
        --losses) losses=$2; shift ;;
        -*) echo "tcp-validate: unknown option $1 (see the usage at the top of $0)" >&2; exit 2 ;;
        *) build=$1 ;;
    esac
    shift
done
lvslab=$(cd "$build" && pwd)/lvslab
[ -x "$lvslab" ] || { echo "tcp-validate: no $lvslab: build first (make)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "tcp-validate: needs root (namespaces, TAPs, tc)" >&2; exit 2; }
for t in iperf3 tc ip python3; do
    command -v "$t" >/dev/null || { echo "tcp-validate: needs $t" >&2; exit 2; }
done

id=$$
ns_c=tvc$id ns_s=tvs$id tap_c=tvc$id tap_s=tvs$id
work=$(mktemp -d)
line_pid="" iperf_pid=""
cleanup() {
    [ -n "$iperf_pid" ] && kill "$iperf_pid" 2>/dev/null || true
    [ -n "$line_pid" ] && kill "$line_pid" 2>/dev/null && wait "$line_pid" 2>/dev/null || true
    ip netns del "$ns_c" 2>/dev/null || true
    ip netns del "$ns_s" 2>/dev/null || true
    line_pid="" iperf_pid=""
}
trap 'cleanup; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

# emu RATE_MBPS RTT_MS LOSS_PCT: Linux's goodput in Mbit/s
emu() {
    rate=$1 rtt=$2 loss=$3
    half=$(python3 -c "print($rtt / 2)")
    p=$(python3 -c "print($loss / 100)")
    ip netns add "$ns_c"
    ip netns add "$ns_s"
    "$lvslab" emu delay-line "$tap_c" "$tap_s" --delay "${half}ms" --loss "$p" --rate "${rate}Mbps" \
        --seed 1 --ends client-eth0,server-eth0 >"$work/line.log" 2>&1 &
    line_pid=$!
    i=0
    until ip link show "$tap_c" >/dev/null 2>&1 && ip link show "$tap_s" >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -le 50 ] || { echo "tcp-validate: the delay line made no TAPs:" >&2; cat "$work/line.log" >&2; exit 1; }
        sleep 0.1
    done
    for end in c s; do
        eval "ns=\$ns_$end tap=\$tap_$end"
        [ $end = c ] && a=10.9.0.1 || a=10.9.0.2
        ip link set "$tap" netns "$ns"
        ip -n "$ns" link set "$tap" name eth0
        ip -n "$ns" addr add "$a/24" dev eth0
        ip -n "$ns" link set lo up
        # Linux's own defaults, whatever this machine's init namespace has
        # (a namespace starts from them: bigger buffers or BBR here would
        # compare lvslab with a tuned Linux, not with a distribution's;
        # CUBIC is asked of iperf3, as a namespace may not make it default)
        ip netns exec "$ns" sysctl -q -w "net.ipv4.tcp_rmem=4096 131072 6291456" \
            "net.ipv4.tcp_wmem=4096 16384 4194304"
        ip -n "$ns" link set eth0 up
        # as emu/shape.c; htb's note on its quantum at high rates is left out
        ip netns exec "$ns" tc qdisc add dev eth0 root handle 1: htb default 1
        ip netns exec "$ns" tc class add dev eth0 parent 1: classid 1:1 htb rate "${rate}mbit" ceil "${rate}mbit" \
            2>>"$work/tc.log"
        ip netns exec "$ns" tc qdisc add dev eth0 parent 1:1 handle 10: pfifo limit 100
    done
    ip netns exec "$ns_s" iperf3 -s -1 -B 10.9.0.2 >/dev/null 2>&1 &
    iperf_pid=$!
    sleep 0.5
    ip netns exec "$ns_c" timeout $((secs + 20)) iperf3 -c 10.9.0.2 -R -C cubic -t "$secs" -J >"$work/iperf.json" ||
        { echo "tcp-validate: iperf3 failed at $rate Mbit/s, $rtt ms, $loss %" >&2; cat "$work/iperf.json" >&2; exit 1; }
    cleanup
    sed "s/^/tcp-validate: delay line: /" "$work/line.log" >&2
    python3 - "$work/iperf.json" <<'PY'
import json, sys
end = json.load(open(sys.argv[1]))["end"]
if end.get("sender_tcp_congestion") != "cubic":
    sys.exit("tcp-validate: the sender ran %s, not cubic" % end.get("sender_tcp_congestion"))
print(end["sum_received"]["bits_per_second"] / 1e6)
PY
}

# sim RATE_MBPS RTT_MS LOSS_PCT [QUEUE [SEED]]: lvslab's goodput in Mbit/s and
# the frames the sender's NIC queue (100 frames, or QUEUE) dropped
sim() {
    rm -rf "$work/sim"
    "$lvslab" run scenarios/tcp-download.lua --quiet --out "$work/sim" --set "rate_mbps=$1" --set "rtt_ms=$2" \
        --set "loss_pct=$3" --set "queue=${4:-100}" --seed "${5:-1}" >/dev/null
    python3 -c "import json,sys; r = json.load(open(sys.argv[1]))['runs'][0]
print(r['goodput_mbps'], max(l['queue_drops'] for l in r['links']))" "$work/sim/results.json"
}

: >"$work/rows"
start=$(date +%s)
for rate in $rates; do
    for rtt in $rtts; do
        for loss in $losses; do
            s=$(sim "$rate" "$rtt" "$loss")
            # the same with a queue of 1000 frames: what Linux's 100-packet
            # pfifo holds when its packets are GSO packets (TSO on, no loss)
            big=$(sim "$rate" "$rtt" "$loss" 1000)
            # with loss, one seed is one loss pattern: the spread over seeds
            seeds=-
            if [ "$loss" != 0 ]; then
                seeds=$(for seed in $SEEDS; do sim "$rate" "$rtt" "$loss" 100 "$seed" | cut -d' ' -f1; done | paste -sd, -)
            fi
            e=$(emu "$rate" "$rtt" "$loss")
            echo "$rate $rtt $loss $s $e $big $seeds" >>"$work/rows"
            echo "tcp-validate: $rate Mbit/s, RTT $rtt ms, loss $loss %: sim $s (1000-frame queue: $big), emu $e Mbit/s" >&2
        done
    done
done
echo "tcp-validate: $(($(date +%s) - start)) s" >&2

python3 - "$work/rows" "$print" "$secs" "$(nproc)" <<'PY'
import math, re, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
do_print, secs, cores = sys.argv[2] == "1", sys.argv[3], sys.argv[4]
MSS = 1448                 # 1500 less IP, TCP and the timestamp option
out = ["| rate | RTT | loss | sim (Mbit/s) | emu, Linux (Mbit/s) | sim/emu | within 10% | Mathis | why |",
       "|---|---|---|---|---|---|---|---|---|"]
for rate, rtt, loss, s, drops, e, s_big, drops_big, seeds in rows:
    rate, rtt, loss, s, e, s_big = int(rate), float(rtt), float(loss), float(s), float(e), float(s_big)
    drops, drops_big = int(drops), int(drops_big)
    ratio = s / e if e else float("inf")
    ok = abs(ratio - 1) <= 0.10
    mathis = ""
    why = []
    if loss:
        m = MSS * 8 / (rtt / 1e3) * math.sqrt(1.5) / math.sqrt(loss / 100) / 1e6
        mathis = "%.1f" % min(m, rate)
        spread = sorted([s] + [float(v) for v in seeds.split(",")])
        med = spread[len(spread) // 2]
        if not ok:
            # one loss pattern against another: the sim's spread over seeds 1-8
            why.append("seeds 1-%d: %.1f-%.1f, median %.1f (%.2f of Linux's)"
                       % (len(spread), spread[0], spread[-1], med, med / e if e else float("inf")))
            if spread[0] <= e <= spread[-1] and abs(med / e - 1) <= 0.10:
                why.append("seed 1's loss pattern is the outlier: Linux's figure is within the spread and the median within 10%")
            elif med < e and med <= float(mathis) * 1.1:
                why.append("the sim stays near Mathis where Linux gets %.1fx it: not explained" % (e / float(mathis)))
            else:
                why.append("not explained: the emulated 1 Gbit/s rows run without GSO (loss) through a userspace "
                           "delay line on %s cores, and vary from run to run" % cores)
    elif not ok and drops:
        why.append("the sim's sender dropped %d frames at its 100-frame NIC queue in slow start, where TCP "
                   "Small Queues lets through about 1 ms at twice the rate; Linux's 100-packet pfifo counts "
                   "GSO packets (TSO on without loss, up to 64 KB each) and holds that; with a 1000-frame "
                   "queue the sim drops %d and gives %.1f Mbit/s (%.2f of Linux's)"
                   % (drops, drops_big, s_big, s_big / e if e else float("inf")))
    if rate >= 1000 and e < 0.8 * rate and not loss:
        why.append("emulated path below the rate: the userspace delay line and iperf3 share %s cores" % cores)
    if not ok and not why:
        why.append("not explained yet")
    out.append("| %d Mbit/s | %g ms | %g%% | %.1f | %.1f | %.2f | %s | %s | %s |" %
               (rate, rtt, loss, s, e, ratio, "yes" if ok else "no", mathis, "; ".join(why)))
table = "\n".join(out) + "\n"
if do_print:
    sys.stdout.write(table)
    sys.exit(0)
path = "docs/fidelity.md"
doc = open(path).read()
begin, end = "<!-- tcp-validate:begin -->\n", "<!-- tcp-validate:end -->"
if begin not in doc or end not in doc:
    sys.exit("tcp-validate: docs/fidelity.md lacks the markers %r and %r" % (begin.strip(), end))
note = "Made by `scripts/tcp-validate.sh` (%s s downloads; Mathis: MSS/RTT x sqrt(3/2)/sqrt(p), at most the rate).\n\n" % secs
doc = doc[:doc.index(begin) + len(begin)] + note + table + doc[doc.index(end):]
open(path, "w").write(doc)
print("tcp-validate: the table is in docs/fidelity.md")
PY
