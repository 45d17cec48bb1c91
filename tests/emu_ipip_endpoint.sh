#!/bin/sh
# The userspace IP-in-IP endpoint (lvslab emu tun-endpoint): an IP-in-IP
# packet carrying an ICMP echo for the VIP reaches the endpoint's namespace,
# is decapsulated onto its TUN device, and the kernel there answers the
# client directly from the VIP. Needs root, network namespaces and
# /dev/net/tun: skips (exit 77) without them.
set -eu
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun
build=${LVSLAB_BUILD:-build}
lvslab=$(realpath "$build/lvslab")
tag=lvt$$
a=${tag}a b=${tag}b
cleanup() {
    [ -n "${endpoint:-}" ] && kill "$endpoint" 2>/dev/null && wait "$endpoint" 2>/dev/null
    ip netns del "$a" 2>/dev/null || true
    ip netns del "$b" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$a"
ip netns add "$b"
ip link add "${tag}x" netns "$a" type veth peer name "${tag}y" netns "$b"
ip -n "$a" addr add 10.77.0.1/24 dev "${tag}x"
ip -n "$b" addr add 10.77.0.2/24 dev "${tag}y"
ip -n "$a" link set "${tag}x" up
ip -n "$b" link set "${tag}y" up
ip -n "$a" link set lo up
ip -n "$b" link set lo up

out=$(mktemp)
ip netns exec "$b" "$lvslab" emu tun-endpoint "${tag}t" >"$out" 2>&1 &
endpoint=$!
i=0
until ip -n "$b" link show "${tag}t" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "TUN device never appeared"; cat "$out"; exit 1; }
    sleep 0.1
done
ip -n "$b" addr add 10.77.9.9/32 dev "${tag}t"
ip netns exec "$b" sysctl -qw net.ipv4.conf.all.rp_filter=0 "net.ipv4.conf.${tag}t.rp_filter=0"

ip netns exec "$a" python3 - <<'PY'
import socket, struct, time, sys

def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ip4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload

icmp = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + b"lvslab"
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
inner = ip4("10.77.0.1", "10.77.9.9", 1, icmp)
outer = ip4("10.77.0.1", "10.77.0.2", 4, inner)

listen = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
listen.settimeout(0.5)
send = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
deadline = time.time() + 5
while time.time() < deadline:
    send.sendto(outer, ("10.77.0.2", 0))
    try:
        while True:
            data, addr = listen.recvfrom(2048)
            hl = (data[0] & 15) * 4
            if addr[0] == "10.77.9.9" and data[hl] == 0 and data[hl + 4:hl + 6] == b"\x12\x34":
                print("echo reply from the VIP")
                sys.exit(0)
    except socket.timeout:
        pass
print("no echo reply from 10.77.9.9")
sys.exit(1)
PY

kill "$endpoint"
wait "$endpoint" || true
endpoint=
grep -q 'decapsulated=[1-9]' "$out" || { echo "endpoint did not count a decapsulation:"; cat "$out"; exit 1; }
rm -f "$out"
echo "ok"
