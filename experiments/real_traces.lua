-- real_traces — the Azure LLM inference traces of 2023 (Splitwise, ISCA'24:
-- AzureLLMInferenceTrace_code.csv and _conv.csv, one hour each) replayed
-- together on one GPU as two tenants of different priority, at several
-- loads, under four policies: how does each tenant's tail latency grow with
-- the load?
--
--   experiments/real_traces.sh            # prepares the traces, sweeps, draws, rewrites real_traces.md
--   experiments/real_traces.sh --quick    # the same on a small synthetic fixture (make test)
--
-- Run it through experiments/real_traces.sh, not `schedlab sweep` alone: the
-- script imports the two files (experiments/real_traces/azure_tenants.fmt),
-- puts them on one clock, merges them and writes one time-scaled copy per
-- load (`schedlab trace scale --load L --device gpu-h100`), into
-- results/real_traces/ (results/real_traces-quick/ with --quick), which this
-- file's points name. Without the real traces the script says so and stops.
--
-- Requests: P prompt and G generated tokens become gpt2_small[prompt=P',gen=G']
-- with P' = P rounded up to a power of two and G' = G rounded up to two
-- significant binary digits (the spec explains why); tenant `code` at
-- priority 9, `conv` at priority 1. A second study replays a sample of the
-- requests mapped both ways (bucketed, and exact with azure_exact.fmt) to
-- measure what the buckets change in isolated time.

local POLICIES = {"np_fcfs", "np_hpf", "p_hpf", "sjf"}
local NAMES = {np_fcfs = "NP-FCFS", np_hpf = "NP-HPF", p_hpf = "P-HPF", sjf = "SJF"}
local ORDER = [[CASE policy WHEN 'np_fcfs' THEN 1 WHEN 'np_hpf' THEN 2 WHEN 'p_hpf' THEN 3
  WHEN 'sjf' THEN 4 ELSE 5 END]]
local LABEL = [[CASE policy WHEN 'np_fcfs' THEN 'NP-FCFS' WHEN 'np_hpf' THEN 'NP-HPF'
  WHEN 'p_hpf' THEN 'P-HPF' WHEN 'sjf' THEN 'SJF' ELSE policy END]]
local DEVICE = "gpu-h100"
-- The loads: experiments/real_traces.sh writes one trace per load, so its
-- lists must name the same ones.
local LOADS = {0.4, 0.6, 0.8, 0.9}
local QUICK_LOADS = {0.5, 0.9}

-- The folder the script wrote the traces to, per set (real or fixture).
local DIRS = {real = "../results/real_traces/", fixture = "../results/real_traces-quick/"}

local P = {
  name = "real_traces",
  description = "Azure LLM code + conv traces as two tenants (priority 9 / 1) on " .. DEVICE
                .. ": tail latency per tenant against load",
  grid = {
    { ["var.study"] = {"load"}, policy = POLICIES, ["var.load"] = LOADS },
    { ["var.study"] = {"buckets"}, policy = {"np_fcfs"}, ["var.mapping"] = {"bucketed", "exact"} },
  },
  fixed = { device = DEVICE, ["var.set"] = "real" },
  derive = function(p)
    local dir = DIRS[p["var.set"]]
    if p["var.study"] == "load" then
      p.trace = string.format("%sload_%s.csv", dir, p["var.load"])
    else
      p.trace = string.format("%ssample_%s.csv", dir, p["var.mapping"])
    end
    return p
  end,
  -- quick.grid's loads overlay the buckets study too: one point of it is enough.
  filter = function(p)
    return p["var.study"] ~= "buckets" or p["var.load"] == nil or p["var.load"] == QUICK_LOADS[1]
  end,
  baseline = "np_fcfs",
  metrics = {"p99_latency_ns", "p50_latency_ns", "utilization"},
  -- The fixture: 24 code and 36 conv requests (experiments/real_traces/fixture/).
  quick = {
    grid = { ["var.load"] = QUICK_LOADS },
    fixed = { ["var.set"] = "fixture" },
  },
}

-- One row per run of the load study and tenant: load, policy, tenant, metric, value.
local function per_tenant(metric)
  return string.format([[
  SELECT CAST(rs.var_load AS REAL) AS load, rs.policy AS policy, substr(m.class, 8) AS tenant, m.value AS value
  FROM run_metrics m JOIN run_summary rs ON rs.run_id = m.run_id
  WHERE m.experiment = 'real_traces' AND rs.var_study = 'load' AND m.metric = '%s'
    AND m.class LIKE 'tenant:%%']], metric)
end

local function tail_figure(tenant)
  local where = tenant and string.format("WHERE tenant = '%s'", tenant) or ""
  local series = tenant and LABEL or (LABEL .. " || ' ' || tenant")
  return {
    kind = "line",
    title = tenant and string.format("p99 latency of tenant %s (priority %s) against load on %s", tenant,
                                     tenant == "code" and "9" or "1", DEVICE)
            or "p99 latency per tenant against load on " .. DEVICE,
    xlabel = "offered load (isolated GPU time / trace span)",
    ylabel = "p99 latency (s)",
    logy = true,
    sql = "SELECT load, value / 1e9 AS p99_s, " .. series .. " AS series FROM (" .. per_tenant("p99_latency_ns")
          .. ") " .. where .. " ORDER BY " .. ORDER .. ", tenant, load",
  }
end

P.figures = {
  p99 = tail_figure(nil),
  p99_code = tail_figure("code"),
  p99_conv = tail_figure("conv"),
}

-- {=====================================================================
-- The report (experiments/real_traces.md): every number comes from the database.
-- =====================================================================

local function fmt(x, digits)
  if x == nil then return "n/a" end
  return string.format("%." .. (digits or 2) .. "f", x)
end

-- t[load][policy][tenant] = value of a metric
local function by_load(q, metric)
  local t = {}
  for _, r in ipairs(q(per_tenant(metric))) do
    t[r.load] = t[r.load] or {}
    t[r.load][r.policy] = t[r.load][r.policy] or {}
    t[r.load][r.policy][r.tenant] = r.value
  end
  return t
end

local RUNS = [[SELECT run_id FROM runs WHERE experiment = 'real_traces' AND status = 'ok' AND superseded = 0]]

function P.report(q)
  local out = {}
  local function say(...) out[#out + 1] = string.format(...) end
  local nruns = q([[SELECT count(*) AS n, sum(ok) AS ok FROM (SELECT max(status = 'ok') AS ok
                    FROM runs WHERE experiment = 'real_traces' GROUP BY point, seed)]])[1]
  local set = q([[SELECT max(var_set) AS s FROM run_summary WHERE run_id IN (]] .. RUNS .. ")")[1].s
  -- The trace as replayed: one run of the load study (every run replays the
  -- same requests, only the clock differs).
  local one = q([[SELECT min(rs.run_id) AS id FROM run_summary rs WHERE rs.var_study = 'load' AND rs.run_id IN (]]
                .. RUNS .. ")")[1].id
  local p99, p50 = by_load(q, "p99_latency_ns"), by_load(q, "p50_latency_ns")
  local loads = {}
  for _, r in ipairs(q([[SELECT DISTINCT CAST(var_load AS REAL) AS l FROM run_summary
                         WHERE var_study = 'load' AND run_id IN (]] .. RUNS .. ") ORDER BY l")) do
    loads[#loads + 1] = r.l
  end

  say("# Real traces: Azure LLM code and conv as two tenants of one GPU")
  say("")
  say("Generated by `experiments/real_traces.sh` (which prepares the traces, then runs")
  say("`schedlab sweep experiments/real_traces.lua`) from its results database (%d runs, %d ok).", nruns.n,
      nruns.ok or 0)
  say("Do not edit: rerunning the experiment rewrites this file. Figures: results/real_traces/")
  say("(p99, p99_code, p99_conv).")
  say("")
  if set == "fixture" then
    say("**These runs replay the small synthetic fixture (`--quick`), not the real traces:** the")
    say("numbers below only show that the pipeline works.")
    say("")
  end
  if not one then
    say("No run of the load study is in the database.")
    return table.concat(out, "\n") .. "\n"
  end

  say("## What is replayed")
  say("")
  say("The Azure LLM inference traces of 2023 (github.com/Azure/AzurePublicDataset, CC-BY 4.0;")
  say("Patel et al., Splitwise, ISCA 2024): one hour of request arrivals of two production")
  say("services, each row an arrival time with its prompt (context) and generated token counts.")
  say("They are not part of schedlab. Both files are replayed together on one `%s`, on one", DEVICE)
  say("clock (the later file is shifted by the difference of the two first timestamps), as two")
  say("tenants: `code` (completions in an editor; short generations) at priority 9 and `conv`")
  say("(chat; long generations) at priority 1.")
  say("")
  say("| tenant | priority | requests | distinct networks | inter-arrival CV | total isolated time (s) | mean isolated time (ms) | p50 / p99 isolated (ms) |")
  say("|---|---|---|---|---|---|---|---|")
  local iso_p99, cvs = {}, {}
  for _, r in ipairs(q([[SELECT tenant, priority, count(*) AS n, count(DISTINCT network) AS nets,
                                sum(isolated_ns) / 1e9 AS work, avg(isolated_ns) / 1e6 AS mean
                         FROM tasks WHERE run_id = ? GROUP BY tenant, priority ORDER BY tenant]], one)) do
    local pct = q([[SELECT
        (SELECT isolated_ns FROM tasks WHERE run_id = ?1 AND tenant = ?2 ORDER BY isolated_ns
         LIMIT 1 OFFSET (SELECT (count(*) - 1) / 2 FROM tasks WHERE run_id = ?1 AND tenant = ?2)) / 1e6 AS p50,
        (SELECT isolated_ns FROM tasks WHERE run_id = ?1 AND tenant = ?2 ORDER BY isolated_ns
         LIMIT 1 OFFSET (SELECT (99 * count(*)) / 100 FROM tasks WHERE run_id = ?1 AND tenant = ?2)) / 1e6 AS p99]],
      one, r.tenant)[1]
    -- population sd / mean of the gaps between the tenant's arrivals (time scaling keeps it)
    local cv = q([[SELECT sqrt(max(0, avg(g * g) - avg(g) * avg(g))) / avg(g) AS cv
                   FROM (SELECT 1.0 * (arrival_ns - lag(arrival_ns) OVER (ORDER BY arrival_ns, task_id)) AS g
                         FROM tasks WHERE run_id = ?1 AND tenant = ?2) WHERE g IS NOT NULL]], one, r.tenant)[1]
    iso_p99[r.tenant], cvs[r.tenant] = pct.p99, cv.cv
    say("| %s | %d | %d | %d | %s | %s | %s | %s / %s |", r.tenant, r.priority, r.n, r.nets, fmt(cv.cv),
        fmt(r.work, 1), fmt(r.mean, 1), fmt(pct.p50, 1), fmt(pct.p99, 1))
  end
  local all = q([[SELECT count(DISTINCT network) AS nets, (max(arrival_ns) - min(arrival_ns)) / 1e9 AS span
                  FROM tasks WHERE run_id = ?]], one)[1]
  say("")
  say("%d distinct networks in all. **Load.** The script time-scales the merged trace", all.nets)
  say("(`schedlab trace scale --load L --device %s`) so that the sum of the requests'", DEVICE)
  say("isolated times over the trace's span is L: the hour of arrivals is stretched, bursts and")
  say("silences keep their shape relative to it. The table gives each load's span and the GPU")
  say("utilization NP-FCFS measured.")
  say("")
  say("| load | span of the arrivals (min) | utilization (NP-FCFS) |")
  say("|---|---|---|")
  for _, r in ipairs(q([[SELECT CAST(rs.var_load AS REAL) AS l,
                                (SELECT (max(arrival_ns) - min(arrival_ns)) / 6e10 FROM tasks t
                                 WHERE t.run_id = rs.run_id) AS span, rs.utilization AS u
                         FROM run_summary rs WHERE rs.var_study = 'load' AND rs.policy = 'np_fcfs'
                           AND rs.run_id IN (]] .. RUNS .. ") ORDER BY l")) do
    say("| %s | %s | %s |", fmt(r.l), fmt(r.span, 2), fmt(r.u, 3))
  end
  say("")

  say("## Requests as networks, and what the buckets cost")
  say("")
  say("A request with P prompt tokens that generates G tokens is `gpt2_small[prompt=P,gen=G]`:")
  say("one prefill of P tokens, then G decode steps, each attending to the KV cache so far")
  say("(traces/networks/README.md). Every distinct network is compiled once per run, and on a")
  say("GPU preset a decode step is a few hundred kernels, so compile time and memory grow with")
  say("the sum of G over the distinct networks: exact token counts (nearly one network per")
  say("request) or even the round-64/16 buckets of the shipped `azure_llm` spec (over a thousand")
  say("networks in the hour) are too many. `experiments/real_traces/azure_tenants.fmt` rounds P up to a power of two")
  say("(`attr prompt = ctx bits 1`) and G up to two significant binary digits (`attr gen = out")
  say("bits 2`: 1, 2, 3, 4, 6, 8, 12, 16, 24, ...): bounded relative errors (P: < 100%%, G: < 50%%)")
  say("with a few values per octave.")
  say("")
  say("What that changes is measured, not assumed: a sample of the requests (every %s-th row of",
      set == "fixture" and "4" or "200")
  say("each file) is replayed once bucketed and once exact (`azure_exact.fmt`), and each request's")
  say("isolated time on `%s` compared (bucketed / exact - 1):", DEVICE)
  say("")
  say("| tenant | requests | mean error | largest error | error of the total work | mean error in tokens: prompt / generated |")
  say("|---|---|---|---|---|---|")
  local berr = q([[
    WITH b AS (SELECT t.* FROM tasks t JOIN run_summary rs ON rs.run_id = t.run_id
               WHERE rs.var_study = 'buckets' AND rs.var_mapping = 'bucketed' AND rs.run_id IN (]] .. RUNS .. [[)),
         x AS (SELECT t.* FROM tasks t JOIN run_summary rs ON rs.run_id = t.run_id
               WHERE rs.var_study = 'buckets' AND rs.var_mapping = 'exact' AND rs.run_id IN (]] .. RUNS .. [[)),
         j AS (SELECT b.tenant, 1.0 * b.isolated_ns / x.isolated_ns - 1 AS err, b.isolated_ns AS bi,
                      x.isolated_ns AS xi, b.network AS bn, x.network AS xn
               FROM b JOIN x ON x.task_id = b.task_id)
    SELECT tenant, count(*) AS n, avg(err) AS mean, max(err) AS mx, 1.0 * sum(bi) / sum(xi) - 1 AS total,
      avg(1.0 * CAST(substr(bn, instr(bn, 'prompt=') + 7) AS INTEGER)
              / max(1, CAST(substr(xn, instr(xn, 'prompt=') + 7) AS INTEGER)) - 1) AS ep,
      avg(CASE WHEN CAST(substr(xn, instr(xn, 'gen=') + 4) AS INTEGER) > 0
          THEN 1.0 * CAST(substr(bn, instr(bn, 'gen=') + 4) AS INTEGER)
               / CAST(substr(xn, instr(xn, 'gen=') + 4) AS INTEGER) - 1 END) AS eg
    FROM j GROUP BY tenant ORDER BY tenant]])
  for _, r in ipairs(berr) do
    say("| %s | %d | %s%% | %s%% | %s%% | %s%% / %s%% |", r.tenant, r.n, fmt(100 * r.mean, 1), fmt(100 * r.mx, 1),
        fmt(100 * r.total, 1), fmt(100 * r.ep, 0), fmt(100 * r.eg, 0))
  end
  if #berr == 0 then say("| (no runs of the buckets study) | | | | | |") end
  say("")
  say("Every error is >= 0 (the buckets round up), so the bucketed trace is a little more work")
  say("than the real one; the load axis is computed on the bucketed work, so the loads are")
  say("exact for what is simulated. The error in time is far below the error in prompt tokens")
  say("because on the GPU presets a request's time is dominated by its decode steps, each about")
  say("one launch-bound pass over the model whatever the prompt: the prompt matters only through")
  say("the prefill and the KV-cache reads.")
  say("")

  say("## Tail latency against load")
  say("")
  say("p50 and p99 latency (arrival to finish, seconds) per tenant; one run per point (the trace")
  say("is the trace: there is no seed to vary).")
  say("")
  say("| load | policy | code p50 | code p99 | conv p50 | conv p99 |")
  say("|---|---|---|---|---|---|")
  for _, l in ipairs(loads) do
    for _, pol in ipairs(POLICIES) do
      local a, b = (p50[l] or {})[pol] or {}, (p99[l] or {})[pol] or {}
      if b.code or b.conv then
        say("| %s | %s | %s | %s | %s | %s |", fmt(l), NAMES[pol], fmt(a.code and a.code / 1e9, 3),
            fmt(b.code and b.code / 1e9, 3), fmt(a.conv and a.conv / 1e9, 3), fmt(b.conv and b.conv / 1e9, 3))
      end
    end
  end
  say("")

  -- What it shows, as conditions on the measured numbers.
  local hi, lo = loads[#loads], loads[1]
  local function get(t, l, pol, ten) return ((t[l] or {})[pol] or {})[ten] end
  say("## What it shows")
  say("")
  local f_code, h_code = get(p99, hi, "np_fcfs", "code"), get(p99, hi, "p_hpf", "code")
  local n_code = get(p99, hi, "np_hpf", "code")
  local f_conv, h_conv = get(p99, hi, "np_fcfs", "conv"), get(p99, hi, "p_hpf", "conv")
  local s_code, s_conv = get(p99, hi, "sjf", "code"), get(p99, hi, "sjf", "conv")
  if f_code and h_code and f_conv and h_conv and h_code < f_code then
    say("- **Priority protects the high-priority tenant's tail.** At load %s, `code`'s p99 is", fmt(hi))
    say("  %s s under NP-FCFS, %s s under NP-HPF and %s s under P-HPF (%sx lower than NP-FCFS).",
        fmt(f_code / 1e9, 3), fmt(n_code and n_code / 1e9, 3), fmt(h_code / 1e9, 3), fmt(f_code / h_code, 1))
    say("  `conv` pays for it: its p99 goes from %s s (NP-FCFS) to %s s (P-HPF).", fmt(f_conv / 1e9, 3),
        fmt(h_conv / 1e9, 3))
    local fl, hl = get(p99, lo, "np_fcfs", "code"), get(p99, lo, "p_hpf", "code")
    if fl and hl then
      say("  From load %s to %s `code`'s p99 grows x%s under NP-FCFS and x%s under P-HPF: under", fmt(lo),
          fmt(hi), fmt(f_code / fl, 1), fmt(h_code / hl, 1))
      say("  P-HPF it queues only behind other `code` requests (its own share of the load) and the")
      say("  kernel it preempts at.")
    end
  end
  if s_code and s_conv and f_code and f_conv and s_code < f_code and s_conv > f_conv then
    say("- **SJF** (by isolated time, known exactly here) at load %s: `code` p99 %s s, `conv` p99 %s s", fmt(hi),
        fmt(s_code / 1e9, 3), fmt(s_conv / 1e9, 3))
    say("  (NP-FCFS: %s s and %s s). `code` requests are short, so SJF favours them without being told",
        fmt(f_code / 1e9, 3), fmt(f_conv / 1e9, 3))
    say("  their priority; its tail for the longest `conv` requests is the price.")
  end
  local hl = get(p99, lo, "p_hpf", "code")
  if hl and iso_p99.code and cvs.code and cvs.conv then
    say("- **A tenant's own bursts.** Even with the GPU all its own (P-HPF: `conv` yields at the next")
    say("  preemption point), `code`'s p99 at load %s is %s s, %sx its own p99 isolated time (%s ms):",
        fmt(lo), fmt(hl / 1e9, 3), fmt(hl / 1e6 / iso_p99.code, 1), fmt(iso_p99.code, 1))
    say("  its requests arrive in bursts (inter-arrival CV %s, against %s for `conv`) and queue", fmt(cvs.code),
        fmt(cvs.conv))
    say("  behind each other.")
  end
  say("")
  local every = set == "fixture" and 4 or 200
  local rec_load = q(string.format([[SELECT %d.0 * sum(isolated_ns) / (max(arrival_ns) - min(arrival_ns)) AS l FROM tasks t
                       JOIN run_summary rs ON rs.run_id = t.run_id
                       WHERE rs.var_study = 'buckets' AND rs.var_mapping = 'bucketed' AND rs.run_id IN (]]
                     .. RUNS .. ")", every))[1].l
  say("## Limits")
  say("")
  say("- **Single-request model.** Each request runs its prefill and all its decode steps alone;")
  say("  there is no iteration-level (continuous) batching of decode steps across requests, no")
  say("  paged or shared KV cache, no prefill/decode split (Splitwise's own subject). A real")
  say("  server batches decode steps and serves far more requests per GPU: as recorded, the")
  say("  trace offers about %s times one `%s`'s single-request capacity (the sampled requests'",
      fmt(rec_load, 1), DEVICE)
  say("  bucketed work times the sampling step, over their span), which is why it is %s",
      (rec_load or 0) > 1 and "stretched" or "compressed")
  say("  in time rather than replayed as recorded.")
  say("- **GPT-2 small stands in for the services' models** (not disclosed; far larger). Prompts")
  say("  longer than GPT-2's 1,024-token window are computed as if the model had positions for")
  say("  them. Absolute times are GPT-2 small's on the `%s` model (docs/gpu_model.md), where a", DEVICE)
  say("  decode step is bound by kernel launches; relative sizes of requests come from the trace.")
  say("- **Buckets** add work, measured above on a sample.")
  say("- **Priorities** are this experiment's choice; the traces carry none.")
  say("- **Time scaling** stretches the arrival process uniformly; it keeps the trace's shape")
  say("  but not its absolute rates.")
  say("")
  return table.concat(out, "\n")
end

return P
