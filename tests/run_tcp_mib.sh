#!/bin/sh
# results.json's tcp object sums every host's TCP over the window under
# Linux's MIB names. The NAT run of the default scenario drops at the
# director's NIC, so its receivers see duplicates: they send D-SACKs
# (TCPDSACKOldSent), the senders count those that arrive (TCPDSACKRecv, at
# most as many), and every counter is present and a count.
. "$(dirname "$0")/support/lvslab.sh"
out=$dir/out
"$lvslab" run scenarios/compare-modes.lua --mode nat --set servers=1 --quiet --out "$out" ||
    { echo "run_tcp_mib: the run failed"; exit 1; }
python3 - "$out/results.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["runs"][0]["tcp"]
names = ["OutSegs", "RetransSegs", "TCPTimeouts", "TCPLossProbes", "TCPLossProbeRecovery", "TCPRecoveries",
         "TCPLostRetransmit", "TCPDSACKOldSent", "TCPDSACKOfoSent", "TCPDSACKRecv", "TCPDSACKUndo", "TCPFullUndo"]
bad = [n for n in names if not isinstance(t.get(n), int) or t[n] < 0]
if bad or sorted(t) != sorted(names):
    sys.exit("run_tcp_mib: counters %s; bad %s" % (sorted(t), bad))
if not 0 < t["RetransSegs"] < t["OutSegs"]:
    sys.exit("run_tcp_mib: %d retransmitted of %d sent" % (t["RetransSegs"], t["OutSegs"]))
sent = t["TCPDSACKOldSent"] + t["TCPDSACKOfoSent"]
if not sent or not 0 < t["TCPDSACKRecv"] <= sent:
    sys.exit("run_tcp_mib: %d D-SACKs sent, %d received" % (sent, t["TCPDSACKRecv"]))
print("run_tcp_mib: %d segments, %d resent, %d D-SACKs sent, %d received: ok"
      % (t["OutSegs"], t["RetransSegs"], sent, t["TCPDSACKRecv"]))
PY
