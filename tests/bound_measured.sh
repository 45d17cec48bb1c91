#!/bin/sh
# The analytic bound against the measurement where one resource saturates:
# a 3:2:1 wrr pool of equal servers (the weight-3 server saturates with
# half the requests) and the director's CPU (DR and NAT), each within 5%;
# with wlc on that pool the shares follow the load, and the bound says it
# cannot bound instead of giving a number.
. "$(dirname "$0")/support/lvslab.sh"
tmp=$dir
fail() { echo "bound_measured: $*"; exit 1; }

# within DIR: every run's goodput within 5% of its bound, limited by $2
within() {
    python3 - "$1/results.json" "$2" <<'PY' || exit 1
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
for r in runs:
    g, b, by = r["goodput_mbps"], r["bound"]["goodput_mbps"], r["bound"]["limited_by"]
    if by != sys.argv[2] or not b or abs(g - b) > 0.05 * b:
        sys.exit("bound_measured: %s %s: %.1f Mbit/s measured, bound %s (%s)" % (sys.argv[1], r["mode"], g, b, by))
PY
}

run() { "$lvslab" run tests/fixtures/scenarios/wrr321.lua --quiet --jobs 1 "$@"; }
run --out "$tmp/wrr" || fail "wrr run"
within "$tmp/wrr" servers
run --set per_packet=200us --out "$tmp/cpu" || fail "cpu run"
within "$tmp/cpu" "director CPU"
run --set sched=wlc --mode dr --out "$tmp/wlc" || fail "wlc run"
grep -q '"detail": "cannot bound: with wlc' "$tmp/wlc/results.json" || fail "wlc: no 'cannot bound'"
grep -q '"goodput_mbps": null' "$tmp/wlc/results.json" || fail "wlc: a bound was given"
echo "bound_measured: wrr 3:2:1 and director-CPU saturation within 5% (DR, NAT); wlc on unequal servers unbounded"
