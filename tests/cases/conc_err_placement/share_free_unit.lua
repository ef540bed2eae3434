-- A pool of 4: A takes 3; C asks unit 1 for 2 with 1 free, no mech.
local P = {}
function P.schedule(sim)
  local r = sim.best("fifo")
  sim.dispatch(r, { unit = 1, share = r.network == "A" and 3 or 2 })
end
return P
