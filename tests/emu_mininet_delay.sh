#!/bin/sh
# Link delays on Mininet: emu/mininet/lvslab_mininet.py --shape on
# tests/fixtures/scenarios/emu-p2p.lua with delayed=1 (NAT; one-way delays of 1, 10, 5
# and 2 ms between the client and a real server) puts each of its five
# delayed links on a delay line, as lvslab emu up --shape does. The run
# passes (sha256, wrk without errors); its one fetch connects in at least
# the 36 ms the links' delays add up to, and in less than 120 ms (its first
# packet also waits for ARP at each hop: 36 ms more); five delay lines ran;
# nothing is left after.
mode=nat
scenario_args="tests/fixtures/scenarios/emu-p2p.lua --set delayed=1"
. "$(dirname "$0")/support/emu_mininet.sh"

mininet_start --shape --file-mb 2
mininet_wait_line '^up: processes:' 60
mininet_record_namespaces
mininet_finish
[ "$run_rc" -eq 0 ] && grep -q '^result: PASS' "$out" || { echo "delay: the Mininet run failed ($run_rc)"; exit 1; }
lines=$(sed -n 's/^up: processes: //p' "$out" | tr ' ' '\n' | grep -c '^link-[0-9]*-delay-line=' || true)
[ "$lines" -eq 5 ] || { echo "delay: $lines delay lines, not one per delayed link (5)"; exit 1; }
connect=$(sed -n 's/^curl client1 .*sha256 ok, .*, connected in \([0-9.]*\) ms$/\1/p' "$out")
awk -v c="${connect:-0}" 'BEGIN { exit !(c >= 36 && c < 120) }' ||
    { echo "delay: connected in ${connect:-?} ms, not within [36, 120) ms"; exit 1; }
echo "delay: connected in $connect ms through links of 36 ms round trip"
nothing_left
echo ok
