#!/bin/sh
# The gpu device from the command line: bad device files are refused with
# the file, the line and the field; `predict` prints kernels, layers and
# CSV for a GPU; a layer table's `post` column is checked.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# refuse NAME FILE-CONTENT EXPECTED-SUBSTRING: the device file is refused
# (exit 1) with a message containing the substring.
refuse() {
  printf '%s\n' "$2" > bad.dev
  msg=$("$SCHEDLAB" predict --device gpu:bad.dev --network resnet18 2>&1)
  rc=$?
  if [ $rc -eq 1 ]; then contains "$1" "$msg" "$3"; else not_ok "$1: exit $rc" "$msg"; fi
}
refuse "unknown field" "base = gpu-h100
sm_count = 4" "bad.dev:2: field 'sm_count': unknown field"
refuse "not a number" "base = gpu-h100
gemm_eff = fast" "bad.dev:2: field 'gemm_eff': 'fast' is not a number"
refuse "out of range" "base = gpu-h100
mem_eff = 1.5" "bad.dev:2: field 'mem_eff': 1.5 is out of range"
refuse "bad size" "base = gpu-h100

l2_bytes = 50 furlongs" "bad.dev:3: field 'l2_bytes': '50 furlongs' is not a whole number of bytes"
refuse "bad bandwidth" "base = gpu-h100
mem_bw = 3 TB" "bad.dev:2: field 'mem_bw': '3 TB' is not a bandwidth"
refuse "bad duration" "base = gpu-h100
kernel_ns = 3 weeks" "bad.dev:2: field 'kernel_ns': '3 weeks' is not a duration"
refuse "given twice" "base = gpu-h100
sms = 10
sms = 12" "bad.dev:3: field 'sms': given twice (lines 2 and 3)"
refuse "no value" "base = gpu-h100
sms =" "bad.dev:2: field 'sms': no value"
refuse "no equals sign" "base = gpu-h100
sms 12" "bad.dev:2: expected 'field = value'"
refuse "missing field" "sms = 12" "bad.dev: field 'clock_mhz': missing"
refuse "unknown base" "base = gpu-nonesuch" "bad.dev:1: field 'base': unknown gpu preset 'gpu-nonesuch'"
refuse "base after fields" "sms = 12
base = gpu-h100" "bad.dev:2: field 'base': must come before the other fields"
refuse "bad dtype word" "base = gpu-h100
dtype = int8" "bad.dev:2: field 'dtype': 'int8' is not fp16 or fp32"

msg=$("$SCHEDLAB" predict --device gpu-h100 --device-param dtype=bf16 --network resnet18 2>&1)
contains "bad --device-param dtype" "$msg" "device param 'dtype': 'bf16' is not fp16 or fp32"
msg=$("$SCHEDLAB" predict --device gpu-h100 --device-param warp=32 --network resnet18 2>&1)
contains "unknown --device-param" "$msg" "unknown device param 'warp' for gpu"
msg=$("$SCHEDLAB" predict --device gpu-nonesuch --network resnet18 2>&1)
contains "unknown preset" "$msg" "unknown gpu preset 'gpu-nonesuch'"

# predict: totals, per kernel, per layer, CSV.
out=$("$SCHEDLAB" predict --device gpu-h100 --network resnet50 --batch 1,16)
check "predict: one line per batch" "$(echo "$out" | grep -c '^resnet50 batch')" 2
contains "predict: kernels and gaps" "$out" "host gaps"
out=$("$SCHEDLAB" predict --device gpu-h100 --network resnet18 --batch 1 --per-kernel --csv)
check "per-kernel CSV header" "$(echo "$out" | head -n 1)" \
  "network,batch,kernel,kernels,latency_ns,gap_ns,blocks,blocks_per_sm,waves,flops,bytes,flops_per_s,bytes_per_s,bound"
# resnet18 fp16 eager: conv1 (7x7: two layout kernels, the GEMM, one back),
# its bn (three kernels) and relu: the first eight rows.
check "per-kernel: conv1's kernels as PyTorch eager runs them" \
  "$(echo "$out" | sed -n '2,9p' | cut -d, -f3 | tr '\n' ' ')" \
  "conv1.nhwc_in conv1.nhwc_w conv1.gemm conv1.nchw_out conv1.bn_stats conv1.bn_prep conv1.bn conv1.relu "
total=$(echo "$out" | awk -F, '$3 == "total" { print $5 + $6 }')
sum=$(echo "$out" | awk -F, 'NR > 1 && $3 != "total" { s += $5 + $6 } END { print s }')
check "per-kernel: durations and gaps add up to the total" "$sum" "$total"
lat=$("$SCHEDLAB" predict --device gpu-h100 --network resnet18 --batch 1 | sed 's/.*kernels, \([0-9.]*\) ms.*/\1/')
check "per-kernel total = the predicted latency" "$(awk -v t="$total" 'BEGIN { printf "%.3f", t / 1e6 }')" "$lat"
out=$("$SCHEDLAB" predict --device gpu-h100 --device-param dtype=fp32 --network resnet18 --batch 1 --per-layer --csv)
check "per-layer: one row per network layer + total (31 + 1)" "$(echo "$out" | sed 1d | wc -l | tr -d ' ')" 32
check "per-layer fp32: cuDNN batch norm is one kernel (conv 4 + bn 1 + relu 1)" \
  "$(echo "$out" | awk -F, '$3 == "conv1" { print $4 }')" 6
out=$("$SCHEDLAB" predict --device gpu-h100 --device-param launch=graph --network resnet18 --batch 1 --per-kernel --csv)
# Graph mode: no host gaps, only the dispatch latency (launch_ns) before each kernel.
launch=$(sed -n 's/^launch_ns = \([0-9]*\)ns.*/\1/p' "$root/traces/devices/gpu-h100.dev")
check "graph mode: every gap is launch_ns ($launch ns)" \
  "$(echo "$out" | awk -F, -v l="$launch" 'NR > 1 && $3 != "total" && $6 != l { n++ } END { print n + 0 }')" 0
msg=$("$SCHEDLAB" predict --device npu-prema --network resnet18 --per-kernel 2>&1)
contains "--per-kernel needs a gpu" "$msg" "--per-kernel needs a gpu device"

# The post column of a layer table.
printf 'name,type,in_c,out_c,post\nfc,fc,8,8,bn+swish\n' > net.csv
msg=$("$SCHEDLAB" predict --device gpu-h100 --network net.csv 2>&1)
contains "post: unknown op" "$msg" "net.csv:2: column 'post': 'swish' is not a post-op"
printf 'name,type,in_c,out_c,post\nfc,fc,8,8,relu+relu\n' > net.csv
msg=$("$SCHEDLAB" predict --device gpu-h100 --network net.csv 2>&1)
contains "post: twice" "$msg" "net.csv:2: column 'post': 'relu' is given twice"
printf 'name,type,in_c,out_c,post\nfc,fc,8,8,relu+\n' > net.csv
msg=$("$SCHEDLAB" predict --device gpu-h100 --network net.csv 2>&1)
contains "post: trailing +" "$msg" "net.csv:2: column 'post': ends with '+'"
# `# sdpa capture=math`: graph mode runs PyTorch's math SDPA (fp16 batch 1:
# q, k, v, 19 math kernels, o = 23); eager mode and a table without the
# line keep the fused path (q, k, v, memset, sdpa, o = 6).
attn='name,type,in_c,seq,heads\nat,attention,64,16,2\n'
printf "# sdpa capture=math\n$attn" > m.csv
printf "$attn" > f.csv
kernels() { "$SCHEDLAB" predict --device gpu-h100 --network "$1" --device-param launch="$2" |
  sed -n 's/.*: \([0-9]*\) kernels.*/\1/p'; }
check "sdpa capture=math: graph mode lowers the math path" "$(kernels m.csv graph)" 23
check "sdpa capture=math: eager mode keeps the fused kernel" "$(kernels m.csv eager)" 6
check "no sdpa line: graph mode keeps the fused kernel" "$(kernels f.csv graph)" 6
printf "# sdpa capture=always\n$attn" > b.csv
msg=$("$SCHEDLAB" predict --device gpu-h100 --network b.csv 2>&1)
contains "sdpa: bad value" "$msg" "b.csv:1: '# sdpa': expected '# sdpa capture=math' or '# sdpa capture=fused'"
# `# host gil=G` (the share of eager host time holding the GIL, host=shared):
# each malformed form is refused with file and line, and nothing runs.
hostmsg="'# host': expected '# host gil=G' with G a number in [0, 1]"
for bad in "gil=1.5" "gil=-0.1" "gil=abc" "gil=" "gil=nan" "gil=0.5 more" "fil=0.5" ""; do
  printf "# one\n# host $bad\n$attn" > h.csv
  msg=$("$SCHEDLAB" predict --device gpu-h100 --network h.csv 2>&1)
  contains "host directive refused: '$bad'" "$msg" "h.csv:2: $hostmsg"
done
# A run over a table with a bad `# host` line stops before it writes
# anything: the message names the file and line, and no database appears.
printf "# host gil=2\n$attn" > h.csv
printf 'arrival_ns,network,batch,priority\n0,h.csv,1,0\n' > h_trace.csv
msg=$("$SCHEDLAB" run --db h.db --trace h_trace.csv --policy np_fcfs --device gpu-h100 2>&1)
contains "run: host directive refused" "$msg" "h.csv:1: $hostmsg"
check "run: no database after a bad host directive" "$(test -e h.db && echo yes || echo no)" no
printf "# host gil=0.25\n$attn" > h.csv
check "host gil=0.25: accepted, the kernels unchanged" "$(kernels h.csv eager)" 6
# An eager LLM request reads each token back before the next decode step
# (a device-to-host sync), so the host cannot launch a step while the GPU
# still runs the one before. A 4096-token prefill of one 4096 x 4096 fc
# (about 170 us on gpu-h100) then two steps of one token: without the sync
# the host (one op, host_op_ns H each) would be far ahead, the steps' gaps
# only launch_ns; with it each step's kernel starts H after the previous
# kernel ends: gaps H, H, H.
printf '# param seq = 4096\n# generate seq\nname,type,in_c,out_c,seq\nfc,fc,4096,4096,$seq\n' > dec.csv
H=$(sed -n 's/^host_op_ns *= *\([0-9]*\)ns.*/\1/p' "$root/traces/devices/gpu-h100.dev")
gaps=$("$SCHEDLAB" predict --device gpu-h100 --network 'dec.csv[prompt=4096,gen=2]' --per-kernel |
  awk '$1 == "fc.gemm" { printf "%s ", $4 }')
check "eager decode: each step waits for the GPU, then launches (host_op_ns $H)" "$gaps" "$H $H $H "
gaps=$("$SCHEDLAB" predict --device gpu-h100 --network 'dec.csv[prompt=4096,gen=2]' --per-kernel \
  --device-param launch=graph | awk '$1 == "fc.gemm" { printf "%s ", $4 }')
L=$(sed -n 's/^launch_ns *= *\([0-9]*\)ns.*/\1/p' "$root/traces/devices/gpu-h100.dev")
check "graph decode: back to back (launch_ns $L)" "$gaps" "$L $L $L "
echo "1..$n"
[ "$failed" -eq 0 ]
