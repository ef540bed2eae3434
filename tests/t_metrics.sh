#!/bin/sh
# Metrics on open traces and the summaries that show them (TAP): busy-period
# groups and tenant classes in `run`'s summary, the sweep's closing table per
# grid point, and what `trace gen` says it wrote. Values are worked out by
# hand in the comments (the schedule is the one of
# tests/cases/metrics_groups_tenants, whose test.sh derives it).
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1
squeeze() { tr -s ' ' | sed 's/^ //; s/ $//'; }
case_dir="$root/tests/cases/metrics_groups_tenants"
dev="profile:$root/tests/cases/profile.csv"

# ---- run's summary ----------------------------------------------------------
# NP-FCFS: A 0-4000, B 4000-5000 | C 5000-11000, B 11000-12000, A 12000-16000.
# makespan 16000 ns = 0.016 ms; 5 requests / 16 us = 312500 req/s; busy 16000
# -> utilization 1. Two busy periods: stp 35/24 = 1.458, fairness 1/8,
# mean_np 7/12 = 0.583.
# Rows (n antt p99_ntt p50_ms p99_ms sla_5 preempt miss):
#   all: NTT 1 1 2 4 6, T 4 4 6 6 8 us: antt 2.8, p99 = x5 = 6, p50 = x3 = 6 us,
#        sla_5 4/5, deadlines missed 1 of 3
#   1 (A@0, C, B@6000): NTT 1 1 6, T 4 6 6 us: antt 8/3, p50 = x2 = 6 us, sla_5 2/3, miss 0/2
#   3 (B@1000, A@8000): NTT 4 2, T 4 8 us: antt 3, p99_ntt 4, p50 = x1 = 4 us, miss 1/1
#   tenant:x (A@0, C, A@8000): NTT 1 1 2, T 4 6 8 us: antt 4/3, miss 0/1
#   tenant:y (B@1000, B@6000): NTT 4 6, T 4 6 us: antt 5, sla_5 1/2, miss 1/2
out=$("$S" run --db r.db --trace "$case_dir/trace.csv" --policy np_fcfs --device "$dev" \
  --device-param bandwidth_gbps=4 2>&1)
check "metrics-run-1: exit 0" "$?" 0
check "metrics-run-2: makespan in ms, said to be simulated time" "$(echo "$out" | sed -n 2p)" \
  "  5 requests in 0.016 ms of simulated time: 312500.0 req/s, utilization 1.000, overhead 0.000 ms"
check "metrics-run-3: stp and fairness per busy period, mean_np" "$(echo "$out" | sed -n 3p)" \
  "  mean_np 0.583; per busy period (2 of them): stp 1.458, fairness 0.125"
check "metrics-run-4: header names the ms unit" "$(echo "$out" | sed -n 4p | squeeze)" \
  "class n antt p99_ntt p50_lat_ms p99_lat_ms sla_5 preempt miss"
check "metrics-run-5: rows per priority class and per tenant, times in ms" \
  "$(echo "$out" | sed -n '5,$p' | squeeze)" "all 5 2.800 6.00 0.006 0.008 0.800 0 0.333
1 3 2.667 6.00 0.006 0.006 0.667 0 0.000
3 2 3.000 4.00 0.004 0.008 1.000 0 1.000
tenant:x 3 1.333 2.00 0.006 0.008 1.000 0 0.000
tenant:y 2 5.000 6.00 0.004 0.006 0.500 0 0.500"
# The same requests labelled as one workload: STP is the sum 70/24 = 2.917,
# fairness min 1/12 / max 1 = 0.083.
out=$("$S" run --db r.db --trace "$case_dir/trace_wl.csv" --policy np_fcfs --device "$dev" \
  --device-param bandwidth_gbps=4 2>&1)
check "metrics-run-6: with a workload column the groups are the workloads" "$(echo "$out" | sed -n 3p)" \
  "  mean_np 0.583; per workload (1 of them): stp 2.917, fairness 0.083"

# ---- the sweep's closing table: one row per grid point -----------------------
# device.bandwidth_gbps takes 10 and 4 (numbers sort as numbers: 4 first); two
# seeds each. NP-FCFS never checkpoints, so every run has the same schedule:
# antt 2.8, p99 latency x5 = 8000 ns = 0.008 ms.
cat >t.lua <<LUA
return {
  name = "tbl",
  grid = { ["device.bandwidth_gbps"] = {10, 4}, seed = {1, 2} },
  fixed = { policy = "np_fcfs", device = "$dev", trace = "$case_dir/trace.csv" },
  metrics = {"antt", "p99_latency_ns"},
}
LUA
out=$("$S" sweep t.lua --db t.db --jobs 1 --no-report 2>/dev/null)
check "metrics-sweep-1: exit 0" "$?" 0
check "metrics-sweep-2: grouped by grid point, varying axes as columns, ns metrics in ms" \
  "$(echo "$out" | sed -n '/^mean over seeds per grid point/,$p' | squeeze)" "mean over seeds per grid point
device.bandwidth_gbps runs antt p99_latency_ms
4 2 2.8 0.008
10 2 2.8 0.008"

# ---- trace gen says what it wrote --------------------------------------------
out=$("$S" trace gen uniform n=5 window=1ms first_at_zero=true tenant=u:A:1:1 tenant=v:B:1:3 seed=3 \
  --device "$dev" --out g.csv 2>err)
rc=$?
first=$(awk -F, 'NR == 2 { printf "%.3f", $1 / 1e6 }' g.csv)
last=$(awk -F, 'END { printf "%.3f", $1 / 1e6 }' g.csv)
tenants=$(awk -F, 'NR > 1 && !s[$5]++ { printf "%s%s", n++ ? ", " : "", $5 }' g.csv)
ntenants=$(awk -F, 'NR > 1 { print $5 }' g.csv | sort -u | wc -l)
check "metrics-gen-1: --out: exit 0, the summary on stdout, nothing on stderr" "$rc/$(cat err)" "0/"
check "metrics-gen-2: path, rows, span and tenants of the file" "$out" \
  "wrote g.csv: 5 requests, arrivals $first ms to $last ms of simulated time, $ntenants tenant(s): $tenants"
check "metrics-gen-3: the first arrival is at 0 (first_at_zero), 5 rows" "$first $(($(wc -l <g.csv) - 1))" "0.000 5"
"$S" trace gen uniform n=5 window=1ms first_at_zero=true tenant=u:A:1:1 tenant=v:B:1:3 seed=3 \
  --device "$dev" >s.csv 2>err
check "metrics-gen-4: to stdout: the CSV alone on stdout, same bytes as --out" \
  "$(cmp -s s.csv g.csv && echo same)" same
check "metrics-gen-5: to stdout: the summary on stderr" "$(cat err)" \
  "wrote stdout: 5 requests, arrivals $first ms to $last ms of simulated time, $ntenants tenant(s): $tenants"
"$S" trace gen uniform n=5 networks=A --device "$dev" --out bad.csv >out 2>err
check "metrics-gen-6: a failed generation prints no summary and writes no file" \
  "$?/$(cat out)/$(ls bad.csv* 2>/dev/null)" "1//"

# ---- list networks without --device: the zoo and every profile table ----------
out=$("$S" list networks 2>&1)
check "metrics-list-1: exit 0" "$?" 0
zoo=$(ls "$root/traces/networks" | sed -n 's/\.csv$//p' | sort | tr '\n' ' ')
check "metrics-list-2: the zoo's networks under their heading" \
  "$(echo "$out" | sed -n '/^network zoo/,/^profile:/p' | sed -n 's/^  //p' | sort | tr '\n' ' ')" "$zoo"
check "metrics-list-3: then each shipped profile table with its batches" \
  "$(echo "$out" | grep -c "^profile:.*/traces/profiles/.*\.csv:$") $(echo "$out" | grep -c '^  resnet50 batch 1, 4, 16$')" \
  "$(ls "$root/traces/profiles"/*.csv | wc -l) 1"

echo "1..$n"
exit $((failed > 0))
