/*
** test_npu.c — the NPU model by hand: fold, tile and cycle counts of small
** GEMMs under each dataflow, memory-bound tiles, lowering of every layer
** type, checkpoint sizes and costs, uniform tile boundaries, and the npu
** device's stop points. Every expected number is worked out in the comments.
*/
#include "device.h"
#include "npu.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

/* A 4 x 4 array at 1000 MHz (1 cycle = 1 ns), d = 3 vectors per tile,
** DRAM 2 bytes/cycle (2e9 B/s) and 10 cycles of latency, 1-byte elements,
** 4-byte partial sums. */
static struct npu_cfg small(enum npu_dataflow df) {
  struct npu_cfg c;
  memset(&c, 0, sizeof c);
  c.array_rows = c.array_cols = 4;
  c.dataflow = df;
  c.clock_mhz = 1000;
  c.ubuf_bytes = 1 << 20;
  c.wbuf_bytes = 64;
  c.accq_bytes = 1024;
  c.dram_bw = 2000000000;
  c.dram_latency_cycles = 10;
  c.elem_bytes = 1;
  c.acc_bytes = 4;
  c.stream_depth = 3;
  return c;
}

static void gemm(const struct npu_cfg *c, int64_t k, int64_t m, int64_t n, int spill,
                 int64_t in, int64_t out, struct npu_cost *r) {
  struct npu_gemm g = {k, m, n, 1, 0};
  npu_gemm_cost(c, &g, spill, in, out, r);
}

static void test_gemm(void) {
  struct npu_cfg c = small(NPU_WS);
  struct npu_cost r;
  /* G = K 6, M 5, N 7 under ws: rows get K (ceil(6/4) = 2), columns M
  ** (ceil(5/4) = 2): 4 folds. A fold: preload 4 + skew 4 + 4 - 2 = 6 +
  ** N = 7 streamed = 17 cycles; compute 4 x 17 = 68. Tiles: ceil(7/3) = 3
  ** per fold (3, 3, 1), 12 in all. DRAM: the 30 weight bytes once = 15
  ** cycles; per tile ceil(30/12) = 3 bytes = ceil(1.5) = 2 cycles. A fold:
  ** max(10 + 3, 2) + max(3, 2) + max(1, 2) = 18 (the last tile waits one
  ** cycle for memory): 72 cycles. */
  gemm(&c, 6, 5, 7, 0, 0, 0, &r);
  TEST_EQ_I64(r.folds, 4, "npu-1.1: ws folds");
  TEST_EQ_I64(r.tiles, 12, "npu-1.2: ws tiles");
  TEST_EQ_I64(r.compute_cycles, 68, "npu-1.3: ws compute cycles");
  TEST_EQ_I64(r.dram_bytes, 30, "npu-1.4: ws DRAM bytes: each weight once");
  TEST_EQ_I64(r.memory_cycles, 15, "npu-1.5: ws memory cycles");
  TEST_EQ_I64(r.cycles, 72, "npu-1.6: ws cycles, double-buffered tiles");
  TEST_EQ_I64(r.macs, 210, "npu-1.7: MACs 6 x 5 x 7");
  TEST_EQ_I64(r.acc_live, 48, "npu-1.8: live partial sums d x C x 4 B");
  /* os: rows get N (ceil(7/4) = 2), columns M (2): 4 folds of 0 + 6 + K 6 =
  ** 12 cycles: 48. Tiles: ceil(6/3) = 2 per fold, 8. The 30-byte weights
  ** fit the 64-byte buffer: read once; ceil(30/8) = 4 B = 2 cycles per tile,
  ** never longer than a tile: max(6 + 3, 2) + max(3, 2) = 12: 48. */
  c = small(NPU_OS);
  gemm(&c, 6, 5, 7, 0, 0, 0, &r);
  TEST(r.folds == 4 && r.tiles == 8 && r.compute_cycles == 48 && r.cycles == 48 &&
       r.dram_bytes == 30, "npu-2.1: os folds 4, tiles 8, cycles 48, 30 B");
  TEST_EQ_I64(r.acc_live, 64, "npu-2.2: os partial sums live in the R x C PEs");
  /* With a 16-byte weight buffer the weights stream once per row fold of
  ** N: ceil(7/4) = 2 passes, 60 bytes. */
  c.wbuf_bytes = 16;
  gemm(&c, 6, 5, 7, 0, 0, 0, &r);
  TEST_EQ_I64(r.dram_bytes, 60, "npu-2.3: os weights re-read per row fold");
  /* is: rows get K (2), columns N (ceil(7/4) = 2): 4 folds of 4 + 6 + M 5 =
  ** 15: 60 cycles; ceil(5/3) = 2 tiles per fold (3, 2): max(13, 2) +
  ** max(2, 2) = 15. */
  c = small(NPU_IS);
  gemm(&c, 6, 5, 7, 0, 0, 0, &r);
  TEST(r.folds == 4 && r.tiles == 8 && r.compute_cycles == 60 && r.cycles == 60,
       "npu-3.1: is folds 4, tiles 8, cycles 60");
  c.wbuf_bytes = 16;
  gemm(&c, 6, 5, 7, 0, 0, 0, &r);
  TEST_EQ_I64(r.dram_bytes, 60, "npu-3.2: is weights re-read per column fold of N");
  /* Memory-bound tiles: ws at 0.5 B/cycle (5e8 B/s). 30 B = 60 cycles in
  ** all; 3 B per tile = 6 cycles: a fold max(13, 6) + max(3, 6) + max(1, 6)
  ** = 25, 100 cycles. */
  c = small(NPU_WS);
  c.dram_bw = 500000000;
  gemm(&c, 6, 5, 7, 0, 0, 0, &r);
  TEST(r.cycles == 100 && r.memory_cycles == 60 && r.compute_cycles == 68,
       "npu-4.1: slow DRAM stretches the short tiles: 100 cycles");
  /* A spilled layer under ws: inputs re-read once per column fold
  ** (ceil(5/4) = 2) and outputs written: 30 + 2 x 42 + 35 = 149 bytes. */
  c = small(NPU_WS);
  gemm(&c, 6, 5, 7, 1, 42, 35, &r);
  TEST_EQ_I64(r.dram_bytes, 149, "npu-4.2: spilled activations through DRAM");
  /* The SCALE-Sim check by hand: tpu128_ws ncf layer 1 (K 2048, M 128,
  ** N 256): 16 folds of 128 + 254 + 256 = 638 cycles = 10208; SCALE-Sim
  ** reports 10207 (the last cycle's index). */
  c = small(NPU_WS);
  c.array_rows = c.array_cols = c.stream_depth = 128;
  c.wbuf_bytes = 1 << 30;
  gemm(&c, 2048, 128, 256, 0, 0, 0, &r);
  TEST_EQ_I64(r.compute_cycles, 10208, "npu-5.1: 128x128 ws, 2048 x 128 x 256");
  c.dataflow = NPU_OS;                 /* 2 row folds of N, 2048 + 254 = 2302: 4604 */
  gemm(&c, 2048, 128, 256, 0, 0, 0, &r);
  TEST_EQ_I64(r.compute_cycles, 4604, "npu-5.2: 128x128 os, SCALE-Sim 4603");
}

static void test_vector(void) {
  struct npu_cfg c = small(NPU_WS);
  struct npu_cost r;
  /* 50 elements over 4 lanes: ceil(50/4) = 13 cycles, tiles of 3 cycles:
  ** ceil(13/3) = 5. */
  npu_vector_cost(&c, 50, 0, 0, 0, &r);
  TEST(r.cycles == 13 && r.tiles == 5 && r.macs == 0, "npu-6.1: vector op 13 cycles, 5 tiles");
}

static int64_t lower(const struct npu_cfg *c, struct layer *l, int64_t batch,
                     struct npu_seg **segs, size_t *n) {
  size_t cap = 0;
  struct sl_err e;
  *segs = NULL;
  *n = 0;
  l->name = "L";
  if (layer_finish(l, &e) < 0 || npu_lower(c, l, batch, segs, n, &cap, &e) < 0) return -1;
  return 0;
}

static struct layer base_layer(enum layer_type t) {
  struct layer l;
  memset(&l, 0, sizeof l);
  l.type = t;
  l.in_h = l.in_w = l.k_h = l.k_w = l.stride_h = l.stride_w = 1;
  l.groups = l.seq = l.heads = l.dirs = l.count = 1;
  return l;
}

static void test_lowering(void) {
  struct npu_cfg c = small(NPU_WS);
  struct npu_seg *s;
  size_t n;
  struct layer l;
  /* conv 5x5x2 -> 3 channels, 3x3, pad 1: 5x5 out; K = 18, M = 3, N = 25:
  ** ceil(18/4) = 5 folds of 4 + 6 + 25 = 35: 175 cycles, ceil(25/3) = 9
  ** tiles per fold: 45. Activations 50 B in, 75 B out. */
  l = base_layer(LT_CONV);
  l.in_h = l.in_w = 5; l.in_c = 2; l.out_c = 3; l.k_h = l.k_w = 3; l.pad_h = l.pad_w = 1;
  lower(&c, &l, 1, &s, &n);
  TEST(n == 1 && s[0].cost.compute_cycles == 175 && s[0].cost.tiles == 45 &&
       s[0].in_bytes == 50 && s[0].out_bytes == 75, "npu-7.1: conv: 175 cycles, 45 tiles");
  free(s);
  /* Batch 2 streams 50 vectors: 5 folds of 60 = 300. */
  lower(&c, &l, 2, &s, &n);
  TEST_EQ_I64(s[0].cost.compute_cycles, 300, "npu-7.2: conv batch 2");
  free(s);
  /* Depthwise (groups 2, out 2): 2 GEMMs of K 9, M 1: ceil(9/4) = 3 folds
  ** each, 6 folds of 35 = 210. */
  l.out_c = 2; l.groups = 2;
  lower(&c, &l, 1, &s, &n);
  TEST(s[0].cost.folds == 6 && s[0].cost.compute_cycles == 210, "npu-7.3: depthwise: 210 cycles");
  free(s);
  /* LSTM, in 3, H 2, 2 steps: per step an input GEMM K 3, M 8, N 1
  ** (ceil(3/4) x ceil(8/4) = 2 folds of 4 + 6 + 1 = 11) and a hidden GEMM
  ** K 2 (2 folds of 11): 44 cycles, 4 tiles, one segment per step. Live:
  ** x_t (3) + h, c (4) = 7 B in, h, c (4) out. */
  l = base_layer(LT_LSTM);
  l.in_c = 3; l.out_c = 2; l.seq = 2;
  lower(&c, &l, 1, &s, &n);
  TEST(n == 2 && s[1].cost.compute_cycles == 44 && s[1].cost.tiles == 4 && s[1].in_bytes == 7 &&
       s[1].out_bytes == 4 && !strcmp(s[1].name, "L.t1"), "npu-7.4: lstm step: 44 cycles");
  free(s);
  /* GRU: 3 gates, M 6: 2 folds each: the same 44 cycles. */
  l.type = LT_GRU;
  lower(&c, &l, 1, &s, &n);
  TEST(n == 2 && s[0].cost.compute_cycles == 44, "npu-7.5: gru step");
  free(s);
  /* Attention, D 4, 2 heads (dk 2), 3 tokens: qkv K 4, M 12, N 3: 3 folds
  ** of 13 = 39; score K 2, M 3, N 3 per head: 2 folds of 13 = 26 + softmax
  ** over 2 x 3 x 3 = 18 scores, ceil(18/4) = 5: 31; context K 3, M 2, N 3:
  ** 2 x 13 = 26; out K 4, M 4, N 3: 13. */
  l = base_layer(LT_ATTENTION);
  l.in_c = 4; l.heads = 2; l.seq = 3;
  lower(&c, &l, 1, &s, &n);
  TEST(n == 4 && s[0].cost.compute_cycles == 39 && s[1].cost.compute_cycles == 31 &&
       s[2].cost.compute_cycles == 26 && s[3].cost.compute_cycles == 13 &&
       !strcmp(s[2].name, "L.context"), "npu-7.6: attention: 39, 31, 26, 13 cycles");
  free(s);
  /* Max pool 4x4x2, 2x2 stride 2: 32 input elements, 8 cycles, 3 tiles. */
  l = base_layer(LT_MAXPOOL);
  l.in_h = l.in_w = 4; l.in_c = 2; l.k_h = l.k_w = l.stride_h = l.stride_w = 2;
  lower(&c, &l, 1, &s, &n);
  TEST(s[0].cost.cycles == 8 && s[0].cost.tiles == 3 && s[0].out_bytes == 8,
       "npu-7.7: maxpool: 8 cycles, 2x2x2 out");
  free(s);
  /* matmul: 2 products of (3 x 4)(4 x 5) per sample, batch 2: 4 GEMMs of
  ** 2 folds of 4 + 6 + 3 = 13: 104 cycles; the second operand is an
  ** activation: no DRAM. */
  l = base_layer(LT_MATMUL);
  l.in_c = 4; l.out_c = 5; l.seq = 3; l.count = 2;
  lower(&c, &l, 2, &s, &n);
  TEST(s[0].cost.compute_cycles == 104 && s[0].cost.dram_bytes == 0,
       "npu-7.8: matmul of activations: 104 cycles, no DRAM");
  free(s);
  /* Latency rounds up once per segment: 40 cycles at 700 MHz = 57.14 ns -> 58. */
  c.clock_mhz = 700;
  TEST_EQ_I64(npu_cycles_ns(&c, 40), 58, "npu-7.9: ns = ceil(cycles * 1000 / MHz)");
}

static void test_checkpoint(void) {
  struct npu_cfg c = small(NPU_WS);
  struct npu_seg s;
  memset(&s, 0, sizeof s);
  s.in_bytes = 100;
  s.out_bytes = 60;
  s.cost.tiles = 12;
  s.cost.acc_live = 48;
  /* progress model: j = 0: the inputs, 100 B. j = 3: 100 + floor(3 x 60 /
  ** 12) = 115, + 48 B of partial sums = 163. j = 11: 100 + 55 + 48 = 203. */
  TEST_EQ_I64(npu_ckpt_bytes(&c, &s, 0), 100, "npu-8.1: at a layer boundary: its inputs");
  TEST_EQ_I64(npu_ckpt_bytes(&c, &s, 3), 163, "npu-8.2: 3 of 12 tiles done");
  TEST_EQ_I64(npu_ckpt_bytes(&c, &s, 11), 203, "npu-8.3: 11 of 12 tiles done");
  /* The unified buffer caps the activations: 110 + 48 = 158. */
  c.ubuf_bytes = 110;
  TEST_EQ_I64(npu_ckpt_bytes(&c, &s, 3), 158, "npu-8.4: capped by the unified buffer");
  /* bound: min(110, 160) + the whole ACCQ (1024) = 1134; at j = 0 still 100. */
  c.ckpt_bytes = NPU_CKPT_BOUND;
  TEST_EQ_I64(npu_ckpt_bytes(&c, &s, 3), 1134, "npu-8.5: bound model");
  TEST_EQ_I64(npu_ckpt_bytes(&c, &s, 0), 100, "npu-8.6: bound model at a boundary");
  /* Cost: 163 B at 2 B/ns = ceil(81.5) = 82 ns + 10 cycles = 10 ns: 92. */
  TEST_EQ_I64(npu_transfer_ns(&c, 163), 92, "npu-8.7: save = bytes / bw + latency");
  TEST_EQ_I64(npu_transfer_ns(&c, 0), 0, "npu-8.8: nothing to move, no latency");
  /* Tile boundaries of a 100-ns segment cut in 12: floor(100 j / 12):
  ** 8, 16, 25, 33. */
  TEST(npu_tile_offset(100, 12, 1) == 8 && npu_tile_offset(100, 12, 3) == 25 &&
       npu_tile_offset(100, 12, 12) == 100, "npu-9.1: boundary offsets");
  TEST(npu_tile_next(100, 12, 8) == 1 && npu_tile_next(100, 12, 9) == 2 &&
       npu_tile_next(100, 12, 25) == 3 && npu_tile_next(100, 12, 26) == 4,
       "npu-9.2: next boundary in closed form");
  /* More tiles than ns: every ns is a boundary. */
  TEST(npu_tile_offset(5, 8, npu_tile_next(5, 8, 3)) == 3, "npu-9.3: dense tiles stop at once");
}

/* The device: a tiny device file and network, compiled; stop points and
** save costs through the ops the engine calls. */
static void test_device(void) {
  struct sl_err e;
  struct device *d;
  const struct work *w;
  int unknown;
  struct kv lay = {"ckpt_granularity", "layer"};
  FILE *f = fopen("npu_unit.dev", "w");
  fputs("# tiny\narray_rows = 4\narray_cols = 4\ndataflow = ws\nclock_mhz = 1000\n"
        "ubuf_bytes = 4 KiB\nwbuf_bytes = 1 KiB\naccq_bytes = 1 KiB\ndram_bw = 2 GB/s\n"
        "dram_latency_cycles = 10\nelem_bytes = 1\nacc_bytes = 4\nstream_depth = 4\n"
        "ckpt_granularity = tile\nckpt_bytes = progress\n", f);
  fclose(f);
  f = fopen("npu_unit.csv", "w");
  fputs("name,type,in_c,out_c,seq\na1,fc,4,4,30\na2,fc,4,8,30\n", f);
  fclose(f);
  TEST(dev_open(&d, "npu:npu_unit.dev", NULL, 0, &e) == 0, "npu-10.1: opens: %s", e.msg);
  /* a1: 1 fold of 4 + 6 + 30 = 40 ns, 8 tiles; a2: 2 folds, 80 ns, 16. */
  w = dev_work(d, "npu_unit.csv", 1, &unknown, &e);
  TEST(w && w->nseg == 2 && w->prefix[1] == 40 && work_total(w) == 120,
       "npu-10.2: prefix sums 0, 40, 120");
  TEST_EQ_I64(w->state_bytes[1], 120, "npu-10.3: live before a2: its 120-byte input");
  /* Tiles of a1 every 5 ns: from 12 the next is 15; on a boundary: at once. */
  TEST_EQ_I64(d->ops->stop_point(d, w, 12, MECH_CHECKPOINT), 15, "npu-10.4: next tile boundary");
  TEST_EQ_I64(d->ops->stop_point(d, w, 15, MECH_CHECKPOINT), 15, "npu-10.5: on a boundary");
  TEST_EQ_I64(d->ops->stop_point(d, w, 12, MECH_KILL), 15, "npu-10.6: kill stops there too");
  TEST_EQ_I64(d->ops->stop_point(d, w, 12, MECH_DRAIN), 120, "npu-10.7: drain runs to the end");
  /* a2 tiles: floor(80 j / 16) = 5j from 40: 41 -> 45. */
  TEST_EQ_I64(d->ops->stop_point(d, w, 41, MECH_CHECKPOINT), 45, "npu-10.8: inside a2");
  TEST_EQ_I64(d->ops->stop_point(d, w, 118, MECH_CHECKPOINT), 120, "npu-10.9: last tile: the end");
  /* Save at 15 (a1, j = 3): 120 + 45 + 64 = 229 B: 115 + 10 = 125 ns. At
  ** 40: a2's input, 120 B: 60 + 10 = 70. At 45 (a2, j = 1): 120 +
  ** floor(240 / 16) = 135 + 64 = 199: 100 + 10 = 110. */
  TEST_EQ_I64(d->ops->save_ns(d, w, 15), 125, "npu-10.10: save mid-a1");
  TEST_EQ_I64(d->ops->save_ns(d, w, 40), 70, "npu-10.11: save at the layer boundary");
  TEST_EQ_I64(d->ops->save_ns(d, w, 45), 110, "npu-10.12: save mid-a2");
  TEST_EQ_I64(d->ops->restore_ns(d, w, 45), 110, "npu-10.13: restore = save");
  TEST(d->ops->seg_info != NULL, "npu-10.14: segment details");
  dev_close(d);
  TEST(dev_open(&d, "npu:npu_unit.dev", &lay, 1, &e) == 0, "npu-11.1: layer granularity");
  w = dev_work(d, "npu_unit.csv", 1, &unknown, &e);
  TEST(w && d->ops->stop_point(d, w, 12, MECH_CHECKPOINT) == 40 &&
       d->ops->stop_point(d, w, 12, MECH_KILL) == 40, "npu-11.2: stops at the layer's end");
  TEST(dev_work(d, "npu_unit_none.csv", 1, &unknown, &e) == NULL && strstr(e.msg, "npu_unit_none"),
       "npu-11.3: missing network file: %s", e.msg);
  TEST(dev_work(d, "no_such_zoo_net", 1, &unknown, &e) == NULL && unknown == 1,
       "npu-11.4: unknown zoo name is an unknown network");
  dev_close(d);
  /* The preset of docs/prema.md §2, by name, every field recorded. */
  TEST(dev_open(&d, "npu-prema", NULL, 0, &e) == 0 && d->nparams == 15,
       "npu-12.1: npu-prema opens, 14 fields and units recorded: %s", e.msg);
  {
    static const char *const want[][2] = {
        {"array_rows", "128"}, {"array_cols", "128"}, {"dataflow", "ws"}, {"clock_mhz", "700"},
        {"ubuf_bytes", "8388608"}, {"wbuf_bytes", "4194304"}, {"accq_bytes", "65536"},
        {"dram_bw", "358000000000"}, {"dram_latency_cycles", "100"}, {"elem_bytes", "1"},
        {"acc_bytes", "4"}, {"stream_depth", "128"}, {"ckpt_granularity", "tile"},
        {"ckpt_bytes", "progress"}, {"units", "1"}};
    int ok = d->nparams == 15;
    for (size_t i = 0; ok && i < 15; i++)
      ok = !strcmp(d->params[i].name, want[i][0]) && !strcmp(d->params[i].value, want[i][1]);
    TEST(ok, "npu-12.2: npu-prema has the values of docs/prema.md §2");
  }
  dev_close(d);
  {
    static const char *const presets[] = {"npu-prema", "npu-tpuv1", "npu-edge32",
                                          "npu-scalesim-tpu128-ws", "npu-scalesim-tpu128-os",
                                          "npu-scalesim-arr32-ws", "npu-scalesim-google"};
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
      TEST(dev_open(&d, presets[i], NULL, 0, &e) == 0, "npu-13.%zu: preset %s opens: %s", i + 1,
           presets[i], e.msg);
      dev_close(d);
    }
  }
  remove("npu_unit.dev");
  remove("npu_unit.csv");
}

int main(void) {
  test_gemm();
  test_vector();
  test_lowering();
  test_checkpoint();
  test_device();
  return test_done();
}
