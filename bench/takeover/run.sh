#!/usr/bin/env bash
# Takeover benchmark (quality bar: on PostgreSQL with three nodes, one killed, due pages sent within 5 s of the kill, p99).
# Starts a throwaway PostgreSQL (Debian's binaries, a temp folder, a free port), builds Steady in Release and the
# driver (bench/takeover/Takeover), which starts three nodes on one database, sends alerts to all of them (RATE/s,
# each its own group, each paging four times 2 s apart to a loopback webhook that answers after 100 ms), and ROUNDS
# times kills (SIGKILL) the node holding the most claims with a send in flight, then starts it again 8 s later.
# It prints takeover lateness (first arrival - max(due, kill), over the pages due from the kill to 5 s after it, or
# due before it and not yet received) as min / median / p99 / max, the same for pages due away from any kill, and
# pages lost, sent twice, and sent twice without the delivery saying so.
#
# Knobs (environment): ROUNDS (5), RATE (10) alerts/s, BENCH_OUT: a file to copy the JSON results to,
# WAIT_QUIET: wait up to that many seconds for the rest of the machine to go quiet first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/takeover"

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [[ ! -x "${pg_bin:-/nonexistent}/initdb" ]]; then
    echo "installing postgresql (Debian package)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi

work="$(mktemp -d -t steady-takeover-bench.XXXXXX)"
as_postgres() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building Steady (Release) and the driver" >&2
dotnet build "$root/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
dotnet build "$here/Takeover" -c Release -nologo -v quiet >/dev/null
server_dll="$root/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"
driver_dll="$here/Takeover/bin/Release/net10.0/Takeover.dll"

port=$(( 20000 + RANDOM % 40000 ))
[[ "$(id -u)" == 0 ]] && chown postgres:postgres "$work"
as_postgres "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 60 start \
    -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null

. "$root/bench/quiet.sh"
wait_quiet "${WAIT_QUIET:-0}" "latencies below include waiting for it"
echo "Steady: $(git -C "$root" rev-parse --short HEAD); PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'); machine busy before the run: $busy cores" >&2
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version)" >&2
set +e
PATH="$pg_bin:$PATH" dotnet "$driver_dll" --server-dll "$server_dll" --pg-port "$port" --rounds "${ROUNDS:-5}" --rate "${RATE:-10}" --work "$work" | tee "$work/result.json"
status=${PIPESTATUS[0]}
set -e
echo "machine busy during the run (load average): $(cut -d' ' -f1-3 /proc/loadavg)" >&2
[[ -n "${BENCH_OUT:-}" ]] && cp "$work/result.json" "$BENCH_OUT"
exit "$status"
