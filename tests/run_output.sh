#!/bin/sh
# What `lvslab run` leaves in its folder and prints: into a stale folder (an
# earlier scenario's report, captures and a half-written file) it writes its
# own report and removes the rest; stdout ends with a table of the eight
# runs of a two-parameter sweep and the full path of index.html; a run where
# nothing completed is reported, its charts (and each run's own) saying so,
# never a crash.
. "$(dirname "$0")/support/lvslab.sh"
fail() { echo "run_output: $*"; exit 1; }
out=$dir/stale
mkdir -p "$out/pcap/nat/servers-9"
for f in index.html summary.md runs.csv events.csv .index.html.tmp pcap/nat/servers-9/old.pcap; do
    echo "from an earlier run" > "$out/$f"
done
"$lvslab" run tests/fixtures/scenarios/cross.lua --set duration=100ms --set warmup=50ms --jobs 1 \
    --out "$out" > "$dir/stdout" 2>/dev/null || fail "cross run"
! grep -rq "from an earlier run" "$out" || fail "an earlier run's file is left: $(grep -rl 'from an earlier run' "$out")"
[ -z "$(find "$out" -name '.*.tmp')" ] || fail "a temporary file is left"
grep -q "lvslab: cross" "$out/index.html" || fail "index.html is not this run's"
[ "$(grep -c '^dr sched=\|^nat sched=' "$dir/stdout")" = 8 ] || { cat "$dir/stdout"; fail "no table of the 8 runs"; }
grep -q "in flight" "$dir/stdout" || fail "the table has no in-flight column"
[ "$(tail -n 1 "$dir/stdout")" = "report: $(cd "$out" && pwd -P)/index.html" ] ||
    fail "the last line is not the report's full path: $(tail -n 1 "$dir/stdout")"
for c in 'dr sched=rr' 'dr sched=wlc' 'nat sched=rr' 'nat sched=wlc'; do   # a series per mode and scheduler
    grep -q "<th>$c</th>" "$out/index.html" || fail "no column $c"
done
grep -q "<figcaption><b>Figure 1.</b> Goodput versus the number of real servers" "$out/index.html" ||
    fail "Figure 1 is not against the servers"
grep -q '"in_flight": ' "$out/results.json" || fail "no requests.in_flight"

# nothing completes in 1 us: the report is written and says so
"$lvslab" run tests/fixtures/scenarios/cross.lua --set duration=1us --set warmup=1us --quiet --jobs 1 \
    --out "$dir/empty" 2>"$dir/err" || { cat "$dir/err"; fail "a run with nothing completed failed"; }
grep -q "No data to plot" "$dir/empty/index.html" || fail "no 'No data to plot'"
[ "$(grep -c 'No data to plot: this run measured nothing' "$dir/empty/index.html")" = 8 ] ||
    fail "the 8 runs' own charts do not each say they measured nothing"
echo "run_output: a stale folder cleaned, the table and the report's path printed, an empty run reported"
