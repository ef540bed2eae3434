-- FIKIT support API checks (tests/t_fikit.sh): prints the profile of the
-- first request, then tries the error cases of sim.stop and sim.metric.
local P = { params = { case = "profile" } }
local done = false
function P.on_timer() end
function P.schedule(sim)
  local req = sim.best("fifo")
  if not req then return end
  if not done then
    done = true
    local c = P.params.case
    if c == "profile" then
      for i, s in ipairs(sim.segments(req)) do
        sim.log(string.format("%d %s %s %d", i, s.kind, s.name, s.isolated_ns))
      end
      sim.metric("probe", 2.5)
      sim.metric("probe", 1)
      sim.metric("probe", 7, "tenant:x")
    elseif c == "stop_ready" then sim.stop(req)
    elseif c == "stop_drain" then sim.dispatch(req, { unit = 1 }); sim.stop(req, "drain")
    elseif c == "stop_past" then sim.dispatch(req, { unit = 1 }); sim.stop(req, "checkpoint", 99)
    elseif c == "metric_name" then sim.metric("Bad-Name", 1)
    elseif c == "metric_nan" then sim.metric("x", 0 / 0)
    end
  end
  if not req.unit and sim.room(1) > 0 then sim.dispatch(req, { unit = 1 }) end
end
return P
