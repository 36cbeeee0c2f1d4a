#!/usr/bin/env bash
# Intake and paging while reports run (issue 19's "computing them does not slow intake or paging").
# Serves a copy of the reports benchmark's kept database (run.sh with KEEP_DB) with a Release build, the paging
# benchmark's settings (bundle window and throttle off, no intake rate limit), and drives it with bench/paging's
# PagingLoad in its reports mode: it sets up a person with a loopback webhook, a policy and a probe service, then
# sends one probe alert every 100 ms (each its own group, so each pages) beside RATE background alerts/s, and
# measures each probe's intake answer (posted -> 202) and alert -> page received by the webhook, first with
# nothing else asked, then while another client asks for the noise, on-call and response reports over the last
# 365 days back to back (their times are printed too).
#
# Knobs (environment): KEEP_DB (required): the kept database (its steady.key beside it); RATE (20) background
# alerts/s, PROBES (300) per phase; STEADY_REF: measure that commit (HEAD, main~3, ...), exported and built in
# BUILD_CACHE (/tmp/steady-builds), instead of the working tree; WAIT_QUIET (120) seconds to wait for the machine
# to go quiet first; BENCH_OUT: a file to copy the JSON results to; KEEP_RUN: a folder to copy the run's database (with
# its log) and the server's log to after the run, to look up the slowest probes (in the results) in it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kept="${KEEP_DB:?KEEP_DB: the 1M-alert database kept by bench/reports/run.sh}"
token="stdy_bench_reports_admin_token_0123456789" # run.sh's
work="$(mktemp -d -t steady-reports-during.XXXXXX)"
. "$root/bench/reports/server.sh"
trap 'stop; if [[ -n "${KEEP_RUN:-}" ]]; then mkdir -p "$KEEP_RUN" && cp "$work"/steady.db* "$work/steady.log" "$KEEP_RUN"/; fi; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

if [[ -n "${STEADY_REF:-}" ]]; then
    build_ref
else
    commit="$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo '+changes')"
    echo "building Steady (Release, the working tree at $commit)" >&2
    dotnet build "$root/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
    dll="$root/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"
fi
dotnet build "$root/bench/paging/PagingLoad" -c Release -nologo -v quiet >/dev/null
load="$root/bench/paging/PagingLoad/bin/Release/net10.0/PagingLoad.dll"

cp "$kept" "$work/steady.db"
cp "$(dirname "$kept")/steady.key" "$work/steady.key"
port="$(dotnet "$load" free-port)"
url="http://127.0.0.1:$port"
(
    cd "$work"
    export Steady__Database__ConnectionString="Data Source=$work/steady.db"
    export Steady__Intake__RequestsPerSecondPerKey=0
    export Steady__Paging__BundleWindow=00:00:00
    export Steady__Paging__ThrottlePerMinute=0
    export Logging__LogLevel__Default=Warning
    exec dotnet "$dll" --urls "$url"
) >"$work/steady.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do curl -fs "$url/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$url/readyz" >/dev/null || { cat "$work/steady.log" >&2; echo "Steady did not start" >&2; exit 1; }
# One round of the reports first, so the run measures a warm server and a warm page cache.
from="$(date -u -d '365 days ago' +%Y-%m-%d)"
for report in noise oncall response; do curl -fs -o /dev/null -H "Authorization: Bearer $token" "$url/api/v1/reports/$report?from=$from"; done

. "$root/bench/quiet.sh"
wait_quiet "${WAIT_QUIET:-120}" "latencies below include waiting for it"
echo "Steady: $commit; $(date -u +%FT%TZ); machine busy before the run: $busy cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
set +e
dotnet "$load" --url "$url" --token "$token" --db "$work/steady.db" --rate "${RATE:-20}" --probes "${PROBES:-300}" --open 0 --reports-from "$from" | tee "$work/result.json"
status=${PIPESTATUS[0]}
set -e
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
[[ -n "${BENCH_OUT:-}" ]] && cp "$work/result.json" "$BENCH_OUT"
exit "$status"
