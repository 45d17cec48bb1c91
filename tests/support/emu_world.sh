# Sourced by the emulation tests that build a world with `lvslab emu up`
# after setting $tag_prefix (one letter): skips (exit 77) without root,
# namespaces and /dev/net/tun; sets $lvslab (the build under test), $tag (the prefix and
# this shell's pid, so concurrent runs do not clash), $work (the world's
# folder) and $tmp (removed on exit, after the world is taken down); and
# gives helpers for the world's directors (support/emu_listing.sh).
set -eu
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun
build=${LVSLAB_BUILD:-build}
lvslab=$(realpath "$build/lvslab")
tag=$tag_prefix$(( $$ % 1000 ))
work=/run/lvslab/$tag
tmp=$(mktemp -d)
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

. "$(dirname "$0")/support/emu_listing.sh"

# wait_for_http_servers N: until N real servers' http.server logs say they
# serve (python takes a moment to listen), at most 4 s
wait_for_http_servers() {
    i=0
    until [ "$(grep -l 'Serving HTTP' "$work"/*-http.log 2>/dev/null | wc -l)" -eq "$1" ]; do
        i=$((i + 1)); [ $i -lt 40 ] || { echo "the $1 http servers did not start"; exit 1; }
        sleep 0.1
    done
}
