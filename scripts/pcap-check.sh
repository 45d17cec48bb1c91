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
# usage: pcap-check.sh FILE...      exit 0 when all pass; prints one line per file
set -u
min=${MIN_FRAMES:-1}
bad='ip.checksum.status==0 || tcp.checksum.status==0 || udp.checksum.status==0 || icmp.checksum.status==0 || _ws.malformed || _ws.expert.severity==error'
if [ -n "${LVSLAB_ADDRS:-}" ]; then
    addrs=$(echo "$LVSLAB_ADDRS" | sed 's/  */, /g')   # tshark 4 wants commas in a set
    bad="($bad) && !(tcp.checksum == 0xffff && !(ip.src in {$addrs}) && ip.checksum.status == 1 && !_ws.malformed)"
fi
status=0
for f in "$@"; do
    opts="-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE"
    frames=$(capinfos -T -r -M -c "$f" 2>/dev/null | cut -f2)
    frames=${frames:-0}
    # shellcheck disable=SC2086
    # a filter or file tshark cannot take is a failure, not an empty match
    if ! listed=$(tshark -r "$f" $opts -Y "$bad" 2>&1 >/dev/null); then
        echo "$f: tshark failed: $listed"
        status=1
        continue
    fi
    flagged=$(tshark -r "$f" $opts -Y "$bad" 2>/dev/null | wc -l)
    if [ "$frames" -lt "$min" ] || [ "$flagged" -ne 0 ]; then
        echo "$f: $frames frames, $flagged flagged: FAILED"
        # shellcheck disable=SC2086
        # shellcheck disable=SC2086
        [ "$flagged" -ne 0 ] && tshark -r "$f" $opts -Y "$bad" -T fields -E header=y -e frame.number \
            -e frame.time_relative -e ip.src -e ip.dst -e ip.checksum.status -e tcp.checksum \
            -e tcp.checksum.status -e udp.checksum.status -e _ws.malformed -e _ws.expert.message 2>/dev/null | head -6
        status=1
    else
        echo "$f: $frames frames, none flagged"
    fi
done
exit $status
