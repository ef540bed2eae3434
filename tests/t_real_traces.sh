#!/bin/sh
# experiments/real_traces (TAP): the quick mode end to end on the synthetic
# Azure-format fixture (experiments/real_traces/fixture: 24 code and 36 conv
# requests): how the two files are put on one clock, bucketed, given their
# priorities, merged, scaled and sampled; the sweep, its report and figures;
# and the clean stop when the real traces are missing.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
S=$SCHEDLAB
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
. "$root/tests/tap.sh"
work=$root/results/real_traces-quick
q() { "$S" query --csv q.db "$1" | tail -n +2; }

# ---- without the real traces: say so, stop, write nothing -----------------
out=$(SCHEDLAB_REAL_TRACES=$w/none SCHEDLAB=$S "$root/experiments/real_traces.sh" --db none.db 2>&1)
check "no real traces: exit 0 and the reason" "$? $(echo "$out" | head -n 1)" \
  "0 real_traces: the Azure LLM inference 2023 traces (AzureLLMInferenceTrace_code.csv, AzureLLMInferenceTrace_conv.csv) are not in"
check "no real traces: nothing written" "$(ls)" ""

# ---- quick mode --------------------------------------------------------------
start=$(date +%s)
SCHEDLAB=$S "$root/experiments/real_traces.sh" --quick --db q.db --report q.md --out figs >log.txt 2>&1
rc=$?
secs=$(($(date +%s) - start))
check "quick: exit 0" "$rc" 0
[ $rc = 0 ] || sed 's/^/#   /' log.txt
# How long it took, for the log: a time limit would fail on a busy machine
# or under the sanitizers (release build, idle: under 10 s).
echo "# quick mode: $secs s"

# One clock: conv's first record is 18:17:01.6835148, code's 18:17:04.7232206,
# so code's first request arrives 3.0397058 s after conv's. Tokens to
# networks: conv 298 -> 512 (power of two), 11 = 1011b -> 1100b = 12 (two
# significant digits), 206 -> 256, 68 = 1000100b -> 1100000b = 96; code
# 1106 -> 2048, 21 = 10101b -> 11000b = 24. conv at priority 1, code at 9.
check "merged: the first rows" "$(head -n 4 "$work/merged.csv")" \
'arrival_ns,network,batch,priority,tenant,id
0,"gpt2_small[prompt=512,gen=12]",1,1,conv,0
1102265600,"gpt2_small[prompt=256,gen=96]",1,1,conv,1
3039705800,"gpt2_small[prompt=2048,gen=24]",1,9,code,2'
check "merged: 24 code and 36 conv requests" \
  "$(grep -c ',9,code,' "$work/merged.csv") $(grep -c ',1,conv,' "$work/merged.csv")" "24 36"
# A scaled trace offers exactly its load: scaling it to that load again is x 1.
for l in 0.5 0.9; do
  check "load_$l.csv offers load $l" \
    "$("$S" trace scale "$work/load_$l.csv" --load $l --device gpu-h100 -o x.csv | sed 's/.*offered/offered/')" \
    "offered load on gpu-h100 $l -> $l per unit (1 unit), times x 1"
done
rm -f x.csv
# The sample: every 4th record of each file (code 6 of 24, conv 9 of 36),
# exact and bucketed, in the same order (ids match).
check "sample: exact tokens" "$(head -n 3 "$work/sample_exact.csv")" \
'arrival_ns,network,batch,priority,tenant,id
0,"gpt2_small[prompt=298,gen=11]",1,1,conv,0
3039705800,"gpt2_small[prompt=1106,gen=21]",1,9,code,1'
check "sample: same requests bucketed" \
  "$(cut -d'"' -f1,3 "$work/sample_bucketed.csv" | md5sum) $(tail -n +2 "$work/sample_bucketed.csv" | wc -l)" \
  "$(cut -d'"' -f1,3 "$work/sample_exact.csv" | md5sum) 15"

# The sweep: 4 policies x 2 loads, and the buckets study's two runs.
check "sweep: 10 runs, all ok" "$(q "SELECT count(*), sum(status = 'ok') FROM runs")" "10,10"
check "buckets study: 6 code and 9 conv requests per mapping" \
  "$(q "SELECT group_concat(n, ' ') FROM (SELECT count(*) AS n FROM tasks t JOIN run_summary rs USING (run_id)
        WHERE rs.var_study = 'buckets' GROUP BY rs.var_mapping, t.tenant ORDER BY rs.var_mapping, t.tenant)")" \
  "6 9 6 9"
# Rounding up never shortens a request: bucketed >= exact, request by request.
check "buckets: no request is shorter bucketed" \
  "$(q "SELECT count(*) FROM tasks b JOIN run_summary rb ON rb.run_id = b.run_id AND rb.var_mapping = 'bucketed'
        JOIN tasks x ON x.task_id = b.task_id JOIN run_summary rx ON rx.run_id = x.run_id AND rx.var_mapping = 'exact'
        WHERE b.isolated_ns < x.isolated_ns")" 0
# Every load-study run replays the 60 requests to the end, at its load.
check "load study: every request finishes" \
  "$(q "SELECT count(*), sum(finish_ns IS NOT NULL) FROM tasks t JOIN run_summary rs USING (run_id)
        WHERE rs.var_study = 'load'")" "480,480"
# Priority at work: under P-HPF a code request waits for a running conv
# request only up to its next preemption point, so code's p99 is at most
# NP-FCFS's at both loads.
check "P-HPF: code's p99 at most NP-FCFS's" \
  "$(q "SELECT group_concat(a.value <= b.value, ' ') FROM run_metrics a JOIN run_summary ra ON ra.run_id = a.run_id
        JOIN run_summary rb ON rb.var_load = ra.var_load AND rb.var_study = 'load' AND rb.policy = 'np_fcfs'
        JOIN run_metrics b ON b.run_id = rb.run_id AND b.metric = a.metric AND b.class = a.class
        WHERE ra.policy = 'p_hpf' AND ra.var_study = 'load' AND a.metric = 'p99_latency_ns' AND a.class = 'tenant:code'")" \
  "1 1"

check "report: from the fixture, with every section" \
  "$(grep -c -e '^\*\*These runs replay the small synthetic fixture' -e '^## What is replayed' \
       -e '^## Requests as networks' -e '^## Tail latency against load' -e '^## What it shows' -e '^## Limits' q.md)" 6
check "report: a row per load and policy" "$(grep -c '^| 0\.[59]0 | [NPS]' q.md)" 8
check "figures: p99, p99_code, p99_conv" "$(cd figs && ls *.png | tr '\n' ' ')" "p99.png p99_code.png p99_conv.png "
echo "1..$n"
exit $((failed > 0))
