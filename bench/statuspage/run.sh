#!/usr/bin/env bash
# Status page benchmark (quality bar: the page and summary.json ≥ 10,000 requests/s on loopback with
# p99 ≤ 20 ms, beside Debian's nginx serving the same bytes as static files; the page's p99 ≤ 20 ms
# while intake takes 200 alerts/s; an update sent to 10,000 email subscribers through a real SMTP
# server, and the page responsive meanwhile).
#
# Starts a Release build of Steady (SQLite, a fresh temp dir) with a page of 3 groups and 10 components,
# an open incident and a resolved one, scheduled maintenance; copies the page's HTML and summary.json
# as files into nginx's root; then, with wrk (a light generator), measures each side by side:
#   1. Steady /status, nginx /status, Steady /api/v2/summary.json, nginx /api/v2/summary.json;
#   2. Steady /status while wrk posts about 200 alerts/s to the generic intake (intake.lua);
#   3. 10,000 active email subscribers (written with sqlite3), one public update, aiosmtpd counting
#      what arrives (smtp-count.py), and /status read meanwhile.
# Each run reports requests/s, p50/p99 latency, and the server's CPU per request (user+system of its
# processes over the run / requests): on a shared machine that figure holds better than requests/s.
#
# Knobs: DURATION (15) seconds measured per run, WARMUP (5), CONNECTIONS (64), THREADS (2);
# SUBSCRIBERS (10000); SENDS_PER_SECOND (Steady's throttle, default 100; 0 is none); DELAY (9) ms between
# a connection's alerts; BENCH_OUT: copy the results there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/statuspage"
DURATION="${DURATION:-15}"; WARMUP="${WARMUP:-5}"; CONNECTIONS="${CONNECTIONS:-64}"; THREADS="${THREADS:-2}"
SUBSCRIBERS="${SUBSCRIBERS:-10000}"; SENDS_PER_SECOND="${SENDS_PER_SECOND:-100}"

need=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
if ((${#need[@]})); then
    echo "installing ${need[*]} (Debian packages)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

work="$(mktemp -d -t steady-status-bench.XXXXXX)"
steady_pid=""; nginx_pid=""; smtp_pid=""; intake_pid=""
stop() { local pid="$1"; [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0; kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
cleanup() { stop "$intake_pid"; stop "$steady_pid"
    # A server that did not stop cleanly says why in its log: keep the end of it where the run's output is.
    if [[ -f "$work/steady.log" ]] && grep -qiE 'unhandled|fatal|abort' "$work/steady.log"; then echo "Steady's log ends:" >&2; tail -40 "$work/steady.log" >&2; fi
    [[ -n "$nginx_pid" ]] && kill -QUIT "$nginx_pid" 2>/dev/null || true; stop "$nginx_pid"
    [[ -n "$smtp_pid" ]] && { exec 7>&- 2>/dev/null || true; stop "$smtp_pid"; }; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
commit="$(git -C "$root" rev-parse --short HEAD)"
[[ -z "$(git -C "$root" status --porcelain -- src)" ]] || commit="$commit + uncommitted changes in src/"
echo "building Steady ($commit) in Release" >&2
dotnet build "$root/src/Steady.Server" -c Release -nologo -v quiet >/dev/null
server_dll="$root/src/Steady.Server/bin/Release/net10.0/Steady.Server.dll"

smtp_port="$(free_port)"; steady_port="$(free_port)"; nginx_port="$(free_port)"
steady_url="http://127.0.0.1:$steady_port"; nginx_url="http://127.0.0.1:$nginx_port"

# The SMTP server first: Steady reads its address at start.
mkfifo "$work/smtp-in"
/usr/bin/python3 "$here/smtp-count.py" "$smtp_port" "$work/smtp-count" "$SUBSCRIBERS" <"$work/smtp-in" >"$work/smtp.log" 2>&1 &
smtp_pid=$!
exec 7>"$work/smtp-in"
for _ in $(seq 1 100); do grep -q ready "$work/smtp.log" 2>/dev/null && break; sleep 0.1; done

token="stdy_bench-status-token-0000000000000000"
mkdir -p "$work/steady"
(
    cd "$work/steady"
    export Steady__Database__ConnectionString="Data Source=$work/steady/steady.db"
    export Steady__Bootstrap__AdminToken="$token"
    export Steady__Intake__RequestsPerSecondPerKey=0
    # The rate limit stays on (its cost is measured), high enough that one generator is never refused.
    export Steady__StatusPage__RequestsPerMinutePerClient=1000000000 Steady__StatusPage__BurstPerClient=1000000000
    export Steady__StatusPage__SendsPerSecond="$SENDS_PER_SECOND"
    export Steady__Smtp__Host=127.0.0.1 Steady__Smtp__Port="$smtp_port" Steady__Smtp__Security=none Steady__Smtp__From="Bench status <status@bench.test>"
    export Logging__LogLevel__Default=Warning
    exec dotnet "$server_dll" --urls "$steady_url"
) >"$work/steady.log" 2>&1 &
steady_pid=$!
for _ in $(seq 1 300); do curl -sf -o /dev/null "$steady_url/readyz" && break; kill -0 "$steady_pid" 2>/dev/null || { cat "$work/steady.log" >&2; exit 1; }; sleep 0.1; done

api() { curl -sf -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$3" "$steady_url/api/v1$2"; }
api POST /status-pages '{"name":"Bench status","slug":"bench","timeZone":"Europe/Berlin","description":"Everything the bench runs."}' >/dev/null
team="$(api POST /teams '{"name":"Bench"}' | jq -r .id)"
service="$(api POST /services "{\"name\":\"bench-api\",\"teamId\":\"$team\"}" | jq -r .id)"
key="$(api POST "/services/$service/integration-keys" '{"name":"bench"}' | jq -r .key)"
for g in Shop API Back-office; do api POST /status-pages/bench/groups "{\"name\":\"$g\"}" >/dev/null; done
for c in Checkout:Shop Catalog:Shop Search:Shop Cart:Shop "REST API:API" Webhooks:API "Auth:API" Reports:Back-office Exports:Back-office Billing:Back-office; do
    api POST /status-pages/bench/components "{\"name\":\"${c%%:*}\",\"group\":\"${c##*:}\",\"service\":\"bench-api\"}" >/dev/null
done
old="$(api POST /status-pages/bench/incidents '{"title":"Search was slow","status":"investigating","body":"Search is slow.","components":{"Search":"degraded_performance"}}' | jq -r .id)"
api POST "/status-pages/bench/incidents/$old/updates" '{"status":"resolved","body":"Search is fast again.","components":{"Search":"operational"}}' >/dev/null
open="$(api POST /status-pages/bench/incidents '{"title":"Checkout failing","status":"investigating","body":"Some card payments fail.","components":{"Checkout":"partial_outage"}}' | jq -r .id)"
api POST "/status-pages/bench/incidents/$open/updates" '{"status":"identified","body":"A payment provider is down; we are switching to the standby provider."}' >/dev/null
starts="$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)"; ends="$(date -u -d '+1 day +1 hour' +%Y-%m-%dT%H:%M:%SZ)"
api POST /status-pages/bench/maintenances "{\"title\":\"Database upgrade\",\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"components\":[\"Reports\"]}" >/dev/null

# nginx serves the same bytes as files (its workers run as nobody: the folder is readable).
chmod 755 "$work"
mkdir -p "$work/www/api/v2" "$work/nginx"
curl -sf "$steady_url/status" -o "$work/www/status.html"
curl -sf "$steady_url/api/v2/summary.json" -o "$work/www/api/v2/summary.json"
cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on; tcp_nopush on; tcp_nodelay on;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx; uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/www;
        add_header Cache-Control "public, max-age=10";
        location = /status { default_type "text/html; charset=utf-8"; try_files /status.html =404; }
        location = /api/v2/summary.json { default_type "application/json; charset=utf-8"; }
    }
}
NGINX
"$nginx_bin" -e "$work/nginx-error.log" -c "$work/nginx.conf" -g 'daemon off;' >"$work/nginx.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "$nginx_url/status" && break; sleep 0.1; done

ticks() { # CPU ticks (user+system) of a process and its children processes' threads: PID [PID...]
    local total=0 p
    for p in "$@"; do [[ -r "/proc/$p/stat" ]] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
    echo "$total"
}
pids_of() { if [[ "$1" == nginx ]]; then echo "$nginx_pid $(pgrep -P "$nginx_pid" | tr '\n' ' ')"; else echo "$steady_pid"; fi; }
hz="$(getconf CLK_TCK)"
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 } else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 } else print v }'; }

results="$work/results.txt"; : >"$results"
measure() { # NAME SERVER URL [CONNECTIONS]
    local name="$1" server="$2" url="$3" connections="${4:-$CONNECTIONS}" out before after requests rps p50 p99 cpu
    wrk -t"$THREADS" -c"$connections" -d"${WARMUP}s" "$url" >/dev/null 2>&1 || true
    before="$(ticks $(pids_of "$server"))"
    out="$(wrk -t"$THREADS" -c"$connections" -d"${DURATION}s" --latency "$url")"
    after="$(ticks $(pids_of "$server"))"
    requests="$(echo "$out" | awk '/requests in/ {print $1}')"
    rps="$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')"
    p50="$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")"
    p99="$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")"
    cpu="$(awk -v t="$((after - before))" -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.4f", (t * 1000 / hz) / n }')"
    local non2xx; non2xx="$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
    printf '%-44s %10s req/s   p50 %7.2f ms   p99 %7.2f ms   server CPU %s ms/request%s\n' "$name" "$rps" "$p50" "$p99" "$cpu" "${non2xx:+   non-2xx: $non2xx}" | tee -a "$results"
}

. "$root/bench/quiet.sh"
wait_quiet "${WAIT_QUIET:-0}" "the figures below are low for both servers; compare the CPU per request"
echo "Steady $commit; machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version), $("$nginx_bin" -v 2>&1); busy before the run: $busy cores" | tee -a "$results"
echo "wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up then ${DURATION}s measured per line; page $(wc -c <"$work/www/status.html") bytes, summary.json $(wc -c <"$work/www/api/v2/summary.json") bytes" | tee -a "$results"

measure "Steady  /status" steady "$steady_url/status"
measure "nginx   /status (same bytes, static)" nginx "$nginx_url/status"
measure "Steady  /api/v2/summary.json" steady "$steady_url/api/v2/summary.json"
measure "nginx   /api/v2/summary.json (static)" nginx "$nginx_url/api/v2/summary.json"

# The page while intake takes about 200 alerts/s.
alerts_before="$(curl -sf "$steady_url/metrics" | awk '/^steady_intake_alerts_stored_total/ {print $2}')"
DELAY="${DELAY:-9}" wrk -t2 -c2 -d"$((WARMUP + DURATION + 5))s" -s "$here/intake.lua" "$steady_url/intake/$key/generic" >"$work/intake.txt" 2>&1 &
intake_pid=$!
sleep 2
measure "Steady  /status while intake takes alerts" steady "$steady_url/status"
wait "$intake_pid" || true; intake_pid=""
alerts_after="$(curl -sf "$steady_url/metrics" | awk '/^steady_intake_alerts_stored_total/ {print $2}')"
echo "  intake meanwhile: $(awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/intake.txt") alerts/s accepted by the generic intake ($(awk '/Non-2xx/ {print $NF}' "$work/intake.txt") refused), $(awk -v a="${alerts_before:-0}" -v b="${alerts_after:-0}" 'BEGIN { printf "%.0f", b - a }') alerts stored" | tee -a "$results"

# 10,000 email subscribers, one update, a real SMTP server counting.
page_id="$(sqlite3 "$work/steady/steady.db" "SELECT id FROM status_pages WHERE slug = 'bench';")"
now_us="$(( $(date +%s) * 1000000 ))"
python3 - "$SUBSCRIBERS" "$page_id" "$now_us" >"$work/subscribers.sql" <<'PY'
import sys, uuid
n, page, now = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
print("BEGIN;")
for i in range(n):
    a = f"subscriber{i}@bench.test"
    print(f"INSERT INTO status_subscribers (id, page_id, kind, address, address_key, state, confirmed_at, created_at) VALUES ('{str(uuid.uuid4()).upper()}', '{page}', 'Email', '{a}', '{a}', 'Active', {now}, {now});")
print("COMMIT;")
PY
sqlite3 "$work/steady/steady.db" <"$work/subscribers.sql"
t0="$(date +%s.%N)"
api POST "/status-pages/bench/incidents/$open/updates" '{"status":"monitoring","body":"Payments go through the standby provider; we are watching.","components":{"Checkout":"operational"}}' >/dev/null
t_post="$(date +%s.%N)"
before="$(ticks "$steady_pid")"
wrk -t1 -c8 -d3600s --latency "$steady_url/status" >"$work/during.txt" 2>&1 &
reader_pid=$!
deadline=$((SECONDS + 1800))
count=0
while ((SECONDS < deadline)); do
    count="$(awk '{print $1}' "$work/smtp-count" 2>/dev/null || echo 0)"
    ((count >= SUBSCRIBERS)) && break
    sleep 1
done
t1="$(date +%s.%N)"
kill -INT "$reader_pid" 2>/dev/null || true; wait "$reader_pid" 2>/dev/null || true
after="$(ticks "$steady_pid")"
read -r got first last <"$work/smtp-count"
printf '%s emails: the update was posted in %.0f ms; %s accepted by the SMTP server %.1f s after it (first after %.1f s): %.0f emails/s; Steady used %.1f CPU-s (%.2f CPU-ms per email, the page reads included)\n' \
    "$SUBSCRIBERS" "$(awk -v a="$t0" -v b="$t_post" 'BEGIN{print (b-a)*1000}')" "$got" "$(awk -v a="$t0" -v b="$last" 'BEGIN{print b-a}')" "$(awk -v a="$t0" -v b="$first" 'BEGIN{print b-a}')" \
    "$(awk -v n="$got" -v a="$first" -v b="$last" 'BEGIN{ if (b > a) print (n-1)/(b-a); else print 0 }')" "$(awk -v t="$((after - before))" -v hz="$hz" 'BEGIN{print t/hz}')" \
    "$(awk -v t="$((after - before))" -v hz="$hz" -v n="$got" 'BEGIN{print (t*1000/hz)/n}')" | tee -a "$results"
printf '  /status meanwhile (wrk -c8): %s req/s, p50 %s ms, p99 %s ms (throttle: Steady:StatusPage:SendsPerSecond=%s)\n' \
    "$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/during.txt")" "$(to_ms "$(awk '$1 == "50%" {print $2}' "$work/during.txt")")" "$(to_ms "$(awk '$1 == "99%" {print $2}' "$work/during.txt")")" "$SENDS_PER_SECOND" | tee -a "$results"
sent="$(sqlite3 "$work/steady/steady.db" "SELECT COUNT(*) FROM status_notices WHERE sent_at IS NOT NULL AND broadcast_id IS NOT NULL;")"
echo "  notices sent per Steady's outbox: $sent; peak RSS $(( $(awk '/VmHWM/ {print $2}' "/proc/$steady_pid/status") / 1024 )) MB" | tee -a "$results"
[[ -n "${BENCH_OUT:-}" ]] && cp "$results" "$BENCH_OUT"
exit 0
