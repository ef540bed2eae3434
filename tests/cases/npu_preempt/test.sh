# Preemption at tile granularity on the NPU (npu-1): a mid-layer CHECKPOINT,
# a KILL, and the same CHECKPOINT at layer granularity, on tiny.dev (4 x 4,
# ws, 1000 MHz: 1 cycle = 1 ns; stream depth d = 4; DRAM 2 B/ns, latency
# 10 cycles = 10 ns; 1-byte elements, 4-byte partial sums).
#
# The model, by hand (engine/npu.c). An fc over N vectors with K = in_c and
# M = out_c is one GEMM; under ws a fold holds a 4 x 4 block of weights:
# ceil(K/4) * ceil(M/4) folds of 4 (preload) + 4 + 4 - 2 (skew) + N cycles,
# cut into ceil(N/4) tiles. DRAM: the K x M weights, once, spread over the
# tiles (2 bytes per ns); a tile takes max(compute, memory).
#   a1: K 4, M 4, N 30: 1 fold, 4 + 6 + 30 = 40 cycles, 8 tiles (the first
#       4 + 6 + 4 = 14, six of 4, the last 2; 16 weight bytes: 2 per tile,
#       1 ns, never longer than the tile). 40 ns.
#   a2: K 4, M 8, N 30: 2 folds of 40 = 80 ns, 16 tiles.  A = 120 ns.
#   b1: K 4, M 4, N 12: 4 + 6 + 12 = 22 ns, 3 tiles (14, 4, 4; 16 B: 6 per
#       tile = 3 ns <= 4).                                 B = 22 ns.
# Tile boundaries are uniform inside a layer: in a1 at floor(j * 40 / 8) =
# 5j ns. Activations: a1 reads 30 x 4 = 120 B and writes 120 B; a2 reads 120 B.
#
# A (priority 1) arrives at 0, B (priority 9) at 12; P-HPF preempts A.
#
# CHECKPOINT at tile granularity (npu-1.1). At 12 A is in a1, past tile
# boundary 10: it runs on to the next one, 15 (j = 3). Live state (progress
# model, docs/prema.md §5): a1's input 120 B + 3/8 of its output
# (floor(3 * 120 / 8) = 45 B) + the partial sums of one tile, d x C x 4 B =
# 64 B (under the 1 KiB ACCQ): 229 B -> ceil(229 / 2) = 115 ns + 10 ns
# latency = 125 ns to save, the same to restore. So sim.cost(A) at 12:
# checkpoint = latency 3 + 125 = 128, save 125, restore 125, wasted 0;
# kill = latency 3 (to the boundary), wasted 15; drain = latency 120 - 12 = 108.
# Schedule: A saves 15-140; B runs 140-162; A restores 162-287 and runs its
# last 105 ns to 392. A: 1 preemption, overhead 250 ns.
"$SCHEDLAB" run --db "$DB" --device npu:tiny.dev --trace trace.csv --policy policy.lua \
  --log "$DB.log" --quiet >/dev/null
cat "$DB.log"
tasks
#
# KILL (npu-1.2): A stops at the same boundary, 15, and loses its 15 ns; B
# runs 15-37; A restarts from a1 at 37 and finishes at 37 + 120 = 157.
"$SCHEDLAB" run --db "$DB" --device npu:tiny.dev --trace trace.csv --policy policy.lua \
  --param preempt=kill --quiet >/dev/null
tasks
#
# CHECKPOINT at layer granularity (npu-1.3, ckpt_granularity = layer): A
# runs on to the end of a1, 40, and saves only a1's output, a2's 120-byte
# input: 60 + 10 = 70 ns (sim.cost: latency 28 + 70 = 98; a kill would
# waste 40). A saves 40-110; B runs 110-132; A restores 132-202 and runs a2,
# 202-282. Overhead 140 ns.
"$SCHEDLAB" run --db "$DB" --device npu:tiny.dev --device-param ckpt_granularity=layer \
  --trace trace.csv --policy policy.lua --log "$DB.log" --quiet >/dev/null
cat "$DB.log"
tasks
metric all checkpoints kills overhead_ns
