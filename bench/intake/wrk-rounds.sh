# Sourced by bench/intake/run.sh: the wrk rounds. Needs am_url, am_pid, steady_url, key, steady_pid, work, here.
# Writes $work/results.json (the slices, the summary per phase and what Steady acknowledged) and prints the table.
connections="${CONNECTIONS:-8}"; threads="${THREADS:-2}"; batch="${BATCH:-100}"; distinct="${DISTINCT:-1000}"
prime="${PRIME:-10}"; rounds="${ROUNDS:-3}"; slice="${SLICE:-5}"; phases="${PHASES:-unique,repeated}"
hz="$(getconf CLK_TCK)"
run_id="r$RANDOM$RANDOM"
slices="$work/slices.tsv"
: >"$slices"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The writer thread's CPU seconds by phase (load fold write commit), from Steady's /metrics (Linux; zeros elsewhere).
writer_cpu() { curl -sf "$steady_url/metrics" | awk -F'[{}" ]' '/^steady_alert_writer_cpu_seconds_total\{/ {v[$3] = $NF}
    END {printf "%s %s %s %s\n", v["load"] + 0, v["fold"] + 0, v["write"] + 0, v["commit"] + 0}'; }
machine_busy() { awk '/^cpu / {print $2+$3+$4+$7+$8, $5+$6}' /proc/stat; }

# one_slice NAME PHASE SECONDS TAG MEASURED: runs wrk against one server; appends a line to $slices when MEASURED.
one_slice() {
    local name="$1" phase="$2" seconds="$3" tag="$4" measured="$5" url pid
    if [[ "$name" == steady ]]; then url="$steady_url/intake/$key/alertmanager"; pid="$steady_pid"; else url="$am_url/api/v2/alerts"; pid="$am_pid"; fi
    local before after b_busy b_idle a_busy a_idle started ended out gen
    local w_before="" w_after=""
    [[ "$name" == steady ]] && w_before="$(writer_cpu)"
    before="$(cpu_ticks "$pid")"; read -r b_busy b_idle < <(machine_busy); started="$(date +%s.%N)"
    local TIMEFORMAT='%U %S'
    { time TARGET="$name" PHASE="$phase" BATCH="$batch" DISTINCT="$distinct" RUN="$run_id-$tag" \
        STARTS_AT="$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" \
        wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 10s -s "$here/intake.lua" "$url" >"$work/wrk.out" 2>&1 ; } 2>"$work/wrk.time"
    ended="$(date +%s.%N)"; after="$(cpu_ticks "$pid")"; read -r a_busy a_idle < <(machine_busy)
    [[ "$name" == steady ]] && w_after="$(writer_cpu)"
    out="$(grep '^result ' "$work/wrk.out" || { cat "$work/wrk.out" >&2; echo "result requests=0 ok=0 non2xx=0 errors=0 p50_ms=0 p99_ms=0"; })"
    gen="$(awk '{print $1 + $2}' "$work/wrk.time")"
    [[ "$measured" == yes ]] || { echo "  $tag: $name $phase, ${seconds} s unmeasured: $out" >&2; [[ "$name" == steady ]] && record_steady "$phase" "$out"; return 0; }
    record_steady_if "$name" "$phase" "$out"
    if [[ "$name" == steady ]]; then # where the one writer's time went in this slice, per alert stored
        awk -v b="$w_before" -v a="$w_after" -v out="$out" -v batch="$batch" -v tag="$tag" -v phase="$phase" 'BEGIN {
            split(b, x, " "); split(a, y, " "); n = split(out, f, /[ =]/); for (i = 2; i < n; i += 2) v[f[i]] = f[i + 1];
            alerts = v["ok"] * batch; if (!alerts) exit; t = 0; for (i = 1; i <= 4; i++) { d[i] = (y[i] - x[i]) * 1e6 / alerts; t += d[i] }
            printf "  %s: Steady %s, writer thread CPU per alert: load %.1f, fold %.1f, write %.1f, commit %.1f = %.1f us\n", tag, phase, d[1], d[2], d[3], d[4], t
        }' >&2
    fi
    awk -v name="$name" -v phase="$phase" -v tag="$tag" -v out="$out" -v batch="$batch" -v hz="$hz" \
        -v before="$before" -v after="$after" -v started="$started" -v ended="$ended" -v gen="$gen" \
        -v bb="$b_busy" -v bi="$b_idle" -v ab="$a_busy" -v ai="$a_idle" 'BEGIN {
            n = split(out, f, /[ =]/); for (i = 2; i < n; i += 2) v[f[i]] = f[i + 1];
            secs = ended - started; alerts = v["ok"] * batch;
            server_ms = (after - before) * 1000 / hz;
            total = (ab - bb) + (ai - bi); busy_cores = total > 0 ? (ab - bb) / total * 2 : 0;
            printf "%s\t%s\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%.2f\t%d\n", phase, name, tag, alerts / secs, v["p50_ms"], v["p99_ms"],
                alerts ? server_ms / alerts * 1000 : 0, alerts ? gen * 1000 / alerts * 1000 : 0, v["non2xx"], v["errors"], busy_cores, alerts
        }' >>"$slices"
}

steady_unique_ok=0; steady_events_ok=0; steady_ambiguous=0; steady_repeated_ok=0
record_steady() { # PHASE "result ..." line: what Steady acknowledged
    local ok errors
    ok="$(sed -E 's/.* ok=([0-9]+).*/\1/' <<<"$2")"; errors="$(sed -E 's/.* errors=([0-9]+).*/\1/' <<<"$2")"
    # Requests still in flight when wrk stops (at most one per connection) and those that failed without an
    # answer may have been stored: Steady's answer never reached wrk, so they are neither counted nor excluded.
    steady_events_ok=$((steady_events_ok + ok * batch)); steady_ambiguous=$((steady_ambiguous + (errors + connections) * batch))
    if [[ "$1" == unique ]]; then steady_unique_ok=$((steady_unique_ok + ok * batch)); else steady_repeated_ok=$((steady_repeated_ok + ok * batch)); fi
}
record_steady_if() { [[ "$1" == steady ]] && record_steady "$2" "$3"; return 0; }

echo "warming up: Steady ${prime} s of new alerts, Alertmanager 3 s (unmeasured)" >&2
one_slice steady unique "$prime" prime no
one_slice alertmanager unique 3 prime no

for phase in ${phases//,/ }; do
    # The repeated phase's fingerprints are first sent once to both, unmeasured, so every slice repeats.
    [[ "$phase" == repeated ]] && { one_slice steady repeated 2 rep-warm no; one_slice alertmanager repeated 2 rep-warm no; }
    for r in $(seq 1 "$rounds"); do
        if ((r % 2)); then order="alertmanager steady"; else order="steady alertmanager"; fi
        for name in $order; do one_slice "$name" "$phase" "$slice" "$phase-$r" yes; done
    done
done

if ((steady_repeated_ok > 0)); then repeated_distinct="$distinct"; else repeated_distinct=0; fi
jq -Rn --argjson batch "$batch" --argjson connections "$connections" --argjson threads "$threads" --argjson slice "$slice" \
    --argjson distinctAlerts "$((steady_unique_ok + repeated_distinct))" --argjson events "$steady_events_ok" --argjson ambiguous "$steady_ambiguous" '
    [inputs | split("\t") | {phase: .[0], server: .[1], slice: .[2], alertsPerSecond: (.[3]|tonumber), p50Ms: (.[4]|tonumber), p99Ms: (.[5]|tonumber),
        serverCpuMsPer1000: (.[6]|tonumber), generatorCpuMsPer1000: (.[7]|tonumber), non2xx: (.[8]|tonumber), errors: (.[9]|tonumber), machineBusyCores: (.[10]|tonumber), alerts: (.[11]|tonumber)}]
    | {generator: "wrk", batch: $batch, connections: $connections, threads: $threads, sliceSeconds: $slice, slices: .,
       summary: (group_by(.phase) | map({phase: .[0].phase} + (group_by(.server) | map({key: .[0].server, value: {
           alertsPerSecond: ((map(.alertsPerSecond) | add) / length | round), cpuMsPer1000: ((map(.serverCpuMsPer1000) | add) / length * 10 | round / 10),
           p99Ms: (map(.p99Ms) | max), failed: (map(.non2xx + .errors) | add)}}) | from_entries))),
       steadyExpected: {distinctAlerts: $distinctAlerts, events: $events, ambiguousAlerts: $ambiguous}}' <"$slices" >"$work/results.json"

echo
echo "Alert intake with wrk: $threads threads, $connections connections, batches of $batch alerts (five labels), $slice s slices alternating the servers, $rounds rounds per phase; repeated = $distinct fingerprints over and over."
printf '%-9s %-13s %-11s %9s %8s %8s %12s %11s %8s %6s\n' phase server slice alerts/s p50_ms p99_ms "CPU-ms/1k" "wrk-ms/1k" failed busy
awk -F'\t' '{printf "%-9s %-13s %-11s %9s %8s %8s %12s %11s %8d %6s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 + $10, $11}' "$slices"
echo
jq -r '.summary[] | "\(.phase): Steady \(.steady.alertsPerSecond) alerts/s at \(.steady.cpuMsPer1000) CPU-ms per 1,000; Alertmanager \(.alertmanager.alertsPerSecond) alerts/s at \(.alertmanager.cpuMsPer1000) CPU-ms per 1,000 -> rate \((.steady.alertsPerSecond / .alertmanager.alertsPerSecond * 100 | round) / 100)x, CPU per alert \((.steady.cpuMsPer1000 / .alertmanager.cpuMsPer1000 * 100 | round) / 100)x"' "$work/results.json"
if jq -e '[.slices[] | .non2xx + .errors] | add > 0' "$work/results.json" >/dev/null; then echo "some requests failed (see the failed column)" >&2; fi
