#!/bin/sh
# The default comparison's sweep on a real (single-node) Slurm cluster:
# `lvslab slurm` writes the array and the merge, submit.sh submits them,
# the array's 16 runs go 3 a task, 2 tasks at once, the merge waits for
# them (afterok), and its results.json is byte for byte the one-machine
# run's (tests/golden/full/results.json, checked against a local run by
# tests/golden.sh). The cluster's daemons are started here and stopped
# after. Needs root and Debian's slurm-wlm and munge: skips (exit 77)
# without them.
set -u
. "$(dirname "$0")/support/needs.sh"
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
need_tools munged slurmctld slurmd sbatch squeue
. "$(dirname "$0")/support/slurm_cluster.sh"
lvslab=$(cd "${LVSLAB_BUILD:-build}" && pwd)/lvslab
tmp=$(mktemp -d)
trap 'slurm_stop; rm -rf "$tmp"' EXIT
fail() { echo "slurm: $*"; exit 1; }

slurm_start || fail "no cluster"
"$lvslab" slurm scenarios/compare-modes.lua --out "$tmp/out" --runs-per-task 3 --max-parallel 2 --time 30:00 \
    >"$tmp/slurm.log" || { cat "$tmp/slurm.log"; fail "lvslab slurm failed"; }
grep -q '16 runs in 6 tasks' "$tmp/slurm.log" || { cat "$tmp/slurm.log"; fail "not 16 runs in 6 tasks"; }
sh "$tmp/out/slurm/submit.sh" >"$tmp/submit.log" || { cat "$tmp/submit.log"; fail "submit.sh failed"; }
array=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\).*/\1/p' "$tmp/submit.log")
merge=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\).*/\2/p' "$tmp/submit.log")
[ -n "$array" ] && [ -n "$merge" ] || { cat "$tmp/submit.log"; fail "no job ids"; }
# the jobs leave the queue when done (bounded: 15 min)
k=0
while squeue -h -j "$array,$merge" 2>/dev/null | grep -q .; do
    k=$((k + 1)); [ $k -le 900 ] || { squeue; fail "the jobs did not end within 15 min"; }
    sleep 1
done
for t in 0 1 2 3 4 5; do
    [ -s "$tmp/out/parts/task-$t/runs/run-$((t * 3)).json" ] ||
        { cat "$tmp/out/slurm/logs/task-$t.out"; fail "task $t wrote no run $((t * 3))"; }
done
grep -q 'merged 16 runs from 6 folders' "$tmp/out/slurm/logs/merge.out" ||
    { cat "$tmp/out/slurm/logs/merge.out"; fail "the merge did not run"; }
cmp "$tmp/out/results.json" tests/golden/full/results.json ||
    fail "the merged results.json is not the one-machine run's (tests/golden/full/results.json)"
[ -s "$tmp/out/index.html" ] && [ -s "$tmp/out/summary.md" ] || fail "no report"
echo "slurm: 16 runs in a 6-task array (2 at once), merged after it: the one-machine run's bytes"
