#!/usr/bin/env bash
# Journal import speed: `steady timeline import --dry-run` (reading, selecting and summarizing)
# against `journalctl -o json` reading the same window of the same journal files, side by side in
# one run. The journal is written here: ENTRIES entries over 10 minutes (make-journal.py) turned into
# journal files by systemd-journal-remote. Wall time, CPU seconds and peak RSS by /usr/bin/time -v;
# entries/s = entries in the window / wall time, process start included for both.
# Bar (PRODUCT.md): journal import >= 50,000 entries/s.
#
#   bench/journal/run.sh                 # ENTRIES=200000 RUNS=5: the median of each is reported
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
entries="${ENTRIES:-200000}"
runs="${RUNS:-5}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say() { printf '==> %s\n' "$*" >&2; }

missing=()
[ -x /usr/bin/time ] || missing+=(time)
[ -x /lib/systemd/systemd-journal-remote ] || missing+=(systemd-journal-remote)
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "bench/journal: need root to apt-get install ${missing[*]}" >&2; exit 1; }
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi

work="$(mktemp -d /tmp/steady-bench-journal.XXXXXX)"
trap 'rm -rf "$work"' EXIT

say "publishing steady (Release, ReadyToRun)"
dotnet publish "$root/src/Steady.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$work/steady" -nologo -v quiet >/dev/null
steady="$work/steady/steady"

say "writing a journal of $entries entries with systemd-journal-remote"
python3 "$root/bench/journal/make-journal.py" "$entries" >"$work/entries.export"
mkdir "$work/journal"
/lib/systemd/systemd-journal-remote --output="$work/journal/bench.journal" "$work/entries.export" >/dev/null 2>&1
rm "$work/entries.export"
steady_files=""; journalctl_files=""
for f in "$work"/journal/*.journal; do
    steady_files+=" --file $f"; journalctl_files+=" --file=$f"
done
since="2026-11-24T13:10:00Z"; until="2026-11-24T13:20:00Z"
since_epoch=$(date -u -d "$since" +%s); until_epoch=$(date -u -d "$until" +%s)

labels=("steady timeline import --dry-run (sd-journal)" "steady timeline import --dry-run --reader journalctl" "journalctl -o json")
commands=(
    "$steady timeline import $steady_files --since $since --until $until --dry-run"
    "$steady timeline import $steady_files --since $since --until $until --dry-run --reader journalctl"
    "journalctl $journalctl_files -o json --no-pager --since=@$since_epoch --until=@$until_epoch"
)

measure() { # COMMAND: RUNS runs; median wall, CPU and RSS as "wall cpu rss_mb"
    local out="$work/time" i
    : >"$work/samples"
    for i in $(seq 1 "$runs"); do
        /usr/bin/time -v -o "$out" bash -c "exec $1 >/dev/null 2>&1" || true
        awk -F': ' '
            /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
            /User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { rss = $2 }
            END { printf "%.2f %.2f %.1f\n", wall, user + sys, rss / 1024 }' "$out" >>"$work/samples"
    done
    local col
    for col in 1 2 3; do
        cut -d' ' -f$col "$work/samples" | sort -n | awk '{ a[NR] = $1 } END { printf "%s ", a[int((NR + 1) / 2)] }'
    done
    echo
}

# What the window holds, by journalctl's count, and what steady makes of it.
in_window=$(eval "${commands[2]}" | wc -l)
summary=$(eval "${commands[0]}" | head -n 1)
# Warm the page cache for all alike.
eval "${commands[2]}" >/dev/null

printf '\n%s entries in the window, %s journal files (%s MB); %s processes, load %s; median of %s runs\n\n' \
    "$in_window" "$(ls "$work"/journal/*.journal | wc -l)" "$(du -sm "$work/journal" | cut -f1)" "$(ls -d /proc/[0-9]* | wc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs"
printf '| command | wall s | CPU s | peak RSS MB | entries/s |\n| --- | --- | --- | --- | --- |\n'
for i in "${!labels[@]}"; do
    set -- $(measure "${commands[$i]}")
    printf '| `%s` | %s | %s | %s | %s |\n' "${labels[$i]}" "$1" "$2" "$3" "$(awk -v n="$in_window" -v w="$1" 'BEGIN { printf "%\047.0f", n / w }')"
done
printf '\nsteady: %s\n' "$summary"
