/*
** dev_cpu.c — the `cpu` device: a many-core CPU described by a device file
** (key = value lines; presets traces/devices/cpu-*.dev), compiling zoo
** networks with the model of cpu.c. Its one unit is a pool of `cores`:
** a request holds a share of cores, runs a layer per segment, and its
** rate follows the layer's speed on its cores against its isolated
** latency, slowed by the co-running layers (docs/cpu_model.md).
*/
#include "device.h"
#include "cpu.h"
#include "devfile.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cpu_dev {
  struct cpu_cfg cfg;
};

/* A compiled work with every layer's cost alone in every version given
** 1..cores cores, computed once: the rates callback runs at every event. */
struct cpu_work {
  struct cpu_layer *layer;   /* [nseg] */
  int64_t cores;
  struct cpu_cost *cost;     /* [(seg x CPU_NVERSIONS + v) x cores + k - 1] */
  unsigned char *best;       /* [seg x cores + k - 1]: the version fastest alone */
};

static const struct cpu_cost *cost_of(const struct work *w, int32_t s, int v, int64_t k) {
  const struct cpu_work *cw = w->ext;
  return &cw->cost[((size_t)s * CPU_NVERSIONS + (size_t)v) * (size_t)cw->cores + (size_t)k - 1];
}

/* {===================================================================
** Fields
** =================================================================== */

enum fkind { F_INT, F_SIZE, F_BW };

struct field {
  const char *name;
  enum fkind kind;
  size_t off;
  int64_t min, max;
  int optional;            /* may be left out of a device file (ref_cores: all cores) */
};

#define GIB ((int64_t)1 << 30)
#define FIELD(n, k, lo, hi, opt) {#n, k, offsetof(struct cpu_cfg, n), lo, hi, opt}
static const struct field fields[] = {
    FIELD(cores, F_INT, 1, CPU_MAX_CORES, 0),
    FIELD(freq_mhz, F_INT, 1, 100000, 0),
    FIELD(flops_per_cycle, F_INT, 1, 1024, 0),
    FIELD(efficiency_pct, F_INT, 1, 100, 0),
    FIELD(l2_bytes, F_SIZE, 1, 64 * GIB, 0),
    FIELD(llc_bytes, F_SIZE, 1, 64 * GIB, 0),
    FIELD(mem_bw, F_BW, 1000000, (int64_t)1 << 50, 0),
    FIELD(core_bw, F_BW, 1000000, (int64_t)1 << 50, 0),
    FIELD(sync_ns, F_INT, 0, 1000000000, 0),
    FIELD(elem_bytes, F_INT, 1, 16, 0),
    FIELD(miss_pct, F_INT, 0, 10000, 0),
    FIELD(ref_cores, F_INT, 1, CPU_MAX_CORES, 1),
};
#undef FIELD
#undef GIB
#define NFIELDS (sizeof fields / sizeof fields[0])

struct sunit {
  const char *name;
  int64_t mult;
};
static const struct sunit size_units[] = {
    {"", 1}, {"B", 1}, {"KiB", 1024}, {"MiB", 1048576}, {"GiB", 1073741824},
    {"KB", 1000}, {"MB", 1000000}, {"GB", 1000000000}, {NULL, 0}};
static const struct sunit bw_units[] = {
    {"", 1}, {"B/s", 1}, {"KB/s", 1000}, {"MB/s", 1000000}, {"GB/s", 1000000000},
    {"MiB/s", 1048576}, {"GiB/s", 1073741824}, {NULL, 0}};

/* "32 MiB", "102.4 GB/s": a decimal (up to 3 places) times a unit, a
** whole number in all. */
static int parse_scaled(const char *s, const struct sunit *units, int64_t *out) {
  size_t n = 0;
  const char *u;
  int64_t milli;
  while ((s[n] >= '0' && s[n] <= '9') || s[n] == '.') n++;
  for (u = s + n; *u == ' '; u++) {}
  if (!n || sl_parse_decimal_scaled(s, n, 3, &milli) < 0 || milli < 0) return -1;
  for (const struct sunit *k = units; k->name; k++) {
    __int128 v;
    if (strcmp(u, k->name)) continue;
    v = (__int128)milli * k->mult;
    if (v % 1000 || v / 1000 > INT64_MAX) return -1;
    *out = (int64_t)(v / 1000);
    return 0;
  }
  return -1;
}

static int field_set(struct cpu_cfg *cfg, const struct field *f, const char *v, struct sl_err *e) {
  int64_t x;
  if (f->kind == F_INT && sl_parse_i64(v, &x) < 0) return sl_errf(e, "'%s' is not an integer", v);
  if (f->kind == F_SIZE && parse_scaled(v, size_units, &x) < 0)
    return sl_errf(e, "'%s' is not a whole number of bytes (units: B, KiB, MiB, GiB, KB, MB, GB)",
                   v);
  if (f->kind == F_BW && parse_scaled(v, bw_units, &x) < 0)
    return sl_errf(e, "'%s' is not a bandwidth in whole bytes/s (units: B/s, KB/s, MB/s, GB/s, "
                      "MiB/s, GiB/s; a plain number is B/s)", v);
  if (x < f->min || x > f->max)
    return sl_errf(e, "%lld is out of range [%lld, %lld]", (long long)x, (long long)f->min,
                   (long long)f->max);
  *(int64_t *)(void *)((char *)cfg + f->off) = x;
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Device files (read by devfile.c)
** =================================================================== */

static_assert(NFIELDS <= DEVFILE_MAX_FIELDS, "cpu fields must fit a device file's bit set");

static int field_set_at(void *cfg, int i, const char *v, struct sl_err *e) {
  return field_set(cfg, &fields[i], v, e);
}

/* No presets as bases: a cpu device file gives its fields itself. */
static const struct devfile cpu_file = {"cpu", 0, fields, sizeof fields[0], NFIELDS,
                                        field_set_at};

/* The device file into cfg; every required field must be given, and
** ref_cores must not exceed cores. */
static int read_file(struct cpu_cfg *cfg, const char *path, struct sl_err *e) {
  struct devfile_given given;
  if (devfile_read(&cpu_file, cfg, path, &given, e) < 0) return -1;
  for (size_t i = 0; i < NFIELDS; i++)
    if (!given.line[i] && !fields[i].optional)
      return sl_errf(e, "%s: field '%s': missing (a cpu device file gives every field but "
                        "ref_cores)", path, fields[i].name);
  if (cfg->ref_cores > cfg->cores)
    return sl_errf(e, "%s:%ld: field 'ref_cores': %lld is more than cores (%lld)", path,
                   given.line[NFIELDS - 1], (long long)cfg->ref_cores, (long long)cfg->cores);
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** The device operations
** =================================================================== */

static void cpu_close(struct device *d) {
  free(d->impl);
  d->impl = NULL;
}

static int cpu_open(struct device *d, const char *arg, const struct kv *params, size_t nparams,
                    struct sl_err *e) {
  struct cpu_dev *cd;
  char path[2048];
  if (!*arg)
    return sl_errf(e, "device 'cpu' needs a device file or a preset: --device cpu:PATH.dev, "
                      "--device cpu-server (see 'schedlab list devices')");
  if (!(cd = sl_alloc(sizeof *cd, e))) return -1;
  d->impl = cd;
  if (devfile_resolve("cpu", arg, path, sizeof path, e) < 0 || read_file(&cd->cfg, path, e) < 0)
    return -1;
  for (size_t i = 0; i < nparams; i++)
    if (devfile_param(&cpu_file, &cd->cfg, &params[i], "", e) < 0) return -1;
  if (!cd->cfg.ref_cores) cd->cfg.ref_cores = cd->cfg.cores;
  if (cd->cfg.ref_cores > cd->cfg.cores)
    return sl_errf(e, "device param 'ref_cores': %lld is more than cores (%lld)",
                   (long long)cd->cfg.ref_cores, (long long)cd->cfg.cores);
  d->ukind = UNIT_POOL;
  d->capacity = (int32_t)cd->cfg.cores;
  d->nversions = CPU_NVERSIONS;
  for (size_t i = 0; i < NFIELDS; i++)
    if (dev_param_set(d, fields[i].name, "%lld",
                      (long long)*(const int64_t *)(const void *)((const char *)&cd->cfg +
                                                                  fields[i].off)) < 0)
      return sl_errf(e, "out of memory");
  return 0;
}

static void cpu_free_ext(struct work *w) {
  struct cpu_work *cw = w->ext;
  if (!cw) return;
  free(cw->layer);
  free(cw->cost);
  free(cw->best);
  free(cw);
  w->ext = NULL;
}

/* Layer s's costs alone given k = 1..cores: the fastest of k - 1 cores and
** exactly k (cpu_cost, incrementally), and the best version per k. */
static void fill_costs(const struct cpu_cfg *c, struct cpu_work *cw, size_t s) {
  const size_t nc = (size_t)cw->cores;
  for (int v = 0; v < CPU_NVERSIONS; v++) {
    struct cpu_cost *t = &cw->cost[(s * CPU_NVERSIONS + (size_t)v) * nc];
    cpu_cost_exact(c, &cw->layer[s], v, 1, &t[0]);
    for (size_t k = 2; k <= nc; k++) {
      cpu_cost_exact(c, &cw->layer[s], v, (int64_t)k, &t[k - 1]);
      if (t[k - 2].ns <= t[k - 1].ns) t[k - 1] = t[k - 2];
    }
  }
  for (size_t k = 1; k <= nc; k++) {
    int bv = 0;
    for (int v = 1; v < CPU_NVERSIONS; v++)
      if (cw->cost[(s * CPU_NVERSIONS + (size_t)v) * nc + k - 1].ns <
          cw->cost[(s * CPU_NVERSIONS + (size_t)bv) * nc + k - 1].ns)
        bv = v;
    cw->best[s * nc + k - 1] = (unsigned char)bv;
  }
}

static int cpu_compile(struct device *d, const char *network, int batch, struct work *w,
                       struct sl_err *e) {
  const struct cpu_dev *cd = d->impl;
  struct network net;
  struct cpu_work *cw;
  size_t chunk_cap = 0;
  int r = net_load(&net, network, e);
  if (r != 0) {
    net_free(&net);
    return r;
  }
  if (net.n > INT32_MAX - 1) {
    net_free(&net);
    return sl_errf(e, "network '%s': too many layers", network);
  }
  if (!(cw = sl_alloc(sizeof *cw, e))) goto fail;
  w->ext = cw;
  w->nseg = (int32_t)net.n;
  cw->cores = cd->cfg.cores;
  cw->layer = sl_alloc((net.n ? net.n : 1) * sizeof *cw->layer, e);
  cw->cost =
      sl_alloc((net.n ? net.n : 1) * CPU_NVERSIONS * (size_t)cw->cores * sizeof *cw->cost, e);
  cw->best = sl_alloc((net.n ? net.n : 1) * (size_t)cw->cores, e);
  w->prefix = sl_alloc((net.n + 1) * sizeof *w->prefix, e);
  w->state_bytes = sl_alloc((net.n + 1) * sizeof *w->state_bytes, e);
  w->seg_name = sl_alloc((net.n ? net.n : 1) * sizeof *w->seg_name, e);
  if (!cw->layer || !cw->cost || !cw->best || !w->prefix || !w->state_bytes || !w->seg_name)
    goto fail;
  for (size_t i = 0; i < net.n; i++) {
    const struct layer *l = &net.layers[i];
    sl_ns ns;
    if (cpu_lower(&cd->cfg, l, batch, &cw->layer[i], e) < 0) {
      sl_err_prefix(e, "%s:%ld: network '%s'", net.path, l->lineno, network);
      goto fail;
    }
    if (!(w->seg_name[i] = sl_strdup(l->name, e))) goto fail;
    fill_costs(&cd->cfg, cw, i);
    ns = cpu_isolated_ns(&cd->cfg, &cw->layer[i]);
    if (w->prefix[i] > SL_TIME_LIMIT - ns) {
      sl_errf(e, "network '%s' at batch %d: the layers up to '%s' take more than %lld ns",
              network, batch, l->name, (long long)SL_TIME_LIMIT);
      goto fail;
    }
    w->prefix[i + 1] = w->prefix[i] + ns;
    /* The activations live between layers stay in memory: no state moves. */
    w->state_bytes[i] = 0;
    if (l->chunk_end && work_chunk_add(w, (int32_t)i + 1, &chunk_cap, e) < 0) goto fail;
  }
  if (net.chunked && work_chunks_close(w, &chunk_cap, e) < 0) goto fail;
  net_free(&net);
  return 0;
fail:
  net_free(&net);
  return -1;
}

/* ns x MHz / 1000 without overflowing in the product: a layer may take up
** to 2^60 ns, and its cycles are saturated rather than wrapped. */
static int64_t ns_cycles(sl_ns ns, int64_t mhz) {
  __int128 c = (__int128)ns * mhz / 1000;
  return c > INT64_MAX ? INT64_MAX : (int64_t)c;
}

static int cpu_seg_info(const struct device *d, const struct work *w, int32_t s,
                        struct seg_info *out) {
  const struct cpu_dev *cd = d->impl;
  const struct cpu_layer *l = &((const struct cpu_work *)w->ext)->layer[s];
  struct cpu_cost c;
  int64_t mhz = cd->cfg.freq_mhz;
  cpu_cost(&cd->cfg, l, cpu_best_version(&cd->cfg, l, cd->cfg.ref_cores), cd->cfg.ref_cores, &c);
  out->cycles = ns_cycles(c.ns, mhz);
  out->compute_cycles = ns_cycles(c.compute_ns, mhz);
  out->memory_cycles = ns_cycles(c.memory_ns, mhz);
  out->pes = cd->cfg.cores * cd->cfg.flops_per_cycle / 2;
  out->macs = l->flops / 2;
  out->dram_bytes = l->bytes;
  out->tiles = c.units;
  out->util = out->cycles && out->pes ? (double)out->macs / ((double)out->cycles * (double)out->pes)
                                      : 0;
  out->bound = c.memory_ns > c.compute_ns ? "memory" : "compute";
  return 0;
}

/* The version a holder runs: the policy's, or the fastest alone on its cores. */
static int holder_version(const struct work *w, int32_t s, int32_t version, int64_t k) {
  const struct cpu_work *cw = w->ext;
  if (version >= 1 && version <= CPU_NVERSIONS) return version - 1;
  return cw->best[(size_t)s * (size_t)cw->cores + (size_t)k - 1];
}

static int64_t share_cores(const struct cpu_cfg *c, int32_t share) {
  return share < 1 ? 1 : share > c->cores ? c->cores : share;
}

/* Rates per unit (a unit is a socket: units=K gives K that share
** nothing): every active holder's layer on its cores, in the company of
** the other active holders of its unit. */
static int cpu_rates(const struct device *d, struct holder *h, size_t n, struct sl_err *e) {
  const struct cpu_dev *cd = d->impl;
  struct cpu_run *run;
  size_t *idx;
  unsigned char *done;
  run = sl_alloc((n ? n : 1) * sizeof *run, e);
  idx = run ? sl_alloc((n ? n : 1) * sizeof *idx, e) : NULL;
  done = idx ? sl_alloc(n ? n : 1, e) : NULL;
  if (!done) {
    free(run);
    free(idx);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    const struct work *w = h[i].work;
    h[i].rate_q = RATE_ONE;
    h[i].until = work_total(w);
    if (!h[i].active || h[i].progress >= work_total(w)) done[i] = 1;
  }
  for (size_t i = 0; i < n; i++) {
    size_t na = 0;
    if (done[i]) continue;
    for (size_t j = i; j < n; j++) {
      const struct work *w = h[j].work;
      int32_t s;
      if (done[j] || h[j].unit != h[i].unit) continue;
      done[j] = 1;
      s = work_segment_at(w, h[j].progress);
      run[na].layer = &((const struct cpu_work *)w->ext)->layer[s];
      run[na].k = share_cores(&cd->cfg, h[j].share);
      run[na].version = holder_version(w, s, h[j].version, run[na].k);
      run[na].cost = *cost_of(w, s, run[na].version, run[na].k);
      idx[na++] = j;
    }
    cpu_corun(&cd->cfg, run, na);
    for (size_t a = 0; a < na; a++) {
      struct holder *hj = &h[idx[a]];
      const struct work *w = hj->work;
      int32_t s = work_segment_at(w, hj->progress);
      hj->until = w->prefix[s + 1];
      hj->rate_q = dev_rate_q((double)(w->prefix[s + 1] - w->prefix[s]) / run[a].ns);
    }
  }
  free(run);
  free(idx);
  free(done);
  return 0;
}

static int cpu_versions_of(const struct device *d, const struct work *w, int32_t seg,
                           int32_t share, struct version_info *out) {
  const struct cpu_dev *cd = d->impl;
  const struct cpu_layer *l = &((const struct cpu_work *)w->ext)->layer[seg];
  for (int v = 0; v < CPU_NVERSIONS; v++) {
    const struct cpu_cost *c = cost_of(w, seg, v, share_cores(&cd->cfg, share));
    out[v].name = cpu_versions[v].name;
    out[v].ns = c->ns;
    out[v].llc_bytes = c->llc_bytes;
    out[v].bw = (int64_t)((double)l->bytes * 1e9 / (double)c->ns);
  }
  return 0;
}

const struct dev_ops dev_cpu_ops = {
  .kind = "cpu",
  .usage = "cpu:FILE.dev|cpu-PRESET",
  .open = cpu_open,
  .compile = cpu_compile,
  /* A layer runs to its end: CHECKPOINT, KILL and resizes take effect at
  ** the next layer boundary (a layer's threads join only at its barrier). */
  .stop_point = dev_segment_stop_point,
  /* Activations and weights stay in shared memory: resuming on other
  ** cores costs nothing the layer model does not already count. */
  .save_ns = dev_no_transfer_ns,
  .restore_ns = dev_no_transfer_ns,
  .list_networks = NULL,
  .seg_info = cpu_seg_info,
  .free_ext = cpu_free_ext,
  .close = cpu_close,
  .rates = cpu_rates,
  .versions = cpu_versions_of,
};

/* }=================================================================== */
