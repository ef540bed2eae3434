-- Test fixture: enough runs of some length to kill a sweep in the middle.
return {
  name = "many",
  grid = { policy = {"np_fcfs", "sjf", "p_hpf"}, seed = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20} },
  fixed = {
    device = "profile:tests/cases/profile.csv",
    ["trace.gen"] = "poisson", ["trace.n"] = 100000, ["trace.load"] = 0.8,
    ["trace.networks"] = {"A", "B", "C"}, ["trace.priorities"] = {1, 3, 9},
  },
}
