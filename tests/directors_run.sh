#!/bin/sh
# Integration: several directors in one run. Cascading (the LVS project's
# nested load balancers): a DR front director whose two real servers are
# NAT directors, each holding the VIP on lo and NATing to a cluster of its
# own: every request completes and the four servers share them evenly; the
# analytic bound, which models one tier of directors, says it has none.
. "$(dirname "$0")/support/lvslab.sh"
fail() { echo "directors_run: $*"; exit 1; }

"$lvslab" run tests/fixtures/scenarios/cascade.lua --quiet --out "$dir/cascade" || fail "cascade run failed"
python3 - "$dir/cascade/results.json" <<'PY' || fail "the cascade does not spread requests over both clusters"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
assert r["requests"]["failed"] == 0 and r["requests"]["completed"] > 10000, r["requests"]
n = [s["requests"] for s in r["servers"]]
assert len(n) == 4 and min(n) > 0.2 * sum(n), r["servers"]
b = r["bound"]   # one tier of directors is modelled: a cascade is said to be unbounded
assert b["goodput_mbps"] is None and "cascading" in b["detail"], b
PY
echo "directors_run: ok"
