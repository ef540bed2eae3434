-- Units are numbered from 1.
local P = {}
function P.schedule(sim) sim.dispatch(sim.best("fifo"), { unit = 0 }) end
return P
