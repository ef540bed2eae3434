/*
** dev_gpu.c — the `gpu` device: a GPU described by a device file (key =
** value lines; presets in traces/devices/gpu-*.dev), compiling zoo
** networks into kernels and host launch gaps with the model of gpu.c.
** Run alone, a request is a chain of segments (kernels, and in eager mode
** the idle gaps before them) at rate 1: the engine's fast path. Kernel
** boundaries are the preemption points; the state stays in device memory,
** so stopping saves and restores nothing.
*/
#include "device.h"
#include "devfile.h"
#include "gpu.h"
#include "gpu_share.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct dev_ops dev_gpu_shared_ops;

struct gpu_dev {
  struct gpu_cfg cfg;
  struct gpu_share *share; /* sharing modes (gpu_share.c); NULL: exclusive */
};

/* Per segment: the kernel it is, or the gap before kernel `kernel`. */
struct gpu_seg {
  int32_t kernel;          /* index into kern */
  int gap;                 /* 1: the idle gap before that kernel; 0: the kernel */
};

struct gpu_work {
  struct gpu_kernel *kern; /* [nkern] */
  size_t nkern;
  struct gpu_seg *seg;     /* [nseg] */
  sl_ns host_end;          /* progress at which the host has launched the last kernel */
  double host_gil;         /* the network's `# host gil=`; -1: the device's gil_frac */
};

/* {===================================================================
** Fields and their values
** =================================================================== */

enum field_kind { F_INT, F_SIZE, F_DBL, F_BW, F_NS, F_DTYPE, F_LAUNCH };

struct field {
  const char *name;
  enum field_kind kind;
  size_t off;              /* offset in struct gpu_cfg */
  double min, max;         /* accepted range */
};

#define FIELD(n, k, lo, hi) {#n, k, offsetof(struct gpu_cfg, n), lo, hi}
static const struct field fields[] = {
    FIELD(sms, F_INT, 1, 100000),
    FIELD(clock_mhz, F_INT, 1, 100000),
    FIELD(fp16_tensor_flops, F_DBL, 1e6, 1e18),
    FIELD(tf32_tensor_flops, F_DBL, 1e6, 1e18),
    FIELD(fp32_flops, F_DBL, 1e6, 1e18),
    FIELD(mem_bw, F_BW, 1e6, 1e15),
    FIELD(l2_bytes, F_SIZE, 0, 68719476736.0),
    FIELD(max_blocks_per_sm, F_INT, 1, 1024),
    FIELD(max_threads_per_sm, F_INT, 32, 65536),
    FIELD(smem_per_sm, F_SIZE, 1024, 68719476736.0),
    FIELD(priorities, F_INT, 1, 64),
    FIELD(gemm_eff, F_DBL, 1e-3, 1),
    FIELD(gemm_k_half, F_DBL, 0, 1e9),
    FIELD(mem_eff, F_DBL, 1e-3, 1),
    FIELD(l2_speedup, F_DBL, 1, 100),
    FIELD(nvec_eff, F_DBL, 1e-3, 1),
    FIELD(kernel_ns, F_NS, 0, 1e9),
    FIELD(launch_ns, F_NS, 0, 1e9),
    FIELD(host_op_ns, F_NS, 0, 1e9),
    FIELD(host_kernel_ns, F_NS, 0, 1e9),
    FIELD(host_attn_ns, F_NS, 0, 1e9),
    FIELD(dtype, F_DTYPE, 0, 0),
    FIELD(launch, F_LAUNCH, 0, 0),
};
#undef FIELD
#define NFIELDS (sizeof fields / sizeof fields[0])

struct unit {
  const char *name;
  double mult;
};
static const struct unit size_units[] = {
    {"", 1}, {"B", 1}, {"KiB", 1024}, {"MiB", 1048576}, {"GiB", 1073741824},
    {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {NULL, 0}};
static const struct unit bw_units[] = {
    {"", 1}, {"B/s", 1}, {"MB/s", 1e6}, {"GB/s", 1e9}, {"TB/s", 1e12},
    {"GiB/s", 1073741824}, {NULL, 0}};

/* A number and an optional unit ("50 MiB", "3.35 TB/s", "3.35e12"). */
static int parse_unit(const char *s, const struct unit *units, double *out) {
  char num[64];
  size_t n = strspn(s, "0123456789.eE+-");
  const char *u = s + n;
  double v;
  if (n == 0 || n >= sizeof num) return -1;
  memcpy(num, s, n);
  num[n] = 0;
  while (*u == ' ') u++;
  if (sl_parse_double(num, &v) < 0) return -1;
  for (const struct unit *k = units; k->name; k++)
    if (!strcmp(u, k->name)) {
      *out = v * k->mult;
      return 0;
    }
  return -1;
}

static int field_set(struct gpu_cfg *cfg, const struct field *f, const char *v, struct sl_err *e) {
  char *p = (char *)cfg + f->off;
  double x;
  int64_t i;
  switch (f->kind) {
  case F_DTYPE:
  case F_LAUNCH: {
    const char *const *names = f->kind == F_DTYPE ? gpu_dtype_names : gpu_launch_names;
    for (int k = 0; k < 2; k++)
      if (!strcmp(v, names[k])) {
        if (f->kind == F_DTYPE) cfg->dtype = (enum gpu_dtype)k;
        else cfg->launch = (enum gpu_launch)k;
        return 0;
      }
    return sl_errf(e, "'%s' is not %s or %s", v, names[0], names[1]);
  }
  case F_INT:
    if (sl_parse_i64(v, &i) < 0) return sl_errf(e, "'%s' is not an integer", v);
    x = (double)i;
    break;
  case F_NS:
    if (sl_parse_duration(v, &i) < 0)
      return sl_errf(e, "'%s' is not a duration (a whole number of ns, or with a unit: ns, us, "
                        "ms, s)", v);
    x = (double)i;
    break;
  case F_SIZE:
    if (parse_unit(v, size_units, &x) < 0 || x != floor(x))
      return sl_errf(e, "'%s' is not a whole number of bytes (units: B, KiB, MiB, GiB, KB, MB, "
                     "GB)", v);
    break;
  case F_BW:
    if (parse_unit(v, bw_units, &x) < 0)
      return sl_errf(e, "'%s' is not a bandwidth (units: B/s, MB/s, GB/s, TB/s, GiB/s; a plain "
                        "number is B/s)", v);
    break;
  default:
    if (sl_parse_double(v, &x) < 0 || !isfinite(x)) return sl_errf(e, "'%s' is not a number", v);
    break;
  }
  if (!(x >= f->min && x <= f->max))
    return sl_errf(e, "%s is out of range [%g, %g]", v, f->min, f->max);
  if (f->kind == F_DBL || f->kind == F_BW) *(double *)(void *)p = x;
  else *(int64_t *)(void *)p = (int64_t)x;
  return 0;
}

static const struct field *field_find(const char *name) {
  for (size_t i = 0; i < NFIELDS; i++)
    if (!strcmp(fields[i].name, name)) return &fields[i];
  return NULL;
}

static void known_fields(struct sl_err *e) {
  for (size_t i = 0; i < NFIELDS; i++) sl_err_append(e, "%s%s", i ? ", " : "", fields[i].name);
}

static void field_text(const struct gpu_cfg *cfg, const struct field *f, char *buf, size_t n) {
  const char *p = (const char *)cfg + f->off;
  switch (f->kind) {
  case F_DTYPE: snprintf(buf, n, "%s", gpu_dtype_names[cfg->dtype]); break;
  case F_LAUNCH: snprintf(buf, n, "%s", gpu_launch_names[cfg->launch]); break;
  case F_DBL:
  case F_BW: snprintf(buf, n, "%.17g", *(const double *)(const void *)p); break;
  default: snprintf(buf, n, "%lld", (long long)*(const int64_t *)(const void *)p); break;
  }
}

/* }=================================================================== */

/* {===================================================================
** Device files (read by devfile.c)
** =================================================================== */

static_assert(NFIELDS <= DEVFILE_MAX_FIELDS, "gpu fields must fit a device file's bit set");

static int field_set_at(void *cfg, int i, const char *v, struct sl_err *e) {
  return field_set(cfg, &fields[i], v, e);
}

static const struct devfile gpu_file = {"gpu", 1, fields, sizeof fields[0], NFIELDS,
                                        field_set_at};

/* }=================================================================== */

/* {===================================================================
** The device operations
** =================================================================== */

static void gpu_close(struct device *d) {
  if (d->impl) gpu_share_free(((struct gpu_dev *)d->impl)->share);
  free(d->impl);
  d->impl = NULL;
}

static int gpu_open(struct device *d, const char *arg, const struct kv *params, size_t nparams,
                    struct sl_err *e) {
  struct gpu_dev *gd;
  struct gpu_share_params sp = {0};
  char path[2048], text[64];
  struct devfile_given given;
  if (!*arg)
    return sl_errf(e, "device 'gpu' needs a device file or a preset: --device gpu:PATH.dev, "
                      "--device gpu-h100 (see 'schedlab list devices')");
  if (!(gd = sl_alloc(sizeof *gd, e))) return -1;
  d->impl = gd;
  /* dtype and launch describe the workload, not the hardware: a file may
  ** set them, and they default to fp16 and eager. */
  gd->cfg.dtype = GPU_FP16;
  gd->cfg.launch = GPU_EAGER;
  if (devfile_resolve("gpu", arg, path, sizeof path, e) < 0 ||
      devfile_read(&gpu_file, &gd->cfg, path, &given, e) < 0)
    return -1;
  for (size_t i = 0; i < NFIELDS; i++)
    if (!(given.set >> i & 1u) && fields[i].kind != F_DTYPE && fields[i].kind != F_LAUNCH)
      return sl_errf(e, "%s: field '%s': missing (a device file gives every field, or starts "
                        "with 'base = PRESET')", path, fields[i].name);
  for (size_t i = 0; i < nparams; i++) {
    const struct field *fd = field_find(params[i].key);
    if (gpu_share_take(&sp, params[i].key, params[i].value)) continue;
    if (!fd) {
      sl_errf(e, "unknown device param '%s' for gpu (known: ", params[i].key);
      known_fields(e);
      sl_err_append(e, ", units, sharing, stream_prio, host, gil_frac, timeslice_ns, ctx_switch_ns, mps_sms)");
      return -1;
    }
    if (field_set(&gd->cfg, fd, params[i].value, e) < 0)
      return sl_err_prefix(e, "device param '%s'", params[i].key);
  }
  for (size_t i = 0; i < NFIELDS; i++) {
    field_text(&gd->cfg, &fields[i], text, sizeof text);
    if (dev_param_set(d, fields[i].name, "%s", text) < 0) return sl_errf(e, "out of memory");
  }
  if (gpu_share_open(d, &gd->cfg, &sp, &gd->share, e) < 0) return -1;
  /* A sharing mode gives co-runners their rates: the ops with a rates
  ** callback (dev_open keeps the fast path for the ops without one). */
  if (gd->share) d->ops = &dev_gpu_shared_ops;
  return 0;
}

static void gpu_free_ext(struct work *w) {
  struct gpu_work *gw = w->ext;
  if (!gw) return;
  free(gw->kern);
  free(gw->seg);
  free(gw);
  w->ext = NULL;
}

static int gpu_compile(struct device *d, const char *network, int batch, struct work *w,
                       struct sl_err *e) {
  const struct gpu_dev *gd = d->impl;
  struct gpu_kernel *ks;
  struct gpu_work *gw;
  size_t n, ns = 0, chunk_cap = 0;
  double host_gil;
  int r = gpu_compile_kernels(&gd->cfg, network, batch, &ks, &n, &host_gil, e);
  if (r != 0) return r;
  if (!(gw = sl_alloc(sizeof *gw, e))) { free(ks); return -1; }
  gw->host_gil = host_gil;
  gw->kern = ks;
  gw->nkern = n;
  /* The host's last launch, after every sync wait before it (an eager
  ** decode step's first kernel waits for the GPU): not the plain sum of
  ** the host costs once the host has waited. */
  gw->host_end = n > 0 ? ks[n - 1].launched : 0;
  w->ext = gw;
  for (size_t i = 0; i < n; i++) ns += 1 + (ks[i].gap_ns > 0);
  if (ns > INT32_MAX - 1) return sl_errf(e, "network '%s': too many segments", network);
  gw->seg = sl_alloc(ns * sizeof *gw->seg, e);
  w->prefix = sl_alloc((ns + 1) * sizeof *w->prefix, e);
  w->state_bytes = sl_alloc((ns + 1) * sizeof *w->state_bytes, e);
  w->seg_name = sl_alloc(ns * sizeof *w->seg_name, e);
  if (!gw->seg || !w->prefix || !w->state_bytes || !w->seg_name) return -1;
  w->nseg = (int32_t)ns;
  ns = 0;
  for (size_t i = 0; i < n; i++)
    for (int gap = ks[i].gap_ns > 0; gap >= 0; gap--) {
      sl_ns len = gap ? ks[i].gap_ns : ks[i].ns;
      char name[112];
      gw->seg[ns].kernel = (int32_t)i;
      gw->seg[ns].gap = gap;
      snprintf(name, sizeof name, "%s%s", ks[i].name, gap ? ".gap" : "");
      if (!(w->seg_name[ns] = sl_strdup(name, e))) return -1;
      if (w->prefix[ns] > SL_TIME_LIMIT - len)
        return sl_errf(e, "network '%s' at batch %d: the kernels up to '%s' take more than %lld "
                          "ns", network, batch, ks[i].name, (long long)SL_TIME_LIMIT);
      w->prefix[ns + 1] = w->prefix[ns] + len;
      w->state_bytes[ns] = ks[i].live_bytes;
      ns++;
      /* A chunk ends with the last kernel of its layer, before the next gap. */
      if (!gap && ks[i].chunk_end && work_chunk_add(w, (int32_t)ns, &chunk_cap, e) < 0) return -1;
    }
  if (w->nchunks > 0 && work_chunks_close(w, &chunk_cap, e) < 0) return -1;
  return 0;
}

static int gpu_seg_info(const struct device *d, const struct work *w, int32_t s,
                        struct seg_info *out) {
  const struct gpu_dev *gd = d->impl;
  const struct gpu_work *gw = w->ext;
  const struct gpu_kernel *k = &gw->kern[gw->seg[s].kernel];
  double clk = (double)gd->cfg.clock_mhz * 1e-3;   /* cycles per ns */
  double peak = k->kclass == GK_GEMM && k->k < 0 ? gd->cfg.fp32_flops : gpu_peak(&gd->cfg, k->kclass);
  memset(out, 0, sizeof *out);
  out->gpu = 1;
  if (gw->seg[s].gap) {
    out->kind = "gap";
    out->cycles = (int64_t)ceil((double)k->gap_ns * clk);
    out->bound = "host";
    out->gap_ns = k->gap_ns;
    return 0;
  }
  out->kind = "kernel";
  out->cycles = (int64_t)ceil((double)k->ns * clk);
  out->compute_cycles = (int64_t)ceil((double)k->compute_ns * clk);
  out->memory_cycles = (int64_t)ceil((double)k->memory_ns * clk);
  out->pes = (int64_t)(peak / 2 / ((double)gd->cfg.clock_mhz * 1e6));
  out->macs = k->flops / 2;
  out->dram_bytes = k->bytes;
  out->tiles = 1;
  out->util = (double)k->flops / ((double)k->ns * 1e-9 * peak);
  out->bound = k->compute_ns == 0 && k->memory_ns == 0 ? "latency"
               : k->memory_ns > k->compute_ns           ? "memory"
                                                        : "compute";
  out->flops = k->flops;
  out->blocks = k->blocks;
  out->blocks_per_sm = k->blocks_per_sm;
  out->waves = k->waves;
  out->gap_ns = k->gap_ns;
  out->flops_per_s = (double)k->flops / ((double)k->ns * 1e-9);
  out->bytes_per_s = (double)k->bytes / ((double)k->ns * 1e-9);
  return 0;
}

const struct gpu_kernel *gpu_seg_kernel(const struct work *w, int32_t seg, int *gap) {
  const struct gpu_work *gw = w->ext;
  *gap = gw->seg[seg].gap;
  return &gw->kern[gw->seg[seg].kernel];
}

double gpu_work_host_gil(const struct work *w) {
  const struct gpu_work *gw = w->ext;
  return gw->host_gil;
}

sl_ns gpu_work_host_end(const struct work *w) {
  const struct gpu_work *gw = w->ext;
  return gw->host_end;
}

static int gpu_rates(const struct device *d, struct holder *h, size_t n, struct sl_err *e) {
  const struct gpu_dev *gd = d->impl;
  return gpu_share_rates(d, &gd->cfg, gd->share, h, n, e);
}

/* Thread blocks are never preempted: a request stops at the end of the
** kernel (or gap) it is in; activations stay in device memory across a
** preemption, so there is nothing to save or restore. */
#define GPU_OPS                           \
  .kind = "gpu",                          \
  .usage = "gpu:FILE.dev|gpu-PRESET",     \
  .open = gpu_open,                       \
  .compile = gpu_compile,                 \
  .stop_point = dev_segment_stop_point,   \
  .save_ns = dev_no_transfer_ns,          \
  .restore_ns = dev_no_transfer_ns,       \
  .list_networks = NULL,                  \
  .seg_info = gpu_seg_info,               \
  .free_ext = gpu_free_ext,               \
  .close = gpu_close

const struct dev_ops dev_gpu_ops = {GPU_OPS};
/* The same kind under a sharing mode: rates from gpu_share.c. */
static const struct dev_ops dev_gpu_shared_ops = {GPU_OPS, .rates = gpu_rates};
#undef GPU_OPS

/* }=================================================================== */
