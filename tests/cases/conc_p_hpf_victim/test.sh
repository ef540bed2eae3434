# Preemptive priority on K = 2 exclusive units, choosing its victim: the
# worst-priority holder (policy.lua; sim.running(u) names the holder of u,
# during a preemption the incoming request). Checkpoints at 4 GB/s: A saves
# 8000 B after a2 = 2000 ns, C 1000 B after c1 = 250 ns; restore = save.
#  0     C (prio 3) is best: unit 1; then A (prio 1): unit 2.
#  1500  B9 arrives, no room: holders C 3 (unit 1), A 1 (unit 2); the worst
#        is A: B9 preempts unit 2. A is at 1500 in a2 (1000-3000): runs on
#        to 3000, saves 2000 ns to 5000; B9 (fresh, no restore) starts 5000.
#  1600  B5 arrives: holders C 3 (unit 1), B9 (incoming on unit 2): the
#        worst is C, and 5 > 3: B5 preempts unit 1. C is at 1600 in c1
#        (0-3000): runs on to 3000, saves 250 to 3250; B5 runs 3250-4250.
#  3250  C is ready again; holders B5, B9 are better: nothing.
#  4250  B5 done; unit 1 has room; A is still saving (until 5000), so C is
#        the only ready request: restores 250 (to 4500), runs its last 3000:
#        done 7500, on unit 1 again (no migration).
#  5000  A leaves unit 2, B9 runs 5000-6000. A (1) is worse than both holders.
#  6000  B9 done: A on unit 2 (the only room): restores 2000 (to 8000), runs
#        its last 1000: done 9000, no migration.
# C: 1 preemption, overhead 250 + 250; A: 1, 2000 + 2000. Two checkpoints.
run_ok --trace trace.csv --policy policy.lua --device-param units=2
ctasks
metric all checkpoints kills drains
