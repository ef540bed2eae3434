#!/bin/sh
# FIKIT (TAP): the FIKIT support API (sim.segments, sim.stop, sim.metric)
# and its errors on the hand-computable GPU of tests/cases/fikit_gap_fill,
# then the quick variant of experiments/fikit.lua (2 model pairs, 1-2 LP
# tasks, every mode) on gpu-h100: all runs ok, the report written from the
# database, and the behaviour the reconstruction expects. Deterministic.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
case_dir=$root/tests/cases/fikit_gap_fill
out=$(pwd)
api() {   # the trace names its networks relative to the case directory
  (cd "$case_dir" && "$S" run --db "$out/api.db" --trace trace.csv --device gpu:tiny.dev \
    --device-param sharing=streams --device-param units=2 --policy "$root/tests/fikit/api.lua" \
    --param case="$1" --log "$out/api.log" --quiet >/dev/null 2>"$out/api.err")
  echo "exit $? $(grep -o 'sim\.[a-z]*: [^(]*\|metric name[^,]*\|must be a finite number' api.err | head -n 1)"
}
: >api.log
api profile >/dev/null
# hp.csv: gap 10000, a 3000, gap 7000, b 7000, gap 3000, c 3000 (the case's derivation).
check "fikit-api-1: sim.segments is the device's profile, kinds from seg_info" \
  "$(sed 's/^\[t=0\] //' api.log | tr '\n' ';')" \
  "1 gap a.op.gap 10000;2 kernel a.op 3000;3 gap b.add.gap 7000;4 kernel b.add 7000;5 gap c.op.gap 3000;6 kernel c.op 3000;"
check "fikit-api-2: sim.metric adds into policy.NAME per class" \
  "$("$S" query --csv api.db "SELECT name, class, value FROM metrics WHERE name LIKE 'policy.%' ORDER BY class" | tail -n +2 | tr '\n' ';')" \
  "policy.probe,all,3.5;policy.probe,tenant:x,7;"
check "fikit-api-3: sim.stop of a ready request is an error" "$(api stop_ready)" \
  "exit 1 sim.stop: request 0 is not running "
check "fikit-api-4: sim.stop by drain is an error" "$(api stop_drain)" \
  "exit 1 sim.stop: mechanism 'drain' stops nothing "
check "fikit-api-5: sim.stop past the last segment is an error" "$(api stop_past)" \
  "exit 1 sim.stop: segment 99 is past the last one of request 0 "
check "fikit-api-6: sim.metric refuses a bad name" "$(api metric_name)" \
  "exit 1 metric name 'Bad-Name' must be 1 to 24 characters of a-z"
check "fikit-api-7: sim.metric refuses NaN" "$(api metric_nan)" "exit 1 must be a finite number"

"$S" sweep "$root/experiments/fikit.lua" --quick --db f.db --report report.md --quiet >/dev/null 2>&1
q() { "$S" query --csv f.db "$1" | tail -n +2; }
jct() {   # jct PAIR NLP MODE TENANT-PATTERN: mean JCT of the matching tenants
  q "SELECT avg(j) FROM (SELECT max(t.finish_ns) AS j FROM tasks t JOIN run_summary r USING (run_id)
     WHERE r.status = 'ok' AND r.var_hp = 'closed' AND r.var_pair = '$1' AND r.var_nlp = $2 AND r.var_mode = '$3'
       AND t.tenant LIKE '$4' GROUP BY t.tenant)"
}
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? "yes" : "no (" a " >= " b ")" }'; }
check "fikit-e2e-1: quick sweep: 44 runs, all ok" "$(q "SELECT count(*), sum(status = 'ok') FROM runs")" "44,44"
# Exclusive HP JCT = 8 x the isolated time `predict --per-kernel` gives
# (kernels + gaps): resnet18 b1 2303404 ns, bert_base b1 6191522 ns.
for pe in resnet18__resnet50:18427232 bert_base__resnet50:49532176; do
  p=${pe%%:*}; e=${pe##*:}
  check "fikit-e2e-2 $p: HP JCT exclusive, and under fikit (exact profiles, no overrun)" \
    "$(jct $p 1 exclusive hp) $(jct $p 2 fikit hp)" "$e $e"
  check "fikit-e2e-3 $p: HP faster under fikit than time slicing, K = 1 and 2" \
    "$(lt "$(jct $p 1 fikit hp)" "$(jct $p 1 timeslice hp)") $(lt "$(jct $p 2 fikit hp)" "$(jct $p 2 timeslice hp)")" "yes yes"
  check "fikit-e2e-4 $p: LP faster under fikit than strict_prio" \
    "$(lt "$(jct $p 2 fikit 'lp%')" "$(jct $p 2 strict_prio 'lp%')")" yes
done
# HP gap time: 8 x resnet18's 1797123 ns of gaps (predict --per-kernel);
# what FIKIT filled must be some of it, and no more.
check "fikit-e2e-5: HP gap time counted; some of it filled, never more (resnet18/resnet50, K = 2)" \
  "$(q "SELECT g.value, f.value > 0 AND f.value <= g.value, n.value > 0 FROM metrics g
        JOIN metrics f ON f.run_id = g.run_id AND f.name = 'policy.filled_ns'
        JOIN metrics n ON n.run_id = g.run_id AND n.name = 'policy.gap_fills'
        JOIN run_summary r ON r.run_id = g.run_id WHERE r.var_hp = 'closed' AND r.var_pair = 'resnet18__resnet50'
        AND r.var_nlp = 2 AND r.var_mode = 'fikit' AND g.name = 'policy.hp_gap_ns'")" "14376984,1,1"
# Periodic HP task: every LP kernel of resnet50 b8 is shorter than the host
# time before the HP request's first kernel (33795 ns), so an LP kernel
# (the longest is 23509 ns, predict --per-kernel) stopped at an HP
# release never delays it: each HP request takes its
# isolated 2303404 ns, with or without the idle threshold.
check "fikit-e2e-7: periodic HP (resnet18/resnet50): latency = isolated under fikit, no delay counted" \
  "$(q "SELECT r.var_mode AS mode, avg(t.finish_ns - t.arrival_ns) AS lat, coalesce((SELECT value FROM metrics m
        WHERE m.run_id = r.run_id AND m.name = 'policy.hp_delay_ns'), 0) AS delay FROM tasks t JOIN run_summary r USING (run_id)
        WHERE r.var_hp = 'periodic' AND r.var_pair = 'resnet18__resnet50' AND r.var_mode IN ('fikit', 'fikit_idle0')
        AND t.tenant = 'hp' GROUP BY r.run_id ORDER BY r.var_mode" | tr '\n' ';')" \
  "fikit,2303404,0;fikit_idle0,2303404,0;"
check "fikit-e2e-6: report generated from the database" \
  "$(grep -c -e '^## FIKIT against' -e '^## Measured beside' -e '^## Checks of' -e '^## An HP task' -e '^## How this differs' report.md)" 5
echo "1..$n"
exit $((failed > 0))
