-- edf — earliest deadline first, preemptive or not.
--
-- Run the ready request with the earliest absolute deadline (requests without
-- one come last; ties: earliest arrival).
--
-- params:
--   preemptive  true (default): an earlier deadline preempts the running request
--   preempt     mechanism when preempting: "checkpoint" (default) or "kill"

local P = { params = { preemptive = true, preempt = "checkpoint" } }

local NONE = math.maxinteger    -- no deadline: after every real one

local function deadline(req) return req.deadline or NONE end

function P.init(sim)
  assert(P.params.preempt == "checkpoint" or P.params.preempt == "kill",
         "param preempt must be checkpoint or kill")
  P.schedule_when_busy = P.params.preemptive
end

function P.schedule(sim)
  local best = sim.best("deadline")
  local cur = sim.running()
  if not cur then return best end
  if deadline(best) < deadline(cur) then return best, P.params.preempt end
end

return P
