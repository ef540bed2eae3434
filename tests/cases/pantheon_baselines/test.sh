# The baselines by hand, on pantheon_schedule's table and jobs: J0 = X (7000 ns
# at its top exit; exit 1 after x1 at 2500) of task a at 0, deadline 8000;
# J1 = Y (2500) of b at 1000, deadline 5000; J2 = Y of c at 4100, deadline 4400.
#
# rms (non-preemptive, top exits, drop_late): J0 starts at 0 and runs to
#   7000. At 7000 J1 (deadline 5000) and J2 (4400) are late when they would
#   start: both dropped. DMR 2/3, accuracy (1 + 0 + 0)/3, abs (90 + 0 + 0)/3.
# dms: the same (non-preemptive: whatever the priorities, J0 holds the GPU).
# rms with rt_preempt=chunk: Y (2500) ranks above X (7000). J1 arrives at 1000:
#   J0 stops at its chunk end, 2000; J1 runs 2000-4500. J2 (also Y; tie on
#   latency, then task name: b before c) waits; at 4500 it is late: dropped.
#   J0 resumes with its top exit: x2, x3 and the head, 4500-9500: late (a
#   running job is never dropped), a miss. DMR 2/3 (J0, J2), accuracy
#   (0 + 1 + 0)/3, abs (0 + 95 + 0)/3.
# rtmdl (alpha 0.01): the search sees a at 0 (alone: top exit), then a and b
#   at 1000: in deadline order b (rel. 4000) then a: 2500 + 7000 > 8000, and
#   neither can go lower within alpha (X's exit 1 loses 0.10): 1 miss; a then
#   b: b would start at 7000 >= 4000, 1 miss; tie on misses and accuracy:
#   the first order, b over a. Dispatch non-preemptive: J0 already runs to
#   7000; J1 and J2 are late then: dropped. As rms.
# pantheon_wo_ee_pr (EDF, exits only before a job starts, no preemption): at
#   1000 the pass finds J0's top path late (1000 + 2500 + 5000 > 8000) but J0
#   has started: its exit is fixed. J0 runs to 7000; J1 and J2 late: dropped.
for pol in rms dms "rms --param rt_preempt=chunk" rtmdl pantheon_wo_ee_pr; do
  echo "# $pol"
  "$SCHEDLAB" run --db "$DB" --device profile:../pantheon_schedule/profile.csv \
    --trace ../pantheon_schedule/trace.csv --policy $pol --quiet >/dev/null || echo "run failed"
  "$SCHEDLAB" query --csv "$DB" "SELECT task_id, start_ns, finish_ns, preemptions, exit,
    printf('%.9g', accuracy) AS accuracy, dropped FROM tasks WHERE run_id = (SELECT max(run_id) FROM runs)
    ORDER BY seq" | tail -n +2
  metric all deadline_miss_rate accuracy accuracy_abs
done
# rtmdl with alpha = 0.2 on the same jobs plus J3 = X of task a at 8000,
# deadline 16000. X's exit 1 (accuracy 0.80, 0.10 below the top) is now
# within alpha. At 0 the search knows only a (top: 7000 <= 8000); J0 keeps
# its top exit. From 1000 on, with b (and c from 4100, whose 300 ns relative
# deadline no order can meet), the best orders put b first and a after it
# with exit 1 (b 2500, a 2500 + 2500 = 5000 <= 8000: only c misses; any order
# with a's top exit, or a before b, misses more). J0 runs 0-7000; J1 and J2
# are late at 7000: dropped; J3 takes exit 1: 8000-10500.
# DMR 2/4 = 0.5; accuracy (1 + 0 + 0 + 0.8/0.9)/4 = 0.472222222;
# abs (90 + 0 + 0 + 80)/4 = 42.5.
echo "# rtmdl alpha=0.2"
"$SCHEDLAB" run --db "$DB" --device profile:../pantheon_schedule/profile.csv \
  --trace trace4.csv --policy rtmdl --param alpha=0.2 --quiet >/dev/null || echo "run failed"
"$SCHEDLAB" query --csv "$DB" "SELECT task_id, start_ns, finish_ns, preemptions, exit,
  printf('%.9g', accuracy) AS accuracy, dropped FROM tasks WHERE run_id = (SELECT max(run_id) FROM runs)
  ORDER BY seq" | tail -n +2
metric all deadline_miss_rate accuracy accuracy_abs
