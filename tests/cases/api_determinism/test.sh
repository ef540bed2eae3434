# Same inputs and seed, same rows (api-2): two runs of a policy that uses
# the seeded random stream and prediction error give identical tasks and
# metrics; a different seed changes them. Running it again
# into the same database stores nothing: one success per run key.
cat > "$DB.lua" <<'LUA'
local P = { params = {} }
function P.schedule(sim)
  local pick, n = nil, 0
  for r in sim.ready() do
    n = n + 1
    if math.random(n) == 1 then pick = r end   -- uniform choice among the ready
  end
  if not sim.running() then return pick end
  if sim.random() < 0.3 then return pick, "checkpoint" end
end
return P
LUA
# Seed 7 into two databases (one database keeps one success per run key),
# seed 8 beside the first.
run_ok --trace trace.csv --policy "$DB.lua" --seed 7 --predict-sigma 0.2
DB=$DB.b run_ok --trace trace.csv --policy "$DB.lua" --seed 7 --predict-sigma 0.2
run_ok --trace trace.csv --policy "$DB.lua" --seed 8 --predict-sigma 0.2
q="SELECT group_concat(task_id || ':' || start_ns || ':' || finish_ns || ':' || preemptions, ' ')
   FROM (SELECT * FROM tasks WHERE run_id = RUN ORDER BY seq)"
a=$("$SCHEDLAB" query --csv "$DB" "$(echo "$q" | sed s/RUN/1/)")
b=$("$SCHEDLAB" query --csv "$DB.b" "$(echo "$q" | sed s/RUN/1/)")
c=$("$SCHEDLAB" query --csv "$DB" "$(echo "$q" | sed s/RUN/2/)")
[ "$a" = "$b" ] && echo "seed 7 twice: identical tasks" || echo "seed 7 twice: DIFFERENT"
[ "$a" != "$c" ] && echo "seed 8: a different schedule" || echo "seed 8: same schedule"
"$SCHEDLAB" query --csv "$DB" "ATTACH '$DB.b' AS b; SELECT count(*) FROM metrics m1 JOIN b.metrics m2
  ON m1.name = m2.name AND m1.class = m2.class AND m1.run_id = 1 AND m2.run_id = 1
  WHERE m1.value IS NOT m2.value" | tail -n 1
"$SCHEDLAB" query --csv "$DB" "ATTACH '$DB.b' AS b;
  SELECT count(*) FROM runs r1 JOIN b.runs r2 ON r1.run_key = r2.run_key" | tail -n 1
# The same run again into the first database: its key is there, nothing is added.
"$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
  --trace trace.csv --policy "$DB.lua" --seed 7 --predict-sigma 0.2 --quiet 2>&1 |
  sed "s|$DB|DB|"
# What the row count below rests on: both runs preempted by checkpoint (the
# policy asks for no other mechanism) and no such decision became a drain.
"$SCHEDLAB" query --csv "$DB" "SELECT sum(name = 'checkpoints' AND value > 0),
  sum(name = 'drains' AND value > 0) FROM metrics WHERE class = 'all'" | tail -n 1
# Metric rows (docs/metrics.md): every class with finished requests and no
# deadlines has 32 rows: count, unfinished, antt, stp, mean_np, sla_1..sla_10
# (15), mean_latency_ns, max_latency_ns, max_ntt (3), p50/p95/p99/p999 of
# latency and of NTT (8), preemptions, checkpoints, kills, overhead_ns,
# wasted_ns, preempted_ratio (6); no deadline_miss_rate. Classes: all,
# priorities 1, 3, 9, tenants A, B, C: 7 x 32 = 224; classes task:A, task:B,
# task:C hold preempted_ratio only (3): 227. Class all also has fairness
# (one busy period holds all 7 requests: A's 4000 ns from 0 are still
# running when the last arrives at 1200, so all 7 finished are one group),
# groups, makespan_ns, throughput_rps, utilization, drains,
# mean_concurrency, gpu_utilization (a profile device) (8), and
# checkpoint_latency_ns, checkpoint_latency_max_ns (2; no drain or kill
# latencies): 227 + 10 = 237 a run; 2 successful runs: 474.
db_state
