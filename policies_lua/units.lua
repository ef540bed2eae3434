-- units — placing requests on a device of K units behind one ready queue.
--
-- A module for policies (`local U = require("units")`), not a policy: it has
-- no `schedule`. It turns a policy's own order into placements by one rule:
-- the best requests by that order hold the units, and a waiting request takes
-- a unit from a holder only when it is strictly better than that holder.
--
-- U.one(sim): true on a device of one exclusive unit, where a policy keeps
-- its original one-unit code (sim.running() and the return form), so its
-- schedules there stay exactly as they always were.
--
-- U.place(sim, o): one decision on any device; o holds functions:
--   before(a, b)  true when a comes strictly before b in the policy's order
--                 (a total order: break ties down to the request id). Ranks
--                 waiting requests, and holders when `worse` is absent.
--   best(sim)     optional: the best ready request, as sim.best gives it.
--                 When no unit has room and best(sim) does not beat the
--                 worst holder, the call returns without reading the whole
--                 queue (O(K + log n) instead of O(n log n)).
--   mech(v, w)    optional: the mechanism ("checkpoint", "kill", "drain")
--                 with which w takes the unit of holder v, or nil to leave v.
--                 Absent: the policy never preempts.
--   victim(v)     optional: whether running holder v may be preempted.
--   worse(a, b)   optional: true when holder a is a better victim than b
--                 (default: b comes before a).
--   beats(w, v)   optional: whether waiting w may take v's unit (default:
--                 w comes before v).
--
-- What U.place does, in this order:
--   1. Room. While some unit has room for a whole request (room >= capacity:
--      a free exclusive unit, a free pool, any ps unit), the best waiting
--      request goes to the unit with room that has the fewest holders (the
--      lowest-numbered of those): on exclusive units that is the lowest free
--      one, on ps units it spreads the requests.
--   2. Preemption. The waiting requests best first are paired with the
--      preemptible holders worst first; while the waiting one beats its
--      holder, it is dispatched onto the holder's unit with mech(v, w). Only
--      holders that are running on a unit with no switch in progress can be
--      victims (a holder being saved, or one still restoring, is left alone).
--      The pairs stop at the first waiting request that does not beat its
--      holder: the ones after it are worse, the holders after it better.
-- The result: the K best by the policy's order hold the K units, except
-- where a mechanism said drain, and ties never preempt.

local U = {}

-- Units do not change during a run, but a policy's module state lives for
-- one run only, so this is asked afresh rather than cached across runs.
function U.one(sim)
  return sim.units() == 1 and sim.capacity() == 1 and sim.room(1) ~= math.huge
end

-- Holders per unit, and the units where a switch is in progress.
local function census(sim, k)
  local count, switching, holders = {}, {}, {}
  for u = 1, k do count[u] = 0 end
  for req in sim.placed() do
    count[req.unit] = count[req.unit] + 1
    if req.status == "stopping" then switching[req.unit] = true end
    holders[#holders + 1] = req
  end
  return count, switching, holders
end

-- The unit with room for a whole request that has the fewest holders.
local function roomiest(sim, k, cap, count)
  local best
  for u = 1, k do
    if sim.room(u) >= cap and (not best or count[u] < count[best]) then best = u end
  end
  return best
end

function U.place(sim, o)
  local k, cap = sim.units(), sim.capacity()
  local count, switching, holders = census(sim, k)
  local waiting, taken = nil, {}
  local function next_waiting()
    if o.best and not waiting then
      local r = o.best(sim)                 -- a placement leaves the queue at once
      if r and not taken[r] then return r end
    end
    if not waiting then
      waiting = {}
      for req in sim.ready() do if not taken[req] then waiting[#waiting + 1] = req end end
      table.sort(waiting, o.before)
      waiting.i = 1
    end
    while waiting[waiting.i] and taken[waiting[waiting.i]] do waiting.i = waiting.i + 1 end
    return waiting[waiting.i]
  end

  -- 1. Room.
  local u = roomiest(sim, k, cap, count)
  while u do
    local req = next_waiting()
    if not req then return end
    sim.dispatch(req, {unit = u})
    taken[req] = true
    count[u] = count[u] + 1
    u = roomiest(sim, k, cap, count)
  end
  if not o.mech then return end

  -- 2. Preemption.
  local victims = {}
  for _, v in ipairs(holders) do
    if v.status == "running" and not switching[v.unit] and (not o.victim or o.victim(v)) then
      victims[#victims + 1] = v
    end
  end
  if #victims == 0 then return end
  local worse = o.worse or function(a, b) return o.before(b, a) end
  local beats = o.beats or o.before
  table.sort(victims, worse)
  for _, v in ipairs(victims) do
    local w = next_waiting()
    if not w or not beats(w, v) then return end
    taken[w] = true
    local m = o.mech(v, w)
    if m then sim.dispatch(w, {unit = v.unit, victim = v, mech = m}) end
  end
end

-- Tie order shared by the shipped policies (docs/prema.md §6): a holder
-- before a waiting request, then the earliest arrival, then the lowest id.
-- `key` maps a request to a number where smaller is better.
function U.by(key)
  return function(a, b)
    local ka, kb = key(a), key(b)
    if ka ~= kb then return ka < kb end
    local ha, hb = a.status ~= "ready", b.status ~= "ready"
    if ha ~= hb then return ha end
    if a.arrival ~= b.arrival then return a.arrival < b.arrival end
    return a.id < b.id
  end
end

return U
