-- A pool of 4: a share of 5 is more than the pool has.
local P = {}
function P.schedule(sim) sim.dispatch(sim.best("fifo"), { share = 5 }) end
return P
