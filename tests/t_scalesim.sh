#!/bin/sh
# The NPU model against SCALE-Sim v2 (TAP): one test per (configuration,
# network) of ../shared/calibration/scalesim/per_layer, failing when the
# median absolute per-layer error of compute cycles exceeds 5% or the
# network's total error exceeds 10% (the thresholds live in
# engine/npu_validate.h). Skips, visibly, when ../shared is absent.
# The same comparison, as markdown, is docs/npu_validation.md.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
here=$(cd "$(dirname "$0")" && pwd)
dir="$here/../../shared/calibration/scalesim/per_layer"
if [ ! -d "$dir" ]; then
  # A skipped plan: prove prints the reason on the file's own line.
  echo "1..0 # SKIP ../shared/calibration/scalesim not present: the NPU model is not validated"
  exit 0
fi
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
  END { printf "1..%d\n", n + 1
        for (i = 1; i <= n; i++) { sub(/ - /, " " i " - ", line[i]); print line[i] }
        printf "%s %d - scalesim all layers: %s\n", last ~ /pass$/ ? "ok" : "not ok", n + 1, last }'
