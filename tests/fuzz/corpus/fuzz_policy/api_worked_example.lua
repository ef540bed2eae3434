-- aged_hpf — highest priority first, with aging: when the device is free, a
-- request that has waited max_wait ns goes before every other.
local P = { params = { max_wait = 5000000, preempt = "checkpoint" } }

local function urgent(sim)
  for req in sim.ready() do                 -- ready requests, in arrival order
    if req.waited >= P.params.max_wait then return req end
  end
end

function P.schedule(sim)
  local pick = urgent(sim) or sim.best("priority")
  local cur = sim.running()
  if not cur then return pick end           -- the device is free: start it
  if pick.priority > cur.priority then
    return pick, P.params.preempt           -- preempt the running request
  end
  -- return nothing: the running request keeps the device
end

return P
