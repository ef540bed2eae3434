# sim.stop (FIKIT support) on the shared profile table (A: a1 1000, a2 2000
# with 8000 bytes live after it, a3 1000; B: 1000 in all; 4 GB/s: B/4 ns).
# timer: at 1500 A is in a2 (1000-3000): it runs on to 3000, saves 8000
#   bytes (2000 ns) and leaves at 5000, its unit left empty meanwhile (B
#   waits: no room). on_preempted(A, checkpoint) at 5000; FCFS takes A again
#   (arrival 0 before B's, trace order): restore 2000 (5000-7000), a3
#   7000-8000. B 8000-9000. A: 1 preemption, overhead 2000 + 2000.
# kill_after: A placed at 0 and stopped by KILL after segment 1: at 1000 it
#   leaves with its 1000 ns of progress discarded (wasted), no save; again
#   first in line, it restarts: 1000-5000. B 5000-6000.
: >"$DB.log"
run_ok --trace trace.csv --policy policy.lua --log "$DB.log"
tasks
cat "$DB.log"
: >"$DB.log"
run_ok --trace trace.csv --policy policy.lua --param mode=kill_after --log "$DB.log"
tasks
cat "$DB.log"
