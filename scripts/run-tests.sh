#!/bin/sh
# Runs the unit test binaries, then the integration scripts, and closes with
# one line "N passed, N failed, N skipped" counting test cases (each
# Criterion test, each script); exits 1 on any failure.
#
# A test that cannot run here is skipped, never passed: a Criterion test
# calls cr_skip_test("reason") (the tests that need root), a script exits
# 77 with a one-line reason on stdout (no root, no /dev/net/tun, a tool
# missing). Criterion's "Synthesis:" line leaves skipped tests out of every
# count, so each binary also writes a TAP report (--tap=FILE), one line per
# test: "ok - suite::test", "ok - suite::test  # SKIP reason" or
# "not ok - suite::test"; the counts come from there. A test the report
# plans but never gives a line counts as failed, and so does a binary that
# exits non-zero (or writes no report) without any "not ok" line.
#
# The skipped are named on a "skipped:" line and the failed on a
# "failing:" line before the closing one. With CI=true a skip fails the run
# as well (CI must run everything): the runner says so and exits 1.
# usage: run-tests.sh BUILD_DIR unit-binary... -- script...
set -u
build=$1; shift
passed=0; failed=0; skipped=0; failed_names=""; skipped_names=""

log=$(mktemp); tap=$(mktemp)
trap 'rm -f "$log" "$tap"' EXIT
trap 'exit 1' INT TERM

# tap_count PATTERN: the report's lines matching the extended regex
tap_count() { grep -aEc "$1" "$tap" || true; }

while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    bin=$1; shift
    name=$(basename "$bin")
    : >"$tap"
    "$bin" --short-filename --tap="$tap" >"$log" 2>&1
    rc=$?
    p=$(grep -aE '^ok - ' "$tap" | grep -avEc '^ok - [^ ]+ +# SKIP' || true)
    s=$(tap_count '^ok - [^ ]+ +# SKIP')
    f=$(tap_count '^not ok - ')
    plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n 1)
    short=$(( ${plan:-0} - p - s - f ))       # tests with no result line
    [ "$short" -gt 0 ] && f=$((f + short))
    if [ "$rc" -ne 0 ] || [ -z "$plan" ]; then   # failed (or no report), and no test says why
        [ "$f" -gt 0 ] || f=1
    fi
    passed=$((passed + p)); skipped=$((skipped + s)); failed=$((failed + f))
    if [ "$f" -gt 0 ]; then
        cat "$log"
        failed_names="$failed_names $name"
    fi
    # each skipped test as BINARY:SUITE/TEST, what --filter takes
    for t in $(sed -n 's/^ok - \([^ ]*\) *# SKIP.*/\1/p' "$tap" | sed 's|::|/|'); do
        skipped_names="$skipped_names $name:$t"
    done
    grep -a 'Synthesis:' "$log" | sed "s|^|$name: |"
    sed -n 's/^ok - \([^ ]*\) *# SKIP *\(.*\)/\1 (\2)/p' "$tap" | sed "s|::|/|; s|^|$name: skipped |"
done
[ $# -gt 0 ] && shift

export LVSLAB_BUILD="$build"
for script in "$@"; do
    name=$(basename "$script")
    sh "$script" >"$log" 2>&1
    rc=$?
    case $rc in
    0)  passed=$((passed + 1)); echo "$name: ok" ;;
    77) skipped=$((skipped + 1)); skipped_names="$skipped_names $name"
        echo "$name: skipped ($(grep -av '^[[:space:]]*$' "$log" | tail -n 1 | sed 's/^skipped: *//'))" ;;
    *)  cat "$log"; failed=$((failed + 1))
        failed_names="$failed_names $name"
        echo "$name: FAILED (exit $rc)" ;;
    esac
done

[ -n "$failed_names" ] && echo "failing:$failed_names"
[ -n "$skipped_names" ] && echo "skipped:$skipped_names"
ci_skip=0
if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
    echo "CI=true: nothing may be skipped, and $skipped were (see 'skipped:' above): the run fails"
    ci_skip=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$ci_skip" -eq 0 ]
