-- np_fcfs — non-preemptive first-come first-served.
--
-- When the device is free, run the earliest-arrived ready request to completion.
--
-- Ties between requests that arrived at the same instant go to the one that
-- comes first in the trace (sim.best's documented tie order).
--
-- On K units nothing changes here: after a placement the engine calls
-- schedule again while a unit has room and requests wait, so the K earliest
-- arrivals hold the K units, and a unit that frees takes the next.

local P = { params = {} }

-- Never preempts, so the engine need not ask while a request runs.
P.schedule_when_busy = false

function P.schedule(sim)
  return sim.best("fifo")
end

return P
