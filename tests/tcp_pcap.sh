#!/bin/sh
# Integration: the frames of the 10 MB back-to-back TCP transfer (without
# loss, and with 1% loss each way), written to pcaps by
# tests/test_tcp_transfer, must open in tshark with every frame read, every
# IPv4 and TCP checksum verified good, and nothing malformed or flagged as
# an expert error.
set -eu
build=${LVSLAB_BUILD:-build}
bin=$build/tests/test_tcp_transfer
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM

if ! LVSLAB_TCP_PCAP=$dir/clean.pcap LVSLAB_TCP_PCAP_LOSS=$dir/loss.pcap \
        "$bin" --filter 'tcp_transfer/*' >"$dir/log" 2>&1; then
    cat "$dir/log"
    echo "tcp_pcap: $bin failed"
    exit 1
fi

root=$(cd "$(dirname "$0")/.." && pwd)
for f in clean loss; do
    p=$dir/$f.pcap
    [ -s "$p" ] || { echo "tcp_pcap: $f.pcap was not written"; exit 1; }
    # no malformed frame, no bad checksum, no expert error, at least 7000 frames
    MIN_FRAMES=7000 sh "$root/scripts/pcap-check.sh" "$p" || exit 1
    # and the checksums were really verified: every TCP frame's IP and TCP status is "good"
    opts="-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE"
    frames=$(tshark -r "$p" $opts -Y tcp 2>/dev/null | wc -l)
    good=$(tshark -r "$p" $opts -Y 'ip.checksum.status==1 && tcp.checksum.status==1' 2>/dev/null | wc -l)
    echo "tcp_pcap: $f.pcap: $good of $frames TCP frames with verified IP and TCP checksums"
    [ "$good" -eq "$frames" ] || exit 1
done
echo "tcp_pcap: ok"
