-- preempt_lowest — a stress policy for tests/t_gpu_share.sh: the highest
-- priority ready request takes a free unit, or else checkpoints the
-- lowest-priority holder below it (skipping one that is already stopping).
local P = { params = {} }

function P.schedule(sim)
  local best = sim.best("priority")
  if not best then return end
  local u = sim.free_unit()
  if u then
    sim.dispatch(best, { unit = u })
    return
  end
  local victim
  for r in sim.placed() do
    if r.priority < best.priority and (not victim or r.priority < victim.priority) then victim = r end
  end
  if victim then pcall(sim.dispatch, best, { unit = victim.unit, mech = "checkpoint", victim = victim }) end
end

return P
