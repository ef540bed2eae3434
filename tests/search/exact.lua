-- Test fixture (tests/t_search.sh): a rate search whose answer is exact.
-- One periodic task of network B (1000 ns alone on the golden-case profile)
-- at utilization U: a release every 1000 / U ns, each served in exactly
-- 1000 ns. Without queueing every request takes exactly its isolated time
-- (max_ntt = 1); that holds iff the period is at least the service time,
-- iff U <= 1. The search for max_ntt <= 1 must find U* = 1.
return {
  name = "exact",
  grid = { policy = {"np_fcfs", "sjf"} },
  fixed = {
    device = "profile:../cases/profile.csv",
    ["trace.gen"] = "periodic",
    ["trace.tasks"] = 1,
    ["trace.networks"] = {"B"},
    ["trace.horizon"] = "20us",
  },
  search = { key = "trace.utilization", values = {0.25, 0.5, 0.75, 1.25, 1.5},
             metric = "max_ntt", at_most = 1, tol = 0.01 },
  -- Quick: no value passes, so there is nothing to bisect.
  quick = { grid = { policy = {"np_fcfs"} }, search = { values = {1.25, 1.5} } },
}
