-- edf — earliest deadline first, preemptive or not.
--
-- Run the ready request with the earliest absolute deadline (requests without
-- one come last; ties: earliest arrival).
--
-- params:
--   preemptive  true (default): an earlier deadline preempts the running request
--   preempt     mechanism when preempting: "checkpoint" (default) or "kill"
--
-- On K units (policies_lua/units.lua): the K earliest deadlines hold the
-- units; a waiting request preempts the running one with the latest deadline
-- (ties: the latest arrival) only if its own deadline is strictly earlier.

local U = require("units")

local P = { params = { preemptive = true, preempt = "checkpoint" } }

local NONE = math.maxinteger    -- no deadline: after every real one

local function deadline(req) return req.deadline or NONE end

local one = true           -- a device of one exclusive unit: the original code
local order = {
  before = U.by(deadline),
  best = function(sim) return sim.best("deadline") end,
}

function P.init(sim)
  assert(P.params.preempt == "checkpoint" or P.params.preempt == "kill",
         "param preempt must be checkpoint or kill")
  P.schedule_when_busy = P.params.preemptive
  order.mech = P.params.preemptive and function() return P.params.preempt end or nil
  one = U.one(sim)
end

function P.schedule(sim)
  if not one then return U.place(sim, order) end
  local best = sim.best("deadline")
  local cur = sim.running()
  if not cur then return best end
  if deadline(best) < deadline(cur) then return best, P.params.preempt end
end

return P
