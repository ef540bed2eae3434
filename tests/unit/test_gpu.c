/*
** test_gpu.c — the GPU model by hand: occupancy, waves and roofline
** durations of small kernels, the kernels of a residual add and of a
** linear layer with a ReLU, eager host gaps against graph mode, and the gpu
** device's segments, stop points and (zero) save costs. Every expected
** number is worked out in the comments.
*/
#include "device.h"
#include "gpu.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

/* 4 SMs at 1000 MHz; FP16 tensor 4e12 FLOP/s (4000 FLOP/ns), FP32 1e12;
** DRAM 1e9 B/s (1 B/ns); at most 8 blocks, 1024 threads, 64 KiB shared
** memory per SM; efficiency 1 and half-efficiency K = 64; 100 ns per kernel. */
static struct gpu_cfg small(void) {
  struct gpu_cfg c;
  memset(&c, 0, sizeof c);
  c.sms = 4;
  c.clock_mhz = 1000;
  c.fp16_tensor_flops = 4e12;
  c.tf32_tensor_flops = 2e12;
  c.fp32_flops = 1e12;
  c.mem_bw = 1e9;
  c.l2_bytes = 0;
  c.max_blocks_per_sm = 8;
  c.max_threads_per_sm = 1024;
  c.smem_per_sm = 65536;
  c.priorities = 2;
  c.gemm_eff = 1;
  c.gemm_k_half = 64;
  c.mem_eff = 1;
  c.l2_speedup = 1;
  c.nvec_eff = 1;
  c.kernel_ns = 100;
  c.launch_ns = 0;
  c.host_op_ns = 1000;
  c.host_kernel_ns = 10;
  c.host_attn_ns = 0;
  c.dtype = GPU_FP16;
  c.launch = GPU_EAGER;
  return c;
}

static void test_kernel_time(void) {
  struct gpu_cfg c = small();
  struct gpu_kernel k;
  /* A memory-bound kernel: 10 blocks of 128 threads moving 8000 bytes.
  ** Occupancy min(8, 1024 / 128) = 8 per SM: one wave of 32 slots. The
  ** busiest SM runs ceil(10 / 4) = 3 blocks where the average is 2.5:
  ** q = 4 x 3 / 10 = 1.2. Memory 8000 B at 1 B/ns x 1.2 = 9600 ns, plus
  ** 100 ns: 9700. */
  memset(&k, 0, sizeof k);
  k.kclass = GK_ELT;
  k.blocks = 10;
  k.threads = 128;
  k.bytes = 8000;
  gpu_kernel_time(&c, &k);
  TEST_EQ_I64(k.blocks_per_sm, 8, "gpu-1.1: occupancy by threads: 1024 / 128");
  TEST_EQ_I64(k.waves, 1, "gpu-1.2: 10 blocks in 32 slots: one wave");
  TEST_EQ_I64(k.memory_ns, 9600, "gpu-1.3: 8000 B at 1 B/ns, stretched by 1.2");
  TEST_EQ_I64(k.ns, 9700, "gpu-1.4: plus the fixed 100 ns");
  /* A GEMM kernel: 4e6 FLOPs over K = 64 (efficiency 64 / (64 + 64) =
  ** 0.5: 2000 FLOP/ns), 8 blocks of 256 threads with 32 KiB of shared
  ** memory: occupancy min(8, 4, 2) = 2, 8 slots, one wave; q = 4 x 2 / 8 = 1.
  ** Compute 2000 ns, memory 1000 B = 1000 ns: 2100 ns, compute-bound. */
  memset(&k, 0, sizeof k);
  k.kclass = GK_GEMM;
  k.blocks = 8;
  k.threads = 256;
  k.smem = 32768;
  k.k = 64;
  k.flops = 4000000;
  k.bytes = 1000;
  gpu_kernel_time(&c, &k);
  TEST_EQ_I64(k.blocks_per_sm, 2, "gpu-2.1: occupancy by shared memory: 64 KiB / 32 KiB");
  TEST_EQ_I64(k.waves, 1, "gpu-2.2: 8 blocks, 8 slots");
  TEST_EQ_I64(k.compute_ns, 2000, "gpu-2.3: 4e6 FLOPs at half of 4000 FLOP/ns");
  TEST_EQ_I64(k.ns, 2100, "gpu-2.4: compute-bound");
  /* One more block: 2 waves; the busiest SM runs 3 blocks for 9 / 4 on
  ** average: q = 12 / 9, compute 2000 x 4 / 3 = 2666.7 -> 2667 ns. */
  k.blocks = 9;
  gpu_kernel_time(&c, &k);
  TEST_EQ_I64(k.waves, 2, "gpu-2.5: 9 blocks, 8 slots: two waves");
  TEST_EQ_I64(k.ns, 2767, "gpu-2.6: the partial round costs a whole block time");
  /* fp32 on the CUDA cores (k < 0): the tile's fixed cost of 64 fp16
  ** tensor-core k-steps is 64 x 1e12 / 4e12 = 16 CUDA-core k-steps, so the
  ** efficiency is 64 / (64 + 16) = 0.8: 800 FLOP/ns, q = 12 / 9:
  ** 4e6 / 800 x 4 / 3 = 6666.7 -> 6667 ns. */
  k.k = -64;
  gpu_kernel_time(&c, &k);
  TEST_EQ_I64(k.compute_ns, 6667, "gpu-2.7: fp32 GEMM on the CUDA cores");
}

static struct layer mk(const char *name, enum layer_type t, int64_t in_c, int64_t out_c,
                       int64_t count, unsigned post) {
  struct layer l;
  memset(&l, 0, sizeof l);
  l.name = (char *)name;
  l.type = t;
  l.in_h = l.in_w = l.k_h = l.k_w = l.stride_h = l.stride_w = 1;
  l.in_c = in_c;
  l.out_c = out_c;
  l.groups = l.seq = l.heads = l.dirs = 1;
  l.count = count;
  l.post = post;
  return l;
}

static void test_lower(void) {
  struct gpu_cfg c = small();
  struct gpu_kernel *ks = NULL;
  size_t n = 0, cap = 0;
  struct sl_err e;
  struct layer add = mk("res", LT_ELTWISE, 4096, 1, 2, 0);
  struct layer fc = mk("fc", LT_FC, 256, 128, 1, 1u << LP_RELU);
  TEST(layer_finish(&add, &e) == 0 && layer_finish(&fc, &e) == 0, "gpu-3.0: layers");
  /* A residual add of 4096 elements at batch 2, fp16: 8192 outputs, two
  ** inputs: (2 + 1) x 8192 x 2 B = 49152 B; ceil(8192 / 1024) = 8 blocks
  ** of 128 threads, q = 4 x 2 / 8 = 1: 49152 ns + 100. */
  TEST(gpu_lower(&c, &add, 2, &ks, &n, &cap, &e) == 0 && n == 1, "gpu-3.1: one kernel");
  TEST(!strcmp(ks[0].name, "res.add") && ks[0].first, "gpu-3.2: named res.add, opens an op");
  TEST_EQ_I64(ks[0].bytes, 49152, "gpu-3.3: bytes of two inputs and an output");
  TEST_EQ_I64(ks[0].blocks, 8, "gpu-3.4: 1024 elements per block");
  TEST_EQ_I64(ks[0].ns, 49252, "gpu-3.5: memory-bound duration");
  /* fc 256 -> 128 at batch 64: M 64, N 128, K 256. Tiles: 128x128 gives 1
  ** block, 128x64 and 64x64 give 2, 64x32 gives 2 x 4 = 4 = the SMs: taken
  ** (64 threads). No split-K (2 x 4 >= 4). Shared memory (64 + 32) x 64 x 4
  ** = 24576 B: occupancy min(8, 16, 2) = 2. FLOPs 2 x 64 x 128 x 256 =
  ** 4194304 at 4000 x 256 / 320 = 3200 FLOP/ns: 1310.72 -> 1311 ns. Bytes
  ** (64 x 256 + 64 x 128 + 256 x 128) x 2 = 114688 = 114688 ns: memory-bound,
  ** 114788 ns. The ReLU: 8192 elements read and written, 32768 B, 8
  ** blocks: 32868 ns, its own op. */
  n = 0;
  TEST(gpu_lower(&c, &fc, 64, &ks, &n, &cap, &e) == 0 && n == 2, "gpu-4.1: gemm + relu");
  TEST(!strcmp(ks[0].name, "fc.gemm") && !strcmp(ks[1].name, "fc.relu"), "gpu-4.2: names");
  TEST_EQ_I64(ks[0].blocks, 4, "gpu-4.3: 64x32 tiles: 4 blocks");
  TEST_EQ_I64(ks[0].blocks_per_sm, 2, "gpu-4.4: occupancy by shared memory");
  TEST_EQ_I64(ks[0].flops, 4194304, "gpu-4.5: FLOPs");
  TEST_EQ_I64(ks[0].compute_ns, 1311, "gpu-4.6: compute at 80%% efficiency");
  TEST_EQ_I64(ks[0].ns, 114788, "gpu-4.7: memory-bound GEMM");
  TEST_EQ_I64(ks[1].ns, 32868, "gpu-4.8: the ReLU kernel");
  TEST(ks[0].first && ks[1].first, "gpu-4.9: two framework ops");
  /* A 3x3 conv, 8x8x3 -> 64 channels (pad 1), batch 2, fp16: cuDNN's four
  ** kernels. nhwc_in: 2 images x ceil(3/32) x ceil(64/32) = 4 tiles of
  ** 32 x 32, each read and written whole: 4 x 1024 x 2 x 2 B = 16384 B;
  ** 256 threads: occupancy 4, q = 4 x 1 / 4 = 1: 16484 ns. nhwc_w: 64
  ** filters x 1 x ceil(9/32) = 64 tiles, 262144 B, q = 1: 262244 ns. gemm:
  ** M = 2 x 64 = 128, N = 64, K = 9 x 8 (3 channels padded to 8): 64x32
  ** tiles give 2 x 2 = 4 blocks; padded FLOPs 2 x 128 x 64 x 72 = 1179648
  ** at 4000 x 72 / 136 FLOP/ns: 557.05 -> 558 ns; bytes (384 + 8192 +
  ** 1728) x 2 = 20608 ns: memory-bound, 20708 ns. nchw_out: 2 x 2 x 2 = 8
  ** tiles, 32768 B, q = 4 x 2 / 8 = 1: 32868 ns. */
  {
    struct layer cv = mk("cv", LT_CONV, 3, 64, 1, 0);
    cv.in_h = cv.in_w = 8;
    cv.k_h = cv.k_w = 3;
    cv.pad_h = cv.pad_w = 1;
    TEST(layer_finish(&cv, &e) == 0, "gpu-4.10: conv layer");
    n = 0;
    TEST(gpu_lower(&c, &cv, 2, &ks, &n, &cap, &e) == 0 && n == 4, "gpu-4.11: four kernels");
    if (n == 4) {
      TEST(!strcmp(ks[0].name, "cv.nhwc_in") && !strcmp(ks[3].name, "cv.nchw_out") &&
               ks[0].first && !ks[1].first && !ks[2].first && !ks[3].first,
           "gpu-4.12: transposes around the GEMM, one op");
      TEST_EQ_I64(ks[0].blocks, 4, "gpu-4.13: input transpose: 4 tiles");
      TEST_EQ_I64(ks[0].ns, 16484, "gpu-4.14: input transpose duration");
      TEST_EQ_I64(ks[1].blocks, 64, "gpu-4.15: weight transpose: 64 tiles");
      TEST_EQ_I64(ks[1].ns, 262244, "gpu-4.16: weight transpose duration");
      TEST_EQ_I64(ks[2].k, 72, "gpu-4.17: reduction over channels padded to 8");
      TEST_EQ_I64(ks[2].compute_ns, 558, "gpu-4.18: GEMM compute");
      TEST_EQ_I64(ks[2].ns, 20708, "gpu-4.19: GEMM duration");
      TEST_EQ_I64(ks[3].ns, 32868, "gpu-4.20: output transpose duration");
    }
  }
  free(ks);
}

/* Attention under `# sdpa capture=math`: the fused path in eager mode and
** in graph mode without the directive; PyTorch's math path in graph mode
** with it (the kernels of kernels_graph.csv.gz for HF BERT). */
static void test_sdpa_math(void) {
  struct gpu_cfg c = small();
  struct gpu_kernel *ks = NULL;
  size_t n = 0, cap = 0;
  struct sl_err e;
  struct layer at = mk("at", LT_ATTENTION, 8, 8, 1, 0);
  at.seq = 4;
  at.heads = 2;
  TEST(layer_finish(&at, &e) == 0, "gpu-6.0: attention layer");
  /* Fused, fp16: q, k, v, the workspace memset, sdpa, o. */
  TEST(gpu_lower(&c, &at, 1, &ks, &n, &cap, &e) == 0 && n == 6, "gpu-6.1: eager: fused (6)");
  at.sdpa_capture_math = 1;
  n = 0;
  TEST(gpu_lower(&c, &at, 1, &ks, &n, &cap, &e) == 0 && n == 6,
       "gpu-6.2: eager with the directive: still fused (6)");
  c.launch = GPU_GRAPH;
  at.sdpa_capture_math = 0;
  n = 0;
  TEST(gpu_lower(&c, &at, 1, &ks, &n, &cap, &e) == 0 && n == 6, "gpu-6.3: graph: fused (6)");
  /* Graph with the directive, fp16, batch 1: q, k, v; 2 fills and the mask;
  ** 3 up-casts; 2 scales; Q K^T; mask add, softmax, isneginf, any, fill,
  ** where; the probabilities cast back; P V; the output cast back; the
  ** transpose; o: 3 + 19 + 1 = 23 (the measured 19 between q/k/v and o). */
  at.sdpa_capture_math = 1;
  n = 0;
  TEST(gpu_lower(&c, &at, 1, &ks, &n, &cap, &e) == 0 && n == 23, "gpu-6.4: graph math: 23");
  if (n == 23) {
    TEST(!strcmp(ks[11].name, "at.sdpa_qk") && !strcmp(ks[21].name, "at.sdpa_out_transpose"),
         "gpu-6.5: Q K^T is the 12th kernel, the transpose the 22nd");
    /* Q K^T: 2 heads of (4 x 4) x (4 x 4) on the CUDA cores. No tile gives
    ** the 4 SMs a block (2 per tile shape): 64x32, 2 blocks of 64 threads,
    ** smem (64 + 32) x 64 x 4 = 24576 B: occupancy 2, q = 4 x 1 / 2 = 2.
    ** Padded FLOPs 2 x 64 x 32 x 4 x 2 = 32768 at 1000 FLOP/ns x 4 / (4 +
    ** 64 x 1e12 / 4e12) = 200 FLOP/ns: 163.84 x 2 = 327.68 -> 328 ns. Bytes
    ** (q 32 + k 32 + scores 32) x 4 B = 384 B, x 2 = 768 ns: 868 ns. */
    TEST_EQ_I64(ks[11].k, -4, "gpu-6.6: K = d_k = 4 on the CUDA cores");
    TEST_EQ_I64(ks[11].flops, 256, "gpu-6.7: useful FLOPs 2 x 4 x 4 x 4 x 2");
    TEST_EQ_I64(ks[11].compute_ns, 328, "gpu-6.8: Q K^T compute");
    TEST_EQ_I64(ks[11].ns, 868, "gpu-6.9: Q K^T duration");
  }
  /* Batch 2: bmm copies q, k^T and v into contiguous buffers: 26. fp32,
  ** batch 1: no casts (3 up, 2 down): 3 + 14 + 1 = 18. */
  n = 0;
  TEST(gpu_lower(&c, &at, 2, &ks, &n, &cap, &e) == 0 && n == 26, "gpu-6.10: batch 2: 26");
  c.dtype = GPU_FP32;
  n = 0;
  TEST(gpu_lower(&c, &at, 1, &ks, &n, &cap, &e) == 0 && n == 18, "gpu-6.11: fp32: 18");
  free(ks);
}

static void test_gaps(void) {
  struct gpu_cfg c = small();
  struct gpu_kernel k[3];
  memset(k, 0, sizeof k);
  /* Eager: host 1000 ns per op. A (500 ns) launches at 1000: gap 1000,
  ** ends 1500. B (100 ns) launches at 2000: gap 500, ends 2100. C (5000 ns,
  ** a further kernel of B's op: 10 ns) launches at 2010, before B ends: no
  ** gap, ends 7100. */
  k[0].ns = 500; k[0].first = 1;
  k[1].ns = 100; k[1].first = 1;
  k[2].ns = 5000; k[2].first = 0;
  gpu_gaps(&c, k, 3);
  TEST_EQ_I64(k[0].gap_ns, 1000, "gpu-5.1: the first launch");
  TEST_EQ_I64(k[1].gap_ns, 500, "gpu-5.2: the host is behind");
  TEST_EQ_I64(k[2].gap_ns, 0, "gpu-5.3: the host ran ahead");
  TEST_EQ_I64(k[2].launched, 2010, "gpu-5.3b: the last launch: the sum of the host costs");
  c.launch = GPU_GRAPH;
  gpu_gaps(&c, k, 3);
  TEST(k[0].gap_ns == 0 && k[1].gap_ns == 0 && k[2].gap_ns == 0, "gpu-5.4: graph: back to back");
  /* A decode step's first kernel waits for the GPU (sync). A (500 ns)
  ** launches at 1000: gap 1000, ends 1500. B (5000 ns) launches at 2000:
  ** gap 500, ends 7000. C (100 ns, a new op) would launch at 3000, long
  ** before B ends (gap 0); as a sync kernel its host waits for B's end
  ** (7000), then spends its 1000: launched at 8000, gap 1000, ends 8100. */
  c.launch = GPU_EAGER;
  k[1].ns = 5000;
  k[2].ns = 100; k[2].first = 1;
  gpu_gaps(&c, k, 3);
  TEST_EQ_I64(k[2].gap_ns, 0, "gpu-5.5: without sync the host is ahead");
  k[2].sync = 1;
  gpu_gaps(&c, k, 3);
  TEST_EQ_I64(k[0].gap_ns, 1000, "gpu-5.6: sync: the first launch");
  TEST_EQ_I64(k[1].gap_ns, 500, "gpu-5.7: sync: the second");
  TEST_EQ_I64(k[2].gap_ns, 1000, "gpu-5.8: sync: the host waits for the GPU, then launches");
  /* The host's last launch (host=shared's host_end): 8000, its 3000 of
  ** launch costs and the 5000 it waited for B. */
  TEST_EQ_I64(k[2].launched, 8000, "gpu-5.8b: sync: the last launch follows the wait");
  c.launch = GPU_GRAPH;
  gpu_gaps(&c, k, 3);
  TEST_EQ_I64(k[2].gap_ns, 0, "gpu-5.9: graph mode: no host sync modelled");
  TEST_EQ_I64(k[2].launched, 0, "gpu-5.10: graph mode: one launch, no host time");
}

/* The device: a file, a two-layer network; segments, stop points. */
static void test_device(void) {
  struct sl_err e;
  struct device *d;
  const struct work *w;
  int unknown;
  struct kv graph = {"launch", "graph"};
  FILE *f = fopen("gpu_unit.dev", "w");
  fputs("sms = 4\nclock_mhz = 1000\nfp16_tensor_flops = 4e12\ntf32_tensor_flops = 2e12\n"
        "fp32_flops = 1e12\nmem_bw = 1 GB/s\nl2_bytes = 0\nmax_blocks_per_sm = 8\n"
        "max_threads_per_sm = 1024\nsmem_per_sm = 64 KiB\npriorities = 2\ngemm_eff = 1\n"
        "gemm_k_half = 64\nmem_eff = 1\nl2_speedup = 1\nnvec_eff = 1\nkernel_ns = 100ns\nlaunch_ns = 0\n"
        "host_op_ns = 1us\nhost_kernel_ns = 10\nhost_attn_ns = 0\n", f);
  fclose(f);
  f = fopen("gpu_unit.csv", "w");
  fputs("name,type,in_c,out_c,count,post\nres,eltwise,4096,,2,\nfc,fc,8192,128,,relu\n", f);
  fclose(f);
  TEST(dev_open(&d, "gpu:gpu_unit.dev", NULL, 0, &e) == 0, "gpu-6.1: opens: %s", e.msg);
  /* Batch 2, eager: res.add (49252 ns, as gpu-3.5) after a 1000 ns gap;
  ** fc: M 2, N 128, K 8192: 64x32 tiles, 4 blocks, 2 x 4 >= 4: no split.
  ** Its gap: launched at 2000, res ends at 50252: none. So segments: gap,
  ** res.add, fc.gemm, fc.relu, and the relu (its own op, launched at 3000) is early too. */
  w = dev_work(d, "gpu_unit.csv", 2, &unknown, &e);
  TEST(w && w->nseg == 4, "gpu-6.2: a gap and three kernels: %s", w ? "" : e.msg);
  if (w && w->nseg == 4) {
    TEST(!strcmp(w->seg_name[0], "res.add.gap") && !strcmp(w->seg_name[1], "res.add"),
         "gpu-6.3: the gap segment comes before its kernel");
    TEST_EQ_I64(w->prefix[1], 1000, "gpu-6.4: the host launch gap");
    TEST_EQ_I64(w->prefix[2], 50252, "gpu-6.5: then the add");
    TEST_EQ_I64(d->ops->stop_point(d, w, 500, MECH_CHECKPOINT), 1000,
                "gpu-6.6: inside a gap: its end");
    TEST_EQ_I64(d->ops->stop_point(d, w, 1001, MECH_KILL), 50252,
                "gpu-6.7: blocks are not preempted: the kernel's end");
    TEST_EQ_I64(d->ops->stop_point(d, w, 50252, MECH_CHECKPOINT), 50252,
                "gpu-6.8: on a boundary: at once");
    TEST_EQ_I64(d->ops->stop_point(d, w, 10, MECH_DRAIN), work_total(w), "gpu-6.9: drain");
    TEST_EQ_I64(d->ops->save_ns(d, w, 50252) + d->ops->restore_ns(d, w, 50252), 0,
                "gpu-6.10: state stays in device memory");
    TEST_EQ_I64(w->state_bytes[2], 2 * 8192 * 2, "gpu-6.11: live before fc: its input");
    {
      struct seg_info si;
      TEST(d->ops->seg_info(d, w, 0, &si) == 0 && si.gpu && !strcmp(si.kind, "gap") &&
               d->ops->seg_info(d, w, 1, &si) == 0 && !strcmp(si.kind, "kernel") &&
               si.blocks == 8 && si.waves == 1 && !strcmp(si.bound, "memory"),
           "gpu-6.12: segment details: gap, then a memory-bound kernel of 8 blocks");
    }
  }
  dev_close(d);
  TEST(dev_open(&d, "gpu:gpu_unit.dev", &graph, 1, &e) == 0, "gpu-7.1: launch=graph");
  w = dev_work(d, "gpu_unit.csv", 2, &unknown, &e);
  TEST(w && w->nseg == 3 && w->prefix[1] == 49252, "gpu-7.2: graph: no gap segments");
  dev_close(d);
  remove("gpu_unit.dev");
  remove("gpu_unit.csv");
}

static void test_presets(void) {
  static const char *const presets[] = {"gpu-h100", "gpu-h200", "gpu-a100", "gpu-orin"};
  struct sl_err e;
  struct device *d;
  int unknown;
  for (size_t i = 0; i < 4; i++) {
    TEST(dev_open(&d, presets[i], NULL, 0, &e) == 0, "gpu-8.%zu: preset %s opens: %s", i + 1,
         presets[i], e.msg);
    if (!d) continue;
    /* Every zoo network we have measured compiles. */
    TEST(dev_work(d, "efficientnet_b0", 8, &unknown, &e) != NULL &&
             dev_work(d, "gpt2_small[seq=64]", 2, &unknown, &e) != NULL &&
             dev_work(d, "lstm_speech", 2, &unknown, &e) != NULL,
         "gpu-8.%zu: %s compiles efficientnet_b0, gpt2_small, lstm_speech: %s", i + 5, presets[i],
         e.msg);
    dev_close(d);
  }
}

int main(void) {
  test_kernel_time();
  test_lower();
  test_sdpa_math();
  test_gaps();
  test_device();
  test_presets();
  return test_done();
}
