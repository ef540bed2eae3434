-- Every timer that fires arms 100000 more, a second later (the only
-- request arrives at 5 s, so the run goes on): at t=1 s + 1 ns the first
-- 100000 fire one after the other, each adding 100000 pending timers,
-- until the memory ceiling refuses one.
local P = {}
function P.init(sim) sim.timer(1) end
function P.on_timer(sim)
  for i = 1, 100000 do sim.timer(1000000000) end
end
function P.schedule(sim) return sim.best() end
return P
