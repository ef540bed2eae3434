# A drop re-arms a closed loop (sim_source_done), on ../exit_profile/exits.csv.
# hog: A (4000 ns) runs 0-4000. rt #1 is issued at 1000 (deadline 3000) and
# waits. At 4000 the device is free and rt #1 is late: dropped (no start, no
# finish, dropped 1); the loop issues rt #2 at once, at 4000 (think 0,
# deadline 6000): it runs 4000-5000 and meets it. Its completion issues
# rt #3 at 5000 (deadline 7000): 5000-6000. count=3 ends the loop.
# deadline_miss_rate: 1 of the 3 rt requests (the dropped one); hog has no
# deadline. unfinished: 1 (the drop).
PROFILE=../exit_profile/exits.csv
run_ok --tasks drop.tasks --policy policy.lua
"$SCHEDLAB" query --csv "$DB" "SELECT tenant, arrival_ns, start_ns, finish_ns, deadline_ns, dropped
  FROM tasks ORDER BY seq"
metric all deadline_miss_rate unfinished
metric task:rt deadline_miss_rate
