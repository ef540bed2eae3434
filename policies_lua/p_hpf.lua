-- p_hpf — preemptive highest priority first.
--
-- The ready request with the highest priority runs; it preempts the running
-- request only if its priority is strictly higher (equal priority never
-- preempts), with the mechanism `preempt`.
--
-- On K units (policies_lua/units.lua): the K highest priorities hold the
-- units; a waiting request preempts the lowest-priority running one (ties:
-- the latest arrival) only if its priority is strictly higher.
--
-- params:
--   preempt   "checkpoint" (default), "kill" or "drain"

local U = require("units")

local P = { params = { preempt = "checkpoint" } }

local one = true           -- a device of one exclusive unit: the original code

function P.init(sim)
  local m = P.params.preempt
  assert(m == "checkpoint" or m == "kill" or m == "drain",
         "param preempt must be checkpoint, kill or drain, not '" .. m .. "'")
  one = U.one(sim)
end

local order = {
  before = U.by(function(r) return -r.priority end),
  best = function(sim) return sim.best("priority") end,
  mech = function() return P.params.preempt end,
}

function P.schedule(sim)
  if not one then return U.place(sim, order) end
  local best = sim.best("priority")
  local cur = sim.running()
  if not cur then return best end
  if best.priority > cur.priority then return best, P.params.preempt end
end

return P
