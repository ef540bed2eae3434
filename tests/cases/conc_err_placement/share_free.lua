-- A pool of 4: A takes 3; C asks for 2 with 1 free.
local P = {}
function P.schedule(sim)
  local r = sim.best("fifo")
  sim.dispatch(r, { share = r.network == "A" and 3 or 2 })
end
return P
