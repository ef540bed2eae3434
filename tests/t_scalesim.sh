#!/bin/sh
# The NPU model against SCALE-Sim v2 (TAP): one test per (configuration,
# network) of experiments/calibration/scalesim/per_layer (reference data
# kept in the repository with its provenance), failing when the median
# absolute per-layer error of compute cycles exceeds 5% or the network's
# total error exceeds 10% (the thresholds live in engine/npu_validate.h).
# The same comparison, as markdown, is docs/npu_validation.md, and the last
# test checks that the committed file is what the data gives today.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
rel=experiments/calibration/scalesim/per_layer
dir="$root/$rel"
out=$("$SCHEDLAB" predict --validate "$dir")
rc=$?
if [ $rc -gt 1 ] || ! echo "$out" | grep -q '^all '; then
  echo "1..1"
  echo "not ok 1 - scalesim validation did not run (exit $rc)"
  echo "$out" | sed 's/^/# /'
  exit 1
fi
echo "$out" | awk '
  NR == 1 { next }                                     # the header
  /^all / { last = $0; next }
  { n++; line[n] = sprintf("%s - scalesim %s %s: %s layers, median %s%%, max %s%%, total %s%%",
                           $7 == "pass" ? "ok" : "not ok", $1, $2, $3, $4, $5, $6) }
  END { printf "1..%d\n", n + 2
        for (i = 1; i <= n; i++) { sub(/ - /, " " i " - ", line[i]); print line[i] }
        printf "%s %d - scalesim all layers: %s\n", last ~ /pass$/ ? "ok" : "not ok", n + 1, last }'
# docs/npu_validation.md is generated from the in-repository data by the
# command it names; a stale copy fails here.
n=$(echo "$out" | awk 'NR > 1 && !/^all / { n++ } END { print n + 2 }')
if (cd "$root" && "$SCHEDLAB" predict --validate "$rel" --markdown | cmp -s - docs/npu_validation.md); then
  echo "ok $n - docs/npu_validation.md is current (schedlab predict --validate $rel --markdown)"
else
  echo "not ok $n - docs/npu_validation.md differs from: schedlab predict --validate $rel --markdown"
fi
