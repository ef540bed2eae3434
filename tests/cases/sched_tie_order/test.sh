# Simultaneous events (sched-8). A completes at 4000, the instant three
# requests arrive; the completion is handled first, then the arrivals in
# trace order, then one decision.
# NP-HPF: A(9) 4000-8000; C and B tie on priority and arrival, trace order
# puts C first: C 8000-14000, B 14000-15000.
# NP-FCFS: arrival ties in trace order: C 4000-10000, B 10000-11000,
# A 11000-15000.
run_ok --trace trace.csv --policy np_hpf
tasks
run_ok --trace trace.csv --policy np_fcfs
tasks
