# A victim on a pool (capacity=4; share 2 = rate 1/2, exactly 2^31 in Q32).
# The victim runs on to its preemption point and saves; its share is freed
# when its switch ends, and the incoming request takes it (its share must
# fit in the free capacity plus the victim's). policy.lua: share 2 each,
# the best preempts the worst-priority running holder.
#  0     A (prio 2) is best: share 2; room 2: C (prio 1) share 2. Both 1/2.
#  1000  B9: room 0; the worst holder is C (at 500 in c1, 0-3000): it runs
#        on at 1/2 to 3000 (2500 to go: t = 6000), saves 1000 B at 4 GB/s =
#        250 ns to 6250, leaves; B (no restore) runs from 6250 at 1/2:
#        1000 -> done 8250.
#  6250  C ready; room 0; C (1) is worse than A (2) and B (9): it waits.
#  8000  A done (4000 at 1/2). Room 2: C restores 250 (to 8250), runs its
#        last 3000 at 1/2: 6000 -> done 14250.
# C: 1 preemption, overhead 250 + 250.
run_ok --trace trace.csv --policy policy.lua --device-param capacity=4
ctasks
metric all checkpoints
