/*
** cpu.h — the analytical latency model of a many-core CPU running DNN
** layers on a share of its cores (docs/cpu_model.md): a per-layer
** roofline on k cores with parallel efficiency from the layer's work
** units, compiled versions of each layer that trade speed for shared
** resources (VELTAIR's adaptive compilation), and interference between
** co-running layers through the shared LLC and memory bandwidth. Pure
** functions of (configuration, layer, batch); the device kind is in
** dev_cpu.c.
*/
#ifndef CPU_H
#define CPU_H

#include "network.h"

#define CPU_MAX_CORES 1024
#define CPU_NVERSIONS 3          /* compiled versions of every layer */

struct cpu_cfg {
  int64_t cores;                 /* physical cores of the socket */
  int64_t freq_mhz;              /* sustained all-core clock, MHz */
  int64_t flops_per_cycle;       /* peak FP32 FLOPs per cycle per core (vector width x FMA x 2) */
  int64_t efficiency_pct;        /* share of the peak the fast version's inner kernel reaches, % */
  int64_t l2_bytes;              /* per-core (private) cache */
  int64_t llc_bytes;             /* shared last-level cache */
  int64_t mem_bw;                /* socket memory bandwidth, bytes/s */
  int64_t core_bw;               /* memory bandwidth one core can draw alone, bytes/s */
  int64_t sync_ns;               /* barrier cost per layer per core beyond the first, ns */
  int64_t elem_bytes;            /* bytes per activation and weight element */
  int64_t miss_pct;              /* extra DRAM traffic when a layer's LLC footprint misses
                                 ** entirely, % of its compulsory traffic */
  int64_t ref_cores;             /* cores of the isolated (reference) latency */
};

/* A compiled version: its tiling. Fixed for every layer (no per-network
** factors); docs/cpu_model.md "Compiled versions". */
struct cpu_version {
  const char *name;
  int64_t eff_pct;               /* inner-kernel efficiency relative to efficiency_pct, % */
  int64_t n_block, m_block;      /* output channels x output rows per work unit */
  int64_t llc_pct;               /* LLC footprint per core, % of a fair slice (llc / cores) */
};
extern const struct cpu_version cpu_versions[CPU_NVERSIONS];

/* A layer as the CPU model sees it: a GEMM-shaped amount of work. */
struct cpu_layer {
  char name[96];
  int64_t flops;                 /* floating-point operations (2 per MAC), whole batch */
  int64_t bytes;                 /* compulsory DRAM traffic: weights + inputs + outputs */
  int64_t n, m;                  /* parallel dimensions: output channels, output rows */
  int64_t steps;                 /* sequential steps (time steps of a recurrent layer), >= 1 */
  int overflow;                  /* a count went beyond int64: refused */
};

/* What one layer takes, in one version, on k cores. */
struct cpu_cost {
  int64_t cores;                 /* cores it actually uses (<= k: the fastest count up to k) */
  int64_t units;                 /* parallel work units per step */
  int64_t compute_ns;            /* waves of work units at the per-core peak x efficiency */
  int64_t memory_ns;             /* compulsory traffic at min(cores x core_bw, mem_bw) */
  int64_t sync_ns;               /* barriers: sync_ns x (cores - 1) x steps */
  int64_t ns;                    /* alone: max(compute, memory) + sync */
  int64_t llc_bytes;             /* LLC footprint: min(bytes, cores x llc_pct x llc / cores) */
};

/* Lower a layer at batch `batch`; -1 with a message when a count overflows. */
int cpu_lower(const struct cpu_cfg *c, const struct layer *l, int64_t batch, struct cpu_layer *out,
              struct sl_err *e);
/* Cost of the layer alone in version v (0-based) on exactly k cores (1 <= k <= cores). */
void cpu_cost_exact(const struct cpu_cfg *c, const struct cpu_layer *l, int v, int64_t k,
                    struct cpu_cost *out);
/* Cost alone in version v given k cores: the fastest of 1..k cores (a
** runtime does not spread a layer over cores that make it slower). */
void cpu_cost(const struct cpu_cfg *c, const struct cpu_layer *l, int v, int64_t k,
              struct cpu_cost *out);
/* The version fastest alone on k cores (ties: the lower index). */
int cpu_best_version(const struct cpu_cfg *c, const struct cpu_layer *l, int64_t k);
/* Isolated latency: the best version on ref_cores cores, alone. */
int64_t cpu_isolated_ns(const struct cpu_cfg *c, const struct cpu_layer *l);

/* One co-running layer, for the interference model. */
struct cpu_run {
  const struct cpu_layer *layer;
  int version;                   /* 0-based */
  int64_t k;                     /* cores held */
  struct cpu_cost cost;          /* in: its cost alone, cpu_cost(layer, version, k) */
  double ns;                     /* out: its latency in this company, ns */
};
/* Latencies of `n` layers running at once (docs/cpu_model.md
** "Interference"): LLC overflow adds miss traffic, oversubscribed memory
** bandwidth stretches every layer by the ratio demanded / available. The
** costs alone come filled in (the device keeps them in a table). */
void cpu_corun(const struct cpu_cfg *c, struct cpu_run *r, size_t n);

#endif
