#!/bin/sh
# real_traces — the Azure LLM inference traces of 2023 (code and conv) as two
# tenants of one GPU, at several loads, under several policies; see the head
# of experiments/real_traces.lua. This script is the experiment's entry point:
# it prepares the traces the sweep replays, then sweeps and draws.
#
#   experiments/real_traces.sh [--quick] [--db F] [--report F] [--jobs N] [--out DIR] [--no-plot]
#
# --db, --report and --jobs go to `schedlab sweep`, --db and --out (the
# figures' folder, default results/real_traces) to `schedlab plot`.
#
# Full: reads AzureLLMInferenceTrace_code.csv and _conv.csv from
# $SCHEDLAB_REAL_TRACES (that folder or its azure_llm_inference_2023/), else
# from ../shared/traces beside the checkout; they are not part of schedlab
# (github.com/Azure/AzurePublicDataset, CC-BY 4.0). Without them it says so
# and stops, exit status 0, having written nothing. --quick: the small
# synthetic fixture in experiments/real_traces/fixture/ (same format).
#
# Steps, into results/real_traces/ (results/real_traces-quick/ with --quick):
#   1. import each file through experiments/real_traces/azure_tenants.fmt
#      (tenant, priority, bucketed tokens -> gpt2_small[prompt=P,gen=G]);
#   2. put both on one clock: each file's times count from its own first
#      record, so the later file is shifted by the difference of the two
#      first timestamps (`trace merge` alone would start both at 0);
#   3. merge them (`trace merge`), then `trace scale --load L --device gpu-h100`
#      for every load L of the grid: the whole hour, time-stretched;
#   4. a sample (every K-th request of each file) imported twice, bucketed
#      and exact (azure_exact.fmt), for the report's measure of the buckets;
#   5. `schedlab sweep` and `schedlab plot` of experiments/real_traces.lua.
set -eu
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
S=$SCHEDLAB
quick=
plot=1
sweep_args=
plot_args=
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=--quick ;;
    --no-plot) plot= ;;
    --db|--report|--jobs|--out)
      [ $# -ge 2 ] || { echo "real_traces: $1 needs a value" >&2; exit 2; }
      case $2 in *' '*) echo "real_traces: $1: no spaces in paths, please" >&2; exit 2 ;; esac
      [ "$1" = --db ] || [ "$1" = --out ] && plot_args="$plot_args $1 $2"
      [ "$1" = --out ] || sweep_args="$sweep_args $1 $2"
      shift ;;
    *) echo "real_traces: unknown option '$1' (--quick, --db F, --report F, --jobs N, --out DIR, --no-plot)" >&2
       exit 2 ;;
  esac
  shift
done
dev=gpu-h100
code=AzureLLMInferenceTrace_code.csv
conv=AzureLLMInferenceTrace_conv.csv
if [ -n "$quick" ]; then
  src=$root/experiments/real_traces/fixture
  work=$root/results/real_traces-quick
  loads="0.5 0.9"            # the loads of real_traces.lua's grid (quick): keep in step
  every=4
else
  real=${SCHEDLAB_REAL_TRACES:-$root/../shared/traces}
  src=
  for d in "$real" "$real/azure_llm_inference_2023"; do
    if [ -f "$d/$code" ] && [ -f "$d/$conv" ]; then src=$d; break; fi
  done
  if [ -z "$src" ]; then
    echo "real_traces: the Azure LLM inference 2023 traces ($code, $conv) are not in"
    echo "  $real or $real/azure_llm_inference_2023; set SCHEDLAB_REAL_TRACES to the folder"
    echo "  holding them (github.com/Azure/AzurePublicDataset, data/). Nothing was run."
    exit 0
  fi
  work=$root/results/real_traces
  loads="0.4 0.6 0.8 0.9"    # the loads of real_traces.lua's grid: keep in step
  every=200
fi
spec=$root/experiments/real_traces/azure_tenants.fmt
exact=$root/experiments/real_traces/azure_exact.fmt
mkdir -p "$work/sample"

# The first record's time of a trace file, in ns since the epoch (UTC, as the
# spec reads a time without a zone).
t0() { date -u -d "$(awk -F, '/^[0-9]/ { print $1; exit }' "$1")" +%s%N; }
# Shift a native trace's arrivals by $2 ns (these traces have no deadlines).
shift_by() {
  awk -F, -v OFS=, -v d="$2" 'NR == 1 || d == 0 { print; next } { $1 = sprintf("%.0f", $1 + d); print }' "$1" > "$1.tmp"
  mv "$1.tmp" "$1"
}
# import code and conv files from $1 through spec $2, on one clock, merged to $3
prepare() {
  "$S" trace import --format "$2" "$1/$code" -o "$work/code.csv" >/dev/null
  "$S" trace import --format "$2" "$1/$conv" -o "$work/conv.csv" >/dev/null
  a=$(t0 "$1/$code")
  b=$(t0 "$1/$conv")
  if [ "$a" -gt "$b" ]; then shift_by "$work/code.csv" $((a - b)); else shift_by "$work/conv.csv" $((b - a)); fi
  "$S" trace merge "$work/code.csv" "$work/conv.csv" -o "$3" >/dev/null
  rm -f "$work/code.csv" "$work/conv.csv"
}

echo "real_traces: traces from $src"
prepare "$src" "$spec" "$work/merged.csv"
for l in $loads; do
  "$S" trace scale "$work/merged.csv" --load "$l" --device "$dev" -o "$work/load_$l.csv"
done
for f in $code $conv; do
  awk -v k="$every" 'NR == 1 || (NR - 2) % k == 0' "$src/$f" > "$work/sample/$f"
done
prepare "$work/sample" "$spec" "$work/sample_bucketed.csv"
prepare "$work/sample" "$exact" "$work/sample_exact.csv"
# shellcheck disable=SC2086
"$S" sweep "$root/experiments/real_traces.lua" $quick $sweep_args
# shellcheck disable=SC2086
[ -z "$plot" ] || "$S" plot "$root/experiments/real_traces.lua" $quick $plot_args
