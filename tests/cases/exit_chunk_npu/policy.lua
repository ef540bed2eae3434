-- P-HPF that logs what each mechanism would cost (sim.cost) before it preempts.
local P = { params = { preempt = "checkpoint" } }
function P.schedule(sim)
  local best = sim.best("priority")
  local cur = sim.running()
  if not cur then return best end
  if best.priority > cur.priority then
    for _, m in ipairs({ "checkpoint", "kill", "drain" }) do
      print(m, sim.cost(cur, m))               -- latency, save, restore, wasted (ns)
    end
    return best, P.params.preempt
  end
end
return P
