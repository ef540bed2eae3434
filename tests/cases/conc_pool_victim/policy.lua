-- Preemptive priority on a pool: every request asks for a share of 2; with
-- no room, the best ready request preempts the worst-priority holder by
-- checkpoint, taking the victim's share.
local P = {}

function P.schedule(sim)
  local best = sim.best("priority")
  if sim.room(1) >= 2 then
    sim.dispatch(best, { share = 2 })
    return
  end
  local worst
  for h in sim.placed(1) do
    if h.status == "running" and (not worst or h.priority < worst.priority) then worst = h end
  end
  if worst and best.priority > worst.priority then
    sim.dispatch(best, { share = 2, victim = worst, mech = "checkpoint" })
  end
end

return P
