local P = {}
function P.schedule(sim)
  return sim.best("fifo"
end
return P
