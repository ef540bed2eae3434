-- Test fixture: a policy that fails at its third decision.
local P = {}
local calls = 0
function P.schedule(sim)
  calls = calls + 1
  if calls == 3 then error("deliberate failure") end
  return sim.best("fifo")
end
return P
