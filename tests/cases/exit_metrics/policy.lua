-- Preemptive EDF that drops a request whose deadline has passed when it
-- would run, and picks its exit when it dispatches it: the highest usable
-- exit that still meets the deadline from now, else the lowest usable one
-- (tests/cases/exit_metrics).
local P = {}

local function dl(r) return r.deadline or math.huge end

local function choose_exit(sim, r)
  if not r.deadline or r.nexits == 0 then return end
  local pick
  for _, x in ipairs(sim.exits(r)) do         -- lowest first
    if x.usable then
      pick = pick or x.id
      if sim.now() + x.path_ns - r.executed <= r.deadline then pick = x.id end
    end
  end
  sim.set_exit(r, pick)
end

function P.schedule(sim)
  if sim.state() == "switching" then return nil end
  local late = {}
  for r in sim.ready() do
    if r.deadline and r.deadline <= sim.now() then late[#late + 1] = r end
  end
  for _, r in ipairs(late) do sim.drop(r) end
  local best = sim.best("deadline")
  if not best then return nil end
  local cur = sim.running()
  if cur and dl(best) >= dl(cur) then return nil end
  choose_exit(sim, best)
  return best, "checkpoint"
end

return P
