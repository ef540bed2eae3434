# Deadline, accuracy and preemption metrics on a hand-worked schedule
# (papers/metrics.md §6-8), on ../exit_profile/exits.csv: E's paths are
# exit 1 = 2300 ns (accuracy 0.8) and exit 2 = 4500 ns (0.9, the top); B
# 1000 ns, no exits. Every E layer ends a chunk; E's state is 0 bytes.
# policy.lua: preemptive EDF, drops what is late when it would run, picks
# the highest usable exit that meets the deadline from now (else the lowest).
#   E0 (det, app X) arrives at 0, deadline 5000: 0 + 4500 <= 5000, top exit.
#   E1 (det, X) at 100, deadline 2600, earlier: exit 2 ends 4600 > 2600,
#     exit 1 2400 <= 2600: exit 1; it preempts E0, which runs on to the end
#     of its chunk e1 at 1000 (no save). E1 runs 1000-3300: late (> 2600).
#   E2 (cls, X) at 200, deadline 2700: during the switch nothing is
#     decided; at 1000 its deadline is later than E1's. At 3300 it is late:
#     dropped (exit 2, the default, never ran).
#   E0 resumes at 3300 (1000 done): exit 2 would end 6800 > 5000, exit 1
#     (still usable: 1000 <= e2's end 2000) ends 3300 + 1300 = 4600 <= 5000.
#   B3 (be, app Y, priority 2, no deadline) arrives at 6000: 6000-7000.
# Rows (exit, accuracy, accuracy_abs, dropped):
#   E0 1, 0.8/0.9 = 0.888888889, 80, 0 (met; 1 preemption)
#   E1 1, 0, 0, 0 (late)    E2 2, 0, 0, 1 (dropped)    B3 NULL, NULL, NULL, 0
PROFILE=../exit_profile/exits.csv
run_ok --trace trace.csv --policy policy.lua
"$SCHEDLAB" query --csv "$DB" "SELECT task_id, tenant, workload, start_ns, finish_ns, preemptions,
  exit, round(accuracy, 9) AS accuracy, accuracy_abs, dropped FROM tasks ORDER BY seq"
# Metrics. With a deadline: E0, E1, E2; missed E1 (late), E2 (dropped).
# With exits: E0, E1, E2. Started: E0, E1, B3; preempted: E0.
#   all:     dmr 2/3; accuracy 0.888888889/3 = 0.296296296; abs 80/3;
#            preempted_ratio 1/3
#   1 (E0-E2): dmr 2/3, accuracy 0.296296296, abs 26.6666667, ratio 1/2
#   2 (B3):  no deadline, no exits: only preempted_ratio 0
#   task:det (E0, E1): dmr 1/2, accuracy 0.444444444, abs 40, ratio 1/2
#   task:cls (E2): dmr 1, accuracy 0, abs 0; never started: no ratio
#   task:be (B3): ratio 0;  app:X as class 1;  app:Y as class 2
# gpu_utilization: progressing 0-1000 (E0), 1000-3300 (E1), 3300-4600
# (E0), 6000-7000 (B3): 5600 over the makespan 0-7000 = 0.8.
for c in all 1 2 task:det task:cls task:be app:X app:Y; do
  metric "$c" deadline_miss_rate accuracy accuracy_abs preempted_ratio
done
metric all gpu_utilization
