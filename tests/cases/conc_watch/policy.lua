-- FCFS on K units that watches every request it places and logs each
-- segment boundary; it stops watching A after A's first boundary.
local P = {}

function P.schedule(sim)
  local r = sim.best("fifo")
  local u = sim.free_unit()
  if r and u then
    sim.watch(r)
    sim.dispatch(r, { unit = u })
  end
end

function P.on_segment(sim, req, seg)
  sim.log(string.format("%s seg %d segment %d executed %d unit %d", req.network, seg,
                        req.segment, req.executed, req.unit))
  if req.network == "A" then sim.watch(req, false) end
end

return P
