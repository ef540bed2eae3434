# P-HPF with CHECKPOINT (sched-2). A (prio 1) runs from 0. B (prio 9) arrives
# at 1500: A is in layer a2 (1000-3000), so it runs on to the boundary at
# 3000, then saves the 8000 bytes live after a2 at 4 GB/s: 2000 ns, to 5000.
# C (prio 9) arrives at 1600 during the switch: no decision until 5000.
# B runs 5000-6000 (C has equal priority: no preemption). C 6000-12000.
# A restores 2000 ns (12000-14000) and runs its last 1000 ns: done at 15000.
# A: 1 preemption, overhead 2000 save + 2000 restore = 4000.
# checkpoints: 1; utilization: busy 4000+1000+6000 = 11000 over makespan 15000.
# Preemption latency: decided at 1500, B starts at 5000: 3500 ns.
run_ok --trace trace.csv --policy p_hpf
tasks
metric all checkpoints kills drains overhead_ns utilization checkpoint_latency_ns
metric 1 preemptions overhead_ns
metric 9 preemptions
