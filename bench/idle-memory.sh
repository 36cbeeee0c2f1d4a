#!/usr/bin/env bash
# Server memory at idle (quality bar: <= 200 MB). Builds Release, starts the server on a fresh
# SQLite database, exercises the console and API once, waits, and reads VmRSS/VmHWM from /proc.
# Knobs: IDLE_SECONDS (10) to stay idle; SAMPLE_EVERY (0: only at the end) seconds between RSS readings
# printed along the way; DEMO=0 starts it without the demo data (the bar is measured on a fresh, empty server); SERVER_DIR a published server folder to measure instead of a Release build (e.g. what
# scripts/package-deb publishes: artifacts/publish/server); the runtime's own environment (DOTNET_gcServer=0,
# ...) passes through to the server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${SERVER_DIR:-}" ]]; then
    server_dll="$(cd "$SERVER_DIR" && pwd)/Steady.Server.dll"
else
    dotnet build "$root/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
    server_dll="$root/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"
fi
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(( 20000 + RANDOM % 40000 ))
token="stdy_bench-idle-memory-token-000000000000"
cd "$work"
Steady__Bootstrap__AdminToken="$token" dotnet "$server_dll" \
    --urls "http://127.0.0.1:$port" $([[ "${DEMO:-1}" == 0 ]] || echo --demo) >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; kill -0 "$pid" || { cat "$work/server.log" >&2; exit 1; }; sleep 0.1; done
for path in /api/v1/services /api/v1/teams /api/v1/users /api/v1/audit; do
    curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >/dev/null
done
curl -sf "http://127.0.0.1:$port/login" >/dev/null
curl -sf "http://127.0.0.1:$port/metrics" >/dev/null
idle="${IDLE_SECONDS:-10}"; every="${SAMPLE_EVERY:-0}"
if ((every > 0)); then
    for ((t = every; t <= idle; t += every)); do
        sleep "$every"
        printf 'after %5ss idle: RSS %d MB\n' "$t" $(($(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024))
    done
    sleep $((idle % every))
else
    sleep "$idle"
fi
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
printf 'idle RSS: %d MB (peak %d MB) after %ss idle, %s, SQLite\n' $((rss / 1024)) $((hwm / 1024)) "${IDLE_SECONDS:-10}" "$(if [[ "${DEMO:-1}" == 0 ]]; then echo 'no data'; else echo 'demo data loaded'; fi)"
