#!/bin/sh
# Installs the Debian 12 packages lvslab builds, tests and runs with.
# Safe to run twice: apt-get skips what is already there, and the package
# index is refreshed only when a package is missing.
#   scripts/deps.sh           what the build, the tests and the demo need
#                             (mininet and bridge-utils: emu/mininet/, whose
#                             LinuxBridge switch runs brctl; ethtool: the
#                             test that turns a veth's TSO off and on;
#                             clang and its runtimes: make fuzz;
#                             slurm-wlm and munge: the single-node cluster
#                             of tests/slurm.sh; nftables and jq:
#                             bench/emu_iperf.sh and its Linux twin)
#   scripts/deps.sh --bench   also ns-3, to run bench/vs-ns3.sh
set -eu

packages="build-essential pkg-config clang libclang-rt-14-dev
libcriterion-dev libev-dev libpcap-dev libnet1-dev liblua5.4-dev lua5.4
libjansson-dev nettle-dev gnuplot-nox tshark python3 nginx
iproute2 iputils-ping procps curl wrk iperf3 hping3 chromium ethtool
mininet bridge-utils slurm-wlm munge nftables jq"
[ "${1:-}" = --bench ] && packages="$packages g++ libns3-dev libgsl-dev"

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done

if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
