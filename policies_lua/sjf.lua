-- sjf — shortest (predicted) job first, preemptive or not.
--
-- Among the ready requests (and the running one, when preemptive) run the one
-- with the smallest key; ties prefer the running request, then the earliest arrival.
--
-- params:
--   key         "remaining" (default): predicted remaining time (sim.predict);
--               "total": predicted isolated time of the whole request (req.predicted)
--   preemptive  true (default): a shorter arrival preempts the running request
--   preempt     mechanism when preempting: "checkpoint" (default) or "kill"
--
-- On K units (policies_lua/units.lua): the K shortest hold the units; a
-- waiting request preempts the running one with the longest key (ties: the
-- latest arrival) only if its own key is strictly smaller.

local U = require("units")

local P = { params = { key = "remaining", preemptive = true, preempt = "checkpoint" } }

local one = true           -- a device of one exclusive unit: the original code

local function key_of(sim, req)
  if P.params.key == "remaining" then return sim.predict(req) end
  return req.predicted
end

function P.init(sim)
  assert(P.params.key == "remaining" or P.params.key == "total",
         "param key must be remaining or total, not '" .. P.params.key .. "'")
  assert(P.params.preempt == "checkpoint" or P.params.preempt == "kill",
         "param preempt must be checkpoint or kill")
  P.schedule_when_busy = P.params.preemptive
  one = U.one(sim)
end

local function order(sim)
  return {
    before = U.by(function(r) return key_of(sim, r) end),
    best = function(s) return s.best(P.params.key) end,
    mech = P.params.preemptive and function() return P.params.preempt end or nil,
  }
end

function P.schedule(sim)
  if not one then return U.place(sim, order(sim)) end
  local best = sim.best(P.params.key)     -- sim.best orders by the same key
  local cur = sim.running()
  if not cur then return best end
  if key_of(sim, best) < key_of(sim, cur) then return best, P.params.preempt end
end

return P
