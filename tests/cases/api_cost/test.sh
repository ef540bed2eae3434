# sim.cost (api-5): latency, save, restore, wasted, in ns. The schedule of
# sched-2: A (4000 ns: a1 1000, a2 2000, a3 1000; 8000 B live after a2) runs;
# B (prio 9) arrives at 1500.
#  t=1500  A at 1500 in a2: checkpoint runs on 1500 ns to the boundary at 3000
#          and saves 8000 B at 4 GB/s = 2000: latency 3500, save 2000, restore
#          2000 later; kill stops at once and loses 1500; drain waits 2500.
#          B waits, fresh: resuming costs nothing.
#  t=5000  B starts (the switch ended): it is on its first boundary, so every
#          stop is immediate and free; drain waits its 1000. A holds a
#          checkpoint: resuming costs its 2000 ns restore. C, fresh: 0.
run_ok --trace trace.csv --policy policy.lua --log "$DB.log"
tr '\t' ' ' < "$DB.log"
