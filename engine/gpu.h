/*
** gpu.h — the analytical GPU latency model (docs/gpu_model.md): lowering a
** layer into the kernels a framework launches (PyTorch eager on
** cuDNN/cuBLAS), each kernel's thread blocks, waves over the SMs and a
** roofline duration, and the host launch gaps of eager execution. Pure
** functions of (configuration, layer, batch); the device kind is in
** dev_gpu.c.
*/
#ifndef GPU_H
#define GPU_H

#include "network.h"

enum gpu_dtype { GPU_FP16 = 0, GPU_FP32 };
enum gpu_launch { GPU_EAGER = 0, GPU_GRAPH };
extern const char *const gpu_dtype_names[2];   /* "fp16", "fp32" */
extern const char *const gpu_launch_names[2];  /* "eager", "graph" */

/* What bounds a kernel, and which unit its FLOPs run on. */
enum gpu_kclass {
  GK_GEMM = 0,             /* tensor-core (or FP32) GEMM: implicit-GEMM conv, linear, matmul */
  GK_ATTN,                 /* fused attention (flash / memory-efficient SDPA) */
  GK_ELT,                  /* memory-bound: element-wise, norm, pooling, layout, reduction */
  GK_NCLASS
};

#define GPU_MAX_KERNELS 10000000   /* kernels of one compiled network */

struct gpu_cfg {
  int64_t sms;                     /* streaming multiprocessors */
  int64_t clock_mhz;               /* SM clock under load, MHz */
  double fp16_tensor_flops;        /* dense FP16 tensor-core peak, FLOP/s */
  double tf32_tensor_flops;        /* dense TF32 tensor-core peak (fp32 convolutions), FLOP/s */
  double fp32_flops;               /* FP32 CUDA-core peak (fp32 GEMMs), FLOP/s */
  double mem_bw;                   /* DRAM bandwidth, B/s */
  int64_t l2_bytes;                /* L2 cache, bytes */
  int64_t max_blocks_per_sm;       /* resident thread blocks per SM */
  int64_t max_threads_per_sm;      /* resident threads per SM */
  int64_t smem_per_sm;             /* shared memory per SM, bytes */
  int64_t priorities;              /* stream priority levels */
  /* Fitted constants (docs/gpu_validation.md). */
  double gemm_eff;                 /* share of the tensor peak a long-K GEMM reaches */
  double gemm_k_half;              /* reduction length at which GEMM efficiency halves */
  double mem_eff;                  /* share of the DRAM bandwidth a streaming kernel reaches */
  double l2_speedup;               /* activation traffic that fits in L2 moves this much faster */
  double nvec_eff;                 /* bandwidth share of non-vectorized element-wise kernels */
  sl_ns kernel_ns;                 /* fixed cost inside every kernel: ramp, tail */
  sl_ns launch_ns;                 /* dispatch latency: the least idle time between kernels */
  sl_ns host_op_ns;                /* eager: host time of a framework op's first kernel */
  sl_ns host_kernel_ns;            /* eager: host time of each further kernel of the op */
  sl_ns host_attn_ns;              /* eager: extra host time of an attention module */
  enum gpu_dtype dtype;
  enum gpu_launch launch;
};

/* One kernel of the lowering. */
struct gpu_kernel {
  char name[96];           /* LAYER.what */
  enum gpu_kclass kclass;
  int64_t flops;           /* useful FLOPs (a multiply-add counts 2) */
  int64_t bytes;           /* minimal DRAM (or L2) traffic, bytes */
  int64_t blocks;          /* thread blocks of the grid */
  int64_t threads;         /* threads per block */
  int64_t smem;            /* shared memory per block, bytes */
  int64_t blocks_per_sm;   /* resident blocks per SM (occupancy) */
  int64_t waves;           /* ceil(blocks / (sms * blocks_per_sm)) */
  int64_t k;               /* GEMM reduction length per block (efficiency); 0 otherwise */
  int l2;                  /* its activations fit in L2 */
  int nvec;                /* element-wise without vector loads: broadcast bias, batch norm,
                           ** pooling (index arithmetic per element) */
  int first;               /* first kernel of a framework op (eager host cost) */
  int attn;                /* first kernel of an attention module */
  sl_ns compute_ns;        /* FLOPs at the efficient peak, stretched by the waves */
  sl_ns memory_ns;         /* traffic at the efficient bandwidth, stretched by the waves */
  sl_ns ns;                /* duration: kernel_ns + max(compute, memory) */
  sl_ns host_ns;           /* eager: host time to launch it */
  sl_ns gap_ns;            /* idle time before it: launch_ns, or more where the host is behind */
  sl_ns launched;          /* eager: when the host has launched it (h_i, on the isolated timeline,
                           ** sync waits included); graph: 0 */
  int64_t live_bytes;      /* activations live at its start */
  int chunk_end;           /* the last kernel of a layer that ends a chunk (`# chunk after=`) */
  int sync;                /* eager: the host waits for the GPU to finish everything before
                           ** launching it (the first kernel of an LLM decode step: the
                           ** generate loop reads the previous token back) */
};

/* Peak FLOP/s of a kernel class at the configured dtype. */
double gpu_peak(const struct gpu_cfg *c, enum gpu_kclass k);
/* Fill blocks_per_sm, waves and the durations of k from its flops, bytes,
** blocks, threads, smem, k and l2. */
void gpu_kernel_time(const struct gpu_cfg *c, struct gpu_kernel *k);

/* Lower one layer at batch `batch`, appending its kernels (durations
** filled, gaps not) to *ks. Returns 0, or -1 when out of memory or a count
** overflows ("layer 'x': ..."). */
int gpu_lower(const struct gpu_cfg *c, const struct layer *l, int64_t batch,
              struct gpu_kernel **ks, size_t *n, size_t *cap, struct sl_err *e);
/* Fill host_ns, launched and gap_ns of every kernel. Kernel i starts at max(h_i, end of kernel
** i-1 + launch_ns): in graph mode h_i = 0 (one launch replays them back to
** back); in eager mode the host runs ahead, launching kernel i at h_i =
** h_(i-1) + host_ns(i), except that a `sync` kernel's host first waits for
** the end of kernel i-1: h_i = max(h_(i-1), end_(i-1)) + host_ns(i). */
void gpu_gaps(const struct gpu_cfg *c, struct gpu_kernel *ks, size_t n);
/* Load a network, lower every layer and fill the gaps: *ks (owned by the
** caller), *n and *host_gil (the table's `# host gil=`, -1 without one).
** Returns 0; 1 or -1 as net_load, -1 on lowering errors
** ("FILE:LINE: network 'x': layer 'y': ..."). */
int gpu_compile_kernels(const struct gpu_cfg *c, const char *network, int batch,
                        struct gpu_kernel **ks, size_t *n, double *host_gil, struct sl_err *e);

#endif
