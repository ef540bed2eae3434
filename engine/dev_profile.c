/*
** dev_profile.c — the `profile` device: per-layer latencies read from a
** measured table (network,batch,layer,latency_ns,state_bytes). One request
** runs at a time per unit (`sharing=ps`: any number, sharing it equally;
** `capacity=C`: a pool of C from which each holder takes a share, its rate
** share/C, i.e. perfectly linear scaling); layer boundaries are the
** preemption points; a checkpoint moves the layer boundary's live state at
** `bandwidth_gbps`. `slowdown=x` stretches every holder by 1 + x per
** co-runner (docs/concurrency.md). Optional columns: chunk_end (the engine
** stops a checkpoint only at a chunk end) and exit_ns, exit_acc (early exits:
** the work compiled here is the top exit's path, its head a last segment
** "exit:K"; device.c derives the other paths). `scale=x` multiplies every
** latency of the table (layers and exit heads) by x (rounded to ns) when a
** network is compiled: the same measured chunks on a faster or slower device
** (Pantheon's lat_scale).
*/
#include "csv.h"
#include "device.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE_DEFAULT_GBPS 64.0   /* PCIe 5.0 x16, one direction: state leaves the device */
#define PROFILE_MIN_GBPS 1e-6       /* 1 KB/s: below, a checkpoint of a few MB takes years */
#define PROFILE_MAX_GBPS 1e9        /* 1 EB/s: above, every checkpoint rounds to 1 ns anyway */
#define PROFILE_MAX_CAPACITY 1000000 /* shares of a pool: far beyond any core or SM count */
#define PROFILE_MAX_SLOWDOWN 1000.0 /* per co-runner; beyond, rates underflow Q32 with few co-runners */
#define PROFILE_MAX_SCALE 1e6       /* latency multiplier; beyond, any real table overflows */

struct prow {
  int32_t net;             /* index into names */
  int32_t batch;
  char *layer;
  sl_ns latency;           /* ns */
  int64_t state;           /* bytes live after this layer */
  long lineno;             /* in the table, for messages */
  int chunk_end;           /* a chunk ends after this layer (column chunk_end; 1 without it) */
  int has_exit;            /* an exit head follows this layer (columns exit_ns, exit_acc) */
  sl_ns exit_ns;
  double exit_acc;
};

struct profile {
  char *path;
  char **names;            /* distinct network names */
  size_t nnames, names_cap;
  struct prow *rows;
  size_t nrows, rows_cap;
  int has_chunks;          /* the table has a chunk_end column */
  double gbps;             /* checkpoint bandwidth, GB/s (1e9 B/s) */
  sl_ns latency_ns;        /* fixed cost per save or restore */
  double scale;            /* every table latency is multiplied by it */
};

static int col_i64(struct csv *c, int col, const char *name, int64_t min, int64_t *out,
                   struct sl_err *e) {
  if (sl_parse_i64(c->field[col], out) < 0)
    return sl_errf(e, "%s:%ld: column '%s': '%s' is not an integer", c->path, c->lineno, name,
                   c->field[col]);
  if (*out < min)
    return sl_errf(e, "%s:%ld: column '%s': %lld is below the minimum %lld", c->path, c->lineno,
                   name, (long long)*out, (long long)min);
  return 0;
}

static int32_t intern(struct profile *p, const char *name, struct sl_err *e) {
  char **nn;
  for (size_t i = 0; i < p->nnames; i++)
    if (!strcmp(p->names[i], name)) return (int32_t)i;
  nn = sl_grow(p->names, &p->names_cap, p->nnames + 1, sizeof *nn, e);
  if (!nn) return -1;
  p->names = nn;
  if (!(nn[p->nnames] = sl_strdup(name, e))) return -1;
  return (int32_t)p->nnames++;
}

/* The optional columns of one row: chunk_end, and an exit head after the
** layer (exit_ns and exit_acc, both or neither). */
static int row_exit_cols(struct csv *c, const int ci[8], struct prow *row, struct sl_err *e) {
  row->chunk_end = 1;
  if (ci[5] >= 0) {
    const char *v = c->field[ci[5]];
    if (strcmp(v, "0") && strcmp(v, "1"))
      return sl_errf(e, "%s:%ld: column 'chunk_end': '%s' is not 0 or 1", c->path, c->lineno, v);
    row->chunk_end = v[0] == '1';
  }
  if (ci[6] < 0) return 0;              /* load_table saw both or neither */
  if (!*c->field[ci[6]] && !*c->field[ci[7]]) return 0;
  if (!*c->field[ci[6]] || !*c->field[ci[7]])
    return sl_errf(e, "%s:%ld: column '%s': empty, but '%s' is set (an exit needs both)",
                   c->path, c->lineno, *c->field[ci[6]] ? "exit_acc" : "exit_ns",
                   *c->field[ci[6]] ? "exit_ns" : "exit_acc");
  if (col_i64(c, ci[6], "exit_ns", 0, &row->exit_ns, e) < 0) return -1;
  if (row->exit_ns > SL_TIME_LIMIT)
    return sl_errf(e, "%s:%ld: column 'exit_ns': %lld is above the limit %lld ns", c->path,
                   c->lineno, (long long)row->exit_ns, (long long)SL_TIME_LIMIT);
  if (sl_parse_double(c->field[ci[7]], &row->exit_acc) < 0 ||
      !(row->exit_acc > 0 && row->exit_acc <= 1))
    return sl_errf(e, "%s:%ld: column 'exit_acc': '%s' is not an accuracy in (0, 1]", c->path,
                   c->lineno, c->field[ci[7]]);
  row->has_exit = 1;
  return 0;
}

/* Exits of a (network, batch) end with the top exit, after its last layer.
** Only the rows with an exit look further: O(exits x rows). */
static int check_top_exits(const struct profile *p, struct sl_err *e) {
  for (size_t i = 0; i < p->nrows; i++) {
    const struct prow *r = &p->rows[i];
    size_t last = i;
    if (!r->has_exit) continue;
    for (size_t j = i + 1; j < p->nrows; j++)
      if (p->rows[j].net == r->net && p->rows[j].batch == r->batch) last = j;
    if (!p->rows[last].has_exit)
      return sl_errf(e, "%s:%ld: column 'exit_ns': network '%s' batch %d has exits, so its last "
                        "layer '%s' needs one: the top exit (the original head)",
                     p->path, p->rows[last].lineno, p->names[r->net], (int)r->batch,
                     p->rows[last].layer);
  }
  return 0;
}

static int load_table(struct profile *p, const char *path, struct sl_err *e) {
  static const char *const cols[] = {"network", "batch", "layer", "latency_ns", "state_bytes",
                                     "chunk_end", "exit_ns", "exit_acc"};
  int ci[8];
  struct csv c;
  int r;
  if (csv_open(&c, path, e) < 0) return -1;
  for (int i = 0; i < 8; i++)
    if ((ci[i] = csv_col(&c, cols[i])) < 0 && i < 5) {
      sl_errf(e, "%s:%ld: missing column '%s' (a profile table has network,batch,layer,"
                 "latency_ns,state_bytes)", path, c.lineno, cols[i]);
      goto fail;
    }
  p->has_chunks = ci[5] >= 0;
  if ((ci[6] < 0) != (ci[7] < 0)) {
    sl_errf(e, "%s:%ld: missing column '%s' (exit_ns and exit_acc come together)", path,
            c.lineno, ci[6] < 0 ? "exit_ns" : "exit_acc");
    goto fail;
  }
  if (c.nheader != 5) {
    for (size_t i = 0; i < c.nheader; i++) {
      int known = 0;
      for (int k = 0; k < 8; k++) known |= !strcmp(c.header[i], cols[k]);
      if (!known) {
        sl_errf(e, "%s:%ld: column '%s': unknown column in a profile table", path, c.lineno,
                c.header[i]);
        goto fail;
      }
    }
  }
  while ((r = csv_next(&c, e)) == 1) {
    struct prow row;
    memset(&row, 0, sizeof row);
    int64_t v;
    struct prow *nr;
    if (!*c.field[ci[0]]) {
      sl_errf(e, "%s:%ld: column 'network': empty", path, c.lineno);
      goto fail;
    }
    if (col_i64(&c, ci[1], "batch", 1, &v, e) < 0) goto fail;
    if (v > INT32_MAX) { sl_errf(e, "%s:%ld: column 'batch': too large", path, c.lineno); goto fail; }
    row.batch = (int32_t)v;
    row.lineno = c.lineno;
    if (col_i64(&c, ci[3], "latency_ns", 0, &row.latency, e) < 0) goto fail;
    if (row.latency > SL_TIME_LIMIT) {
      sl_errf(e, "%s:%ld: column 'latency_ns': %lld is above the limit %lld ns", path, c.lineno,
              (long long)row.latency, (long long)SL_TIME_LIMIT);
      goto fail;
    }
    if (col_i64(&c, ci[4], "state_bytes", 0, &row.state, e) < 0) goto fail;
    if (!*c.field[ci[2]]) {
      sl_errf(e, "%s:%ld: column 'layer': empty", path, c.lineno);
      goto fail;
    }
    if (row_exit_cols(&c, ci, &row, e) < 0) goto fail;
    if ((row.net = intern(p, c.field[ci[0]], e)) < 0) goto fail;
    if (!(row.layer = sl_strdup(c.field[ci[2]], e))) goto fail;
    nr = sl_grow(p->rows, &p->rows_cap, p->nrows + 1, sizeof *nr, e);
    if (!nr) { free(row.layer); goto fail; }
    p->rows = nr;
    p->rows[p->nrows++] = row;
  }
  if (r < 0) goto fail;
  if (p->nrows == 0) {
    sl_errf(e, "%s: no layer rows", path);
    goto fail;
  }
  if (check_top_exits(p, e) < 0) goto fail;
  csv_close(&c);
  return 0;
fail:
  csv_close(&c);
  return -1;
}

static void profile_close(struct device *d) {
  struct profile *p = d->impl;
  for (size_t i = 0; i < p->nnames; i++) free(p->names[i]);
  for (size_t i = 0; i < p->nrows; i++) free(p->rows[i].layer);
  free(p->names);
  free(p->rows);
  free(p->path);
  free(p);
  d->impl = NULL;
}

static int profile_open(struct device *d, const char *arg, const struct kv *params,
                        size_t nparams, struct sl_err *e) {
  struct profile *p;
  int sharing_set = 0;
  if (!*arg) return sl_errf(e, "device 'profile' needs a table: --device profile:PATH.csv");
  p = sl_alloc(sizeof *p, e);
  if (!p) return -1;
  d->impl = p;
  p->gbps = PROFILE_DEFAULT_GBPS;
  p->scale = 1.0;
  for (size_t i = 0; i < nparams; i++) {
    const char *k = params[i].key, *v = params[i].value;
    if (!strcmp(k, "bandwidth_gbps")) {
      if (sl_parse_double(v, &p->gbps) < 0 || !(p->gbps > 0))
        return sl_errf(e, "device param 'bandwidth_gbps': '%s' is not a positive number", v);
      if (!(p->gbps >= PROFILE_MIN_GBPS && p->gbps <= PROFILE_MAX_GBPS))
        return sl_errf(e, "device param 'bandwidth_gbps': %s is out of range [%g, %g]", v,
                       PROFILE_MIN_GBPS, PROFILE_MAX_GBPS);
    } else if (!strcmp(k, "latency_ns")) {
      if (sl_parse_duration(v, &p->latency_ns) < 0 || p->latency_ns < 0 ||
          p->latency_ns > SL_TIME_LIMIT)
        return sl_errf(e, "device param 'latency_ns': '%s' is not a duration in [0, %lld ns]", v,
                       (long long)SL_TIME_LIMIT);
    } else if (!strcmp(k, "sharing")) {
      if (!strcmp(v, "exclusive")) d->ukind = UNIT_EXCLUSIVE;
      else if (!strcmp(v, "ps")) d->ukind = UNIT_PS;
      else return sl_errf(e, "device param 'sharing': '%s' is not exclusive or ps", v);
      sharing_set = 1;
    } else if (!strcmp(k, "capacity")) {
      int64_t c;
      if (sl_parse_i64(v, &c) < 0 || c < 1 || c > PROFILE_MAX_CAPACITY)
        return sl_errf(e, "device param 'capacity': '%s' is not a whole number in [1, %d]", v,
                       PROFILE_MAX_CAPACITY);
      d->capacity = (int32_t)c;
    } else if (!strcmp(k, "slowdown")) {
      if (sl_parse_double(v, &d->slowdown) < 0 ||
          !(d->slowdown >= 0 && d->slowdown <= PROFILE_MAX_SLOWDOWN))
        return sl_errf(e, "device param 'slowdown': '%s' is not a number in [0, %g]", v,
                       PROFILE_MAX_SLOWDOWN);
    } else if (!strcmp(k, "scale")) {
      if (sl_parse_double(v, &p->scale) < 0 || !(p->scale > 0 && p->scale <= PROFILE_MAX_SCALE))
        return sl_errf(e, "device param 'scale': '%s' is not a number in (0, %g]", v,
                       PROFILE_MAX_SCALE);
    } else {
      return sl_errf(e, "unknown device param '%s' for profile (known: bandwidth_gbps, "
                        "latency_ns, sharing, capacity, slowdown, scale, units)", k);
    }
  }
  if (d->capacity > 1) {
    if (sharing_set && d->ukind == UNIT_PS)
      return sl_errf(e, "device params 'sharing=ps' and 'capacity=%d' exclude each other: a ps "
                        "unit is shared equally, a pool by shares", (int)d->capacity);
    d->ukind = UNIT_POOL;
  }
  if (!(p->path = sl_strdup(arg, e))) return -1;
  if (load_table(p, arg, e) < 0) return -1;
  if (dev_param_set(d, "bandwidth_gbps", "%.17g", p->gbps) < 0 ||
      dev_param_set(d, "latency_ns", "%lld", (long long)p->latency_ns) < 0 ||
      dev_param_set(d, "sharing", "%s", d->ukind == UNIT_PS ? "ps" : "exclusive") < 0 ||
      dev_param_set(d, "capacity", "%d", (int)d->capacity) < 0 ||
      dev_param_set(d, "slowdown", "%.17g", d->slowdown) < 0 ||
      dev_param_set(d, "scale", "%.17g", p->scale) < 0)
    return sl_errf(e, "out of memory");
  return 0;
}

/* Rounded to the nearest ns (halves away from zero); scale=1 skips the
** double, which holds integers exactly only up to 2^53. */
static int scaled_ns(const struct profile *p, sl_ns ns, sl_ns *out) {
  double v;
  if (p->scale == 1.0) { *out = ns; return 0; }
  v = (double)ns * p->scale;
  if (!(v < (double)SL_TIME_LIMIT)) return -1;
  *out = (sl_ns)llround(v);
  return 0;
}

static int profile_compile(struct device *d, const char *network, int batch, struct work *w,
                           struct sl_err *e) {
  struct profile *p = d->impl;
  int32_t net = -1, n = 0, k = 0, x = 0;
  size_t chunk_cap = 0;
  sl_ns lat;
  for (size_t i = 0; i < p->nnames; i++)
    if (!strcmp(p->names[i], network)) net = (int32_t)i;
  if (net < 0) {
    sl_errf(e, "unknown network '%s' (profile table %s has:", network, p->path);
    for (size_t i = 0; i < p->nnames && i < 20; i++) sl_err_append(e, "%s%s", i ? ", " : " ", p->names[i]);
    sl_err_append(e, ")");
    return 1;
  }
  for (size_t i = 0; i < p->nrows; i++) n += p->rows[i].net == net && p->rows[i].batch == batch;
  if (n == 0) {
    sl_errf(e, "network '%s' has no batch %d in profile table %s (batches:", network, batch,
            p->path);
    for (size_t i = 0; i < p->nrows; i++)
      if (p->rows[i].net == net && (i == 0 || p->rows[i - 1].net != net ||
                                    p->rows[i - 1].batch != p->rows[i].batch))
        sl_err_append(e, " %d", p->rows[i].batch);
    sl_err_append(e, ")");
    return 2;
  }
  for (size_t i = 0; i < p->nrows; i++)
    if (p->rows[i].net == net && p->rows[i].batch == batch && p->rows[i].has_exit) w->nexits++;
  if (w->nexits && !(w->exits = sl_alloc((size_t)w->nexits * sizeof *w->exits, e))) return -1;
  /* With exits, the top exit's head runs after the last layer as one more segment. */
  w->nseg = n + (w->nexits > 0);
  w->prefix = sl_alloc((size_t)(w->nseg + 1) * sizeof *w->prefix, e);
  w->state_bytes = sl_alloc((size_t)(w->nseg + 1) * sizeof *w->state_bytes, e);
  w->seg_name = sl_alloc((size_t)w->nseg * sizeof *w->seg_name, e);
  if (!w->prefix || !w->state_bytes || !w->seg_name) return -1;
  for (size_t i = 0; i < p->nrows; i++) {
    const struct prow *r = &p->rows[i];
    if (r->net != net || r->batch != batch) continue;
    if (p->has_chunks && r->chunk_end && work_chunk_add(w, k + 1, &chunk_cap, e) < 0) return -1;
    if (r->has_exit) {
      w->exits[x].after = k;
      if (scaled_ns(p, r->exit_ns, &w->exits[x].head_ns) < 0)
        return sl_errf(e, "%s:%ld: network '%s' batch %d layer '%s': exit_ns %lld times "
                          "scale=%g is above %lld ns", p->path, r->lineno, network, batch,
                       r->layer, (long long)r->exit_ns, p->scale, (long long)SL_TIME_LIMIT);
      w->exits[x++].acc = r->exit_acc;
    }
    if (!(w->seg_name[k] = sl_strdup(r->layer, e))) return -1;
    if (scaled_ns(p, r->latency, &lat) < 0)
      return sl_errf(e, "%s:%ld: network '%s' batch %d layer '%s': latency %lld ns times "
                        "scale=%g is above %lld ns", p->path, r->lineno, network, batch,
                     r->layer, (long long)r->latency, p->scale, (long long)SL_TIME_LIMIT);
    /* Both stay below SL_TIME_LIMIT, so the engine may add them freely. */
    if (w->prefix[k] > SL_TIME_LIMIT - lat)
      return sl_errf(e, "%s:%ld: network '%s' batch %d: the layers up to '%s' take more than "
                        "%lld ns", p->path, r->lineno, network, batch, r->layer,
                     (long long)SL_TIME_LIMIT);
    if (r->state && (double)r->state / p->gbps >= (double)(SL_TIME_LIMIT - p->latency_ns))
      return sl_errf(e, "%s:%ld: network '%s' batch %d layer '%s': a checkpoint of %lld bytes "
                        "at bandwidth_gbps=%g takes more than %lld ns", p->path, r->lineno,
                     network, batch, r->layer, (long long)r->state, p->gbps,
                     (long long)SL_TIME_LIMIT);
    w->prefix[k + 1] = w->prefix[k] + lat;
    w->state_bytes[k + 1] = r->state;
    k++;
  }
  if (w->nexits) {
    const struct work_exit *top = &w->exits[w->nexits - 1];
    char name[32];
    if (w->prefix[n] > SL_TIME_LIMIT - top->head_ns)
      return sl_errf(e, "%s: network '%s' batch %d: the layers and the top exit take more than "
                        "%lld ns", p->path, network, batch, (long long)SL_TIME_LIMIT);
    snprintf(name, sizeof name, "exit:%d", (int)w->nexits);
    if (!(w->seg_name[n] = sl_strdup(name, e))) return -1;
    w->prefix[n + 1] = w->prefix[n] + top->head_ns;
    /* The head runs as a chunk of its own. */
    if (p->has_chunks && work_chunk_add(w, n, &chunk_cap, e) < 0) return -1;
  }
  if (p->has_chunks && work_chunks_close(w, &chunk_cap, e) < 0) return -1;
  return 0;
}

/* Layer boundaries are the preemption points. CHECKPOINT runs on to the
** next boundary; KILL stops at once (nothing to save, progress is dropped). */
static sl_ns profile_stop_point(const struct device *d, const struct work *w, sl_ns progress,
                                enum mech m) {
  (void)d;
  if (m == MECH_KILL) return progress;
  if (m == MECH_DRAIN) return work_total(w);
  return work_boundary_at(w, progress);
}

static int64_t boundary_state(const struct work *w, sl_ns at) {
  int32_t s = work_segment_at(w, at);
  if (w->prefix[s] == at) return w->state_bytes[s];
  return w->state_bytes[s + 1];   /* not a boundary: the device never stops here */
}

static sl_ns profile_transfer(const struct device *d, const struct work *w, sl_ns at) {
  const struct profile *p = d->impl;
  int64_t bytes = boundary_state(w, at);
  return bytes ? p->latency_ns + dev_transfer_ns(bytes, p->gbps) : 0;
}

static int profile_list(const struct device *d, void (*cb)(void *, const char *, int), void *ud) {
  const struct profile *p = d->impl;
  for (size_t i = 0; i < p->nrows; i++)
    if (i == 0 || p->rows[i - 1].net != p->rows[i].net || p->rows[i - 1].batch != p->rows[i].batch)
      cb(ud, p->names[p->rows[i].net], p->rows[i].batch);
  return 0;
}

const struct dev_ops dev_profile_ops = {
  .kind = "profile",
  .usage = "profile:PATH.csv",
  .open = profile_open,
  .compile = profile_compile,
  .stop_point = profile_stop_point,
  .save_ns = profile_transfer,
  .restore_ns = profile_transfer,
  .list_networks = profile_list,
  .seg_info = NULL,
  .free_ext = NULL,
  .close = profile_close,
};
