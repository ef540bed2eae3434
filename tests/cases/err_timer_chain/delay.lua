-- At its first decision, arms one timer with the delay named by param `d`.
local P = { params = { d = "neg" } }
local delays = { neg = -1, nan = 0 / 0, inf = 1 / 0, ninf = -1 / 0, frac = 1.5, big = 2 ^ 63,
                 max = math.maxinteger, edge = math.maxinteger - 7 }
local armed = false
function P.schedule(sim)
  if not armed then
    armed = true
    sim.timer(delays[P.params.d])
  end
  return sim.best()
end
function P.on_timer(sim) end
return P
