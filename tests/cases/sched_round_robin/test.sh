# Round-robin, quantum 1000 ns, ticks at 1000, 2000, ... (sched-6).
# Queue order A, B, C (simultaneous arrivals keep trace order). A runs 0.
#  1000 tick: A is exactly at the a1/a2 boundary: stops at once, saves
#        4000 B = 1000 ns; B starts at 2000. A goes to the tail.
#  2000 tick: B started at this very instant: it keeps its turn.
#  3000: B completes (completion before the tick); head is C: runs 3000.
#  4000 tick: C at 1000 in c1 runs on to its boundary at 3000 (t=6000),
#        saves 1000 B = 250 (6250); A restores 1000 (7250). C to the tail.
#  5000-7000 ticks fall inside the switch: no decision.
#  8000 tick: A at 1750 in a2 runs on to 3000 (t=9250), saves 8000 B =
#        2000 (11250); C restores 250: runs from 11500.
#  12000, 13000, 14000 ticks: C is in its last layer, so each preemption
#        turns into a drain (3 drains); C completes at 11500 + 3000 = 14500.
#  14500: A restores 2000 (16500) and runs its last 1000: done at 17500.
# A: 2 preemptions, overhead 1000+1000+2000+2000 = 6000. C: 1, 250+250 = 500.
run_ok --trace trace.csv --policy p_fcfs --param quantum=1us
tasks
metric all drains checkpoints
