/*
** gen.h — workload generators: deterministic arrival traces from a seed,
** written in the native trace format. Shared by `schedlab trace gen` and
** experiment files. Kinds and their parameters: see gen.c and
** experiments/README.md.
*/
#ifndef GEN_H
#define GEN_H

#include "device.h"

#include <stdio.h>

enum gen_kind { GEN_POISSON, GEN_UNIFORM, GEN_GAMMA, GEN_MMPP, GEN_PERIODIC };

/* One kind of request the mix draws from. */
struct gen_class {
  char *network, *tenant;
  int32_t batch, priority;
  double weight;           /* share of arrivals (relative) */
  sl_ns isolated;          /* on the device, filled by gen_resolve */
};

struct gen {
  enum gen_kind kind;
  int64_t n;               /* requests (not periodic) */
  uint64_t seed;
  struct gen_class *cls;
  size_t ncls, cls_cap;
  double rate;             /* mean arrivals per second (0: from load) */
  double load;             /* offered work / device capacity (0: from rate) */
  sl_ns window;            /* uniform: arrivals in [0, window] */
  int first_at_zero;       /* uniform: the first request arrives at 0 */
  double cv;               /* gamma: coefficient of variation of inter-arrivals */
  double burst;            /* mmpp: rate ratio high / low */
  double high_fraction;    /* mmpp: long-run share of time in the high state */
  sl_ns dwell;             /* mmpp: mean sojourn in the high state (0: 20 mean gaps) */
  int32_t tasks;           /* periodic: number of tasks */
  double utilization;      /* periodic: total utilisation, split by UUniFast */
  sl_ns horizon;           /* periodic: releases in [0, horizon) */
  double jitter;           /* periodic: release jitter, fraction of the period */
  double deadline;         /* periodic: relative deadline, fraction of the period */
  double slack;            /* others: deadline = arrival + slack * isolated (0: none) */
  int batch_per_trace;     /* batch_mix=per_workload: one batch drawn for the whole trace */
  int32_t trace_batch;     /* that batch, drawn by gen_write */
  char *workload;          /* label of every row's workload column, or NULL: none */
};

/* Parse a kind and NAME=VALUE parameters; unknown names are errors. */
int gen_parse(struct gen *g, const char *kind, const struct kv *kv, size_t n, struct sl_err *e);
/* Compile the mix on the device (isolated times) and derive rates from loads. */
int gen_resolve(struct gen *g, struct device *d, struct sl_err *e);
/* Write the trace. Streams: memory does not grow with n. */
int gen_write(struct gen *g, FILE *out, struct sl_err *e);
void gen_free(struct gen *g);
/* Mean isolated time of the mix, weighted, ns. */
double gen_mean_isolated(const struct gen *g);

#endif
