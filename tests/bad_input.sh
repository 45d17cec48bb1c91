#!/bin/sh
# Integration: every scenario under tests/bad/ fails with exit code 2 and
# exactly the error its .expect file holds (the script's file:line and a
# plain message), and writes no results.
. "$(dirname "$0")/support/lvslab.sh"
n=0
for script in tests/bad/*.lua; do
    set +e
    "$lvslab" run "$script" --quiet --jobs 1 --out "$dir/out" >/dev/null 2>"$dir/err"
    rc=$?
    set -e
    [ "$rc" = 2 ] || { echo "bad_input: $script: exit $rc, not 2"; exit 1; }
    cmp -s "$dir/err" "${script%.lua}.expect" ||
        { echo "bad_input: $script: got"; cat "$dir/err"; echo "expected"; cat "${script%.lua}.expect"; exit 1; }
    [ ! -e "$dir/out/results.json" ] || { echo "bad_input: $script: wrote results.json"; exit 1; }
    n=$((n + 1))
done
# Every run is built before any is simulated: the second run's build error
# stops all before the first run is simulated, so it captured nothing.
# The same for the last of eight runs of a sweep of two parameters.
for bad in second_run_bad last_run_bad; do
    set +e
    "$lvslab" run tests/bad/$bad.lua --quiet --jobs 1 --pcap --out "$dir/pcap-$bad" >/dev/null 2>"$dir/err"
    rc=$?
    set -e
    [ "$rc" = 2 ] && cmp -s "$dir/err" tests/bad/$bad.expect ||
        { echo "bad_input: $bad.lua --pcap: exit $rc"; cat "$dir/err"; exit 1; }
    [ -z "$(find "$dir/pcap-$bad" -type f 2>/dev/null)" ] ||
        { echo "bad_input: $bad.lua: the first run was simulated:"; find "$dir/pcap-$bad" -type f; exit 1; }
done
[ "$n" -ge 22 ] || { echo "bad_input: only $n bad scripts"; exit 1; }
echo "bad_input: ok ($n scripts)"
