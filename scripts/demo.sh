#!/bin/sh
# The main job: the default scenario comparing NAT, TUN, DR and FULLNAT,
# written to out/compare-modes/ (results.json, CSV, summary.md, index.html).
# usage: demo.sh BUILD_DIR   (DEMO_ARGS adds lvslab run options)
set -eu
exec "$1/lvslab" run scenarios/compare-modes.lua ${DEMO_ARGS:-}
