-- Asks for 5 SMs of a 4-SM GPU.
local P = {}
function P.schedule(sim) sim.dispatch(sim.best("fifo"), { unit = 1, share = 5 }) end
return P
