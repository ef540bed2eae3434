local v = {}
for i = 1, 100 do v[i] = i end
return {
  grid = { ["var.a"] = v, ["var.b"] = v, ["var.c"] = v, ["var.d"] = v, ["var.e"] = v },
  fixed = { policy = "np_fcfs", device = "profile:tests/cases/profile.csv",
            trace = "tests/fuzz/policy_trace.csv" },
}
