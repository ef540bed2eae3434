-- PREMA with its tokens logged at every decision: "id=token" for the ready
-- requests, "id*=token" for the running one, then the choice and mechanism.
local P = require("prema")
local schedule = P.schedule
function P.schedule(sim)
  local pick, mech = schedule(sim)
  local parts, cur = {}, sim.running()
  if cur then parts[#parts + 1] = string.format("%d*=%.4f", cur.id, cur.state.token) end
  for req in sim.ready() do parts[#parts + 1] = string.format("%d=%.4f", req.id, req.state.token) end
  print(string.format("%s -> %s %s", table.concat(parts, " "), pick and pick.id or "-", mech or ""))
  return pick, mech
end
return P
