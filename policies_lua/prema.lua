-- prema — PREMA's predictive multi-task scheduler (Choi & Rhu, HPCA 2020).
--
-- At every scheduling point (an arrival, a completion, the end of a switch,
-- and a periodic tick every `quantum`):
--   1. Tokens (Algorithm 2, line 7). A request starts with as many tokens as
--      its priority and earns more while it waits, in proportion to its
--      priority and to its wait relative to its own predicted length:
--      token = p * (1 + W / T^) ("incremental", the default).
--   2. Threshold. The largest priority level (1, 3, 9) that does not exceed
--      the highest token among the active requests.
--   3. Candidates (line 10). The requests whose token reaches the threshold;
--      if none does, the earliest arrival.
--   4. Selection. The candidate with the shortest predicted remaining time
--      (TOKEN, policies_lua/token.lua, takes the earliest arrival instead).
--      Ties: the running request, then the earliest arrival.
--   5. Mechanism (Algorithm 3). If the choice is not the running request,
--      DRAIN (let the running one finish) or CHECKPOINT (switch now),
--      whichever slows the pair down less, in normalised terms:
--        slowdown of the running one if switched out = rem^(cand) / T^(cur)
--        slowdown of the candidate if made to wait   = rem^(cur)  / T^(cand)
--      drain when the first is larger.
-- T^ is the predicted isolated time (req.predicted), rem^ the predicted
-- remaining time (sim.predict); both carry the run's --predict-sigma error.
--
-- The paper leaves several choices open; each is a param with the default
-- the public re-implementations agree on (docs/prema.md §10):
--   token_update    incremental | literal_total (+= p*W/T^ at every point, W the
--                   total wait, running request included) | literal_idle (W = time
--                   since the request last ran)
--   threshold_mode  levels (largest level <= max token) | fixed (`threshold`)
--   candidate_cmp   ">=" | ">"              token vs threshold (line 10)
--   candidates      all (running included) | ready
--   sjf_key         remaining | total       what "shortest" compares
--   select          shortest (PREMA) | earliest (TOKEN)
--   preempt         dynamic (Algorithm 3) | checkpoint (PREMA-static) | drain | kill
--   mech_rule       degradation (default) | progress (agongee's inverted test)
--   level_guard     do not preempt a request of a higher token level
--   quantum         ns between scheduling ticks (250 us = 175,000 cycles at 700 MHz)
--   quantum_mode    periodic (from t = 0) | since_last (after the last decision)
--   priority_levels the token levels, "1,3,9"
-- Two more knobs of §10 live on the device: where a CHECKPOINT or KILL stops
-- (--device-param ckpt_granularity=tile|layer) and what a checkpoint saves
-- (ckpt_bytes=progress|bound). DRAIN with drain_scope = layer ("finish the
-- layer, then switch") is CHECKPOINT with ckpt_granularity = layer.
--
-- PREMA on K NPUs (one queue, K identical units; the paper has one NPU, so
-- this is schedlab's definition, docs/prema.md "PREMA on K NPUs"):
--   - Tokens as above, for the ready requests and every holder (a request
--     being saved after a preemption takes no part).
--   - Ranking: PREMA's choice repeated, each time without the requests
--     already chosen. With threshold_mode = levels that is: by tier, the
--     highest priority level the token reaches (>= or >, per candidate_cmp),
--     higher tiers first, then the shortest key (ties: a holder, then the
--     earliest arrival, then the lowest id). With >= (the default) the top
--     tier is exactly the candidate set of step 3, and each next tier the
--     candidate set once the higher tiers are gone. With fixed: the
--     candidates, then the others.
--     Requests in no tier come last, by arrival, as step 3's fallback.
--     Holders are ranked like everyone, also with candidates = ready: a
--     holder that did not compete would lose its NPU to any waiting
--     request, which would take it back at once (switching back and forth
--     at no gain), so on K NPUs that param has no effect.
--   - The K best-ranked run: free units take the best-ranked waiting requests;
--     then the best waiting request is set against the worst-ranked running
--     holder (the victim), the second best against the second worst, and so
--     on while the waiting one ranks strictly higher. For each such pair,
--     level_guard and Algorithm 3 decide as above with the victim in the place
--     of the running request: DRAIN leaves the victim (the pair is decided
--     again at the next point), CHECKPOINT takes its unit.
-- On one NPU this is exactly the single-unit algorithm above (same code).

local P = {
  params = {
    token_update = "incremental", threshold_mode = "levels", threshold = 3,
    candidate_cmp = ">=", candidates = "all", sjf_key = "remaining", select = "shortest",
    preempt = "dynamic", mech_rule = "degradation", level_guard = true,
    quantum = 250000, quantum_mode = "periodic", priority_levels = "1,3,9",
  },
}

local U = require("units")

local levels = {}          -- sorted priority levels
local tick                 -- the pending tick's timer id
local one = true           -- a device of one exclusive unit: the one-NPU code

local function one_of(name, ...)
  local v = P.params[name]
  for _, ok in ipairs({...}) do if v == ok then return end end
  error(string.format("param %s must be one of %s, not '%s'", name,
                      table.concat({...}, ", "), tostring(v)), 0)
end

function P.init(sim)
  one_of("token_update", "incremental", "literal_total", "literal_idle")
  one_of("threshold_mode", "levels", "fixed")
  one_of("candidate_cmp", ">=", ">")
  one_of("candidates", "all", "ready")
  one_of("sjf_key", "remaining", "total")
  one_of("select", "shortest", "earliest")
  one_of("preempt", "dynamic", "checkpoint", "drain", "kill")
  one_of("mech_rule", "degradation", "progress")
  one_of("quantum_mode", "periodic", "since_last")
  for l in P.params.priority_levels:gmatch("[^,]+") do
    levels[#levels + 1] = assert(tonumber(l), "priority_levels must be numbers, e.g. 1,3,9")
  end
  table.sort(levels)
  assert(#levels > 0, "priority_levels is empty")
  assert(P.params.quantum > 0, "quantum must be > 0")
  tick = sim.timer(P.params.quantum)
  one = U.one(sim)
end

function P.on_timer(sim)
  if P.params.quantum_mode == "periodic" then return P.params.quantum end
  tick = nil
end

-- The largest level not above x (the smallest level if x is below them all).
local function level(x)
  local l = levels[1]
  for _, v in ipairs(levels) do if v <= x then l = v end end
  return l
end

function P.on_arrival(sim, req)
  req.state.token = req.priority
  req.state.idle_since = req.arrival
end

function P.on_preempted(sim, req)
  req.state.idle_since = sim.now()
end

-- Line 7: bring a request's token up to date.
local function update_token(sim, req, running)
  local s, p = req.state, req.priority
  local mode = P.params.token_update
  if mode == "incremental" then
    s.token = p * (1 + req.waited / req.predicted)
  elseif mode == "literal_total" then
    s.token = s.token + p * req.waited / req.predicted
  elseif not running then                                   -- literal_idle
    s.token = s.token + p * (sim.now() - s.idle_since) / req.predicted
  end
end

local function key(sim, req)
  if P.params.select == "earliest" then return req.arrival end
  if P.params.sjf_key == "remaining" then return sim.predict(req) end
  return req.predicted
end

-- Algorithm 3: DRAIN or CHECKPOINT for switching from `cur` to `cand`.
function P.mechanism(sim, cur, cand)
  local rem_cur, rem_cand = sim.predict(cur), sim.predict(cand)
  if P.params.mech_rule == "degradation" then
    local slow_cur = rem_cand / cur.predicted    -- what cur suffers if switched out now
    local slow_cand = rem_cur / cand.predicted   -- what cand suffers if cur drains
    return slow_cur > slow_cand and "drain" or "checkpoint"
  end
  return rem_cur / cur.predicted > rem_cand / cand.predicted and "drain" or "checkpoint"
end

-- Steps 1-4: the request PREMA wants on the device now.
function P.choose(sim)
  local cur = sim.running()
  local pool, maxtok = {}, -math.huge
  for req in sim.ready() do
    update_token(sim, req, false)
    pool[#pool + 1] = req
    maxtok = math.max(maxtok, req.state.token)
  end
  if cur then
    if P.params.token_update ~= "literal_idle" then update_token(sim, cur, true) end
    maxtok = math.max(maxtok, cur.state.token)
    if P.params.candidates == "all" then table.insert(pool, 1, cur) end   -- ties prefer it
  end
  local thr = P.params.threshold
  if P.params.threshold_mode == "levels" then thr = level(maxtok) end
  local strict = P.params.candidate_cmp == ">"
  local best, best_key
  for _, req in ipairs(pool) do
    local t = req.state.token
    if (strict and t > thr) or (not strict and t >= thr) then
      local k = key(sim, req)
      if not best or k < best_key then best, best_key = req, k end
    end
  end
  if not best then                              -- nobody qualifies: the earliest arrival
    for _, req in ipairs(pool) do
      if not best or req.arrival < best.arrival then best = req end
    end
  end
  return best, cur
end

-- PREMA on K NPUs (see the header): rank everybody, let units.lua place.
local function place_k(sim)
  for req in sim.ready() do update_token(sim, req, false) end
  if P.params.token_update ~= "literal_idle" then
    for req in sim.placed() do
      if req.status ~= "stopping" then update_token(sim, req, true) end
    end
  end
  local strict, fixed = P.params.candidate_cmp == ">", P.params.threshold_mode == "fixed"
  local function reaches(t, v) return (strict and t > v) or (not strict and t >= v) end
  -- The tier: the highest level the token reaches (fixed: 1 for a candidate);
  -- NONE for no candidate at all, ranked by arrival (§7.1's fallback).
  local NONE = -math.huge
  local tiers = {}
  local function tier(req)
    local t = tiers[req]
    if t then return t end
    t = NONE
    local tok = req.state.token
    if fixed then
      if reaches(tok, P.params.threshold) then t = 1 end
    else
      for _, v in ipairs(levels) do if reaches(tok, v) then t = v end end
    end
    tiers[req] = t
    return t
  end
  local by_key = U.by(function(r) return key(sim, r) end)
  local by_arrival = U.by(function(r) return r.arrival end)
  U.place(sim, {
    before = function(a, b)
      local ta, tb = tier(a), tier(b)
      if ta ~= tb then return ta > tb end
      if ta ~= NONE then return by_key(a, b) end
      return by_arrival(a, b)
    end,
    mech = function(victim, w)
      if P.params.level_guard and level(w.state.token) < level(victim.state.token) then return nil end
      local mech = P.params.preempt
      if mech == "dynamic" then mech = P.mechanism(sim, victim, w) end
      return mech
    end,
  })
end

function P.schedule(sim)
  if P.params.quantum_mode == "since_last" then
    if tick then sim.cancel(tick) end
    tick = sim.timer(P.params.quantum)
  end
  if not one then return place_k(sim) end
  local best, cur = P.choose(sim)
  if not cur then return best end
  if best == cur then return end
  if P.params.level_guard and level(best.state.token) < level(cur.state.token) then return end
  local mech = P.params.preempt
  if mech == "dynamic" then mech = P.mechanism(sim, cur, best) end
  return best, mech
end

return P
