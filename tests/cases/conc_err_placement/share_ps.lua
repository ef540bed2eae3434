local P = {}
function P.schedule(sim) sim.dispatch(sim.best("fifo"), { share = 1 }) end
return P
