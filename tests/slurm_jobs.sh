#!/bin/sh
# What `lvslab slurm` writes, without a cluster: the array's size and
# throttle, each task's --only, the sweep's options passed on, the merge,
# submit.sh's afterok; and its refusals (bad numbers, an option that is not
# one word, parts of an earlier submission, a bad scenario).
set -u
lvslab=${LVSLAB_BUILD:-build}/lvslab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "slurm_jobs: $*"; exit 1; }
refused() {
    pattern=$1; shift
    "$lvslab" slurm "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] || { cat "$tmp/err"; fail "exit $rc, not 2: slurm $*"; }
    grep -q -- "$pattern" "$tmp/err" || { cat "$tmp/err"; fail "no '$pattern' from: slurm $*"; }
}

"$lvslab" slurm scenarios/compare-modes.lua --mode tun,dr --set users=8 --seed 3 --out "$tmp/o" \
    --runs-per-task 3 --max-parallel 2 --partition batch --time 10:00 >"$tmp/out" || fail "lvslab slurm failed"
grep -q '^8 runs in 3 tasks' "$tmp/out" || { cat "$tmp/out"; fail "not 8 runs in 3 tasks"; }
a=$tmp/o/slurm/array.sbatch
grep -qx '#SBATCH --array=0-2%2' "$a" && grep -qx '#SBATCH --partition=batch' "$a" &&
    grep -qx '#SBATCH --time=10:00' "$a" && grep -qx "#SBATCH --chdir=$PWD" "$a" || { cat "$a"; fail "the #SBATCH lines"; }
grep -qx '0) only=4,5,6 ;;' "$a" && grep -qx '1) only=7,8,9 ;;' "$a" && grep -qx '2) only=10,11 ;;' "$a" ||
    { cat "$a"; fail "the tasks' runs"; }
grep -q "run 'scenarios/compare-modes.lua' --mode 'tun,dr' --set 'users=8' --set 'seed=3' --only \"\$only\"" "$a" ||
    { cat "$a"; fail "the run line"; }
grep -q "merge '$tmp/o'/parts/task-\* --out '$tmp/o'" "$tmp/o/slurm/merge.sbatch" || fail "the merge line"
grep -q 'sbatch --parsable --dependency=afterok:' "$tmp/o/slurm/submit.sh" || fail "submit.sh: no afterok"
sh -n "$a" && sh -n "$tmp/o/slurm/merge.sbatch" && sh -n "$tmp/o/slurm/submit.sh" || fail "a script that sh cannot read"
# a task's line, as Slurm would run it, runs the right part
sed "s|^exec |exec echo |" "$a" >"$tmp/echo.sh"
SLURM_ARRAY_TASK_ID=2 sh "$tmp/echo.sh" | grep -q -- "--only 10,11 --jobs 1 --quiet --out $tmp/o/parts/task-2$" ||
    fail "task 2 does not run 10,11"
SLURM_ARRAY_TASK_ID=3 sh "$tmp/echo.sh" 2>/dev/null && fail "task 3 of a 3-task array ran"

refused 'not a number from 1 to 100000' scenarios/compare-modes.lua --runs-per-task 0 --out "$tmp/x"
refused 'not a number from 1 to 100000' scenarios/compare-modes.lua --max-parallel x --out "$tmp/x"
refused 'one word, no quotes or spaces' scenarios/compare-modes.lua --partition 'a b' --out "$tmp/x"
refused '--time needs a value' scenarios/compare-modes.lua --time
mkdir "$tmp/o/parts"
refused 'parts of an earlier submission' scenarios/compare-modes.lua --out "$tmp/o"
refused "--mode xyz: not one of the scenario's modes (nat, tun, dr, fullnat)" scenarios/compare-modes.lua --mode xyz --out "$tmp/x"
refused 'no parameter "nope" (it has clients, servers, users; and duration, warmup, after and seed)' scenarios/compare-modes.lua --set nope=1 --out "$tmp/x"
[ ! -e "$tmp/x" ] || fail "a refused command wrote $tmp/x"
echo "slurm_jobs: the array, its tasks' runs, the merge and submit.sh as planned; 7 refusals"
