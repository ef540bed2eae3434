-- SJF on total time that logs the ready list, in sim.ready() order, at
-- every decision: a preempted request must reappear in its arrival place.
local P = {}
function P.schedule(sim)
  local ids = {}
  for r in sim.ready() do ids[#ids + 1] = r.id end
  sim.log(table.concat(ids, " "))
  local best, cur = sim.best("total"), sim.running()
  if not cur then return best end
  if best.predicted < cur.predicted then return best, "checkpoint" end
end
return P
