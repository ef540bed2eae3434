-- Run limits from an experiment file's fixed keys (np_fcfs needs 6 events
-- on trace.csv, p_hpf 8).
return {
  name = "limits",
  grid = { policy = {"np_fcfs", "p_hpf"} },
  fixed = {
    device = "profile:../profile.csv", ["device.bandwidth_gbps"] = 4,
    trace = "trace.csv",
    ["limit.max_events"] = 6, ["limit.max_sim_time_ns"] = 20000, ["limit.max_wall_ms"] = 60000,
  },
}
