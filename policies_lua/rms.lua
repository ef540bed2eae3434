-- rms — rate-monotonic scheduling of real-time DNN tasks (Pantheon's RMS
-- baseline), and the static-priority dispatcher that dms.lua and rtmdl.lua
-- build on.
--
-- Real-time (RT) jobs are the requests with a deadline; a task is a tenant.
-- Every task has a static priority: RMS ranks shorter execution first
-- (paper); all Pantheon tasks share one period, so the execution time is the
-- full model's isolated time (proposed); ties: the task name. Jobs of one
-- task run in release order.
--
-- Dispatch (proposed; the paper does not say): non-preemptive at model
-- granularity with the top exit; drop_late: a job whose deadline has passed
-- when it would start (or resume) is dropped (sim.drop: a miss). With
-- rt_preempt = chunk, a job of a higher-priority task preempts the running RT
-- job at its next chunk boundary (CHECKPOINT). Best-effort jobs (no
-- deadline) run FIFO only when no RT job waits, and an RT job preempts them at
-- their next layer boundary, as in pantheon.lua.
--
-- params:
--   order       "latency" (RMS, default) | "deadline" (DMS: shorter relative
--               deadline first, ties shorter latency) | "search" (rtmdl.lua)
--   rt_preempt  "model" (default) | "chunk"
--   drop_late   true (default)
--
-- For modules built on it: P.rank_of(sim, req) may be replaced (a number,
-- smaller = higher priority, static per task) and P.exit_of(sim, req) (the
-- exit to set on arrival, or nil for the top exit).

local P = { params = { order = "latency", rt_preempt = "model", drop_late = true } }

local keys = {}        -- tenant -> { k1, k2, name }: the task's static key

local function rt(req) return req.deadline ~= nil end

local function task_key(sim, req)
  local t = keys[req.tenant]
  if not t then
    local lat, rel = req.isolated, req.deadline - req.arrival
    if P.params.order == "latency" then t = { lat, 0, req.tenant }
    elseif P.params.order == "deadline" then t = { rel, lat, req.tenant }
    else t = { P.rank_of(sim, req), 0, req.tenant } end
    keys[req.tenant] = t
  end
  return t
end

-- Higher priority first: task key, then release, then id.
local function before(sim, a, b)
  local ka, kb = task_key(sim, a), task_key(sim, b)
  if ka[1] ~= kb[1] then return ka[1] < kb[1] end
  if ka[2] ~= kb[2] then return ka[2] < kb[2] end
  if ka[3] ~= kb[3] then return ka[3] < kb[3] end
  if a.arrival ~= b.arrival then return a.arrival < b.arrival end
  return a.id < b.id
end

-- Replaced by rtmdl.lua.
function P.rank_of() error("order = search needs rtmdl.lua") end
function P.exit_of() return nil end

-- A task's key may change when a module re-ranks (rtmdl: a new task seen).
function P.forget_keys() keys = {} end

function P.init(sim)
  local p = P.params
  assert(p.order == "latency" or p.order == "deadline" or p.order == "search",
         "param order must be latency, deadline or search")
  assert(p.rt_preempt == "model" or p.rt_preempt == "chunk", "param rt_preempt must be model or chunk")
  assert(sim.units() == 1, "rms/dms/rtmdl run on one unit")
end

function P.on_arrival(sim, req)
  if not rt(req) then return end
  local k = P.exit_of(sim, req)
  if k and k ~= (req.exit or req.nexits) then sim.set_exit(req, k) end
end

function P.schedule(sim)
  local now = sim.now()
  local best, late = nil, {}
  for req in sim.ready() do
    if rt(req) then
      if P.params.drop_late and req.deadline <= now then late[#late + 1] = req
      elseif not best or before(sim, req, best) then best = req end
    end
  end
  for _, req in ipairs(late) do sim.drop(req) end
  local cur = sim.running()
  if not cur then return best or sim.best("fifo") end
  if not best then return end
  if not rt(cur) then return best, "checkpoint" end
  if P.params.rt_preempt == "chunk" and cur.status == "running" and before(sim, best, cur) then
    return best, "checkpoint"
  end
end

return P
