local P = {}
function P.schedule(sim)
  local r = sim.best("fifo")
  sim.dispatch(r)
  sim.dispatch(r)
end
return P
