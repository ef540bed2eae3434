#!/bin/sh
# PREMA on a cluster of NPUs, end to end (TAP): the quick variant of
# experiments/cluster.lua (3 workloads per configuration: 4 policies x K = 1,
# 2, 4, 8 units, and the control on one NPU K = 2, 4, 8 times as fast), its
# report and figures, and what "K units behind one queue" must mean, read
# back from the tasks of the runs:
#   - NP-FCFS never preempts, so each request runs in one interval
#     [start, finish); on K units at most K of them overlap at any instant,
#     and with 8 x K requests arriving in a window far shorter than their
#     work, all K are used: the largest overlap is exactly K;
#   - NP-FCFS on K units is work-conserving: a request that waited started
#     at the instant another finished (a unit freed), never in between;
#   - equal load per unit: the workload of K units holds 8 x K requests, and
#     the control replays exactly the same requests (network, batch,
#     priority, arrival) as the K units.
# The quick sweep is deterministic, so these are exact checks on fixed data.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
S=$SCHEDLAB
# Its own scratch folder: tests/run runs every script in one directory.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
. "$root/tests/tap.sh"
q() { "$S" query --csv c.db "$1" | tail -n +2; }
# run ids of a policy at K units
runs() {
  echo "SELECT r.run_id FROM runs r JOIN params k ON k.run_id = r.run_id AND k.name = 'var.units'
        JOIN params s ON s.run_id = r.run_id AND s.name = 'var.study' AND s.value = 'cluster'
        WHERE r.experiment = 'cluster' AND r.status = 'ok' AND r.policy = '$1' AND k.value = $2"
}

"$S" sweep "$root/experiments/cluster.lua" --quick --db c.db --report report.md --quiet >/dev/null 2>&1
check "cluster-1: quick sweep: 84 runs (48 on K units, 36 controls), all ok" \
  "$(q "SELECT count(*), sum(status = 'ok') FROM runs")" "84,84"
# requests per run, by study and K (12 runs each: 4 policies x 3 workloads)
check "cluster-2: 8 x K requests per workload, in both studies" \
  "$(q "SELECT group_concat(st || k || ':' || c, ' ') FROM (
          SELECT s.value AS st, CAST(k.value AS INTEGER) AS k, count(*) / 12 AS c
          FROM tasks t JOIN params k ON k.run_id = t.run_id AND k.name = 'var.size'
          JOIN params s ON s.run_id = t.run_id AND s.name = 'var.study' GROUP BY 1, 2 ORDER BY 1, 2)")" \
  "cluster1:8 cluster2:16 cluster4:32 cluster8:64 control2:16 control4:32 control8:64"
# the requests of a run, in arrival order, as one string
sig="(SELECT group_concat(x, ',') FROM (SELECT network || batch || '/' || priority || '@' || arrival_ns AS x
       FROM tasks WHERE run_id = r.run_id ORDER BY arrival_ns, seq))"
check "cluster-2b: the control replays the same requests as the K units" \
  "$(q "WITH x AS (SELECT s.value AS st, k.value AS k, r.seed, r.policy, $sig AS sg FROM runs r
          JOIN params k ON k.run_id = r.run_id AND k.name = 'var.size'
          JOIN params s ON s.run_id = r.run_id AND s.name = 'var.study')
        SELECT count(*), sum(a.sg = b.sg) FROM x a JOIN x b ON a.k = b.k AND a.seed = b.seed
          AND a.policy = b.policy AND a.st = 'cluster' AND b.st = 'control'")" "36,36"
for k in 1 2 4 8; do
  # largest number of NP-FCFS intervals that contain some request's start
  check "cluster-3.$k: NP-FCFS on $k units: at most $k run at once, and $k do" \
    "$(q "SELECT max(c) FROM (SELECT t.run_id, t.seq, (SELECT count(*) FROM tasks u WHERE u.run_id = t.run_id
            AND u.start_ns <= t.start_ns AND t.start_ns < u.finish_ns) AS c
          FROM tasks t WHERE t.run_id IN ($(runs np_fcfs $k)))")" "$k"
  check "cluster-4.$k: NP-FCFS on $k units starts a waiting request only when a unit frees" \
    "$(q "SELECT count(*) FROM tasks t WHERE t.run_id IN ($(runs np_fcfs $k)) AND t.start_ns > t.arrival_ns
          AND NOT EXISTS (SELECT 1 FROM tasks u WHERE u.run_id = t.run_id AND u.finish_ns = t.start_ns)")" 0
done
check "cluster-5: every request of every run finished" \
  "$(q "SELECT count(*) FROM tasks WHERE finish_ns IS NULL")" 0
check "cluster-6: preemptive policies preempt on several units" \
  "$(q "SELECT count(DISTINCT r.policy) FROM tasks t JOIN runs r ON r.run_id = t.run_id
        JOIN params k ON k.run_id = t.run_id AND k.name = 'var.units'
        WHERE k.value > 1 AND t.preemptions > 0")" 3
check "cluster-7: report generated from the database" \
  "$(grep -c -e '^## Load' -e '^## Results per K' -e '^## K NPUs against one NPU' -e "^## Does PREMA's gain" \
     -e '^## Why' report.md)" 5
check "cluster-8: report has a row per K and policy" \
  "$(sed -n '/^## Results per K/,/^## K NPUs/p' report.md | grep -c -E '^\| [1248] \| (NP-FCFS|SJF|P-HPF|PREMA) \|')" 16
"$S" plot "$root/experiments/cluster.lua" --quick --db c.db --out figs >/dev/null 2>&1
check "cluster-9: every figure drawn" "$(ls figs/*.png 2>/dev/null | wc -l) $(ls figs/*.svg 2>/dev/null | wc -l)" "5 5"
echo "1..$n"
[ "$failed" -eq 0 ]
