# DRAIN (sched-4). As sched-2, but preempt=drain: the decision at 1500 (B)
# and again at 1600 (C) leaves A running, two drains. A 0-4000; then the
# highest priority, earliest arrival: B 4000-5000, C 5000-11000.
# Drain latency (what A still had to run): 2500 at 1500, 2400 at 1600; mean 2450.
run_ok --trace trace.csv --policy p_hpf --param preempt=drain
tasks
metric all drains preemptions overhead_ns drain_latency_ns drain_latency_max_ns
