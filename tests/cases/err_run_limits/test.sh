# Run limits (--max-events, --max-sim-time, --max-wall; limit.* in
# experiment files): recorded as params; a run that exceeds one fails with
# a message naming the limit and is stored as failed (exit 1); a bad value
# is a usage error that writes nothing (exit 2).
lim() {
  timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
    --quiet "$@" >/dev/null 2>"$DB.err"
  echo "exit $?"
  head -n 1 "$DB.err"
}
# np_fcfs on C 0 (6000 ns), A 100 (4000), B 200 (1000): arrivals at 0, 100,
# 200, completions at 6000, 10000, 11000: 6 events, ending at 11000 ns.
lim --trace trace.csv --policy np_fcfs --max-events 6 --max-sim-time 11000
lim --trace trace.csv --policy np_fcfs --max-events 5
lim --trace trace.csv --policy np_fcfs --max-sim-time 10999ns
lim --trace trace.csv --policy np_fcfs --max-sim-time 10us
# A timer every ns until an arrival at 10^15 ns: no livelock detector
# applies (nothing is ready); --max-events stops it at event 100001, t=100001.
lim --trace far.csv --policy tick.lua --max-events 100000
# --max-wall stops it after 300 ms of wall-clock time (where is machine-dependent).
lim --trace far.csv --policy tick.lua --max-wall 300ms | sed 's/(at t=[0-9]*.*/(at t=T, after N events); .../'
# Metric rows: the one successful run's 203 (its rows include
# mean_concurrency, class all, which every run that executed anything has).
db_state
# The limits in force, as params (0: none; the default event limit 10^9).
"$SCHEDLAB" query --csv "$DB" "SELECT run_id, status, group_concat(name || '=' || value, ' ')
  FROM (SELECT * FROM runs JOIN params USING (run_id) WHERE name LIKE 'limit.%' ORDER BY run_id, name)
  GROUP BY run_id ORDER BY run_id"
# Bad values: usage errors, no database.
rm -f "$DB"
lim --trace trace.csv --policy np_fcfs --max-events 0
lim --trace trace.csv --policy np_fcfs --max-events 1.5
lim --trace trace.csv --policy np_fcfs --max-sim-time -1
lim --trace trace.csv --policy np_fcfs --max-sim-time 5parsecs
lim --trace trace.csv --policy np_fcfs --max-wall 1500us
lim --trace trace.csv --policy np_fcfs --max-wall 10
db_state
# From an experiment file's fixed keys: limit.max_events = 6 lets np_fcfs
# finish; p_hpf needs 8 events (B, priority 9, preempts C at 200: C stops
# at 3000 and saves 250 ns, B runs 3250-4250, C restores until 4500 and
# runs to 7500, A to 11500): its 7th, C's completion at 7500, fails it with
# C and A unfinished. Limits are not part of the point.
(cd "$home" && timeout 60 "$SCHEDLAB" sweep tests/cases/err_run_limits/limits.lua --db "$DB" \
  --jobs 1 --no-report >/dev/null 2>&1; echo "sweep exit $?")
"$SCHEDLAB" query --csv "$DB" "SELECT policy, status, instr(point, 'limit.') AS limit_in_point, error,
  (SELECT group_concat(name || '=' || value, ' ') FROM (SELECT * FROM params p WHERE p.run_id = r.run_id
    AND name LIKE 'limit.%' ORDER BY name)) AS limits FROM runs r ORDER BY run_id"
for f in bad typo; do
  (cd "$home" && timeout 60 "$SCHEDLAB" sweep tests/cases/err_run_limits/$f.lua --db "$DB.$f" \
    --dry-run >/dev/null 2>"$DB.err"; echo "exit $?")
  head -n 1 "$DB.err"
  [ -f "$DB.$f" ] && echo "database written" || echo "no database"
done
