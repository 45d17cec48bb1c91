# Sourced by the emulation tests: the directors of the world named $tag
# (whose folder is $work) and their SIGUSR1 listings.

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
