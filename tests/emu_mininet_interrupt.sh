#!/bin/sh
# A Mininet run stopped midway: SIGTERMs while wrk runs through the VIP make
# emu/mininet/lvslab_mininet.py report the interruption, exit 1, and leave
# no bridge, TAP, host shell, server, director or namespace behind (see
# tests/support/emu_mininet.sh).
mode=nat
. "$(dirname "$0")/support/emu_mininet.sh"
mininet_start --wrk-seconds 30
mininet_wait_line '^up: processes:' 60
mininet_record_namespaces
mininet_wait_line '^curl client1 ' 60
sleep 1     # into wrk's 30 s
# three at once, as an impatient user or a supervisor would send them
# (timeout(1) itself passes each on twice): the first unwinds the run, and
# none of the others may cut the unwinding short
for k in 1 2 3; do kill -TERM "$run_pid"; done
mininet_finish
[ "$run_rc" -eq 1 ] || { echo "interrupted run exited $run_rc, not 1"; exit 1; }
grep -q '^result: FAIL: interrupted by SIGTERM' "$out" || { echo "the interruption was not reported"; exit 1; }
nothing_left
echo ok
