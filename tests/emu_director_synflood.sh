#!/bin/sh
# The emulated director under a SYN flood (fixture emu-synflood.lua,
# FULLNAT, 2 real servers), once with the SYN proxy on (ipvsadm -j enable)
# and once without: a rate-limited curl of a 10 MB file through the VIP is
# established, then hping3 floods the VIP with 20000 SYNs from a spoofed
# source, each from the next port (from the router's namespace, 10 us
# apart, bounded by -c and a timeout). Asserts: the download completes with the file's sha256 (the
# established connection is kept); the director's status shows the flood
# (with the proxy: at least half of it answered with cookies, and as many
# SYNs sent to the real servers as good cookie ACKs, so none of the flood;
# without: at least half of it reached the real servers); the pcaps pass
# scripts/pcap-check.sh, the router's network-unreachable errors about the
# spoofed source included, as the director passes them on to the real
# servers. Prints the figures. Needs root, /dev/net/tun and hping3: skips
# (exit 77) without them.
set -eu
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun
need_tools hping3
build=${LVSLAB_BUILD:-build}
lvslab=$(realpath "$build/lvslab")
flood=20000
base=$(printf "y%02d" $(( $$ % 100 )))   # + 0 or 1: tags have at most 4 characters
tmp=$(mktemp -d)
tag=
curl_pid=
cleanup() {
    [ -n "$curl_pid" ] && kill "$curl_pid" 2>/dev/null
    [ -n "$tag" ] && "$lvslab" emu down "$tag" >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$(dirname "$0")/support/emu_listing.sh"

# run SYNPROXY: one world, one download, one flood; prints the figures
run() {
    sp=$1
    tag=$base$sp
    out=$tmp/$sp
    mkdir -p "$out"
    timeout 30 "$lvslab" emu up tests/fixtures/scenarios/emu-synflood.lua --mode fullnat --set synproxy="$sp" \
        --tag "$tag" --pcap "$out/pcap" >"$out/up.log" 2>&1 || { cat "$out/up.log"; echo "synproxy=$sp: emu up failed"; exit 1; }
    work=/run/lvslab/$tag
    client() { ip netns exec "lvslab-$tag-client1" "$@"; }
    head -c 10485760 /dev/urandom >"$work/big.bin"
    want=$(sha256sum <"$work/big.bin" | cut -d' ' -f1)
    i=0   # both python http.servers listening
    until [ -s "$work/rs1-http.log" ] && [ -s "$work/rs2-http.log" ]; do
        client curl -s --max-time 2 -o /dev/null http://10.0.0.100/ || true
        i=$((i + 1)); [ $i -lt 40 ] || { echo "synproxy=$sp: no answer through the VIP"; cat "$work/director.log"; exit 1; }
        sleep 0.25
    done
    # 10 MB at 2 MB/s: established for about 5 s, the flood in its middle
    client curl -sf --max-time 40 --limit-rate 2M -o "$out/big.out" http://10.0.0.100/big.bin &
    curl_pid=$!
    i=0   # established: its first bytes are in
    until [ -s "$out/big.out" ]; do
        i=$((i + 1)); [ $i -lt 100 ] || { echo "synproxy=$sp: the download did not start"; exit 1; }
        sleep 0.05
    done
    ip netns exec "lvslab-$tag-router" timeout 15 hping3 -q -S -p 80 -a 10.9.0.1 -i u10 -c "$flood" 10.0.0.100 \
        >"$out/hping.txt" 2>&1 || true
    sent=$(awk '/packets transmitted/ { print $1 }' "$out/hping.txt")
    [ -n "$sent" ] && [ "$sent" -gt 0 ] || { cat "$out/hping.txt"; echo "synproxy=$sp: hping3 sent nothing"; exit 1; }
    wait "$curl_pid" || { curl_pid=; echo "synproxy=$sp: the download broke under the flood"; exit 1; }
    curl_pid=
    got=$(sha256sum <"$out/big.out" | cut -d' ' -f1)
    [ "$got" = "$want" ] || { echo "synproxy=$sp: the download came through changed"; exit 1; }

    director_listing director
    cp "$work/director.status" "$out/status"
    "$lvslab" emu down "$tag"
    tag=
    # SYNs (without ACK) the director sent to the real servers
    syns=$(tshark -r "$out"/pcap/director-*.pcap -Y 'tcp.flags.syn==1 && tcp.flags.ack==0 && ip.dst in {10.0.0.11, 10.0.0.12}' 2>/dev/null | wc -l)
    answered=$(awk '/^SynProxy:/ { print $3 }' "$out/status")
    ack_ok=$(awk '/^SynProxy:/ { print $5 }' "$out/status")
    if [ "$sp" = 1 ]; then
        [ "$answered" -ge $(( sent / 2 )) ] ||
            { cat "$out/status"; echo "synproxy=1: $answered of $sent flood SYNs answered with a cookie"; exit 1; }
        [ "$syns" -eq "$ack_ok" ] ||
            { cat "$out/status"; echo "synproxy=1: $syns SYNs to the real servers for $ack_ok good cookie ACKs"; exit 1; }
    else
        [ "$answered" -eq 0 ] || { echo "synproxy=0: the proxy answered $answered SYNs"; exit 1; }
        [ "$syns" -ge $(( sent / 2 )) ] ||
            { echo "synproxy=0: only $syns of $sent flood SYNs reached the real servers"; exit 1; }
    fi
    LVSLAB_ADDRS="10.0.0.2 10.0.0.100" MIN_FRAMES=5 sh scripts/pcap-check.sh "$out"/pcap/*.pcap >"$out/check.txt" ||
        { cat "$out/check.txt"; echo "synproxy=$sp: pcaps fail tshark's checks"; exit 1; }
    echo "synproxy=$sp: flood sent $sent, SYNs to the real servers $syns, cookies $answered, good ACKs $ack_ok, download kept (sha256 ok)"
    sed -n '/^Drops:/,$p' "$out/status"
}

run 1
run 0
echo ok
