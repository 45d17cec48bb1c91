#!/bin/sh
# The Mininet world in dr mode: see tests/support/emu_mininet.sh.
mode=dr
. "$(dirname "$0")/support/emu_mininet.sh"
mininet_run_and_check
