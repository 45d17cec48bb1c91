#!/bin/sh
# Runs the unit test binaries, then the integration scripts, and closes with
# one line "N passed, N failed" counting test cases; exits 1 on any failure.
# usage: run-tests.sh BUILD_DIR unit-binary... -- script...
set -u
build=$1; shift
passed=0; failed=0; failed_names=""

count() { # $1 = file with a Criterion synthesis line
    line=$(grep -a 'Synthesis:' "$1" | tail -n 1)
    p=$(printf '%s' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.*Failing: \([0-9]*\).*Crashing: \([0-9]*\).*/\1 \2/p')
    passed=$((passed + ${p:-0}))
    for n in $f; do failed=$((failed + n)); done
}

log=$(mktemp)
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    bin=$1; shift
    if "$bin" --short-filename >"$log" 2>&1; then
        count "$log"
    else
        cat "$log"
        count "$log"
        grep -q 'Synthesis:' "$log" || failed=$((failed + 1))
        failed_names="$failed_names $(basename "$bin")"
    fi
    grep -a 'Synthesis:' "$log" | sed "s|^|$(basename "$bin"): |"
done
[ $# -gt 0 ] && shift

export LVSLAB_BUILD="$build"
for script in "$@"; do
    if sh "$script" >"$log" 2>&1; then
        passed=$((passed + 1)); echo "$(basename "$script"): ok"
    else
        cat "$log"; failed=$((failed + 1))
        failed_names="$failed_names $(basename "$script")"
        echo "$(basename "$script"): FAILED"
    fi
done
rm -f "$log"

[ -n "$failed_names" ] && echo "failing:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
