# The profile device's scale=x (Pantheon's lat_scale): every layer latency of
# the table is multiplied by x and rounded to the nearest ns before the prefix
# sums are built. NP-FCFS, A (1000+2000+1000) then B (500+500), both at 0.
# scale=0.5: A 500+1000+500 = 2000, B 250+250 = 500: A 0-2000, B 2000-2500.
# scale=0.3333: a1 333.3 -> 333, a2 666.6 -> 667, a3 333; b1, b2 166.65 ->
#   167 each: A 0-1333, B 1333-1667 (isolated_ns 1333 and 334: per-layer
#   rounding, not a rounded total of 1333.2 and 333.3).
# The param is stored as a device param (params 'device.scale').
run_ok --trace trace.csv --policy np_fcfs --device-param scale=0.5
tasks
run_ok --trace trace.csv --policy np_fcfs --device-param scale=0.3333
tasks
"$SCHEDLAB" query --csv "$DB" "SELECT isolated_ns FROM tasks WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq" | tail -n +2
"$SCHEDLAB" query --csv "$DB" "SELECT name, value FROM params WHERE run_id = (SELECT max(run_id) FROM runs) AND name LIKE '%scale%'" | tail -n +2
run_fail --trace trace.csv --policy np_fcfs --device-param scale=0
run_fail --trace trace.csv --policy np_fcfs --device-param scale=-1
