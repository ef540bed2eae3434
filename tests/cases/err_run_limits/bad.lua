-- An experiment file whose limit is out of range.
return {
  name = "limits_bad",
  grid = { policy = {"np_fcfs"} },
  fixed = {
    device = "profile:../profile.csv",
    trace = "trace.csv",
    ["limit.max_events"] = 0,
  },
}
