#!/bin/sh
# Checks pcaps the way every lvslab test does: each file opens in tshark,
# holds at least MIN_FRAMES frames (default 1), and has no malformed frame,
# no bad IPv4/TCP/UDP checksum and no expert error. TCP streams are
# reassembled, as tshark does by default: judged frame by frame, heuristic
# dissectors take random payload for malformed messages (a body segment
# starting with CR LF for HTTP, CoAP options), which failed emulated runs.
# LVSLAB_ADDRS="a.b.c.d ..." (the addresses of the lvslab host that took
# the capture, on real interfaces) excuses one thing in TCP segments from
# other sources, which Linux checksummed and lvslab at most forwarded: a
# checksum of 0xffff, the one's-complement zero that Linux writes when it
# resolves a partial checksum in software (skb_checksum_help's
# CSUM_MANGLED_0), which tshark calls an error. Its own segments get none.
# TCP segments are reassembled out of order too (tcp.reassemble_out_of_order,
# off by default): in order only, tshark hands a retransmission whose data
# lies in a message it already reassembled to reassembly again and reports
# "New fragment overlaps old data (retransmission?)" as malformed (a real
# server's fast retransmission; a one-armed TUN director's capture, which
# holds each client segment twice, in and tunnelled out).
# An ICMP error that quotes a TCP segment only in part (Linux quotes up to
# 576 bytes: a full-size segment's first 528) is judged with the TCP
# checksum unchecked: tshark 4.0 sums the quoted part as if it were the
# whole segment and calls the original's right checksum bad. The ICMP
# checksum, which covers the quote, and the rest stay checked
# (docs/fidelity.md, "Captures").
# LOST_MAX=N also fails a capture with more than N TCP segments flagged
# "previous segment not captured" (give the frames the run dropped before
# or on the capture's links: a capture shows such a gap only where a frame
# was lost, in a queue, on a link or in a backlog, before its tap).
# usage: pcap-check.sh FILE...      exit 0 when all pass; prints one line per file
set -u
min=${MIN_FRAMES:-1}
bad='ip.checksum.status==0 || tcp.checksum.status==0 || udp.checksum.status==0 || icmp.checksum.status==0 || _ws.malformed || _ws.expert.severity==error'
if [ -n "${LVSLAB_ADDRS:-}" ]; then
    addrs=$(echo "$LVSLAB_ADDRS" | sed 's/  */, /g')   # tshark 4 wants commas in a set
    bad="($bad) && !(tcp.checksum == 0xffff && !(ip.src in {$addrs}) && ip.checksum.status == 1 && !_ws.malformed)"
fi
# a quote cut short: the last IP header (the quoted one, or the header
# inside a quoted tunnel packet) counts more bytes than the ICMP carries
cut_quote="icmp && icmp.checksum.status==1 && tcp && ((count(ip)==2 && ip.len#2 > len(icmp) - 8)"
for n in 3 4; do
    cut_quote="$cut_quote || (count(ip)==$n && ip.len#$n > len(icmp) - 8)"
done
cut_quote="$cut_quote)"
ooo="-o tcp.reassemble_out_of_order:TRUE"
opts="$ooo -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE"
cut_opts="$ooo -o ip.check_checksum:TRUE -o tcp.check_checksum:FALSE -o udp.check_checksum:TRUE"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# flagged FILE: the frames of FILE flagged, one line each; fails, with
# tshark's message in $tmp/err, when tshark does (a filter or file tshark
# cannot take is a failure, not an empty match)
flagged() {
    # shellcheck disable=SC2086
    tshark -r "$1" $opts -Y "($bad) && !($cut_quote)" 2>"$tmp/err" &&
        tshark -r "$1" $cut_opts -Y "($bad) && ($cut_quote)" 2>>"$tmp/err"
}

status=0
for f in "$@"; do
    frames=$(capinfos -T -r -M -c "$f" 2>/dev/null | cut -f2)
    frames=${frames:-0}
    how=""
    if ! flagged "$f" >"$tmp/all"; then
        echo "$f: tshark failed: $(cat "$tmp/err")"
        status=1
        continue
    fi
    n=$(grep -c . "$tmp/all")
    lost_ok=true
    if [ -n "${LOST_MAX:-}" ]; then
        # shellcheck disable=SC2086
        lost=$(tshark -r "$f" $ooo -Y tcp.analysis.lost_segment 2>/dev/null | grep -c .)
        how="$how, $lost segments not captured (at most $LOST_MAX)"
        [ "$lost" -le "$LOST_MAX" ] || lost_ok=false
    fi
    if [ "$frames" -lt "$min" ] || [ "$n" -ne 0 ] || ! $lost_ok; then
        echo "$f: $frames frames, $n flagged$how: FAILED"
        fields="-e frame.number -e frame.time_relative -e ip.src -e ip.dst -e ip.checksum.status -e tcp.checksum
            -e tcp.checksum.status -e udp.checksum.status -e _ws.malformed -e _ws.expert.message"
        # shellcheck disable=SC2086
        [ "$n" -ne 0 ] && { tshark -r "$f" $opts -Y "($bad) && !($cut_quote)" -T fields -E header=y $fields
                            tshark -r "$f" $cut_opts -Y "($bad) && ($cut_quote)" -T fields $fields; } 2>/dev/null | head -6
        status=1
    else
        echo "$f: $frames frames, none flagged$how"
    fi
done
exit $status
