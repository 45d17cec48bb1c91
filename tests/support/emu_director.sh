# Sourced by tests/emu_director_<mode>.sh with $mode set: the main scenario
# (2 real servers, 1 client) in that mode as an emulated world whose director
# is lvslab's, on TAPs. Asserts that a 10 MB file fetched through the VIP
# with curl has the served file's sha256; that wrk through the VIP for 2 s
# sees no socket error and no non-2xx answer, and each real server's
# http.server logged at least a quarter of the requests; that the
# director's SIGUSR1 listing shows both real servers in the mode's method
# with connections (and, in NAT and FULLNAT, GSO frames both in and out of
# its TAP: the kernel's offloads reach it); and that its pcaps pass scripts/pcap-check.sh (where
# Linux's 0xffff TCP checksums are excused, see there). Needs
# root, namespaces and /dev/net/tun: skips (exit 77) without them.
set -eu
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun
build=${LVSLAB_BUILD:-build}
lvslab=$(realpath "$build/lvslab")
tag=$(printf '%.1s' "$mode")$(( $$ % 1000 ))
tmp=$(mktemp -d)
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
. "$(dirname "$0")/support/emu_listing.sh"
. "$(dirname "$0")/support/wrk_spread.sh"

timeout 30 "$lvslab" emu up scenarios/compare-modes.lua --mode "$mode" --set servers=2 --set clients=1 \
    --tag "$tag" --pcap "$tmp/pcap" >"$tmp/up.log" 2>&1 || { cat "$tmp/up.log"; echo "$mode: emu up failed"; exit 1; }
work=/run/lvslab/$tag
client() { ip netns exec "lvslab-$tag-client1" "$@"; }
head -c 10485760 /dev/urandom >"$work/big.bin"
want=$(sha256sum <"$work/big.bin" | cut -d' ' -f1)

i=0   # each python http.server takes a moment to listen: wait until both have answered
until [ -s "$work/rs1-http.log" ] && [ -s "$work/rs2-http.log" ]; do
    client curl -s --max-time 2 -o /dev/null http://10.0.0.100/ || true
    i=$((i + 1)); [ $i -lt 40 ] || { echo "$mode: no answer through the VIP from both servers"; cat "$work"/director.log; exit 1; }
    sleep 0.25
done

speed=$(client curl -sf --max-time 30 -o "$tmp/big.out" -w '%{speed_download}' http://10.0.0.100/big.bin) ||
    { echo "$mode: curl of the 10 MB file failed"; cat "$work"/director.log; exit 1; }
got=$(sha256sum <"$tmp/big.out" | cut -d' ' -f1)
[ "$got" = "$want" ] || { echo "$mode: the 10 MB file came through changed"; exit 1; }
echo "$mode curl 10MB: $(( ${speed%.*} / 1000000 )) MB/s"

wrk_spread "$mode" "$work" "$work/director.log" client

director_listing director
cat "$work/director.status"
case $mode in nat) method=Masq ;; dr) method=Route ;; tun) method=Tunnel ;; fullnat) method=FullNat ;; esac
for rip in 10.0.0.11 10.0.0.12; do
    grep -q -- "-> $rip:80 *$method " "$work/director.status" ||
        { echo "$mode: $rip is not listed as $method"; exit 1; }
done
case $mode in nat|fullnat)   # the download crossed the director in GSO super-frames, both ways
    awk '/ rx_gso=/ { split($4, r, "="); split($5, t, "="); if (r[2] > 0 && t[2] > 0) ok = 1 } END { exit !ok }' \
        "$work/director.status" || { echo "$mode: the director's TAP carried no GSO frames"; exit 1; }
esac

"$lvslab" emu down "$tag"
trap 'rm -rf "$tmp"' EXIT
LVSLAB_ADDRS="10.0.0.2 10.0.0.100" MIN_FRAMES=5 sh scripts/pcap-check.sh "$tmp"/pcap/*.pcap
echo ok
