#!/bin/sh
# The main job. Until the scenario layer lands it runs the engine benchmark;
# then it runs scenarios/compare-modes.lua and writes out/compare-modes/.
# usage: demo.sh BUILD_DIR   (DEMO_EVENTS shortens the run, as CI does)
set -eu
build=$1
if "$build/lvslab" run --help >/dev/null 2>&1; then
    exec "$build/lvslab" run scenarios/compare-modes.lua ${DEMO_ARGS:-}
fi
exec "$build/bench/engine_events" ${DEMO_EVENTS:-10000000}
