#!/usr/bin/env bash
# The report worker's own CPU per report (utime+stime of its process from /proc, which does not depend on the
# client) beside the report's time: for each build in REFS (built as run.sh's STEADY_REF does, in /tmp/steady-builds),
# a server on a copy of FROM_DB, two warm-up rounds of the three reports, then 3 of each timed. Usage:
#   FROM_DB=/tmp/r19/bench.db REFS="0e256fc 228cda2" bench/reports/worker-cpu.sh
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/bench/reports/server.sh"
token="stdy_bench_reports_admin_token_0123456789"
for ref in ${REFS:?REFS: the builds to compare}; do
  STEADY_REF=$ref build_ref
  work=$(mktemp -d); cp "${FROM_DB:?}" $work/steady.db; cp "$(dirname "$FROM_DB")/steady.key" $work/
  port=$((20000 + RANDOM % 40000)); url=http://127.0.0.1:$port
  (cd $work; Steady__Database__ConnectionString="Data Source=$work/steady.db" Logging__LogLevel__Default=Warning exec dotnet $dll --urls $url) >$work/log 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do curl -fs $url/readyz >/dev/null 2>&1 && break; sleep 0.2; done
  from=$(date -u -d '365 days ago' +%Y-%m-%d)
  ask() { curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url/api/v1/reports/$1?from=$from"; }
  for r in response oncall noise; do ask $r >/dev/null; ask $r >/dev/null; done
  w=$(pgrep -f "report-worker" | head -1)
  cpu() { awk '{print ($14+$15)*10}' /proc/$w/stat; }
  out="$ref:"
  for r in response oncall noise; do
    c0=$(cpu); t=""; for i in 1 2 3; do t="$t $(ask $r)"; done; c1=$(cpu)
    out="$out $r cpu-ms/report=$(( (c1-c0)/3 )) times=[$t ]"
  done
  echo "$out"
  kill $pid; wait $pid 2>/dev/null; rm -rf $work
done
