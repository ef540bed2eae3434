#!/bin/sh
# The CPU device from the command line (TAP): `schedlab predict` on the
# cpu-server preset, at all cores and at a reference core count, worked by
# hand from docs/cpu_model.md; bad device params.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
. "$(dirname "$0")/tap.sh"
S=$SCHEDLAB
# ResNet-50 conv1 at batch 1 on cpu-server with ref_cores = 8: 7x7 conv,
# 3 -> 64 channels, 112 x 112 outputs: F = 2 x 118013952 = 236027904 FLOPs;
# bytes = (9408 weights + 150528 inputs + 802816 outputs) x 4 = 3851008.
# Version fast: n = 64, m = 12544: 1 x 196 = 196 work units, on 8 cores 25
# waves at 2900 x 32 x 60% = 55.68 FLOPs/ns per core: T_c =
# ceil(25 x 236027904 x 10^7 / (196 x 2900 x 32 x 60 x 100)) = ceil(540689.66)
# = 540690; T_m = ceil(3851008 / 102.4) = 37608 (8 x 25 GB/s > 102.4); barrier
# 60 x 7 = 420: 541110 ns (balanced: 784 units, 98 waves at 85%, 623 us;
# fewer cores are slower).
row=$("$S" predict --device cpu-server --device-param ref_cores=8 --network resnet50 --batch 1 \
  --per-layer --csv | grep '^resnet50,1,conv1,')
check "conv1 on 8 cores: 541110 ns" "$(echo "$row" | cut -d, -f6)" 541110
check "conv1 is compute-bound, 196 work units" "$(echo "$row" | cut -d, -f10,11)" "196,compute"
# The per-layer rows add up to the total, 72 layers.
out=$("$S" predict --device cpu-server --network resnet50 --batch 1 --per-layer --csv)
check "72 layers" "$(echo "$out" | grep '^resnet50,1,' | grep -vc ',total,')" 72
check "rows add up to the total" "$(echo "$out" | awk -F, '$3 != "total" {s += $6} END {print s}')" \
  "$(echo "$out" | awk -F, '$3 == "total" {print $6}')"
# A reference beyond the cores, a misspelt param: errors naming the field.
err=$("$S" predict --device cpu-server --device-param ref_cores=65 --network resnet50 2>&1)
contains "ref_cores above cores" "$err" "device param 'ref_cores': 65 is more than cores (64)"
err=$("$S" predict --device cpu-server --device-param core=2 --network resnet50 2>&1)
contains "unknown param" "$err" "unknown device param 'core' for cpu"
err=$("$S" predict --device cpu:no_such.dev --network resnet50 2>&1)
contains "missing file" "$err" "no_such.dev: no such device file"
echo "1..$n"
[ "$failed" -eq 0 ]
