-- Aging that preempts: two requests that both waited max_wait take the
-- device from each other at the same instant, forever.
local P = { params = { max_wait = 3000 } }
local function urgent(sim)
  for req in sim.ready() do
    if req.waited >= P.params.max_wait then return req end
  end
end
function P.schedule(sim)
  local pick = urgent(sim) or sim.best("priority")
  local cur = sim.running()
  if not cur then return pick end
  if pick.priority > cur.priority or pick.waited >= P.params.max_wait then
    return pick, "checkpoint"
  end
end
return P
