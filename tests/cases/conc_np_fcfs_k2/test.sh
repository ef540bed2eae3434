# NP-FCFS, unchanged, on K = 2 exclusive units (units=2). The engine calls
# schedule again at an instant while a decision placed a request, a unit has
# room and requests are ready, so np_fcfs fills both units in its own order;
# a request goes to the lowest-numbered unit with room.
#  0     A (first in the trace) -> unit 1, 0-4000; C -> unit 2, 0-6000.
#  500, 1000, 2000: B, B, A arrive; no unit has room: they wait.
#  4000  A leaves unit 1: B@500 runs there 4000-5000.
#  5000  B@500 leaves: B@1000 on unit 1, 5000-6000.
#  6000  B@1000 (unit 1) and C (unit 2) both complete; A@2000 takes the
#        lowest-numbered free unit: unit 1, 6000-10000.
# No preemption, no migration. Makespan 10000.
#   utilization unit:1 = 10000/10000 = 1; unit:2 = 6000/10000 = 0.6;
#   all = mean over units = 0.8.
#   mean_concurrency = (2 x 6000 + 1 x 4000) / 10000 = 1.6
run_ok --trace trace.csv --policy np_fcfs --device-param units=2
ctasks
metric unit:1 utilization
metric unit:2 utilization
metric all utilization mean_concurrency makespan_ns
