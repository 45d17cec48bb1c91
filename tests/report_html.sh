#!/bin/sh
# Integration: index.html rendered in headless Chromium. For the comparison
# fixture and the emulated one: a non-empty screenshot is produced and the
# page logs nothing to the console (it has no script, so any console line
# is an error). The checker itself must reject a page with a script error
# (tests/fixtures/reports/jserror.html). Skips (exit 77) without chromium.
set -eu
. "$(dirname "$0")/support/needs.sh"
need_tools chromium
build=${LVSLAB_BUILD:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/tests/test_report
case $bin in /*) ;; *) bin=$root/$bin ;; esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM

# render PAGE PNG: 0 when a screenshot was written and no console message
render() {
    prof=$(mktemp -d "$dir/profile.XXXXXX")
    rm -f "$2"
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$prof" --screenshot="$2" \
        --window-size=1280,2000 --enable-logging=stderr --v=0 \
        "file://$1" >"$dir/log" 2>&1 || { cat "$dir/log"; echo "report_html: chromium failed on $1"; return 1; }
    if grep -a ':CONSOLE' "$dir/log"; then
        echo "report_html: console messages on $1"
        return 1
    fi
    if [ ! -s "$2" ] || [ "$(head -c 8 "$2" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
        echo "report_html: no PNG screenshot for $1"
        return 1
    fi
    return 0
}

if render "$root/tests/fixtures/reports/jserror.html" "$dir/bad.png" >/dev/null; then
    echo "report_html: the checker missed the script error in jserror.html"
    exit 1
fi

for fixture in compare-modes.json emu.json; do
    out=$dir/${fixture%.json}
    mkdir -p "$out"
    (cd "$root" && LVSLAB_REPORT_KEEP=$out LVSLAB_REPORT_FIXTURE=$fixture \
        "$bin" --filter 'report/keep' >"$dir/log" 2>&1) || { cat "$dir/log"; exit 1; }
    render "$out/index.html" "$out/shot.png"
    if [ -n "${LVSLAB_REPORT_SHOT:-}" ]; then cp "$out/shot.png" "${LVSLAB_REPORT_SHOT}-${fixture%.json}.png"; fi
    echo "report_html: $fixture rendered, $(wc -c <"$out/shot.png") byte screenshot, no console messages"
done
