-- Fills free units; then sends B to unit 1, busy, with no mech.
local P = {}
function P.schedule(sim)
  local r = sim.best("fifo")
  sim.dispatch(r, { unit = sim.free_unit() or 1 })
end
return P
