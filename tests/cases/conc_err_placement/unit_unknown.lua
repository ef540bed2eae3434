-- Two units: there is no unit 3.
local P = {}
function P.schedule(sim) sim.dispatch(sim.best("fifo"), { unit = 3 }) end
return P
