-- An experiment file whose limit is out of range.
return {
  name = "limits_bad",
  grid = { policy = {"np_fcfs"} },
  fixed = {
    device = "profile:tests/cases/profile.csv",
    trace = "tests/cases/err_run_limits/trace.csv",
    ["limit.max_events"] = 0,
  },
}
