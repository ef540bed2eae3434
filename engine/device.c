/*
** device.c — opening devices from a spec, the per-device cache of compiled
** work, and helpers every device kind shares.
*/
#include "device.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct dev_ops dev_profile_ops;
extern const struct dev_ops dev_npu_ops;
extern const struct dev_ops dev_gpu_ops;
extern const struct dev_ops dev_cpu_ops;

const struct dev_ops *const dev_kinds[] = {&dev_profile_ops, &dev_npu_ops, &dev_gpu_ops,
                                           &dev_cpu_ops, NULL};

const char *const mech_names[3] = {"drain", "checkpoint", "kill"};
const char *const unit_kind_names[3] = {"exclusive", "ps", "pool"};

int mech_parse(const char *s, enum mech *m) {
  for (int i = 0; i < 3; i++)
    if (!strcmp(s, mech_names[i])) { *m = (enum mech)i; return 0; }
  return -1;
}

int32_t work_segment_at(const struct work *w, sl_ns progress) {
  int32_t lo = 0, hi = w->nseg - 1;
  while (lo < hi) {                     /* largest i with prefix[i] <= progress */
    int32_t mid = lo + (hi - lo + 1) / 2;
    if (w->prefix[mid] <= progress) lo = mid; else hi = mid - 1;
  }
  return lo;
}

sl_ns work_boundary_at(const struct work *w, sl_ns progress) {
  int32_t s = work_segment_at(w, progress);
  return w->prefix[s] == progress ? progress : w->prefix[s + 1];
}

sl_ns dev_segment_stop_point(const struct device *d, const struct work *w, sl_ns progress,
                             enum mech m) {
  (void)d;
  if (m == MECH_DRAIN || progress >= work_total(w)) return work_total(w);
  return work_boundary_at(w, progress);
}

sl_ns dev_no_transfer_ns(const struct device *d, const struct work *w, sl_ns at) {
  (void)d;
  (void)w;
  (void)at;
  return 0;
}

int32_t work_chunk_at(const struct work *w, sl_ns progress) {
  int32_t lo = 0, hi = w->nchunks - 1;
  if (w->nchunks <= 0) return work_segment_at(w, progress);
  while (lo < hi) {                     /* the first chunk whose end lies past progress */
    int32_t mid = lo + (hi - lo) / 2;
    if (w->prefix[w->chunk_end[mid]] <= progress) lo = mid + 1; else hi = mid;
  }
  return lo;
}

sl_ns work_chunk_round(const struct work *w, sl_ns at) {
  int32_t lo = 0, hi = w->nchunks - 1;
  if (w->nchunks <= 0) return at;
  while (lo < hi) {                     /* the first chunk end at or after `at` */
    int32_t mid = lo + (hi - lo) / 2;
    if (w->prefix[w->chunk_end[mid]] < at) lo = mid + 1; else hi = mid;
  }
  return w->prefix[w->chunk_end[lo]] > at ? w->prefix[w->chunk_end[lo]] : at;
}

int work_chunk_add(struct work *w, int32_t i, size_t *cap, struct sl_err *e) {
  int32_t *g;
  if (w->nchunks > 0 && w->chunk_end[w->nchunks - 1] >= i) return 0;
  if (!(g = sl_grow(w->chunk_end, cap, (size_t)w->nchunks + 1, sizeof *g, e))) return -1;
  w->chunk_end = g;
  g[w->nchunks++] = i;
  return 0;
}

int work_chunks_close(struct work *w, size_t *cap, struct sl_err *e) {
  return work_chunk_add(w, w->nseg, cap, e);
}

/* The work through exit k of top: its backbone up to exits[k].after, then
** the head "exit:K". Shares top's exits and device data. */
static struct work *exit_path(const struct work *top, int32_t k, struct sl_err *e) {
  const struct work_exit *x = &top->exits[k];
  int32_t n = x->after + 2;
  size_t cap = 0;
  char name[32];
  struct work *w = sl_alloc(sizeof *w, e);
  if (!w) return NULL;
  w->batch = top->batch;
  w->nseg = n;
  w->exit = k;
  w->nexits = top->nexits;
  w->exits = top->exits;
  w->top = top;
  w->ext = top->ext;
  if (!(w->network = sl_strdup(top->network, e)) ||
      !(w->prefix = sl_alloc((size_t)(n + 1) * sizeof *w->prefix, e)) ||
      !(w->state_bytes = sl_alloc((size_t)(n + 1) * sizeof *w->state_bytes, e)) ||
      !(w->seg_name = sl_alloc((size_t)n * sizeof *w->seg_name, e)))
    goto fail;
  memcpy(w->prefix, top->prefix, (size_t)n * sizeof *w->prefix);
  memcpy(w->state_bytes, top->state_bytes, (size_t)n * sizeof *w->state_bytes);
  w->prefix[n] = w->prefix[n - 1] + x->head_ns;
  for (int32_t i = 0; i < n - 1; i++)
    if (!(w->seg_name[i] = sl_strdup(top->seg_name[i], e))) goto fail;
  snprintf(name, sizeof name, "exit:%d", (int)k + 1);
  if (!(w->seg_name[n - 1] = sl_strdup(name, e))) goto fail;
  if (top->nchunks > 0) {
    /* The head runs as a chunk of its own, after the backbone's last. */
    for (int32_t j = 0; j < top->nchunks && top->chunk_end[j] < n - 1; j++)
      if (work_chunk_add(w, top->chunk_end[j], &cap, e) < 0) goto fail;
    if (work_chunk_add(w, n - 1, &cap, e) < 0 || work_chunks_close(w, &cap, e) < 0) goto fail;
  }
  return w;
fail:
  work_free(w);
  return NULL;
}

int work_build_paths(struct work *w, struct sl_err *e) {
  int32_t top = w->nexits - 1;
  w->top = w;
  w->exit = -1;
  if (w->nexits <= 0) return 0;
  for (int32_t k = 0; k <= top; k++)
    if (w->exits[k].after < 0 || w->exits[k].after > w->nseg - 2 ||
        (k > 0 && w->exits[k].after <= w->exits[k - 1].after))
      return sl_errf(e, "network '%s' batch %d: exit %d after segment %d is out of order",
                     w->network, (int)w->batch, (int)k + 1, (int)w->exits[k].after + 1);
  if (w->exits[top].after != w->nseg - 2 ||
      w->prefix[w->nseg] - w->prefix[w->nseg - 1] != w->exits[top].head_ns)
    return sl_errf(e, "network '%s' batch %d: the top exit is not the work's last segment",
                   w->network, (int)w->batch);
  w->exit = top;
  if (!(w->paths = sl_alloc((size_t)w->nexits * sizeof *w->paths, e))) return -1;
  w->paths[top] = w;
  for (int32_t k = 0; k < top; k++)
    if (!(w->paths[k] = exit_path(w, k, e))) return -1;
  return 0;
}

sl_ns dev_transfer_ns(int64_t bytes, double gbps) {
  if (bytes <= 0) return 0;
  return (sl_ns)ceil((double)bytes / gbps);
}

int dev_param_set(struct device *d, const char *name, const char *fmt, ...) {
  char val[256];
  va_list ap;
  struct dev_param *np;
  va_start(ap, fmt);
  vsnprintf(val, sizeof val, fmt, ap);
  va_end(ap);
  np = sl_grow(d->params, &d->params_cap, d->nparams + 1, sizeof *np, NULL);
  if (!np) return -1;
  d->params = np;
  np[d->nparams].name = sl_strdup(name, NULL);
  np[d->nparams].value = sl_strdup(val, NULL);
  if (!np[d->nparams].name || !np[d->nparams].value) {
    free(np[d->nparams].name);
    free(np[d->nparams].value);
    return -1;
  }
  d->nparams++;
  return 0;
}

uint64_t dev_rate_q(double rate) {
  double q = floor(rate * (double)RATE_ONE);
  if (!(q >= 1)) return 1;                    /* NaN, zero and below: the slowest rate */
  return q >= (double)RATE_ONE ? RATE_ONE : (uint64_t)q;
}

int dev_default_rates(const struct device *d, struct holder *h, size_t n, struct sl_err *e) {
  double stretch = 1.0 + d->slowdown * (double)(n > 0 ? n - 1 : 0);
  int32_t per_unit[DEV_MAX_UNITS];
  (void)e;
  if (d->ukind == UNIT_PS) {
    memset(per_unit, 0, sizeof per_unit);
    for (size_t i = 0; i < n; i++) per_unit[h[i].unit]++;
  }
  for (size_t i = 0; i < n; i++) {
    double base = 1.0;
    if (d->ukind == UNIT_PS) base = 1.0 / per_unit[h[i].unit];
    else if (d->ukind == UNIT_POOL) base = (double)h[i].share / d->capacity;
    h[i].rate_q = base == 1.0 && stretch == 1.0 ? RATE_ONE : dev_rate_q(base / stretch);
    h[i].until = work_total(h[i].work);
  }
  return 0;
}

/* units=K belongs to every kind: taken out before the kind sees the rest. */
static int take_units(const struct kv *params, size_t nparams, struct kv *rest, size_t *nrest,
                      int32_t *units, struct sl_err *e) {
  *units = 1;
  *nrest = 0;
  for (size_t i = 0; i < nparams; i++) {
    int64_t k;
    if (strcmp(params[i].key, "units")) {
      rest[(*nrest)++] = params[i];
      continue;
    }
    if (sl_parse_i64(params[i].value, &k) < 0 || k < 1 || k > DEV_MAX_UNITS)
      return sl_errf(e, "device param 'units': '%s' is not a whole number of units in [1, %d]",
                     params[i].value, DEV_MAX_UNITS);
    *units = (int32_t)k;
  }
  return 0;
}

int dev_open(struct device **out, const char *spec, const struct kv *params, size_t nparams,
             struct sl_err *e) {
  const char *colon = strchr(spec, ':');
  size_t klen = colon ? (size_t)(colon - spec) : strlen(spec);
  const char *arg = colon ? colon + 1 : "";   /* what the kind's open gets */
  const struct dev_ops *ops = NULL;
  struct device *d;
  struct kv *rest = NULL;
  size_t nrest = 0;
  *out = NULL;
  for (int i = 0; dev_kinds[i]; i++)
    if (strlen(dev_kinds[i]->kind) == klen && !strncmp(dev_kinds[i]->kind, spec, klen))
      ops = dev_kinds[i];
  for (int i = 0; !ops && !colon && dev_kinds[i]; i++) {   /* a preset: KIND-NAME */
    size_t n = strlen(dev_kinds[i]->kind);
    if (!strncmp(dev_kinds[i]->kind, spec, n) && spec[n] == '-') {
      ops = dev_kinds[i];
      arg = spec;
    }
  }
  if (!ops) {
    struct sl_buf b = {0};
    for (int i = 0; dev_kinds[i]; i++) sl_buf_addf(&b, "%s%s", i ? ", " : "", dev_kinds[i]->usage);
    sl_errf(e, "unknown device '%s' (known: %s)", spec, b.s ? b.s : "");
    sl_buf_free(&b);
    return -1;
  }
  d = sl_alloc(sizeof *d, e);
  if (!d) return -1;
  d->ops = ops;
  d->capacity = 1;
  if (!(rest = sl_alloc((nparams ? nparams : 1) * sizeof *rest, e)) ||
      take_units(params, nparams, rest, &nrest, &d->nunits, e) < 0)
    goto fail;
  d->spec = sl_strdup(spec, e);
  if (!d->spec || ops->open(d, arg, rest, nrest, e) < 0 ||
      dev_param_set(d, "units", "%d", (int)d->nunits) < 0)
    goto fail;
  d->rates_fixed = d->ukind == UNIT_EXCLUSIVE && d->slowdown == 0 && !d->ops->rates;
  free(rest);
  *out = d;
  return 0;
fail:
  free(rest);
  dev_close(d);
  return -1;
}

void work_free(struct work *w) {
  if (!w) return;
  free(w->network);
  free(w->prefix);
  free(w->state_bytes);
  if (w->seg_name)
    for (int32_t i = 0; i < w->nseg; i++) free(w->seg_name[i]);
  free(w->seg_name);
  free(w->chunk_end);
  if (!w->top || w->top == w) {   /* the top work owns the exits and the other paths */
    if (w->paths)
      for (int32_t k = 0; k < w->nexits; k++)
        if (w->paths[k] != w) work_free(w->paths[k]);
    free(w->paths);
    free(w->exits);
  }
  free(w);
}

void dev_close(struct device *d) {
  if (!d) return;
  for (size_t i = 0; i < d->cache_cap; i++) {
    struct work *w = d->cache[i].w;
    if (!w) continue;
    if (d->ops->free_ext) d->ops->free_ext(w);
    work_free(w);
  }
  free(d->cache);
  if (d->impl && d->ops->close) d->ops->close(d);
  for (size_t i = 0; i < d->nparams; i++) {
    free(d->params[i].name);
    free(d->params[i].value);
  }
  free(d->params);
  free(d->spec);
  free(d);
}

static uint64_t work_key(const char *network, int batch) {
  uint64_t h = sl_hash(SL_HASH_INIT, network, strlen(network));
  return sl_hash(h, &batch, sizeof batch) | 1;      /* never 0: 0 marks empty */
}

static int cache_insert(struct device *d, uint64_t h, struct work *w, struct sl_err *e) {
  if (2 * (d->cache_n + 1) > d->cache_cap) {
    size_t nc = d->cache_cap ? 2 * d->cache_cap : 64;
    struct work_slot *ns = sl_alloc(nc * sizeof *ns, e);
    if (!ns) return -1;
    for (size_t i = 0; i < d->cache_cap; i++) {
      size_t j;
      if (!d->cache[i].w) continue;
      for (j = d->cache[i].hash & (nc - 1); ns[j].w; j = (j + 1) & (nc - 1)) {}
      ns[j] = d->cache[i];
    }
    free(d->cache);
    d->cache = ns;
    d->cache_cap = nc;
  }
  {
    size_t j;
    for (j = h & (d->cache_cap - 1); d->cache[j].w; j = (j + 1) & (d->cache_cap - 1)) {}
    d->cache[j].hash = h;
    d->cache[j].w = w;
    d->cache_n++;
  }
  return 0;
}

const struct work *dev_work(struct device *d, const char *network, int batch, int *unknown,
                            struct sl_err *e) {
  uint64_t h = work_key(network, batch);
  struct work *w;
  int r;
  *unknown = 0;
  if (d->cache_cap)
    for (size_t j = h & (d->cache_cap - 1); d->cache[j].w; j = (j + 1) & (d->cache_cap - 1))
      if (d->cache[j].hash == h && d->cache[j].w->batch == batch &&
          !strcmp(d->cache[j].w->network, network))
        return d->cache[j].w;
  w = sl_alloc(sizeof *w, e);
  if (!w) return NULL;
  w->batch = batch;
  w->network = sl_strdup(network, e);
  if (!w->network) { free(w); return NULL; }
  r = d->ops->compile(d, network, batch, w, e);
  if (r == 0 && (w->nseg < 1 || work_total(w) <= 0)) {
    sl_errf(e, "network '%s' batch %d compiles to no work on device '%s'", network, batch, d->spec);
    r = -1;
  }
  if (r == 0 && work_build_paths(w, e) < 0) r = -1;
  if (r != 0 || cache_insert(d, h, w, e) < 0) {
    if (r > 0) *unknown = r;
    if (d->ops->free_ext) d->ops->free_ext(w);
    work_free(w);
    return NULL;
  }
  return w;
}
