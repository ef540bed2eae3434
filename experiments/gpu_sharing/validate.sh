#!/bin/sh
# Replays the measured two-tenant experiments on the gpu device with
# sharing=streams (and timeslice for tenants in two processes) and prints
# docs/gpu_sharing_validation.md: the high tenant's mean and p99 latency and
# the low tenant's throughput, measured (mean of the trials) against the
# model.
#
#   sh experiments/gpu_sharing/validate.sh [SCHEDLAB] > docs/gpu_sharing_validation.md
#
# Two harnesses: experiments/calibration/gpu_h100 and gpu_h200 (measure_gpu.py,
# a high-tenant request every 5 ms on average) and gpu_h200/sharing2
# (measure_sharing.py, every 25 ms, host time per request recorded, tenants as
# threads of one process or as two processes). Their READMEs give the
# conditions.
#
# "Back to back" is a closed loop; the low tenant is modelled as a queue of
# LOW_N requests (more than it completes in the window) that all arrive at
# 0 on its stream: the stream is never idle, as a closed loop's is not. The high tenant's requests arrive at the
# trace's times (ms rounded to whole ns) and run one at a time, FIFO, on the
# high stream (the measurement: one outstanding request, FIFO).
# Window T = the end of the high tenant's last request; the low tenant's
# throughput = its requests completed in (0, T] / T, as the measurement's.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
SCHEDLAB=${1:-$root/bin/schedlab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# p99 as numpy's default (linear between the two nearest ranks).
stats() {
  sort -g | awk '{ x[n++] = $1; s += $1 }
    END { p = 0.99 * (n - 1); i = int(p); f = p - i;
          v = (i + 1 < n) ? x[i] + f * (x[i + 1] - x[i]) : x[i];
          printf "%.4f %.4f\n", s / n, v }'
}

# measured MODE SHARING -> "mean p99 tput" over the final trials of $pair in
# $summary (not the short profiled runs of the first harness; the second's
# rows have no source column, and its thread set-up is the streams one).
measured() {
  awk -F, -v m="$1" -v s="$2" -v pair="$pair" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    (!("source" in c) || $c["source"] == "final") && $c["pair"] == pair &&
    $c["exec_mode"] == m && $c["sharing_mode"] == s && $c["trial"] ~ /^[0-9]+$/ {
      a += $c["hi_lat_mean_ms"]; b += $c["hi_lat_p99_ms"]; t += $c["low_tput_per_s"]; n++ }
    END { printf "%.4f %.4f %.2f\n", a / n, b / n, t / n }' "$summary"
}

# model TRACE LAUNCH PRIOS WINDOW_SQL [extra params...] -> "mean p99 tput" on $device
# (sharing=streams unless an extra param says otherwise; $hostp: the host
# constants of the harness's host, empty for the preset's)
model() {
  trace=$1 launch=$2 prios=$3 window=$4
  shift 4
  case "$*" in
    *sharing=*) ;;
    *) set -- --device-param sharing=streams --device-param stream_prio="$prios" "$@" ;;
  esac
  for p in $hostp; do set -- "$@" --device-param "$p"; done
  db=$tmp/m.db
  rm -f "$db"
  "$SCHEDLAB" run --db "$db" --quiet --trace "$trace" \
    --policy "$root/experiments/gpu_sharing/tenant_streams.lua" --device "$device" \
    --device-param units=2 --device-param launch="$launch" --device-param dtype=fp16 "$@" > /dev/null
  hs=$("$SCHEDLAB" query --csv "$db" "SELECT (finish_ns - arrival_ns) / 1e6 FROM tasks
        WHERE tenant = 'high'" | tail -n +2 | stats)
  [ -n "$hs" ] || hs="- -"
  tput=$("$SCHEDLAB" query --csv "$db" "SELECT printf('%.2f', count(*) * 1e9 / ($window))
          FROM tasks WHERE tenant = 'low' AND finish_ns <= ($window)" | tail -n 1)
  echo "$hs $tput"
}
WIN_HIGH="SELECT max(finish_ns) FROM tasks WHERE tenant = 'high'"

err() { awk -v m="$1" -v s="$2" 'BEGIN { printf "%+.1f%%", (m - s) / s * 100 }'; }
ok() { awk -v m="$1" -v s="$2" -v t="$3" 'BEGIN { e = (m - s) / s; if (e < 0) e = -e;
  print (e <= t) ? "yes" : "**no**" }'; }


# traces GPU-DATA-DIR ARRIVALS LOWNET LOWBATCH HIGHNET HIGHBATCH: $tmp/trace.csv
# (both tenants), low.csv, high.csv.
traces() {
  # Enough low requests that the queue outlasts the window even at the
  # model's graph speed (fewer, and the low stream would fall idle).
  lat=$("$SCHEDLAB" predict --device "$device" --device-param launch=graph --device-param dtype=fp16 \
        --network "$3" --batch "$4" | sed -n 's/.* kernels, \([0-9.]*\) ms .*/\1/p')
  LOW_N=$(awk -F, -v l="$lat" 'END { printf "%d", ($3 + 5) / l * 1.2 + 10 }' "$2")
  {
    echo "arrival_ns,network,batch,priority,tenant"
    i=0
    while [ $i -lt $LOW_N ]; do echo "0,$3,$4,0,low"; i=$((i + 1)); done
    awk -F, -v n="$5" -v b="$6" 'NR > 1 { printf "%.0f,%s,%s,1,high\n", $3 * 1e6, n, b }' "$2"
  } > "$tmp/trace.csv"
  grep -v ',high$' "$tmp/trace.csv" > "$tmp/low.csv"
  { echo "arrival_ns,network,batch,priority,tenant"; grep ',high$' "$tmp/trace.csv"; } > "$tmp/high.csv"
  # The measurement's window for the low tenant alone: the last arrival + 5 ms.
  win_low=$(awk -F, 'END { printf "%.0f", $3 * 1e6 + 5e6 }' "$2")
}

# rows EAGER_TARGET: the two-tenant rows (graph and eager, equal and priority
# streams) and the rows of each tenant alone. EAGER_TARGET = no marks the
# eager rows as not held to the targets (the first harness, see the text).
rows() {
  echo "| exec | priorities | high mean ms (meas / model / err) | high p99 ms (meas / model / err) | low inf/s (meas / model / err) | within target |"
  echo "|---|---|---|---|---|---|"
  for launch in graph eager; do
    for mode in equal priority; do
      prios=1,0
      [ $mode = equal ] && prios=0,0
      host=own
      [ $launch = eager ] && host=shared
      set -- $(measured $launch $mode)
      mm=$1 mp=$2 mt=$3
      set -- $(model "$tmp/trace.csv" $launch $prios "$WIN_HIGH" --device-param host=$host)
      om=$1 op=$2 ot=$3
      within="mean $(ok "$om" "$mm" 0.25), p99 $(ok "$op" "$mp" 0.25), tput $(ok "$ot" "$mt" 0.20)"
      [ $launch = eager ] && [ "$eager_target" = no ] && within="not a target row (first harness)"
      echo "| $launch | $mode | $mm / $om / $(err "$om" "$mm") | $mp / $op / $(err "$op" "$mp") | $mt / $ot / $(err "$ot" "$mt") | $within |"
    done
  done
  echo
  echo "Each tenant alone in the same harness (\`isolated_high\`, \`isolated_low\`; model: the same"
  echo "runs with only that tenant's requests):"
  echo
  echo "| exec | high alone: mean ms (meas / model / err) | high alone: p99 ms (meas / model / err) | low alone: inf/s (meas / model / err) |"
  echo "|---|---|---|---|"
  for launch in graph eager; do
    set -- $(measured $launch isolated_high)
    mm=$1 mp=$2
    set -- $(measured $launch isolated_low)
    mt=$3
    set -- $(model "$tmp/high.csv" $launch 0 "$WIN_HIGH")
    om=$1 op=$2
    set -- $(model "$tmp/low.csv" $launch 0 "$win_low")
    ot=$3
    echo "| $launch | $mm / $om / $(err "$om" "$mm") | $mp / $op / $(err "$op" "$mp") | $mt / $ot / $(err "$ot" "$mt") |"
  done
}

# section1 GPU DEVICE PAIR LOWNET LOWBATCH HIGHNET HIGHBATCH: the first
# harness (measure_gpu.py, mean gap 5 ms).
section1() {
  gpu=$1 device=$2 pair=$3
  data=$root/experiments/calibration/$gpu
  summary=$data/sharing_summary.csv
  hostp= eager_target=no
  traces "$gpu" "$data/arrival_trace.csv" "$4" "$5" "$6" "$7"
  echo
  echo "### $gpu, $4 batch $5 (low) + $6 batch $7 (high), \`$device\`"
  echo
  rows
}

# hostp_for S: the preset's three host constants times S (the harness's host).
hostp_for() {
  awk -v s="$1" '$1 ~ /^host_(op|kernel|attn)_ns$/ { v = $3; sub(/ns$/, "", v)
    printf "%s=%.0f ", $1, v * s }' "$root/traces/devices/$device.dev"
}

# fit_host_scale: the one host speed S of the second harness's run, fitted
# on the isolated eager rows of the resnet pair (high alone: mean latency,
# error e_h; low alone: throughput, error e_l). A slower host raises the
# latency and lowers the throughput, so |e_h| - |e_l| falls as S grows and
# the larger of the two errors is least where they are equal: bisection on
# S in hundredths over [1, 3].
fit_host_scale() {
  set -- $(measured eager isolated_high)
  fm=$1
  set -- $(measured eager isolated_low)
  ft=$3
  lo=100 hi=300
  while [ $((hi - lo)) -gt 1 ]; do
    mid=$(((lo + hi) / 2))
    hostp=$(hostp_for "$(awk -v m=$mid 'BEGIN { printf "%.2f", m / 100 }')")
    set -- $(model "$tmp/high.csv" eager 0 "$WIN_HIGH")
    om=$1
    set -- $(model "$tmp/low.csv" eager 0 "$win_low")
    ot=$3
    if awk -v a="$om" -v b="$fm" -v c="$ot" -v d="$ft" 'BEGIN { x = (a - b) / b; y = (c - d) / d
         if (x < 0) x = -x; if (y < 0) y = -y; exit !(x > y) }'; then lo=$mid; else hi=$mid; fi
  done
  awk -v m=$hi 'BEGIN { printf "%.2f\n", m / 100 }'
}

# section2 PAIR LOWNET LOWBATCH HIGHNET HIGHBATCH: the second harness
# (measure_sharing.py, mean gap 25 ms), with the host scale $scale in eager.
section2() {
  pair=$1
  data=$root/experiments/calibration/gpu_h200/sharing2
  summary=$data/sharing2_summary.csv
  device=gpu-h200
  traces gpu_h200 "$data/sharing2_trace.csv" "$2" "$3" "$4" "$5"
  echo
  echo "### $pair: $2 batch $3 (low) + $4 batch $5 (high), \`gpu-h200\`"
  echo
  # The host constants matter in eager mode only (graph: no host costs).
  hostp=$(hostp_for "$scale") eager_target=yes
  rows
  echo
  echo "Tenants in two processes (\`process\` set-up; model: \`sharing=timeslice\`, the"
  echo "default slice and switch, \`host=own\`; no target in the issue):"
  echo
  echo "| exec | high mean ms (meas / model / err) | high p99 ms (meas / model / err) | low inf/s (meas / model / err) |"
  echo "|---|---|---|---|"
  for launch in graph eager; do
    set -- $(measured $launch process)
    mm=$1 mp=$2 mt=$3
    set -- $(model "$tmp/trace.csv" $launch 0 "$WIN_HIGH" --device-param sharing=timeslice)
    om=$1 op=$2 ot=$3
    echo "| $launch | $mm / $om / $(err "$om" "$mm") | $mp / $op / $(err "$op" "$mp") | $mt / $ot / $(err "$ot" "$mt") |"
  done
}

cat <<'HEAD'
# GPU sharing: the two-tenant experiments, measured and modelled

Generated by `sh experiments/gpu_sharing/validate.sh > docs/gpu_sharing_validation.md`
from the measurements in `experiments/calibration/gpu_h100/` and
`experiments/calibration/gpu_h200/` (PyTorch 2.11, fp16; the READMEs there
give the conditions): a low tenant back to back on one CUDA stream and a
high tenant on a seeded Poisson trace on another, at equal priorities and
with the high stream at a higher priority, graph and eager. Model: the GPU's
preset with `sharing=streams`, `units=2`, policy
`experiments/gpu_sharing/tenant_streams.lua` (each tenant on its stream;
`stream_prio=1,0` or `0,0`; eager runs with `host=shared`, since the two
tenants are threads of one Python process); the low tenant's closed loop is
a queue of requests all arriving at 0 (its stream never idles). Measured
figures are the mean of the trials. Targets (issue 11): the high tenant's
mean and p99 latency within 25%, the low tenant's throughput within 20%.
The model is docs/gpu_model.md ("Sharing").

## The second harness (H200, `gpu_h200/sharing2/`): the target rows

`measure_sharing.py`: 200 high-tenant requests with a mean gap of 25 ms
(seed 2025), 3 trials, every request's host time recorded. The first
harness's gap of 5 ms put the eager high tenant (3-7 ms of host-bound
service per request) at or past saturation, so its latency was a queue
that varied threefold between trials; at 25 ms it measures the service.

What is fitted on what: the preset's constants are fitted on isolated
kernels and end-to-end times (docs/gpu_validation_h200.md), not on these
rows. Two constants come from this data, each from the resnet pair only:
HEAD
d2=$root/experiments/calibration/gpu_h200/sharing2
pair=r50b16_r18b1 device=gpu-h200 summary=$d2/sharing2_summary.csv
traces gpu_h200 "$d2/sharing2_trace.csv" resnet50 16 resnet18 1
scale=$(fit_host_scale)
set -- $(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $c["setup"] == "thread" && $c["pair"] == "r50b16_r18b1" && $c["exec_mode"] == "eager" {
    if ($c["sharing_mode"] == "isolated_high") { a += $c["hi_host_mean_ms"]; na++ }
    if ($c["sharing_mode"] == "equal" || $c["sharing_mode"] == "priority") {
      b += $c["hi_host_mean_ms"]; nb++ } }
  END { printf "%.3f %.3f %.2f %.2f", a / na, b / nb, (b / nb) / (a / na), (b / nb) / (a / na) - 1 }' \
  "$d2/sharing2_summary.csv")
cat <<TXT

- **host speed of the harness, S = $scale**: in the schedule, launches take
  longer than back to back on the same machine (\`sharing2_b2b.csv\`, where
  the preset's host constants hold: resnet18 b1 eager 2.0 ms measured,
  1.87 ms modelled; resnet50 b16 4.25 / 4.26 ms), most of all for a request
  that arrives at an idle host. S multiplies the three host constants
  (\`host_op_ns\`, \`host_kernel_ns\`, \`host_attn_ns\`) in every eager row
  below (graph rows have no host costs). It is fitted on the two isolated
  eager rows of the resnet pair (resnet18 alone: mean latency; resnet50
  alone: throughput; the larger error made least), then held for the BERT
  pair and every shared row.
- **\`gil_frac\` = $4** (the preset default of \`host=shared\`): the resnet18
  tenant's host time per request was $1 ms alone and $2 ms beside the
  launching resnet50 thread (equal and priority rows), $3x: each launching
  host waits for the other's GIL-holding share g of its time (1 + g).
TXT
section2 r50b16_r18b1 resnet50 16 resnet18 1
section2 bertb16_mnv2b1 bert_base 16 mobilenet_v2 1

cat <<'MID'

## The first harness (H100 and H200, mean gap 5 ms)

`measure_gpu.py`'s sharing part (H100 2 trials, H200 3). Its graph rows are
held to the targets; its eager rows are not: the eager high tenant ran at
or past saturation (a request every 5 ms, 3-7 ms of service), so its
latency is a queue that varied threefold between trials (e.g. H200 resnet
pair, equal priorities: 30, 86 and 165 ms), and no host time was recorded.
The second harness replaces them. The H100 cannot be re-measured (the
project's GPU machine is an H200 now). Eager rows here use the preset's
host constants.
MID
section1 gpu_h100 gpu-h100 r50b16_r18b1 resnet50 16 resnet18 1
section1 gpu_h200 gpu-h200 r50b16_r18b1 resnet50 16 resnet18 1
section1 gpu_h200 gpu-h200 bertb16_mnv2b1 bert_base 16 mobilenet_v2 1

cat <<'TAIL'

## What the rows say

**Graph mode** meets the targets for the resnet pair (both harnesses, H100
and H200) and for the BERT pair. A high-tenant kernel puts its
blocks beside the low tenant's running blocks wherever their block slots
leave room, and such an SM's throughput is split between the two: that is
why co-running roughly doubles the high tenant's kernel time, with or
without a higher stream priority. The BERT pair's low tenant runs
bert_base fp16 batch 16 in a CUDA graph, where Hugging Face's SDPA call
cannot check on the host that no mask is needed, builds one and runs
PyTorch's fp32 math path (kernels_graph.csv.gz: 413 kernels against 166 in
eager mode); bert_base's layer table says so (`# sdpa capture=math`) and the
model lowers that path in graph mode (docs/gpu_model.md, "Attention inside
a CUDA graph"). Its throughput is 11-16% low: the math path's two CUDA-core
GEMMs are predicted slower than cuBLAS's SIMT kernels ran them.

**Eager mode, second harness.** The high tenant's latency is its host's
launch time plus the GPU sharing. Two things the preset alone does not
know come from the resnet pair: the harness's host speed S (a request's
launches in a schedule take longer than back to back on the same machine,
most after an idle gap) and the GIL share `gil_frac` (the resnet18 tenant's
launches slowed 1.47x beside the launching resnet50 thread). With them the
resnet pair's rows are within the targets except the priority row's p99
(-31%): its measured p99 is the mean over three trials of 9.7, 8.8 and
22.7 ms, one trial's host stalls, and the model has no host-time noise
(resnet18's host time alone spreads from 2.4 to 4.3 ms between p10 and
p90). The BERT pair, held out, misses: mobilenet_v2's launches slow 1.58x
(equal) and 1.71x (priority) beside the BERT thread, more than the 1.47x of
the resnet pair (a likely reading, not measured apart: BERT's ops hold the
GIL for a larger share of their host time than resnet50's, and one
gil_frac for every network does not capture it), its isolated latency is
already 19% low at the resnet pair's S (alone in the schedule its launches
took 1.78x its back-to-back host time, resnet18's 1.50x: one S for the
host does not fit both), and its p99 follows host-time noise (p10 7.6, p90 13.5 ms shared). The
low tenant's throughput is within the target at equal priorities and 26%
high with priority, where the measured low tenant lost more (123 against
149 inf/s, trials 148, 121, 99: the same host noise).

**Two processes** (no target): the contexts time-slice; the fluid model
(each context at half the GPU, less the switch) predicts the high tenant's
graph latency 30-46% low and its p99 45-59% low: a request that arrives
during the other context's slice waits for the slice to end, which a fluid
share does not show. The default slice and switch are not measured.

**First harness, eager**: see its section; not target rows.
TAIL
