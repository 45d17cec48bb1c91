#!/bin/sh
# Integration: `lvslab sched` prints the kernel's sequences (rr newest
# first; wrr 4,3,2 starting in the last pass, as dests added one by one
# leave it) and the summary, Maglev keeping its connections when a server
# leaves where sh moves most of them, and bad input gets one line naming the bad
# argument and exit code 2.
set -eu
build=${LVSLAB_BUILD:-build}
bin=$build/lvslab
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM

fail() { echo "sched_cli: $*"; exit 1; }

# servers column of the pick lines, joined
servers() { sed -n '/^pick /,/^summary /p' "$1" | sed '1d;$d' | awk '{printf "%s ", $3}'; }

"$bin" sched rr --rs a:1 --rs b:1 --rs c:1 --picks 7 >"$dir/rr" || fail "rr exited $?"
[ "$(servers "$dir/rr")" = "c b a c b a c " ] || fail "rr: $(servers "$dir/rr")"
sed -n '/^summary /,$p' "$dir/rr" >"$dir/rr.sum"
printf 'summary server picks\na 2\nb 2\nc 3\n' | cmp -s - "$dir/rr.sum" || { cat "$dir/rr.sum"; fail "rr summary"; }

"$bin" sched wrr --rs c:2 --rs b:3 --rs a:4 --picks 12 --clients 10.1.0.1:1000 >"$dir/wrr" || fail "wrr exited $?"
[ "$(servers "$dir/wrr")" = "a b c a a b a b c a b c " ] || fail "wrr: $(servers "$dir/wrr")"
grep -qx '1 10.1.0.1:1000 a' "$dir/wrr" || fail "wrr: pick line"
grep -qx '#   a 10.0.0.3 weight 4' "$dir/wrr" || fail "wrr: list order line"

# lc counts held connections: the weight-2 server gets no more than the others
"$bin" sched lc --rs 10.0.0.7:2 --rs 10.0.0.8:1 --picks 4 >"$dir/lc"
[ "$(servers "$dir/lc")" = "10.0.0.8 10.0.0.7 10.0.0.8 10.0.0.7 " ] || fail "lc: $(servers "$dir/lc")"
grep -q 'holds one active connection' "$dir/lc" || fail "lc: header"

# errors: one line on stderr naming the argument, exit 2, nothing on stdout
check_error() { # expected-text args...
    want=$1; shift
    set +e
    "$bin" sched "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "sched $*: exit $rc, want 2"
    [ "$(wc -l <"$dir/err")" -eq 1 ] || fail "sched $*: $(cat "$dir/err")"
    grep -qF -- "$want" "$dir/err" || fail "sched $*: $(cat "$dir/err")"
    [ ! -s "$dir/out" ] || fail "sched $*: wrote to stdout"
}
check_error '"xyz"' xyz --rs a:1 --picks 1
check_error 'bad weight "x"' rr --rs a:x --picks 1
check_error 'no real server' rr --picks 3
check_error '"10.0.0.300"' rr --rs 10.0.0.300:1 --picks 1
check_error 'bad address "5.6.7"' sh --rs a:1 --picks 1 --clients 1.2.3.4,5.6.7
check_error '"sh-bogus"' sh --rs a:1 --picks 1 --flags sh-bogus
printf '10.1.0.5\n# comment\n\nnot-an-address\n' >"$dir/clients"
check_error "$dir/clients:4" mh --rs a:1 --picks 1 --clients-from "$dir/clients"

# a server leaves: Maglev moves few of the others' connections, sh most
for s in mh sh; do
    "$bin" sched $s --rs a:1 --rs b:1 --rs c:1 --rs d:1 --rs e:1 --picks 10000 --remove c >"$dir/$s-rm" ||
        fail "$s --remove exited $?"
done
mh=$(sed -n 's/^removed c: .*(\([0-9.]*\)%)$/\1/p' "$dir/mh-rm")
sh=$(sed -n 's/^removed c: .*(\([0-9.]*\)%)$/\1/p' "$dir/sh-rm")
awk -v m="$mh" -v s="$sh" 'BEGIN { exit !(m != "" && s != "" && m < 5 && s > 50) }' ||
    fail "moves on removal: mh $mh%, sh $sh%"
"$bin" sched mh --rs a:1 --picks 3 --remove z 2>"$dir/err" >/dev/null && fail "--remove of an unknown server accepted"
grep -q 'remove z: not one of the --rs' "$dir/err" || fail "--remove z: $(cat "$dir/err")"
echo "sched_cli: ok"
