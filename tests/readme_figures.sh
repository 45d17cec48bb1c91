#!/bin/sh
# Integration: the figures README.md quotes for `make demo` (goodput and
# analytic bounds of NAT, FULLNAT and DR) are those of the golden full
# default run, tests/golden/full/results.json, rounded as the README writes
# them; and what the sentence says of them holds (that record is the default
# run with seed 1, NAT and FULLNAT stop at the director's NIC whatever the
# number of servers, DR and TUN grow with them).
set -eu
cd "$(dirname "$0")/.."
python3 scripts/golden.py readme tests/golden/full/results.json README.md ||
    { echo "readme_figures: README.md and tests/golden disagree (scripts/golden.sh figures)"; exit 1; }
