-- Paced generic alerts for bench/statuspage/run.sh: each connection sends one new alert, then waits
-- DELAY ms (wrk's delay()), so a few connections make a steady trickle of about 200 alerts/s.
local thread_id = 0
local counter = 0
local id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function request()
  counter = counter + 1
  local body = string.format('{"summary":"bench alert %d-%d","severity":"warning","dedup_key":"bench-%d-%d","labels":{"host":"host-%d"}}',
    id, counter, id, counter, counter % 50)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function delay()
  return tonumber(os.getenv("DELAY") or "9")
end
