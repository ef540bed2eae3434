# A migration on K = 2 exclusive units (the policy is conc_p_hpf_victim's
# preemptive priority). A preempted request resumes on the other unit:
# tasks.unit is where it first ran, tasks.migrations counts the move.
#  0     A (prio 1) -> unit 1.
#  100   B2 (prio 2) -> unit 2, 100-1100.
#  200   B9: no room; the worst holder is A (1 < 2): B9 preempts unit 1. A
#        is at 200 in a1 (0-1000): runs on to 1000, saves 4000 B at 4 GB/s
#        = 1000 ns, leaves at 2000; B9 (no restore) runs 2000-3000 on unit 1.
#  1100  B2 done: unit 2 has room but nothing is ready (A is saving).
#  2000  A is ready; unit 2 has room: A resumes there, restores 1000 (to
#        3000) and runs its last 3000: done 6000. unit 1, migrations 1.
# A: 1 preemption, overhead 1000 + 1000 = 2000.
# Intervals (run --record intervals), stretches of progress:
#   A unit 1 0-1000; B2 unit 2 100-1100; B9 unit 1 2000-3000; A unit 2 3000-6000.
run_ok --trace trace.csv --policy ../conc_p_hpf_victim/policy.lua --device-param units=2 --record intervals
ctasks
"$SCHEDLAB" query --csv "$DB" "SELECT task_id, unit, start_ns, end_ns FROM intervals
  WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY start_ns, task_id"
