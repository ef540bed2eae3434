return {
  grid = { policy = {"np_fcfs"} },
  fixed = { device = "profile:tests/cases/profile.csv", trace = "tests/fuzz/policy_trace.csv" },
  derive = function(p) while true do end end,
}
