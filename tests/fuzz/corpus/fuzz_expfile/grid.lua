-- Test fixture: grid expansion with derive and filter on the golden-case profile.
return {
  name = "grid",
  grid = {
    policy = {"np_fcfs", "p_hpf", "sjf"},
    ["trace.load"] = {0.3, 0.6},
    seed = {1, 2},
  },
  fixed = {
    device = "profile:tests/cases/profile.csv",
    ["device.bandwidth_gbps"] = 4,
    ["trace.gen"] = "poisson",
    ["trace.n"] = 50,
    ["trace.networks"] = {"A", "B", "C"},
    ["trace.priorities"] = {1, 9},
  },
  derive = function(p)
    if p.policy == "sjf" then p["param.key"] = "total" end
    p["var.pair"] = p.policy .. "@" .. p["trace.load"]
    return p
  end,
  filter = function(p) return not (p.policy == "p_hpf" and p["trace.load"] == 0.3) end,
  baseline = "np_fcfs",
  quick = { grid = { seed = {1} } },
  figures = {
    antt = { kind = "line", xlabel = "load", ylabel = "ANTT",
             sql = [[SELECT CAST(substr(point, instr(point, 'trace.load=') + 11, 3) AS REAL) AS load,
                            mean AS antt, ci95, policy
                     FROM policy_summary WHERE metric = 'antt' AND class = 'all'
                     ORDER BY policy, load]] },
    stp = { kind = "bar", ylabel = "STP", sql = [[SELECT policy, avg(value) FROM run_metrics
                                                  WHERE metric = 'stp' AND class = 'all' GROUP BY policy]] },
  },
  report = function(q)
    local rows = q("SELECT policy, count(*) AS n FROM runs WHERE experiment = ? GROUP BY policy ORDER BY policy", "grid")
    local out = {"# grid report", ""}
    for _, r in ipairs(rows) do out[#out + 1] = string.format("- %s: %d runs", r.policy, r.n) end
    return table.concat(out, "\n") .. "\n"
  end,
}
