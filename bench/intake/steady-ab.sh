#!/usr/bin/env bash
# Two builds of Steady alone under wrk, alternated: does a change cost intake CPU? (Not the Alertmanager comparison:
# that is run.sh.) Each round starts a fresh server on a new SQLite database, warms it with WARM (30) s of wrk, then
# measures 20 s: alerts/s, the server's own CPU-ms per 1,000 alerts stored, and the writer thread's CPU per alert by
# phase (steady_alert_writer_cpu_seconds_total).
# usage: bench/intake/steady-ab.sh A.dll B.dll [ROUNDS (2)]   (PHASE=unique|repeated, WARM=30)
# A build of a commit: git archive it, `dotnet build src/Steady.Server -c Release`, pass its bin/Release/net10.0/Steady.Server.dll.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in wrk jq; do command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 1; }; done
one() {
    local dll="$1" work port url pid token="stdy_bench-intake-token-0000000000000000"
    work="$(mktemp -d)"; port=$((20000 + RANDOM % 40000)); url="http://127.0.0.1:$port"
    (cd "$work"; export Steady__Database__ConnectionString="Data Source=$work/steady.db" Steady__Bootstrap__AdminToken=$token Steady__Intake__RequestsPerSecondPerKey=0
     exec dotnet "$dll" --urls "$url") >"$work/log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do curl -sf -o /dev/null "$url/readyz" && break; sleep 0.2; done
    api() { curl -sf -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$3" "$url$2"; }
    local team svc key
    team=$(api POST /api/v1/teams '{"name":"Bench"}' | jq -r .id)
    svc=$(api POST /api/v1/services "{\"name\":\"bench\",\"teamId\":\"$team\"}" | jq -r .id)
    key=$(api POST "/api/v1/services/$svc/integration-keys" '{"name":"bench"}' | jq -r .key)
    w() { TARGET=steady PHASE=$1 RUN=r$RANDOM STARTS_AT=$(date -u +%Y-%m-%dT%H:%M:%S.000Z) wrk -t 2 -c 8 -d "${2}s" --timeout 10s -s "$here/intake.lua" "$url/intake/$key/alertmanager" | grep '^result' || true; }
    m() { curl -sf "$url/metrics" | awk -F'[{}" ]' '/^steady_alert_writer_cpu_seconds_total\{/ {v[$3]=$NF} /^steady_intake_alerts_stored_total/ {n=$2}
        END {printf "%s %s %s %s %s\n", v["load"]+0, v["fold"]+0, v["write"]+0, v["commit"]+0, n}'; }
    w "${PHASE:-unique}" "${WARM:-30}" >/dev/null
    local a b t0 t1
    a=$(m); t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
    w "${PHASE:-unique}" 20 >/dev/null
    b=$(m); t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
    kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$work"
    awk -v a="$a" -v b="$b" -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {split(a, x, " "); split(b, y, " "); n = y[5] - x[5]; tot = 0
        for (i = 1; i <= 4; i++) {d[i] = (y[i] - x[i]) * 1e6 / n; tot += d[i]}
        printf "alerts/s %.0f  server CPU-ms/1k %.1f  writer us/alert: load %.1f fold %.1f write %.1f commit %.1f = %.1f\n", n / 20, t * 1000 / hz / n * 1000, d[1], d[2], d[3], d[4], tot}'
}
for r in $(seq 1 "${3:-2}"); do
    echo "A $r $(date -u +%T) $(one "$1")"
    echo "B $r $(date -u +%T) $(one "$2")"
done
