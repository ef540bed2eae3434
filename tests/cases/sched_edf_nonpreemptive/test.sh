# Non-preemptive EDF (sched-7.2). C runs 0-6000. Then A (deadline 8000)
# 6000-10000: it misses its deadline. B 10000-11000. Miss rate 1/3.
run_ok --trace trace.csv --policy edf --param preemptive=false
tasks
metric all deadline_miss_rate
