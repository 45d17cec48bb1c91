#!/bin/sh
# The emulated director in dr mode: see tests/support/emu_director.sh.
mode=dr
. "$(dirname "$0")/support/emu_director.sh"
