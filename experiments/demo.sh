#!/bin/sh
# make demo: the default experiment, end to end — a real sweep on the
# measured H100 profile, its figures, and a short table. Finishes in well
# under a minute on two cores. A second run does no work: the sweep skips
# the runs already done (their keys do not depend on the git state or on
# documentation), and the figures are redrawn only when the runs, the
# experiment file or the binary changed.
set -eu
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
cd "$(dirname "$0")/.."
"$SCHEDLAB" sweep experiments/demo.lua
echo
stamp=results/demo/.stamp
now=$({ "$SCHEDLAB" query --csv results/demo.db "SELECT count(*), max(run_id) FROM runs"
        cksum < experiments/demo.lua; cksum < "$SCHEDLAB"; } | cksum)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$now" ] && ls results/demo/*.png >/dev/null 2>&1; then
  echo "figures: up to date"
  ls results/demo/*.png | sed 's/^/  /'
else
  figs=$("$SCHEDLAB" plot experiments/demo.lua)
  echo "figures:"
  echo "$figs" | sed 's/^/  /'
  echo "$now" > "$stamp"
fi
echo
echo "try: $SCHEDLAB query results/demo.db \"SELECT policy, point, antt, p99_latency_ns FROM run_summary LIMIT 5\""
