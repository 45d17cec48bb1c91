#!/bin/sh
# Integration: `lvslab run` end to end on a small scenario (two modes, a
# sweep of 1 and 3 servers, rs1 failing at 1 s). The record validates and
# holds every run with its measurements and the failure event; the same
# seed gives byte-identical results.json and pcaps, whether runs go one at a
# time or side by side; another seed gives other captures; every pcap passes
# tshark; bad usage and bad scripts exit 2 naming the problem.
. "$(dirname "$0")/support/lvslab.sh"
fail() { echo "run_cli: $*"; exit 1; }
short="--set duration=1500ms --set warmup=250ms --quiet"

"$lvslab" run --help | grep -q -- '--pcap' || fail "--help does not list --pcap"

# shellcheck disable=SC2086
"$lvslab" run tests/fixtures/scenarios/good.lua $short --pcap --out "$dir/a" --jobs 1 ||
    fail "the run failed"
"$lvslab" report "$dir/a" >/dev/null || fail "lvslab report rejects the record"
for f in results.json runs.csv servers.csv timeseries.csv events.csv summary.md index.html; do
    [ -s "$dir/a/$f" ] || fail "$f missing"
done
python3 - "$dir/a/results.json" <<'PY' || fail "results.json is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
runs = d["runs"]
assert [(r["mode"], r["sweep"]["servers"]) for r in runs] == [("dr", 1), ("dr", 3), ("nat", 1), ("nat", 3)], runs
for r in runs:
    assert r["requests"]["completed"] > 100, r["requests"]
    assert r["goodput_mbps"] > 0 and r["latency_ms"]["p50"] > 0
    assert r["duration_s"] == 1.5
    kinds = [(e["kind"], e["what"], e["t_s"]) for e in r["events"]]
    assert ("rs_fail", "rs1", 1.0) in kinds, kinds
    assert len(r["servers"]) == r["sweep"]["servers"]
    # each share is written to 9 significant digits (5e-10 at most off): their sum to n times that
    assert abs(sum(s["share"] for s in r["servers"]) - 1) <= len(r["servers"]) * 5e-10 + 1e-15, r["servers"]
    assert r["director"]["conns_max"] > 0
    assert r["bound"]["goodput_mbps"] > r["goodput_mbps"] * 0.5
    assert len(r["pcaps"]) > 0 and all(p.startswith("pcap/%s/servers-" % r["mode"]) for p in r["pcaps"])
    assert len(r["timeseries"]["t_s"]) == len(r["timeseries"]["goodput_mbps"]) > 10
PY

# the same seed, side by side: the same bytes
# shellcheck disable=SC2086
"$lvslab" run tests/fixtures/scenarios/good.lua $short --pcap --out "$dir/b" --jobs 2 || fail "second run failed"
cmp "$dir/a/results.json" "$dir/b/results.json" || fail "results.json differs between two runs of one seed"
n=0
for p in "$dir"/a/pcap/*/*/*.pcap; do
    cmp "$p" "$dir/b/${p#"$dir"/a/}" || fail "$p differs between two runs of one seed"
    bad=$(tshark -r "$p" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
          -Y '_ws.malformed || _ws.expert.severity == error || ip.checksum.status == 0 || tcp.checksum.status == 0' \
          2>&1 | grep -v '^Running as user' | head -3)   # tshark's warning when run as root
    [ -z "$bad" ] || fail "tshark: $p: $bad"
    n=$((n + 1))
done
[ "$n" -gt 20 ] || fail "only $n pcaps"

# another seed: other draws. good.lua's sizes and think time are fixed, so
# its measurements need not move; the stacks' initial sequence numbers and
# ephemeral ports do, and with them the bytes of every capture.
# shellcheck disable=SC2086
"$lvslab" run tests/fixtures/scenarios/good.lua $short --seed 7 --mode nat --pcap --out "$dir/c" ||
    fail "seed 7 failed"
python3 - "$dir/c/results.json" <<'PY' || fail "--mode nat ran other modes"
import json, sys
assert [r["mode"] for r in json.load(open(sys.argv[1]))["runs"]] == ["nat", "nat"]
PY
for p in "$dir"/c/pcap/nat/*/*.pcap; do
    ! cmp -s "$p" "$dir/a/${p#"$dir"/c/}" || fail "--seed changed nothing in $p"
done

# a run without --pcap into c replaces its simulated runs and their
# captures: no pcap/ left from the --pcap run, no pcaps listed; an
# emulated run's captures (pcap-emu/) are not its own and stay
mkdir -p "$dir/c/pcap-emu/nat" && : >"$dir/c/pcap-emu/nat/director-tap0.pcap"
# shellcheck disable=SC2086
"$lvslab" run tests/fixtures/scenarios/good.lua $short --mode dr --out "$dir/c" || fail "the run into c failed"
[ ! -e "$dir/c/pcap" ] || fail "pcap/ of the earlier --pcap run is still in c: $(find "$dir/c/pcap" -type f | head -3)"
[ -e "$dir/c/pcap-emu/nat/director-tap0.pcap" ] || fail "the run removed pcap-emu/"
python3 - "$dir/c/results.json" <<'PY' || fail "results.json lists pcaps of no --pcap run"
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
assert [r["mode"] for r in runs] == ["dr", "dr"] and all(r["pcaps"] == [] for r in runs), runs
PY

# bad usage: exit 2 and a message naming the problem (bad scripts: tests/bad_input.sh)
expect2() { # pattern, args...
    pattern=$1; shift
    set +e
    out=$("$lvslab" run "$@" --quiet --out "$dir/bad" 2>&1)
    rc=$?
    set -e
    [ "$rc" = 2 ] || fail "lvslab run $*: exit $rc, not 2"
    printf '%s' "$out" | grep -q -- "$pattern" || fail "lvslab run $*: no \"$pattern\" in: $out"
}
expect2 'which scenario'
expect2 'tun: not one of' tests/fixtures/scenarios/good.lua --mode tun
expect2 'nosuch' tests/fixtures/scenarios/good.lua --set nosuch=1
expect2 'jobs' tests/fixtures/scenarios/good.lua --jobs 0
expect2 'unknown option' tests/fixtures/scenarios/good.lua --bogus
[ ! -e "$dir/bad/results.json" ] || fail "a failed run wrote results.json"
echo "run_cli: ok"
