-- Logs every hook call, to show the order of simultaneous events.
local P = {}
function P.on_arrival(sim, req) print("arrival", req.id, req.network) end
function P.on_complete(sim, req) print("complete", req.id) end
function P.schedule(sim)
  print("schedule", sim.nready(), sim.state())
  return sim.best("fifo")
end
return P
