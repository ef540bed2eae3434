/*
** npu.h — the analytical latency model of a systolic-array NPU
** (docs/prema.md §2-§5): lowering layers to GEMMs and vector operations,
** fold and tile counts per dataflow, compute against memory time per tile,
** and the live state a CHECKPOINT saves at a tile boundary. Pure functions
** of (configuration, layer, batch); the device kind is in dev_npu.c.
*/
#ifndef NPU_H
#define NPU_H

#include "network.h"

enum npu_dataflow { NPU_WS = 0, NPU_OS, NPU_IS };      /* weight / output / input stationary */
enum npu_gran { NPU_GRAN_TILE = 0, NPU_GRAN_LAYER };   /* where CHECKPOINT and KILL stop */
enum npu_ckpt { NPU_CKPT_PROGRESS = 0, NPU_CKPT_BOUND }; /* live-state byte model */
extern const char *const npu_dataflow_names[3];      /* "ws", "os", "is" */

#define NPU_MAX_SEGMENTS 10000000   /* segments of one compiled network (LSTM steps add up) */

struct npu_cfg {
  int64_t array_rows, array_cols;  /* PEs: h rows (reduction side under ws) x w columns */
  enum npu_dataflow dataflow;
  int64_t clock_mhz;               /* MHz */
  int64_t ubuf_bytes;              /* unified (activation) buffer, bytes */
  int64_t wbuf_bytes;              /* weight buffer, bytes */
  int64_t accq_bytes;              /* accumulator queue (partial sums), bytes */
  int64_t dram_bw;                 /* off-chip bandwidth, bytes/s */
  int64_t dram_latency_cycles;     /* cycles, charged once per checkpoint save or restore */
  int64_t elem_bytes;              /* bytes per operand element */
  int64_t acc_bytes;               /* bytes per partial sum */
  int64_t stream_depth;            /* streamed vectors (or reduction steps under os) per tile */
  enum npu_gran ckpt_granularity;
  enum npu_ckpt ckpt_bytes;
};

/* One GEMM of the lowering, or `count` independent ones of the same shape:
** weights K x M, N streamed vectors of K elements (docs/prema.md §3). */
struct npu_gemm {
  int64_t k;               /* reduction length */
  int64_t m;               /* outputs per vector (weight columns) */
  int64_t n;               /* streamed vectors */
  int64_t count;           /* independent copies (groups, heads x batch) */
  int w_is_act;            /* the K x M operand is an activation (attention), not a weight */
};

/* What a GEMM, a vector operation or a whole segment costs. */
struct npu_cost {
  int64_t cycles;          /* sum over tiles of max(compute, memory): double buffering */
  int64_t compute_cycles;  /* the same with an infinitely fast memory */
  int64_t memory_cycles;   /* the DRAM traffic alone at dram_bw, cycles */
  int64_t tiles;           /* tiles: the preemption points inside */
  int64_t folds;           /* mappings of the stationary operand onto the array */
  int64_t macs;            /* multiply-accumulates */
  int64_t dram_bytes;      /* bytes read from or written to DRAM */
  int64_t acc_live;        /* partial sums live at a tile boundary inside, bytes */
  int overflow;            /* some count above went beyond int64 (then the others are
                           ** meaningless): npu_lower refuses the layer */
};

/* A compiled segment: a layer, one time step of an LSTM/GRU, or one of the
** four GEMM stages of attention. */
struct npu_seg {
  char name[96];
  struct npu_cost cost;
  int64_t in_bytes;        /* activations live at its start (its inputs), bytes */
  int64_t out_bytes;       /* activations it produces, bytes */
  sl_ns ns;                /* isolated latency: ceil(cycles * 1000 / clock_mhz) */
};

/* Cycles to move `bytes` at dram_bw (rounded up). */
int64_t npu_mem_cycles(const struct npu_cfg *c, int64_t bytes);
/* Cycles to ns, rounded up once: ceil(cycles * 1000 / clock_mhz). */
sl_ns npu_cycles_ns(const struct npu_cfg *c, int64_t cycles);

/* Cost of a GEMM. `spill` says the layer's activations do not fit in the
** unified buffer, so its inputs (`in_bytes`, re-read once per pass the
** dataflow needs) and outputs (`out_bytes`) go through DRAM. */
void npu_gemm_cost(const struct npu_cfg *c, const struct npu_gemm *g, int spill,
                   int64_t in_bytes, int64_t out_bytes, struct npu_cost *out);
/* Cost of element-wise work over `elems` elements (pooling, softmax, ...). */
void npu_vector_cost(const struct npu_cfg *c, int64_t elems, int spill, int64_t in_bytes,
                     int64_t out_bytes, struct npu_cost *out);

/* Lower one layer at batch `batch` and append its segments to *segs
** (growing *cap). Returns 0, or -1 when out of memory or when a count of
** the layer (elements, cycles, bytes, tiles) or its latency would go beyond
** int64 or SL_TIME_LIMIT ("layer 'x': ..."). */
int npu_lower(const struct npu_cfg *c, const struct layer *l, int64_t batch,
              struct npu_seg **segs, size_t *n, size_t *cap, struct sl_err *e);

/* Fold segment s into `into`, which it follows: one segment of the summed
** work (cycles, tiles, traffic), with into's inputs and s's outputs. A
** decode step of an LLM runs as one segment (network.h, `step`). */
int npu_seg_fold(const struct npu_cfg *c, struct npu_seg *into, const struct npu_seg *s,
                 struct sl_err *e);

/* Live bytes a CHECKPOINT saves at tile boundary j (0 <= j < tiles) of a
** segment: docs/prema.md §5, capped by the buffers. j = 0 is the segment's
** start (only its inputs are live). */
int64_t npu_ckpt_bytes(const struct npu_cfg *c, const struct npu_seg *s, int64_t j);
/* Time to save (or restore) `bytes`: bytes / dram_bw + dram latency; 0 for 0 bytes. */
sl_ns npu_transfer_ns(const struct npu_cfg *c, int64_t bytes);

/* Uniform tile boundaries inside a segment of `len` ns cut in `tiles`
** tiles: boundary j sits at floor(j * len / tiles). */
sl_ns npu_tile_offset(sl_ns len, int64_t tiles, int64_t j);
/* The first boundary index j with offset(j) >= off (0 <= off <= len). */
int64_t npu_tile_next(sl_ns len, int64_t tiles, sl_ns off);

#endif
