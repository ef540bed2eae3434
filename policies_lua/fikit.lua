-- fikit — FIKIT: low-priority kernels in the gaps of a high-priority task.
--
-- "Filling Inter-Kernel Idle Time" (Wenqing Wu, arXiv 2311.10359 v5,
-- 2024; docs/fikit.md): priority sharing of one GPU in which low-priority
-- (LP) kernels run inside the idle gaps between a high-priority (HP) task's
-- kernels. Only the abstract of the paper could be read; the algorithm here
-- is the reconstruction of docs/fikit.md (proposed), on the GPU model
-- with eager launching (the gaps are the host launch gaps,
-- docs/gpu_model.md) and `sharing=streams` (one stream per tenant).
--
-- From the paper: task priorities, HP first always; a profiling stage
-- (each kernel's duration and the gap after it, measured alone) separate
-- from sharing; LP kernels chosen to fit an HP gap ("BestPrioFit"); kernels
-- are not preempted.
--
-- Proposed (docs/fikit.md), as built:
--   * Profiling is sim.segments(req): the device's isolated duration of
--     every kernel and gap (one sample each, so the statistic is the mean:
--     the paper's p50/p90/... would equal it; no profile_stat knob).
--   * Tenants are tasks: each on its own unit (stream), its requests one at
--     a time in arrival order (policies_lua/tenant_units.lua). Levels are the
--     requests' priorities (larger = more important), any number of them.
--   * HP = the tenants at the highest level present; their heads are placed
--     at once and watched (on_segment: one event per HP segment, none per
--     thread block, none for LP).
--   * A window is open while every placed HP request is in a gap (fit =
--     end) or also in a kernel (window_start = launch: LP kernels may
--     co-run with the HP kernel on free SMs); it ends at the earliest
--     predicted start of an HP request's next kernel, minus margin_ns.
--   * FILL: while the window is open and no filled LP kernel is running, an
--     LP request whose next segment is a kernel of profiled duration <=
--     window_end - now runs exactly that kernel (best: the highest level,
--     then the longest that fits; first: the first that fits by level then
--     unit), then the host gap before its next kernel, and stops there
--     (sim.stop(req, "checkpoint", after)): so an LP task's host work runs
--     beside the GPU work, and it waits with its next kernel launched. A
--     timer at the kernel's predicted end fills the rest of the window.
--   * An LP request whose next segment is a host gap (its first one) runs
--     that gap at any time: it needs no SMs.
--   * When no request of the HP level is present for idle_threshold_ns,
--     the next level becomes HP and runs freely (the default rule: the
--     device's sharing); a request of a higher level arriving stops every
--     lower-level request at its next kernel boundary. A running LP kernel
--     is never cut: an HP kernel that needs the SMs waits (the overrun).
--
-- Counters (sim.metric, rows policy.NAME of class all), over the requests
-- of the highest priority in the run (the HP task; a lower level that runs
-- freely once it is gone is not counted): gap_fills (LP
-- kernels placed in windows), filled_ns (their profiled ns), hp_gap_ns (the
-- profiled gap time of the HP requests run: filled_ns / hp_gap_ns is the
-- share of HP gap time filled), hp_delay_ns (HP segment time beyond its
-- profiled duration: the delay LP overruns cause) and hp_delayed (how many
-- HP segments were late).
--
-- Params: margin_ns (0), fit = best | first, window_start = end | launch,
-- idle_threshold_ns (1 ms).

local T = require("tenant_units")

local P = { params = { margin_ns = 0, fit = "best", window_start = "end",
                       idle_threshold_ns = 1000000 } }

-- strict_prio.lua turns filling off.
P.fill = true

local st = T.new()
local profiles = {}          -- network \0 batch -> sim.segments
local lvl = nil              -- the HP level now
local absent_since = nil     -- when the HP level last had no request present
local fill_until = -1        -- predicted end of the LP kernel filling a window
local top_seen = nil         -- the highest priority seen: the HP task the counters follow

local function segs(sim, req)
  local key = req.network .. "\0" .. req.batch
  local s = profiles[key]
  if not s then
    s = sim.segments(req)
    profiles[key] = s
  end
  return s
end

function P.init(sim)
  local p = P.params
  if p.idle_threshold_ns < 0 then error("param idle_threshold_ns must be >= 0") end
  if not P.fill then return end
  if p.fit ~= "best" and p.fit ~= "first" then error("param fit must be best or first") end
  if p.window_start ~= "end" and p.window_start ~= "launch" then
    error("param window_start must be end or launch")
  end
  if p.margin_ns < 0 then error("param margin_ns must be >= 0") end
end

function P.on_arrival(sim, req)
  T.arrive(st, sim, req)
  if not top_seen or req.priority > top_seen then top_seen = req.priority end
end

-- Timers (a fill's end, the idle threshold) only wake schedule up.
function P.on_timer() end

-- An HP request enters segment `seg` now: what its last one took beyond
-- the profile is delay; a gap adds to the HP gap time.
local function enter(sim, req, seg)
  local s, rs, now = segs(sim, req), req.state, sim.now()
  local counted = req.priority == top_seen
  if rs.seg and counted then
    local late = now - rs.t - s[rs.seg].isolated_ns
    if late > 0 then
      sim.metric("hp_delay_ns", late)
      sim.metric("hp_delayed", 1)
    end
  end
  rs.seg, rs.t = seg, now
  if counted and seg and s[seg].kind == "gap" then sim.metric("hp_gap_ns", s[seg].isolated_ns) end
end

function P.on_segment(sim, req, seg) if req.state.t then enter(sim, req, seg) end end

function P.on_complete(sim, req)
  if req.state.t then enter(sim, req, nil) end
  T.done(st, req)
end

-- When an HP request's next kernel is predicted to start, or nil when no
-- window is open for it (it runs a kernel and the window opens at its end).
local function next_kernel_at(sim, req)
  local rs = req.state
  if not rs.seg then return nil end
  local s = segs(sim, req)
  local e = rs.t + s[rs.seg].isolated_ns
  if s[rs.seg].kind == "gap" then return e end
  if P.params.window_start ~= "launch" or not P.fill then return nil end
  local n = s[rs.seg + 1]
  return e + ((n and n.kind == "gap") and n.isolated_ns or 0)
end

-- The effective HP level: the highest level present, held for
-- idle_threshold_ns after its last request left.
local function level(sim, heads)
  local top
  for _, h in ipairs(heads) do
    if not top or h.req.priority > top then top = h.req.priority end
  end
  local now = sim.now()
  if not lvl or top >= lvl then
    lvl, absent_since = top, nil
  elseif not absent_since then
    absent_since = now
    if P.params.idle_threshold_ns > 0 then sim.timer(P.params.idle_threshold_ns) end
  end
  if absent_since and now - absent_since >= P.params.idle_threshold_ns then
    lvl, absent_since = top, nil
  end
  return lvl
end

-- Run `req` (an LP head) to the end of segment `seg`, then to the end of
-- the host gap after it if there is one, and stop there.
local function run_through(sim, h, seg)
  local s = segs(sim, h.req)
  sim.dispatch(h.req, { unit = h.unit })
  T.hold(st, h)
  local after = seg
  if s[seg + 1] and s[seg + 1].kind == "gap" then after = seg + 1 end
  if after < #s then sim.stop(h.req, "checkpoint", after) end
  h.req.state.fill = true    -- placed to run through `after`: not stopped again
end

function P.on_preempted(sim, req) req.state.fill = nil end

function P.schedule(sim)
  local heads = T.heads(st, sim)
  if #heads == 0 then return end
  local now = sim.now()
  local top = level(sim, heads)

  -- HP first, always; lower levels that ran freely stop at their next
  -- kernel boundary.
  local window_end, hp_placed = math.huge, 0
  for _, h in ipairs(heads) do
    local r = h.req
    if r.priority >= top then
      if r.status == "ready" and sim.room(h.unit) > 0 then
        sim.dispatch(r, { unit = h.unit })
        T.hold(st, h)
        sim.watch(r)
        enter(sim, r, r.segment)
      end
      if r.unit then
        hp_placed = hp_placed + 1
        local k = next_kernel_at(sim, r)
        if not k then window_end = -math.huge elseif k < window_end then window_end = k end
      end
    elseif r.status == "running" and not r.state.fill then
      sim.watch(r, false)
      r.state.seg, r.state.t = nil, nil
      sim.stop(r)
    end
  end
  if hp_placed == 0 then window_end = -math.huge end   -- HP level absent: wait
  window_end = window_end - (P.params.margin_ns or 0)

  -- LP host work needs no SMs: it runs whenever it is next.
  local cands = {}
  for _, h in ipairs(heads) do
    local r = h.req
    if r.priority < top and r.status == "ready" and sim.room(h.unit) > 0 then
      local s, seg = segs(sim, r), r.segment
      if s[seg].kind == "gap" then run_through(sim, h, seg)
      else cands[#cands + 1] = h end
    end
  end

  -- FILL the window with one LP kernel at a time.
  if not P.fill or now < fill_until or window_end <= now then return end
  local room, pick, pick_ns = window_end - now, nil, -1
  table.sort(cands, function(a, b)
    if a.req.priority ~= b.req.priority then return a.req.priority > b.req.priority end
    return a.unit < b.unit
  end)
  for _, h in ipairs(cands) do
    local d = segs(sim, h.req)[h.req.segment].isolated_ns
    if d <= room then
      if P.params.fit == "first" then pick, pick_ns = h, d break end
      if not pick then pick, pick_ns = h, d
      elseif h.req.priority < pick.req.priority then break
      elseif d > pick_ns then pick, pick_ns = h, d end
    end
  end
  if not pick then return end
  run_through(sim, pick, pick.req.segment)
  fill_until = now + pick_ns
  sim.timer(pick_ns)
  if top == top_seen then
    sim.metric("gap_fills", 1)
    sim.metric("filled_ns", pick_ns)
  end
end

return P
