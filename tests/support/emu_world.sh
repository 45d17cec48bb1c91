# Sourced by the emulation tests that build a world with `lvslab emu up`
# after setting $tag_prefix (one letter): skips (exit 0) without root and
# /dev/net/tun; sets $lvslab (the build under test), $tag (the prefix and
# this shell's pid, so concurrent runs do not clash), $work (the world's
# folder) and $tmp (removed on exit, after the world is taken down); and
# gives helpers for the world's directors.
set -eu
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
    echo "skipped: needs root and /dev/net/tun"; exit 0
fi
build=${LVSLAB_BUILD:-build}
lvslab=$(realpath "$build/lvslab")
tag=$tag_prefix$(( $$ % 1000 ))
work=/run/lvslab/$tag
tmp=$(mktemp -d)
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# director_pid NODE: the pid of this world's running `lvslab emu director
# ... --node NODE` (none printed when it is not running)
director_pid() {
    for p in $(awk '$1 == "pid" { print $2 }' "/run/lvslab/$tag.state"); do
        if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- "--node $1 "; then echo "$p"; fi
    done
}

# director_listing NODE: its SIGUSR1 listing, fresh, in $work/NODE.status
director_listing() {
    rm -f "$work/$1.status"
    kill -USR1 "$(director_pid "$1")"
    j=0
    until [ -s "$work/$1.status" ]; do
        j=$((j + 1)); [ $j -lt 20 ] || { echo "no listing from $1 after SIGUSR1"; exit 1; }
        sleep 0.1
    done
}
