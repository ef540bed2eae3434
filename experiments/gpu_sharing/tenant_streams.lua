-- tenant_streams — each priority class on its own stream (docs/gpu_model.md,
-- "Sharing"): requests with priority >= `split` go to unit `high_unit` (the
-- high-priority stream of sharing=streams), the others to unit `low_unit`.
-- A stream runs one request at a time, first come first served, as a CUDA
-- stream serialises its work; the two streams run side by side.

local P = { params = { split = 1, high_unit = 1, low_unit = 2 } }

-- Only a free stream needs a decision.
P.schedule_when_busy = false

function P.schedule(sim)
  local hi, lo = P.params.high_unit, P.params.low_unit
  if sim.room(hi) > 0 then
    local best = sim.best("priority")   -- ties: the earliest arrival
    if best and best.priority >= P.params.split then sim.dispatch(best, { unit = hi }) end
  end
  if sim.room(lo) > 0 then
    for req in sim.ready() do           -- arrival order: the first low one
      if req.priority < P.params.split then
        sim.dispatch(req, { unit = lo })
        break
      end
    end
  end
end

return P
