#!/bin/sh
# Pantheon end to end (TAP): the quick variant of experiments/pantheon.lua
# (one seed, 2 s horizons) on the authors' chunk profiles, its report, and
# the orderings that hold robustly at this size. The quick sweep is
# deterministic, so these are exact checks on fixed data.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
S=$SCHEDLAB
n=0
failed=0
check() {
  n=$((n + 1))
  if [ "$2" = "$3" ]; then echo "ok $n - $1"
  else failed=$((failed + 1)); echo "not ok $n - $1"; echo "#   got:  $2"; echo "#   want: $3"; fi
}
q() { "$S" query --csv p.db "$1" | tail -n +2; }
# a metric (class all) of one study, app and variant (the policy, or pantheon_arc)
m() {
  q "SELECT printf('%.6f', mean) FROM policy_summary WHERE experiment = 'pantheon' AND var_study = '$1'
     AND var_app = '$2' AND var_variant = '$3' AND metric = '$4' AND class = 'all' ${5:-}"
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a != "" && b != "" && a + 0 <= b + 0) ? "yes" : "no (" a " > " b ")" }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (a != "" && b != "" && a + 0 < b + 0) ? "yes" : "no (" a " >= " b ")" }'; }

"$S" sweep "$root/experiments/pantheon.lua" --quick --db p.db --report report.md --quiet >/dev/null 2>&1
check "pantheon-e2e-1: quick sweep: 105 runs, all ok" "$(q "SELECT count(*), sum(status = 'ok') FROM runs")" "105,105"
# 30 fps for 2 s: releases at k x 33333 us < 2 s, k = 0..60 (jitter moves a
# release, never its count): 4 tasks x 61.
check "pantheon-e2e-2: traffic, 2 s: 4 tasks x 61 releases" \
  "$(q "SELECT count(*) FROM tasks t JOIN run_summary r ON r.run_id = t.run_id
        WHERE r.var_study = 'overall' AND r.var_app = 'traffic' AND r.policy = 'rms'")" 244
for app in traffic robot uav; do
  check "pantheon-e2e-3-$app: DMR Pantheon <= w/o-ee-pr and <= RMS" \
    "$(le "$(m overall $app pantheon deadline_miss_rate)" "$(m overall $app pantheon_wo_ee_pr deadline_miss_rate)") $(le "$(m overall $app pantheon deadline_miss_rate)" "$(m overall $app rms deadline_miss_rate)")" "yes yes"
  check "pantheon-e2e-4-$app: accuracy Pantheon >= RMS" \
    "$(le "$(m overall $app rms accuracy)" "$(m overall $app pantheon accuracy)")" yes
done
check "pantheon-e2e-5: RMS and DMS keep the top exit (relative accuracy 1 on every met deadline); Pantheon lowers some" \
  "$(q "SELECT sum(r.policy IN ('rms', 'dms')), sum(r.policy = 'pantheon') > 0 FROM tasks t JOIN run_summary r ON r.run_id = t.run_id
        WHERE t.finish_ns <= t.deadline_ns AND t.accuracy < 1")" "0,1"
# Under the heaviest load studied (lat_scale 0.8, full models 106-119% of the
# GPU) the methods separate: Pantheon with the running chunk counted misses
# less than DMS and than Pantheon without chunk preemption, on every app.
for app in traffic robot uav; do
  x="AND var_lat_scale = 0.8"
  check "pantheon-e2e-7-$app: lat_scale 0.8: DMR Pantheon (running chunk counted) < DMS and < w/o-ee-pr" \
    "$(lt "$(m load $app pantheon_arc deadline_miss_rate "$x")" "$(m load $app dms deadline_miss_rate "$x")") $(lt "$(m load $app pantheon_arc deadline_miss_rate "$x")" "$(m load $app pantheon_wo_ee_pr deadline_miss_rate "$x")")" "yes yes"
done
# 25/s: issues at most every 40 ms, each done long before the next: 0..1960 ms.
check "pantheon-e2e-8: best effort (AlexNet loop at 25/s, 2 s): 50 issued, all done, no RT deadline missed" \
  "$(q "SELECT count(*) AS n, sum(t.finish_ns IS NOT NULL) AS done, (SELECT sum(value) FROM metrics m
        WHERE m.run_id = r.run_id AND m.name = 'deadline_miss_rate' AND m.class = 'app:robot') AS dmr FROM tasks t JOIN run_summary r ON r.run_id = t.run_id
        WHERE r.var_study = 'best_effort' AND r.var_app = 'robot' AND r.var_be_fps = 25 AND t.tenant = 'be_alexnet'")" "50,50,0"
check "pantheon-e2e-6: report generated from the database" \
  "$(grep -c -e '^## Overall' -e '^## Headline numbers' -e '^## The orderings' -e '^## Poisson' -e '^## Best-effort' report.md)" 5
echo "1..$n"
exit $((failed > 0))
