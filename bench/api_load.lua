-- wrk script for bench/api_load.py: POST patient messages to the intake API.
--
--     wrk -t2 -c16 -d30s --latency -s bench/api_load.lua URL -- TOKEN MESSAGES LABEL DELIVERED
--
-- MESSAGES holds one JSON payload per line; every __EXTERNAL_ID__ in it is replaced by
-- LABEL-<thread>-<counter>, so each request carries an external_id (and a sender address)
-- no other request has. Each thread counts the requests it sends and the statuses it gets;
-- done() writes the external_id of every 2xx answer to the file DELIVERED, one a line, and
-- prints one `api_load ...` line of key=value pairs for bench/api_load.py to parse.

local threads = {}

-- Runs in the main state, once per thread, before the threads start.
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

-- Runs in each thread's own state; thread_number was set there by setup().
function init(args)
  token, label, delivered_path = args[1], args[3], args[4]
  payloads = {}
  for line in io.lines(args[2]) do
    table.insert(payloads, line)
  end
  sent = 0
  statuses = {}
  delivered = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Token " .. token
  -- As the TLS-terminating proxy in front of gunicorn would say (no HTTPS redirect).
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  sent = sent + 1
  local id = label .. "-" .. thread_number .. "-" .. sent
  -- Threads start at different places in the bank, so they send different messages.
  local payload = payloads[(sent + thread_number * 7) % #payloads + 1]
  return wrk.format(nil, nil, nil, (payload:gsub("__EXTERNAL_ID__", id)))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 200 and status < 300 then
    -- DRF's compact JSON. A body without the field adds nothing: the check notices.
    table.insert(delivered, body:match('"external_id":"([^"]*)"'))
  end
end

function done(summary, latency, requests)
  -- Starts at -1: wrk calls request() once on the first thread to check the script, and
  -- never sends that request.
  local counts, total_sent = {}, -1
  local file = io.open(threads[1]:get("delivered_path"), "w")
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
    for _, id in ipairs(thread:get("delivered")) do
      file:write(id, "\n")
    end
  end
  file:close()
  local parts = {}
  for status, count in pairs(counts) do
    table.insert(parts, status .. ":" .. count)
  end
  local errors = summary.errors
  io.write(string.format(
    "api_load sent=%d requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d "
      .. "timeout=%d statuses=%s\n",
    total_sent, summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.timeout, table.concat(parts, ",")
  ))
end
