#!/bin/sh
# Golden results, as ns-3's regression tests: runs of the default scenario
# (scenarios/compare-modes.lua, seed 1) kept in tests/golden/ and compared
# byte for byte. What each run is, and when to refresh: tests/golden/README.md.
#
#   scripts/golden.sh check [--full] [BUILD_DIR]
#       runs the golden runs again into a temporary directory and compares:
#       short/results.json and the kept pcaps of the short run; then
#       full/results.json: the 1-server run of each mode (default length)
#       against its entry, or with --full the whole default run against the
#       whole file (as long as make demo). Exit 0 when every byte agrees,
#       else 1, naming what differs, where, and the refresh command.
#   scripts/golden.sh refresh [BUILD_DIR]
#       runs everything again and rewrites tests/golden/ (the short run's
#       pcaps only if tshark passes them). Only for a deliberate change of
#       behaviour, with the reason in the commit message.
#   scripts/golden.sh figures
#       the README's "make demo" figures, from tests/golden/full/results.json
#
# BUILD_DIR: the build whose lvslab runs (default: $LVSLAB_BUILD, else build).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"   # the record names the scenario as given: scenarios/compare-modes.lua

scenario=scenarios/compare-modes.lua
golden=tests/golden
# The short run: every mode at 2 servers, 1 ms of warm-up and 2 ms measured,
# every NIC captured; tests/golden keeps its results.json and these pcaps.
short_args="--set servers=2 --set warmup=1ms --set duration=2ms --pcap"
kept_pcaps=""
for m in nat tun dr fullnat; do
    kept_pcaps="$kept_pcaps pcap/$m/servers-2/director-eth0.pcap pcap/$m/servers-2/rs1-eth0.pcap"
done
# What check runs of the full default run without --full: its four 1-server runs.
subset_args="--set servers=1"
refresh_cmd="scripts/golden.sh refresh"

usage() { sed -n '6,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
cmd=$1; shift
full=0; build=${LVSLAB_BUILD:-build}
for a in "$@"; do
    case $a in
        --full) full=1 ;;
        -*) usage ;;
        *) build=$a ;;
    esac
done
lvslab=$build/lvslab
case $lvslab in /*) ;; *) lvslab=$root/$lvslab ;; esac

tmp=""
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM
newtmp() { tmp=$(mktemp -d "${TMPDIR:-/tmp}/lvslab-golden.XXXXXX"); }

# run DIR ARGS...: one lvslab run of the scenario into $tmp/DIR
run() {
    out=$tmp/$1; shift
    # shellcheck disable=SC2086
    if ! "$lvslab" run "$scenario" "$@" --jobs 2 --quiet --out "$out"; then
        echo "golden: lvslab run $scenario $* failed" >&2
        exit 1
    fi
}

[ "$cmd" = figures ] && exec python3 scripts/golden.py figures "$golden/full/results.json"
[ "$cmd" = check ] || [ "$cmd" = refresh ] || usage
[ -x "$lvslab" ] || { echo "golden: no $lvslab (make first)" >&2; exit 2; }

if [ "$cmd" = check ]; then
    newtmp
    failed=0
    differs() { failed=1; echo "DIFFERS: $*"; }

    # shellcheck disable=SC2086
    run short $short_args
    if cmp -s "$golden/short/results.json" "$tmp/short/results.json"; then
        echo "same: $golden/short/results.json"
    else
        differs "$golden/short/results.json"
        [ -f "$golden/short/results.json" ] &&
            python3 scripts/golden.py json-diff "$golden/short/results.json" "$tmp/short/results.json"
    fi
    for p in $kept_pcaps; do
        g=$golden/short/$p.gz
        if [ ! -f "$g" ]; then
            differs "$g is missing"
        elif gzip -dc "$g" | cmp -s - "$tmp/short/$p"; then
            echo "same: $g (decompressed)"
        else
            differs "$g (decompressed)"
            python3 scripts/golden.py pcap-diff "$g" "$tmp/short/$p"
        fi
    done
    rm -rf "$tmp/short"   # about 20 MB of captures

    if [ "$full" = 1 ]; then
        run full
        if cmp -s "$golden/full/results.json" "$tmp/full/results.json"; then
            echo "same: $golden/full/results.json"
        else
            differs "$golden/full/results.json"
            python3 scripts/golden.py json-diff "$golden/full/results.json" "$tmp/full/results.json"
        fi
    else
        # shellcheck disable=SC2086
        run subset $subset_args
        python3 scripts/golden.py runs "$golden/full/results.json" "$tmp/subset/results.json" ||
            differs "$golden/full/results.json"
    fi

    if [ "$failed" = 1 ]; then
        echo "golden: the runs no longer give the golden bytes. If the change is deliberate, run"
        echo "    $refresh_cmd"
        echo "and say why in the commit message (tests/golden/README.md); otherwise it is a regression."
        exit 1
    fi
    echo "golden: all agree"
    exit 0
fi

# refresh: every run again, the new tree built aside, then swapped in
newtmp
echo "golden: the full default run (as long as make demo), then the short run"
run full
# shellcheck disable=SC2086
run short $short_args
new=$tmp/new
mkdir -p "$new/full" "$new/short"
cp "$tmp/full/results.json" "$new/full/"
cp "$tmp/short/results.json" "$new/short/"
checked=""
for p in $kept_pcaps; do checked="$checked $tmp/short/$p"; done
# shellcheck disable=SC2086
if ! sh scripts/pcap-check.sh $checked; then
    echo "golden: tshark flags the new pcaps; $golden left as it was" >&2
    exit 1
fi
for p in $kept_pcaps; do
    mkdir -p "$(dirname "$new/short/$p")"
    if [ -f "$golden/short/$p.gz" ] && gzip -dc "$golden/short/$p.gz" | cmp -s - "$tmp/short/$p"; then
        cp "$golden/short/$p.gz" "$new/short/$p.gz"   # unchanged: keep its bytes
    else
        gzip -9 -n -c "$tmp/short/$p" >"$new/short/$p.gz"   # -n: no name or time inside
    fi
done
rm -rf "$golden/full" "$golden/short"
cp -R "$new/full" "$new/short" "$golden/"
echo "golden: $golden rewritten"
git status --short -- "$golden" 2>/dev/null || true
if ! python3 scripts/golden.py readme "$golden/full/results.json" README.md; then
    echo "golden: update README.md's \"make demo\" paragraph in the same commit"
fi
