-- cpu_alloc — the CPU space-sharing policies of VELTAIR (Liu et al., ASPLOS
-- 2022; issue 14), as one module: `model_fcfs`, `layer_wise`, `block_fixed`
-- and `veltair` are this module with other defaults (read their headers).
-- A module, not a policy: `return require("cpu_alloc").policy{...}` builds one.
--
-- Device: a pool of cores (the `cpu` kind, docs/cpu_model.md). Requests are
-- served first come, first served; at most `workers` run at once (the
-- prototype's 8 worker ranks). A request's work is cut into blocks of
-- consecutive layers; each block asks for a core count (a block dispatch:
-- `want` in sim.dispatch / sim.resize, counted in conflict_rate and
-- underalloc_*, docs/metrics.md):
--
--   QoS      = req.deadline - req.arrival (a trace made with slack=S), or
--              param qos_ns when the request has no deadline.
--   prof[l][c] = layer l's latency alone on c cores, the fastest version
--              (sim.versions(req, c, l)): the offline profile of VELTAIR §3,
--              for c in {u, 2u, ..., cores}, u = core_unit (0: cores / 8, the
--              prototype's 8 of 64).
--   budget   of a block B = alpha x QoS x w(B) / w(model), w = the layers'
--              latency on all cores (paper: op counts; the device does not
--              expose MACs, and latency on all cores is nearly proportional
--              to them for compute-bound layers).
--   cores    of B = the smallest c with sum over l in B of prof[l][c] <= budget
--              (all cores when none does).                     (veltair.md §3)
--
-- granularity = "model": one block, the whole request (paper's baseline,
--   model-wise FCFS); "layer": every layer a block (paper's layer-wise
--   baseline); "block": fixed blocks of block_size layers (the prototype's
--   SUB_MODEL_SIZE = 20); "adaptive": VELTAIR's adaptive blocks (below).
--
-- Conflicts (the prototype's disabled conflict handling, veltair.md §3):
-- when a block's cores are not all free, `conflict = "degrade"` grants what
-- is free (at least one core unit; the block runs with fewer cores, and the
-- shortfall is under-allocation), `conflict = "wait"` waits until they are.
-- A request that already holds cores never waits: it keeps min(want, its
-- cores + the free ones). Cores are only changed at block starts; a block
-- granted less runs with what it got (no growth within a block).
--
-- The `veltair` defaults add three mechanisms (proposed reconstructions,
-- veltair.md §4-6; the paper's exact rules are not published):
--   adaptive blocks: c*_l = the cores layer l needs for its own budget; a
--     block extends while |c*_next - c*_first| <= tau core units and it has
--     fewer than max_block layers; tau = tau0 + k_conflict x (the policy's
--     recent conflict rate, an average over the last 32 block dispatches):
--     coarser blocks under contention.
--   budget from slack (slack = true): a block's budget is its share of the
--     QoS time left (deadline - now) rather than of the whole QoS, and its
--     latency is the profile times the interference measured so far, so a
--     request that fell behind asks for more cores (the prototype's
--     disabled progress correction, with its intent).
--   versioning = "adaptive": per (network, layer), the measured slowdown of
--     each compiled version (elapsed / its latency alone on those cores),
--     divided by the slowdown every layer saw on average at that time (so
--     that a version tried while the machine was quiet does not look
--     better than one measured under load), averaged over its last runs,
--     picks the version with the least expected latency, latency alone x
--     that relative slowdown; every `explore` runs of a layer each version
--     is run once more so that the estimates follow the load (the
--     prototype times 5 versions and keeps one for 100 runs).
--     "single": the device's choice, the version fastest alone (baseline).
local M = {}

local function pick(list, x)
  for _, v in ipairs(list) do if v == x then return true end end
  return false
end

function M.policy(defaults)
  local P = { params = {
    granularity = "model", block_size = 20, core_unit = 0, workers = 8, alpha = 1.0,
    qos_ns = 0, conflict = "degrade", versioning = "single", slack = false,
    tau0 = 1, k_conflict = 4.0, max_block = 40, explore = 100,
  } }
  for k, v in pairs(defaults or {}) do P.params[k] = v end
  P.schedule_when_busy = false

  local unit, cores, grid
  local profs = {}         -- network/batch -> profile
  local vstat = {}         -- network/batch -> layer -> {ratio[v], runs}
  local recent = {}        -- the last 32 block dispatches: 1 conflict, 0 not
  local nrecent, irecent = 0, 0
  local slow = 1.0         -- measured interference: elapsed / alone, averaged
  local running = 0
  local simref             -- the sim module of the hook being run
  local function sim_now() return simref.now() end
  local function sim_versions(req, c, l) return simref.versions(req, c, l) end

  function P.init(sim)
    local p = P.params
    assert(pick({"model", "layer", "block", "adaptive"}, p.granularity),
           "granularity must be model, layer, block or adaptive")
    assert(pick({"degrade", "wait"}, p.conflict), "conflict must be degrade or wait")
    assert(pick({"single", "adaptive"}, p.versioning), "versioning must be single or adaptive")
    assert(p.block_size >= 1 and p.max_block >= 1 and p.workers >= 1 and p.alpha > 0,
           "block_size, max_block, workers >= 1 and alpha > 0")
    cores = sim.capacity()
    assert(cores >= 2, "these policies need a pool of cores (the cpu device)")
    unit = p.core_unit > 0 and p.core_unit or math.max(1, cores // 8)
    assert(unit <= cores, "core_unit is more than the device's cores")
    grid = {}
    for c = unit, cores, unit do grid[#grid + 1] = c end
    if grid[#grid] ~= cores then grid[#grid + 1] = cores end
  end

  local function key(req) return req.network .. "/" .. req.batch end

  -- prof.lat[c][l], prof.w[l] (latency on all cores), prof.n layers.
  local function profile(req)
    local k = key(req)
    local pr = profs[k]
    if pr then return pr end
    pr = { n = req.segments, lat = {}, w = {}, total = 0 }
    for _, c in ipairs(grid) do
      local row = {}
      for l = 1, pr.n do
        local best
        for _, v in ipairs(sim_versions(req, c, l)) do
          if not best or v.isolated_ns < best then best = v.isolated_ns end
        end
        assert(best, "the device has no compiled versions: these policies need the cpu device")
        row[l] = best
      end
      pr.lat[c] = row
    end
    for l = 1, pr.n do
      pr.w[l] = pr.lat[cores][l]
      pr.total = pr.total + pr.w[l]
    end
    profs[k] = pr
    return pr
  end

  local function cores_for(pr, first, last, budget, factor)
    for _, c in ipairs(grid) do
      local t = 0
      for l = first, last do t = t + pr.lat[c][l] end
      if t * factor <= budget then return c end
    end
    return cores
  end

  local function qos_of(req)
    if req.deadline then return req.deadline - req.arrival end
    assert(P.params.qos_ns > 0, "request " .. req.id .. " has no deadline: set param qos_ns")
    return P.params.qos_ns
  end

  local function conflict_rate()
    if nrecent == 0 then return 0 end
    local s = 0
    for i = 1, nrecent do s = s + recent[i] end
    return s / nrecent
  end

  local function note_conflict(c)
    irecent = irecent % 32 + 1
    recent[irecent] = c
    if nrecent < 32 then nrecent = nrecent + 1 end
  end

  -- Block starts (layer indices) of a request, by granularity.
  local function blocks_of(req, pr)
    local p, starts = P.params, {}
    if p.granularity == "model" then
      starts[1] = 1
    elseif p.granularity == "layer" or p.granularity == "block" then
      local size = p.granularity == "layer" and 1 or p.block_size
      for l = 1, pr.n, size do starts[#starts + 1] = l end
    else
      local qos = qos_of(req)
      local tau = (p.tau0 + p.k_conflict * conflict_rate()) * unit
      local need = {}
      for l = 1, pr.n do need[l] = cores_for(pr, l, l, p.alpha * qos * pr.w[l] / pr.total, 1) end
      local first = 1
      starts[1] = 1
      for l = 2, pr.n do
        if math.abs(need[l] - need[first]) > tau or l - first >= p.max_block then
          starts[#starts + 1] = l
          first = l
        end
      end
    end
    return starts
  end

  -- The cores block b of req asks for.
  local function want_of(req, st, b)
    local p, pr = P.params, st.prof
    local first = st.starts[b]
    local last = (st.starts[b + 1] or pr.n + 1) - 1
    local wsum, wleft = 0, 0
    for l = first, last do wsum = wsum + pr.w[l] end
    if p.slack then
      for l = first, pr.n do wleft = wleft + pr.w[l] end
      local left = req.arrival + qos_of(req) - sim_now()
      if left <= 0 then return cores end
      return cores_for(pr, first, last, p.alpha * left * wsum / wleft, math.max(1, slow))
    end
    return cores_for(pr, first, last, p.alpha * qos_of(req) * wsum / pr.total, 1)
  end

  -- The version layer l runs in on c cores, and its latency alone there.
  local function version_for(req, l, c)
    local vs = sim_versions(req, c, l)
    if P.params.versioning == "single" then
      local best
      for _, v in ipairs(vs) do if not best or v.isolated_ns < best.isolated_ns then best = v end end
      return 0, best.isolated_ns
    end
    local k = key(req)
    vstat[k] = vstat[k] or {}
    local ls = vstat[k][l]
    if not ls then
      ls = { ratio = {}, runs = 0 }
      for i = 1, #vs do ls.ratio[i] = 1.0 end
      vstat[k][l] = ls
    end
    ls.runs = ls.runs + 1
    local phase = (ls.runs - 1) % P.params.explore
    if phase >= 1 and phase <= #vs then return phase, vs[phase].isolated_ns end
    local best, bt
    for i, v in ipairs(vs) do
      local t = v.isolated_ns * ls.ratio[i]
      if not bt or t < bt then best, bt = i, t end
    end
    return best, vs[best].isolated_ns
  end

  -- Layer l starts on c cores: choose its version, remember what it should take.
  local function layer_start(req, st, l, c)
    local v, alone = version_for(req, l, c)
    st.layer, st.t0, st.alone, st.v = l, sim_now(), alone, v
    return v
  end

  -- The layer st.layer ended now: measure its slowdown.
  local function layer_end(req, st)
    if not st.layer or st.alone <= 0 then return end
    local ratio = (sim_now() - st.t0) / st.alone
    if st.v > 0 then   -- relative to the load level of the moment (below)
      local ls = vstat[key(req)][st.layer]
      ls.ratio[st.v] = 0.7 * ls.ratio[st.v] + 0.3 * ratio / slow
    end
    slow = 0.9 * slow + 0.1 * ratio
  end

  function P.schedule(sim)
    simref = sim
    local p = P.params
    while running < p.workers do
      local req = sim.best("fifo")
      if not req then return end
      local st = req.state
      if not st.prof then
        st.prof = profile(req)
        st.starts = blocks_of(req, st.prof)
        st.block = 1
      end
      local want = want_of(req, st, 1)
      local free = sim.room(1)
      local grant = math.min(want, free)
      if p.conflict == "wait" and free < want then grant = 0 end
      if grant < math.min(unit, want) then
        if not st.waiting then note_conflict(1) end
        st.waiting = true
        sim.dispatch(req, {share = want, want = want, mech = "drain"})   -- waits: FCFS stops here
        return
      end
      if not st.waiting then note_conflict(grant < want and 1 or 0) end
      local v = layer_start(req, st, 1, grant)
      sim.dispatch(req, {share = grant, want = want, version = v})
      running = running + 1
      if st.starts[2] or p.versioning == "adaptive" or p.slack then sim.watch(req) end
    end
  end

  function P.on_segment(sim, req, seg)
    simref = sim
    local st = req.state
    layer_end(req, st)
    local share = req.share
    if st.starts[st.block + 1] == seg then
      st.block = st.block + 1
      local want = want_of(req, st, st.block)
      local grant = math.min(want, share + sim.room(1))
      note_conflict(grant < want and 1 or 0)
      local v = layer_start(req, st, seg, grant)
      sim.resize(req, grant, v, want)
    else
      local v = layer_start(req, st, seg, share)
      if P.params.versioning == "adaptive" then sim.resize(req, share, v) end
    end
  end

  function P.on_complete(sim, req)
    simref = sim
    layer_end(req, req.state)
    running = running - 1
  end

  return P
end

return M
