#!/bin/sh
# PREMA end to end (TAP): the quick variant of experiments/prema.lua (12
# workloads per configuration) on npu-prema, its report and figures, and the
# orderings the paper's argument implies that hold robustly at this size.
# The quick sweep is deterministic, so these are exact checks on fixed data.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
S=$SCHEDLAB
. "$root/tests/tap.sh"
q() { "$S" query --csv p.db "$1" | tail -n +2; }
# mean of a metric over the workloads of a variant of the main study
m() {
  q "SELECT avg(m.value) FROM runs r JOIN params v ON v.run_id = r.run_id AND v.name = 'var.variant'
     JOIN params s ON s.run_id = r.run_id AND s.name = 'var.study' AND s.value = 'policies'
     JOIN metrics m ON m.run_id = r.run_id AND m.name = '$2' AND m.class = '${3:-all}'
     WHERE v.value = '$1'"
}
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? "yes" : "no (" a " >= " b ")" }'; }

"$S" sweep "$root/experiments/prema.lua" --quick --db p.db --report report.md --quiet >/dev/null 2>&1
check "prema-e2e-1: quick sweep: 360 runs, all ok" "$(q "SELECT count(*), sum(status = 'ok') FROM runs")" "360,360"
check "prema-e2e-2: PREMA-dynamic beats NP-FCFS on ANTT" "$(lt "$(m prema_dynamic antt)" "$(m np_fcfs antt)")" yes
check "prema-e2e-3: SJF beats NP-FCFS on ANTT" "$(lt "$(m sjf antt)" "$(m np_fcfs antt)")" yes
check "prema-e2e-4: PREMA-dynamic ANTT below PREMA-static (Algorithm 3 helps)" "$(lt "$(m prema_dynamic antt)" "$(m prema_static antt)")" yes
check "prema-e2e-5: PREMA is fairer than NP-FCFS and P-HPF" \
  "$(lt "$(m np_fcfs fairness)" "$(m prema_dynamic fairness)") $(lt "$(m p_hpf fairness)" "$(m prema_dynamic fairness)")" "yes yes"
check "prema-e2e-6: priority-9 p99 latency: P-HPF below PREMA below NP-FCFS" \
  "$(lt "$(m p_hpf p99_latency_ns 9)" "$(m prema_dynamic p99_latency_ns 9)") $(lt "$(m prema_dynamic p99_latency_ns 9)" "$(m np_fcfs p99_latency_ns 9)")" "yes yes"
check "prema-e2e-7: report generated from the database" \
  "$(grep -c -e '^## Headline' -e '^## The orderings' -e '^## Preemption mechanisms' report.md)" 3
"$S" plot "$root/experiments/prema.lua" --quick --db p.db --out figs >/dev/null 2>&1
check "prema-e2e-8: every figure drawn" "$(ls figs/*.png 2>/dev/null | wc -l) $(ls figs/*.svg 2>/dev/null | wc -l)" "7 7"
echo "1..$n"
[ "$failed" -eq 0 ]
