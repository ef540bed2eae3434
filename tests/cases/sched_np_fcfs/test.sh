# NP-FCFS (sched-1). A runs 0-4000; at 4000 the queue holds B@500, C@1000,
# B@2000, served in arrival order: B 4000-5000, C 5000-11000, B 11000-12000.
# Metrics by hand: T = 4000, 4500, 10000, 10000; NTT = 1, 4.5, 10/6, 10.
#   antt = (1 + 4.5 + 1.666666667 + 10) / 4 = 4.291666667
#   stp  = 1 + 1/4.5 + 0.6 + 0.1 = 1.922222222;  mean_np = 0.4805555556
#   sla_1 = 1/4, sla_2 = 2/4 (1, 1.67), sla_5 = 3/4 (4.5), sla_9 = 3/4, sla_10 = 4/4
#   nearest rank of sorted T (4000 4500 10000 10000): p50 = x2 = 4500, p95 = x4 = 10000
#   p50_ntt = x2 of (1, 1.667, 4.5, 10) = 1.666666667; max_ntt = 10
#   fairness = min(NP/p) / max(NP/p) = (0.2222/9) / (1/1) = 0.02469135802
#   makespan 12000, throughput 4 / 12 us = 333333.3333 req/s, utilization 12000/12000 = 1
#   class 1 (A, C, B@2000): antt = (1 + 1.666666667 + 10) / 3 = 4.222222222
#   class 9 (B@500): antt = 4.5, stp = 0.2222222222, p99_latency = 4500
run_ok --trace trace.csv --policy np_fcfs
tasks
metric all antt stp mean_np sla_1 sla_2 sla_5 sla_9 sla_10 p50_latency_ns p95_latency_ns \
  p99_latency_ns max_latency_ns p50_ntt max_ntt fairness makespan_ns throughput_rps utilization \
  preemptions overhead_ns count
metric 1 antt count
metric 9 antt stp p99_latency_ns
