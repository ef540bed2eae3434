# Timers that would stop time or overflow it fail the run, located.
# fail [--trace FILE] ARGS...: the trace defaults to one.csv.
fail() {
  trace=one.csv
  if [ "$1" = --trace ]; then trace=$2; shift 2; fi
  timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
    --trace "$trace" "$@" >/dev/null 2>"$DB.err"
  echo "exit $?"
  head -n 1 "$DB.err"
}
# on_timer arms the next timer with zero delay, forever, at t=10: events #1
# (B's arrival) and #2 (the timer at 10) are followed by the chain; the
# hook of event #1000002 arms the 1000001st zero-delay timer at t=10.
fail --policy chain.lua
# schedule arms sim.timer(0) and dispatches nothing: each timer brings a
# new decision at t=0, the 100001st stops the run.
fail --policy again.lua
# Delays out of range at the first decision, t=7 ns: refused with the
# position of the sim.timer call. math.maxinteger - 7 ends exactly at the
# last representable ns (the run completes; the timer never fires);
# math.maxinteger from t=7 would overflow.
for d in neg nan inf ninf frac big edge max; do fail --trace late.csv --policy delay.lua --param "d=$d"; done
# on_timer at t=10 re-arms with math.maxinteger: 10 + that overflows.
fail --policy rearm.lua
# Metric rows (docs/metrics.md), of the one successful run (d=edge: B arrives
# at 7 and runs alone to 1007): every class with finished requests and no
# deadlines has 32 rows: count, unfinished, antt, stp, mean_np, sla_1..sla_10
# (15), mean_latency_ns, max_latency_ns, max_ntt (3), p50/p95/p99/p999 of
# latency and of NTT (8), preemptions, checkpoints, kills, overhead_ns,
# wasted_ns, preempted_ratio (6); no deadline_miss_rate. Classes: all,
# priority 1 and tenant B: 3 x 32 = 96, and task:B's preempted_ratio: 97.
# Class all also has groups, makespan_ns (1000), throughput_rps,
# utilization, drains, mean_concurrency and gpu_utilization (7); no
# fairness (no group of two) and no preemption: 97 + 7 = 104.
db_state
