#!/bin/sh
# The summary views (TAP): policy_summary's lo/hi stay inside each metric's
# domain, and grid axes are columns named without dots that select exactly
# their rows. The database is made by hand: one real run creates the schema,
# rows are inserted with SQL, and a second run rebuilds the views.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
near() { # near NAME GOT WANT: equal to 4 decimals
  if awk -v a="$2" -v b="$3" 'BEGIN { d = a - b; exit !(a != "" && d < 5e-5 && d > -5e-5) }'; then ok "$1"
  else not_ok "$1" "got:  $2" "want: $3 (to 4 decimals)"; fi
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
q() { "$S" query --csv v.db "$1" | tail -n +2; }
dev="profile:$root/traces/profiles/h100_torchvision.csv"
printf 'arrival_ns,network,batch\n0,resnet50,1\n' > one.csv
printf 'arrival_ns,network,batch\n0,resnet50,1\n5,resnet18,1\n' > two.csv
"$S" run --trace one.csv --policy np_fcfs --device "$dev" --db v.db --quiet >/dev/null 2>&1

# Experiment vt, policy p: point A has three seeds (runs 101-103), point B
# one (104); points L9 and L95 differ only in trace.load, 0.9 against 0.95.
sqlite3 v.db "
INSERT INTO runs(run_id, run_key, experiment, policy, device, trace, seed, status, engine_version,
                 started_at, point)
VALUES (101, 'k101', 'vt', 'p', 'd', 't', 1, 'ok', 'x', 'now', 'A'),
       (102, 'k102', 'vt', 'p', 'd', 't', 2, 'ok', 'x', 'now', 'A'),
       (103, 'k103', 'vt', 'p', 'd', 't', 3, 'ok', 'x', 'now', 'A'),
       (104, 'k104', 'vt', 'p', 'd', 't', 1, 'ok', 'x', 'now', 'B'),
       (109, 'k109', 'vt', 'p', 'd', 't', 1, 'ok', 'x', 'now', 'policy=p;trace.load=0.9'),
       (195, 'k195', 'vt', 'p', 'd', 't', 1, 'ok', 'x', 'now', 'policy=p;trace.load=0.95');
INSERT INTO metrics VALUES
  (101, 'sla_5', 'all', 0.98), (102, 'sla_5', 'all', 1.0), (103, 'sla_5', 'all', 1.0),
  (101, 'deadline_miss_rate', 'all', 0), (102, 'deadline_miss_rate', 'all', 0),
  (103, 'deadline_miss_rate', 'all', 0.06),
  (101, 'utilization', 'all', 1), (102, 'utilization', 'all', 1), (103, 'utilization', 'all', 1),
  (101, 'antt', 'all', 1), (102, 'antt', 'all', 2), (103, 'antt', 'all', 9),
  (101, 'skew', 'all', -1), (102, 'skew', 'all', 1),
  (104, 'antt', 'all', 3),
  (109, 'antt', 'all', 1.5), (195, 'antt', 'all', 2.5);
INSERT INTO params VALUES
  (101, 'trace.load', 0.7), (102, 'trace.load', 0.7), (103, 'trace.load', 0.7),
  (101, 'trace.seed', 1), (102, 'trace.seed', 2), (103, 'trace.seed', 3),
  (104, 'trace.load', 0.7),
  (109, 'trace.load', 0.9), (195, 'trace.load', 0.95),
  (109, 'trace_load', 'same column name'), (109, 'policy', 'a param named like a column'),
  (109, 'we\"ird''.na me', 'quotes');"
"$S" run --trace two.csv --policy np_fcfs --device "$dev" --db v.db --quiet >/dev/null 2>&1
s() { # s METRIC COLUMN: that column of point A's row
  q "SELECT $2 FROM policy_summary WHERE experiment = 'vt' AND point = '${3:-A}' AND metric = '$1' AND class = 'all'"
}

# sla_5 = 0.98, 1, 1: p = 0.99333, sd = 0.011547, sd^2/n = 4.4444e-5, so
# n_eff = p(1-p) / (sd^2/n) = 0.0066222 / 4.4444e-5 = 149.0; z = t(0.975, 2)
# = 4.303, z^2/n_eff = 0.12427. Wilson: centre (p + z^2/(2 n_eff)) /
# (1 + z^2/n_eff) = 1.055467 / 1.12427 = 0.93880, half-width
# z sqrt(p(1-p)/n_eff + z^2/(4 n_eff^2)) / (1 + z^2/n_eff) = 0.060872:
# [0.87793, 0.99968]. mean + ci95 would be 0.99333 + 0.02869 = 1.022 > 1.
near "views-1.1: sla_5 lo (Wilson at n_eff 149)" "$(s sla_5 lo)" 0.877933
near "views-1.2: sla_5 hi (Wilson at n_eff 149)" "$(s sla_5 hi)" 0.999676
check "views-1.3: sla_5 hi <= 1 although mean + ci95 > 1" \
  "$(s sla_5 "hi <= 1 AND mean + ci95 > 1")" 1
# deadline_miss_rate = 0, 0, 0.06: p = 0.02, sd = 0.034641, sd^2/n = 4e-4,
# n_eff = 0.0196 / 4e-4 = 49; z^2/n_eff = 0.377874; centre 0.188937 + 0.02 =
# 0.208937 / 1.377874 = 0.151638, half 4.303 * sqrt(4e-4 + 0.0019279) /
# 1.377874 = 0.150678: [0.00096, 0.30231]; mean - ci95 = -0.066 < 0.
near "views-1.4: deadline_miss_rate lo >= 0 (Wilson at n_eff 49)" "$(s deadline_miss_rate lo)" 0.000960
near "views-1.5: deadline_miss_rate hi" "$(s deadline_miss_rate hi)" 0.302314
# utilization = 1, 1, 1: sd = 0, so [p, p].
check "views-1.6: a share with sd 0 is [p, p]" "$(s utilization "lo || ' ' || hi")" "1.0 1.0"
# antt = 1, 2, 9: mean 4, sd sqrt(38/2) = 4.358899; the log-scale
# half-width t * (sd/mean) / sqrt(n) = 4.303 * 1.089725 / 1.732051 = 2.707245,
# so [4 e^-2.707245, 4 e^2.707245] = [0.26688, 59.9517]; mean - ci95 =
# 4 - 10.829 = -6.83 would leave the domain.
near "views-1.7: antt lo > 0 (log scale)" "$(s antt lo)" 0.266882
near "views-1.8: antt hi (log scale)" "$(s antt hi)" 59.951695
check "views-1.9: antt mean - ci95 < 0 but lo > 0" "$(s antt "mean - ci95 < 0 AND lo > 0")" 1
# skew (no domain by name) = -1, 1: mean 0, sd sqrt(2), t(0.975, 1) = 12.706:
# ci95 = 12.706 * sqrt(2) / sqrt(2) = 12.706, mean +- ci95.
near "views-1.10: a metric with no domain: mean - ci95" "$(s skew lo)" -12.706
near "views-1.11: a metric with no domain: mean + ci95" "$(s skew hi)" 12.706
check "views-1.12: one seed: lo and hi are NULL" "$(s antt "n || ':' || coalesce(lo, 'null') || ':' || coalesce(hi, 'null')" B)" "1:null:null"
check "views-1.13: every lo/hi of a share in [0, 1], of a positive metric > 0" \
  "$(q "SELECT count(*) FROM policy_summary WHERE (metric GLOB 'sla_*' OR metric IN ('deadline_miss_rate', 'utilization', 'fairness'))
        AND (lo < 0 OR hi > 1) OR metric GLOB '*_ns' AND lo <= 0 AND mean > 0")" 0

# ---- axes as columns ---------------------------------------------------------
check "views-2.1: trace_load = 0.9 selects the 0.9 point, not 0.95" \
  "$(q "SELECT group_concat(mean) FROM policy_summary WHERE experiment = 'vt' AND metric = 'antt' AND trace_load = 0.9")" 1.5
check "views-2.2: trace_load = 0.95 selects the 0.95 point" \
  "$(q "SELECT group_concat(mean) FROM policy_summary WHERE experiment = 'vt' AND metric = 'antt' AND trace_load = 0.95")" 2.5
check "views-2.3: (what LIKE on point got wrong: it matches both)" \
  "$(q "SELECT count(*) FROM policy_summary WHERE experiment = 'vt' AND metric = 'antt' AND point LIKE '%trace.load=0.9%'")" 2
check "views-2.4: run_summary has the same axis column" \
  "$(q "SELECT group_concat(run_id) FROM run_summary WHERE trace_load = 0.9")" 109
check "views-2.5: a param varying between seeds is NULL in policy_summary" \
  "$(s antt "coalesce(trace_seed, 'null') || ' ' || trace_load")" "null 0.7"
check "views-2.6: two names mapping to one column: the later gets _2" \
  "$(q "SELECT trace_load_2 FROM run_summary WHERE run_id = 109")" "same column name"
check "views-2.7: a param named like a fixed column gets _2" \
  "$(q "SELECT policy || ' / ' || policy_2 FROM policy_summary WHERE experiment = 'vt' AND trace_load = 0.9 AND metric = 'antt'")" \
  "p / a param named like a column"
check "views-2.8: quotes and spaces in a param name become _" \
  "$(q "SELECT we_ird__na_me FROM policy_summary WHERE experiment = 'vt' AND trace_load = 0.9")" quotes
check "views-2.9: device params are columns too" \
  "$(q "SELECT DISTINCT device_bandwidth_gbps FROM run_summary WHERE experiment IS NULL")" 64
echo "1..$n"
[ "$failed" -eq 0 ]
