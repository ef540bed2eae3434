-- p_fcfs — preemptive first-come first-served: round-robin with a quantum.
--
-- A periodic tick every `quantum` ns (from t = 0, not reset by arrivals
-- or completions, as in PREMA's re-implementations) preempts the running
-- request if another is ready; the preempted one goes to the tail of the queue.
--
-- A request that starts at the very instant of a tick keeps the device for
-- that tick (a zero-length turn would only add switching cost).
--
-- On K units (policies_lua/units.lua) one queue feeds every unit. Free units
-- take the heads of the queue. At a tick, the holders that were already
-- running before it are preempted, the one that has run longest in its
-- current turn (earliest `since`; ties: the lowest unit) first, as long as
-- requests wait: with w waiting and h such holders, min(w, h) of them go to
-- the tail and the first min(w, h) of the queue take their units.
--
-- params:
--   quantum   tick period in ns (default 250000 = 0.25 ms; "0.25ms" also works)
--   preempt   mechanism at a tick: "checkpoint" (default) or "kill"

local U = require("units")

local P = { params = { quantum = 250000, preempt = "checkpoint" } }

local turn = 0          -- queue position counter: a request's place in the round
local tick_at = -1      -- time of the last tick, so a tick acts only at its own instant
local one = true        -- a device of one exclusive unit: the original code

local function enqueue(req)
  turn = turn + 1
  req.state.turn = turn
end

function P.init(sim)
  assert(P.params.quantum > 0, "param quantum must be > 0")
  assert(P.params.preempt == "checkpoint" or P.params.preempt == "kill",
         "param preempt must be checkpoint or kill")
  sim.timer(P.params.quantum)
  one = U.one(sim)
end

function P.on_timer(sim)
  tick_at = sim.now()
  return P.params.quantum          -- re-arm: periodic
end

function P.on_arrival(sim, req) enqueue(req) end
function P.on_preempted(sim, req) enqueue(req) end

-- The ready request whose turn comes first.
local function head(sim)
  local best
  for req in sim.ready() do
    if not best or req.state.turn < best.state.turn then best = req end
  end
  return best
end

local order = {
  before = function(a, b) return a.state.turn < b.state.turn end,
  -- Only at a tick, and only holders that ran before it (a turn that starts
  -- at the tick's instant is kept, as on one unit).
  victim = function(v) return v.since < tick_at end,
  worse = function(a, b)
    if a.since ~= b.since then return a.since < b.since end
    return a.unit < b.unit
  end,
  beats = function() return true end,
  -- mech: set per call, present only at a tick
}

function P.schedule(sim)
  if not one then
    order.mech = tick_at == sim.now() and function() return P.params.preempt end or nil
    return U.place(sim, order)
  end
  local cur = sim.running()
  if not cur then return head(sim) end
  if tick_at == sim.now() and cur.since < tick_at then return head(sim), P.params.preempt end
end

return P
