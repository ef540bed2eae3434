-- On a pool: every ready request gets a share of 1 while there is room.
local P = {}
function P.schedule(sim)
  local r = sim.best("fifo")
  if sim.room(1) >= 1 then sim.dispatch(r, { share = 1 }) end
end
return P
