# Sourced by the integration scripts that run the lvslab command: $lvslab is
# the binary of the build under test (LVSLAB_BUILD, default build/), the
# working directory is the project's root, and $dir a scratch directory
# removed on exit.
set -eu
build=${LVSLAB_BUILD:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
lvslab=$build/lvslab
case $lvslab in /*) ;; *) lvslab=$root/$lvslab ;; esac
cd "$root"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
