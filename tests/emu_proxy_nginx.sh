#!/bin/sh
# The proxy tier in the emulated world: scenarios/evolution.lua's stage 3 (a
# DR director in front of two proxies, four back ends) with 'lvslab emu
# run': each proxy is the real nginx, configured from serve(kind =
# "proxy") (emu/nginx_conf.c). Requests complete with none failed, every
# back end answers some, and each back end sees exactly two client
# addresses, the proxies', though four clients send: the requests came
# through nginx. Needs root, namespaces, /dev/net/tun, nginx and wrk:
# skips (exit 77) without them. Run it under flock /work/tmp/emu.lock.
. "$(dirname "$0")/support/lvslab.sh"
. "$(dirname "$0")/support/needs.sh"
need_netns; need_tun; need_tools nginx wrk
tag=n$(( $$ % 1000 ))
trap '"$lvslab" emu down "$tag" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM

"$lvslab" emu run scenarios/evolution.lua --set stage=3 --set keepalive=0 --set after=0 --set duration=3s --set warmup=1s \
    --set users=4 --out "$dir/out" --tag "$tag" >/dev/null || { echo "emu_proxy_nginx: the run failed"; exit 1; }

python3 - "$dir/out/results.json" <<'PY'
import json, sys
runs = [r for r in json.load(open(sys.argv[1]))["runs"] if r["world"] == "emu"]
assert len(runs) == 1, runs
r = runs[0]
assert r["requests"]["completed"] > 100, r["requests"]
assert r["requests"]["failed"] == 0, r["requests"]
srv = {s["name"]: s for s in r["servers"]}
assert sorted(srv) == ["rs1", "rs2", "rs3", "rs4"], sorted(srv)
for name, s in srv.items():
    assert s["requests"] > 0, (name, s)
    assert s["client_addrs"] == 2, ("%s saw %s client addresses, not the two proxies'" % (name, s["client_addrs"]))
print("emu_proxy_nginx: %d requests through nginx, per back end %s" %
      (r["requests"]["completed"], {n: s["requests"] for n, s in sorted(srv.items())}))
PY
[ $? -eq 0 ] || { echo "emu_proxy_nginx: wrong results"; exit 1; }
left=$(ip netns list | grep -c "lvslab-$tag-" || true)
[ "$left" -eq 0 ] || { echo "emu_proxy_nginx: $left namespaces left behind"; exit 1; }
echo "emu_proxy_nginx: ok"
