-- demo — the default experiment `make demo` runs: six scheduling policies on
-- the measured H100 profile (seven torchvision models at batch 1, 4 and 16,
-- fp16), under Poisson arrivals at three loads, three seeds each. Each run
-- replays 1500 requests from three tenants of priority 1, 3 and 9.
--
-- What to look for: preemptive policies (p_hpf, sjf, p_fcfs) trade the
-- low-priority tail for the high-priority one; SJF minimises ANTT; every
-- policy degrades as the load approaches 1.

local networks = {"resnet50", "resnet18", "vgg16", "alexnet", "mobilenet_v2", "googlenet",
                  "efficientnet_b0"}

-- load=0.9 as text once, for the SQL of the figures below
local HIGH = "trace.load=0.9"

-- A metric of one class against the offered load: mean and 95% CI over seeds.
local function vs_load(metric, class, scale)
  return [[SELECT CAST(p.value AS REAL) AS load, s.mean / ]] .. scale .. [[ AS value,
                  s.ci95 / ]] .. scale .. [[ AS ci95, s.policy
           FROM policy_summary s
           JOIN (SELECT DISTINCT point, value FROM runs JOIN params USING (run_id)
                 WHERE name = 'trace.load') p ON p.point = s.point
           WHERE s.experiment = 'demo' AND s.metric = ']] .. metric .. [[' AND s.class = ']] .. class .. [['
           ORDER BY s.policy, load]]
end

return {
  name = "demo",
  description = "six policies x three loads x three seeds on the H100 torchvision profile",
  grid = {
    policy = {"np_fcfs", "p_fcfs", "np_hpf", "p_hpf", "sjf", "edf"},
    ["trace.load"] = {0.5, 0.7, 0.9},
    seed = {1, 2, 3},
  },
  fixed = {
    device = "profile:traces/profiles/h100_torchvision.csv",
    -- A preempted request's activations stay in the H100's HBM; a checkpoint
    -- copies them aside at about half the 3 TB/s (read + write) the card
    -- measured, rather than across PCIe (the profile device's default).
    ["device.bandwidth_gbps"] = 1500,
    ["trace.gen"] = "poisson",
    ["trace.n"] = 1500,
    ["trace.networks"] = networks,
    ["trace.batches"] = {1, 4, 16},
    ["trace.priorities"] = {1, 3, 9},
    ["trace.slack"] = 10,              -- deadline = arrival + 10 x isolated time (for EDF)
  },
  baseline = "np_fcfs",
  metrics = {"antt", "stp", "p99_latency_ns", "sla_5", "deadline_miss_rate"},
  quick = { grid = { seed = {1}, ["trace.load"] = {0.5, 0.9} }, fixed = { ["trace.n"] = 300 } },

  figures = {
    antt_vs_load = {
      kind = "line", title = "Mean normalized turnaround vs load (95% CI over seeds)",
      xlabel = "offered load (work / capacity)", ylabel = "ANTT (turnaround / isolated time)",
      sql = vs_load("antt", "all", 1),
    },
    p99_high_priority = {
      kind = "line", title = "p99 latency of priority-9 requests vs load",
      xlabel = "offered load (work / capacity)", ylabel = "p99 latency, priority 9 (ms)",
      sql = vs_load("p99_latency_ns", "9", 1e6),
    },
    sla_at_high_load = {
      kind = "line", title = "SLA satisfaction at load 0.9: share with turnaround <= N x isolated",
      xlabel = "SLA target N", ylabel = "share of requests meeting it",
      style = "set yrange [0:1.05]",
      sql = [[SELECT CAST(substr(metric, 5) AS INTEGER) AS n, mean AS share, ci95, policy
              FROM policy_summary
              WHERE experiment = 'demo' AND metric LIKE 'sla_%' AND class = 'all'
                AND point LIKE '%]] .. HIGH .. [[%'
              ORDER BY policy, n]],
    },
    latency_cdf = {
      kind = "cdf", title = "Latency distribution at load 0.9 (seed 1)",
      xlabel = "turnaround (ms)",
      sql = [[SELECT (t.finish_ns - t.arrival_ns) / 1e6 AS latency_ms, r.policy
              FROM tasks t JOIN runs r USING (run_id)
              WHERE r.experiment = 'demo' AND r.seed = 1 AND r.point LIKE '%]] .. HIGH .. [[%'
              ORDER BY r.policy]],
    },
  },
}
