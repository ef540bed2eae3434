# schedlab predict on the tiny NPU of npu_preempt (npu-2): per-layer cycles,
# latency, utilisation, DRAM bytes, tiles and bound, worked out by hand
# (see ../npu_preempt/test.sh for the fold and tile rules).
# Batch 1: a1 = 40 cycles (1 fold: 4 + 6 + 30), 8 tiles, 16 weight bytes,
# 4 x 4 x 30 = 480 MACs: utilisation 480 / (40 x 16 PEs) = 0.75; a2 = 2 folds
# = 80 cycles, 16 tiles, 32 bytes, 960 MACs, 0.75. Compute-bound.
# Batch 2 streams 60 vectors: a1 = 4 + 6 + 60 = 70 cycles, 15 tiles (the
# DRAM share, ceil(16 / 15) = 2 bytes = 1 cycle, hides under every tile),
# 960 MACs: 960 / (70 x 16) = 0.857143; a2 = 140 cycles, 30 tiles, 1920 MACs.
"$SCHEDLAB" predict --device npu:../npu_preempt/tiny.dev --network ../npu_preempt/a.csv \
  --batch 1,2 --per-layer --csv
# DRAM at 100 MB/s = 0.1 byte per cycle: a1's 16 bytes take 160 cycles, 2
# bytes = 20 cycles per tile, longer than every tile's compute (14, 4, ...,
# 2): 8 x 20 = 160 cycles, memory-bound; utilisation 480 / (160 x 16) = 0.1875.
# a2: 32 bytes over 16 tiles, 20 cycles each: 320 cycles, 0.1875.
"$SCHEDLAB" predict --device npu:../npu_preempt/tiny.dev --device-param dram_bw=100MB/s \
  --network ../npu_preempt/a.csv --per-layer
