#!/bin/sh
# Replays the measured two-tenant experiments of experiments/calibration/gpu_h100
# and gpu_h200 (README.md there: a low-priority tenant back to back on one
# stream, e.g. resnet50 batch 16; a high-priority tenant, e.g. resnet18 batch 1,
# on the Poisson trace arrival_trace.csv; two streams of one process, fp16,
# graph and eager, equal and different stream priorities) on the gpu device
# with sharing=streams, and prints docs/gpu_sharing_validation.md: the high
# tenant's mean and p99 latency and the low tenant's throughput, measured (mean
# of the trials) against the model.
#
#   sh experiments/gpu_sharing/validate.sh [SCHEDLAB] > docs/gpu_sharing_validation.md
#
# "Back to back" is a closed loop; the engine has open arrivals only, so the low
# tenant is a queue of LOW_N requests that all arrive at 0 on its stream: the
# stream is never idle, as a closed loop's is not (its one-request-at-a-time
# serialisation is the stream's). The high tenant's requests arrive at the
# trace's times (ms rounded to whole ns) and run one at a time, FIFO, on the
# high stream (the measurement: one outstanding request, FIFO).
# Window T = the end of the high tenant's last request; the low tenant's
# throughput = its requests completed in (0, T] / T, as the measurement's.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
SCHEDLAB=${1:-$root/bin/schedlab}
LOW_N=600
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
# $data (not the short profiled runs).
measured() {
  awk -F, -v m="$1" -v s="$2" -v pair="$pair" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["source"] == "final" && $c["pair"] == pair && $c["exec_mode"] == m &&
    $c["sharing_mode"] == s && $c["trial"] ~ /^[0-9]+$/ {
      a += $c["hi_lat_mean_ms"]; b += $c["hi_lat_p99_ms"]; t += $c["low_tput_per_s"]; n++ }
    END { printf "%.4f %.4f %.2f\n", a / n, b / n, t / n }' "$data/sharing_summary.csv"
}

# model TRACE LAUNCH PRIOS WINDOW_SQL [extra params...] -> "mean p99 tput" on $device
model() {
  trace=$1 launch=$2 prios=$3 window=$4
  shift 4
  db=$tmp/m.db
  rm -f "$db"
  "$SCHEDLAB" run --db "$db" --quiet --trace "$trace" \
    --policy "$root/experiments/gpu_sharing/tenant_streams.lua" --device "$device" \
    --device-param units=2 --device-param sharing=streams --device-param stream_prio="$prios" \
    --device-param launch="$launch" --device-param dtype=fp16 "$@" > /dev/null
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

# section GPU DEVICE PAIR LOWNET LOWBATCH HIGHNET HIGHBATCH
section() {
  gpu=$1 device=$2 pair=$3
  data=$root/experiments/calibration/$gpu
  {
    echo "arrival_ns,network,batch,priority,tenant"
    i=0
    while [ $i -lt $LOW_N ]; do echo "0,$4,$5,0,low"; i=$((i + 1)); done
    awk -F, -v n="$6" -v b="$7" 'NR > 1 { printf "%.0f,%s,%s,1,high\n", $3 * 1e6, n, b }' \
      "$data/arrival_trace.csv"
  } > "$tmp/trace.csv"
  grep -v ',high$' "$tmp/trace.csv" > "$tmp/low.csv"
  { echo "arrival_ns,network,batch,priority,tenant"; grep ',high$' "$tmp/trace.csv"; } > "$tmp/high.csv"
  # The measurement's window for the low tenant alone: the last arrival + 5 ms.
  win_low=$(awk -F, 'END { printf "%.0f", $3 * 1e6 + 5e6 }' "$data/arrival_trace.csv")
  echo
  echo "## $gpu, $4 batch $5 (low) + $6 batch $7 (high), \`$device\`"
  echo
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

cat <<'HEAD'
# GPU sharing: the two-tenant experiments, measured and modelled

Generated by `sh experiments/gpu_sharing/validate.sh > docs/gpu_sharing_validation.md`
from the measurements in `experiments/calibration/gpu_h100/` and
`experiments/calibration/gpu_h200/` (PyTorch 2.11, fp16; each folder's README
gives the conditions): a low tenant back to back on one stream and a high
tenant (200 requests on a Poisson trace of mean gap 5 ms), two CUDA streams
of one process, at equal priorities and with the high stream at a higher
priority. Model: the GPU's preset with `sharing=streams`, `units=2`, policy
`experiments/gpu_sharing/tenant_streams.lua` (each tenant on its stream;
`stream_prio=1,0` or `0,0`; eager runs with `host=shared`, since the two
tenants are threads of one Python process); the low tenant's closed loop is
a queue of requests all arriving at 0 (its stream never idles). Measured
figures are the mean of the trials (H100 2, H200 3). Targets (issue 11): the
high tenant's mean and p99 latency within 25%, the low tenant's throughput
within 20%. The model is docs/gpu_model.md ("Sharing"); none of its
constants was fitted to these rows.
HEAD

section gpu_h100 gpu-h100 r50b16_r18b1 resnet50 16 resnet18 1
section gpu_h200 gpu-h200 r50b16_r18b1 resnet50 16 resnet18 1
section gpu_h200 gpu-h200 bertb16_mnv2b1 bert_base 16 mobilenet_v2 1

cat <<'TAIL'

## What the rows say

**Graph mode, resnet50 + resnet18** (H100 and H200) meets the targets. A
high-tenant kernel puts its blocks beside the low tenant's running blocks
wherever their block slots leave room, and such an SM's throughput is
split between the two: that is why co-running roughly doubles the high
tenant's kernel time in the measurement, with or without a higher stream
priority. Where the low kernel fills every slot, the high kernel waits for
the low blocks to reach their wave boundary (first, with the higher
priority; at equal priorities after the earlier-launched low kernel has
dispatched its waves): the model's equal-priority rows are therefore a
little slower than its priority rows, while the measurement shows no
difference.

**Graph mode, bert_base + mobilenet_v2** (H200): the high tenant's latency
is within the targets, the low tenant's throughput is not, and the isolated
rows show why: alone, the model already predicts bert_base batch 16 far too
fast (the known fp16 BERT graph gap of the isolated model,
docs/gpu_validation.md).

**Eager mode** is dominated by the host, not by the GPU sharing. In this
harness the tenants' eager host work is much slower than in the isolated
calibration (`e2e_latency.csv`, which the host gap constants are fitted
to), even alone: see the isolated eager rows. The high tenant's queue (a
request every 5 ms on average) is then close to or past saturation in the
measurement (latencies of tens to hundreds of ms, varying widely between
trials) and far from it in the model. The two tenants are Python threads of
one process; `host=shared` (their host gaps share one interpreter, rate
1/n) explains part of the slowdown from sharing, but not a host that is
slower to begin with.
TAIL
