-- Whenever a request runs and another waits, the first in arrival order
-- takes the device with KILL: a kill stops at once and costs nothing, so
-- the requests take turns without time advancing.
local P = {}
function P.schedule(sim)
  if sim.running() and sim.best() then return sim.best("fifo"), "kill" end
  return sim.best()
end
return P
