-- sim.stop on the profile device: first-come first-served on one unit, and
-- one stop of A: `timer` stops it from a timer at 1500 ns at its next
-- preemption point; `kill_after` stops it by KILL after its first segment,
-- asked at its placement.
local P = { params = { mode = "timer" } }
local stopped = false
function P.init(sim) if P.params.mode == "timer" then sim.timer(1500) end end
function P.on_timer(sim)
  local a = sim.running()
  sim.log(string.format("timer: %s in segment %d", a.network, a.segment))
  sim.stop(a)
  stopped = true
end
function P.on_preempted(sim, req, mech)
  sim.log(string.format("%s preempted by %s, status %s, segment %d", req.network, mech,
                        req.status, req.segment))
end
function P.schedule(sim)
  if sim.running() then return end
  local r = sim.best("fifo")
  if not r then return end
  sim.dispatch(r, { unit = 1 })
  if P.params.mode == "kill_after" and not stopped then
    sim.stop(r, "kill", 1)
    stopped = true
  end
end
return P
