#!/usr/bin/env bash
# steady snapshot against the checklist a responder would otherwise run, side by side in one run:
# wall time, CPU seconds (user + system) and peak RSS of each, measured by /usr/bin/time -v, on this
# machine as it is and again with 2,000 extra idle processes (sleep 600) started here and killed
# at the end, also on failure. Bars (PRODUCT.md): steady snapshot <= 2 s wall including its 1 s
# interval, <= 0.5 CPU-s, <= 80 MB peak RSS on a host with 2,000 processes.
#
#   bench/snapshot/run.sh            # RUNS=5 by default: the median of each is reported
#   RUNS=9 EXTRA=2000 bench/snapshot/run.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${RUNS:-5}"
extra="${EXTRA:-2000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say() { printf '==> %s\n' "$*" >&2; }

# ---- tools: GNU time and lsof from Debian's packages when missing ---------------------------------
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v lsof >/dev/null || missing+=(lsof)
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "bench/snapshot: need root to apt-get install ${missing[*]}" >&2; exit 1; }
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi

work="$(mktemp -d /tmp/steady-bench-snapshot.XXXXXX)"

# Two Release builds of the same code: as `dotnet build` leaves it (every method compiled by the JIT
# at start-up), and published ReadyToRun (compiled ahead of time), which is how a CLI that must
# start fast on a struggling host should ship.
say "building steady (Release) and publishing it ReadyToRun"
dotnet build "$root/src/Steady.Cli" -c Release -nologo -v quiet >/dev/null
jit="$root/src/Steady.Cli/bin/Release/net10.0/steady.dll"
dotnet publish "$root/src/Steady.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$work/steady" -nologo -v quiet >/dev/null
steady="$work/steady/steady"
sleepers=()
cleanup() {
    if [ ${#sleepers[@]} -gt 0 ]; then
        kill "${sleepers[@]}" 2>/dev/null || true
        wait "${sleepers[@]}" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The commands, by label. Output goes to /dev/null; only the costs are kept.
labels=("steady snapshot (ReadyToRun)" "steady snapshot --json (ReadyToRun)" "steady snapshot (JIT)" "top -bn1" "vmstat 1 2" "df" "lsof" "ss -tanp")
commands=("$steady snapshot" "$steady snapshot --json" "dotnet $jit snapshot" "top -bn1" "vmstat 1 2" "df" "lsof" "ss -tanp")
if command -v journalctl >/dev/null; then
    labels+=("journalctl --since -10min")
    commands+=("journalctl --since -10min --no-pager")
fi

# measure LABEL COMMAND...: RUNS runs, the median wall, CPU and RSS as "wall cpu rss_mb"
measure() {
    local out="$work/time" i
    : >"$work/samples"
    for i in $(seq 1 "$runs"); do
        /usr/bin/time -v -o "$out" bash -c "exec $1 >/dev/null 2>&1" || true
        awk -F': ' '
            /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
            /User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { rss = $2 }
            END { printf "%.2f %.2f %.1f\n", wall, user + sys, rss / 1024 }' "$out" >>"$work/samples"
    done
    # Median of each column on its own.
    local wall cpu rss
    wall=$(cut -d' ' -f1 "$work/samples" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    cpu=$(cut -d' ' -f2 "$work/samples" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    rss=$(cut -d' ' -f3 "$work/samples" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    echo "$wall $cpu $rss"
}

table() { # scenario
    local processes
    processes=$(ls -d /proc/[0-9]* | wc -l)
    printf '\n%s: %s processes, load %s, median of %s runs\n\n' "$1" "$processes" "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs"
    printf '| command | wall s | CPU s | peak RSS MB |\n| --- | --- | --- | --- |\n'
    local i result
    for i in "${!labels[@]}"; do
        result=$(measure "${commands[$i]}")
        set -- $result
        printf '| `%s` | %s | %s | %s |\n' "${labels[$i]}" "$1" "$2" "$3"
    done
}

# Warm the file cache once, as a responder's second command would find it.
"$steady" snapshot --interval 0 >/dev/null
dotnet "$jit" snapshot --interval 0 >/dev/null

table "this machine"

say "starting $extra idle processes"
for _ in $(seq 1 "$extra"); do
    sleep 600 >/dev/null 2>&1 </dev/null &
    sleepers+=($!)
done
table "with $extra extra idle processes"

echo
echo "steady snapshot's own account of one more run: interval, elapsed, and steps that were not complete"
cat >"$work/steps.py" <<'PY'
import json, sys
s = json.load(sys.stdin)
print("  interval %s s, elapsed %s s, %d processes" % (s["intervalSeconds"], s["elapsedSeconds"], s["processes"]["count"]))
for step in s["steps"]:
    if step["status"] != "complete":
        print("  %s: %s after %.0f ms (budget %.0f): %s" % (step["name"], step["status"], step["elapsedMs"], step["budgetMs"], step["note"]))
PY
"$steady" snapshot --json | python3 "$work/steps.py"
