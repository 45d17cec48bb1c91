#!/bin/sh
# Checks pcaps the way every lvslab test does: each file opens in tshark,
# holds at least MIN_FRAMES frames (default 1), and has no malformed frame,
# no bad IPv4/TCP/UDP checksum and no expert error.
# usage: pcap-check.sh FILE...      exit 0 when all pass; prints one line per file
set -u
min=${MIN_FRAMES:-1}
bad='ip.checksum.status==0 || tcp.checksum.status==0 || udp.checksum.status==0 || icmp.checksum.status==0 || _ws.malformed || _ws.expert.severity==error'
status=0
for f in "$@"; do
    opts="-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE"
    # shellcheck disable=SC2086
    frames=$(tshark -r "$f" $opts 2>/dev/null | wc -l)
    # shellcheck disable=SC2086
    flagged=$(tshark -r "$f" $opts -Y "$bad" 2>/dev/null | wc -l)
    if [ "$frames" -lt "$min" ] || [ "$flagged" -ne 0 ]; then
        echo "$f: $frames frames, $flagged flagged: FAILED"
        # shellcheck disable=SC2086
        [ "$flagged" -ne 0 ] && tshark -r "$f" $opts -Y "$bad" 2>/dev/null | head -5
        status=1
    else
        echo "$f: $frames frames, none flagged"
    fi
done
exit $status
