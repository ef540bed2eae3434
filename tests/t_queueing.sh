#!/bin/sh
# The engine against queueing theory (TAP): long seeded runs whose mean
# waiting or sojourn time has a closed form.
#   M/G/1 FCFS          Pollaczek-Khinchine  Wq = lambda E[S^2] / (2 (1 - rho))
#   M/G/1 preemptive-resume priority, 2 classes (Cobham; Kleinrock vol. 2, 3.8)
#                       T1 = E[S] + lambda1 E[S^2] / (2 (1 - rho1))
#                       T2 = E[S] / (1 - rho1) + lambda E[S^2] / (2 (1 - rho1) (1 - rho))
#   M/M/c FCFS, c = 2, 4 exclusive units: Erlang C  Wq = C(c, a) E[S] / (c - a), a = lambda E[S]
#   M/G/1-PS            E[T] = E[S] / (1 - rho), and E[T | S = s] = s / (1 - rho):
#                       insensitive to the service distribution (two are run)
# lambda is measured (requests / last arrival) and E[S], E[S^2] are the
# moments of the services the run drew (tasks.isolated_ns), so the closed
# form is evaluated at the sample's own parameters.
#
# Services come from a generated profile table of one-layer networks:
#   E0001..E1000  exponential with mean 10 us, approximated by the 1000
#                 quantiles -10us ln(1 - (i - 0.5)/1000), chosen uniformly:
#                 every service time is equally likely in each of 1000 equal
#                 slices of probability. The table's tail stops at 7.6 means,
#                 so its squared coefficient of variation is 0.98, not 1;
#                 the Erlang C check uses it only where it matters (M/M/c),
#                 and by Allen-Cunneen's scaling Wq ~ (1 + Cs^2) / 2 that is
#                 a 1% bias, inside the tolerance.
#   S2, S18       2 us and 18 us, in 100 ns layers with no live state: a
#                 two-point distribution (E[S] = 10 us, E[S^2] = 164 us^2,
#                 Cs^2 = 0.64) whose checkpoints cost nothing, so P-HPF is
#                 preemptive-resume up to a 100 ns layer boundary (a
#                 high-priority request waits 50 ns on average when it
#                 preempts: 0.4% of its sojourn at most).
# `trace gen` draws the Poisson arrivals. Its mix takes at most 64 classes,
# so the exponential traces get their networks from a Park-Miller generator
# in awk (exact in double arithmetic on every awk, so the trace is the same
# everywhere) over the generated arrivals.
#
# Tolerance. The runs are seeded, so every check passes or fails the same
# way each time; the tolerance says how far a correct engine's sample mean
# may lie from the closed form. With 200,000 requests (400,000 for M/M/4)
# at rho = 0.6 an independent simulation over 8 seeds gave relative
# standard deviations of the mean wait of 0.9% (M/G/1 two-point), 1.1%
# (M/M/2) and 1.6% at 200k, so ~1.1% at 400k (M/M/4); the priority classes
# (the engine itself over 6 seeds: within 1.5%, sd 0.5%) and PS sojourns (an
# independent simulation over 6 seeds: sd 0.7%) vary less. 4% is thus
# over 3 standard deviations plus the table's 1% bias, while an engine
# that got one switch, a unit choice or a rate wrong lands far outside
# (e.g. serving M/M/2 as M/M/1 at twice the speed halves Wq, PS as FCFS
# gives 30750 ns instead of 25000).
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
S=$SCHEDLAB
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TOL=0.04

# The profile table described above.
awk 'BEGIN {
  print "network,batch,layer,latency_ns,state_bytes"
  for (i = 1; i <= 1000; i++)
    printf "E%04d,1,l,%d,0\n", i, int(-10000 * log(1 - (i - 0.5) / 1000) + 0.5)
  for (i = 1; i <= 20; i++) printf "S2,1,l%d,100,0\n", i
  for (i = 1; i <= 180; i++) printf "S18,1,l%d,100,0\n", i
  print "X,1,l,10000,0"
}' >"$tmp/q.csv"
dev="profile:$tmp/q.csv"

# gen OUT N RATE NETWORKS PRIORITIES: Poisson arrivals at RATE req/s, seed 1.
gen() {
  "$S" trace gen poisson n="$2" rate="$3" seed=1 networks="$4" batches=1 priorities="$5" \
    --device "$dev" --out "$1" >/dev/null
}
# exp_trace OUT N RATE: Poisson arrivals, services from E0001..E1000.
exp_trace() {
  gen "$tmp/x.csv" "$2" "$3" X 1
  awk -F, -v OFS=, 'NR == 1 { print "arrival_ns,network"; x = 12345; next }
    { x = (x * 16807) % 2147483647; printf "%s,E%04d\n", $1, int(x / 2147483647 * 1000) + 1 }' \
    "$tmp/x.csv" >"$1"
}
# run TRACE POLICY [--device-param K=V]...: a run into a fresh database.
run() {
  t=$1; p=$2; shift 2
  rm -f "$tmp"/r.db*
  "$S" run --trace "$t" --policy "$p" --device "$dev" --db "$tmp/r.db" --quiet "$@" \
    >/dev/null 2>"$tmp/err" || { echo "# run failed:"; sed 's/^/#   /' "$tmp/err"; }
}
q() { "$S" query --csv "$tmp/r.db" "$1" 2>/dev/null | tail -n +2; }
# lambda (per ns), E[S], E[S^2] of the last run, space-separated.
moments() {
  q "SELECT count(*) * 1.0 / max(arrival_ns), avg(isolated_ns * 1.0),
       avg(isolated_ns * 1.0 * isolated_ns) FROM tasks" | tr , ' '
}
# near NAME GOT WANT: |GOT / WANT - 1| <= TOL.
near() {
  v=$(awk -v g="$2" -v w="$3" -v t=$TOL 'BEGIN {
    if (g == "" || w == "") { print "no value"; exit }
    d = g / w - 1; printf "%s %.1f%% (got %.6g, closed form %.6g)", (d <= t && d >= -t) ? "ok" : "off", d * 100, g, w }')
  case $v in
    ok*) ok "$1: ${v#ok }" ;;
    *) not_ok "$1" "$v" "tolerance $TOL" ;;
  esac
}

# ---- M/G/1 FCFS: Pollaczek-Khinchine (rho = 0.6) --------------------------
gen "$tmp/s.csv" 200000 60000 S2,S18 1
run "$tmp/s.csv" np_fcfs
set -- $(moments) "" "" ""
near "M/G/1 FCFS, two-point services, rho 0.6: mean wait vs Pollaczek-Khinchine" \
  "$(q "SELECT avg(start_ns - arrival_ns) FROM tasks")" \
  "$(awk -v l="$1" -v s="$2" -v s2="$3" 'BEGIN { print l * s2 / (2 * (1 - l * s)) }')"

# ---- M/G/1 preemptive-resume priority, 2 classes (rho1 = rho2 = 0.3) -----
gen "$tmp/p.csv" 200000 60000 S2,S18 1,9
run "$tmp/p.csv" p_hpf
set -- $(moments) $(q "SELECT avg(priority = 9) FROM tasks") "" "" "" ""
near "M/G/1 preemptive priority, high class: mean sojourn vs Cobham" \
  "$(q "SELECT avg(finish_ns - arrival_ns) FROM tasks WHERE priority = 9")" \
  "$(awk -v l="$1" -v s="$2" -v s2="$3" -v f="$4" 'BEGIN {
      l1 = l * f; print s + l1 * s2 / (2 * (1 - l1 * s)) }')"
near "M/G/1 preemptive priority, low class: mean sojourn vs Cobham" \
  "$(q "SELECT avg(finish_ns - arrival_ns) FROM tasks WHERE priority = 1")" \
  "$(awk -v l="$1" -v s="$2" -v s2="$3" -v f="$4" 'BEGIN {
      r1 = l * f * s; r = l * s; print s / (1 - r1) + l * s2 / (2 * (1 - r1) * (1 - r)) }')"

# ---- M/M/c FCFS on c exclusive units: Erlang C (rho = 0.6 per unit) ------
for c in 2 4; do
  nreq=200000; [ $c = 4 ] && nreq=400000
  exp_trace "$tmp/e$c.csv" $nreq $((c * 60000))
  run "$tmp/e$c.csv" np_fcfs --device-param units=$c
  set -- $(moments) "" "" ""
  near "M/M/$c FCFS on $c units, rho 0.6: mean wait vs Erlang C" \
    "$(q "SELECT avg(start_ns - arrival_ns) FROM tasks")" \
    "$(awk -v l="$1" -v s="$2" -v c=$c 'BEGIN {
        a = l * s; term = 1; sum = 0
        for (k = 0; k < c; k++) { sum += term; term *= a / (k + 1) }
        tc = term / (1 - a / c); print tc / (sum + tc) * s / (c - a) }')"
done

# ---- M/G/1-PS (rho = 0.6): insensitive, and linear in the service --------
run "$tmp/s.csv" np_fcfs --device-param sharing=ps
set -- $(moments) "" "" ""
r=$(awk -v l="$1" -v s="$2" 'BEGIN { print 1 - l * s }')
near "M/G/1-PS, two-point services: mean sojourn vs E[S]/(1-rho)" \
  "$(q "SELECT avg(finish_ns - arrival_ns) FROM tasks")" "$(awk -v s="$2" -v r="$r" 'BEGIN { print s / r }')"
# While the unit is busy it holds E[N | N > 0] = E[N] / rho = 1 / (1 - rho)
# requests on average (mean_concurrency), and is busy a fraction rho of the
# time (utilization: the time the unit had a progressing holder).
near "M/G/1-PS: mean_concurrency vs 1/(1-rho)" \
  "$(q "SELECT value FROM metrics WHERE name = 'mean_concurrency' AND class = 'all'")" \
  "$(awk -v r="$r" 'BEGIN { print 1 / r }')"
near "M/G/1-PS: utilization vs rho" \
  "$(q "SELECT value FROM metrics WHERE name = 'utilization' AND class = 'all'")" \
  "$(awk -v r="$r" 'BEGIN { print 1 - r }')"
for sz in 2 18; do
  near "M/G/1-PS: mean sojourn of the ${sz} us requests vs ${sz} us/(1-rho)" \
    "$(q "SELECT avg(finish_ns - arrival_ns) FROM tasks WHERE network = 'S$sz'")" \
    "$(awk -v r="$r" -v sz=$sz 'BEGIN { print sz * 1000 / r }')"
done
exp_trace "$tmp/e1.csv" 200000 60000
run "$tmp/e1.csv" np_fcfs --device-param sharing=ps
set -- $(moments) "" "" ""
near "M/M/1-PS, exponential services: mean sojourn vs E[S]/(1-rho)" \
  "$(q "SELECT avg(finish_ns - arrival_ns) FROM tasks")" \
  "$(awk -v l="$1" -v s="$2" 'BEGIN { print s / (1 - l * s) }')"

echo "1..$n"
exit $((failed > 0))
