-- Both units busy at 500: preempts unit 1 naming unit 2's holder as victim.
local P = {}
function P.schedule(sim)
  local r = sim.best("fifo")
  local u = sim.free_unit()
  if u then sim.dispatch(r, { unit = u })
  else sim.dispatch(r, { unit = 1, victim = sim.running(2), mech = "checkpoint" }) end
end
return P
