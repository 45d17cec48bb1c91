#!/bin/sh
# The emulated director in nat mode: see tests/support/emu_director.sh.
mode=nat
. "$(dirname "$0")/support/emu_director.sh"
