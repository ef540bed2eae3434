-- FIFO that downgrades exits and drops a request (tests/cases/exit_profile).
local P = {}

local function show(sim, r)
  sim.log(string.format("req %d exit=%s nexits=%d chunk=%d accuracy=%s executed=%d remaining=%d "
                        .. "isolated=%d", r.id, tostring(r.exit), r.nexits, r.chunk,
                        tostring(r.accuracy), r.executed, r.remaining, r.isolated))
end

function P.on_arrival(sim, r)
  local cur = sim.running()
  if r.id == 1 then
    sim.set_exit(r, 1)                       -- queued
    sim.set_exit(cur, 1)                     -- running
    show(sim, r)
    show(sim, cur)
  elseif r.id == 2 then
    show(sim, cur)
    for _, x in ipairs(sim.exits(cur)) do
      sim.log(string.format("exit %d after=%d head_ns=%d path_ns=%d accuracy=%s usable=%s", x.id,
                            x.after, x.head_ns, x.path_ns, tostring(x.accuracy), tostring(x.usable)))
    end
    local ok, err = pcall(sim.set_exit, cur, 2)
    sim.log(tostring(ok) .. " " .. err)
    sim.drop(r)
  end
end

function P.schedule(sim)
  return sim.best("fifo")
end

return P
