#!/bin/sh
# Integration: a capture shows "previous segment not captured" only where a
# frame was really lost before its tap. One download over one link
# (scenarios/tcp-download.lua): with a queue that never fills the run
# reports no drop and neither capture has a gap (LOST_MAX=0); with a
# 20-packet queue the server's queue drops segments, which neither the
# server's tap (after the queue, as Linux's) nor the client's sees: both
# captures have gaps, at most one per drop, and LOST_MAX=0 fails them.
. "$(dirname "$0")/support/lvslab.sh"
. "$(dirname "$0")/support/needs.sh"
need_tools tshark capinfos
fail() { echo "pcap_lost_segments: $*"; exit 1; }
drops() {
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
print(sum(l["drops"] for l in r["links"]))' "$1/results.json"
}
for q in 1000 20; do
    "$lvslab" run scenarios/tcp-download.lua --quiet --set duration=0.3s --set queue=$q --pcap \
        --out "$dir/q$q" || fail "the run with queue $q failed"
done
[ "$(drops "$dir/q1000")" -eq 0 ] || fail "the 1000-packet queue dropped $(drops "$dir/q1000") frames"
LOST_MAX=0 sh scripts/pcap-check.sh "$dir"/q1000/pcap/dr/*.pcap >"$dir/clean.txt" ||
    { cat "$dir/clean.txt"; fail "a gap in the captures of a run without drops"; }
n=$(drops "$dir/q20")
[ "$n" -gt 0 ] || fail "the 20-packet queue dropped nothing"
LOST_MAX=$n sh scripts/pcap-check.sh "$dir"/q20/pcap/dr/*.pcap >"$dir/lossy.txt" ||
    { cat "$dir/lossy.txt"; fail "more gaps than the $n frames dropped"; }
for f in "$dir"/q20/pcap/dr/client-eth0.pcap "$dir"/q20/pcap/dr/server-eth0.pcap; do
    gaps=$(tshark -r "$f" -Y tcp.analysis.lost_segment 2>/dev/null | grep -c .) || true
    [ "$gaps" -gt 0 ] || fail "$(basename "$f") shows none of the $n drops"
done
LOST_MAX=0 sh scripts/pcap-check.sh "$dir"/q20/pcap/dr/server-eth0.pcap >/dev/null &&
    fail "LOST_MAX=0 passes a capture with gaps"
echo "pcap_lost_segments: ok ($n drops; $(grep -o '[0-9]* segments not captured' "$dir/lossy.txt" | head -1))"
