-- Test fixture: a second experiment written into the same database concurrently.
return {
  name = "other",
  grid = { policy = {"np_fcfs", "edf"}, seed = {1, 2, 3, 4, 5, 6, 7, 8} },
  fixed = {
    device = "profile:tests/cases/profile.csv",
    ["trace.gen"] = "uniform", ["trace.n"] = 3000, ["trace.load"] = 0.9, ["trace.slack"] = 3,
    ["trace.networks"] = {"A", "C"},
  },
}
