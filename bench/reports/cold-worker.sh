#!/usr/bin/env bash
# The first report of a new report worker (docs/reports.md): on a kept database (run.sh with KEEP_DB), a Release build
# whose worker is let go after 15 s idle; one warm-up round of the three reports, then each report timed after 20 s of
# nothing (so each starts a new worker, the server warm), ROUNDS (2) times, then one more noise report with the worker
# warm. Runtime settings in the environment (DOTNET_...) reach the server and the worker it starts.
# Knobs: FROM_DB (required; its steady.key beside it); STEADY_REF (as during.sh); SERVER_DLL (a Steady.Server.dll built
# or published elsewhere, a ReadyToRun publish for one, instead); ROUNDS; LABEL (printed first).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kept="${FROM_DB:?FROM_DB: the 1M-alert database kept by bench/reports/run.sh}"
token="stdy_bench_reports_admin_token_0123456789" # run.sh's
work="$(mktemp -d -t steady-cold-worker.XXXXXX)"
. "$root/bench/reports/server.sh"
trap 'stop; rm -rf "$work"' EXIT
if [[ -n "${SERVER_DLL:-}" ]]; then
    dll="$SERVER_DLL"
elif [[ -n "${STEADY_REF:-}" ]]; then
    build_ref
else
    dotnet build "$root/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
    dll="$root/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"
fi
cp "$kept" "$work/steady.db"
cp "$(dirname "$kept")/steady.key" "$work/steady.key"
port=$(( 20000 + RANDOM % 40000 ))
url="http://127.0.0.1:$port"
(
    cd "$work"
    export Steady__Database__ConnectionString="Data Source=$work/steady.db" Steady__Reports__WorkerIdle=00:00:15 Logging__LogLevel__Default=Warning
    exec dotnet "$dll" --urls "$url"
) >"$work/steady.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do curl -fs "$url/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
from="$(date -u -d '365 days ago' +%Y-%m-%d)"
ask() { curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url/api/v1/reports/$1?from=$from"; }
for report in response oncall noise; do ask "$report" >/dev/null; done
out="${LABEL:-default}:"
for _ in $(seq 1 "${ROUNDS:-2}"); do
    for report in response oncall noise; do sleep 20; out="$out $report=$(ask "$report")"; done
done
echo "$out warm-noise=$(ask noise)"
