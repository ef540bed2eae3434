# Pending timers live outside the Lua heap but count against the policy's
# memory ceiling (256 MiB, 128 bytes a timer): a flood is refused at the
# sim.timer call that would pass it, and the run is stored as failed. How
# many fit depends on what the Lua heap holds, so the count is masked.
timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
  --trace late.csv --policy flood.lua >/dev/null 2>"$DB.err"
echo "exit $?"
head -n 1 "$DB.err" | sed 's/sim.timer: [0-9]* pending/sim.timer: N pending/'
# ... and it must be close to 256 MiB / 128 B = 2097152 (the Lua heap takes
# the rest): at least 1.9 million.
n=$(sed -n 's/.*sim.timer: \([0-9]*\) pending.*/\1/p' "$DB.err")
[ "${n:-0}" -ge 1900000 ] && [ "$n" -lt 2097152 ] && echo "refused between 1.9M and 2097152 timers" \
  || echo "refused at $n timers"
db_state
# Timers are found by id: cancelling millions in any order stays correct.
timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
  --trace one.csv --policy cancel.lua --log - --quiet 2>&1 >/dev/null | sed 's/^\[t=[0-9]*\] //'
# Metric rows (docs/metrics.md), of the successful run (B alone, 0 to 1000;
# the timers add no rows): every class with finished requests and no deadlines
# has 32 rows: count, unfinished, antt, stp, mean_np, sla_1..sla_10 (15),
# mean_latency_ns, max_latency_ns, max_ntt (3), p50/p95/p99/p999 of latency
# and of NTT (8), preemptions, checkpoints, kills, overhead_ns, wasted_ns,
# preempted_ratio (6); no deadline_miss_rate. Classes: all, priority 1 and
# tenant B: 3 x 32 = 96, and task:B's preempted_ratio: 97. Class all also
# has groups, makespan_ns, throughput_rps, utilization, drains,
# mean_concurrency and gpu_utilization (7); no fairness (no group of two)
# and no preemption: 97 + 7 = 104.
db_state
