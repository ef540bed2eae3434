#!/bin/sh
# Task sets through the CLI and experiment files (TAP): bad input names the
# file, line and key, exits 1 and writes nothing; --tasks is exclusive with
# --trace/--format; jittered releases are deterministic per seed and per
# task; an experiment varies a task-set param as a grid axis; the run key
# follows the file's bytes and the overrides. Golden schedules are in
# tests/cases/tasks_*; the generator's exact releases in
# tests/unit/test_taskset.c.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
q() { "$S" query --csv "$1" "$2" | tail -n +2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/t_tasks.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
cp "$root/tests/cases/profile.csv" profile.csv
DEV="--device profile:profile.csv --policy np_fcfs"

# ---- bad input: FILE:LINE: key 'x', exit 1, no database -------------------
bad() { # bad NAME WANT_SUBSTRING TASKS_TEXT [run options...]
  name=$1 want=$2 text=$3
  shift 3
  rm -f bad.db
  printf '%s\n' "$text" > bad.tasks
  # shellcheck disable=SC2086
  "$S" run --db bad.db $DEV --tasks bad.tasks "$@" >/dev/null 2>err
  rc=$?
  msg=$(head -n 1 err)
  check "$name: exit 1" "$rc" 1
  contains "$name: message" "$msg" "$want"
  check "$name: nothing written" "$([ -e bad.db ] && echo db || echo none)" none
}
bad "unknown network on the device" "bad.tasks:2: key 'network': " \
  "set horizon_s=0.001
task a network=Z period_us=10"
bad "unknown batch on the device" "bad.tasks:1: key 'batch': " \
  "task a network=A batch=4 period_us=10 horizon_s=0.001"
bad "unknown key" "bad.tasks:1: key 'perod_us': unknown" \
  "task a network=A perod_us=10 horizon_s=0.001"
bad "bad number" "bad.tasks:1: key 'think_us': 'soon' is not a number of microseconds" \
  "task a network=A arrival=closed think_us=soon horizon_s=0.001"
bad "negative value" "bad.tasks:1: key 'phase_us': negative value '-1'" \
  "task a network=A period_us=10 phase_us=-1 horizon_s=0.001"
bad "missing horizon" "bad.tasks:1: key 'horizon_s': missing" \
  "task a network=A period_us=10"
bad "missing network" "bad.tasks:1: key 'network': missing" \
  "task a period_us=10 horizon_s=1"
bad "periodic without a period" "bad.tasks:1: key 'period_us': missing (required for arrival=periodic)" \
  "task a network=A horizon_s=1"
bad "poisson without a rate" "bad.tasks:1: key 'rate': missing (required for arrival=poisson)" \
  "task a network=A arrival=poisson horizon_s=1"
bad "duplicate task" "bad.tasks:3: key 'name': task 'a' is already defined on line 2" \
  "set horizon_s=1 period_us=10
task a network=A
task a network=B"
bad "undefined parameter" "bad.tasks:2: key 'period_us': undefined parameter \${P}" \
  "param Q=1
task a network=A period_us=\${P} horizon_s=1"
bad "override naming no param" "bad.tasks: parameter override 'R': the file has no \`param R=...\` line (its params: Q)" \
  "param Q=10
task a network=A period_us=\${Q} horizon_s=0.001" --tasks-param R=3
bad "override making a bad value" "bad.tasks:2: key 'period_us': '1x0' is not a number" \
  "param Q=10
task a network=A period_us=\${Q}0 horizon_s=0.001" --tasks-param Q=1x
rm -f bad.db
"$S" run --db bad.db $DEV --tasks missing.tasks >/dev/null 2>err
check "a missing file: exit 1" "$?" 1
contains "a missing file: named" "$(head -n 1 err)" "missing.tasks"

# ---- CLI exclusivity ------------------------------------------------------
printf 'arrival_ns,network\n0,A\n' > t.csv
printf 'task a network=A period_us=10 horizon_s=0.0001\n' > ok.tasks
usage() { # usage NAME WANT args...
  name=$1 want=$2
  shift 2
  rm -f u.db
  # shellcheck disable=SC2086
  "$S" run --db u.db $DEV "$@" >/dev/null 2>err
  rc=$?
  check "$name: exit 2" "$rc" 2
  contains "$name: message" "$(head -n 1 err)" "$want"
  check "$name: nothing written" "$([ -e u.db ] && echo db || echo none)" none
}
usage "--trace with --tasks" "--trace and --tasks are exclusive" --trace t.csv --tasks ok.tasks
usage "--tasks with --trace" "--trace and --tasks are exclusive" --tasks ok.tasks --trace t.csv
usage "--tasks with --format" "--format reads a trace; a task set (--tasks) has its own format" \
  --tasks ok.tasks --format mooncake
usage "--tasks-param without --tasks" "--tasks-param overrides a param of a task set: it needs --tasks FILE" \
  --trace t.csv --tasks-param A=1
usage "--tasks-param without =" "--tasks-param expects NAME=VALUE" --tasks ok.tasks --tasks-param A

# ---- determinism: one stream per task, from the run's seed ----------------
cat > j.tasks <<'EOF'
set horizon_s=0.001 deadline_us=20
task j network=B period_us=40 jitter_us=10
EOF
cat > j2.tasks <<'EOF'
set horizon_s=0.001 deadline_us=20
task other network=B arrival=poisson rate=20000
task j network=B period_us=40 jitter_us=10
EOF
rel() { q "$1" "SELECT group_concat(arrival_ns || ':' || deadline_ns, ' ') AS r FROM
  (SELECT arrival_ns, deadline_ns FROM tasks WHERE tenant = 'j' ORDER BY arrival_ns)"; }
"$S" run --db d1.db $DEV --tasks j.tasks --seed 7 --quiet >/dev/null
"$S" run --db d2.db $DEV --tasks j.tasks --seed 7 --quiet >/dev/null
"$S" run --db d3.db $DEV --tasks j.tasks --seed 8 --quiet >/dev/null
"$S" run --db d4.db $DEV --tasks j2.tasks --seed 7 --quiet >/dev/null
check "jitter: the same seed gives the same releases" "$(rel d1.db)" "$(rel d2.db)"
if [ "$(rel d1.db)" != "$(rel d3.db)" ]; then ok "jitter: another seed, other offsets"
else not_ok "jitter: another seed, other offsets" "seed 7 and 8 agree: $(rel d1.db)"; fi
check "jitter: another task in the file leaves this task's releases alone" "$(rel d4.db)" "$(rel d1.db)"
# 25 nominal releases (0, 40, ..., 960 us); offsets in [-10, 10] us, whole
# us; the first is clamped to >= 0; the relative deadline is kept.
check "jitter: 25 releases, offsets bounded and whole us, deadline + 20 us" \
  "$(q d1.db "SELECT count(*) AS n, sum(abs(arrival_ns - task_id * 40000) > 10000) AS far,
     sum((arrival_ns - task_id * 40000) % 1000 != 0) AS frac, sum(arrival_ns < 0) AS neg,
     sum(deadline_ns != arrival_ns + 20000) AS dl FROM tasks")" "25,0,0,0,0"
check "ids increase in release order" \
  "$(q d4.db "SELECT count(*) AS n FROM tasks a JOIN tasks b ON b.task_id = a.task_id + 1
     WHERE b.arrival_ns < a.arrival_ns")" "0"

# ---- an experiment with a tasks.NAME grid axis ----------------------------
mkdir -p exp
cp "$root/tests/cases/tasks_closed_queueing/loop.tasks" exp/loop.tasks
cp profile.csv exp/profile.csv
cat > exp/loop.lua <<'EOF'
return {
  name = "loop",
  fixed = { policy = "np_fcfs", device = "profile:profile.csv", tasks = "loop.tasks" },
  grid = { ["tasks.N"] = {1, 2} },
  metrics = {"count"},
}
EOF
"$S" sweep exp/loop.lua --db x.db >/dev/null 2>err
check "experiment: the sweep runs" "$?" 0
# N = 1: 667 requests, N = 2: 1001 (tests/cases/tasks_closed_queueing).
check "experiment: one run per tasks.N, with its param row and the tasks path" \
  "$(q x.db "SELECT p.value || ':' || (SELECT count(*) FROM tasks t WHERE t.run_id = r.run_id)
     || ':' || r.trace AS x FROM runs r JOIN params p USING (run_id) WHERE p.name = 'tasks.N'
     ORDER BY p.value" | tr '\n' ' ')" "1:667:exp/loop.tasks 2:1001:exp/loop.tasks "
"$S" sweep exp/loop.lua --db x.db >/dev/null 2>&1
check "experiment: a second sweep finds both runs done" "$(q x.db "SELECT count(*) FROM runs")" 2
cat > exp/bad.lua <<'EOF'
return {
  name = "bad",
  fixed = { policy = "np_fcfs", device = "profile:profile.csv", tasks = "loop.tasks",
            trace = "t.csv" },
}
EOF
"$S" sweep exp/bad.lua --db xb.db >/dev/null 2>err
contains "experiment: tasks with trace is refused" "$(cat err)" \
  "every grid point needs exactly one of trace = FILE, trace.gen = KIND or tasks = FILE"
cat > exp/bad2.lua <<'EOF'
return {
  name = "bad2",
  fixed = { policy = "np_fcfs", device = "profile:profile.csv", tasks = "loop.tasks",
            ["tasks.M"] = 3 },
}
EOF
"$S" sweep exp/bad2.lua --db xb.db >/dev/null 2>err
contains "experiment: an override naming no param is caught before running" "$(cat err)" \
  "parameter override 'M': the file has no"
check "experiment: nothing written for either" "$([ -e xb.db ] && echo db || echo none)" none

# ---- the run key: the file's bytes and the overrides ----------------------
cp "$root/tests/cases/tasks_closed_queueing/loop.tasks" k.tasks
key() { q k.db "SELECT run_key FROM runs WHERE run_id = $1"; }
"$S" run --db k.db $DEV --tasks k.tasks --quiet >/dev/null 2>&1
"$S" run --db k.db $DEV --tasks k.tasks --quiet >/dev/null 2>err
contains "run key: the same file again is not stored again" "$(cat err)" "has the same run key"
echo "# an edit" >> k.tasks
"$S" run --db k.db $DEV --tasks k.tasks --quiet >/dev/null 2>&1
"$S" run --db k.db $DEV --tasks k.tasks --tasks-param N=2 --quiet >/dev/null 2>&1
check "run key: an edited file and an override each make a new run" \
  "$(q k.db "SELECT count(DISTINCT run_key) FROM runs")" 3

echo "1..$n"
exit $((failed > 0))
