# SJF on remaining time (sched-5.1). C (6000) runs from 0. At 2500 A (4000)
# arrives: C has 3500 left < 4000, C keeps running. At 4000 B (1000)
# arrives: C has 2000 left > 1000, so SJF preempts C with CHECKPOINT -- but
# C is in its last layer (3000-6000), whose end is its next preemption
# point, so the preemption becomes a drain: C finishes at 6000. Then the
# smallest remaining: B 6000-7000, A 7000-11000.
run_ok --trace trace.csv --policy sjf --param key=remaining
tasks
metric all drains preemptions
