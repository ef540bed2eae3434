# Periodic releases with a phase, a count cap and the horizon, exact (ns):
#   a: nominal 500 + 3000k: 500, 3500, 6500 (9500 < horizon, but count=3);
#      deadlines +2000: 2500, 5500, 8500
#   b: 2500k: 0, 2500, 5000, 7500 (10000 is the horizon: excluded)
# Release order (ids): b@0, a@500, b@2500, a@3500, b@5000, a@6500, b@7500.
# NP-FCFS, B = 1000 ns: id0 0-1000; id1 waits, 1000-2000; id2 2500-3500;
# at 3500 id2 completes before id3 arrives (completion < arrival at one
# instant), so id3 runs 3500-4500; id4 5000-6000; id5 6500-7500; id6
# 7500-8500. No deadline is missed.
run_ok --tasks set.tasks --policy np_fcfs
"$SCHEDLAB" query --csv "$DB" "SELECT task_id, tenant, priority, arrival_ns, start_ns, finish_ns,
  deadline_ns FROM tasks ORDER BY task_id"
metric tenant:a deadline_miss_rate
