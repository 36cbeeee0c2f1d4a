# Sourced by the benchmarks: wait for the rest of the machine to go quiet before measuring.
# wait_quiet SECONDS WARNING — waits up to SECONDS for fewer than 0.3 cores to be busy; if the machine
# stays busy, prints WARNING (with how busy it was) and goes on. Sets $busy to the cores last seen busy.

busy_cores() { # CPU cores busy on the whole machine over $1 seconds, from /proc/stat
    local a b
    a=($(head -1 /proc/stat)); sleep "$1"; b=($(head -1 /proc/stat))
    awk -v a="${a[*]}" -v b="${b[*]}" -v s="$1" 'BEGIN { split(a, x, " "); split(b, y, " ");
        busy = (y[2]+y[3]+y[4]+y[7]+y[8]+y[9]) - (x[2]+x[3]+x[4]+x[7]+x[8]+x[9]); printf "%.2f", busy / 100 / s }'
}

wait_quiet() {
    local deadline=$((SECONDS + ${1:-0}))
    while :; do
        busy="$(busy_cores 3)"
        awk -v b="$busy" 'BEGIN { exit !(b < 0.3) }' && return 0
        if ((SECONDS >= deadline)); then
            echo "warning: the machine is busy with other work ($busy of $(nproc) cores before the run): $2" >&2
            return 0
        fi
        echo "waiting for the machine to go quiet ($busy cores busy)" >&2
        sleep 5
    done
}
