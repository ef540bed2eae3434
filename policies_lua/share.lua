-- share — default GPU sharing: every tenant on its own unit, no priorities.
--
-- The baseline of FIKIT (docs/fikit.md, mode `share`): every tenant on its
-- own unit, each running its requests one at a time in arrival order, all
-- tenants at once with no priorities.
-- How co-runners share the GPU is the device's sharing mode, not the
-- policy's: `--device-param sharing=timeslice` is the driver's default
-- between processes (contexts alternate on a time slice; the paper's
-- likely baseline), `sharing=streams` with `stream_prio` hardware stream
-- priorities inside one process, `sharing=mps` MPS clients. Needs one unit
-- per tenant (`units=K`); units go to tenants in order of first arrival
-- (policies_lua/tenant_units.lua).
--
-- The reconstruction's `share_mode = fifo` (ready kernels one at a time in order of
-- readiness) is not a policy here: kernel order inside a device is the
-- device's; `sharing=timeslice` and `streams` stand in for it (proposed).

local T = require("tenant_units")

local P = { params = {} }
P.schedule_when_busy = false

local st = T.new()

function P.on_arrival(sim, req) T.arrive(st, sim, req) end
function P.on_complete(sim, req) T.done(st, req) end

function P.schedule(sim)
  for _, h in ipairs(T.heads(st, sim)) do
    if h.req.status == "ready" and sim.room(h.unit) > 0 then
      sim.dispatch(h.req, { unit = h.unit })
      T.hold(st, h)
    end
  end
end

return P
