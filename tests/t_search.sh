#!/bin/sh
# Rate search in experiment files (TAP): experiments/README.md, "Rate
# search". Fixtures in tests/search/; runs in a scratch directory.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
fx="$root/tests/search"
S=$SCHEDLAB
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
q() { "$S" query --csv "$1" "$2" | tail -n +2; }
# The value of the searched key of each run, and a metric of class all.
probes() { q "$1" "SELECT group_concat(v, ' ') FROM (SELECT p.value AS v FROM runs r JOIN params p
  USING (run_id) WHERE p.name = 'trace.utilization' AND r.policy = '$2' ORDER BY p.value + 0)"; }
res() { q "$1" "SELECT p.value, m.value FROM runs r JOIN params p USING (run_id) JOIN metrics m
  USING (run_id) WHERE p.name = 'trace.utilization' AND r.policy = '$2' AND m.name = '$3'"; }

# exact.lua: one periodic task of 1000 ns at utilization U, served in 1000
# ns: no queueing (max_ntt = 1) iff U <= 1. Grid 0.25 0.5 0.75 pass, 1.25
# fails (25 releases every 800 ns up to 19200; the last finishes at 25000:
# max_ntt 5.8). Bisection from [0.75, 1.25], tolerance 1% of the lower end:
# 1 passes (a release exactly at each completion), then 1.125, 1.0625,
# 1.03125, 1.01562 (1.015625 on 6 digits) and 1.00781 fail; 1.00781 - 1 <=
# 0.01 stops. Found: 1, bound 1.00781, stored on the run at U = 1.
"$S" sweep "$fx/exact.lua" --db e.db --jobs 2 --quiet --no-report >/dev/null 2>err.txt
check "search-1.1: grid and bisection probes, each a stored run (np_fcfs)" "$(probes e.db np_fcfs)" \
  "0.25 0.5 0.75 1 1.00781 1.01562 1.03125 1.0625 1.125 1.25 1.5"
check "search-1.2: the same for the second grid point (sjf)" "$(probes e.db sjf)" \
  "0.25 0.5 0.75 1 1.00781 1.01562 1.03125 1.0625 1.125 1.25 1.5"
check "search-1.3: found 1, on the run at U = 1" "$(res e.db np_fcfs search_max)" "1,1"
check "search-1.4: the lowest failing probe" "$(res e.db np_fcfs search_bound)" "1,1.00781"
check "search-1.5: sjf finds the same" "$(res e.db sjf search_max)" "1,1"
check "search-1.6: a failing grid probe: max_ntt 5.8 at U = 1.25" \
  "$(q e.db "SELECT m.value FROM runs r JOIN params p USING (run_id) JOIN metrics m USING (run_id)
     WHERE p.name = 'trace.utilization' AND p.value = 1.25 AND r.policy = 'np_fcfs'
     AND m.name = 'max_ntt' AND m.class = 'all'")" "5.8"
out=$("$S" sweep "$fx/exact.lua" --db e.db --jobs 2 --no-report 2>/dev/null | head -n 1)
check "search-1.7: a second sweep runs nothing again (22 probes)" "$out" \
  "sweep exact: 22 runs: 22 done before, 0 ok, 0 failed"
check "search-1.8: and finds the same" "$(res e.db sjf search_max) $(q e.db "SELECT count(*) FROM metrics WHERE name LIKE 'search_%'")" "1,1 4"

# --quick: values 1.25 and 1.5 only: none passes, nothing to bisect:
# search_max 0 and the bound 1.25 on the lowest probe.
"$S" sweep "$fx/exact.lua" --db x.db --quick --quiet --no-report >/dev/null 2>&1
check "search-2.1: quick: no value passes" "$(res x.db np_fcfs search_max) $(res x.db np_fcfs search_bound)" \
  "1.25,0 1.25,1.25"
# capped.lua: 0.5 and 0.9 both pass: the largest, no bound.
"$S" sweep "$fx/capped.lua" --db c.db --quiet --no-report >/dev/null 2>&1
check "search-2.2: every value passes: the largest, no bound" \
  "$(res c.db np_fcfs search_max) $(q c.db "SELECT count(*) FROM metrics WHERE name = 'search_bound'")" "0.9,0.9 0"

# Mistakes, before anything runs.
bad() { # bad NAME SEARCH-TABLE WANT
  sed "s|  search = {.*|  search = $2,|; /^             metric = /d; s|profile:../cases|profile:$root/tests/cases|" \
    "$fx/capped.lua" >bad.lua
  out=$("$S" sweep bad.lua --db b.db --dry-run 2>&1)
  contains "$1" "$out" "$3"
}
bad "search-3.1: key also fixed" '{ key = "trace.tasks", values = {1}, metric = "antt", at_most = 1 }' \
  "search.key 'trace.tasks' is also a grid axis or a fixed value"
bad "search-3.2: values not ascending" '{ key = "trace.utilization", values = {1, 0.5}, metric = "antt", at_most = 1 }' \
  "search.values[2] must be a number > 0, greater than the one before it"
bad "search-3.3: no target" '{ key = "trace.utilization", values = {1}, metric = "antt" }' \
  "search needs one of at_least = NUMBER or at_most = NUMBER"
bad "search-3.4: not a searchable key" '{ key = "policy", values = {1}, metric = "antt", at_most = 1 }' \
  "search.key 'policy' must be a trace.NAME, param.NAME, device.NAME or var.NAME key"
bad "search-3.5: unknown metric" '{ key = "trace.utilization", values = {1}, metric = "antz", at_most = 1 }' \
  "search: unknown metric 'antz'"
out=$("$S" sweep "$fx/capped.lua" --db s.db --shard 0/2 2>&1)
contains "search-3.6: no shards" "$out" "a rate search (search = ...) cannot run in shards"
out=$("$S" sweep "$fx/capped.lua" --db s.db --emit-slurm 2>&1)
contains "search-3.7: no Slurm array" "$out" "a rate search (search = ...) cannot run in shards (--emit-slurm)"
echo "1..$n"
[ "$failed" -eq 0 ]
