-- pantheon — Pantheon (Han, Zhou, Li; MobiSys 2024): EDF among real-time jobs
-- preempting at chunk boundaries, with early-exit downgrading when the
-- deadline-ordered queue is infeasible; best effort on the low-priority stream.
--
-- Real-time (RT) jobs are the requests with a deadline; the others are best
-- effort (BE). Meant for the `profile` device with chunk/exit tables
-- (traces/profiles/pantheon_*.csv) and the task sets traces/tasksets/pantheon_*.
--
-- From the paper and the authors' code (runtime.cpp):
-- * EDF: the RT job with the earliest absolute deadline runs (ties: earliest
--   release, then id). A job with an earlier deadline preempts the running one
--   at its next chunk boundary (CHECKPOINT; a running chunk is never cut, and
--   the context stays in GPU memory: the tables' state_bytes are 0). As the
--   worker, which picks the queue's head at every chunk boundary, the choice
--   is made at the boundary (a timer there), not when the job arrives.
-- * On every RT release, SCHEDULE: the RT jobs (the running one included) in
--   EDF order, every exit reset to the top exit, then the loop: walk the queue
--   accumulating LAT(q) = the rest of q's backbone up to its exit + the head,
--   from now; at the first job past its deadline (beyond the barrier), lower by
--   one the exit of the job at or before it whose downgrade costs least
--   (ties: the earliest position); if none can be lowered, accept that miss
--   (the barrier moves to it). A job may take only a usable exit: one placed
--   at or after the chunk it is in (nested redundancy).
-- * downgrade_cost: from_top (code: acc(top) - acc(candidate)) or incremental
--   (proposed: acc(current) - acc(candidate)).
-- * account_running_chunk = false (code): the running job's LAT starts after
--   its running chunk, whose rest is ignored; true: counted.
-- * drop_late (code's best-effort runtime): the head RT job whose deadline has
--   passed is dropped when it would run its next chunk (sim.drop; a miss with
--   accuracy 0). A timer at each RT deadline wakes the policy: a running job
--   that has become late is stopped at its chunk boundary (by the next job,
--   or by sim.stop when the engine offers it) and then dropped; with nothing
--   else to run and no sim.stop it runs on (a miss all the same).
-- * BE jobs run FIFO only when no RT job runs or waits; an RT release preempts
--   a running BE job (CHECKPOINT at its next layer boundary: a stand-in for
--   the GPU's stream priority, pessimistic by at most one layer).
--
-- Proposed (schedlab's reading, see the Pantheon notes §6-7):
-- * late ready jobs are dropped before the SCHEDULE pass rather than left in
--   its snapshot (the worker would drop them at the head before they ran, so
--   only the pass's estimate of the jobs behind them differs);
-- * the pass runs once per instant after all of its releases (each pass of
--   the code starts from top exits, so the last one decides anyway);
-- * scheduler latency (sched_overhead), be_block_ns and a per-switch cost
--   (switch_cost_ns) are not modelled; exit_guard is always on (the engine
--   refuses an exit the job has passed).
--
-- params:
--   downgrade_cost         "from_top" (default) | "incremental"
--   drop_late              true (default)
--   account_running_chunk  false (default) | true
--   exit_switch            "any" (default): exits change whenever usable;
--                          "before_start": only before a job's first chunk
--                          (Pantheon-w/o-ee); "never": top exits always
--   preempt                "chunk" (default): RT jobs preempt RT jobs at chunk
--                          boundaries; "none": a started RT job runs to its
--                          exit (Pantheon-w/o-ee-pr). BE is preempted by RT
--                          either way.

local P = {
  params = {
    downgrade_cost = "from_top",
    drop_late = true,
    account_running_chunk = false,
    exit_switch = "any",
    preempt = "chunk",
  },
}

local released = false        -- an RT job arrived at this instant: run SCHEDULE
local stop_fn = nil           -- sim.stop, where the engine has it

local function rt(req) return req.deadline ~= nil end

-- EDF with the engine's tie rule (earliest release, then id).
local function edf_before(a, b)
  if a.deadline ~= b.deadline then return a.deadline < b.deadline end
  if a.arrival ~= b.arrival then return a.arrival < b.arrival end
  return a.id < b.id
end

-- Where the job's remaining work starts, as the scheduler sees it: the end of
-- the chunk it is running (the code's next undispatched chunk), else its
-- progress (a chunk boundary: preemption stops only there).
local function chunk_end(sim, q)
  if q.status == "running" then
    local lat = sim.cost(q, "checkpoint")
    return q.executed + lat
  end
  return q.executed
end

-- The job's exits (sim.exits) and whether it is already in its exit head.
local function job_view(sim, q)
  local ex = sim.exits(q)
  local v = { q = q, ex = ex, n = #ex, cur = q.exit or #ex }
  -- In its exit head (running it, or stopped inside it): the exit is fixed.
  -- Stopped exactly where the backbone meets the head, it may still go on.
  if v.n > 0 then
    local e = ex[v.cur]
    v.fixed_head = (q.status ~= "ready" and q.segment > e.after) or q.executed > e.path_ns - e.head_ns
  end
  v.cend = chunk_end(sim, q)
  v.done = P.params.account_running_chunk and q.executed or v.cend
  return v
end

local function usable(v, k)
  if v.fixed_head then return k == v.cur end
  local e = v.ex[k]
  return e.path_ns - e.head_ns >= v.cend
end

local function lat(v, k)
  if v.n == 0 then return v.q.remaining end
  local r = v.ex[k].path_ns - v.done
  return r > 0 and r or 0
end

local function may_change(v)
  if v.n == 0 or v.fixed_head then return false end
  local mode = P.params.exit_switch
  if mode == "any" then return true end
  if mode == "before_start" then return v.q.started == nil end
  return false
end

-- SCHEDULE of the paper (§3.1.2) over the RT jobs now in the system.
local function schedule_exits(sim)
  local Q = {}
  local cur = sim.running()
  if cur and rt(cur) then Q[#Q + 1] = job_view(sim, cur) end
  for req in sim.ready() do
    if rt(req) then Q[#Q + 1] = job_view(sim, req) end
  end
  table.sort(Q, function(a, b) return edf_before(a.q, b.q) end)
  for _, v in ipairs(Q) do
    if may_change(v) and usable(v, v.n) then v.cur = v.n end
  end
  local now = sim.now()
  local barrier = 0
  local incremental = P.params.downgrade_cost == "incremental"
  while true do
    local t, miss = now, nil
    for i, v in ipairs(Q) do
      t = t + lat(v, v.cur)
      if t > v.q.deadline and i > barrier then miss = i break end
    end
    if not miss then break end
    local best, best_cost = nil, nil
    for k = 1, miss do
      local v = Q[k]
      if may_change(v) and v.cur > 1 and usable(v, v.cur - 1) then
        local ref = incremental and v.ex[v.cur].accuracy or v.ex[v.n].accuracy
        local c = ref - v.ex[v.cur - 1].accuracy
        if not best or c < best_cost then best, best_cost = v, c end
      end
    end
    if best then best.cur = best.cur - 1 else barrier = miss end
  end
  for _, v in ipairs(Q) do
    if v.n > 0 and v.cur ~= (v.q.exit or v.n) then sim.set_exit(v.q, v.cur) end
  end
end

function P.init(sim)
  local p = P.params
  assert(p.downgrade_cost == "from_top" or p.downgrade_cost == "incremental",
         "param downgrade_cost must be from_top or incremental")
  assert(p.exit_switch == "any" or p.exit_switch == "before_start" or p.exit_switch == "never",
         "param exit_switch must be any, before_start or never")
  assert(p.preempt == "chunk" or p.preempt == "none", "param preempt must be chunk or none")
  assert(sim.units() == 1, "pantheon runs on one unit (one GPU worker)")
  stop_fn = sim.stop
end

function P.on_arrival(sim, req)
  if rt(req) then
    released = true
    if P.params.drop_late then sim.timer(req.deadline - sim.now(), "deadline") end
  end
end

function P.on_timer() end   -- a deadline: schedule() runs after it

-- Preempt the running RT job in favour of `nxt` at its next chunk boundary.
-- Pantheon's worker picks the head afresh at every chunk boundary, so the
-- choice is made there, not now: a timer at the boundary re-runs schedule,
-- which then preempts at once (a checkpoint at a boundary stops there).
local boundary_at = nil
local function at_boundary(sim, cur, nxt)
  local lat = sim.cost(cur, "checkpoint")
  if lat == 0 then
    if nxt then return nxt, "checkpoint" end
    if stop_fn then stop_fn(cur) end
    return
  end
  local t = sim.now() + lat
  if boundary_at ~= t then
    boundary_at = t
    sim.timer(lat, "boundary")
  end
end

function P.schedule(sim)
  local now = sim.now()
  if P.params.drop_late then
    -- Late RT jobs leave at the head: with EDF every late ready job is ahead
    -- of any job that is not late. Collect first: dropping changes the queue.
    local late = {}
    for req in sim.ready() do
      if rt(req) and req.deadline <= now then late[#late + 1] = req end
    end
    for _, req in ipairs(late) do sim.drop(req) end
  end
  if released then
    released = false
    schedule_exits(sim)
  end
  local head = sim.best("deadline")
  if head and not rt(head) then head = nil end
  local cur = sim.running()
  if not cur then return head or sim.best("fifo") end
  if not rt(cur) then
    -- RT over BE: the GPU's stream priority, at BE's next layer boundary.
    if head then return head, "checkpoint" end
    return
  end
  if cur.status ~= "running" or P.params.preempt ~= "chunk" then return end
  if P.params.drop_late and cur.deadline <= now then
    -- The worker drops a late head at its next chunk: stop it there.
    return at_boundary(sim, cur, head or sim.best("fifo"))
  end
  if head and edf_before(head, cur) then return at_boundary(sim, cur, head) end
end

return P
