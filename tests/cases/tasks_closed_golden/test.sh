# Closed loop + periodic under NP-FCFS, worked out by hand (ns):
# releases: rt at 1000 and 11000 (21000 >= horizon 20000), deadline +6000;
# be: both slots issue at phase 0 (slot 0 first: ids 0, 1).
#   0     id0 be/s0 runs 0-6000
#   1000  id2 rt arrives (deadline 7000)
#   6000  id0 done: slot 0 next at max(6000 + 500, 0 + 8000) = 8000;
#         queue id1 (0), id2 (1000): id1 runs 6000-12000
#   8000  id3 be/s0 issues
#   11000 id4 rt arrives (deadline 17000)
#   12000 id1 done: slot 1 next at max(12500, 0 + 8000) = 12500;
#         queue id2 (1000), id3 (8000), id4 (11000): id2 runs 12000-16000
#   12500 id5 be/s1 issues
#   16000 id3 runs 16000-22000
#   22000 id3 done: slot 0 next max(22500, 16000) >= 20000: slot 0 stops;
#         id4 runs 22000-26000
#   26000 id5 runs 26000-32000; done: max(32500, 20500) >= 20000: slot 1 stops.
# Ids follow release order; tenant = task name; both rt jobs miss.
run_ok --tasks golden.tasks --policy np_fcfs
"$SCHEDLAB" query --csv "$DB" "SELECT task_id, tenant, network, priority, arrival_ns, start_ns,
  finish_ns, deadline_ns FROM tasks ORDER BY task_id"
metric tenant:rt count deadline_miss_rate
metric tenant:be count
"$SCHEDLAB" query --csv "$DB" "SELECT trace FROM runs"
