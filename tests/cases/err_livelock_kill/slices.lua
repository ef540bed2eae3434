-- Time slices of 500 ns that end with KILL: each request is killed before
-- it finishes (A needs 4000 ns, B 1000) and starts over from 0.
local P = {}
local flip = false
function P.init(sim) sim.timer(500) end
function P.on_timer(sim)
  flip = true
  return 500
end
function P.schedule(sim)
  local cur, next = sim.running(), sim.best("fifo")
  if not cur then return next end
  if flip and next then
    flip = false
    return next, "kill"
  end
end
return P
