-- schedule arms a zero-delay timer at every decision and never dispatches
-- (the timer's decision comes at the same instant): time never advances.
local P = {}
function P.on_timer(sim) end
function P.schedule(sim) sim.timer(0) end
return P
