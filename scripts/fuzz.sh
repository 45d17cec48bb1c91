#!/bin/sh
# Runs each libFuzzer harness for SECONDS from its seeds (fuzz/seeds/NAME),
# growing build-fuzz/corpus/NAME, and prints its executions and peak memory.
# A crash, leak or sanitizer report is written to build-fuzz/crash-NAME-*
# and fails the run (exit 1) after the other harnesses have run.
# usage: fuzz.sh SECONDS build-fuzz/fuzz_NAME...
set -u
seconds=$1; shift
failed=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for bin in "$@"; do
    name=$(basename "$bin")
    mkdir -p "build-fuzz/corpus/$name"
    if "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="build-fuzz/crash-$name-" \
        "build-fuzz/corpus/$name" "fuzz/seeds/$name" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
        echo "$name: $seconds s, ${runs:-?} inputs, peak ${rss:-?} MB"
    else
        grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" || tail -n 20 "$log"
        echo "$name: FAILED"
        failed="$failed $name"
    fi
done
[ -z "$failed" ] || { echo "fuzzers that failed:$failed"; exit 1; }
