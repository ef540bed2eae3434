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
local CLOCK_MHZ, DRAM_BW = 700, 358000000000  -- npu-prema's (docs/prema.md §2), scaled in the control
local POLICIES = {"np_fcfs", "sjf", "p_hpf", "prema"}

local function range(n) local t = {} for i = 1, n do t[i] = i end return t end

local NAMES = {np_fcfs = "NP-FCFS", sjf = "SJF", p_hpf = "P-HPF", prema = "PREMA"}
local ORDER = [[CASE policy WHEN 'np_fcfs' THEN 1 WHEN 'sjf' THEN 2 WHEN 'p_hpf' THEN 3
  WHEN 'prema' THEN 4 ELSE 5 END]]
local LABEL = [[CASE policy WHEN 'np_fcfs' THEN 'NP-FCFS' WHEN 'sjf' THEN 'SJF' WHEN 'p_hpf' THEN 'P-HPF'
  ELSE 'PREMA' END]]

-- One row per run of a study: its K (the workload's size in units: 8 x K
-- requests), policy, workload (seed), metric and value.
local function per_run(study)
  return string.format([[
  SELECT m.run_id, m.seed, CAST(rs.var_size AS INTEGER) AS units, rs.policy AS policy,
         m.metric, m.class, m.value
  FROM run_metrics m JOIN run_summary rs ON rs.run_id = m.run_id
  WHERE m.experiment = 'cluster' AND rs.var_study = '%s']], study)
end

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

-- Per K and policy: the mean of a metric over the workloads.
local function mean_sql(metric, class, study)
  return with_interval(string.format([[
    SELECT units, policy, ]] .. stats("value") .. [[
    FROM (%s) WHERE metric = '%s' AND class = '%s' AND value > 0
    GROUP BY units, policy]], per_run(study or "cluster"), metric, class or "all"))
end

-- Per K and policy: the mean of the per-workload ratio to NP-FCFS on the
-- same workload; lower-is-better metrics as NP-FCFS / policy.
local function gain_sql(metric, lower_better, study)
  local ratio = lower_better and "b.value / a.value" or "a.value / b.value"
  local runs = per_run(study or "cluster")
  return with_interval(string.format([[
    SELECT units, policy, ]] .. stats("x") .. [[
    FROM (SELECT a.units, a.policy, %s AS x
          FROM (%s) a JOIN (%s) b
            ON b.units = a.units AND b.seed = a.seed AND b.metric = a.metric AND b.class = a.class
          WHERE a.metric = '%s' AND a.class = 'all' AND b.policy = 'np_fcfs'
            AND a.value > 0 AND b.value > 0)
    GROUP BY units, policy]], ratio, runs, runs, metric))
end

local P = {
  name = "cluster",
  description = "NP-FCFS, SJF, P-HPF and PREMA on 1, 2, 4, 8 npu-prema units at equal load per unit",
  grid = {
    -- K units, 8 x K requests in PREMA's window.
    { ["var.study"] = {"cluster"}, policy = POLICIES, ["var.units"] = UNITS, seed = range(100) },
    -- The control: the same 8 x K requests in the same window on one NPU K
    -- times as fast (clock and DRAM bandwidth x K): the same load per unit
    -- and the same backlog in time, with one queue and one server instead of
    -- K (the classic pooling comparison). It separates what the K NPUs do
    -- from what the larger workload does.
    { ["var.study"] = {"control"}, policy = POLICIES, ["var.units"] = {1}, ["var.size"] = {2, 4, 8},
      seed = range(100) },
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
    local k, size = p["var.units"], p["var.size"] or p["var.units"]
    p["var.size"] = size
    p["device.units"] = k
    p["trace.n"] = TASKS_PER_UNIT * size
    if size ~= k then                      -- the control: one NPU size times as fast
      p["device.clock_mhz"] = CLOCK_MHZ * size
      p["device.dram_bw"] = DRAM_BW * size
    end
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
  -- Gain on K NPUs, and on one NPU with the same 8 x K requests (the control).
  gain = {
    kind = "line", title = "ANTT improvement over NP-FCFS: K NPUs, and 1 NPU K times as fast (same requests)",
    xlabel = "K (NPUs, or the workload's size in NPUs' worth: 8 x K requests)",
    ylabel = "ANTT(NP-FCFS) / ANTT(policy), mean of per-workload ratios",
    style = "set xtics (1, 2, 4, 8)",
    logx = true,
    sql = [[SELECT units, mean AS gain, lo, hi, n, series FROM (
              SELECT units, mean, lo, hi, n, ]] .. LABEL .. [[ || ' on K NPUs' AS series, ]] .. ORDER .. [[ AS o
                FROM (]] .. gain_sql("antt", true) .. [[) WHERE policy != 'np_fcfs'
              UNION ALL
              SELECT units, mean, lo, hi, n, ]] .. LABEL .. [[ || ' on 1 NPU K x as fast', 4 + ]] .. ORDER .. [[
                FROM (SELECT * FROM (]] .. gain_sql("antt", true, "control") .. [[)
                      UNION ALL SELECT * FROM (]] .. gain_sql("antt", true) .. [[) WHERE units = 1)
                WHERE policy IN ('sjf', 'prema'))
            ORDER BY o, units]],
  },
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
local function short_ntt(study)
  return string.format([[
  SELECT units, policy, avg(ntt) AS mean FROM (
    SELECT CAST(rs.var_size AS INTEGER) AS units, rs.policy AS policy,
           1.0 * (t.finish_ns - t.arrival_ns) / t.isolated_ns AS ntt,
           (SELECT count(*) FROM tasks u WHERE u.run_id = t.run_id AND u.isolated_ns < t.isolated_ns) AS shorter,
           (SELECT count(*) FROM tasks u WHERE u.run_id = t.run_id) AS total
    FROM tasks t JOIN run_summary rs ON rs.run_id = t.run_id
    WHERE rs.var_study = '%s' AND rs.run_id IN
      (SELECT run_id FROM runs WHERE experiment = 'cluster' AND status = 'ok' AND superseded = 0))
  WHERE 2 * shorter < total
  GROUP BY units, policy]], study)
end

-- Per K: the offered load per NPU (isolated work over the window and the
-- NPUs), and the spread of request lengths within a workload (longest over
-- shortest), means over the workloads.
local function load_sql(study)
  return string.format([[
  SELECT units, avg(w / (CAST(rtrim(win, 'us') AS REAL) * 1000.0 * k)) AS load, avg(spread) AS spread
  FROM (SELECT CAST(rs.var_size AS INTEGER) AS units, CAST(rs.var_units AS INTEGER) AS k, rs.trace_window AS win,
               (SELECT sum(isolated_ns) FROM tasks t WHERE t.run_id = rs.run_id) AS w,
               (SELECT 1.0 * max(isolated_ns) / min(isolated_ns) FROM tasks t WHERE t.run_id = rs.run_id) AS spread
        FROM run_summary rs WHERE rs.policy = 'np_fcfs' AND rs.var_study = '%s'
          AND rs.run_id IN (SELECT run_id FROM runs WHERE experiment = 'cluster' AND status = 'ok' AND superseded = 0))
  GROUP BY units ORDER BY units]], study)
end

function P.report(q)
  local out = {}
  local function say(...) out[#out + 1] = string.format(...) end
  -- Nothing volatile: runs are counted per grid point and seed, so a re-run
  -- leaves the file as it is.
  local nruns = q([[SELECT count(*) AS n, sum(ok) AS ok FROM (SELECT max(status = 'ok') AS ok
                    FROM runs WHERE experiment = 'cluster' GROUP BY point, seed)]])[1]
  local nwork = q([[SELECT count(DISTINCT seed) AS n FROM runs WHERE experiment = 'cluster' AND status = 'ok']])[1].n
  local gain = table_of(q, gain_sql("antt", true))
  local gain_c = table_of(q, gain_sql("antt", true, "control"))
  local gain_stp = table_of(q, gain_sql("stp", false))
  local antt = table_of(q, mean_sql("antt"))
  local antt_c = table_of(q, mean_sql("antt", "all", "control"))
  local stp = table_of(q, mean_sql("stp"))
  local sla = table_of(q, mean_sql("sla_3"))
  local p99 = table_of(q, mean_sql("p99_ntt"))
  local short, short_c = table_of(q, short_ntt("cluster")), table_of(q, short_ntt("control"))
  local pre = table_of(q, [[SELECT units, policy, avg(value / (8.0 * units)) AS mean FROM (]] .. per_run("cluster") ..
                          [[) WHERE metric = 'preemptions' AND class = 'all' GROUP BY units, policy]])
  local loads, loads_c = q(load_sql("cluster")), q(load_sql("control"))
  local ks, spread_c = {}, {}
  for _, r in ipairs(loads) do ks[#ks + 1] = r.units end
  for _, r in ipairs(loads_c) do spread_c[r.units] = r end

  say("# PREMA on a cluster of NPUs")
  say("")
  say("Generated by `schedlab sweep experiments/cluster.lua` from its results database")
  say("(%d runs, %d ok, %d workloads per configuration). Do not edit: rerunning the", nruns.n, nruns.ok or 0, nwork)
  say("experiment rewrites this file. Figures: `schedlab plot experiments/cluster.lua`")
  say("(results/cluster/: antt, stp, sla, p99, gain).")
  say("")
  say("NP-FCFS, SJF, P-HPF and PREMA (dynamic mechanism) on K = 1, 2, 4, 8 `npu-prema`")
  say("NPUs behind one queue (`--device-param units=K`). Each workload is PREMA's")
  say("(docs/prema.md §8) with 8 x K requests arriving in the same 5.7 ms window, so")
  say("every K sees the same offered load per NPU. The K best by each policy's order run;")
  say("a preemptive policy preempts its worst-ranked running request, only for a strictly")
  say("better one (policies_lua/units.lua; PREMA: docs/prema.md §7.3 \"PREMA on K NPUs\").")
  say("A control study runs the same 8 x K requests in the same window on one NPU K times")
  say("as fast (clock and DRAM bandwidth x K; the same load per NPU and the same backlog in")
  say("time): it separates what the K NPUs do from what the larger workload does.")
  say("")
  say("## Load")
  say("")
  say("| K | requests per workload | offered load per NPU (isolated work / window / K) | control: load on the fast NPU | longest / shortest request in a workload |")
  say("|---|---|---|---|---|")
  for _, r in ipairs(loads) do
    local c = spread_c[r.units]
    say("| %d | %d | %s | %s | %s |", r.units, 8 * r.units, fmt(r.load), c and fmt(c.load) or "(same runs)",
        fmt(r.spread, 0))
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
      local s = stp[k] and stp[k][p]
      say("| %d | %s | %s | %sx | %s | %sx | %s | %s | %s |", k, NAMES[p], fmt((antt[k] or {})[p]),
          fmt((gain[k] or {})[p]), s and fmt(s / k, 3) or "n/a", fmt((gain_stp[k] or {})[p]),
          fmt((sla[k] or {})[p], 3), fmt((p99[k] or {})[p]), fmt((pre[k] or {})[p]))
    end
  end
  say("")
  say("## K NPUs against one NPU with the same requests")
  say("")
  say("ANTT gain over NP-FCFS, and NP-FCFS's own ANTT, with the 8 x K requests of each")
  say("workload on K NPUs (the study) or on one NPU K times as fast (the control). At")
  say("K = 1 both are the same runs.")
  say("")
  say("| K | policy | gain on K NPUs | gain on 1 fast NPU | NP-FCFS ANTT on K NPUs | NP-FCFS ANTT on 1 fast NPU |")
  say("|---|---|---|---|---|---|")
  local function ctl(t, k) return k == ks[1] and t == gain_c and gain[k] or k == ks[1] and antt[k] or t[k] or {} end
  for _, k in ipairs(ks) do
    for _, p in ipairs({"sjf", "p_hpf", "prema"}) do
      say("| %d | %s | %sx | %sx | %s | %s |", k, NAMES[p], fmt((gain[k] or {})[p]), fmt(ctl(gain_c, k)[p]),
          fmt((antt[k] or {}).np_fcfs), fmt(ctl(antt_c, k).np_fcfs))
    end
  end
  say("")

  -- The answer, written as conditions on the measured numbers.
  local k1, kn = ks[1], ks[#ks]
  local g1 = gain[k1] and gain[k1].prema
  local gn = kn and gain[kn] and gain[kn].prema
  say("## Does PREMA's gain over NP-FCFS shrink as NPUs are added?")
  say("")
  if not (g1 and gn) or k1 == kn then
    say("Not enough data (PREMA or NP-FCFS runs missing, or a single K).")
    return table.concat(out, "\n") .. "\n"
  end
  local trend = {}
  for _, k in ipairs(ks) do trend[#trend + 1] = string.format("K = %d: %sx", k, fmt((gain[k] or {}).prema)) end
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
  say("- **Which side moves.** From K = %d to K = %d NP-FCFS's ANTT goes from %s to %s (%+.0f%%),",
      k1, kn, fmt(a_fcfs1), fmt(a_fcfsn), 100 * (a_fcfsn / a_fcfs1 - 1))
  say("  PREMA's from %s to %s (%+.0f%%); the gain is their ratio.", fmt(a_prema1), fmt(a_preman),
      100 * (a_preman / a_prema1 - 1))
  local cn = (gain_c[kn] or {}).prema
  local fc1, fcn, fcc = a_fcfs1, a_fcfsn, (antt_c[kn] or {}).np_fcfs
  if cn and fcc then
    local unit_effect = gn / cn
    say("- **The queue per NPU sets the gain.** At equal load per NPU, each NPU's share of a")
    say("  workload is the same 8 requests for every K. Under NP-FCFS a request's normalized")
    say("  turnaround grows with the work queued ahead of it on its NPU, relative to its own")
    say("  length, and what a reordering policy gains grows with how many requests it can")
    say("  reorder: both are per-NPU quantities. The control shows what happens when the queue")
    say("  per server is not held: the same 8 x %d requests on one NPU %d times as fast queue", kn, kn)
    say("  %d deep on one server; NP-FCFS's ANTT there is %s (against %s on %d NPUs and %s on",
        8 * kn, fmt(fcc), fmt(fcn), kn, fmt(fc1))
    say("  one NPU with 8 requests) and PREMA's gain %sx (against %sx and %sx).", fmt(cn), fmt(gn), fmt(g1))
    if unit_effect < 0.95 then
      say("  Against that single fast NPU, %d NPUs cut PREMA's gain by x%s: a long request", kn, fmt(unit_effect))
      say("  blocks one NPU of K while the queue drains through the others, which removes much of")
      say("  the head-of-line blocking that preemption removes on one server.")
    end
  end
  local s1, sn, scn = (short[k1] or {}).np_fcfs, (short[kn] or {}).np_fcfs, (short_c[kn] or {}).np_fcfs
  if s1 and sn and scn then
    say("- **Head-of-line blocking, measured.** The shorter half of each workload's requests has")
    say("  a mean NTT under NP-FCFS of %s at K = 1, %s on %d NPUs and %s on the one fast NPU", fmt(s1), fmt(sn), kn, fmt(scn))
    say("  (PREMA: %s, %s and %s).", fmt((short[k1] or {}).prema), fmt((short[kn] or {}).prema),
        fmt((short_c[kn] or {}).prema))
  end
  local sp1, spn = loads[1].spread, loads[#loads].spread
  if fc1 and fcn and math.abs(fcn / fc1 - 1) < 0.1 and spn > 1.5 * sp1 then
    say("- **The wider mix of a larger workload barely matters.** 8 x K requests drawn from the same")
    say("  mix span a wider range of lengths (longest / shortest: %s at K = %d, %s at K = %d), yet",
        fmt(sp1, 0), k1, fmt(spn, 0), kn)
    say("  NP-FCFS's ANTT on K NPUs moves by %+.0f%%: what a request waits behind on its own NPU", 100 * (fcn / fc1 - 1))
    say("  counts, not the extremes of the whole workload.")
  end
  local pr1, prn = (pre[k1] or {}).prema, (pre[kn] or {}).prema
  if pr1 and prn then
    say("- **Preemptions.** PREMA preempts %s times per request at K = %d and %s at K = %d.",
        fmt(pr1), k1, fmt(prn), kn)
  end
  local sj1, sjn = (gain[k1] or {}).sjf, (gain[kn] or {}).sjf
  if sj1 and sjn then
    say("- **The other policies.** Over the same K, SJF's gain moves from %sx to %sx and P-HPF's,", fmt(sj1), fmt(sjn))
    say("  which ignores lengths, from %sx to %sx.", fmt((gain[k1] or {}).p_hpf), fmt((gain[kn] or {}).p_hpf))
  end
  say("- **Load is not the cause:** the offered load per NPU is %s at K = %d and %s at K = %d",
      fmt(loads[1].load), k1, fmt(loads[#loads].load), kn)
  say("  (the same generator, K times the requests in the same window).")
  say("")
  return table.concat(out, "\n")
end

return P
