-- p_hpf, logging sim.cost for the running request (each mechanism) and for
-- every waiting one (what resuming it costs) at each decision.
local P = require("p_hpf")
local schedule = P.schedule
function P.schedule(sim)
  local cur = sim.running()
  if cur then
    for _, m in ipairs({"checkpoint", "kill", "drain"}) do print(cur.id, m, sim.cost(cur, m)) end
    for req in sim.ready() do print(req.id, "resume", sim.cost(req)) end
  end
  return schedule(sim)
end
return P
