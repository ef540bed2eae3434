-- share — MPS clients with their own SM share: each request, in arrival
-- order, becomes a client on unit 1 with `priority` SMs (the trace's
-- priority column stands for the share a policy would choose), once that
-- many SMs of the unit are free; a request that does not fit waits, and so
-- do the ones behind it.
local P = { params = {} }

function P.schedule(sim)
  local r = sim.best("fifo")
  if r and sim.room(1) >= r.priority then sim.dispatch(r, { unit = 1, share = r.priority }) end
end

return P
