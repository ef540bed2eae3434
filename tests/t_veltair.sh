#!/bin/sh
# VELTAIR end to end (TAP): the quick variant of experiments/veltair.lua on
# cpu-server (2 mixes x 5 policy variants, a rate search each), its report,
# and the structure of its block dispatches. Runs in a scratch directory.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
q() { "$S" query --csv v.db "$1" | tail -n +2; }

start=$(date +%s)
"$S" sweep "$root/experiments/veltair.lua" --quick --db v.db --jobs 2 --report report.md --quiet \
  >/dev/null 2>err.txt
secs=$(( $(date +%s) - start ))
check "veltair-1: quick sweep: every run ok" "$(q "SELECT count(*) = sum(status = 'ok') FROM runs")" 1
# 2 mixes x (model_fcfs, layer_wise, block_fixed, veltair adaptive and single): 10 searches.
check "veltair-2: one search result per mix and policy variant" \
  "$(q "SELECT count(*) FROM metrics WHERE name = 'search_max'")" 10
check "veltair-3: grid probes 0.1 0.35 1 for each" \
  "$(q "SELECT count(*) FROM params WHERE name = 'trace.load' AND value IN (0.1, 0.35, 1)")" 30
# Every policy states its demand: each run has a conflict rate. model_fcfs
# makes exactly one block dispatch per request (the whole model), layer_wise
# one per layer: more than block_fixed (20-layer blocks), more than model_fcfs.
check "veltair-4: every run has conflict_rate and underalloc_ns" \
  "$(q "SELECT count(*) FROM metrics WHERE name = 'conflict_rate'") $(q "SELECT count(*) FROM metrics WHERE name = 'underalloc_ns'")" \
  "$(q "SELECT count(*) FROM runs") $(q "SELECT count(*) FROM runs")"
check "veltair-5: model_fcfs: one block dispatch per request" \
  "$(q "SELECT count(*) FROM runs r JOIN metrics b ON b.run_id = r.run_id AND b.name = 'block_dispatches'
        JOIN metrics c ON c.run_id = r.run_id AND c.name = 'count' AND c.class = 'all'
        WHERE r.policy = 'model_fcfs' AND b.value != c.value")" 0
bd() { q "SELECT avg(b.value / c.value) FROM runs r JOIN metrics b ON b.run_id = r.run_id AND b.name = 'block_dispatches'
          JOIN metrics c ON c.run_id = r.run_id AND c.name = 'count' AND c.class = 'all' WHERE r.policy = '$1'"; }
check "veltair-6: blocks per request: layer_wise > block_fixed > model_fcfs" \
  "$(awk -v l="$(bd layer_wise)" -v b="$(bd block_fixed)" -v m="$(bd model_fcfs)" 'BEGIN { print (l > b && b > m) ? "yes" : l " " b " " m }')" yes
contains "veltair-7: report from the database" "$(cat report.md)" "| light | veltair |"
contains "veltair-8: the paper's headline beside it" "$(cat report.md)" "+71%"
check "veltair-9: quick mode well under a minute" "$([ "$secs" -lt 40 ] && echo yes || echo "no: ${secs}s")" yes
echo "1..$n"
[ "$failed" -eq 0 ]
