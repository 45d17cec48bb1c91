#!/bin/sh
# Runs an lvslab benchmark and its ns-3 twin (../shared/bench/ns3) side by
# side, REPS times each, and prints the medians and their ratio.
#   bench/vs-ns3.sh events      engine hold model vs ns-3 events (map, heap, calendar, pq);
#                               with valgrind, also cachegrind's instructions and simulated
#                               cache misses per event of ours (1M events, deterministic)
#   bench/vs-ns3.sh dumbbell    simulated dumbbell vs ns-3 lvs_dumbbell --qdisc=0: wall time,
#                               and aggregate goodput (TCP NewReno over the same bottleneck)
# Needs ns-3: scripts/deps.sh --bench installs it.
set -eu
cd "$(dirname "$0")/.."
what=${1:-events}
REPS=${REPS:-3}
NS3_SRC=${NS3_SRC:-../shared/bench/ns3}
build=${BUILD:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$NS3_SRC"/*.cc "$NS3_SRC"/build.sh "$work"/
(cd "$work" && ./build.sh >/dev/null 2>&1) || { echo "ns-3 build failed: run scripts/deps.sh --bench" >&2; exit 1; }
make -s all

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p"; }

case $what in
events)
    for P in 1000 100000; do
        ours=$(for i in $(seq "$REPS"); do "$build/bench/engine_events" 10000000 "$P"; done | field ev_per_s | median)
        best=0; best_name=""
        for s in map heap calendar pq; do
            v=$(for i in $(seq "$REPS"); do "$work/events" --P="$P" --N=10000000 --sched="$s"; done | field ev_per_s | median)
            echo "ns3 events P=$P sched=$s median_ev_per_s=$v"
            if [ "$s" != pq ] && awk "BEGIN{exit !($v > $best)}"; then best=$v; best_name=$s; fi
            [ "$s" = pq ] && pq=$v
        done
        echo "engine events P=$P median_ev_per_s=$ours"
        if command -v valgrind >/dev/null; then
            valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file="$work/cg" \
                "$build/bench/engine_events" 1000000 "$P" >/dev/null 2>"$work/cg.log"
            # refs and misses over the whole program, its set-up of P timers included
            awk -v P="$P" '/I *refs:/ { gsub(",", "", $4); ir = $4 }
                /D1 *misses:/ { gsub(",", "", $4); d1 = $4 } /LLd misses:/ { gsub(",", "", $4); ll = $4 }
                END { printf "cachegrind events P=%d instr_per_ev=%.0f d1_misses_per_ev=%.2f ll_misses_per_ev=%.3f\n",
                      P, ir / 1e6, d1 / 1e6, ll / 1e6 }' "$work/cg.log"
        fi
        awk -v o="$ours" -v b="$best" -v n="$best_name" -v q="$pq" -v P="$P" 'BEGIN {
            printf "ratio events P=%d vs_best_of_map_heap_calendar(%s)=%.2f vs_pq=%.2f\n", P, n, o/b, o/q }'
    done
    ;;
dumbbell)
    SIM=${SIM:-5}
    for pcap in 0 1; do
        for i in $(seq "$REPS"); do "$build/bench/sim_dumbbell" --sim-s="$SIM" --pcap="$pcap"; done >"$work/ours"
        if [ "$pcap" = 1 ]; then
            for i in $(seq "$REPS"); do rm -rf "$work/p"; mkdir -p "$work/p"
                "$work/lvs_dumbbell" --simTime="$SIM" --qdisc=0 --pcap=1 --pcapPrefix="$work/p/lvs"; done >"$work/theirs"
        else
            for i in $(seq "$REPS"); do "$work/lvs_dumbbell" --simTime="$SIM" --qdisc=0; done >"$work/theirs"
        fi
        ours=$(field wall_s <"$work/ours" | median)
        theirs=$(field wall <"$work/theirs" | median)
        awk -v o="$ours" -v t="$theirs" -v p="$pcap" 'BEGIN {
            printf "ratio dumbbell pcap=%d lvslab_wall_s=%s ns3_wall_s=%s speedup=%.2f\n", p, o, t, t/o }'
        if [ "$pcap" = 0 ]; then   # both simulators are deterministic: one run's goodput is every run's
            g_ours=$(field goodput_mbps <"$work/ours" | median)
            g_theirs=$(field goodput_mbps <"$work/theirs" | median)
            awk -v o="$g_ours" -v t="$g_theirs" 'BEGIN { r = o / t
                printf "goodput dumbbell lvslab_mbps=%s ns3_mbps=%s ratio=%.3f within_10pct=%s\n",
                       o, t, r, (r >= 0.9 && r <= 1.1) ? "yes" : "no" }'
        fi
    done
    ;;
*) echo "usage: $0 events|dumbbell" >&2; exit 2 ;;
esac
