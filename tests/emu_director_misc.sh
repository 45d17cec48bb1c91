#!/bin/sh
# keepalived's MISC_CHECK on the emulated director, with real scripts. A
# scenario made here (DR, two real servers, lan.lua) whose keepalived.conf
# checks rs2 with `test -e FILE` (a file in this test's temp dir) and rs1
# with a script under misc_dynamic, misc_timeout 2. Removing the file
# takes rs2 out of the director's SIGUSR1 listing (within delay_loop 1 s
# and slack), restoring it puts rs2 back; rs1's script exiting 7 sets its
# weight to 5, exiting 1 takes it out, exit 0 puts it back; a script that
# hangs is killed at misc_timeout (no process of it is left) and counts as
# a failure. Needs root and /dev/net/tun: skips (exit 77) without them.
tag_prefix=m
. "$(dirname "$0")/support/emu_world.sh"

cat >"$tmp/misc.lua" <<'LUA'
-- Written by tests/emu_director_misc.sh: one DR director checking its two
-- real servers with MISC_CHECK scripts (misc.conf beside this file).
local lan = require "lan"
scenario { name = "misc-check", description = "MISC_CHECK in the emulated world", duration = "1s",
           warmup = "0s", modes = { "dr" }, params = {} }
function build(run)
  local t = lan.build { mode = run.mode, clients = 1, servers = 2 }
  director(t.director, { vip = t.vip, keepalived = "misc.conf" })
end
LUA
cat >"$tmp/misc.conf" <<CONF
virtual_server 10.0.0.100 80 {
    delay_loop 1
    lb_algo wrr
    lb_kind DR
    protocol TCP
    real_server 10.0.0.11 80 {
        MISC_CHECK {
            misc_path "/bin/sh $tmp/rs1.sh"
            misc_timeout 2
            misc_dynamic
        }
    }
    real_server 10.0.0.12 80 {
        MISC_CHECK {
            misc_path "test -e $tmp/rs2.up"
        }
    }
}
CONF
echo 'exit 0' >"$tmp/rs1.sh"
touch "$tmp/rs2.up"

timeout 30 "$lvslab" emu up "$tmp/misc.lua" --tag "$tag" >"$tmp/up.log" 2>&1 ||
    { cat "$tmp/up.log"; echo "emu up failed"; exit 1; }
# expect WHAT REGEX yes|no: within 6 s the listing does (not) match
expect() {
    k=0
    while director_listing director; if grep -q -- "$2" "$work/director.status"; then [ "$3" = no ]; else [ "$3" = yes ]; fi; do
        k=$((k + 1)); [ $k -lt 30 ] || { echo "$1: not seen within 6 s"; cat "$work/director.status" "$work/director.log"; exit 1; }
        sleep 0.2
    done
    echo "$1: ok"
}
rs1='-> 10.0.0.11:80 *Route'
rs2='-> 10.0.0.12:80 *Route'

expect "both servers in at start" "$rs2" yes
expect "rs1 in at start" "$rs1" yes
rm "$tmp/rs2.up"
expect "file removed: rs2 out" "$rs2" no
grep -q "rs-down .* 10.0.0.12:80" "$work/director.log" || { echo "no rs-down for rs2 logged"; exit 1; }
touch "$tmp/rs2.up"
expect "file restored: rs2 back" "$rs2" yes
echo 'exit 7' >"$tmp/rs1.sh"
expect "misc_dynamic exit 7: rs1 weight 5" "$rs1 *5 " yes
echo 'exit 1' >"$tmp/rs1.sh"
expect "exit 1: rs1 out" "$rs1" no
echo 'exit 0' >"$tmp/rs1.sh"
expect "exit 0: rs1 back" "$rs1" yes
hang="sleep 30.$$"
echo "exec $hang" >"$tmp/rs1.sh"
expect "a hung script: rs1 out after misc_timeout" "$rs1" no
grep -q "killed after misc_timeout" "$work/director.log" || { echo "no kill logged"; cat "$work/director.log"; exit 1; }
echo 'exit 0' >"$tmp/rs1.sh"
expect "exit 0 again: rs1 back" "$rs1" yes
k=0
while pgrep -f "$hang" >/dev/null; do
    k=$((k + 1)); [ $k -lt 40 ] || { echo "the hung script still runs"; exit 1; }
    sleep 0.1
done
echo ok
