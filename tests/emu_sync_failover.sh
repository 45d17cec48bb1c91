#!/bin/sh
# keepalived's lvs_sync_daemon between two emulated directors
# (scenarios/failover.lua --set sync=1: DR, as the failover-sync lesson):
# the master multicasts its connections to 224.0.0.81:8848 over the real
# bridge and the backup holds them. A 16 MB curl download through the VIP,
# rate-limited to 2 MB/s (8 s), is running when the master is SIGKILLed:
# once the backup's listing holds it as an active connection (the master
# sends a message that is not full once it is 2 s old, as the kernel's),
# and the master's listing holds it before that (the fetches that checked
# the servers are all inactive on both directors first, so an active
# connection is the download's). The backup takes the VIP the master-down
# interval (3.61 s) after the last advert it heard, as its log's times say
# (tests/support/director_log.sh), and the download finishes with the
# served file's sha256. Then the same without sync (sync=0), the master
# killed once its listing holds the download: the backup has no entry for
# the connection and the download fails, as the lesson shows. The
# survivor's pcap holds IPVS sync messages from the master and passes
# tshark. Needs root and /dev/net/tun: skips (exit 77) without them. The
# client's TCP receive buffer is capped at 256 KB: in DR the data bypasses
# the directors, and a window of megabytes would let the rate-limited
# download end on data sent before the crash.
tag_prefix=s
. "$(dirname "$0")/support/emu_world.sh"
. "$(dirname "$0")/support/director_log.sh"
client() { ip netns exec "lvslab-$tag-client1" "$@"; }
master_down=3.609375

# active NODE: the ActiveConn column of NODE's listing, summed
active() {
    director_listing "$1"
    sed -n '1,/^IP Virtual Server/{/^  -> [0-9]/p}' "$work/$1.status" | awk '{ n += $5 } END { print n + 0 }'
}

# settled NODE: NODE's active connections once two looks half a second
# apart agree (20 looks at most)
settled() {
    k=0 was=-1
    while n=$(active "$1") && [ "$n" != "$was" ]; do
        k=$((k + 1)); [ $k -lt 20 ] || { cat "$work/$1.status"; echo "sync=$sync: $1's active count never settles" >&2; exit 1; }
        was=$n; sleep 0.5
    done
    echo "$n"
}

# wait_active NODE N SECONDS: until NODE's active connections are N (or,
# given +N, at least N); a listing and 100 ms between looks (about 200 ms),
# SECONDS x 5 looks at most
wait_active() {
    k=0 n=
    until n=$(active "$1") && case $2 in +*) [ "$n" -ge "${2#+}" ] ;; *) [ "$n" -eq "$2" ] ;; esac; do
        k=$((k + 1)); [ $k -lt $(( $3 * 5 )) ] || { cat "$work/$1.status"; echo "sync=$sync: $1 has ${n:-no} active connections, not $2"; exit 1; }
        sleep 0.1
    done
}

# download SYNC: up with sync=SYNC, fetch 16 MB at 2 MB/s, SIGKILL the
# master mid-way; curl's exit code in $tmp/rc, the file in $tmp/out
download() {
    sync=$1
    timeout 30 "$lvslab" emu up scenarios/failover.lua --set clients=1 --set sync="$1" --tag "$tag" \
        --pcap "$tmp/pcap$1" >"$tmp/up.log" 2>&1 || { cat "$tmp/up.log"; echo "emu up failed"; exit 1; }
    head -c 16777216 /dev/urandom >"$work/big.bin"
    sha256sum <"$work/big.bin" | cut -d' ' -f1 >"$tmp/want"
    i=0; ok=0   # every http.server listening: six fetches in a row answered
    until [ $ok -ge 6 ] && [ -s "$work/rs1-http.log" ] && [ -s "$work/rs2-http.log" ] && [ -s "$work/rs3-http.log" ]; do
        if client curl -s --max-time 1 -o /dev/null http://10.0.0.100/; then ok=$((ok + 1)); else ok=0; fi
        i=$((i + 1)); [ $i -lt 80 ] || { echo "sync=$1: no answer from every server"; cat "$work/director.log"; exit 1; }
        sleep 0.1
    done
    grep -q 'BACKUP -> MASTER' "$work/director.log" || { echo "sync=$1: director is not the master"; exit 1; }
    ! grep -q MASTER "$work/director2.log" || { echo "sync=$1: director2 is not the backup"; exit 1; }
    # the checking fetches are over on both directors (on the backup once
    # synced); a fetch tried before its server listened leaves a SYN_RECV
    # entry (DR: the director never sees the server's RST), active for 60 s
    # as since Linux 4.8, so the count settles where it will, not at 0
    base=$(settled director) || exit 1
    base2=$(settled director2) || exit 1
    # a small receive window: the server cannot send the rest ahead while the directors change
    client sysctl -qw net.ipv4.tcp_rmem="4096 131072 262144"
    client curl -sS --limit-rate 2M --max-time 25 -o "$tmp/out" http://10.0.0.100/big.bin &
    curl_pid=$!
    wait_active director +$((base + 1)) 5
    [ "$1" -eq 0 ] || wait_active director2 +$((base2 + 1)) 6
    kill -KILL "$(director_pid director)"
    echo "sync=$1: master killed with $(wc -c <"$tmp/out") bytes of the download in"
    wait_log "$work/director2.log" 'VI_1: BACKUP -> MASTER (master_down)' 8
    set -- "$1" $(last_advert "$work/director2.log")
    [ "${2:-}" = 10.0.0.2 ] || { cat "$work/director2.log"; echo "sync=$1: the takeover names no last advert from 10.0.0.2"; exit 1; }
    took=$(seconds_between "$3" "$(log_time "$work/director2.log" 'VI_1: BACKUP -> MASTER (master_down)')")
    echo "sync=$1: takeover $took s after the last advert (master-down interval $master_down s)"
    on_time "$took" $master_down ||
        { cat "$work/director2.log"; echo "sync=$1: takeover $took s after the last advert, not $master_down s"; exit 1; }
    rc=0
    wait "$curl_pid" || rc=$?
    echo "$rc" >"$tmp/rc"
    [ "$1" -eq 0 ] || [ "$rc" -eq 0 ] || cat "$work"/director*.log
    "$lvslab" emu down "$tag" >/dev/null
}

download 1
[ "$(cat "$tmp/rc")" -eq 0 ] || { echo "with sync: curl failed (exit $(cat "$tmp/rc")) across the failover"; exit 1; }
[ "$(sha256sum <"$tmp/out" | cut -d' ' -f1)" = "$(cat "$tmp/want")" ] ||
    { echo "with sync: the file came through changed"; exit 1; }
echo "with sync: 16 MB download survived the master's crash, sha256 right"
msgs=$(tshark -r "$tmp/pcap1/director2-eth0.pcap" -Y 'ipvs && ip.src == 10.0.0.2 && ip.dst == 224.0.0.81 && udp.dstport == 8848' 2>/dev/null | wc -l)
[ "$msgs" -ge 1 ] || { echo "no IPVS sync message from the master reached director2"; exit 1; }
echo "with sync: director2 heard $msgs sync messages"
# the crashed director's capture lost its buffer; the survivor's is whole
LVSLAB_ADDRS="10.0.0.2 10.0.0.3 10.0.0.100" MIN_FRAMES=5 sh scripts/pcap-check.sh "$tmp/pcap1/director2-eth0.pcap"

download 0
[ "$(cat "$tmp/rc")" -ne 0 ] || { echo "without sync: the download survived the failover (sync made no difference)"; exit 1; }
echo "without sync: curl failed (exit $(cat "$tmp/rc")), as expected"
echo ok
