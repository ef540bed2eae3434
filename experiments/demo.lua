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

-- A metric of one class against the offered load: mean over seeds and its
-- 95% interval (lo/hi stay inside the metric's domain: see policy_summary).
local function vs_load(metric, class, scale)
  return [[SELECT trace_load AS load, mean / ]] .. scale .. [[ AS value,
                  lo / ]] .. scale .. [[ AS lo, hi / ]] .. scale .. [[ AS hi, n, policy
           FROM policy_summary
           WHERE experiment = 'demo' AND metric = ']] .. metric .. [[' AND class = ']] .. class .. [['
           ORDER BY policy, load]]
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
    device = "profile:../traces/profiles/h100_torchvision.csv",
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
      kind = "line", title = "Mean normalized turnaround vs load",
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
      style = "set yrange [0:1.02]",
      sql = [[SELECT CAST(substr(metric, 5) AS INTEGER) AS target, mean AS share, lo, hi, n, policy
              FROM policy_summary
              WHERE experiment = 'demo' AND metric GLOB 'sla_*' AND class = 'all' AND trace_load = 0.9
              ORDER BY policy, target]],
    },
    latency_cdf = {
      kind = "cdf", title = "Latency distribution at load 0.9 (seed 1)",
      xlabel = "turnaround (ms)",
      sql = [[SELECT (t.finish_ns - t.arrival_ns) / 1e6 AS latency_ms, r.policy
              FROM tasks t JOIN run_summary r USING (run_id)
              WHERE r.experiment = 'demo' AND r.seed = 1 AND r.trace_load = 0.9
                AND r.run_id IN (SELECT run_id FROM run_metrics WHERE metric = 'count' AND class = 'all')
              ORDER BY r.policy]],
    },
  },
}
