#!/bin/sh
# Integration: keepalived in scenario runs. A MISC_CHECK answered by the
# scenario's misc_check predicate takes rs2 out within one delay_loop of its
# going out of service and back within one of its return; a predicate that
# answers neither true nor false fails the run naming it. HTTP_GET on a
# NAT pool of lvslab web servers keeps every server and fails no request;
# a page answering 503 or a body off the digest takes its server out.
# keepalived.conf's warnings (e-mail alerts ignored; lb_kind DR over real
# servers set up for NAT) are printed once before the runs, and ignored
# keywords change no result.
# `lvslab keepalived --check` passes keepalived's sample with one warning
# and names every typo of a bad file. With
# lvs_sync_daemon the downloads through a director that dies survive on
# the backup; without it every one is reset.
# A vrrp_script answered by the scenario's vrrp_script predicate (failing
# from 3 s to 6 s, fall 2, rise 2): weight -60 hands the VIP over at the
# backup's master-down interval and takes it back after the rise; weight 0
# puts the master in FAULT at 4 s, the backup taking over after its skew
# time, and out of it at 7 s. A predicate that answers no boolean fails the
# run naming it. A NAT pair's one instance holding the servers' gateway on
# eth1 ("dev eth1") hands it to the backup with the VIP: the download
# survives the master.
. "$(dirname "$0")/support/lvslab.sh"
fail() { echo "keepalived_run: $*"; exit 1; }

"$lvslab" run tests/fixtures/scenarios/misc_check.lua --quiet --out "$dir/misc" || fail "misc_check run failed"
python3 - "$dir/misc/results.json" <<'PY' || fail "MISC_CHECK events are wrong"
import json, sys
ev = [(e["t_s"], e["kind"], e["what"]) for e in json.load(open(sys.argv[1]))["runs"][0]["events"]]
down = [t for t, k, w in ev if k == "rs_down" and w == "rs2"]
up = [t for t, k, w in ev if k == "rs_up" and w == "rs2"]
assert len(down) == 1 and 3.0 <= down[0] <= 4.0, ev
assert len(up) == 1 and 6.0 <= up[0] <= 7.0, ev
assert not [e for e in ev if e[2] == "rs1"], ev
PY
set +e
out=$("$lvslab" run tests/fixtures/scenarios/misc_check.lua --quiet --set broken=true --out "$dir/broken" 2>&1)
rc=$?
set -e
[ "$rc" = 2 ] || fail "a broken predicate: exit $rc, not 2"
printf '%s' "$out" | grep -q 'misc_check "in-service": the predicate returned a string' ||
    fail "a broken predicate: $out"

"$lvslab" run tests/fixtures/scenarios/http_get.lua --quiet --out "$dir/http" 2>"$dir/http.err" ||
    fail "http_get run failed"
[ ! -s "$dir/http.err" ] || fail "http_get run: $(cat "$dir/http.err")"
"$lvslab" run tests/fixtures/scenarios/http_get.lua --quiet --set bad=true --out "$dir/http-bad" ||
    fail "http_get bad=true run failed"
python3 - "$dir/http/results.json" "$dir/http-bad/results.json" <<'PY' || fail "HTTP_GET verdicts are wrong"
import json, sys
good = json.load(open(sys.argv[1]))["runs"][0]
assert good["events"] == [], good["events"]
assert good["requests"]["failed"] == 0 and good["requests"]["completed"] > 1000, good["requests"]
assert all(s["requests"] > 1000 for s in good["servers"]), good["servers"]
bad = json.load(open(sys.argv[2]))["runs"][0]
down = sorted(e["what"] for e in bad["events"] if e["kind"] == "rs_down")
assert down == ["rs2", "rs3"] and all(e["t_s"] < 2.0 for e in bad["events"]), bad["events"]
PY

# The same file with global_defs' e-mail alerts: one warning, printed once
# before the runs (not per run), and the same results.
"$lvslab" run tests/fixtures/scenarios/http_get.lua --quiet --set notes=true --out "$dir/notes" 2>"$dir/notes.err" ||
    fail "http_get notes=true run failed"
[ "$(wc -l <"$dir/notes.err")" = 1 ] && grep -qx 'lvslab run: warning: tests/fixtures/scenarios/keepalived/http_get_notes.conf: ignored, as they do not change the simulation: notification_email (line 5), notification_email_from (line 9), smtp_server (line 10), smtp_connect_timeout (line 11)' \
    "$dir/notes.err" || fail "e-mail alerts: $(cat "$dir/notes.err")"
python3 - "$dir/http/results.json" "$dir/notes/results.json" <<'PY' || fail "e-mail alerts change the run"
import json, sys
a, b = (json.load(open(f))["runs"] for f in sys.argv[1:3])
for x, y in zip(a, b):   # the parameters differ in notes alone, as --set says
    px, py = x.pop("params"), y.pop("params")
    assert (px.pop("notes"), py.pop("notes")) == (False, True) and px == py, (px, py)
assert a == b
PY

# lb_kind DR over real servers set up for NAT (the nat run of lb_kind.lua):
# one warning per real server, naming both modes, before the runs.
"$lvslab" run tests/fixtures/scenarios/lb_kind.lua --quiet --out "$dir/lbkind" 2>"$dir/lbkind.err" ||
    fail "lb_kind run failed"
[ "$(wc -l <"$dir/lbkind.err")" = 2 ] &&
    grep -q '^lvslab run: warning: .*misc.conf:9: real_server 10.0.0.11 80 of virtual_server TCP 10.0.0.100:80: lb_kind DR (line 3), but the scenario sets rs1 up for nat' "$dir/lbkind.err" &&
    grep -q 'misc.conf:14: real_server 10.0.0.12 80 .*lb_kind DR .*sets rs2 up for nat' "$dir/lbkind.err" ||
    fail "lb_kind against the wiring: $(cat "$dir/lbkind.err")"

# lvslab keepalived --check, as keepalived -t: keepalived's own sample is
# valid with one warning; a file with two typos names both and fails.
"$lvslab" keepalived --check tests/fixtures/keepalived/stock_sample.conf >"$dir/check.out" 2>"$dir/check.err" ||
    fail "--check refused keepalived's sample: $(cat "$dir/check.err")"
[ "$(wc -l <"$dir/check.err")" = 1 ] && grep -q 'ignored, as they do not change the simulation: notification_email' \
    "$dir/check.err" || fail "--check on the sample: $(cat "$dir/check.err")"
printf 'virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n real_sever 10.0.0.2 80 {\n }\n delay_lop 3\n}\n' \
    >"$dir/typos.conf"
set +e
"$lvslab" keepalived --check "$dir/typos.conf" >/dev/null 2>"$dir/typos.err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "--check on typos: exit $rc, not 2"
grep -q "typos.conf:4: unknown keyword \`real_sever\` in virtual_server (did you mean real_server?)" "$dir/typos.err" &&
    grep -q "typos.conf:6: unknown keyword \`delay_lop\` in virtual_server (did you mean delay_loop?)" "$dir/typos.err" ||
    fail "--check on typos: $(cat "$dir/typos.err")"

"$lvslab" run scenarios/lessons/failover-sync.lua --quiet --out "$dir/sync" || fail "failover-sync run failed"
python3 - "$dir/sync/results.json" <<'PY' || fail "sync does not decide whether downloads survive"
import json, sys
runs = {r["sweep"]["sync"]: r for r in json.load(open(sys.argv[1]))["runs"]}
assert runs[1]["requests"] == {"completed": 2, "failed": 0, "in_flight": 0}, runs[1]["requests"]
assert runs[0]["requests"] == {"completed": 0, "failed": 2, "in_flight": 0}, runs[0]["requests"]
for r in runs.values():
    t = [e["t_s"] for e in r["events"] if e["kind"] == "vrrp_master" and e["what"] == "director2"]
    assert t and 2.0 < t[0] <= 2.0 + 3.609375, r["events"]
PY
"$lvslab" run tests/fixtures/scenarios/track_script.lua --quiet --out "$dir/track" || fail "track_script run failed"
python3 - "$dir/track/results.json" <<'PY' || fail "tracked scripts do not move the VIP as keepalived"
import json, sys
runs = {r["sweep"]["weight"]: r for r in json.load(open(sys.argv[1]))["runs"]}
def ev(r):
    return [(round(e["t_s"], 3), e["kind"], e["what"], e["detail"].split(" (")[1].rstrip(")")) for e in r["events"]]
neg, zero = ev(runs[-60]), ev(runs[0])
# weight -60: 150 - 60 = 90 < 100 from the second failure at 4 s; the backup
# ignores the adverts of 90 and takes over 3 + (256-100)/256 s after the
# last one of 150 (3.004 s)
assert [e[1:] for e in neg] == [("vrrp_master", "director", "master_down"), ("vrrp_master", "director2", "preempt"),
                                ("vrrp_backup", "director", "higher_priority"), ("vrrp_master", "director", "preempt"),
                                ("vrrp_backup", "director2", "higher_priority")], neg
assert neg[1][0] == round(3.00390625 + 3 + 156 / 256, 3), neg
assert neg[3][0] > 7.0, neg
# weight 0: FAULT, priority 0 sent, the backup master after its skew time
assert zero[1] == (4.0, "vrrp_fault", "director", "track_script"), zero
assert zero[2][1:] == ("vrrp_master", "director2", "priority_zero") and zero[2][0] == round(4.0 + 156 / 256, 3), zero
assert zero[3] == (7.0, "vrrp_backup", "director", "track_script_ok"), zero
assert zero[4][1:] == ("vrrp_master", "director", "preempt"), zero
for r in runs.values():
    assert r["requests"]["failed"] == 0 and r["requests"]["completed"] > 1000, r["requests"]
PY
set +e
out=$("$lvslab" run tests/fixtures/scenarios/track_script.lua --quiet --set broken=true --out "$dir/track-broken" 2>&1)
rc=$?
set -e
[ "$rc" = 2 ] || fail "a broken vrrp_script predicate: exit $rc, not 2"
printf '%s' "$out" | grep -q 'vrrp_script "pidof nginx": the predicate returned a number' ||
    fail "a broken vrrp_script predicate: $out"
"$lvslab" run tests/fixtures/scenarios/nat_pair_dev.lua --quiet --out "$dir/natdev" || fail "nat_pair_dev run failed"
python3 - "$dir/natdev/results.json" <<'PY' || fail "a VIP on dev eth1 does not follow the master"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
assert r["requests"] == {"completed": 1, "failed": 0, "in_flight": 0}, r["requests"]
PY
echo "keepalived_run: ok"
