#!/bin/sh
# How the simulator's cost grows: DR runs of scenarios/compare-modes.lua
# (HTTP through one director, exp(50 KB) responses) with one of servers,
# users and simulated time varied and the others at a base point; for each,
# wall time, CPU time (user + system: what to compare on a shared machine),
# events, events per CPU second and the peak memory of the process, as a
# Markdown table (the README's performance section). One run per case, no
# warm-up, everything on one job.
#   bench/sim_scale.sh                  SERVERS="1 8 32 128 512 1000" USERS="32 128 512" SIMS="0.1 0.2 0.4"
#   SERVERS=... USERS=... SIMS=... BASE_SERVERS=8 BASE_USERS=32 BASE_SIM=0.1 bench/sim_scale.sh
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}
SERVERS=${SERVERS:-1 8 32 128 512 1000}
USERS=${USERS:-32 128 512}
SIMS=${SIMS:-0.1 0.2 0.4}
BASE_SERVERS=${BASE_SERVERS:-8}
BASE_USERS=${BASE_USERS:-32}
BASE_SIM=${BASE_SIM:-0.1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$build/lvslab" ] || { echo "no $build/lvslab: run make first" >&2; exit 1; }

# case SERVERS USERS SIM_S: one table row
case_row() {
    /usr/bin/time -f "rss_kb=%M cpu_s=%U %S" "$build/lvslab" run scenarios/compare-modes.lua --mode dr \
        --set servers="$1" --set users="$2" --set duration="${3}s" --set warmup=0s \
        --jobs 1 --out "$work/out" >/dev/null 2>"$work/err" ||
        { cat "$work/err" >&2; echo "servers=$1 users=$2 sim=$3 s failed" >&2; exit 1; }
    tr '\r' '\n' <"$work/err" | awk -v s="$1" -v u="$2" -v t="$3" '
        / simulated in / { for (i = 1; i <= NF; i++) { if ($i == "in") wall = $(i + 1); if ($i == "events,") ev = substr($(i - 1), 2) } }
        /^rss_kb=/ { rss = substr($1, 8); cpu = substr($2, 7) + $3 }
        END { if (wall == "" || ev == "") { print "no run line from lvslab run" > "/dev/stderr"; exit 1 }
              printf "| %d | %d | %s | %.2f | %.2f | %.2fM | %.2fM | %.0f |\n", s, u, t, wall, cpu,
                     ev / 1e6, (cpu > 0 ? ev / cpu / 1e6 : 0), rss / 1024 }'
}

echo "| servers | users | simulated s | wall s | CPU s | events | events per CPU s | peak MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for s in $SERVERS; do case_row "$s" "$BASE_USERS" "$BASE_SIM"; done
for u in $USERS; do [ "$u" = "$BASE_USERS" ] || case_row "$BASE_SERVERS" "$u" "$BASE_SIM"; done
for t in $SIMS; do [ "$t" = "$BASE_SIM" ] || case_row "$BASE_SERVERS" "$BASE_USERS" "$t"; done
