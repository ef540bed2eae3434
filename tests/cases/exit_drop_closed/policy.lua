-- Non-preemptive EDF that drops a request whose deadline has passed when
-- the device could run it (tests/cases/exit_drop_closed).
local P = {}

function P.schedule(sim)
  if sim.running() then return nil end
  local late = {}
  for r in sim.ready() do
    if r.deadline and r.deadline <= sim.now() then late[#late + 1] = r end
  end
  for _, r in ipairs(late) do sim.drop(r) end
  return sim.best("deadline")
end

return P
