#!/usr/bin/env bash
# gccost.sh NAME ENV... : GC work per 1,000 alerts at intake (wrk, unique batches of 100), for one runtime setting
set -e
name=$1; shift
here=$(cd "$(dirname "$0")/../../../bench/intake" && pwd)
work=${TMPDIR:-/tmp}/gccost-$name; rm -rf $work; mkdir -p $work; cd $work
port=$(( 20000 + RANDOM % 40000 )); token="stdy_bench-intake-token-0000000000000000"
env "$@" Steady__Database__ConnectionString="Data Source=$work/steady.db" Steady__Bootstrap__AdminToken=$token Steady__Intake__RequestsPerSecondPerKey=0 \
  dotnet ${BUILD:?a Release build folder of the server}/Steady.Server.dll --urls http://127.0.0.1:$port > server.log 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
api() { curl -sf -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$3" "http://127.0.0.1:$port$2"; }
team=$(api POST /api/v1/teams '{"name":"Bench"}' | jq -r .id); svc=$(api POST /api/v1/services "{\"name\":\"bench\",\"teamId\":\"$team\"}" | jq -r .id)
key=$(api POST "/api/v1/services/$svc/integration-keys" '{"name":"bench"}' | jq -r .key)
url="http://127.0.0.1:$port/intake/$key/alertmanager"
go() { TARGET=steady PHASE=unique BATCH=100 DISTINCT=1000 RUN=$name-$1 STARTS_AT="$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" wrk -t 2 -c 8 -d ${2}s --timeout 10s -s $here/intake.lua $url > wrk-$1.out 2>&1; }
m() { curl -s http://127.0.0.1:$port/metrics | awk '/^dotnet_collection_count_total\{generation="0"\}/ {g0=$2} /^dotnet_collection_count_total\{generation="1"\}/ {g1=$2} /^dotnet_collection_count_total\{generation="2"\}/ {g2=$2} /^system_runtime_dotnet_gc_pause_time / {p=$2} /^steady_intake_alerts_stored_total / {s=$2} /^system_runtime_dotnet_gc_heap_total_allocated / {a=$2} END {print g0, g1, g2, p, s, a}'; }
cpu() { awk '{print $14+$15}' /proc/$pid/stat; }
go prime 15; sleep 2
read g0a g1a g2a pa sa aa < <(m); ca=$(cpu)
go measure 15; sleep 2
read g0b g1b g2b pb sb ab < <(m); cb=$(cpu)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
awk -v n="$name" -v g0=$((g0b-g0a)) -v g1=$((g1b-g1a)) -v g2=$((g2b-g2a)) -v p="$pa" -v q="$pb" -v s=$((sb-sa)) -v al=$((ab-aa)) -v c=$((cb-ca)) -v hwm=$hwm 'BEGIN {
  k = s / 1000; printf "%-8s alerts %d; per 1,000 alerts: gen0 %.2f gen1 %.2f gen2 %.3f GCs, GC pause %.2f ms, CPU %.1f ms, allocated %.0f KB; peak RSS %d MB\n", n, s, g0/k, g1/k, g2/k, (q-p)*1000/k, c*10/k, al/1024/k, hwm/1024 }'
kill $pid; wait $pid 2>/dev/null || true
