# Preemptive EDF (sched-7.1). C (deadline 20000) runs from 0. A (deadline
# 8000) arrives at 1000 and preempts C: C at 1000 in c1 runs to 3000, saves
# 1000 B = 250; A runs 3250-7250 (meets 8000). B (30000) arrived at 1500,
# during the switch. At 7250 the earlier deadline is C: restore 250, runs
# 7500-10500. B 10500-11500. No deadline missed.
run_ok --trace trace.csv --policy edf
tasks
metric all deadline_miss_rate
