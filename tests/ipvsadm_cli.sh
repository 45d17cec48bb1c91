#!/bin/sh
# Integration: `lvslab ipvsadm` runs lines in order on one table and prints
# ipvsadm's listing byte for byte; a bad line (from the arguments or a file)
# stops the run with ipvsadm's message, where it came from, and exit code 2.
set -eu
build=${LVSLAB_BUILD:-build}
bin=$build/lvslab
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM

fail() { echo "ipvsadm_cli: $*"; exit 1; }

"$bin" ipvsadm "-A -t 10.0.0.100:80 -s wlc" "-a -t 10.0.0.100:80 -r 10.0.0.11 -g -w 2" \
    "ipvsadm -a -t 10.0.0.100:80 -r 10.0.0.12:8080 -m" "-A -u 10.0.0.100:53 -s sh -p" "-L -n" \
    >"$dir/list" || fail "exit $?"
cat >"$dir/want" <<'LIST'
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.100:80 wlc
  -> 10.0.0.11:80                 Route   2      0          0         
  -> 10.0.0.12:8080               Masq    1      0          0         
UDP  10.0.0.100:53 sh persistent 360
LIST
cmp -s "$dir/want" "$dir/list" || { diff "$dir/want" "$dir/list"; fail "listing differs"; }

rc=0
"$bin" ipvsadm "-A -t 10.0.0.100:80 -s rr" "-a -t 10.0.0.100:80 -r 10.0.0.11 -w 70000" \
    >/dev/null 2>"$dir/err" || rc=$?
[ "$rc" -eq 2 ] || fail "bad weight: exit $rc"
grep -qx 'lvslab ipvsadm: argument 2: illegal weight specified' "$dir/err" || fail "$(cat "$dir/err")"

printf '# a DR service\n-A -t 10.0.0.100:80 -s rr\n\n-a -t 10.0.0.100:80 -r 10.0.0.11 -g\n-d -t 10.0.0.100:80 -r 10.0.0.99\n' \
    >"$dir/rules"
rc=0
"$bin" ipvsadm -f "$dir/rules" >/dev/null 2>"$dir/err" || rc=$?
[ "$rc" -eq 2 ] || fail "no such destination: exit $rc"
grep -qx "lvslab ipvsadm: $dir/rules:5: No such destination" "$dir/err" || fail "$(cat "$dir/err")"
exit 0
