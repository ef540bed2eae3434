/*
** npu.c — the analytical NPU model: GEMM fold and tile cycles per
** dataflow, double-buffered memory, lowering of every layer type, and the
** checkpoint byte model. See npu.h and traces/devices/README.md.
*/
#include "npu.h"

#include "checked.h"
#include <stdio.h>
#include <string.h>

const char *const npu_dataflow_names[3] = {"ws", "os", "is"};


/* ceil(a * b / c), a, b >= 0, c > 0, through 128 bits. */
static int64_t muldiv_ceil(int *ov, int64_t a, int64_t b, int64_t c) {
  __int128 p = ((__int128)a * b + c - 1) / c;
  if (p > INT64_MAX) { *ov = 1; return INT64_MAX; }
  return (int64_t)p;
}

static int64_t mem_cycles(const struct npu_cfg *c, int64_t bytes, int *ov) {
  if (bytes <= 0) return 0;
  return muldiv_ceil(ov, bytes, c->clock_mhz * 1000000, c->dram_bw);
}

int64_t npu_mem_cycles(const struct npu_cfg *c, int64_t bytes) {
  int ov = 0;
  return mem_cycles(c, bytes, &ov);
}

static sl_ns cycles_ns(const struct npu_cfg *c, int64_t cycles, int *ov) {
  return muldiv_ceil(ov, cycles, 1000, c->clock_mhz);
}

sl_ns npu_cycles_ns(const struct npu_cfg *c, int64_t cycles) {
  int ov = 0;
  return cycles_ns(c, cycles, &ov);
}

/* {===================================================================
** GEMM on the array
**
** The array has R rows and C columns. A dataflow keeps one operand in the
** PEs ("stationary"), spreads two GEMM dimensions over rows and columns
** (S_r over R, S_c over C) and streams the third (T) through:
**
**   dataflow  S_r (rows)  S_c (columns)  T (streamed)   fill
**   ws        K           M              N              R    weights preloaded row by row
**   os        N           M              K              0    outputs accumulate in place
**   is        K           N              M              R    inputs preloaded row by row
**
** A fold maps one R x C block of the stationary operand; there are
** ceil(S_r/R) * ceil(S_c/C) folds per GEMM. One fold takes
**
**   fill + (R + C - 2) + T  cycles
**
** the preload, the skew of the systolic wavefront across rows and columns,
** and one cycle per streamed vector; the full array dimensions enter even
** for a partly used edge fold (the wavefront still crosses the array).
** This is how SCALE-Sim v2 counts compute cycles (Samajdar et al., "A
** systematic methodology for characterizing scalability of DNN
** accelerators using SCALE-Sim", ISPASS 2020; the per-fold operand demand
** matrices of scalesim/compute/systolic_compute_{ws,os,is}.py at commit
** 22f88b1 are R prefix rows + T + C - 1 drain rows, skewed over R rows, for
** ws and is, and T + C - 1 skewed over R for os). SCALE-Sim reports the
** index of the last cycle, i.e. this count minus one: see
** docs/npu_validation.md.
**
** Tiles. Inside a fold the stream is cut into tiles of d = stream_depth
** vectors (the accumulator queue holds d x C partial sums, docs/prema.md
** §2): q = ceil(T/d) tiles per fold. The first tile of a fold carries the
** fill and the skew. With double buffering the DMA fetches the next
** tile's operands while this one computes, so a tile takes
** max(compute, memory) and the layer the sum over its tiles. DRAM traffic
** is spread evenly over the tiles (the prefetcher streams ahead at a
** steady rate).
** =================================================================== */

/* Partial sums live in the accumulators at a tile boundary, bytes. */
static int64_t acc_live(const struct npu_cfg *c) {
  int64_t e = c->dataflow == NPU_OS ? c->array_rows * c->array_cols   /* in the PEs */
                                    : c->stream_depth * c->array_cols; /* d x C in the ACCQ */
  return min64(c->accq_bytes, e * c->acc_bytes);
}

/* Sum over `q` tiles of lengths d (the last: last) of max(compute, mt),
** the first carrying `head` extra compute cycles. */
static int64_t tiles_time(int64_t q, int64_t d, int64_t last, int64_t head, int64_t mt, int *ov) {
  if (q == 1) return max64(ck_add(ov, head, last), mt);
  return ck_add(ov, ck_add(ov, max64(ck_add(ov, head, d), mt), ck_mul(ov, q - 2, max64(d, mt))),
             max64(last, mt));
}

void npu_gemm_cost(const struct npu_cfg *c, const struct npu_gemm *g, int spill,
                   int64_t in_bytes, int64_t out_bytes, struct npu_cost *out) {
  const int64_t R = c->array_rows, C = c->array_cols, d = c->stream_depth;
  int64_t sr, sc, t, fill, folds, q, last, wcopy, wrefetch, arefetch, wtraffic, mt;
  int ov = 0;
  memset(out, 0, sizeof *out);
  if (g->k < 1 || g->m < 1 || g->n < 1 || g->count < 1) return;
  switch (c->dataflow) {
  case NPU_OS: sr = g->n; sc = g->m; t = g->k; fill = 0; break;
  case NPU_IS: sr = g->k; sc = g->n; t = g->m; fill = R; break;
  default: sr = g->k; sc = g->m; t = g->n; fill = R; break;
  }
  folds = ck_mul(&ov, ck_mul(&ov, ceil_div64(sr, R), ceil_div64(sc, C)), g->count);
  q = ceil_div64(t, d);
  last = t - (q - 1) * d;
  out->folds = folds;
  out->tiles = ck_mul(&ov, folds, q);
  out->macs = ck_mul(&ov, ck_mul(&ov, g->k, g->m), ck_mul(&ov, g->n, g->count));
  out->compute_cycles = ck_mul(&ov, folds, ck_add(&ov, fill + R + C - 2, t));
  /* DRAM traffic. Weights: under ws each weight is loaded once, into its
  ** fold; under os and is they stream, and are read once per pass over N
  ** (ceil(N/R) row folds under os, ceil(N/C) column folds under is) unless
  ** one copy fits in the weight buffer. An activation operand (attention)
  ** sits in the unified buffer and costs DRAM traffic only when spilled.
  ** Activations: resident in the unified buffer between layers; when the
  ** layer spills, inputs are re-read once per column fold under ws and os
  ** (each pass over M streams them again) and once under is. */
  wcopy = ck_mul(&ov, ck_mul(&ov, g->k, g->m), c->elem_bytes);
  if (c->dataflow == NPU_WS || wcopy <= c->wbuf_bytes) wrefetch = 1;
  else wrefetch = ceil_div64(g->n, c->dataflow == NPU_OS ? R : C);
  wtraffic = !g->w_is_act || spill ? ck_mul(&ov, ck_mul(&ov, g->count, wcopy), wrefetch) : 0;
  arefetch = c->dataflow == NPU_IS ? 1 : ceil_div64(g->m, C);
  out->dram_bytes =
      ck_add(&ov, wtraffic, spill ? ck_add(&ov, ck_mul(&ov, in_bytes, arefetch), out_bytes) : 0);
  out->memory_cycles = mem_cycles(c, out->dram_bytes, &ov);
  mt = mem_cycles(c, ceil_div64(out->dram_bytes, out->tiles), &ov);
  out->cycles = ck_mul(&ov, folds, tiles_time(q, d, last, fill + R + C - 2, mt, &ov));
  out->acc_live = acc_live(c);
  out->overflow = ov;
}

/* Element-wise work runs on a C-lane vector unit at the array's edge
** (docs/prema.md §3: ceil(elements / w) cycles); a tile is d cycles. */
void npu_vector_cost(const struct npu_cfg *c, int64_t elems, int spill, int64_t in_bytes,
                     int64_t out_bytes, struct npu_cost *out) {
  const int64_t d = c->stream_depth;
  int64_t work, mt;
  int ov = 0;
  memset(out, 0, sizeof *out);
  if (elems < 1) return;
  work = ceil_div64(elems, c->array_cols);
  out->tiles = ceil_div64(work, d);
  out->compute_cycles = work;
  out->dram_bytes = spill ? ck_add(&ov, in_bytes, out_bytes) : 0;
  out->memory_cycles = mem_cycles(c, out->dram_bytes, &ov);
  mt = mem_cycles(c, ceil_div64(out->dram_bytes, out->tiles), &ov);
  out->cycles = tiles_time(out->tiles, d, work - (out->tiles - 1) * d, 0, mt, &ov);
  out->overflow = ov;
}

/* }=================================================================== */

/* {===================================================================
** Lowering (docs/prema.md §3)
** =================================================================== */

static void cost_add(struct npu_cost *s, const struct npu_cost *p) {
  int *ov = &s->overflow;
  s->cycles = ck_add(ov, s->cycles, p->cycles);
  s->compute_cycles = ck_add(ov, s->compute_cycles, p->compute_cycles);
  s->tiles = ck_add(ov, s->tiles, p->tiles);
  s->folds = ck_add(ov, s->folds, p->folds);
  s->macs = ck_add(ov, s->macs, p->macs);
  s->dram_bytes = ck_add(ov, s->dram_bytes, p->dram_bytes);
  s->acc_live = max64(s->acc_live, p->acc_live);
  s->overflow |= p->overflow;
}

static struct npu_seg *new_seg(const struct npu_cfg *c, struct npu_seg **segs, size_t *n,
                               size_t *cap, int64_t in, int64_t out, struct sl_err *e) {
  struct npu_seg *ns = sl_grow(*segs, cap, *n + 1, sizeof *ns, e);
  if (!ns) return NULL;
  *segs = ns;
  ns += (*n)++;
  memset(ns, 0, sizeof *ns);
  ns->in_bytes = ck_mul(&ns->cost.overflow, in, c->elem_bytes);
  ns->out_bytes = ck_mul(&ns->cost.overflow, out, c->elem_bytes);
  return ns;
}

/* Close a segment: memory time of its whole traffic, latency in ns. */
static void seg_done(const struct npu_cfg *c, struct npu_seg *s) {
  s->cost.memory_cycles = mem_cycles(c, s->cost.dram_bytes, &s->cost.overflow);
  if (s->cost.tiles < 1) s->cost.tiles = 1;
  if (s->cost.cycles < 1) s->cost.cycles = 1;
  s->ns = cycles_ns(c, s->cost.cycles, &s->cost.overflow);
}

/* A closed segment whose counts overflowed, or whose latency alone passes
** SL_TIME_LIMIT, is refused here, naming the layer. */
static int seg_check(const struct npu_seg *s, const struct layer *l, int64_t batch,
                     struct sl_err *e) {
  if (s->cost.overflow)
    return sl_errf(e, "layer '%s' at batch %lld: its counts (elements, bytes, cycles or tiles) "
                      "overflow 64 bits", l->name, (long long)batch);
  if (s->ns > SL_TIME_LIMIT)
    return sl_errf(e, "layer '%s' at batch %lld: latency %lld ns is above the limit %lld ns",
                   l->name, (long long)batch, (long long)s->ns, (long long)SL_TIME_LIMIT);
  return 0;
}

static int spills(const struct npu_cfg *c, const struct npu_seg *s) {
  return s->in_bytes > c->ubuf_bytes - s->out_bytes;   /* in + out > ubuf, without overflow */
}

static void add_gemm(const struct npu_cfg *c, struct npu_seg *s, int64_t k, int64_t m, int64_t n,
                     int64_t count, int w_is_act, int64_t in_elems, int64_t out_elems) {
  struct npu_gemm g;
  struct npu_cost p;
  g.k = k;
  g.m = m;
  g.n = n;
  g.count = count;
  g.w_is_act = w_is_act;
  npu_gemm_cost(c, &g, spills(c, s), ck_mul(&s->cost.overflow, in_elems, c->elem_bytes),
                ck_mul(&s->cost.overflow, out_elems, c->elem_bytes), &p);
  cost_add(&s->cost, &p);
}

static void add_vector(const struct npu_cfg *c, struct npu_seg *s, int64_t elems, int64_t in_elems,
                       int64_t out_elems) {
  struct npu_cost p;
  npu_vector_cost(c, elems, spills(c, s), ck_mul(&s->cost.overflow, in_elems, c->elem_bytes),
                  ck_mul(&s->cost.overflow, out_elems, c->elem_bytes), &p);
  cost_add(&s->cost, &p);
}

int npu_lower(const struct npu_cfg *c, const struct layer *l, int64_t batch,
              struct npu_seg **segs, size_t *n, size_t *cap, struct sl_err *e) {
  const int64_t B = batch;
  struct npu_seg *s;
  int ov = 0;              /* overflow in the sizes computed here, before a segment exists */
  if ((l->type == LT_LSTM || l->type == LT_GRU) && (int64_t)*n + l->seq > NPU_MAX_SEGMENTS)
    return sl_errf(e, "layer '%s': %lld time steps make more than %d segments", l->name,
                   (long long)l->seq, NPU_MAX_SEGMENTS);
  switch (l->type) {
  case LT_CONV: {
    /* im2col: each group is a GEMM of K = kh*kw*in_c/g, M = out_c/g, N = pixels*B;
    ** depthwise (g = in_c) is in_c GEMMs with K = kh*kw and M = out_c/in_c. */
    int64_t g = l->groups, in = ck_mul(&ov, layer_in_elems(l), B),
            out = ck_mul(&ov, layer_out_elems(l), B);
    if (!(s = new_seg(c, segs, n, cap, in, out, e))) return -1;
    add_gemm(c, s, ck_mul(&ov, l->k_h * l->k_w, l->in_c / g), l->out_c / g,
             ck_mul(&ov, l->out_h * l->out_w, B), g, 0, in, out);
    break;
  }
  case LT_FC: {
    int64_t in = ck_mul(&ov, layer_in_elems(l), B), out = ck_mul(&ov, layer_out_elems(l), B);
    if (!(s = new_seg(c, segs, n, cap, in, out, e))) return -1;
    add_gemm(c, s, l->in_c, l->out_c, ck_mul(&ov, l->seq, B), 1, 0, in, out);
    break;
  }
  case LT_MATMUL: {
    int64_t in = ck_mul(&ov, layer_in_elems(l), B), out = ck_mul(&ov, layer_out_elems(l), B);
    if (!(s = new_seg(c, segs, n, cap, in, out, e))) return -1;
    add_gemm(c, s, l->in_c, l->out_c, l->seq, ck_mul(&ov, l->count, B), 1,
             ck_mul(&ov, ck_mul(&ov, l->count, l->seq), ck_mul(&ov, l->in_c, B)), out);
    break;
  }
  case LT_LSTM:
  case LT_GRU: {
    /* One segment per time step; both directions of a bidirectional layer
    ** advance in the same step. Per direction: the input GEMM (K = in_c) and
    ** the hidden GEMM (K = H), each with M = gates*H and N = B; the gate
    ** non-linearities and the cell update are fused into them. Live: the
    ** step's input vector and the recurrent state (h, and c for an LSTM). */
    int64_t gates = l->type == LT_LSTM ? 4 : 3, H = l->out_c, st = l->type == LT_LSTM ? 2 : 1;
    int64_t BD = ck_mul(&ov, B, l->dirs);
    int64_t in = ck_mul(&ov, BD, ck_add(&ov, l->in_c, ck_mul(&ov, st, H)));
    int64_t out = ck_mul(&ov, BD, ck_mul(&ov, st, H));
    for (int64_t t = 0; t < l->seq; t++) {
      if (!(s = new_seg(c, segs, n, cap, in, out, e))) return -1;
      snprintf(s->name, sizeof s->name, "%s.t%lld", l->name, (long long)t);
      s->cost.overflow |= ov;
      add_gemm(c, s, l->in_c, ck_mul(&ov, gates, H), B, l->dirs, 0, ck_mul(&ov, BD, l->in_c), 0);
      add_gemm(c, s, H, ck_mul(&ov, gates, H), B, l->dirs, 0, ck_mul(&ov, BD, H), out);
      s->cost.overflow |= ov;
      seg_done(c, s);
      if (seg_check(s, l, batch, e) < 0) return -1;
    }
    return 0;
  }
  case LT_ATTENTION: {
    /* QKV projection, scores Q K^T per head (+ softmax), context P V per
    ** head, output projection: four segments. S queries attend to KV keys:
    ** KV = S in a prefill, whose K and V were just computed and sit in the
    ** unified buffer; KV > S in a decode step, whose keys and values come
    ** from the KV cache in DRAM, read like weights. */
    int64_t S = l->seq, KV = l->kv < 1 ? S : l->kv, D = l->in_c, h = l->heads, dk = D / h;
    int cached = KV > S;
    static const char *const part[4] = {"qkv", "score", "context", "out"};
    int64_t ins[4], outs[4];
    int64_t SDB = ck_mul(&ov, ck_mul(&ov, S, D), B), KDB = ck_mul(&ov, ck_mul(&ov, KV, D), B);
    int64_t hSSB = ck_mul(&ov, ck_mul(&ov, h, B), ck_mul(&ov, S, KV));
    ins[0] = SDB;                      outs[0] = ck_mul(&ov, 3, SDB);
    ins[1] = ck_add(&ov, SDB, KDB);       outs[1] = hSSB;
    ins[2] = ck_add(&ov, hSSB, KDB);      outs[2] = SDB;
    ins[3] = SDB;                      outs[3] = SDB;
    for (int p = 0; p < 4; p++) {
      if (!(s = new_seg(c, segs, n, cap, ins[p], outs[p], e))) return -1;
      snprintf(s->name, sizeof s->name, "%s.%s", l->name, part[p]);
      if (p == 0) add_gemm(c, s, D, ck_mul(&ov, 3, D), ck_mul(&ov, S, B), 1, 0, ins[p], outs[p]);
      if (p == 1) {
        add_gemm(c, s, dk, KV, S, ck_mul(&ov, h, B), !cached, SDB, outs[p]);
        add_vector(c, s, outs[p], 0, 0);               /* softmax over the scores */
      }
      if (p == 2) add_gemm(c, s, KV, dk, S, ck_mul(&ov, h, B), !cached, hSSB, outs[p]);
      if (p == 3) add_gemm(c, s, D, D, ck_mul(&ov, S, B), 1, 0, ins[p], outs[p]);
      s->cost.overflow |= ov;
      seg_done(c, s);
      if (seg_check(s, l, batch, e) < 0) return -1;
    }
    return 0;
  }
  case LT_MAXPOOL:
  case LT_AVGPOOL:
  case LT_ELTWISE: {
    int64_t in = ck_mul(&ov, layer_in_elems(l), B), out = ck_mul(&ov, layer_out_elems(l), B);
    if (!(s = new_seg(c, segs, n, cap, in, out, e))) return -1;
    add_vector(c, s, in, in, out);
    break;
  }
  default:
    return sl_errf(e, "layer '%s': no lowering for type %d", l->name, (int)l->type);
  }
  snprintf(s->name, sizeof s->name, "%s", l->name);
  s->cost.overflow |= ov;
  seg_done(c, s);
  return seg_check(s, l, batch, e);
}

int npu_seg_fold(const struct npu_cfg *c, struct npu_seg *into, const struct npu_seg *s,
                 struct sl_err *e) {
  cost_add(&into->cost, &s->cost);
  into->out_bytes = s->out_bytes;
  seg_done(c, into);
  if (into->cost.overflow || into->ns > SL_TIME_LIMIT)
    return sl_errf(e, "segment '%s': its counts or latency pass the limits", into->name);
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Preemption: tile boundaries and checkpoint state (docs/prema.md §5)
** =================================================================== */

int64_t npu_ckpt_bytes(const struct npu_cfg *c, const struct npu_seg *s, int64_t j) {
  if (j <= 0) return min64(c->ubuf_bytes, s->in_bytes);
  __int128 live;
  if (c->ckpt_bytes == NPU_CKPT_BOUND) {
    live = (__int128)s->in_bytes + s->out_bytes;
    return (live < c->ubuf_bytes ? (int64_t)live : c->ubuf_bytes) + c->accq_bytes;
  }
  /* progress: the inputs, the share f = j/tiles of the outputs written so
  ** far, and the partial sums of the tile in flight. 128 bits: the sizes
  ** may be near int64 before the buffer caps them. */
  live = s->in_bytes + (__int128)j * s->out_bytes / s->cost.tiles;
  return (live < c->ubuf_bytes ? (int64_t)live : c->ubuf_bytes) + s->cost.acc_live;
}

sl_ns npu_transfer_ns(const struct npu_cfg *c, int64_t bytes) {
  int ov = 0;   /* bytes <= ubuf + accq and the bounded configuration keep this small */
  if (bytes <= 0) return 0;
  return muldiv_ceil(&ov, bytes, 1000000000, c->dram_bw) + cycles_ns(c, c->dram_latency_cycles, &ov);
}

sl_ns npu_tile_offset(sl_ns len, int64_t tiles, int64_t j) {
  return (sl_ns)((__int128)j * len / tiles);
}

int64_t npu_tile_next(sl_ns len, int64_t tiles, sl_ns off) {
  int ov = 0;   /* off <= len: the answer is at most tiles */
  if (len <= 0) return 0;
  return muldiv_ceil(&ov, off, tiles, len);
}

/* }=================================================================== */
