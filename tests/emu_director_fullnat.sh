#!/bin/sh
# The emulated director in fullnat mode: see tests/support/emu_director.sh.
mode=fullnat
. "$(dirname "$0")/support/emu_director.sh"
