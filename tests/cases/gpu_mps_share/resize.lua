-- Places the first request with 1 SM, then tries to grow it to 2.
local P = {}
function P.schedule(sim)
  for h in sim.placed(1) do sim.resize(h, 2) end
  local r = sim.best("fifo")
  if r and sim.room(1) >= 1 then sim.dispatch(r, { unit = 1, share = 1 }) end
end
return P
