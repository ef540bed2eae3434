local P = {}
function P.init(sim) sim.timer(0) end
function P.on_timer(sim) sim.timer(0) return 0 end
function P.schedule(sim) return sim.best() end
return P
