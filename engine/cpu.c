/*
** cpu.c — the analytical CPU model: layers lowered to GEMM-shaped work,
** a roofline per layer on k cores with work-unit quantisation and barrier
** cost, three compiled versions, and LLC / memory-bandwidth interference
** between co-running layers. See cpu.h and docs/cpu_model.md.
*/
#include "cpu.h"

#include "checked.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Blocks and footprints of the three versions (docs/cpu_model.md): the
** compute-optimised version uses large register/cache blocks that reach
** the kernel's full efficiency but keep twice a fair LLC slice per core;
** the memory-light one uses blocks that stay in a half slice at 70% of the
** efficiency; smaller blocks also mean more work units, so the light
** version quantises better on many cores. */
const struct cpu_version cpu_versions[CPU_NVERSIONS] = {
    {"fast", 100, 64, 64, 200},
    {"balanced", 85, 32, 32, 100},
    {"light", 70, 16, 16, 50},
};

/* ceil(a / b) of 128-bit values, saturated at SL_TIME_LIMIT (a layer that
** long is refused by the device's prefix-sum check anyway). */
static int64_t ceil128(unsigned __int128 a, unsigned __int128 b) {
  unsigned __int128 q = a / b + (a % b != 0);
  return q > (unsigned __int128)SL_TIME_LIMIT ? SL_TIME_LIMIT : (int64_t)q;
}

int cpu_lower(const struct cpu_cfg *c, const struct layer *l, int64_t batch, struct cpu_layer *out,
              struct sl_err *e) {
  int ov = 0;
  int64_t in = layer_in_elems(l), outn = layer_out_elems(l), ops;
  memset(out, 0, sizeof *out);
  snprintf(out->name, sizeof out->name, "%s", l->name);
  out->steps = 1;
  out->n = l->out_c > 0 ? l->out_c : 1;
  switch (l->type) {
  case LT_LSTM:
  case LT_GRU:
    /* One time step at a time: the gates of every direction are the
    ** parallel dimension, the batch the other. */
    out->steps = l->seq > 0 ? l->seq : 1;
    out->n = ck_mul(&ov, ck_mul(&ov, out->n, l->type == LT_LSTM ? 4 : 3),
                    l->dirs > 0 ? l->dirs : 1);
    out->m = batch;
    ops = ck_mul(&ov, 2, layer_macs(l));
    break;
  case LT_MAXPOOL:
  case LT_AVGPOOL:
    ops = ck_mul(&ov, outn, max64(1, l->k_h * l->k_w));
    out->m = ck_mul(&ov, ceil_div64(outn, out->n), batch);
    break;
  case LT_ELTWISE:
    ops = ck_mul(&ov, outn, max64(1, l->count));
    out->m = ck_mul(&ov, ceil_div64(outn, out->n), batch);
    break;
  default:                                  /* conv, fc, matmul, attention: output rows */
    ops = ck_mul(&ov, 2, layer_macs(l));
    out->m = ck_mul(&ov, ceil_div64(outn, out->n), batch);
    break;
  }
  if (out->m < 1) out->m = 1;
  out->flops = ck_mul(&ov, ops, batch);
  out->bytes = ck_mul(&ov, ck_add(&ov, layer_weights(l), ck_mul(&ov, ck_add(&ov, in, outn), batch)),
                   c->elem_bytes);
  out->overflow = ov;
  if (ov) return sl_errf(e, "layer '%s': a count overflows 64 bits at batch %lld", l->name,
                         (long long)batch);
  return 0;
}

void cpu_cost_exact(const struct cpu_cfg *c, const struct cpu_layer *l, int v, int64_t k,
                    struct cpu_cost *out) {
  const struct cpu_version *ver = &cpu_versions[v];
  int64_t waves, bw = min64(k * c->core_bw, c->mem_bw);
  unsigned __int128 den;
  memset(out, 0, sizeof *out);
  out->cores = k;
  out->units = ceil_div64(l->n, ver->n_block) * ceil_div64(l->m, ver->m_block);
  waves = ceil_div64(out->units, k);
  /* Each wave takes one work unit's share of the FLOPs at one core's rate:
  ** freq_mhz x flops_per_cycle x eff% x version eff% / 10^7 FLOPs per ns. */
  den = (unsigned __int128)out->units * (uint64_t)c->freq_mhz * (uint64_t)c->flops_per_cycle *
        (uint64_t)c->efficiency_pct * (uint64_t)ver->eff_pct;
  out->compute_ns =
      l->flops ? ceil128((unsigned __int128)waves * (uint64_t)l->flops * 10000000u, den) : 0;
  out->memory_ns = ceil128((unsigned __int128)(uint64_t)l->bytes * 1000000000u, (uint64_t)bw);
  out->sync_ns = c->sync_ns * (k - 1) * l->steps;
  out->ns = max64(out->compute_ns, out->memory_ns) + out->sync_ns;
  if (out->ns < 1) out->ns = 1;
  out->llc_bytes = min64(l->bytes, (int64_t)((unsigned __int128)(uint64_t)k *
                                             (uint64_t)c->llc_bytes * (uint64_t)ver->llc_pct /
                                             (100u * (uint64_t)c->cores)));
}

void cpu_cost(const struct cpu_cfg *c, const struct cpu_layer *l, int v, int64_t k,
              struct cpu_cost *out) {
  struct cpu_cost t;
  cpu_cost_exact(c, l, v, 1, out);
  for (int64_t j = 2; j <= k; j++) {
    cpu_cost_exact(c, l, v, j, &t);
    if (t.ns < out->ns) *out = t;
  }
}

int cpu_best_version(const struct cpu_cfg *c, const struct cpu_layer *l, int64_t k) {
  struct cpu_cost t;
  int64_t best = INT64_MAX;
  int bv = 0;
  for (int v = 0; v < CPU_NVERSIONS; v++) {
    cpu_cost(c, l, v, k, &t);
    if (t.ns < best) { best = t.ns; bv = v; }
  }
  return bv;
}

int64_t cpu_isolated_ns(const struct cpu_cfg *c, const struct cpu_layer *l) {
  struct cpu_cost t;
  cpu_cost(c, l, cpu_best_version(c, l, c->ref_cores), c->ref_cores, &t);
  return t.ns;
}

void cpu_corun(const struct cpu_cfg *c, struct cpu_run *r, size_t n) {
  double foot = 0, mult = 1, demand = 0, stretch = 1, avail = (double)c->mem_bw / 1e9;
  size_t i;
  for (i = 0; i < n; i++) foot += (double)r[i].cost.llc_bytes;
  if (foot > (double)c->llc_bytes)
    mult = 1.0 + (double)c->miss_pct / 100.0 * (1.0 - (double)c->llc_bytes / foot);
  /* Each layer's base time with its (possibly grown) traffic, and the
  ** bandwidth it draws over that time. */
  for (i = 0; i < n; i++) {
    const struct cpu_cost *k = &r[i].cost;
    double traffic = (double)r[i].layer->bytes * mult, mem;
    mem = mult == 1 ? (double)k->memory_ns
                    : ceil(traffic * 1e9 / (double)min64(k->cores * c->core_bw, c->mem_bw));
    r[i].ns = fmax((double)k->compute_ns, mem);
    if (r[i].ns > 0) demand += traffic / r[i].ns;
  }
  if (demand > avail) stretch = demand / avail;
  for (i = 0; i < n; i++) {
    r[i].ns = r[i].ns * stretch + (double)r[i].cost.sync_ns;
    if (r[i].ns < 1) r[i].ns = 1;
  }
}
