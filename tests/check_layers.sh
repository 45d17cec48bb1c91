#!/bin/sh
# make check-layers: passes on the tree as it is, and fails, naming the
# file, on a planted upward include (net/ including cmd/), a sideways one
# (emu/ including sim/), and an upward symbol reference (a net/ object
# calling a director function, planted in a copy of the net archive).
set -u
build=${LVSLAB_BUILD:-build}
layers="engine net lvs apps scenario sim|emu reports cmd"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check_layers: $*"; exit 1; }
# shellcheck disable=SC2086
check() { scripts/check-layers.sh "$@" engine net lvs apps scenario 'sim|emu' reports cmd; }

check --build "$build" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "the tree itself does not pass"; }

for l in engine net lvs apps scenario sim emu reports cmd; do cp -r "$l" "$tmp/"; done
echo '#include "cmd/cmd.h"' >>"$tmp/net/pkt.c"
check --root "$tmp" >"$tmp/out" 2>&1 && fail "an upward include passed"
grep -q 'net/pkt.c: net uses cmd, a higher layer' "$tmp/out" || { cat "$tmp/out"; fail "no word of net/pkt.c"; }
cp net/pkt.c "$tmp/net/pkt.c"

echo '#include "sim/world.h"' >>"$tmp/emu/tap.c"
check --root "$tmp" >"$tmp/out" 2>&1 && fail "a sideways include passed"
grep -q 'emu/tap.c: emu uses sim, its sibling' "$tmp/out" || { cat "$tmp/out"; fail "no word of emu/tap.c"; }

mkdir "$tmp/build"
cp "$build"/lib*.a "$tmp/build/"
printf 'void ipvs_conn_count(void *);\nvoid planted(void *p) { ipvs_conn_count(p); }\n' >"$tmp/planted.c"
cc -c "$tmp/planted.c" -o "$tmp/planted.o" && ar rs "$tmp/build/libnet.a" "$tmp/planted.o" 2>/dev/null
check --build "$tmp/build" >"$tmp/out" 2>&1 && fail "an upward symbol reference passed"
grep -q 'libnet.a: net uses lvs, a higher layer (ipvs_conn_count)' "$tmp/out" || { cat "$tmp/out"; fail "no word of the planted call"; }
echo "check_layers: the tree passes; a planted upward include, sideways include and upward call each fail"
