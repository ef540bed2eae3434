-- np_fcfs plus two empty notification hooks: the benchmark runs it beside
-- np_fcfs, and the difference in time over the extra calls is the cost of
-- one hook call across the Lua boundary.
local P = { params = {} }
P.schedule_when_busy = false
function P.on_arrival(sim, req) end
function P.on_complete(sim, req) end
function P.schedule(sim) return sim.best("fifo") end
return P
