-- Benchmark fixture: 10,000 small runs (20 requests each), to measure the
-- per-run cost of a sweep: Lua state, trace, database transaction.
local seeds = {}
for i = 1, 10000 do seeds[i] = i end
return {
  name = "bench_small",
  grid = { seed = seeds },
  fixed = {
    policy = "np_fcfs",
    device = "profile:../cases/profile.csv",  -- relative to this file
    ["trace.gen"] = "poisson", ["trace.n"] = 20, ["trace.load"] = 0.7,
    ["trace.networks"] = {"A", "B", "C"},
  },
}
