local P = {}
function P.schedule(sim) return sim.best() end
function P.init(sim) xpcall(function() error("x") end, function() while true do end end) end
return P
