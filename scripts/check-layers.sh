#!/bin/sh
# The layers' rule, checked: a layer uses only the layers below it, and the
# sibling worlds (sim, emu) never each other. Two views of "uses":
#   includes: every #include "DIR/..." in a layer's sources names a layer
#             at or below it (from the sources, before any build);
#   symbols:  every symbol a layer's archive BUILD/libLAYER.a leaves
#             undefined is defined in its own archive, a lower layer's, or
#             outside the project (libc, Lua, ...).
# usage: check-layers.sh [--root DIR] [--build DIR] LAYER... (lowest first;
#        siblings joined by '|', as sim|emu). Exits 1 naming every breach.
set -u
root=.
build=
while [ $# -gt 0 ]; do
    case $1 in
    --root) root=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) break ;;
    esac
done
[ $# -gt 0 ] || { echo "usage: check-layers.sh [--root DIR] [--build DIR] LAYER..." >&2; exit 2; }

# rank of each layer: its position; siblings share one.
ranks=$(mktemp)
trap 'rm -f "$ranks" "$ranks".*' EXIT
rank=0
for group in "$@"; do
    rank=$((rank + 1))
    for l in $(echo "$group" | tr '|' ' '); do echo "$l $rank"; done
done >"$ranks"
layers=$(cut -d' ' -f1 "$ranks")

# awk program: reads "ranks" lines first (FILE 1), then "user used what" lines.
judge='NR == FNR { rank[$1] = $2; next }
       !($3 in rank) { print $2 ": uses " $3 "/, which is no layer (" $4 ")"; bad = 1; next }
       rank[$3] > rank[$1] { print $2 ": " $1 " uses " $3 ", a higher layer (" $4 ")"; bad = 1; next }
       rank[$3] == rank[$1] && $3 != $1 { print $2 ": " $1 " uses " $3 ", its sibling (" $4 ")"; bad = 1 }
       END { exit bad }'

status=0
# includes: "layer file included-folder include"
for l in $layers; do
    [ -d "$root/$l" ] || { echo "check-layers: no folder $root/$l" >&2; exit 2; }
    find "$root/$l" -name '*.[ch]' | sort | while read -r f; do
        sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
            while read -r inc; do
                case $inc in
                */*) echo "$l ${f#"$root"/} ${inc%%/*} #include\"$inc\"" ;;
                esac
            done
    done
done | awk "$judge" "$ranks" - || status=1

# symbols: "layer archive defining-layer symbol", for each undefined symbol
# that another layer's archive defines and its own does not.
if [ -n "$build" ]; then
    for l in $layers; do
        [ -f "$build/lib$l.a" ] || { echo "check-layers: no $build/lib$l.a (make first)" >&2; exit 2; }
        nm -g --defined-only "$build/lib$l.a" 2>/dev/null | awk -v l="$l" 'NF == 3 { print "D", l, $3 }'
        nm -u "$build/lib$l.a" 2>/dev/null | awk -v l="$l" 'NF >= 2 { print "U", l, $NF }'
    done | awk -v b="$build" '
        $1 == "D" { defs[$3] = defs[$3] " " $2; own[$2 SUBSEP $3] = 1; next }
        { need[$2 SUBSEP $3] = 1 }
        END {
            for (k in need) {
                split(k, p, SUBSEP)
                if ((p[1] SUBSEP p[2]) in own || !(p[2] in defs)) continue
                n = split(defs[p[2]], by, " ")
                for (i = 1; i <= n; i++) print p[1], b "/lib" p[1] ".a", by[i], p[2]
            }
        }' | sort | awk "$judge" "$ranks" - || status=1
fi
[ $status -eq 0 ] && echo "check-layers: $(echo $layers | wc -w) layers, no reference goes up or sideways"
exit $status
