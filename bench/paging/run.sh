#!/usr/bin/env bash
# Paging benchmark (quality bars: alert received -> first notification p99 <= 100 ms under 200 alerts/s;
# escalation steps fire within 500 ms (p99) of their due time with 50,000 open alerts).
# Starts a Release build of Steady on a fresh SQLite database on loopback and drives it with
# PagingLoad, which sets up people, policies and services through the API, receives the pages on a
# loopback webhook receiver and measures:
#   1. alert posted -> page received by the webhook receiver, one probe alert every 100 ms (each its own
#      group, so each pages), while a background sender posts RATE alerts/s to another service;
#   2. escalation lateness: step 2 received - step 1 received - the step's wait (3 s; the API's shortest
#      wait is 1 min, so the driver shortens the probe policy's in the database), first under the same
#      load, then after OPEN alerts (each its own group, each with a running escalation) are open.
# The bundle window and throttle are off (Steady__Paging__BundleWindow=0, ThrottlePerMinute=0): they
# exist to hold pages back, and every probe here goes to the same person.
#
# Knobs (environment): RATE (200) background alerts/s, PROBES (300), OPEN (50000), LATE_PROBES (100),
# SETTLE (0) seconds to keep watching Steady's RSS after the load with the open alerts still open (SETTLE_EVERY, 30),
# BENCH_OUT: a file to copy the JSON results to, KEEP_DB: a file to keep a copy of Steady's database in (to look at its query plans), WAIT_QUIET: wait up to that many seconds for the
# rest of the machine to go quiet before the run (latencies measured beside a build are the build's).
# STEADY_REF: benchmark that commit (HEAD, main~3, ...), exported to the temp dir and built there, instead
# of the working tree (A/B tests of the paging path; the driver is always the working tree's).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/paging"

need=()
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
    echo "installing ${need[*]} (Debian packages)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work="$(mktemp -d -t steady-paging-bench.XXXXXX)"
steady_pid=""
cleanup() {
    if [[ -n "$steady_pid" ]] && kill -0 "$steady_pid" 2>/dev/null; then
        kill -TERM "$steady_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$steady_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$steady_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n "${STEADY_REF:-}" ]]; then
    commit="$(git -C "$root" rev-parse --short "$STEADY_REF^{commit}")"
    echo "building Steady $commit ($STEADY_REF, Release) in a clean export, and the driver" >&2
    mkdir -p "$work/source"
    git -C "$root" archive --format=tar "$commit" | tar -x -C "$work/source"
    dotnet build "$work/source/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
    server_dll="$work/source/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"
else
    commit="$(git -C "$root" rev-parse --short HEAD)"
    echo "building Steady (Release, the working tree at $commit) and the driver" >&2
    dotnet build "$root/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
    server_dll="$root/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"
fi
echo "Steady: $commit"
dotnet build "$here/PagingLoad" -c Release -nologo -v quiet >/dev/null
load_dll="$here/PagingLoad/bin/Release/net10.0/PagingLoad.dll"

port="$(dotnet "$load_dll" free-port)"
url="http://127.0.0.1:$port"
token="stdy_paging-bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$work/steady"
(
    cd "$work/steady"
    export Steady__Database__ConnectionString="Data Source=$work/steady/steady.db"
    export Steady__Bootstrap__AdminToken="$token"
    export Steady__Intake__RequestsPerSecondPerKey=0
    export Steady__Paging__BundleWindow=00:00:00
    export Steady__Paging__ThrottlePerMinute=0
    export Logging__LogLevel__Default=Warning
    exec dotnet "$server_dll" --urls "$url"
) >"$work/steady.log" 2>&1 &
steady_pid=$!
for _ in $(seq 1 300); do curl -fs "$url/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$url/readyz" >/dev/null || { cat "$work/steady.log" >&2; echo "Steady did not start" >&2; exit 1; }

. "$root/bench/quiet.sh"
wait_quiet "${WAIT_QUIET:-0}" "latencies below include waiting for it"
echo "Steady: $commit (driver: $(git -C "$root" rev-parse --short HEAD)); machine busy before the run: $busy cores" >&2
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version)" >&2
set +e
dotnet "$load_dll" --url "$url" --token "$token" --db "$work/steady/steady.db" \
    --rate "${RATE:-200}" --probes "${PROBES:-300}" --open "${OPEN:-50000}" --late-probes "${LATE_PROBES:-100}" | tee "$work/result.json"
status=${PIPESTATUS[0]}
set -e
[[ -n "${KEEP_DB:-}" ]] && sqlite3 "$work/steady/steady.db" ".backup '$KEEP_DB'" && echo "database kept in $KEEP_DB" >&2
rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/$steady_pid/status" 2>/dev/null || echo 0)"
echo "steady peak RSS: $((rss_kb / 1024)) MB" >&2
# Memory with the open alerts still open and their escalations live (the bar: <= 500 MB with 100,000): RSS
# every SETTLE_EVERY s for SETTLE s after the load stopped, the console's alert list read once first.
settle="${SETTLE:-0}"
if ((settle > 0)); then
    curl -fs -o /dev/null -H "Authorization: Bearer $token" "$url/api/v1/alerts?status=triggered&limit=100" || true
    every="${SETTLE_EVERY:-30}"
    for ((t = every; t <= settle; t += every)); do
        sleep "$every"
        printf 'steady RSS %4d s after the load, %s alerts open: %d MB\n' "$t" \
            "$(sqlite3 "file:$work/steady/steady.db?mode=ro" "select count(*) from alerts where status <> 'Resolved'" 2>/dev/null || echo '?')" \
            $(($(awk '/VmRSS/ {print $2}' "/proc/$steady_pid/status") / 1024)) >&2
    done
fi
[[ -n "${BENCH_OUT:-}" ]] && cp "$work/result.json" "$BENCH_OUT"
exit "$status"
