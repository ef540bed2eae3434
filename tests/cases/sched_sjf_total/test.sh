# SJF on total time (sched-5.2). C (total 6000) runs from 0. At 2500 A
# (total 4000 < 6000) preempts it: C is in c1 (0-3000), stops at 3000, saves
# 1000 bytes: 250 ns; A runs from 3250. At 4000 B (total 1000 < 4000)
# preempts A: A is at 750 in a1 (0-1000), stops at 4250, saves 4000 bytes:
# 1000 ns; B runs 5250-6250. Then the smaller total: A restores 1000 ns
# (6250-7250) and runs its remaining 3000: 10250. C restores 250 ns
# (10250-10500) and runs its remaining 3000: 13500.
run_ok --trace trace.csv --policy sjf --param key=total
tasks
metric all checkpoints overhead_ns
