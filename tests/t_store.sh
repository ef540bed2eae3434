#!/bin/sh
# The results database (TAP): outputs that would overwrite it are refused,
# foreign files are left byte for byte, one current success per run key
# (concurrent sweeps, kill -9 and resume), superseded runs kept out of every
# view, the version-1 upgrade, merge, prune, task_times, query's numbers,
# statements and --schema. Expectations are worked out by hand in comments;
# tests/store/v1.sql says what each of its runs is for.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
q() { "$S" query --csv "$1" "$2" | tail -n +2; }
sum() { sha256sum "$1" | cut -c1-64; }
counts() { q "$1" "SELECT (SELECT count(*) FROM runs) || '/' || (SELECT count(*) FROM tasks) || '/' ||
  (SELECT count(*) FROM metrics) || '/' || (SELECT count(*) FROM params) AS c"; }
dev="profile:$root/tests/cases/profile.csv"
trace="$root/tests/cases/sched_np_fcfs/trace.csv"
run() { "$S" run --trace "$trace" --device "$dev" --quiet "$@"; }

# ---- outputs naming the database: refused before anything is written ------
run --db r.db --policy sjf >/dev/null 2>&1
mkdir sub
ln r.db hard.db
ln -s r.db sym.db
before="$(sum r.db) $(counts r.db)"
files=$(ls)
i=0
for spec in "r.db|r.db" "r.db|./sub/../r.db" "r.db|$work/r.db" "r.db|sym.db" "r.db|hard.db" \
            "sym.db|r.db" "sub/../r.db|hard.db" "r.db|r.db-wal" "r.db|r.db-shm"; do
  i=$((i + 1))
  db=${spec%%|*}
  log=${spec#*|}
  out=$(run --db "$db" --log "$log" --policy sjf --seed 2 2>&1)
  rc=$?
  check "out-1.$i: run --db $db --log $log: usage error (2)" "$rc" 2
  contains "out-1.$i: the message names both files" "$out" "--log $log is the results database $db"
  check "out-1.$i: the database is byte for byte as it was" "$(sum r.db) $(counts r.db)" "$before"
done
check "out-1.10: no file was created or removed by a refusal" "$(ls)" "$files"
out=$(run --db r.db --log other.log --policy sjf --seed 2 2>&1)
check "out-1.11: a log beside the database is fine" "$?:$(q r.db "SELECT count(*) FROM runs")" "0:2"
cp r.db keep.db
before="$(sum r.db) $(counts r.db)"
cat >exp.lua <<EOF
return { name = "tiny", grid = { seed = {1} },
  fixed = { policy = "sjf", device = "$dev", trace = "$trace" },
  report = function(db) return "x\n" end }
EOF
out=$("$S" sweep exp.lua --db r.db --report ./r.db --quiet 2>&1)
check "out-2.1: sweep --report over the database: usage error" "$?" 2
contains "out-2.1: message" "$out" "--report ./r.db is the results database r.db"
check "out-2.2: database as it was" "$(sum r.db) $(counts r.db)" "$before"
out=$("$S" report exp.lua --db r.db --out hard.db 2>&1)
check "out-2.3: report --out over the database: refused (1)" "$?" 1
contains "out-2.3: message" "$out" "report hard.db is the results database r.db"
check "out-2.4: database as it was" "$(sum r.db) $(counts r.db)" "$before"
for cmd in "run --trace $trace --device $dev --policy sjf" "sweep exp.lua"; do
  # shellcheck disable=SC2086
  out=$("$S" $cmd --db '' 2>&1)
  check "out-3: $(echo "$cmd" | cut -d' ' -f1) --db '': usage error" "$?" 2
  contains "out-3: message" "$out" "--db expects a file name, got ''"
done
out=$("$S" merge '' r.db 2>&1)
check "out-3.3: merge '' IN: usage error" "$?" 2

# ---- foreign files: refused, left byte for byte ----------------------------
printf 'id,arrival\n1,2\n' >notes.csv
cp notes.csv notes.orig
out=$(run --db notes.csv --policy sjf 2>&1)
check "foreign-1.1: run into a text file: exit 1" "$?" 1
contains "foreign-1.1: message" "$out" "notes.csv: not an SQLite database; refusing to write schedlab results into it"
check "foreign-1.2: text file unchanged, no side files" "$(cmp notes.csv notes.orig && ls notes.csv-* 2>/dev/null)" ""
sqlite3 other.db "CREATE TABLE people(name TEXT); INSERT INTO people VALUES ('ada');"
cp other.db other.orig
out=$(run --db other.db --policy sjf 2>&1)
check "foreign-2.1: run into another program's SQLite file: exit 1" "$?" 1
contains "foreign-2.1: message" "$out" "other.db: an SQLite database that is not a schedlab results database (no meta.schema_version); refusing to add tables to it"
out=$("$S" sweep exp.lua --db other.db --quiet --no-report 2>&1)
check "foreign-2.2: sweep into it: exit 1" "$?" 1
contains "foreign-2.2: message" "$out" "not a schedlab results database"
out=$("$S" merge other.db r.db 2>&1)
check "foreign-2.3: merge into it: exit 1" "$?" 1
out=$("$S" prune other.db --superseded 2>&1)
check "foreign-2.4: prune it: exit 1" "$?" 1
check "foreign-2.5: the file is byte for byte as it was" "$(cmp other.db other.orig && ls other.db-* other.db.merging 2>/dev/null)" ""
: >empty.db
run --db empty.db --policy sjf >/dev/null 2>&1
check "foreign-3: an empty file becomes a results database" "$?:$(q empty.db "SELECT count(*) FROM runs")" "0:1"

# ---- one success per run key -----------------------------------------------
before="$(sum r.db) $(counts r.db)"
out=$(run --db r.db --policy sjf 2>&1)
check "dup-1.1: the same run again: exit 0, the stored run's id" "$?:$(echo "$out" | tail -n 1)" "0:1"
contains "dup-1.1: says why" "$out" "run 1 in r.db has the same run key (identical inputs): not stored again"
check "dup-1.2: nothing written" "$(sum r.db) $(counts r.db)" "$before"
out=$(sqlite3 r.db "INSERT INTO runs(run_key, policy, device, trace, seed, status, engine_version, started_at)
  SELECT run_key, policy, device, trace, seed, 'ok', engine_version, started_at FROM runs WHERE run_id = 1" 2>&1)
contains "dup-1.3: the database itself refuses a second current success of a key" "$out" "UNIQUE constraint failed: runs.run_key"
check "dup-1.4: and keeps what it had" "$(counts r.db)" "${before#* }"

# 3 policies x 6 seeds = 18 keys; traces of 20000 requests, so runs take a while.
cat >dup.lua <<EOF
return {
  name = "dup",
  grid = { policy = {"np_fcfs", "sjf", "p_hpf"}, seed = {1, 2, 3, 4, 5, 6} },
  fixed = {
    device = "$dev",
    ["trace.gen"] = "poisson", ["trace.n"] = 20000, ["trace.load"] = 0.8,
    ["trace.networks"] = {"A", "B", "C"}, ["trace.priorities"] = {1, 3, 9},
  },
}
EOF
"$S" sweep dup.lua --db c.db --jobs 2 --quiet --no-report >/dev/null 2>&1 &
p1=$!
"$S" sweep dup.lua --db c.db --jobs 2 --quiet --no-report >/dev/null 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
check "dup-2.1: two sweeps of one experiment into one database at once: both exit 0" "$r1:$?" "0:0"
check "dup-2.2: ok runs = distinct keys = grid size, none superseded" \
  "$(q c.db "SELECT count(*), count(DISTINCT run_key), sum(superseded) FROM runs WHERE status = 'ok'")" "18,18,0"
check "dup-2.3: every run has its 20000 tasks" \
  "$(q c.db "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM tasks t WHERE t.run_id = r.run_id) != 20000")" 0
check "dup-2.4: policy_summary counts each seed once: n = 6 for every policy" \
  "$(q c.db "SELECT count(*), min(n), max(n) FROM policy_summary WHERE metric = 'antt' AND class = 'all'")" "3,6,6"

# kill -9 the master at random moments; its workers must die with it.
left=0
killed=0
i=0
while [ $i -lt 8 ]; do
  i=$((i + 1))
  "$S" sweep dup.lua --db k.db --jobs 2 --quiet --no-report >/dev/null 2>&1 &
  m=$!
  sleep "0.$(awk -v s=$i 'BEGIN { srand(s * 7919); printf "%d", 1 + rand() * 8 }')"
  kids=$(pgrep -P $m)
  kill -KILL $m 2>/dev/null && killed=$((killed + 1))
  wait $m 2>/dev/null
  sleep 0.05
  for k in $kids; do
    state=$(awk '{ print $3 }' "/proc/$k/stat" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ] && left=$((left + 1))
  done
done
check "dup-3.1: no worker outlives its master (8 kill -9s, $killed hit a live master)" "$left" 0
"$S" sweep dup.lua --db k.db --jobs 2 --quiet --no-report >/dev/null 2>&1
check "dup-3.2: after the kills, the resumed sweep exits 0" "$?" 0
check "dup-3.3: ok runs = distinct keys = grid size, none superseded" \
  "$(q k.db "SELECT count(*), count(DISTINCT run_key), sum(superseded) FROM runs WHERE status = 'ok'")" "18,18,0"
check "dup-3.4: no half-written run" \
  "$(q k.db "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM tasks t WHERE t.run_id = r.run_id) != 20000")" 0

# ---- superseded: a grid point run again with different inputs --------------
# sup.lua: 2 policies x 2 seeds on a trace file. Changing the trace file
# changes every key but no (experiment, point, seed): the second sweep
# supersedes all 4 runs of the first.
cp "$trace" t.csv
cat >sup.lua <<EOF
return { name = "sup", baseline = "np_fcfs", grid = { policy = {"np_fcfs", "sjf"}, seed = {1, 2} },
  fixed = { device = "$dev", trace = "$work/t.csv" } }
EOF
"$S" sweep sup.lua --db s.db --jobs 1 --quiet --no-report >/dev/null 2>&1
first=$(q s.db "SELECT group_concat(run_id, ' ') FROM (SELECT run_id FROM runs ORDER BY run_id)")
echo 3000,A,1 >>t.csv
"$S" sweep sup.lua --db s.db --jobs 1 --quiet --no-report >/dev/null 2>&1
check "sup-1.1: 8 runs, 8 keys, the first 4 superseded" \
  "$(q s.db "SELECT count(*), count(DISTINCT run_key), group_concat(run_id, ' ') FILTER (WHERE superseded = 1) FROM runs")" "8,8,$first"
check "sup-1.2: run_metrics holds only the second sweep's runs" \
  "$(q s.db "SELECT count(DISTINCT run_id), min(run_id) FROM run_metrics")" "4,5"
check "sup-1.3: policy_summary: n = 2 seeds, not 4" \
  "$(q s.db "SELECT count(*), max(n) FROM policy_summary WHERE metric = 'antt' AND class = 'all'")" "2,2"
check "sup-1.4: vs_baseline pairs current runs only" \
  "$(q s.db "SELECT count(*), min(run_id) FROM vs_baseline WHERE metric = 'antt' AND class = 'all'")" "4,5"
check "sup-1.5: run_summary lists current runs only" "$(q s.db "SELECT count(*), min(run_id) FROM run_summary")" "4,5"
check "sup-1.6: the new runs count 5 requests" "$(q s.db "SELECT DISTINCT n_tasks FROM runs WHERE superseded = 0")" 5
out=$("$S" sweep sup.lua --db s.db --jobs 1 --dry-run 2>/dev/null | tail -n 1)
check "sup-1.7: nothing left to do" "$out" "4 runs, 4 already done, 0 to run"
# Back to the first trace: its keys are stored but superseded, so they run
# again and become current; the old copies stay superseded.
cp "$trace" t.csv
"$S" sweep sup.lua --db s.db --jobs 1 --quiet --no-report >/dev/null 2>&1
check "sup-2.1: 12 runs, one current per grid point and seed" \
  "$(q s.db "SELECT count(*), sum(superseded = 0), min(run_id) FILTER (WHERE superseded = 0) FROM runs")" "12,4,9"
check "sup-2.2: one current success per key" \
  "$(q s.db "SELECT count(*) FROM (SELECT run_key FROM runs WHERE status = 'ok' AND superseded = 0 GROUP BY run_key HAVING count(*) > 1)")" 0

# ---- the upgrade from schema version 1 --------------------------------------
sqlite3 v1.db <"$root/tests/store/v1.sql"
cp v1.db v1.orig
check "v1-1: query reads a version-1 database as it is (n = 4 pooled runs)" \
  "$(q v1.db "SELECT n FROM policy_summary WHERE metric = 'antt' AND experiment = 'e'"):$(cmp v1.db v1.orig && echo same)" "4:same"
out=$("$S" prune v1.db --before 1970-01-01 2>&1)
check "v1-2: any writer upgrades it to version 4 (prune that removes nothing)" "$?:$(q v1.db "SELECT value FROM meta")" "0:4"
# Hand-computed (see v1.sql): 1 and 2 superseded by 3 (same point, later);
# 2 also by nothing else; 6 by 7 (same key, same second, larger id).
check "v1-3: superseded computed from what was stored" \
  "$(q v1.db "SELECT group_concat(run_id || ':' || superseded, ' ') FROM runs")" "1:1 2:1 3:0 4:0 5:0 6:1 7:0"
check "v1-4: nothing stored was deleted" "$(counts v1.db)" "7/4/7/2"
check "v1-5: views rebuilt: policy_summary over runs 3 and 4 (antt 3 and 5)" \
  "$(q v1.db "SELECT n, mean FROM policy_summary WHERE metric = 'antt' AND experiment = 'e'")" "2,4"
check "v1-6: vs_baseline over current runs" "$(q v1.db "SELECT group_concat(run_id, ' ') FROM vs_baseline WHERE metric = 'antt'")" "3 4"
check "v1-7: the unique index is there" \
  "$(q v1.db "SELECT count(*) FROM sqlite_master WHERE name = 'runs_one_ok_per_key'")" 1

# ---- merge -------------------------------------------------------------------
sqlite3 m1.db <"$root/tests/store/v1.sql"
"$S" merge m.db m1.db s.db >/dev/null 2>&1
# From v1.sql runs 1 to 6 (7 repeats 6 identically in the same second; 2
# repeats 1 a day later, so it is kept as the later copy); from s.db all 12,
# since its third sweep re-ran the first's keys after the second superseded
# them. Superseded: runs 1 and 2 (by 3), s.db's first and second sweeps (8).
# Current successes: 3, 4, 6 and s.db's third sweep.
check "merge-1: a version-1 shard and a version-2 one: every run, superseded recomputed" \
  "$(q m.db "SELECT count(*), sum(superseded), count(*) FILTER (WHERE status = 'ok' AND superseded = 0) FROM runs")" "18,10,7"
check "merge-1.2: the current runs of sup are the third sweep's (the latest)" \
  "$(q m.db "SELECT count(*) FROM runs m JOIN runs x ON x.run_key = m.run_key AND x.superseded = 1 WHERE m.experiment = 'sup' AND m.superseded = 0")" 4
check "merge-2: one current success per key" \
  "$(q m.db "SELECT count(*) FROM (SELECT run_key FROM runs WHERE status = 'ok' AND superseded = 0 GROUP BY run_key HAVING count(*) > 1)")" 0
out=$("$S" merge m.db s.db 2>&1 | tail -n 1)
contains "merge-3: merging a shard again adds nothing" "$out" "0 run(s) added"

# ---- prune -------------------------------------------------------------------
cp v1.db p.db
before="$(sum p.db) $(counts p.db)"
out=$("$S" prune p.db 2>&1)
check "prune-1.1: no selector: usage error" "$?" 2
contains "prune-1.1: message" "$out" "say which runs to remove"
out=$("$S" prune p.db --before 2026-13-01 2>&1)
check "prune-1.2: a bad date: usage error" "$?" 2
contains "prune-1.2: message" "$out" "--before expects YYYY-MM-DD"
out=$("$S" prune p.db --superseded --superseded 2>&1)
check "prune-1.3: a selector twice: usage error" "$?" 2
check "prune-1.4: the database as it was" "$(sum p.db) $(counts p.db)" "$before"
out=$("$S" prune nothere.db --superseded 2>&1)
check "prune-1.5: a missing database: exit 1, no file made" "$?:$(ls nothere.db* 2>/dev/null)" "1:"
# --superseded --experiment e: runs 1 and 2 (run 6 has no experiment): 2 runs, 2 metrics.
out=$("$S" prune p.db --superseded --experiment e)
check "prune-2.1: selectors combine" "$(echo "$out" | tail -n 1)" \
  "removed 2 run(s): 0 task row(s), 2 metric row(s), 0 param row(s)"
contains "prune-2.1: per experiment" "$out" "  e: 2 run(s) (2 superseded, 0 failed)"
check "prune-2.2: what is left" "$(q p.db "SELECT group_concat(run_id, ' ') FROM runs")" "3 4 5 6 7"
check "prune-2.3: no orphan rows" "$(q p.db "SELECT count(*) FROM metrics WHERE run_id NOT IN (SELECT run_id FROM runs)")" 0
# --before 2026-01-03: started before it: run 4 (2026-01-01T12:00:00Z).
out=$("$S" prune p.db --before 2026-01-03 | tail -n 1)
check "prune-3: --before compares started_at" "$out:$(q p.db "SELECT group_concat(run_id, ' ') FROM runs")" \
  "removed 1 run(s): 0 task row(s), 1 metric row(s), 1 param row(s):3 5 6 7"
# --experiment e: runs 3 (2 tasks, 2 metrics, 1 param) and 5 (failed).
out=$("$S" prune p.db --experiment e | tail -n 1)
check "prune-4: --experiment takes failed runs too" "$out" \
  "removed 2 run(s): 2 task row(s), 2 metric row(s), 1 param row(s)"
# --before 2026-01-05T00:00:01Z: runs 6 and 7 (2026-01-05T00:00:00Z).
"$S" prune p.db --before 2026-01-05T00:00:01Z >/dev/null
check "prune-5: nothing left" "$(counts p.db)" "0/0/0/0"
# Run 7 deleted behind schedlab's back: any prune recomputes superseded, so
# run 6, the older success of its key, is current again.
cp v1.db p.db
sqlite3 p.db "DELETE FROM runs WHERE run_id = 7"
"$S" prune p.db --experiment nosuch >/dev/null
check "prune-6: an older success whose replacement went is current again" \
  "$(q p.db "SELECT group_concat(run_id || ':' || superseded, ' ') FROM runs")" "1:1 2:1 3:0 4:0 5:0 6:0"

# ---- task_times and query ---------------------------------------------------
check "tasks-1: task_times: latency_ns = finish_ns - arrival_ns, NULL when unfinished" \
  "$(q v1.db "SELECT group_concat(run_id || '.' || seq || '=' || coalesce(latency_ns, 'NULL'), ' ') FROM task_times")" \
  "3.0=250 3.1=NULL 6.0=12345678901 7.0=12345678901"
check "tasks-2: task_times has every tasks column (25 since version 4), and latency_ns" \
  "$(q v1.db "SELECT count(*) FROM pragma_table_info('task_times')")" 26
check "csv-1: integral REALs print as integers, others keep their digits" \
  "$(q v1.db "SELECT value, 2.5, 1.0 / 3 FROM metrics WHERE run_id = 7")" "12345678901,2.5,0.3333333333333333"
check "csv-2: a REAL with a fraction stays a REAL" "$(q v1.db "SELECT value FROM metrics WHERE name = 'x'")" 0.1
out=$("$S" query --csv v1.db "SELECT 1 AS a; SELECT 2 AS b")
check "query-1: several statements: each result, in order" "$(echo $out)" "a 1 b 2"
out=$("$S" query --csv v1.db "SELECT 1 AS a; SELEC 2; SELECT 3 AS c" 2>err)
check "query-2: a failing statement stops the rest: exit 1" "$?:$(echo $out)" "1:a 1"
contains "query-2: names the statement" "$(cat err)" "query: statement 2: near \"SELEC\": syntax error"
before="$(sum v1.db) $(counts v1.db)"
out=$("$S" query v1.db "SELECT 1; DELETE FROM runs" 2>&1)
check "query-3: a write is refused: exit 1" "$?" 1
contains "query-3: message" "$out" "statement 2: attempt to write a readonly database (query opens the database read-only)"
check "query-3: the database as it was" "$(sum v1.db) $(counts v1.db)" "$before"

# ---- --schema ---------------------------------------------------------------
"$S" query s.db --schema >schema.txt 2>schema.err
check "schema-1: exit 0, every column described" "$?:$(grep -c 'no description' schema.txt):$(cat schema.err)" "0:0:"
objs=$(q s.db "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite%'")
cols=$(q s.db "SELECT count(*) FROM sqlite_master m, pragma_table_info(m.name) WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite%'")
check "schema-2: one line per table or view and per column" \
  "$(grep -c '^table \|^view ' schema.txt) $(grep -c '^  ' schema.txt)" "$objs $cols"
contains "schema-3: runs.superseded explained" "$(cat schema.txt)" "  superseded             1: a later success"
contains "schema-4: task_times.latency_ns explained" "$(cat schema.txt)" "  latency_ns             finish_ns - arrival_ns"
# The check can fail: a column nobody described is reported.
cp s.db u.db
sqlite3 u.db "CREATE VIEW zz AS SELECT 1 AS mystery"
"$S" query u.db --schema >u.txt 2>u.err
contains "schema-5: an undescribed column shows" "$(grep mystery u.txt)" "(no description)"
contains "schema-5: and is counted on stderr" "$(cat u.err)" "2 table(s) or column(s) without a description"

echo "1..$n"
[ "$failed" -eq 0 ]
