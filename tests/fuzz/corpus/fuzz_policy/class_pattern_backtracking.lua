local P = {}
function P.schedule(sim) return sim.best() end
function P.init(sim) local s = string.rep("a", 100000); s:find(".-.-.-b") end
return P
