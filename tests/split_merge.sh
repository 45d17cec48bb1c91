#!/bin/sh
# A sweep split with `lvslab run --only` and joined with `lvslab merge`
# gives the bytes of one `lvslab run` (results.json and the report), in
# any split; emulated runs in a folder of their own sit beside the
# simulated ones as when both commands write one folder. Every refusal
# is seen: runs missing, a run twice, parts of different scenarios, seeds,
# parameters or lvslab versions, a run the plan lacks, a folder that is no
# part; and the bad --only specs.
set -u
lvslab=${LVSLAB_BUILD:-build}/lvslab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "split_merge: $*"; exit 1; }
sweep="scenarios/compare-modes.lua --set warmup=1ms --set duration=10ms --quiet"
# shellcheck disable=SC2086
run() { "$lvslab" run $sweep "$@"; }
# refused CODE PATTERN CMD...: CMD exits CODE and says PATTERN on stderr
refused() {
    code=$1 pattern=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc -eq "$code" ] || { cat "$tmp/err"; fail "exit $rc, not $code: $*"; }
    grep -q -- "$pattern" "$tmp/err" || { cat "$tmp/err"; fail "no '$pattern' from: $*"; }
}
same() { for f in results.json summary.md index.html runs.csv servers.csv; do
             cmp "$1/$f" "$2/$f" || fail "$2/$f differs from $1/$f"; done; }

# the plan
run --plan >"$tmp/plan" || fail "--plan failed"
[ "$(wc -l <"$tmp/plan")" -eq 16 ] || fail "--plan: not 16 runs"
grep -qx '0 nat servers=1 seed=1' "$tmp/plan" && grep -qx '15 fullnat servers=8 seed=1' "$tmp/plan" ||
    { cat "$tmp/plan"; fail "--plan lines"; }
run --plan --mode dr | head -n 1 | grep -qx '8 dr servers=1 seed=1' || fail "--plan --mode dr: dr's first run is 8"
run --plan --json | python3 -c 'import json,sys; p=json.load(sys.stdin); assert [r["index"] for r in p["runs"]] == list(range(16)) and p["params"]["clients"] == 4' ||
    fail "--plan --json"

# one machine, then three splits
run --jobs 2 --out "$tmp/local" || fail "the local run failed"
run --only 0-5 --out "$tmp/a1" && run --only 6,7,8-15 --jobs 1 --out "$tmp/a2" || fail "split a"
"$lvslab" merge "$tmp/a1" "$tmp/a2" --out "$tmp/ma" --quiet || fail "merge a"
same "$tmp/local" "$tmp/ma"
for k in $(seq 0 15); do run --only "$k" --out "$tmp/b$k" || fail "split b: run $k"; done
# shellcheck disable=SC2046
"$lvslab" merge $(for k in $(seq 15 -1 0); do echo "$tmp/b$k"; done) --out "$tmp/mb" --quiet || fail "merge b"
same "$tmp/local" "$tmp/mb"
run --mode tun,dr --out "$tmp/local-tundr" && run --mode tun,dr --only 4-8 --out "$tmp/c1" &&
    run --mode tun,dr --only 9-11 --out "$tmp/c2" || fail "split c"
"$lvslab" merge "$tmp/c2" "$tmp/c1" --out "$tmp/mc" --quiet || fail "merge c"
same "$tmp/local-tundr" "$tmp/mc"

# a part's folder holds its own runs only
run --only 0-5 --out "$tmp/a3" && run --only 2 --out "$tmp/a3" || fail "a3"
[ "$(ls "$tmp/a3/runs")" = run-2.json ] || fail "a part kept an earlier part's runs: $(ls "$tmp/a3/runs")"

# emulated runs beside the simulated ones (an emu record is a sim record of world emu here)
mkdir "$tmp/emu"
python3 - "$tmp/local/results.json" "$tmp/emu/results.json" <<'PY' || fail "the emulated folder"
import json, sys
doc = json.load(open(sys.argv[1]))
doc["runs"] = [dict(r, world="emu") for r in doc["runs"] if r["mode"] == "dr"]
doc["lvslab"]["world"] = "emu"
json.dump(doc, open(sys.argv[2], "w"))
PY
mkdir "$tmp/both" && cp "$tmp/emu/results.json" "$tmp/both/" && run --jobs 2 --out "$tmp/both" || fail "sim after emu"
"$lvslab" merge "$tmp/a1" "$tmp/emu" "$tmp/a2" --out "$tmp/me" --quiet || fail "merge with emu"
same "$tmp/both" "$tmp/me"

# refusals
refused 2 'runs missing: 6-15' "$lvslab" merge "$tmp/a1" --out "$tmp/x"
refused 2 'runs missing: 3,6-15' "$lvslab" merge "$tmp/b0" "$tmp/b1" "$tmp/b2" "$tmp/b4" "$tmp/b5" --out "$tmp/x"
refused 2 "run 2 is in both $tmp/a1 and $tmp/a3" "$lvslab" merge "$tmp/a1" "$tmp/a3" "$tmp/a2" --out "$tmp/x"
run --set clients=2 --only 6-15 --out "$tmp/p" || fail "p"
refused 2 'different parameters' "$lvslab" merge "$tmp/a1" "$tmp/p" --out "$tmp/x"
run --seed 7 --only 6-15 --out "$tmp/s" || fail "s"
refused 2 'different seeds: 1 against 7' "$lvslab" merge "$tmp/a1" "$tmp/s" --out "$tmp/x"
"$lvslab" run scenarios/nat-routed.lua --set warmup=1ms --set duration=10ms --quiet --only 0 --out "$tmp/n" || fail "n"
refused 2 'different scenarios' "$lvslab" merge "$tmp/a1" "$tmp/n" --out "$tmp/x"
refused 2 'different runs planned' "$lvslab" merge "$tmp/a1" "$tmp/c1" --out "$tmp/x"
cp -r "$tmp/a2" "$tmp/v" && sed -i 's/"lvslab": "[^"]*"/"lvslab": "0.0"/' "$tmp/v/plan.json"
refused 2 'different lvslab versions: "0.1" against "0.0"' "$lvslab" merge "$tmp/a1" "$tmp/v" --out "$tmp/x"
cp -r "$tmp/a2" "$tmp/w" && cp "$tmp/w/runs/run-6.json" "$tmp/w/runs/run-99.json"
refused 2 'run 99 is not in the plan' "$lvslab" merge "$tmp/a1" "$tmp/w" --out "$tmp/x"
mkdir "$tmp/empty"
refused 2 'neither a part' "$lvslab" merge "$tmp/a1" "$tmp/empty" --out "$tmp/x"
refused 2 'no part among the folders' "$lvslab" merge "$tmp/emu" --out "$tmp/x"
mkdir "$tmp/emu-dr" && cp tests/fixtures/reports/emu.json "$tmp/emu-dr/results.json"
refused 2 'emulated runs of scenario emu-dr, not compare-modes' "$lvslab" merge "$tmp/a1" "$tmp/a2" "$tmp/emu-dr" --out "$tmp/x"
refused 2 '--out DIR: where' "$lvslab" merge "$tmp/a1"
refused 2 'the scenario has runs 0-15' run --only 3-16 --out "$tmp/x"
refused 2 'is not K or K-L with K <= L' run --only 5-3 --out "$tmp/x"
refused 2 '"x" is not K or K-L' run --only x --out "$tmp/x"
refused 2 'run 5 is not among the runs --mode keeps' run --mode nat --only 5 --out "$tmp/x"
refused 2 '--json goes with --plan' run --json
[ ! -e "$tmp/x" ] || fail "a refused command wrote $tmp/x"
# A sweep of two parameters, one of names: split in two, the same bytes.
cross() { "$lvslab" run tests/fixtures/scenarios/cross.lua --set warmup=50ms --set duration=200ms --quiet "$@"; }
cross --out "$tmp/xfull" && cross --only 0-2 --out "$tmp/x1" && cross --only 3-7 --out "$tmp/x2" || fail "cross"
"$lvslab" merge "$tmp/x2" "$tmp/x1" --out "$tmp/xm" --quiet || fail "cross merge"
cmp "$tmp/xfull/results.json" "$tmp/xm/results.json" || fail "cross: the merged parts differ from the whole"
echo "split_merge: three splits, one with emulated runs, and a two-parameter sweep give the local run's bytes; 18 refusals"
