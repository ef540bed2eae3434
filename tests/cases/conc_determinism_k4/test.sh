# Determinism on K = 4 units: a random-ish trace (Poisson, 2000 requests of
# A, B, C at priorities 1, 3, 9, seed 3, at about 0.9 load per unit: mean
# isolated time 11000/3 ns, 4 x 0.9 / 3667 ns = 980000 req/s) replayed twice
# under prema and under sjf, each time into a fresh database, gives
# identical tasks rows (unit and migrations included) and metrics.
# Sanity that the runs exercise the units: all four used, and preemptions.
"$SCHEDLAB" trace gen poisson n=2000 rate=980000 seed=3 networks=A,B,C batches=1 \
  priorities=1,3,9 --device "profile:$PROFILE" --out "$DB.trace.csv" >/dev/null
q="SELECT group_concat(task_id || ':' || unit || ':' || start_ns || ':' || finish_ns || ':' ||
     preemptions || ':' || migrations || ':' || overhead_ns || ':' || wasted_ns, ' ')
   FROM (SELECT * FROM tasks ORDER BY seq)"
m="SELECT group_concat(name || ':' || class || ':' || value, ' ')
   FROM (SELECT * FROM metrics ORDER BY name, class)"
for p in prema sjf; do
  DB=$DB.$p.1 run_ok --trace "$DB.trace.csv" --policy $p --device-param units=4
  DB=$DB.$p.2 run_ok --trace "$DB.trace.csv" --policy $p --device-param units=4
  a=$("$SCHEDLAB" query --csv "$DB.$p.1" "$q")
  b=$("$SCHEDLAB" query --csv "$DB.$p.2" "$q")
  [ -n "$a" ] && [ "$a" = "$b" ] && echo "$p twice: identical tasks" || echo "$p twice: DIFFERENT tasks"
  a=$("$SCHEDLAB" query --csv "$DB.$p.1" "$m")
  b=$("$SCHEDLAB" query --csv "$DB.$p.2" "$m")
  [ -n "$a" ] && [ "$a" = "$b" ] && echo "$p twice: identical metrics" || echo "$p twice: DIFFERENT metrics"
  "$SCHEDLAB" query --csv "$DB.$p.1" "SELECT count(*) AS tasks, count(DISTINCT unit) AS units,
    sum(preemptions) > 0 AS preempted FROM tasks"
done
