# KILL ping-pong. Both variants are stopped and stored as failed.
fail() {
  timeout 60 "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
    "$@" >/dev/null 2>"$DB.err"
  echo "exit $?"
  head -n 1 "$DB.err"
}
# At one instant: C runs from 0; at 100 A arrives and kills C, at no cost,
# so the switch ends at 100, and C (first in arrival order) kills A, and so
# on; the 100001st decision at t=100 stops the run.
fail --policy instant.lua --trace trio.csv
# With time advancing: A runs from 0. Every 500 ns the timer lets the other
# request kill the running one. Killed at 500, A got further than ever
# (progress); B, from 500 to 1000, too. From then on each kill finds the
# victim at 500, where it had been before: stall k at t = 1000 + 500k, the
# 100001st at 50001500 ns. Neither ever completes.
fail --policy slices.lua --trace pair.csv
db_state
"$SCHEDLAB" query --csv "$DB" "SELECT run_id, status, substr(error, 1, 60) FROM runs ORDER BY run_id"
