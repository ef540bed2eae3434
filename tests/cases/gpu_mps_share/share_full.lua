-- The first request takes 3 of the 4 SMs; the second asks for 2 on unit 1.
local P = {}
local n = 0
function P.schedule(sim)
  n = n + 1
  sim.dispatch(sim.best("fifo"), { unit = 1, share = n == 1 and 3 or 2 })
end
return P
