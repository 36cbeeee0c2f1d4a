-- wrk script for bench/intake/run.sh: each request carries BATCH alerts with five labels, built here
-- cheaply (string.format + table.concat, LuaJIT), the same alerts for both servers:
--   TARGET=alertmanager  Alertmanager's own API (POST /api/v2/alerts, a JSON array of alerts);
--   TARGET=steady        Alertmanager's webhook (version 4) as it delivers to a receiver such as Steady.
-- PHASE=unique: every alert is new (alertname/id carry RUN, the thread and a counter, so rounds and
-- runs never repeat one); PHASE=repeated: DISTINCT fingerprints, cycled over and over.
-- At the end it prints one line: "result requests=N ok=N non2xx=N errors=N p50_ms=X p99_ms=X".
local target = os.getenv("TARGET") or "steady"
local phase = os.getenv("PHASE") or "unique"
local batch = tonumber(os.getenv("BATCH") or "100")
local distinct = tonumber(os.getenv("DISTINCT") or "1000")
local run = os.getenv("RUN") or "r0"
local startsAt = os.getenv("STARTS_AT") or "2026-12-07T00:00:00.000Z"

local threads = {}
local counter = 1

function setup(thread)
    thread:set("tid", counter)
    table.insert(threads, thread)
    counter = counter + 1
end

ok, non2xx = 0, 0 -- globals: done() reads them from each thread
local n = 0
local parts = {}
local alertFormat, head, tail

function init(args)
    local label
    if phase == "unique" then
        label = "BenchUnique"
    else
        label = "BenchRepeated"
    end
    local status = ""
    if target == "steady" then status = '"status":"firing",' end
    alertFormat = '{' .. status .. '"labels":{"alertname":"' .. label .. '","severity":"warning","job":"bench",'
        .. '"instance":"host-%d:9100","id":"%s"},"annotations":{"summary":"Bench alert %s",'
        .. '"description":"Synthetic alert from bench/intake."},"startsAt":"' .. startsAt .. '",'
        .. '"endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus.bench:9090/graph?g0.expr=up%%3D%%3D0"'
    if target == "steady" then
        alertFormat = alertFormat .. ',"fingerprint":"%s"}'
        head = '{"version":"4","status":"firing","receiver":"steady","groupKey":"{}:{alertname=\\"Bench\\"}",'
            .. '"truncatedAlerts":0,"groupLabels":{},"commonLabels":{"job":"bench"},"commonAnnotations":{},"alerts":['
        tail = '],"externalURL":"http://alertmanager.bench:9093"}'
    else
        alertFormat = alertFormat .. '}'
        head = '['
        tail = ']'
    end
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    for i = 1, batch do
        local id, host
        if phase == "unique" then
            n = n + 1
            id = run .. "-" .. tid .. "-" .. n
            host = n % 500
        else
            n = n + 1
            local k = n % distinct
            id = run .. "-rep-" .. k
            host = k % 500
        end
        if target == "steady" then
            parts[i] = string.format(alertFormat, host, id, id, id)
        else
            parts[i] = string.format(alertFormat, host, id, id)
        end
    end
    return wrk.format(nil, nil, nil, head .. table.concat(parts, ",", 1, batch) .. tail)
end

function response(status, headers, body)
    if status >= 200 and status < 300 then ok = ok + 1 else non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
    local okTotal, badTotal = 0, 0
    for _, t in ipairs(threads) do
        okTotal = okTotal + t:get("ok")
        badTotal = badTotal + t:get("non2xx")
    end
    local e = summary.errors
    io.write(string.format("result requests=%d ok=%d non2xx=%d errors=%d p50_ms=%.2f p99_ms=%.2f\n",
        summary.requests, okTotal, badTotal, e.connect + e.read + e.write + e.timeout,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
