#!/bin/sh
# Integration: reports/wireshark/toa.lua in tshark shows the TOA of a
# FULLNAT run: on the real server's capture every SYN the director passed on
# carries the client's address and port, the client's own (the address of a
# client, the port that client's SYN came from on its own capture).
# Needs tshark: skips without it.
. "$(dirname "$0")/support/lvslab.sh"
. "$(dirname "$0")/support/needs.sh"
need_tools tshark
"$lvslab" run scenarios/compare-modes.lua --quiet --mode fullnat --set servers=1 --set duration=0.02s \
    --set warmup=0.01s --pcap='client1,rs1' --pcap-frames 2000 --out "$dir/out" || { echo "wireshark_toa: the run failed"; exit 1; }
cap="$dir/out/pcap/fullnat/servers-1"
lua="-X lua_script:reports/wireshark/toa.lua"
# shellcheck disable=SC2086
toas=$(tshark $lua -r "$cap/rs1-eth0.pcap" -Y 'toa && tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields \
    -e toa.addr -e toa.port 2>"$dir/err") || { cat "$dir/err"; echo "wireshark_toa: tshark failed"; exit 1; }
[ -n "$toas" ] || { echo "wireshark_toa: no TOA decoded in the real server's capture"; exit 1; }
syns=$(tshark -r "$cap/rs1-eth0.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 2>/dev/null | wc -l)
[ "$(echo "$toas" | wc -l)" -eq "$syns" ] || { echo "wireshark_toa: $syns SYNs, not all with a TOA"; exit 1; }
# a TOA from client1 names client1's address and a port its own SYNs came from
client=$(tshark -r "$cap/client1-eth0.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e ip.src \
    -e tcp.srcport 2>/dev/null | sort -u)
addr=$(echo "$client" | head -1 | cut -f1)
mine=$(echo "$toas" | grep "^$addr	" | sort -u)
[ -n "$mine" ] || { echo "wireshark_toa: no TOA names client1 ($addr)"; exit 1; }
echo "$mine" | while read -r a p; do
    echo "$client" | grep -q "^$a	$p\$" || { echo "wireshark_toa: TOA $a:$p is no SYN of client1's"; exit 1; }
done
echo "wireshark_toa: $syns SYNs, each with its client's TOA decoded"
