#!/bin/sh
# Golden-schedule, API and bad-input cases as TAP. Each tests/cases/NAME/
# holds a test.sh, run in that directory with the helpers below, and the
# `expected` output it must print exactly. Schedules in `expected` were
# worked out by hand (see the comments in each test.sh), never copied from
# the program. REGEN=1 rewrites `expected` instead (make regen), for review.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SCHEDLAB

PROFILE=../profile.csv
# A run on the shared profile table (bandwidth 4 GB/s: checkpoint of B bytes = B/4 ns).
run_ok() {
  "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
    --quiet "$@" >/dev/null 2>"$tmp/err" || { echo "run failed ($?):"; cat "$tmp/err"; }
}
# A run expected to fail: print its exit status and the first line of stderr.
run_fail() {
  "$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --device-param bandwidth_gbps=4 \
    "$@" >/dev/null 2>"$tmp/err"
  echo "exit $?"
  head -n 1 "$tmp/err" | sed "s|$home/policies_lua|POLICIES|g"
}
# The last run's schedule.
tasks() {
  "$SCHEDLAB" query --csv "$DB" "SELECT task_id, network, arrival_ns, start_ns, finish_ns,
    preemptions, overhead_ns, wasted_ns FROM tasks
    WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq"
}
# The last run's schedule with the unit where each request first ran and
# its migrations (devices of several units).
ctasks() {
  "$SCHEDLAB" query --csv "$DB" "SELECT task_id, network, arrival_ns, start_ns, finish_ns,
    preemptions, overhead_ns, unit, migrations FROM tasks
    WHERE run_id = (SELECT max(run_id) FROM runs) ORDER BY seq"
}
# Metrics of the last run: metric CLASS NAME...
metric() {
  cls=$1; shift
  for m in "$@"; do
    "$SCHEDLAB" query --csv "$DB" "SELECT name, class, printf('%.9g', value) FROM metrics
      WHERE run_id = (SELECT max(run_id) FROM runs) AND name = '$m' AND class = '$cls'" | tail -n +2
  done
}
# What the database holds: nothing, or counts per table and the runs' statuses.
db_state() {
  if [ ! -f "$DB" ]; then echo "no database"; return; fi
  "$SCHEDLAB" query --csv "$DB" "SELECT (SELECT count(*) FROM runs) AS runs,
    (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM metrics) AS metrics,
    (SELECT group_concat(status) FROM runs) AS statuses" | tail -n 1
}

n=0
fail=0
cases=$(cd "$here/cases" && ls -d */ | tr -d /)
echo "1..$(echo "$cases" | wc -w)"
for c in $cases; do
  n=$((n + 1))
  DB="$tmp/$c.db"
  export DB
  start=$(date +%s.%N)
  out=$(cd "$here/cases/$c" && . ./test.sh 2>&1)
  secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.2f", $2 - $1}')
  if [ "${REGEN:-}" = 1 ]; then
    printf '%s\n' "$out" >"$here/cases/$c/expected"
    echo "ok $n - $c (regenerated)"
  elif [ "$out" = "$(cat "$here/cases/$c/expected" 2>/dev/null)" ]; then
    echo "ok $n - $c (${secs}s)"
  else
    fail=$((fail + 1))
    echo "not ok $n - $c (${secs}s)"
    printf '%s\n' "$out" >"$tmp/got"
    diff -u "$here/cases/$c/expected" "$tmp/got" | sed 's/^/#   /'
  fi
done
exit $((fail > 0))
