# Pantheon by hand (policies_lua/pantheon.lua, defaults: downgrade_cost =
# from_top, drop_late, account_running_chunk = false). Jobs (absolute
# deadlines): J0 = X of task a at 0, deadline 8000; J1 = Y of task b at 1000,
# deadline 5000; J2 = Y of task c at 4100, deadline 4400.
#
# t=0     J0 released. SCHEDULE: LAT(J0, top) = 7000, 0 + 7000 <= 8000: top.
#         J0 runs x1 (0-2000).
# t=1000  J1 released. SCHEDULE over [J1 (5000), J0 (8000)], exits reset to top.
#         t = 1000 + LAT(J1) 2500 = 3500 <= 5000; J0 runs x1, whose rest the
#         code ignores: LAT(J0, top) = 7000 - 2000 = 5000, t = 8500 > 8000: a
#         miss at position 2. Candidates at or before it: J1 has no lower exit;
#         J0's exit 1 (after x1) is usable (x1 is the chunk it is in), cost
#         0.90 - 0.80 = 0.10: J0 -> exit 1 (the downgrade). Again: 3500 +
#         (2500 - 2000) = 4000 <= 8000: feasible.
#         EDF: J1 (5000) is the head: J0 yields at its chunk boundary, 2000.
# t=2000  J0 stops after x1 (a preemption at a chunk boundary, no save: its
#         state stays on the GPU, 0 bytes); J1 runs y1 2000-3000, y2 3000-4000,
#         its head 4000-4500.
# t=4100  J2 released, deadline 4400, the EDF head, but J1 is in its exit head
#         (a chunk: never cut) until 4500. SCHEDULE: [J2, J1, J0]: 4100 + 2500
#         = 6600 > 4400, J2 has no lower exit: accepted (barrier); J1 is in its
#         head (LAT 0, fixed): 6600 > 5000 accepted; J0 from top again: + 5000
#         = 11600 > 8000, J0 -> exit 1: + 500 = 7100 <= 8000. J0 keeps exit 1.
# t=4400  J2's deadline passes while it waits: dropped (never started).
# t=4500  J1 completes (deadline 5000: met). J0 resumes with exit 1: its head
#         4500-5000. Finish 5000 <= 8000: met.
#
# Rows: J0 start 0, finish 5000, 1 preemption, exit 1, accuracy 0.80/0.90 =
# 0.888888889, accuracy_abs 80; J1 start 2000, finish 4500, exit 1 (its only
# exit, the top), accuracy 1, abs 95; J2 dropped: no start, no finish,
# accuracy 0, abs 0.
# Metrics (all): deadline_miss_rate = 1/3 (J2); accuracy = (0.888888889 + 1 +
# 0)/3 = 0.62962963; accuracy_abs = (80 + 95 + 0)/3 = 58.3333333;
# preempted_ratio = 1 preempted (J0) / 2 started = 0.5; gpu_utilization =
# busy 0-5000 (J0, J1, J0 back to back) / makespan 0-5000 = 1. task:a: DMR 0,
# accuracy 0.888888889; task:c: DMR 1, accuracy 0.
"$SCHEDLAB" run --db "$DB" --device profile:profile.csv --trace trace.csv --policy pantheon \
  --quiet >/dev/null || echo "run failed"
"$SCHEDLAB" query --csv "$DB" "SELECT task_id, tenant, arrival_ns, start_ns, finish_ns, preemptions,
  exit, printf('%.9g', accuracy) AS accuracy, printf('%.9g', accuracy_abs) AS accuracy_abs, dropped
  FROM tasks
  WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq"
metric all deadline_miss_rate accuracy accuracy_abs preempted_ratio gpu_utilization
metric task:a deadline_miss_rate accuracy
metric task:c deadline_miss_rate accuracy
