#!/bin/sh
# Issue 20's sim-vs-emu TCP check, reduced: one download at 100 Mbit/s over
# RTT 1 and 10 ms without loss, simulated and emulated with Linux's TCP
# (scripts/tcp-validate.sh --quick); each simulated goodput is within 10% of
# Linux's. (The full table, with loss, 1 Gbit/s and 50 ms, is
# scripts/tcp-validate.sh's, in docs/fidelity.md.) About 40 s.
# Needs root, namespaces, /dev/net/tun, iperf3 and tc: skips (exit 77) without.
. "$(dirname "$0")/support/lvslab.sh"
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun; need_tools iperf3 tc
sh scripts/tcp-validate.sh "$build" --quick --print >"$dir/table.md" 2>"$dir/log" ||
    { cat "$dir/log" "$dir/table.md"; echo "tcp_validate: the script failed"; exit 1; }
cat "$dir/table.md"
rows=$(grep -c '^| 100 Mbit/s' "$dir/table.md" || true)
[ "$rows" -eq 2 ] || { echo "tcp_validate: expected 2 rows, got $rows"; exit 1; }
if grep '^| 100 Mbit/s' "$dir/table.md" | grep -v '| yes |' >/dev/null; then
    echo "tcp_validate: a row is not within 10% of Linux"
    exit 1
fi
echo "tcp_validate: ok"
