-- Test fixture: one policy fails at run time, one input is bad; the others run.
return {
  name = "broken",
  grid = { policy = {"np_fcfs", "tests/sweep/fails.lua"}, seed = {1, 2} },
  fixed = {
    device = "profile:tests/cases/profile.csv",
    ["trace.gen"] = "poisson", ["trace.n"] = 40, ["trace.load"] = 0.5,
    ["trace.networks"] = {"A", "B"},
  },
}
