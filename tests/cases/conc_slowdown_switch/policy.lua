-- Preemptive priority on K exclusive units: a unit with room goes to the
-- best ready request; with none, the best preempts the worst-priority
-- holder (by checkpoint), and only if it is strictly better.
local P = {}

function P.schedule(sim)
  local best = sim.best("priority")
  local u = sim.free_unit()
  if u then
    sim.dispatch(best, { unit = u })
    return
  end
  local worst, wu
  for k = 1, sim.units() do
    local h = sim.running(k)
    if h and (not worst or h.priority < worst.priority) then worst, wu = h, k end
  end
  if worst and best.priority > worst.priority then
    sim.dispatch(best, { unit = wu, mech = "checkpoint" })
  end
end

return P
