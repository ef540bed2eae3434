-- cluster — PREMA's workloads on 1, 2, 4 and 8 npu-prema NPUs behind one
-- queue, at equal load per NPU: does PREMA's gain over NP-FCFS shrink as
-- NPUs are added, and why?
--
--   schedlab sweep experiments/cluster.lua     # runs, and rewrites experiments/cluster.md
--   schedlab plot experiments/cluster.lua      # figures in results/cluster/
--
-- Workloads: experiments/prema.lua's generator (docs/prema.md §8) scaled to
-- the unit count K: 8 x K requests, network uniform over PREMA's seven, batch
-- uniform over 1, 4, 16, priority uniform over 1, 3, 9, the first at 0 and
-- the others uniform in the same window of 0.714 ms x 8. K times the work
-- arrives in the same time on K times the NPUs: the offered load per NPU is
-- the same for every K (the report measures it). Workload k of a given K is
-- generated from seed k, so every policy replays the same workloads. One run
-- is one workload: STP and fairness are taken over its 8 x K requests.
-- Policies on K units: policies_lua/units.lua; PREMA on K NPUs:
-- docs/prema.md "PREMA on K NPUs".

local networks = {"alexnet", "vgg16", "googlenet", "mobilenet_v1",
                  "lstm_translation", "lstm_sentiment", "lstm_speech"}
local TASKS_PER_UNIT = 8
local WINDOW_US = 714 * TASKS_PER_UNIT       -- 0.714 ms per task of one NPU (agongee)
local UNITS = {1, 2, 4, 8}
local POLICIES = {"np_fcfs", "sjf", "p_hpf", "prema"}

local function range(n) local t = {} for i = 1, n do t[i] = i end return t end

local NAMES = {np_fcfs = "NP-FCFS", sjf = "SJF", p_hpf = "P-HPF", prema = "PREMA"}
local ORDER = [[CASE policy WHEN 'np_fcfs' THEN 1 WHEN 'sjf' THEN 2 WHEN 'p_hpf' THEN 3
  WHEN 'prema' THEN 4 ELSE 5 END]]

-- One row per run: its unit count, policy, workload (seed), metric and value.
local PER_RUN = [[
  SELECT m.run_id, m.seed, CAST(rs.var_units AS INTEGER) AS units, rs.policy AS policy,
         m.metric, m.class, m.value
  FROM run_metrics m JOIN run_summary rs ON rs.run_id = m.run_id
  WHERE m.experiment = 'cluster']]

-- Mean, sd and n of x; then a 95% interval on the log scale (ratios and
-- times are positive), as experiments/prema.lua and policy_summary do.
local function stats(x)
  return string.format("avg(%s) AS mean, sqrt(max(0, avg(%s * %s) - avg(%s) * avg(%s)) * count(*)"
                       .. " / (count(*) - 1)) AS sd, count(*) AS n", x, x, x, x, x)
end
local function with_interval(sql)
  return [[SELECT *, mean * exp(-w) AS lo, mean * exp(w) AS hi
           FROM (SELECT *, coalesce((SELECT t FROM t975 WHERE df <= n - 1 ORDER BY df DESC LIMIT 1), 1.96)
                             * coalesce(sd, 0) / mean / sqrt(n) AS w
                 FROM (]] .. sql .. "))"
end

-- Per unit count and policy: the mean of a metric over the workloads.
local function mean_sql(metric, class)
  return with_interval(string.format([[
    SELECT units, policy, ]] .. stats("value") .. [[
    FROM (%s) WHERE metric = '%s' AND class = '%s' AND value > 0
    GROUP BY units, policy]], PER_RUN, metric, class or "all"))
end

-- Per unit count and policy: the mean of the per-workload ratio to NP-FCFS
-- on the same workload; lower-is-better metrics as NP-FCFS / policy.
local function gain_sql(metric, lower_better)
  local ratio = lower_better and "b.value / a.value" or "a.value / b.value"
  return with_interval(string.format([[
    SELECT units, policy, ]] .. stats("x") .. [[
    FROM (SELECT a.units, a.policy, %s AS x
          FROM (%s) a JOIN (%s) b
            ON b.units = a.units AND b.seed = a.seed AND b.metric = a.metric AND b.class = a.class
          WHERE a.metric = '%s' AND a.class = 'all' AND b.policy = 'np_fcfs'
            AND a.value > 0 AND b.value > 0)
    GROUP BY units, policy]], ratio, PER_RUN, PER_RUN, metric))
end

local P = {
  name = "cluster",
  description = "NP-FCFS, SJF, P-HPF and PREMA on 1, 2, 4, 8 npu-prema units at equal load per unit",
  grid = {
    policy = POLICIES,
    ["var.units"] = UNITS,
    seed = range(100),
  },
  fixed = {
    device = "npu-prema",
    ["trace.gen"] = "uniform",
    ["trace.first_at_zero"] = true,
    ["trace.window"] = WINDOW_US .. "us",
    ["trace.networks"] = networks,
    ["trace.batches"] = {1, 4, 16},
    ["trace.priorities"] = {1, 3, 9},
    ["trace.workload"] = "w",
  },
  derive = function(p)
    p["device.units"] = p["var.units"]
    p["trace.n"] = TASKS_PER_UNIT * p["var.units"]
    return p
  end,
  baseline = "np_fcfs",
  metrics = {"antt", "stp", "fairness", "sla_3", "p99_ntt"},
  quick = { grid = { seed = range(3) } },
}

local function per_units(title, ylabel, sql, y)
  return {
    kind = "line", title = title, xlabel = "NPUs behind one queue (K)", ylabel = ylabel,
    style = "set xtics (1, 2, 4, 8)",
    logx = true,
    sql = "SELECT units, mean AS " .. y .. ", lo, hi, n, policy FROM (" .. sql .. ") ORDER BY "
          .. ORDER .. ", units",
  }
end

P.figures = {
  antt = per_units("ANTT as NPUs are added (equal load per NPU)",
                   "ANTT (mean NTT, mean over workloads)", mean_sql("antt"), "antt"),
  stp = per_units("STP per NPU as NPUs are added",
                  "STP / K (mean over workloads)",
                  [[SELECT units, policy, mean / units AS mean, lo / units AS lo, hi / units AS hi, n
                    FROM (]] .. mean_sql("stp") .. ")", "stp_per_unit"),
  sla = per_units("SLA satisfaction at N = 3 as NPUs are added",
                  "share of requests with turnaround <= 3 x isolated", mean_sql("sla_3"), "sla3"),
  p99 = per_units("Tail: p99 normalized turnaround as NPUs are added",
                  "p99 NTT (mean over workloads)", mean_sql("p99_ntt"), "p99_ntt"),
  gain = per_units("ANTT improvement over NP-FCFS as NPUs are added",
                   "ANTT(NP-FCFS) / ANTT(policy), mean of per-workload ratios",
                   [[SELECT * FROM (]] .. gain_sql("antt", true) .. ") WHERE policy != 'np_fcfs'",
                   "gain"),
}

-- {=====================================================================
-- The report (experiments/cluster.md): every number comes from the database.
-- =====================================================================

local function fmt(x, digits)
  if x == nil then return "n/a" end
  return string.format("%." .. (digits or 2) .. "f", x)
end

-- rows of a (units, policy, mean) query as t[units][policy] = mean
local function table_of(q, sql)
  local t = {}
  for _, r in ipairs(q(sql)) do
    t[r.units] = t[r.units] or {}
    t[r.units][r.policy] = r.mean
  end
  return t
end

-- NP-FCFS's head-of-line blocking: the mean NTT of the short requests (the
-- shorter half of each workload by isolated time) under a policy, per K.
local SHORT_NTT = [[
  SELECT units, policy, avg(ntt) AS mean FROM (
    SELECT CAST(rs.var_units AS INTEGER) AS units, rs.policy AS policy,
           1.0 * (t.finish_ns - t.arrival_ns) / t.isolated_ns AS ntt,
           (SELECT count(*) FROM tasks u WHERE u.run_id = t.run_id AND u.isolated_ns < t.isolated_ns) AS shorter,
           (SELECT count(*) FROM tasks u WHERE u.run_id = t.run_id) AS total
    FROM tasks t JOIN run_summary rs ON rs.run_id = t.run_id
    WHERE rs.run_id IN (SELECT run_id FROM runs WHERE experiment = 'cluster' AND status = 'ok' AND superseded = 0))
  WHERE 2 * shorter < total
  GROUP BY units, policy]]

-- Offered load per NPU: isolated work over (window x K), mean over workloads.
local LOAD = [[
  SELECT units, avg(w / (]] .. WINDOW_US .. [[ * 1000.0 * units)) AS load,
         avg(spread) AS spread
  FROM (SELECT CAST(rs.var_units AS INTEGER) AS units,
               (SELECT sum(isolated_ns) FROM tasks t WHERE t.run_id = rs.run_id) AS w,
               (SELECT 1.0 * max(isolated_ns) / min(isolated_ns) FROM tasks t WHERE t.run_id = rs.run_id) AS spread
        FROM run_summary rs WHERE rs.policy = 'np_fcfs'
          AND rs.run_id IN (SELECT run_id FROM runs WHERE experiment = 'cluster' AND status = 'ok' AND superseded = 0))
  GROUP BY units ORDER BY units]]

function P.report(q)
  local out = {}
  local function say(...) out[#out + 1] = string.format(...) end
  local nruns = q([[SELECT count(*) AS n, sum(ok) AS ok FROM (SELECT max(status = 'ok') AS ok
                    FROM runs WHERE experiment = 'cluster' GROUP BY point, seed)]])[1]
  local nwork = q([[SELECT count(DISTINCT seed) AS n FROM runs WHERE experiment = 'cluster' AND status = 'ok']])[1].n
  local gain = table_of(q, gain_sql("antt", true))
  local gain_stp = table_of(q, gain_sql("stp", false))
  local antt = table_of(q, mean_sql("antt"))
  local stp = table_of(q, mean_sql("stp"))
  local sla = table_of(q, mean_sql("sla_3"))
  local p99 = table_of(q, mean_sql("p99_ntt"))
  local short = table_of(q, SHORT_NTT)
  local pre = table_of(q, [[SELECT units, policy, avg(value / (8.0 * units)) AS mean FROM (]] .. PER_RUN ..
                          [[) WHERE metric = 'preemptions' AND class = 'all' GROUP BY units, policy]])
  local loads = q(LOAD)
  local ks = {}
  for _, r in ipairs(loads) do ks[#ks + 1] = r.units end

  say("# PREMA on a cluster of NPUs")
  say("")
  say("Generated by `schedlab sweep experiments/cluster.lua` from its results database")
  say("(%d runs, %d ok, %d workloads per unit count). Do not edit: rerunning the", nruns.n, nruns.ok or 0, nwork)
  say("experiment rewrites this file. Figures: `schedlab plot experiments/cluster.lua`")
  say("(results/cluster/: antt, stp, sla, p99, gain).")
  say("")
  say("NP-FCFS, SJF, P-HPF and PREMA (dynamic mechanism) on K = 1, 2, 4, 8 `npu-prema`")
  say("NPUs behind one queue (`--device-param units=K`). Each workload is PREMA's")
  say("(docs/prema.md §8) with 8 x K requests arriving in the same 5.7 ms window, so")
  say("every K sees the same offered load per NPU. The K best by each policy's order run;")
  say("a preemptive policy preempts its worst-ranked running request, only for a strictly")
  say("better one (policies_lua/units.lua; PREMA: docs/prema.md \"PREMA on K NPUs\").")
  say("")
  say("## Load")
  say("")
  say("| K | requests per workload | offered load per NPU (isolated work / window / K) | longest / shortest request in a workload |")
  say("|---|---|---|---|")
  for _, r in ipairs(loads) do
    say("| %d | %d | %s | %s |", r.units, 8 * r.units, fmt(r.load), fmt(r.spread, 0))
  end
  say("")
  say("## Results per K")
  say("")
  say("Means over the workloads; gains are means of per-workload ratios to NP-FCFS on the")
  say("same workload. STP is per NPU (STP / K), so 1 is one NPU's worth of isolated progress.")
  say("")
  say("| K | policy | ANTT | ANTT gain over NP-FCFS | STP / K | STP gain | SLA (N = 3) | p99 NTT | preemptions per request |")
  say("|---|---|---|---|---|---|---|---|---|")
  for _, k in ipairs(ks) do
    for _, p in ipairs(POLICIES) do
      local g = gain[k] and gain[k][p]
      local gs = gain_stp[k] and gain_stp[k][p]
      local s = stp[k] and stp[k][p]
      say("| %d | %s | %s | %sx | %s | %sx | %s | %s | %s |", k, NAMES[p], fmt((antt[k] or {})[p]),
          fmt(g), s and fmt(s / k, 3) or "n/a", fmt(gs), fmt((sla[k] or {})[p], 3),
          fmt((p99[k] or {})[p]), fmt((pre[k] or {})[p]))
    end
  end
  say("")

  -- The answer, written as conditions on the measured numbers.
  local k1, kn = ks[1], ks[#ks]
  local g1 = gain[k1] and gain[k1].prema
  local gn = kn and gain[kn] and gain[kn].prema
  say("## Does PREMA's gain over NP-FCFS shrink as NPUs are added?")
  say("")
  if not (g1 and gn) then
    say("Not enough data (no PREMA or NP-FCFS runs).")
    return table.concat(out, "\n") .. "\n"
  end
  local trend = {}
  for _, k in ipairs(ks) do trend[#trend + 1] = string.format("K = %d: %sx", k, fmt(gain[k].prema)) end
  local change = gn / g1 - 1
  if change < -0.05 then
    say("**Yes.** PREMA's ANTT gain over NP-FCFS falls from %sx on one NPU to %sx on %d (%s%%);",
        fmt(g1), fmt(gn), kn, fmt(100 * change, 0))
  elseif change > 0.05 then
    say("**No, it grows.** PREMA's ANTT gain over NP-FCFS rises from %sx on one NPU to %sx on %d (+%s%%);",
        fmt(g1), fmt(gn), kn, fmt(100 * change, 0))
  else
    say("**No, it stays within 5%%.** PREMA's ANTT gain over NP-FCFS is %sx on one NPU and %sx on %d;",
        fmt(g1), fmt(gn), kn)
  end
  say("per K: %s.", table.concat(trend, ", "))
  say("")
  say("## Why")
  say("")
  local a_fcfs1, a_fcfsn = antt[k1].np_fcfs, antt[kn].np_fcfs
  local a_prema1, a_preman = antt[k1].prema, antt[kn].prema
  local s_fcfs1, s_fcfsn = (short[k1] or {}).np_fcfs, (short[kn] or {}).np_fcfs
  local s_prema1, s_preman = (short[k1] or {}).prema, (short[kn] or {}).prema
  say("- Which side moves. From K = %d to K = %d NP-FCFS's ANTT goes from %s to %s (%s%%),",
      k1, kn, fmt(a_fcfs1), fmt(a_fcfsn), fmt(100 * (a_fcfsn / a_fcfs1 - 1), 0))
  say("  PREMA's from %s to %s (%s%%). The gain is their ratio, so it follows whichever",
      fmt(a_prema1), fmt(a_preman), fmt(100 * (a_preman / a_prema1 - 1), 0))
  say("  changes more.")
  if s_fcfs1 and s_fcfsn then
    say("- Head-of-line blocking. NP-FCFS's ANTT is large when short requests queue behind long")
    say("  ones. The shorter half of each workload's requests has a mean NTT under NP-FCFS of")
    say("  %s at K = %d and %s at K = %d (PREMA: %s and %s). With K NPUs one long request",
        fmt(s_fcfs1), k1, fmt(s_fcfsn), kn, fmt(s_prema1), fmt(s_preman))
    say("  blocks one NPU of K, and the queue drains through the other K - 1, so a short request")
    if s_fcfsn < s_fcfs1 then
      say("  waits less behind long ones: the blocking that PREMA removes by preemption is")
      say("  partly removed by the extra NPUs alone, even at equal load per NPU.")
    else
      say("  could wait less; here it does not, because at this load every NPU is kept busy by")
      say("  a long request of its own share of the 8 x K.")
    end
  end
  local pr1, prn = (pre[k1] or {}).prema, (pre[kn] or {}).prema
  if pr1 and prn then
    say("- Preemptions. PREMA preempts %s times per request at K = %d and %s at K = %d: with",
        fmt(pr1), k1, fmt(prn), kn)
    say("  more NPUs a short arrival more often finds a unit free or a unit whose holder is")
    say("  about to finish, so it needs the preemptive machinery less.")
  end
  local sj1, sjn = gain[k1].sjf, gain[kn] and gain[kn].sjf
  if sj1 and sjn then
    say("- SJF, which minimises mean waiting on one NPU, moves from %sx to %sx: the effect is", fmt(sj1), fmt(sjn))
    say("  one of any length-aware preemptive policy against FCFS, not specific to PREMA's tokens.")
  end
  local l1, ln = loads[1].load, loads[#loads].load
  say("- Load is not the cause: the offered load per NPU is %s at K = %d and %s at K = %d", fmt(l1), k1, fmt(ln), kn)
  say("  (the same generator, K times the requests in the same window).")
  say("")
  return table.concat(out, "\n")
end

return P
