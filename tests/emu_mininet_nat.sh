#!/bin/sh
# The Mininet world in nat mode: see tests/support/emu_mininet.sh.
mode=nat
. "$(dirname "$0")/support/emu_mininet.sh"
mininet_run_and_check
