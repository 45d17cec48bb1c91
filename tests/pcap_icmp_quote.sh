#!/bin/sh
# Integration: the ICMP fragmentation-needed a TUN director answers a
# full-size client segment with (lessons/tun-pmtu.lua, blocked=0) quotes
# that segment as Linux does, and the captures pass scripts/pcap-check.sh.
# The quote holds 548 bytes (a 576-byte error, icmp_send); it is the
# segment as the director received it but with the TTL one lower and the
# IP checksum to match (IPVS decrements the TTL before it checks the MTU);
# its TCP checksum is the client's, which tshark cannot verify on a cut
# quote: here it is compared with the segment itself.
. "$(dirname "$0")/support/lvslab.sh"
. "$(dirname "$0")/support/needs.sh"
need_tools tshark capinfos
fail() { echo "pcap_icmp_quote: $*"; exit 1; }
"$lvslab" run scenarios/lessons/tun-pmtu.lua --quiet --set blocked=0 --set duration=0.01s \
    --pcap='client1,director' --pcap-frames 300 --out "$dir/out" || fail "the run failed"
pc=$dir/out/pcap/tun/blocked-0
sh scripts/pcap-check.sh "$pc"/*.pcap >"$dir/check.txt" || { cat "$dir/check.txt"; fail "a capture fails pcap-check"; }
# id, TTL, IP checksum, TCP checksum of each received segment and of each quote
tshark -r "$pc/director-eth0.pcap" -Y 'frame.packet_flags_direction==1 && tcp.len > 1400 && !icmp' \
    -T fields -e ip.id -e ip.ttl -e tcp.checksum 2>/dev/null >"$dir/segs"
tshark -r "$pc/director-eth0.pcap" -Y 'frame.packet_flags_direction==2 && icmp.type==3 && icmp.code==4' \
    -T fields -E occurrence=l -e ip.len -e ip.id -e ip.ttl -e ip.checksum -e tcp.checksum 2>/dev/null >"$dir/quotes"
tshark -r "$pc/director-eth0.pcap" -Y 'frame.packet_flags_direction==2 && icmp.type==3 && icmp.code==4' \
    -T fields -E occurrence=f -e ip.len 2>/dev/null >"$dir/outer"
python3 - "$dir" <<'PY' || fail "a quote is not the segment as Linux quotes it"
import sys
d = sys.argv[1]
segs = {}
for line in open(d + "/segs"):
    ident, ttl, check = line.split()
    segs.setdefault(ident, (int(ttl), check))
quotes = [l.split() for l in open(d + "/quotes")]
outer = [int(l) for l in open(d + "/outer")]
assert len(quotes) >= 4, "only %d frag-needed errors" % len(quotes)
assert set(outer) == {576}, "errors of %s bytes, not 576" % sorted(set(outer))
for qlen, ident, ttl, ipsum, tcpsum in quotes:
    assert int(qlen) == 1500, "the quote's IP header says %s bytes, not the segment's 1500" % qlen
    assert ident in segs, "no received segment with IP id %s" % ident
    rttl, rsum = segs[ident]
    assert int(ttl) == rttl - 1, "quoted TTL %s, received %d" % (ttl, rttl)
    assert tcpsum == rsum, "quoted TCP checksum %s, the segment's %s" % (tcpsum, rsum)
print("pcap_icmp_quote: %d quotes match their segments" % len(quotes))
PY
# and the client's own capture: the errors it received pass too, with its first segments' checksums
n=$(tshark -r "$pc/client1-eth0.pcap" -Y 'icmp.type==3 && icmp.code==4' 2>/dev/null | wc -l)
[ "$n" -ge 2 ] || fail "the client received $n frag-needed errors"
echo "pcap_icmp_quote: ok"
