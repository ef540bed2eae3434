# KILL and restart (sched-3). As sched-2, but preempt=kill. The profile
# device stops a killed request at once: at 1500 A loses its 1500 ns of
# work and goes back to the queue with no state to save. B runs 1500-2500;
# C (equal priority) arrives at 1600 and waits; C 2500-8500; A restarts
# from its first layer 8500-12500. A: start 0 (first execution), 1
# preemption, wasted 1500, no overhead. Busy 1500+1000+6000+4000 = 12500.
run_ok --trace trace.csv --policy p_hpf --param preempt=kill
tasks
metric all kills checkpoints wasted_ns utilization
