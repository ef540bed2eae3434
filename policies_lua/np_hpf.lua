-- np_hpf — non-preemptive highest priority first.
--
-- When the device is free, run the ready request with the highest priority
-- (ties: earliest arrival) to completion.
--
-- On K units nothing changes here: the engine calls schedule again while a
-- unit has room and requests wait, so each free unit takes the next best.

local P = { params = {} }

P.schedule_when_busy = false

function P.schedule(sim)
  return sim.best("priority")
end

return P
