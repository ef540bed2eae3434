#!/bin/sh
# make demo: the default experiment, end to end — a real sweep on the
# measured H100 profile, its figures, and a short table. Finishes in well
# under a minute on two cores; a second run skips the runs already done.
set -eu
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
cd "$(dirname "$0")/.."
"$SCHEDLAB" sweep experiments/demo.lua
echo
echo "figures:"
"$SCHEDLAB" plot experiments/demo.lua | sed 's/^/  /'
echo
echo "try: $SCHEDLAB query results/demo.db \"SELECT policy, point, antt, p99_latency_ns FROM run_summary LIMIT 5\""
