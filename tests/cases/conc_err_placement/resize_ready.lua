-- Resizes a request that waits in the ready queue (it holds nothing).
local P = {}
function P.schedule(sim) sim.resize(sim.best("fifo"), 1) end
return P
