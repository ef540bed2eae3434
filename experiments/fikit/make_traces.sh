#!/bin/sh
# Writes the task traces of experiments/fikit.lua into traces/ (committed;
# run again after a change of the GPU model or of the pairs). Each trace is
# one model pair: an HP tenant `hp` (priority 9, batch 1) running N_HP
# inferences back to back, and K LP tenants `lp1`..`lpK` (priority 1, batch
# 8), each running as many inferences as make its isolated work about the
# HP task's (at least 2): every request arrives at 0 and the policies run a
# tenant's requests one at a time (policies_lua/tenant_units.lua), a closed
# loop with no think time. `PAIR_hp.csv` is the HP task alone (exclusive);
# `PAIR_periodic_*.csv` the same with the HP task released periodically.
# Usage: sh experiments/fikit/make_traces.sh [path/to/schedlab]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
S=${1:-$here/../../bin/schedlab}
DEV=gpu-h100
N_HP=8
mkdir -p "$here/traces"
iso() {   # isolated ns of NETWORK at BATCH on $DEV (eager): kernels + gaps
  "$S" predict --device $DEV --network "$1" --batch "$2" --per-kernel | awk '$1 == "total" {print $3 + $4}'
}
for pair in resnet18:resnet50 mobilenet_v2:vgg16 bert_base:resnet50 efficientnet_b0:googlenet \
            resnet50:bert_base googlenet:mobilenet_v2; do
  hp=${pair%%:*}; lp=${pair##*:}
  ih=$(iso "$hp" 1); il=$(iso "$lp" 8)
  nlp=$(awk -v a="$ih" -v b="$il" -v n=$N_HP 'BEGIN {k = int(n * a / b + 0.5); print k < 2 ? 2 : k}')
  name=${hp}__${lp}
  { echo "arrival_ns,network,batch,priority,tenant"
    i=0; while [ $i -lt $N_HP ]; do echo "0,$hp,1,9,hp"; i=$((i + 1)); done
  } >"$here/traces/${name}_hp.csv"
  for k in 1 2 4; do
    { cat "$here/traces/${name}_hp.csv"
      j=1; while [ $j -le $k ]; do
        i=0; while [ $i -lt "$nlp" ]; do echo "0,$lp,8,1,lp$j"; i=$((i + 1)); done
        j=$((j + 1))
      done
    } >"$here/traces/${name}_lp$k.csv"
  done
  # The HP task open loop instead: one inference every 2 x its isolated time
  # (rounded up to a us), so it idles half the time and LP kernels run
  # freely then: an HP arrival can find one running (an overrun).
  period=$(awk -v a="$ih" 'BEGIN {printf "%d", int((2 * a + 999) / 1000) * 1000}')
  { echo "arrival_ns,network,batch,priority,tenant"
    i=0; while [ $i -lt $N_HP ]; do echo "$((i * period)),$hp,1,9,hp"; i=$((i + 1)); done
  } >"$here/traces/${name}_periodic_hp.csv"
  { cat "$here/traces/${name}_periodic_hp.csv"
    j=1; while [ $j -le 2 ]; do
      i=0; while [ $i -lt "$nlp" ]; do echo "0,$lp,8,1,lp$j"; i=$((i + 1)); done
      j=$((j + 1))
    done
  } | { read -r h; echo "$h"; sort -t, -k1,1n -s; } >"$here/traces/${name}_periodic_lp2.csv"
  echo "$name: HP $ih ns x $N_HP (periodic: every $period ns), LP $il ns x $nlp"
done
