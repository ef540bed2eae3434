#!/bin/sh
# The GPU model's isolated latency against the measurements kept in the
# repository (experiments/calibration/gpu_h100 and gpu_h200, with their
# provenance), each on its calibrated preset: the held-out rows (networks
# and batches the constants were not fitted on) must be within 15% MAPE in
# graph mode and 30% in eager mode (limits in engine/gpu_validate.h), and
# docs/gpu_validation.md (H100) and docs/gpu_validation_h200.md (H200) must
# be what the data gives today. A model change that loses accuracy fails
# here: fix the model, never the numbers.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
# validate DATA_DIR PRESET DOC HELD_OUT_ROWS
validate() {
  rel=experiments/calibration/$1
  out=$(cd "$root" && "$SCHEDLAB" predict --validate-gpu "$rel" --device "$2")
  rc=$?
  last=$(echo "$out" | tail -n 1)
  # "MAPE graph: fit F% held-out H% all A%; eager: fit F% held-out H% all A%: pass"
  graph=$(echo "$last" | sed -n 's/^MAPE graph: fit [0-9.]*% held-out \([0-9.]*\)%.*/\1/p')
  eager=$(echo "$last" | sed -n 's/.*eager: fit [0-9.]*% held-out \([0-9.]*\)%.*/\1/p')
  rows=$(echo "$out" | awk 'NR > 1 && $4 == "held" { n++ } END { print n + 0 }')
  if [ -n "$graph" ] && awk -v g="$graph" 'BEGIN { exit !(g <= 15) }'; then
    ok "$2 graph mode: held-out MAPE $graph% <= 15% ($rows held-out rows)"
  else
    not_ok "$2 graph mode: held-out MAPE '$graph'% above 15% (exit $rc)" "$last"
  fi
  if [ -n "$eager" ] && awk -v g="$eager" 'BEGIN { exit !(g <= 30) }'; then
    ok "$2 eager mode: held-out MAPE $eager% <= 30%"
  else
    not_ok "$2 eager mode: held-out MAPE '$eager'% above 30% (exit $rc)" "$last"
  fi
  check "$2: held-out rows" "$rows" "$4"
  check "$2: validate-gpu exits 0 when both modes pass" "$rc" 0
  if (cd "$root" && "$SCHEDLAB" predict --validate-gpu "$rel" --device "$2" --markdown |
      cmp -s - "$3"); then
    ok "$3 is current"
  else
    not_ok "$3 differs from: schedlab predict --validate-gpu $rel --device $2 --markdown"
  fi
}
# H100: resnet18 and alexnet at 4 batches x 2 dtypes (16), batch 4 of the
# three fitting networks x 2 dtypes (6).
validate gpu_h100 gpu-h100 docs/gpu_validation.md 22
# H200: 6 other networks x 7 batches x 2 dtypes (84), batches 2, 4, 8, 32 of
# the three fitting networks x 2 dtypes (24).
validate gpu_h200 gpu-h200 docs/gpu_validation_h200.md 108
echo "1..$n"
[ "$failed" -eq 0 ]
