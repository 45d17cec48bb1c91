#!/bin/sh
# The emulated director in tun mode: see tests/support/emu_director.sh.
mode=tun
. "$(dirname "$0")/support/emu_director.sh"
