/*
** gpu.c — the analytical GPU model: which kernels PyTorch eager launches
** for each layer (as seen in the measured kernels of
** experiments/calibration/gpu_h100/kernels.csv), their grids, waves and
** roofline durations, and the host launch gaps. See gpu.h and
** docs/gpu_model.md.
*/
#include "gpu.h"
#include "checked.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gpu_dtype_names[2] = {"fp16", "fp32"};
const char *const gpu_launch_names[2] = {"eager", "graph"};

#define ELT_PER_BLOCK 1024   /* elements per block of PyTorch's vectorized element-wise
                             ** kernels (128 threads x 8 fp16 or 2 x 4 fp32: kernels.csv) */
#define ELT_THREADS 128
#define SPLITK_MIN_K 1024    /* cuBLAS splits the reduction of thin GEMMs above this K */
#define TILE_K_BYTES 64      /* bytes of the reduction slice a GEMM stage holds per row */
#define TILE_STAGES 4        /* software-pipeline stages of a GEMM main loop */
#define FLASH_ROWS 128       /* query rows per block of fused attention */
#define COUNT_MAX 9e18       /* counts above this do not fit int64 */
#define TRANSPOSE_TILE 32    /* cuDNN's layout transposes move 32 x 32 tiles, one per block
                             ** of 256 threads (kernels.csv: N ceil(C/32) ceil(HW/32) blocks) */

static int64_t elem_bytes(const struct gpu_cfg *c) { return c->dtype == GPU_FP16 ? 2 : 4; }

double gpu_peak(const struct gpu_cfg *c, enum gpu_kclass k) {
  /* fp32: cuDNN runs convolutions and attention on TF32 tensor cores by
  ** default, while PyTorch's matmul TF32 switch is off, so fp32 linear
  ** layers run on the CUDA cores: gemm() marks those kernels with k < 0. */
  if (k == GK_ELT) return c->fp32_flops;
  return c->dtype == GPU_FP16 ? c->fp16_tensor_flops : c->tf32_tensor_flops;
}

/* Resident blocks per SM: the tightest of the block, thread and shared
** memory limits, at least 1. */
static int64_t occupancy(const struct gpu_cfg *c, int64_t threads, int64_t smem) {
  int64_t b = c->max_blocks_per_sm;
  if (threads > 0) b = min64(b, c->max_threads_per_sm / threads);
  if (smem > 0) b = min64(b, c->smem_per_sm / smem);
  return max64(b, 1);
}

void gpu_kernel_time(const struct gpu_cfg *c, struct gpu_kernel *k) {
  /* Blocks run in waves of sms x blocks_per_sm; within the kernel the
  ** busiest SM runs ceil(blocks / sms) blocks, sharing its throughput, so
  ** a partly filled last round costs as much as a full one: the time is
  ** the ideal time stretched by q = sms * ceil(blocks / sms) / blocks. */
  double q, peak, eff, bw, comp, mem;
  k->blocks = max64(k->blocks, 1);
  k->blocks_per_sm = occupancy(c, k->threads, k->smem);
  k->waves = ceil_div64(k->blocks, c->sms * k->blocks_per_sm);
  q = (double)c->sms * (double)ceil_div64(k->blocks, c->sms) / (double)k->blocks;
  peak = k->kclass == GK_GEMM && k->k < 0 ? c->fp32_flops : gpu_peak(c, k->kclass);
  eff = 1.0;
  if (k->kclass != GK_ELT) {
    /* gemm_k_half is a tile's fixed cost (pipeline fill, epilogue) in
    ** k-steps of the tensor cores; a CUDA-core kernel takes the same time
    ** for it in fewer of its slower k-steps. */
    double kk = (double)(k->k < 0 ? -k->k : k->k), half = c->gemm_k_half;
    if (k->kclass == GK_GEMM && k->k < 0) half *= c->fp32_flops / gpu_peak(c, GK_GEMM);
    eff = c->gemm_eff * kk / (kk + half);
  }
  bw = c->mem_bw * c->mem_eff * (k->l2 ? c->l2_speedup : 1.0) * (k->nvec ? c->nvec_eff : 1.0);
  comp = k->flops > 0 ? (double)k->flops / (peak * eff) * 1e9 * q : 0;
  mem = k->bytes > 0 ? (double)k->bytes / bw * 1e9 * q : 0;
  k->compute_ns = (sl_ns)ceil(comp);
  k->memory_ns = (sl_ns)ceil(mem);
  k->ns = c->kernel_ns + (k->compute_ns > k->memory_ns ? k->compute_ns : k->memory_ns);
}

/* {===================================================================
** Building kernels
** =================================================================== */

/* The lowering of one layer: where kernels go, and overflow. */
struct lw {
  const struct gpu_cfg *c;
  const struct layer *l;
  struct gpu_kernel **ks;
  size_t *n, *cap;
  struct sl_err *e;
  int64_t live;            /* the layer's input activations, bytes */
  int over;                /* some count went beyond int64 */
  int attn;                /* the next kernel opens an attention module */
};

static int64_t cnt(struct lw *w, double v) {
  if (!(v < COUNT_MAX)) { w->over = 1; return 0; }
  return (int64_t)v;
}

/* Append a kernel; `first` opens a framework op. */
static struct gpu_kernel *kern(struct lw *w, const char *what, enum gpu_kclass kc, int first) {
  struct gpu_kernel *k;
  if (*w->n >= GPU_MAX_KERNELS) {
    sl_errf(w->e, "layer '%s': more than %d kernels", w->l->name, GPU_MAX_KERNELS);
    return NULL;
  }
  if (!(k = sl_grow(*w->ks, w->cap, *w->n + 1, sizeof *k, w->e))) return NULL;
  *w->ks = k;
  k += (*w->n)++;
  memset(k, 0, sizeof *k);
  snprintf(k->name, sizeof k->name, "%s.%s", w->l->name, what);
  k->kclass = kc;
  k->first = first;
  k->attn = first && w->attn;
  w->attn = 0;
  k->live_bytes = w->live;
  return k;
}

/* A memory-bound kernel over `elems` elements moving `bytes`, with
** `flops` of CUDA-core work; `blocks` 0 means one block per
** ELT_PER_BLOCK elements. */
static int elt_v(struct lw *w, const char *what, int first, double elems, double bytes,
                 double flops, int64_t blocks, int nvec) {
  struct gpu_kernel *k = kern(w, what, GK_ELT, first);
  if (!k) return -1;
  k->nvec = nvec;
  k->bytes = cnt(w, bytes);
  k->flops = cnt(w, flops);
  k->threads = ELT_THREADS;
  k->blocks = blocks ? blocks : max64(1, cnt(w, ceil(elems / ELT_PER_BLOCK)));
  k->l2 = bytes <= (double)w->c->l2_bytes / 2;
  gpu_kernel_time(w->c, k);
  return 0;
}

static int elt(struct lw *w, const char *what, int first, double elems, double bytes,
               double flops, int64_t blocks) {
  return elt_v(w, what, first, elems, bytes, flops, blocks, 0);
}

/* A layout transpose between NCHW and NHWC of n images of c channels and
** hw pixels: one block per 32 x 32 tile; each block moves its whole tile,
** so thin tensors (3 input channels) cost as much as 32 channels. */
static int transpose(struct lw *w, const char *what, int first, int64_t n, int64_t c,
                     int64_t hw) {
  double blocks = (double)n * (double)ceil_div64(c, TRANSPOSE_TILE) *
                  (double)ceil_div64(hw, TRANSPOSE_TILE);
  double tile = TRANSPOSE_TILE * TRANSPOSE_TILE;
  struct gpu_kernel *k;
  if (elt(w, what, first, blocks * tile, 2 * blocks * tile * (double)elem_bytes(w->c), 0,
          cnt(w, blocks)) < 0)
    return -1;
  k = &(*w->ks)[*w->n - 1];
  k->threads = 256;
  gpu_kernel_time(w->c, k);
  return 0;
}

/* Tile shapes of tensor-core GEMMs, largest first, with their threads. */
static const struct {
  int64_t m, n, threads;
} tiles[] = {{128, 128, 256}, {128, 64, 128}, {64, 64, 128}, {64, 32, 64}};
#define NTILES (sizeof tiles / sizeof tiles[0])

/* `count` GEMMs of M x K by K x N, moving `bytes`: the largest tile that
** still gives every SM a block (else the smallest), and split-K when even
** that leaves most SMs idle over a long reduction, with its reduction
** kernel. `fp32_cores`: runs on the CUDA cores (fp32 linear layers). */
static int gemm(struct lw *w, const char *what, int first, int64_t m, int64_t n, int64_t kk,
                int64_t count, double bytes, int fp32_cores) {
  const struct gpu_cfg *c = w->c;
  struct gpu_kernel *k;
  size_t t = NTILES - 1;
  int64_t mt, nt, tcount, splits = 1;
  double eb = (double)elem_bytes(c);
  for (size_t i = 0; i < NTILES; i++)
    if ((double)ceil_div64(m, tiles[i].m) * (double)ceil_div64(n, tiles[i].n) * (double)count >=
        (double)c->sms) {
      t = i;
      break;
    }
  mt = tiles[t].m;
  nt = tiles[t].n;
  tcount = cnt(w, (double)ceil_div64(m, mt) * (double)ceil_div64(n, nt) * (double)count);
  if (2 * tcount < c->sms && kk >= SPLITK_MIN_K)
    splits = max64(1, min64(c->sms / max64(tcount, 1), kk / (SPLITK_MIN_K / 4)));
  if (!(k = kern(w, what, GK_GEMM, first))) return -1;
  k->flops = cnt(w, 2.0 * (double)m * (double)n * (double)kk * (double)count);
  k->bytes = cnt(w, bytes);
  k->blocks = cnt(w, (double)tcount * (double)splits);
  k->threads = tiles[t].threads;
  k->smem = (mt + nt) * TILE_K_BYTES * TILE_STAGES;
  k->k = ceil_div64(kk, splits) * (fp32_cores ? -1 : 1);
  k->l2 = bytes <= (double)c->l2_bytes / 2;
  /* Padded work: the tile's whole M x N is computed. */
  {
    double padded = 2.0 * (double)ceil_div64(m, mt) * (double)mt * (double)ceil_div64(n, nt) *
                    (double)nt * (double)kk * (double)count;
    int64_t useful = k->flops;
    k->flops = cnt(w, padded);
    gpu_kernel_time(c, k);
    k->flops = useful;
  }
  if (splits > 1) {
    /* fp32 partial sums of every split are read back and reduced. */
    double mn = (double)m * (double)n * (double)count;
    if (elt(w, "splitk_reduce", 0, mn, mn * (4.0 * (double)splits + eb), mn * (double)splits,
            0) < 0)
      return -1;
  }
  return 0;
}

/* The post-ops of a layer whose output has `elems` elements per batch,
** over `ch` channels: each its own framework op. */
static int post_ops(struct lw *w, double elems, int64_t ch) {
  const struct gpu_cfg *c = w->c;
  double eb = (double)elem_bytes(c), io = 2 * elems * eb;
  for (int p = 0; p < LP_NPOST; p++) {
    if (!(w->l->post >> p & 1u)) continue;
    if (p == LP_BN && c->dtype == GPU_FP16) {
      /* Half-precision inputs with half parameters take PyTorch's native
      ** batch norm: two one-block kernels turn the running statistics
      ** into a scale and a shift, then one pass over the tensor. */
      if (elt(w, "bn_stats", 1, (double)ch, 4.0 * (double)ch * eb, 0, 1) < 0 ||
          elt(w, "bn_prep", 0, (double)ch, 4.0 * (double)ch * 4, 4.0 * (double)ch, 1) < 0 ||
          elt_v(w, "bn", 0, elems, io + 2.0 * (double)ch * 4, 2 * elems, 0, 1) < 0)
        return -1;
      continue;
    }
    /* A per-channel bias or batch norm broadcast over NCHW runs without
    ** vector loads (kernels.csv: elementwise_kernel<128, 4>, cuDNN's
    ** bn_fw_inf, batch_norm_transform_input): nvec_eff. */
    if (elt_v(w, layer_post_names[p], 1, elems,
              io + (p == LP_BN || p == LP_BIAS ? 2.0 * (double)ch * eb : 0), elems, 0,
              p == LP_BN || p == LP_BIAS) < 0)
      return -1;
  }
  return 0;
}

/* PyTorch's math SDPA with an explicit padding mask, as Hugging Face BERT
** runs it inside a captured CUDA graph (experiments/calibration/gpu_h200/
** kernels_graph.csv.gz: 19 kernels per layer in fp16 at batch 1, 22 at
** batch 16; 14 and 17 in fp32). Under capture the model code cannot look
** at the mask to drop it, so it builds one, and with it SDPA takes the math
** path: everything in fp32 (fp16 inputs are up-cast), Q K^T and P V on the
** FP32 CUDA cores, the mask added to the scores, softmax, then the checks
** for fully masked rows (isneginf, any, where). With a batch above 1 the
** 4-d operands no longer fold into one strided batch, so bmm copies q, k^T
** and v into contiguous buffers first. A = rows x D activations, P = the
** B h S KV scores, M = the B S KV mask. */
static int sdpa_math(struct lw *w, int64_t batch, int64_t S, int64_t KV, int64_t D, int64_t h) {
  const double B = (double)batch, eb = (double)elem_bytes(w->c), f = 4;
  const double A = B * (double)S * (double)D, Akv = B * (double)KV * (double)D;
  const double P = B * (double)h * (double)S * (double)KV, M = B * (double)S * (double)KV;
  const int up = w->c->dtype != GPU_FP32;  /* fp16 operands are up-cast and the results cast back */
  const int64_t dk = D / h, bh = cnt(w, B * (double)h);
  static const char *const cast[3] = {"sdpa_q_f32", "sdpa_k_f32", "sdpa_v_f32"};
  static const char *const contig[2] = {"sdpa_q_contig", "sdpa_kt_contig"};
  if (elt(w, "sdpa_mask_fill", 1, 1, eb, 0, 1) < 0 ||
      elt(w, "sdpa_mask_fill2", 1, 1, eb, 0, 1) < 0 ||
      elt(w, "sdpa_mask", 1, M, M * (1 + eb), M, 0) < 0)
    return -1;
  for (int i = 0; up && i < 3; i++)
    if (elt(w, cast[i], 1, i ? Akv : A, (i ? Akv : A) * (eb + f), 0, 0) < 0) return -1;
  if (elt(w, "sdpa_scale_q", 1, A, 2 * A * f, A, 0) < 0 ||
      elt(w, "sdpa_scale_k", 1, Akv, 2 * Akv * f, Akv, 0) < 0)
    return -1;
  for (int i = 0; batch > 1 && i < 2; i++)
    if (elt(w, contig[i], 1, i ? Akv : A, 2 * (i ? Akv : A) * f, 0, 0) < 0) return -1;
  if (gemm(w, "sdpa_qk", 1, S, KV, dk, bh, (A + Akv + P) * f, 1) < 0 ||
      elt_v(w, "sdpa_mask_add", 1, P, 2 * P * f + M * eb, P, 0, 1) < 0 ||
      elt(w, "sdpa_softmax", 1, P, 2 * P * f, 4 * P, 0) < 0 ||
      elt(w, "sdpa_isneginf", 1, P, P * (f + 1), P, 0) < 0 ||
      elt(w, "sdpa_any", 1, P, P + B * (double)h * (double)S, P,
          max64(1, cnt(w, ceil(B * (double)h * (double)S / 32)))) < 0 ||
      elt(w, "sdpa_fill", 1, 1, f, 0, 1) < 0 ||
      elt_v(w, "sdpa_where", 1, P, P * (1 + 2 * f), P, 0, 1) < 0)
    return -1;
  if (up && elt(w, "sdpa_p_f16", 1, P, P * (f + eb), 0, 0) < 0) return -1;
  if (batch > 1 && elt(w, "sdpa_v_contig", 1, Akv, 2 * Akv * f, 0, 0) < 0) return -1;
  if (gemm(w, "sdpa_pv", 1, S, dk, KV, bh, (P + Akv + A) * f, 1) < 0) return -1;
  if (up && elt(w, "sdpa_out_f16", 1, A, A * (f + eb), 0, 0) < 0) return -1;
  return elt(w, "sdpa_out_transpose", 1, A, 2 * A * eb, 0, 0);
}

int gpu_lower(const struct gpu_cfg *c, const struct layer *l, int64_t batch,
              struct gpu_kernel **ks, size_t *n, size_t *cap, struct sl_err *e) {
  struct lw w = {c, l, ks, n, cap, e, 0, 0, 0};
  const size_t start = *n;
  const double B = (double)batch, eb = (double)elem_bytes(c);
  double in = (double)layer_in_elems(l) * B, out = (double)layer_out_elems(l) * B;
  double wts = (double)layer_weights(l);
  int r = 0;
  w.live = cnt(&w, in * eb);
  switch (l->type) {
  case LT_CONV: {
    int64_t g = l->groups, taps = l->k_h * l->k_w;
    double mm = B * (double)(l->out_h * l->out_w);
    if (g > 1 && g == l->in_c) {
      /* Depthwise: PyTorch's own direct kernel, one thread per output. */
      r = elt(&w, "dwconv", 1, out, (in + out + wts) * eb, 2.0 * out * (double)taps, 0);
    } else if (taps > 1) {
      /* cuDNN's implicit GEMM runs on NHWC: the NCHW input and weights are
      ** transposed in, the output transposed back (kernels.csv: two
      ** nchwToNhwc and one nhwcToNchw around each k > 1 convolution). */
      /* Tensor cores need the channels padded to 16 bytes (8 fp16, 4
      ** TF32 elements): a 3-channel first layer reduces over 8 (or 4). */
      int64_t align = c->dtype == GPU_FP16 ? 8 : 4, cg = l->in_c / g;
      r = transpose(&w, "nhwc_in", 1, batch, l->in_c, l->in_h * l->in_w);
      if (!r) r = transpose(&w, "nhwc_w", 0, l->out_c, cg, taps);
      if (!r)
        r = gemm(&w, "gemm", 0, cnt(&w, mm), l->out_c / g, taps * (ceil_div64(cg, align) * align),
                 g, (in + out + wts) * eb, 0);
      if (!r) r = transpose(&w, "nchw_out", 0, batch, l->out_c, l->out_h * l->out_w);
    } else {
      r = gemm(&w, "gemm", 1, cnt(&w, mm), l->out_c / g, l->in_c / g, g, (in + out + wts) * eb, 0);
    }
    if (!r) r = post_ops(&w, out, l->out_c);
    break;
  }
  case LT_FC:
    /* cuBLAS fuses the bias into the GEMM's epilogue. */
    r = gemm(&w, "gemm", 1, cnt(&w, B * (double)l->seq), l->out_c, l->in_c, 1,
             (in + out + wts) * eb, c->dtype == GPU_FP32);
    if (!r) r = post_ops(&w, out, l->out_c);
    break;
  case LT_MATMUL:
    r = gemm(&w, "bmm", 1, l->seq, l->out_c, l->in_c, cnt(&w, B * (double)l->count),
             (in + out) * eb, c->dtype == GPU_FP32);
    if (!r) r = post_ops(&w, out, l->out_c);
    break;
  case LT_LSTM:
  case LT_GRU: {
    /* cuDNN: the input GEMM of all steps at once, then per step the
    ** recurrent GEMM and the gate kernel. */
    int64_t gates = l->type == LT_LSTM ? 4 : 3, H = l->out_c, D = l->dirs;
    char what[48];
    double steps_in = B * (double)l->seq * (double)l->in_c;
    r = gemm(&w, "input_gemm", 1, cnt(&w, B * (double)l->seq), gates * H * D, l->in_c, 1,
             (steps_in + B * (double)l->seq * (double)(gates * H * D) +
              (double)(gates * H * D * l->in_c)) * eb, 0);
    for (int64_t t = 0; !r && t < l->seq; t++) {
      snprintf(what, sizeof what, "t%lld.gemm", (long long)t);
      r = gemm(&w, what, 0, batch, gates * H, H, D,
               (B * (double)(D * H) + (double)(D * gates * H * H) + B * (double)(D * gates * H)) * eb, 0);
      snprintf(what, sizeof what, "t%lld.gates", (long long)t);
      if (!r)
        r = elt(&w, what, 0, B * (double)(D * gates * H),
                B * (double)(D * H) * eb * (double)(2 * gates + 2), B * (double)(D * gates * H) * 4, 0);
    }
    break;
  }
  case LT_ATTENTION: {
    /* Hugging Face BERT: separate Q, K and V projections (bias in the
    ** epilogue), fused SDPA (cuDNN flash in fp16, with a workspace memset;
    ** the memory-efficient kernel in fp32), the output projection; in a
    ** CUDA graph, the math path where the table says so (sdpa_math). */
    /* A decode step (kv > seq) reads the cached keys and values of kv
    ** tokens from DRAM and attends to all of them. */
    int64_t S = l->seq, D = l->in_c, h = l->heads, dk = D / h, KV = l->kv > 0 ? l->kv : l->seq;
    double rows = B * (double)S, act = rows * (double)D, kv_act = B * (double)KV * (double)D;
    int32_t fp32 = c->dtype == GPU_FP32;
    static const char *const proj[3] = {"q", "k", "v"};
    struct gpu_kernel *k;
    w.attn = 1;
    for (int p = 0; !r && p < 3; p++)
      r = gemm(&w, proj[p], 1, cnt(&w, rows), D, D, 1, (2 * act + (double)(D * D)) * eb, fp32);
    if (r) break;
    if (c->launch == GPU_GRAPH && l->sdpa_capture_math) {
      r = sdpa_math(&w, batch, S, KV, D, h);
      if (!r) r = gemm(&w, "o", 1, cnt(&w, rows), D, D, 1, (2 * act + (double)(D * D)) * eb, fp32);
      break;
    }
    if (!fp32 && elt(&w, "sdpa_memset", 1, 1, 4 * rows * (double)h, 0, 1) < 0) { r = -1; break; }
    if (!(k = kern(&w, "sdpa", GK_ATTN, fp32))) { r = -1; break; }
    k->flops = cnt(&w, 4.0 * B * (double)h * (double)S * (double)KV * (double)dk);
    k->bytes = cnt(&w, (2 * act + 2 * kv_act) * eb);
    k->blocks = cnt(&w, B * (double)h * (double)ceil_div64(S, FLASH_ROWS));
    k->threads = 128;
    k->smem = (FLASH_ROWS + 2 * 64) * dk * (int64_t)eb;
    k->k = dk;
    k->l2 = (2 * act + 2 * kv_act) * eb <= (double)c->l2_bytes / 2;
    gpu_kernel_time(c, k);
    r = gemm(&w, "o", 1, cnt(&w, rows), D, D, 1, (2 * act + (double)(D * D)) * eb, fp32);
    break;
  }
  case LT_MAXPOOL:
  case LT_AVGPOOL:
    if (l->type == LT_AVGPOOL && l->out_h == 1 && l->out_w == 1) {
      /* A global pool is a reduction over each plane, then a copy into
      ** the output (kernels.csv: reduce_kernel and a copy). */
      r = elt(&w, "reduce", 1, in, (in + out) * eb, in, max64(1, cnt(&w, ceil(out / 32))));
      if (!r) r = elt(&w, "copy", 0, out, 2 * out * eb, 0, 0);
    } else {
      /* PyTorch's NCHW pooling kernels load each output's whole window
      ** (no tiling in shared memory): k_h x k_w reads per output. */
      r = elt_v(&w, layer_type_names[l->type], 1, out,
                (out * (double)(l->k_h * l->k_w) + out) * eb, out * (double)(l->k_h * l->k_w), 0, 1);
    }
    if (!r) r = post_ops(&w, out, l->out_c);
    break;
  case LT_ELTWISE:
    r = elt(&w, l->count > 1 ? "add" : "op", 1, out, ((double)l->count * out + out) * eb,
            out * (double)l->count, 0);
    if (!r) r = post_ops(&w, out, l->out_c);
    break;
  default:
    return sl_errf(e, "layer '%s': no GPU lowering for type %d", l->name, (int)l->type);
  }
  if (r < 0) return -1;
  if (w.over)
    return sl_errf(e, "layer '%s' at batch %lld: its counts (FLOPs, bytes or blocks) overflow "
                      "64 bits", l->name, (long long)batch);
  for (size_t i = start; i < *n; i++)
    if ((*ks)[i].ns > SL_TIME_LIMIT / 2)
      return sl_errf(e, "layer '%s' at batch %lld: a kernel takes more than %lld ns", l->name,
                     (long long)batch, (long long)(SL_TIME_LIMIT / 2));
  return 0;
}

/* }=================================================================== */

void gpu_gaps(const struct gpu_cfg *c, struct gpu_kernel *ks, size_t n) {
  sl_ns host = 0, end = 0;   /* the host's launch clock; the previous kernel's end */
  for (size_t i = 0; i < n; i++) {
    struct gpu_kernel *k = &ks[i];
    k->host_ns = c->launch == GPU_GRAPH ? 0
                 : (k->first ? c->host_op_ns : c->host_kernel_ns) + (k->attn ? c->host_attn_ns : 0);
    if (k->sync && c->launch == GPU_EAGER && host < end) host = end;
    host += k->host_ns;
    k->launched = host;
    k->gap_ns = host > end + c->launch_ns ? host - end : c->launch_ns;
    end += k->gap_ns + k->ns;
  }
}

int gpu_compile_kernels(const struct gpu_cfg *c, const char *network, int batch,
                        struct gpu_kernel **ks, size_t *n, double *host_gil, struct sl_err *e) {
  struct network net;
  size_t cap = 0;
  int r = net_load(&net, network, e);
  *ks = NULL;
  *n = 0;
  *host_gil = net.host_gil;
  if (r != 0) {
    net_free(&net);
    return r;
  }
  for (size_t i = 0; i < net.n; i++) {
    size_t first = *n;
    if (gpu_lower(c, &net.layers[i], batch, ks, n, &cap, e) < 0) {
      sl_err_prefix(e, "%s:%ld: network '%s'", net.path, net.layers[i].lineno, network);
      free(*ks);
      *ks = NULL;
      net_free(&net);
      return -1;
    }
    if (net.layers[i].chunk_end && *n > 0) (*ks)[*n - 1].chunk_end = 1;
    /* A generate loop (Hugging Face generate, a greedy or sampling loop)
    ** reads each step's token back to the host (argmax, stopping check: a
    ** device-to-host copy that waits for the GPU) before it launches the
    ** next step, so the host cannot run ahead across decode steps. */
    if (net.layers[i].step > 0 && (i == 0 || net.layers[i - 1].step != net.layers[i].step) &&
        *n > first)
      (*ks)[first].sync = 1;
  }
  net_free(&net);
  gpu_gaps(c, *ks, *n);
  return 0;
}
