#!/bin/sh
# Results of concurrent execution (TAP): tasks.unit and tasks.migrations,
# the intervals table written only with `run --record intervals` (or an
# experiment's record = {"intervals"}), the upgrade of a version-2
# database, prune and merge carrying intervals, the metrics utilization
# unit:N and mean_concurrency, and `plot --gantt`. Expected values are
# worked out by hand in the comments; tests/store/v2.sql says what each of
# its rows is for.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
q() { "$S" query --csv "$1" "$2" | tail -n +2; }
dev="profile:$root/tests/cases/profile.csv"
run() { "$S" run --device "$dev" --device-param bandwidth_gbps=4 --quiet "$@"; }
ckpt="$root/tests/cases/sched_p_hpf_checkpoint/trace.csv"
ivals() { # the intervals of run $2 in $1: task:unit:start:end:share:rate, by start
  q "$1" "SELECT group_concat(task_id || ':' || unit || ':' || start_ns || ':' || end_ns || ':' ||
    share || ':' || printf('%g', rate), ' ') AS v FROM (SELECT * FROM intervals WHERE run_id = $2 ORDER BY start_ns, unit)"
}

# ---- --record: usage ----------------------------------------------------------
out=$(run --trace "$ckpt" --policy p_hpf --db u.db --record tasks 2>&1)
check "record-1.1: an unknown --record value: usage error (2)" "$?" 2
contains "record-1.1: names the allowed values" "$out" "--record expects one of: intervals; got 'tasks'"
out=$(run --trace "$ckpt" --policy p_hpf --db u.db --record intervals --record intervals 2>&1)
check "record-1.2: --record twice: usage error (2)" "$?" 2
contains "record-1.2: names the allowed values" "$out" "--record intervals given twice (--record takes one of: intervals)"
check "record-1.3: nothing was created" "$(ls)" ""

# ---- the default run stores no intervals; --record intervals stores them ------
# sched_p_hpf_checkpoint on one exclusive unit (tests/cases/sched_p_hpf_checkpoint):
# A (task 0, prio 1) runs 0-3000 (it runs on to its layer boundary at 3000
# after B's arrival at 1500: still progressing, at rate 1), saves 3000-5000;
# B (task 1) runs 5000-6000; C (task 2) 6000-12000; A restores 12000-14000
# (holding the unit without progress) and runs 14000-15000. The intervals
# are exactly these execution stretches, every one on unit 1 at share 1,
# rate 1.
run --trace "$ckpt" --policy p_hpf --db r.db >/dev/null
check "default-1: a default run writes no interval rows" "$(q r.db "SELECT count(*) FROM intervals")" 0
check "default-2: ... and no record.intervals param" \
  "$(q r.db "SELECT count(*) FROM params WHERE name = 'record.intervals'")" 0
out=$(run --trace "$ckpt" --policy p_hpf --db r.db --record intervals 2>&1)
check "rec-1: the same run with --record intervals is a new run (its key differs)" "$?:$out" "0:2"
check "rec-2: its intervals are the execution stretches of the schedule" "$(ivals r.db 2)" \
  "0:1:0:3000:1:1 1:1:5000:6000:1:1 2:1:6000:12000:1:1 0:1:14000:15000:1:1"
check "rec-3: record.intervals = 1 among its params" \
  "$(q r.db "SELECT value FROM params WHERE run_id = 2 AND name = 'record.intervals'")" 1
check "rec-4: recording changes no task row" "$(q r.db "SELECT count(*) FROM (SELECT seq, task_id,
  start_ns, finish_ns, preemptions, overhead_ns, unit, migrations FROM tasks WHERE run_id = 1 EXCEPT
  SELECT seq, task_id, start_ns, finish_ns, preemptions, overhead_ns, unit, migrations FROM tasks
  WHERE run_id = 2)")" 0
check "rec-5: ... and no metric" "$(q r.db "SELECT count(*) FROM (SELECT name, class, value FROM metrics
  WHERE run_id = 1 EXCEPT SELECT name, class, value FROM metrics WHERE run_id = 2)")" 0
out=$(run --trace "$ckpt" --policy p_hpf --db r.db --record intervals 2>&1)
contains "rec-6: again with --record: the stored run with intervals answers" "$out" "run 2 in r.db has the same run key"
# One unit: every request that ran did so on unit 1 and never moved.
check "unit-1: tasks.unit and migrations on one unit" \
  "$(q r.db "SELECT group_concat(task_id || ':' || unit || ':' || migrations, ' ') FROM tasks WHERE run_id = 2")" \
  "0:1:0 1:1:0 2:1:0"
# One unit keeps exactly today's utilization rows (no class unit:N); busy
# 11000 ns (as sched_p_hpf_checkpoint) over the makespan 15000. Progressing
# requests: one at a time during 3000 + 1000 + 6000 + 1000 = 11000 ns, so
# mean_concurrency = 11000 / 11000 = 1.
check "metric-1: one unit: utilization class all only, 11000/15000" \
  "$(q r.db "SELECT group_concat(class || '=' || printf('%.9g', value), ' ') FROM metrics WHERE run_id = 2 AND name = 'utilization'")" \
  "all=0.733333333"
check "metric-2: mean_concurrency is 1 on one exclusive unit" \
  "$(q r.db "SELECT value FROM metrics WHERE run_id = 2 AND name = 'mean_concurrency' AND class = 'all'")" 1

# ---- plot --gantt -----------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
  out=$("$S" plot --gantt 2 --db r.db --out g 2>&1)
  check "gantt-1: drawn (exit 0), the files named" "$?:$(echo $out)" "0:g/gantt_run2.png g/gantt_run2.svg"
  check "gantt-2: PNG, SVG, script and data written" \
    "$(for f in png svg gp dat; do [ -s g/gantt_run2.$f ] && printf '%s ' $f; done)" "png svg gp dat "
  check "gantt-3: the .dat holds numbers only" \
    "$(grep -v '^#' g/gantt_run2.dat | grep -v '^$' | grep -cv '^[-0-9. e+]*$')" 0
  # The span is 15000 ns: the axis is in us. Priority 9 (B, C) first, then 1
  # (A's two bars); one stop: A at 3 us on unit 1 (it finished at 15000).
  check "gantt-4: bars by priority, in us, A's stop marked" \
    "$(grep -v '^#' g/gantt_run2.dat | grep -v '^$' | tr '\n' ',')" \
    "5 6 0.65 1.35,6 12 0.65 1.35,0 3 0.65 1.35,14 15 0.65 1.35,3 1,"
  contains "gantt-5: a legend entry per priority" "$(cat g/gantt_run2.gp)" "title 'priority 9'"
  contains "gantt-5: and for the stops" "$(cat g/gantt_run2.gp)" "title 'stopped before finishing (preempted)'"
  contains "gantt-5: time axis in us" "$(cat g/gantt_run2.gp)" "set xlabel 'time (us)'"
  # Window 5us-13us: B 5-6 and C 6-12 (both priority 9); no stop inside.
  "$S" plot --gantt 2 --db r.db --from 5us --to 13000 --out g --name win >/dev/null 2>&1
  check "gantt-6: --from/--to clip to the window" \
    "$?:$(grep -v '^#' g/win.dat | grep -v '^$' | tr '\n' ',')" "0:5 6 0.65 1.35,6 12 0.65 1.35,"
  # Requests sharing a unit get lanes of its row. Intervals set by hand on a
  # copy: task 0 (prio 1) 0-300, task 1 (prio 9) 100-200, task 2 (prio 9)
  # 250-400, all unit 1: task 0 takes lane 1 (0.65-1), task 1 lane 2 (1-1.35),
  # task 2 lane 2 again (free since 200). Span 400 ns: axis in ns. Every bar
  # ends before its request's finish (15000, 6000, 12000) and nothing
  # resumes: three stops, at the middle of their lanes.
  cp r.db l.db
  sqlite3 l.db "DELETE FROM intervals; INSERT INTO intervals VALUES (2, 0, 1, 0, 300, 1, 1.0),
    (2, 1, 1, 100, 200, 1, 0.5), (2, 2, 1, 250, 400, 1, 0.5)"
  "$S" plot --gantt 2 --db l.db --out g --name lanes >/dev/null 2>&1
  check "gantt-6.1: overlapping bars in lanes, stops in their lanes" \
    "$?:$(grep -v '^#' g/lanes.dat | grep -v '^$' | tr '\n' ',')" \
    "0:100 200 1 1.35,250 400 1 1.35,0 300 0.65 1,300 0.825,200 1.175,400 1.175,"
  out=$("$S" plot --gantt 1 --db r.db --out g 2>&1)
  check "gantt-7: a run without intervals: exit 1" "$?" 1
  contains "gantt-7: says how to get them" "$out" "run 1 has no intervals: re-run it with --record intervals"
  out=$("$S" plot --gantt 99 --db r.db --out g 2>&1)
  check "gantt-8: an unknown run: exit 1" "$?" 1
  contains "gantt-8: message" "$out" "no run 99 in the database"
  for bad in "--gantt x" "--gantt 0" "--gantt 2 --from 2ms --to 1ms" "--gantt 2 --from soon" \
             "--gantt 2 --color red" "--gantt 2 --name ../up" "--gantt 2 --kind bar" "--from 1ms"; do
    # shellcheck disable=SC2086
    out=$("$S" plot $bad --db r.db --out g 2>&1)
    rc=$?
    [ "$bad" = "--gantt 2 --name ../up" ] && want=1 || want=2
    check "gantt-9: plot $bad: exit $want" "$rc" "$want"
  done
  check "gantt-9: no file outside the output folder" "$(ls up.* g/up.* 2>/dev/null)" ""
  # Hostile tenant names reach the script only single-quoted.
  M="$work/marker"
  printf 'arrival_ns,network,batch,priority,tenant\n0,A,1,1,`touch %s`\n1500,B,1,9,"%s"\n' "$M" "a'b" >evil.csv
  run --trace evil.csv --policy p_hpf --db e.db --record intervals >/dev/null
  "$S" plot --gantt 1 --db e.db --color tenant --out h >/dev/null 2>&1
  check "gantt-10: hostile tenants: drawn, and no command ran" \
    "$?:$([ -s h/gantt_run1.png ] && echo png):$([ -e "$M" ] && echo created || echo absent)" "0:png:absent"
  contains "gantt-10: backquotes inside a single-quoted title" "$(cat h/gantt_run1.gp)" "title 'tenant \`touch $M\`'"
  contains "gantt-10: a quote doubled" "$(cat h/gantt_run1.gp)" "title 'tenant a''b'"
else
  ok "gantt: # SKIP gnuplot not installed (make deps)"
fi

# ---- prune and merge carry intervals ------------------------------------------
cp r.db p.db
"$S" merge m.db r.db >/dev/null
check "merge-1: the intervals come along" "$(ivals m.db 2)" "$(ivals r.db 2)"
out=$("$S" merge m.db r.db 2>&1 | tail -n 1)
contains "merge-2: merging again: identical runs (intervals too) skipped" "$out" "0 run(s) added, 2 identical"
cp r.db x.db
sqlite3 x.db "UPDATE intervals SET end_ns = 2999 WHERE run_id = 2 AND start_ns = 0"
out=$("$S" merge m.db x.db 2>&1)
check "merge-3: a run whose intervals differ is a conflict: exit 1" "$?" 1
contains "merge-3: message" "$out" "has results that differ"
out=$("$S" prune p.db --before 2999-01-01 | tail -n 1)
check "prune-1: intervals removed with their runs" "$out" \
  "removed 2 run(s): 6 task row(s), $(q r.db "SELECT count(*) FROM metrics") metric row(s), $(q r.db "SELECT count(*) FROM params") param row(s), 4 interval row(s)"
check "prune-2: no orphan intervals" "$(q p.db "SELECT count(*) FROM intervals")" 0

# ---- the upgrade from schema version 2 ----------------------------------------
sqlite3 v2.db <"$root/tests/store/v2.sql"
cp v2.db v2.orig
check "v2-1: query reads a version-2 database as it is" \
  "$(q v2.db "SELECT count(*) FROM tasks"):$(cmp v2.db v2.orig && echo same)" "2:same"
out=$("$S" plot --gantt 1 --db v2.db --out g2 2>&1)
check "v2-1.1: plot --gantt on it: exit 1, the database untouched" "$?:$(cmp v2.db v2.orig && echo same)" "1:same"
contains "v2-1.1: message" "$out" "run 1 has no intervals (the database predates them): re-run it with --record intervals"
"$S" prune v2.db --before 1970-01-01 >/dev/null 2>&1
check "v2-2: any writer upgrades it to version 4" "$?:$(q v2.db "SELECT value FROM meta WHERE key = 'schema_version'")" "0:4"
# Every version-2 run had one unit: a request that ran ran on unit 1.
check "v2-3: tasks.unit 1 where it ran, NULL where not; migrations 0" \
  "$(q v2.db "SELECT group_concat(task_id || ':' || coalesce(unit, 'NULL') || ':' || migrations, ' ') FROM tasks")" \
  "10:1:0 11:NULL:0"
check "v2-4: the intervals table and its index are there, empty" \
  "$(q v2.db "SELECT (SELECT count(*) FROM intervals) || ':' || (SELECT count(*) FROM sqlite_master WHERE name = 'intervals_by_run')")" "0:1"
check "v2-5: nothing else changed" \
  "$(q v2.db "SELECT (SELECT count(*) FROM runs) || '/' || (SELECT count(*) FROM metrics) || '/' || (SELECT count(*) FROM params)")" "2/1/1"
"$S" query v2.db --schema >schema.txt 2>&1
check "v2-6: every column of the upgraded database is described" "$(grep -c 'no description' schema.txt)" 0
contains "v2-6: intervals explained" "$(cat schema.txt)" "table intervals"
run --trace "$ckpt" --policy p_hpf --db v2.db --record intervals >/dev/null
check "v2-7: an upgraded database takes a run with intervals" "$(q v2.db "SELECT count(*) FROM intervals WHERE run_id = 3")" 4
sqlite3 s2.db <"$root/tests/store/v2.sql"
"$S" merge m2.db s2.db >/dev/null
check "v2-8: merge fills unit and migrations of a version-2 shard as the upgrade does" \
  "$(q m2.db "SELECT group_concat(task_id || ':' || coalesce(unit, 'NULL') || ':' || migrations, ' ') FROM tasks")" \
  "10:1:0 11:NULL:0"

# ---- experiment files: record = {"intervals"} --------------------------------------
mk() { # mk FILE RECORD-LINE
  cat >"$1" <<EOF
return { name = "rec", grid = { seed = {1} },
  fixed = { policy = "p_hpf", device = "$dev", ["device.bandwidth_gbps"] = 4, trace = "$ckpt" },
  $2 }
EOF
}
mk plain.lua ""
mk rec.lua 'record = {"intervals"},'
"$S" sweep plain.lua --db x1.db --quiet --no-report >/dev/null 2>&1
"$S" sweep rec.lua --db x1.db --quiet --no-report >/dev/null 2>&1
check "exp-1: record = {\"intervals\"}: the resumed sweep runs the point again, with intervals" \
  "$?:$(q x1.db "SELECT count(*) FROM runs"):$(ivals x1.db 2)" \
  "0:2:0:1:0:3000:1:1 1:1:5000:6000:1:1 2:1:6000:12000:1:1 0:1:14000:15000:1:1"
out=$("$S" sweep rec.lua --db x1.db --quiet --no-report 2>&1)
check "exp-2: and a sweep of it again runs nothing" "$?:$(q x1.db "SELECT count(*) FROM runs")" "0:2"
mk mc.lua 'metrics = {"mean_concurrency", "utilization"},'
out=$("$S" sweep mc.lua --db x3.db --quiet --no-report 2>&1)
check "exp-4: mean_concurrency is a metric an experiment may name" "$?:$out" "0:"
i=0
for bad in 'record = {"interval"},' 'record = "intervals",' 'record = {"intervals", "intervals"},' 'record = {},'; do
  i=$((i + 1))
  mk bad.lua "$bad"
  out=$("$S" sweep bad.lua --db x2.db --quiet --no-report 2>&1)
  rc=$?
  check "exp-3.$i: $bad: refused before any run" "$([ "$rc" -ne 0 ] && echo refused):$([ -e x2.db ] && echo db)" "refused:"
  contains "exp-3.$i: names the file and the key" "$out" "bad.lua: record"
done

# ---- two exclusive units ------------------------------------------------------------
# Isolated times (tests/cases/profile.csv): A 4000 (a1 1000, a2 2000 leaving
# 8000 bytes: 2000 ns to save or restore at 4 GB/s, a3 1000), B 1000, C 6000.
# FCFS on 2 units: A (0) takes unit 1, C (500) unit 2, B (1000) waits for the
# first unit to free: unit 1 at 4000, runs 4000-5000.
#   unit 1: A 0-4000, B 4000-5000 -> busy 5000; unit 2: C 500-6500 -> 6000.
#   makespan 6500: utilization unit:1 = 5000/6500, unit:2 = 6000/6500,
#   all = their mean = 11000/13000.
#   Progressing requests: 1 over 0-500, 2 over 500-5000, 1 over 5000-6500:
#   area 500 + 2*4500 + 1500 = 11000 over 6500 ns with at least one:
#   mean_concurrency = 11000/6500.
printf 'arrival_ns,network,batch,priority\n0,A,1,1\n500,C,1,1\n1000,B,1,1\n' >fcfs2.csv
run --trace fcfs2.csv --policy np_fcfs --device-param units=2 --db k.db --record intervals >/dev/null
check "k2-fcfs-1: intervals on two units" "$(ivals k.db 1)" "0:1:0:4000:1:1 1:2:500:6500:1:1 2:1:4000:5000:1:1"
check "k2-fcfs-2: tasks.unit, migrations" \
  "$(q k.db "SELECT group_concat(task_id || ':' || unit || ':' || migrations, ' ') FROM tasks WHERE run_id = 1")" \
  "0:1:0 1:2:0 2:1:0"
check "k2-fcfs-3: utilization per unit and all, mean_concurrency" \
  "$(q k.db "SELECT group_concat(name || '/' || class || '=' || printf('%.9g', value), ' ') FROM (SELECT * FROM metrics
    WHERE run_id = 1 AND name IN ('utilization', 'mean_concurrency') ORDER BY name, class)")" \
  "mean_concurrency/all=1.69230769 utilization/all=0.846153846 utilization/unit:1=0.769230769 utilization/unit:2=0.923076923"
# A migration. The policy: highest priority first on the lowest free unit;
# with no unit free, a strictly better request preempts the worst holder
# (lowest priority) by checkpoint, on that holder's unit.
#   A (prio 5) at 0 on unit 1; B1 (prio 5) at 200 on unit 2, 200-1200;
#   B2 (prio 5) at 1100 finds no unit free and no worse holder (equal
#   priority never preempts): it waits, then runs on unit 2 1200-2200.
#   C (prio 9) at 1500: no unit free; the holders A and B2 have priority
#   5, the first found (unit 1 first) is the victim: A runs on to its
#   layer boundary at 3000 and saves 3000-5000; C runs on unit 1
#   5000-11000. A, ready at 5000, finds unit 2 free (since 2200): it
#   restores there 5000-7000 and runs a3 7000-8000: one migration.
#   Intervals (progress only): A 1:0-3000, B1 2:200-1200, B2 2:1200-2200,
#   C 1:5000-11000, A 2:7000-8000.
#   makespan 11000. unit 1 progressing 3000 + 6000 = 9000; unit 2 1000 +
#   1000 + 1000 = 3000: utilization 9000/11000, 3000/11000, all 12000/22000.
#   Progressing requests: 0-200 1, 200-2200 2, 2200-3000 1, 3000-5000 0
#   (A saving), 5000-7000 1 (C; A restoring does not progress), 7000-8000
#   2, 8000-11000 1: area 200 + 4000 + 800 + 2000 + 2000 + 3000 = 12000 over
#   9000 ns with at least one: mean_concurrency 12000/9000.
cat >worst.lua <<'EOF'
local P = {}
function P.schedule(sim)
  local best = sim.best("priority")
  if not best then return end
  local u = sim.free_unit()
  if u then sim.dispatch(best, {unit = u}) return end
  local worst
  for r in sim.placed() do
    if not worst or r.priority < worst.priority then worst = r end
  end
  if worst and best.priority > worst.priority then
    sim.dispatch(best, {unit = worst.unit, victim = worst, mech = "checkpoint"})
  end
end
return P
EOF
printf 'arrival_ns,network,batch,priority\n0,A,1,5\n200,B,1,5\n1100,B,1,5\n1500,C,1,9\n' >mig2.csv
run --trace mig2.csv --policy ./worst.lua --device-param units=2 --db k.db --record intervals >/dev/null
check "k2-mig-1: intervals, A resumed on unit 2" "$(ivals k.db 2)" \
  "0:1:0:3000:1:1 1:2:200:1200:1:1 2:2:1200:2200:1:1 3:1:5000:11000:1:1 0:2:7000:8000:1:1"
check "k2-mig-2: A first ran on unit 1 and migrated once" \
  "$(q k.db "SELECT group_concat(task_id || ':' || unit || ':' || migrations || ':' || start_ns || ':' || finish_ns, ' ') FROM tasks WHERE run_id = 2")" \
  "0:1:1:0:8000 1:2:0:200:1200 2:2:0:1200:2200 3:1:0:5000:11000"
check "k2-mig-3: utilization per unit and all" \
  "$(q k.db "SELECT group_concat(class || '=' || printf('%.9g', value), ' ') FROM (SELECT * FROM metrics
    WHERE run_id = 2 AND name = 'utilization' ORDER BY class)")" \
  "all=0.545454545 unit:1=0.818181818 unit:2=0.272727273"
check "k2-mig-4: mean_concurrency counts progressing requests only" \
  "$(q k.db "SELECT printf('%.9g', value) FROM metrics WHERE run_id = 2 AND name = 'mean_concurrency'")" \
  1.33333333
if command -v gnuplot >/dev/null 2>&1; then
  # Two units on the y axis; the one stop: A at 3 us on unit 1 (it finished at 8000).
  "$S" plot --gantt 2 --db k.db --out g >/dev/null 2>&1
  check "k2-gantt: two units, A's stop on unit 1" \
    "$?:$(grep -c 'set ytics 1,1,2' g/gantt_run2.gp):$(sed -n '/^# stops/,$p' g/gantt_run2.dat | tail -n +2)" "0:1:3 1"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
