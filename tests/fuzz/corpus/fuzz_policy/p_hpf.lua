-- p_hpf — preemptive highest priority first.
--
-- The ready request with the highest priority runs; it preempts the running
-- request only if its priority is strictly higher (equal priority never
-- preempts), with the mechanism `preempt`.
--
-- params:
--   preempt   "checkpoint" (default), "kill" or "drain"

local P = { params = { preempt = "checkpoint" } }

function P.init(sim)
  local m = P.params.preempt
  assert(m == "checkpoint" or m == "kill" or m == "drain",
         "param preempt must be checkpoint, kill or drain, not '" .. m .. "'")
end

function P.schedule(sim)
  local best = sim.best("priority")
  local cur = sim.running()
  if not cur then return best end
  if best.priority > cur.priority then return best, P.params.preempt end
end

return P
