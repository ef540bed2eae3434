-- Re-arms its timer with the largest interval: now + interval overflows.
local P = {}
function P.init(sim) sim.timer(10) end
function P.on_timer(sim) return math.maxinteger end
function P.schedule(sim) return sim.best() end
return P
