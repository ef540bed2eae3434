-- Resizes the holder of an exclusive unit (not a pool).
local P = {}
function P.schedule(sim)
  local cur = sim.running(1)
  if cur then sim.resize(cur, 1) else sim.dispatch(sim.best("fifo")) end
end
return P
