#!/bin/sh
# Integration: the golden results (tests/golden/README.md). The short run of
# the default scenario gives its kept results.json and pcaps again byte for
# byte; the 1-server run of each mode gives its entry of the golden full
# default run byte for byte (LVSLAB_GOLDEN_FULL=1: the whole default run
# against the whole file, as long as make demo); and the kept pcaps pass
# tshark.
. "$(dirname "$0")/support/lvslab.sh"
fail() { echo "golden: $*"; exit 1; }

full=""
[ "${LVSLAB_GOLDEN_FULL:-0}" = 1 ] && full=--full
# shellcheck disable=SC2086
sh scripts/golden.sh check $full "$build" || fail "the runs differ from tests/golden (above)"

set -- tests/golden/short/pcap/*/*/*.pcap.gz
[ "$#" -eq 8 ] || fail "tests/golden/short/pcap holds $# pcaps, not 8"
sh scripts/pcap-check.sh "$@" || fail "tshark flags a kept pcap"
