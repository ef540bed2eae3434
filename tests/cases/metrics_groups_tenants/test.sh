# Busy-period groups and tenant classes (docs/metrics.md), NP-FCFS.
# Isolated: A 4000, B 1000, C 6000 ns. Busy periods of the offered work:
#   A@0 opens period 1, backlog to 4000; B@1000 < 4000 joins it, backlog 5000.
#   C@5000 arrives as that backlog ends (5000 >= 5000): period 2, backlog 11000;
#   B@6000 joins (12000), A@8000 joins (16000). groups = 2.
# Schedule: A 0-4000, B 4000-5000 | C 5000-11000, B 11000-12000, A 12000-16000.
#   T:   A 4000, B 4000 | C 6000, B 6000, A 8000
#   NTT: 1, 4 | 1, 6, 2        NP: 1, 1/4 | 1, 1/6, 1/2
# STP per period: 1.25 and 5/3; stp = mean = (30/24 + 40/24) / 2 = 35/24 = 1.45833333
#   mean_np = (70/24) / 5 = 7/12 = 0.583333333; antt = 14/5 = 2.8
# fairness per period, min(NP/p) / max(NP/p):
#   period 1: NP/p = 1 (A, p1), 1/12 (B, p3) -> 1/12
#   period 2: NP/p = 1 (C), 1/6 (B, p1), 1/6 (A, p3) -> 1/6
#   fairness = (1/12 + 1/6) / 2 = 1/8 = 0.125
# deadlines: A@0 5000 met (4000), B@1000 4500 missed (5000), B@6000 13000 met (12000)
#   miss rate all = 1/3
# tenant:x = A@0, C@5000, A@8000: count 3, T 4000 6000 8000, NTT 1 1 2
#   antt 4/3, mean_np 2.5/3 = 0.833333333, stp (its share of the mean) 2.5/2 = 1.25,
#   p50_latency = x2 = 6000, p99_latency = x3 = 8000, sla_1 2/3, sla_2 1, miss 0/1 = 0
# tenant:y = B@1000, B@6000: count 2, T 4000 6000, NTT 4 6
#   antt 5, mean_np (1/4 + 1/6) / 2 = 5/24 = 0.208333333, stp (5/12) / 2 = 0.208333333,
#   p50_latency = x1 = 4000, p99_latency = x2 = 6000, sla_4 1/2, sla_6 1, miss 1/2
run_ok --trace trace.csv --policy np_fcfs
tasks
metric all groups stp mean_np antt fairness deadline_miss_rate
metric tenant:x count antt mean_np stp p50_latency_ns p99_latency_ns sla_1 sla_2 deadline_miss_rate
metric tenant:y count antt mean_np stp p50_latency_ns p99_latency_ns sla_4 sla_6 deadline_miss_rate
# The same requests labelled as one workload: one group of five.
#   stp = 70/24 = 2.91666667; fairness = min 1/12 / max 1 = 0.0833333333
run_ok --trace trace_wl.csv --policy np_fcfs
metric all groups stp mean_np fairness
