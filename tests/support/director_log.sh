# Sourced by the emulation tests that read the directors' event logs: each
# keepalived line there starts with the director's own clock (the loop's
# time, seconds since the Epoch: emu/director_keepalived.c), so two
# directors' lines on this machine can be compared, and a takeover for want
# of adverts ends with ", last advert from ADDR at TIME" (the master that
# stopped cannot log its end). Times are compared to the microsecond.

# A director's timer fires at its deadline, late by however long the loop
# took to wake: the bounds below allow this much.
timer_slack=0.25

# wait_log FILE PATTERN SECONDS: until a line of FILE matches PATTERN (grep),
# looking every 50 ms, SECONDS x 20 times at most; fails showing FILE
wait_log() {
    k=0
    until grep -qs -- "$2" "$1"; do
        k=$((k + 1)); [ $k -lt $(( $3 * 20 )) ] || { cat "$1"; echo "no '$2' in $1 within $3 s"; exit 1; }
        sleep 0.05
    done
}

# log_time FILE PATTERN: the director's time on the last line matching PATTERN
log_time() { grep -- "$2" "$1" | tail -n 1 | awk '{ print $1 }'; }

# last_advert FILE: "ADDR TIME" of the last advert heard before the last
# master-down takeover in FILE
last_advert() {
    grep -- '-> MASTER (master_down), last advert from ' "$1" | tail -n 1 | awk '{ print $(NF - 2), $NF }'
}

# seconds_between T0 T1: T1 - T0
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f\n", b - a }'; }

# on_time X T: whether X s is what a timer of T s takes: no less (but for
# the microsecond the printed times' rounding may cost), late by
# $timer_slack at most
on_time() { awk -v x="$1" -v t="$2" -v late="$timer_slack" 'BEGIN { exit !(x >= t - 0.000001 && x <= t + late) }'; }
