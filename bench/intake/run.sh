#!/usr/bin/env bash
# Alert intake benchmark (quality bar: Steady, durable on SQLite, takes at least as many alerts/s as
# Prometheus Alertmanager keeps in memory, and no more CPU per alert). Starts Debian's Alertmanager and a
# Release build of Steady side by side on loopback, each on a fresh temp dir, and drives both with
# Debian's wrk (a light generator: C, with the bodies built in LuaJIT by intake.lua) sending the same
# batches of 100 alerts with five labels: first unique alerts, then a fixed set of fingerprints repeated.
# Both servers are warmed up first (Steady PRIME s of new alerts, as a server runs warm; Alertmanager
# 3 s), then per phase ROUNDS rounds alternate the servers (the order flips each round), SLICE seconds
# each. For every slice it reports alerts/s, p50/p99 latency, the server's own CPU per 1,000 alerts
# (user+system of its process over the slice, from /proc: it does not depend on the generator) and the
# generator's. Then it stops Steady and checks with sqlite3 that every alert it acknowledged is stored.
#
# Knobs (environment):
#   CONNECTIONS (8) and THREADS (2) of wrk, BATCH (100) alerts per request, DISTINCT (1000)
#   fingerprints in the repeated phase; PRIME (10) seconds; ROUNDS (3); SLICE (5) seconds;
#   PHASES (unique,repeated); BENCH_OUT: a file to copy the JSON results to.
#   GENERATOR=dotnet runs the earlier .NET generator (IntakeLoad) instead, with its knobs WORKERS,
#   DURATION, WARMUP, WAIT_QUIET: kept to show why the two disagreed (docs/benchmarks.md).
#   STEADY_REF: benchmark that commit (HEAD, main~3, ...), exported to the temp dir and built there,
#   instead of the working tree: for numbers others can reproduce, and A/B tests of the write path.
#   WAIT_QUIET: wait up to that many seconds for the rest of the machine to go quiet before the run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/intake"

need=()
command -v prometheus-alertmanager >/dev/null || need+=(prometheus-alertmanager)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
command -v wrk >/dev/null || need+=(wrk)
if ((${#need[@]})); then
    echo "installing ${need[*]} (Debian packages)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work="$(mktemp -d -t steady-intake-bench.XXXXXX)"
am_pid=""
steady_pid=""
stop() { # stop PID: TERM, then KILL after 10 s
    local pid="$1"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    stop "$steady_pid"
    stop "$am_pid"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n "${STEADY_REF:-}" ]]; then
    commit="$(git -C "$root" rev-parse --short "$STEADY_REF^{commit}")"
    echo "building Steady $commit ($STEADY_REF) in a clean export, and the load generator" >&2
    mkdir -p "$work/source"
    git -C "$root" archive --format=tar "$commit" | tar -x -C "$work/source"
    dotnet build "$work/source/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
    server_dll="$work/source/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"
else
    commit="$(git -C "$root" rev-parse --short HEAD)"
    [[ -z "$(git -C "$root" status --porcelain -- src)" ]] || commit="$commit + uncommitted changes in src/"
    echo "building Steady from the working tree ($commit) and the load generator" >&2
    dotnet build "$root/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
    server_dll="$root/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"
fi
dotnet build "$here/IntakeLoad" -c Release -nologo -v quiet >/dev/null
load_dll="$here/IntakeLoad/bin/Release/net10.0/IntakeLoad.dll"

am_port="$(dotnet "$load_dll" free-port)"
steady_port="$(dotnet "$load_dll" free-port)"
while [[ "$steady_port" == "$am_port" ]]; do steady_port="$(dotnet "$load_dll" free-port)"; done
am_url="http://127.0.0.1:$am_port"
steady_url="http://127.0.0.1:$steady_port"

# Alertmanager: one route to a receiver without notifiers; alerts live in memory only.
mkdir -p "$work/am"
cat >"$work/alertmanager.yml" <<'YAML'
route:
  receiver: blackhole
receivers:
  - name: blackhole
YAML
prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
    --cluster.listen-address= --web.listen-address="127.0.0.1:$am_port" >"$work/alertmanager.log" 2>&1 &
am_pid=$!

# Steady: fresh SQLite database, no per-key rate limit (the benchmark is one key at full speed).
mkdir -p "$work/steady"
token="stdy_bench-intake-token-0000000000000000"
(
    cd "$work/steady"
    export Steady__Database__ConnectionString="Data Source=$work/steady/steady.db"
    export Steady__Bootstrap__AdminToken="$token"
    export Steady__Intake__RequestsPerSecondPerKey=0
    exec dotnet "$server_dll" --urls "$steady_url"
) >"$work/steady.log" 2>&1 &
steady_pid=$!

wait_ready() { # NAME URL PID
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null "$2" && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.1
    done
    echo "$1 did not become ready; its log:" >&2
    cat "$work/$1.log" >&2
    exit 1
}
wait_ready alertmanager "$am_url/-/ready" "$am_pid"
wait_ready steady "$steady_url/readyz" "$steady_pid"

api() { # METHOD PATH JSON
    curl -sf -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$3" "$steady_url$2"
}
team_id="$(api POST /api/v1/teams '{"name":"Bench"}' | jq -r .id)"
service_id="$(api POST /api/v1/services "{\"name\":\"bench\",\"teamId\":\"$team_id\"}" | jq -r .id)"
key="$(api POST "/api/v1/services/$service_id/integration-keys" '{"name":"bench"}' | jq -r .key)"
[[ -n "$key" && "$key" != null ]] || { echo "could not create an integration key" >&2; exit 1; }

. "$root/bench/quiet.sh"
wait_quiet "${WAIT_QUIET:-0}" "the numbers below are low for both servers"

am_version="$(prometheus-alertmanager --version 2>&1 | head -1)"
echo "Steady: $commit; machine busy before the run: $busy cores (both servers idle)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version), $am_version"

status=0
if [[ "${GENERATOR:-wrk}" == dotnet ]]; then
dotnet "$load_dll" \
    --alertmanager "$am_url" --alertmanager-pid "$am_pid" \
    --steady "$steady_url" --steady-key "$key" --steady-pid "$steady_pid" \
    --workers "${WORKERS:-8}" --batch "${BATCH:-100}" --distinct "${DISTINCT:-1000}" \
    --wait-quiet "${WAIT_QUIET:-0}" --prime "${PRIME:-20}" --rounds "${ROUNDS:-3}" --warmup "${WARMUP:-2}" --duration "${DURATION:-15}" --phases "${PHASES:-unique,repeated}" \
    --json "$work/results.json" || status=$?
else
. "$here/wrk-rounds.sh"
fi
echo
echo "Steady intake metrics at the end (whole run, warm-ups included):"
curl -sf "$steady_url/metrics" | grep -E '^steady_intake_(batch_alerts|commit_seconds)_(sum|count)|^steady_intake_alerts_stored_total|^steady_intake_queue_alerts' || true
steady_hwm_kb="$(awk '/VmHWM/ {print $2}' "/proc/$steady_pid/status")"
am_hwm_kb="$(awk '/VmHWM/ {print $2}' "/proc/$am_pid/status")"
echo "peak RSS (VmHWM): Steady $((steady_hwm_kb / 1024)) MB, Alertmanager $((am_hwm_kb / 1024)) MB"

# Accepted means stored: after Steady stops, the database holds every alert it answered 2xx for.
stop "$steady_pid"
steady_pid=""
read -r want_alerts want_events ambiguous < <(jq -r '.steadyExpected | "\(.distinctAlerts) \(.events) \(.ambiguousAlerts)"' "$work/results.json")
IFS='|' read -r got_alerts got_events < <(sqlite3 "$work/steady/steady.db" 'SELECT COUNT(*), COALESCE(SUM(event_count), 0) FROM alerts;')
echo "stored check: sqlite3 says $got_alerts alerts / $got_events events; Steady acknowledged $want_alerts distinct alerts / $want_events events (requests that failed without an answer: $ambiguous alerts)"
if ((ambiguous == 0)) && [[ "$got_alerts" == "$want_alerts" && "$got_events" == "$want_events" ]]; then
    echo "stored check: OK, every acknowledged alert is in the database"
elif ((got_alerts >= want_alerts && got_events >= want_events && got_events <= want_events + ambiguous)); then
    echo "stored check: OK within the $ambiguous alerts whose requests got no answer"
else
    echo "stored check: FAILED" >&2
    status=1
fi
if [[ -n "${BENCH_OUT:-}" ]]; then cp "$work/results.json" "$BENCH_OUT"; fi
if grep -qiE 'fail|error|exception' "$work/steady.log"; then
    echo "Steady logged errors:" >&2
    grep -iE 'fail|error|exception' "$work/steady.log" | head -20 >&2
fi
exit "$status"
