#!/usr/bin/env bash
# steady agent at idle: its RSS and CPU over a few minutes on this host, sending heartbeats to a real
# Steady server (Release, fresh SQLite) and running every kind of check each interval: systemd,
# filesystem (all mounts), memory pressure, OOM, a journal burst and an HTTP health check.
# RSS is sampled from /proc/PID/status every 10 s; CPU from /proc/PID/stat (utime + stime) at the
# start of the idle period (after the first 20 s) and at the end.
#
#   bench/agent/run.sh                  # DURATION=180 INTERVAL=30s
#   AGENT_ENV="DOTNET_GCgen0size=0x400000 DOTNET_TieredPGO=0" bench/agent/run.sh   # as deploy/steady-agent.service runs it
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${DURATION:-180}"
interval="${INTERVAL:-30s}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say() { printf '==> %s\n' "$*" >&2; }

work="$(mktemp -d /tmp/steady-bench-agent.XXXXXX)"
server_pid=""; agent_pid=""
cleanup() {
    [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building the server (Release) and publishing steady (Release, ReadyToRun)"
dotnet build "$root/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
dotnet publish "$root/src/Steady.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$work/steady" -nologo -v quiet >/dev/null
steady="$work/steady/steady"

port=$(( 20000 + RANDOM % 40000 ))
token="stdy_bench-agent-token-0000000000000000"
mkdir "$work/server"
(cd "$work/server" && exec env Steady__Bootstrap__AdminToken="$token" dotnet "$root/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll" \
    --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
export STEADY_SERVER="http://127.0.0.1:$port" STEADY_TOKEN="$token" HOME="$work"
"$steady" team create bench >/dev/null
"$steady" service create bench-host --team bench >/dev/null
key=$("$steady" service key create bench-host --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')

cat >"$work/agent.yaml" <<YAML
server: http://127.0.0.1:$port
integrationKey: $key
host: bench-host
interval: $interval
state: $work/state.json
checks:
  - type: systemd
  - type: filesystem
    threshold: 99
    fillHours: 2
  - type: memory-pressure
  - type: oom
  - type: journal-burst
    pattern: connection pool exhausted
    count: 50
    window: 5m
  - type: http
    url: http://127.0.0.1:$port/healthz
YAML

say "running steady agent for $duration s (checks every $interval)"
env ${AGENT_ENV:-} "$steady" agent --config "$work/agent.yaml" 2>"$work/agent.log" &
agent_pid=$!
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$agent_pid/stat"; }
sleep 20
start_cpu=$(cpu); start=$(date +%s.%N)
peak=0; samples=()
elapsed=20
while [ "$elapsed" -lt "$duration" ]; do
    sleep 10; elapsed=$((elapsed + 10))
    rss=$(awk '/VmRSS/ { print $2 }' "/proc/$agent_pid/status")
    samples+=("$((rss / 1024))")
    [ "$rss" -gt "$peak" ] && peak=$rss
done
end_cpu=$(cpu); end=$(date +%s.%N)
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$agent_pid/status")
total_cpu=$(awk -v t="$end_cpu" -v k="$ticks" 'BEGIN { printf "%.2f", t / k }')
idle_cpu=$(awk -v a="$start_cpu" -v b="$end_cpu" -v k="$ticks" 'BEGIN { printf "%.2f", (b - a) / k }')
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
heartbeats=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/services/bench-host/heartbeats")

printf '\nsteady agent, %s checks every %s, %s s, environment: %s; %s processes, load %s\n\n' 6 "$interval" "$duration" "${AGENT_ENV:-default}" "$(ls -d /proc/[0-9]* | wc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| measure | value |\n| --- | --- |\n'
printf '| RSS every 10 s after start-up, MB | %s |\n' "${samples[*]}"
printf '| peak RSS (VmHWM), MB | %s |\n' "$((hwm / 1024))"
printf '| CPU over the idle %s s, s | %s (%s%% of one core) |\n' "$seconds" "$idle_cpu" "$(awk -v c="$idle_cpu" -v s="$seconds" 'BEGIN { printf "%.2f", 100 * c / s }')"
printf '| CPU since start (start-up included), s | %s |\n' "$total_cpu"
printf '\nheartbeat on the server: %s\n' "$heartbeats"
printf 'agent log:\n'; sed 's/^/  /' "$work/agent.log"
