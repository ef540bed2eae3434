-- rtmdl — a stand-in for RT-mDL (Ling et al., SenSys 2021), Pantheon's
-- model-scaling baseline. An approximation, not RT-mDL itself.
--
-- RT-mDL (paper): an offline multi-objective evolutionary search over a
-- priority assignment and a per-task model scaling, a random forest that
-- predicts each candidate's deadline miss rate, non-preemptive execution,
-- the same accuracy bound alpha as Pantheon, and a job whose deadline has
-- passed when it would start is skipped.
--
-- This stand-in (proposed, the simpler documented approximation): static
-- priorities and one static exit per task (the "scaling": an exit whose
-- accuracy is within alpha of the top exit's), found by a small exhaustive
-- search instead of the evolutionary one, each candidate scored by simulating
-- its critical instant instead of a learned predictor:
-- * all Pantheon tasks share one period, so one period from a synchronous
--   release (every task releasing at 0, no jitter) is the worst case of a
--   non-preemptive fixed-priority schedule whose load is below 1; the
--   simulation runs the tasks' jobs in priority order with their chosen
--   exits' full paths, a job that would start at or after its deadline is
--   skipped (a miss), one that finishes after it is a miss;
-- * for every priority order (all n! orders for n <= 6 tasks, else the
--   deadline-monotonic one) the exits come from a greedy pass: from the top
--   exits, while some job misses, lower by one the exit (within alpha) of the
--   job at or before the first miss that loses least accuracy (ties: the
--   higher priority); if none can be lowered, that miss is accepted;
-- * the best candidate has the fewest misses, then the highest summed
--   relative accuracy; ties: the first order met, the orders being
--   enumerated from the deadline-monotonic one.
-- Tasks are learned from their first job (tenant, network exits, relative
-- deadline); the search reruns when a new task appears, so the first jobs of
-- a run (at most one period) may use a search over fewer tasks, and a
-- Poisson task is searched as if it were periodic with the common period.
-- Dispatch is rms.lua's (non-preemptive at model granularity, drop_late),
-- with the searched priorities and every job's exit set on arrival.
--
-- params: alpha (0.01: the largest accuracy loss allowed, absolute, against
-- the top exit; the paper uses 0.01 for traffic and robot, 0.02 for uav), and
-- rms.lua's rt_preempt, drop_late.

local P = require("rms")
P.params.order = "search"
P.params.alpha = 0.01

local tasks = {}          -- tenant -> { name, rel, ex = {{path, acc}...} }
local names = {}          -- tenants in order of first sight
local rank = {}           -- tenant -> position in the chosen order
local chosen = {}         -- tenant -> exit index (1-based; the top = #ex)

local function simulate(order, ch)
  local t, misses, acc = 0, 0, 0
  for i, tk in ipairs(order) do
    local e = tk.ex[ch[i]]
    if t >= tk.rel then
      misses = misses + 1
    else
      t = t + e.path
      if t > tk.rel then misses = misses + 1
      else acc = acc + e.acc / tk.ex[#tk.ex].acc end
    end
  end
  return misses, acc
end

-- The first job past the barrier that misses, as simulate() counts misses.
local function first_miss(order, ch, barrier)
  local t = 0
  for i, tk in ipairs(order) do
    local miss = t >= tk.rel
    if not miss then
      t = t + tk.ex[ch[i]].path
      miss = t > tk.rel
    end
    if miss and i > barrier then return i end
  end
  return nil
end

local function greedy_exits(order)
  local ch, alpha = {}, P.params.alpha
  for i, tk in ipairs(order) do ch[i] = #tk.ex end
  local barrier = 0
  while true do
    local miss = first_miss(order, ch, barrier)
    if not miss then break end
    local best, cost = nil, nil
    for k = 1, miss do
      local tk = order[k]
      local top = tk.ex[#tk.ex].acc
      if ch[k] > 1 and top - tk.ex[ch[k] - 1].acc <= alpha + 1e-12 then
        local c = top - tk.ex[ch[k] - 1].acc
        if not best or c < cost then best, cost = k, c end
      end
    end
    if best then ch[best] = ch[best] - 1 else barrier = miss end
  end
  return ch
end

-- Orders by Heap's algorithm over a copy of the deadline-monotonic order.
local function search()
  local base = {}
  for _, n in ipairs(names) do base[#base + 1] = tasks[n] end
  table.sort(base, function(a, b)
    if a.rel ~= b.rel then return a.rel < b.rel end
    if a.ex[#a.ex].path ~= b.ex[#b.ex].path then return a.ex[#a.ex].path < b.ex[#b.ex].path end
    return a.name < b.name
  end)
  local best_order, best_ch, best_m, best_acc
  local function consider(order)
    local ch = greedy_exits(order)
    local m, acc = simulate(order, ch)
    if not best_order or m < best_m or (m == best_m and acc > best_acc + 1e-12) then
      best_order, best_ch, best_m, best_acc = { table.unpack(order) }, ch, m, acc
    end
  end
  local n = #base
  if n > 6 then
    consider(base)
  else
    local c = {}
    for i = 1, n do c[i] = 1 end
    consider(base)
    local i = 1
    while i <= n do
      if c[i] < i then
        if i % 2 == 1 then base[1], base[i] = base[i], base[1]
        else base[c[i]], base[i] = base[i], base[c[i]] end
        consider(base)
        c[i] = c[i] + 1
        i = 1
      else
        c[i] = 1
        i = i + 1
      end
    end
  end
  rank, chosen = {}, {}
  for i, tk in ipairs(best_order) do
    rank[tk.name] = i
    chosen[tk.name] = best_ch[i]
  end
  P.forget_keys()
end

function P.rank_of(_, req) return rank[req.tenant] end
function P.exit_of(_, req)
  local k = chosen[req.tenant]
  if k and k ~= #tasks[req.tenant].ex then return k end
  return nil
end

local base_init, base_arrival = P.init, P.on_arrival

function P.init(sim)
  assert(P.params.alpha >= 0, "param alpha must be >= 0")
  base_init(sim)
end

function P.on_arrival(sim, req)
  if req.deadline and not tasks[req.tenant] then
    local ex = {}
    for _, e in ipairs(sim.exits(req)) do ex[#ex + 1] = { path = e.path_ns, acc = e.accuracy } end
    if #ex == 0 then ex[1] = { path = req.isolated, acc = 1 } end
    tasks[req.tenant] = { name = req.tenant, rel = req.deadline - req.arrival, ex = ex }
    names[#names + 1] = req.tenant
    search()
  end
  base_arrival(sim, req)
end

return P
