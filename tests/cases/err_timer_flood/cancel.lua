-- Arms and cancels 3 million timers, a few thousand at a time: pending
-- timers stay few, so the ceiling is never reached; every cancel must find
-- its timer (sim.cancel returns true) and a second cancel must not.
local P = {}
local ok, round = true, 0
function P.init(sim) sim.timer(1) end
function P.on_timer(sim)
  round = round + 1
  local ids = {}
  for i = 1, 3000 do ids[i] = sim.timer(1000 + i) end
  for i = 3000, 1, -2 do ok = sim.cancel(ids[i]) and ok end
  for i = 1, 3000, 2 do ok = sim.cancel(ids[i]) and ok end
  ok = not sim.cancel(ids[1]) and ok
  if round < 1000 then return 1 end
  sim.log(ok and "all cancels found their timer" or "a cancel failed")
end
function P.schedule(sim) return sim.best() end
return P
