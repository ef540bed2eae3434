-- An experiment file with a misspelt limit.
return {
  name = "limits_typo",
  grid = { policy = {"np_fcfs"} },
  fixed = {
    device = "profile:../profile.csv",
    trace = "trace.csv",
    ["limit.max_eventz"] = 5,
  },
}
