# Sourced by the emulated-director tests: wrk through the VIP 10.0.0.100 of
# the main scenario (2 real servers) for 2 s must see no socket error and
# no non-2xx answer, and each real server's http.server log (rs1-http.log,
# rs2-http.log) must gain at least a quarter of the requests.
#   wrk_spread LABEL LOG_DIR DIRECTOR_LOG RUN...
# RUN... runs a command where the client is (a namespace); DIRECTOR_LOG is
# shown when wrk does not finish. Uses $tmp; exits 1 on a failure.
wrk_spread() {
    label=$1 logs=$2 director_log=$3
    shift 3
    before1=$(wc -l <"$logs/rs1-http.log"); before2=$(wc -l <"$logs/rs2-http.log")
    "$@" timeout 20 taskset -c 0 wrk -t1 -c8 -d2s http://10.0.0.100/ >"$tmp/wrk.txt" 2>&1 ||
        { cat "$tmp/wrk.txt" "$director_log"; echo "$label: wrk did not finish"; exit 1; }
    cat "$tmp/wrk.txt"
    ! grep -q -e 'Socket errors' -e 'Non-2xx' "$tmp/wrk.txt" || { echo "$label: wrk saw errors"; exit 1; }
    n1=$(( $(wc -l <"$logs/rs1-http.log") - before1 )); n2=$(( $(wc -l <"$logs/rs2-http.log") - before2 ))
    total=$(( n1 + n2 ))
    echo "$label wrk: rs1=$n1 rs2=$n2 requests"
    [ "$total" -gt 100 ] && [ $(( n1 * 4 )) -ge "$total" ] && [ $(( n2 * 4 )) -ge "$total" ] ||
        { echo "$label: requests not spread over the servers (rs1=$n1 rs2=$n2)"; exit 1; }
}
