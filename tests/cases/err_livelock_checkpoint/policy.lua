-- Whenever a request runs and another waits, the first in arrival order
-- takes the device with CHECKPOINT: the two oldest requests take turns,
-- each preempted at the boundary it was restored at.
local P = {}
function P.schedule(sim)
  if sim.running() and sim.best() then return sim.best("fifo"), "checkpoint" end
  return sim.best()
end
return P
