# Sourced by the integration scripts that need more than the build: each
# need_* returns when this machine has it, and otherwise exits 77 (the test
# is skipped, and scripts/run-tests.sh counts it so) after one line saying
# why.

# need_netns: root and network namespaces
need_netns() {
    [ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
    unshare --net true 2>/dev/null || { echo "skipped: cannot make a network namespace"; exit 77; }
}

# need_tun: /dev/net/tun (TAP and TUN devices)
need_tun() {
    [ -c /dev/net/tun ] || { echo "skipped: needs /dev/net/tun"; exit 77; }
}

# need_tools TOOL...: each on the PATH
need_tools() {
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || { echo "skipped: needs $t (scripts/deps.sh installs it)"; exit 77; }
    done
}
