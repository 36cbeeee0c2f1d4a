#!/usr/bin/env bash
# Reports benchmark (quality bar: each report over a year of data answers in <= 2 s).
# Starts Steady on a fresh SQLite database with the demo, adds PEOPLE people on ROTATIONS weekly rotations
# through the API, stops it, writes a year of history straight into the database with make-data.py
# (ALERTS alerts in groups, DELIVERIES pages, INCIDENTS incidents), starts it again and times each report
# over the last 365 days through the API (one warm-up, its time printed too: the first starts the report worker;
# then RUNS timed requests; the median is reported).
#
# Knobs (environment): ALERTS (100000; the issue's bar is 1000000), DELIVERIES (50000), INCIDENTS (500),
# PEOPLE (30), ROTATIONS (6), RUNS (3), CONFIG (Release; Debug reuses the test build without building),
# AFTER_IDLE: seconds to leave the server idle after the timed runs, then time each report once more (the first report
# after the worker dropped its scratch tables: 150 is past the two idle minutes; with Steady__Reports__WorkerIdle=00:01:00
# in the environment, 90 times a worker started anew);
# KEEP_DB: a file to keep a copy of the database in (to look at query plans), with its key file (steady.key) beside it;
# FROM_DB: a database kept so (its steady.key beside it) to time the reports on instead of making a new one (making
# 1,000,000 alerts takes minutes); STEADY_REF: time that commit (built in BUILD_CACHE as during.sh does) instead of
# the working tree. Beside it: during.sh (intake and paging latency while the reports run, on a kept database) and
# gc-per-report.py (what each report costs the server's garbage collector).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/reports"
config="${CONFIG:-Release}"
runs="${RUNS:-3}"
token="stdy_bench_reports_admin_token_0123456789"
work="$(mktemp -d -t steady-reports-bench.XXXXXX)"
. "$root/bench/reports/server.sh"
trap 'stop; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

dll="$root/src/Steady.Server/bin/$config/net10.0/Steady.Server.dll"
if [[ -n "${STEADY_REF:-}" ]]; then
    build_ref
elif [[ "$config" == "Release" ]]; then
    echo "building Steady (Release)" >&2
    dotnet build "$root/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
fi
echo "Steady: ${commit:-$(git -C "$root" rev-parse --short HEAD) (working tree)}; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"

start() {
    Steady__Database__ConnectionString="Data Source=$work/steady.db" Steady__Bootstrap__AdminToken="$token" \
        dotnet "$dll" "$@" --urls "$url" >>"$work/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do curl -sf "$url/readyz" >/dev/null && return 0; sleep 1; done
    echo "Steady did not become ready; its log:" >&2; cat "$work/server.log" >&2; exit 1
}

if [[ -n "${FROM_DB:-}" ]]; then
    echo "timing on a copy of $FROM_DB" >&2
    cp "$FROM_DB" "$work/steady.db"
    cp "$(dirname "$FROM_DB")/steady.key" "$work/steady.key"
else
    start --demo
    echo "setting up people, rotations, policies and services" >&2
    python3 "$here/make-data.py" setup "$url" "$token"
    stop
    echo "writing a year of history" >&2
    python3 "$here/make-data.py" fill "$work/steady.db"
fi
start
. "$root/bench/quiet.sh"
wait_quiet "${WAIT_QUIET:-0}" "the times below include waiting for it"
echo "machine busy before the timing: $busy cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

from="$(date -u -d '365 days ago' +%Y-%m-%d)"
printf '%-9s %8s\n' report "median s"
for report in response oncall noise; do
    path="/api/v1/reports/$report?from=$from"
    first="$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url$path")" # the warm-up, timed too
    times=()
    for _ in $(seq 1 "$runs"); do
        times+=("$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url$path")")
    done
    printf '%-9s %8s   (%s; warm-up %s)\n' "$report" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")" "${times[*]}" "$first"
done
if [[ "${AFTER_IDLE:-0}" -gt 0 ]]; then
    # The report worker drops its scratch tables after two idle minutes, and exits after Steady:Reports:WorkerIdle (10
    # minutes; docs/reports.md): the first report after that makes them again, or starts a new worker. Each report
    # once, after AFTER_IDLE seconds of nothing (set Steady__Reports__WorkerIdle below AFTER_IDLE to time a new worker).
    echo "idle for ${AFTER_IDLE} s" >&2
    sleep "$AFTER_IDLE"
    printf '%-9s %8s\n' report "after idle s"
    for report in response oncall noise; do
        printf '%-9s %8s\n' "$report" "$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url/api/v1/reports/$report?from=$from")"
    done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [[ -n "${KEEP_DB:-}" ]]; then
    stop
    cp "$work/steady.db" "$KEEP_DB"
    cp "$work/steady.key" "$(dirname "$KEEP_DB")/steady.key" # the database's secrets open only with it
fi
