-- sim.running() with no unit on a device of two units.
local P = {}
function P.schedule(sim)
  if not sim.running() then return sim.best("fifo") end
end
return P
