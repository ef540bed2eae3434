-- An experiment file with a misspelt limit.
return {
  name = "limits_typo",
  grid = { policy = {"np_fcfs"} },
  fixed = {
    device = "profile:tests/cases/profile.csv",
    trace = "tests/cases/err_run_limits/trace.csv",
    ["limit.max_eventz"] = 5,
  },
}
