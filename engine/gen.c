/*
** gen.c — workload generators. Every kind draws from one seeded stream in a
** fixed order, so a (kind, params, seed, device) gives the same trace bytes.
**
** Kinds (common params: n, seed, networks, batches, priorities, tenant, slack,
** workload = a label written on every row):
**   poisson   exponential gaps at `rate` req/s, or at `load` (rate = load / mean isolated)
**   uniform   n arrivals uniform in [0, window] (window from `load`: n * mean isolated / load);
**             first_at_zero=true puts the first at 0 (PREMA's re-implementation)
**   gamma     gamma gaps with coefficient of variation `cv` (cv = 1 is Poisson)
**   mmpp      two-state Markov-modulated Poisson: `burst` = high/low rate ratio,
**             `high_fraction` of the time in the high state, `dwell` = mean high sojourn
**   periodic  `tasks` periodic tasks, total `utilization` split by UUniFast (Bini &
**             Buttazzo 2005), period = isolated / u_i, release jitter `jitter` x period,
**             relative deadline `deadline` x period, releases in [0, horizon)
** The request mix is the cross product of networks x batches x priorities
** (uniform), or explicit tenants: tenant=NAME:NETWORK:BATCH:PRIORITY[:WEIGHT].
** batch_mix=per_workload draws one batch for the whole trace first (PREMA's
** agongee re-implementation); per_task (default) draws it per request.
**
** What is written can be read back: names are quoted where CSV needs it
** (names with line breaks are refused), every time is checked against
** SL_TIME_LIMIT before it is written, and numbers that would make one
** overflow (a rate of 1e-300, a burst of 1e300) fail with a message.
*/
#include "gen.h"

#include "rng.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"poisson", "uniform", "gamma", "mmpp", "periodic"};

/* {===================================================================
** Parameters
** =================================================================== */

#define GEN_MAX_N 1000000000      /* requests of one trace (tens of GB of CSV) */
#define GEN_MAX_TASKS 1000000     /* periodic tasks */

/* A name the trace reader reads back as written: no line breaks. */
static int check_name(const char *what, const char *s, struct sl_err *e) {
  if (strpbrk(s, "\r\n"))
    return sl_errf(e, "generator: %s name '%.*s...' contains a line break", what,
                   (int)strcspn(s, "\r\n"), s);
  return 0;
}

static int add_class(struct gen *g, const char *net, const char *tenant, int64_t batch,
                     int64_t prio, double weight, struct sl_err *e) {
  struct gen_class *nc;
  if (check_name("network", net, e) < 0 || (tenant && check_name("tenant", tenant, e) < 0))
    return -1;
  if (batch < 1 || batch > INT32_MAX)
    return sl_errf(e, "generator: batch %lld is outside [1, %d]", (long long)batch, INT32_MAX);
  if (prio < INT32_MIN || prio > INT32_MAX)
    return sl_errf(e, "generator: priority %lld is outside [%d, %d]", (long long)prio, INT32_MIN,
                   INT32_MAX);
  nc = sl_grow(g->cls, &g->cls_cap, g->ncls + 1, sizeof *nc, e);
  if (!nc) return -1;
  g->cls = nc;
  memset(&nc[g->ncls], 0, sizeof *nc);
  nc[g->ncls].network = sl_strdup(net, e);
  nc[g->ncls].tenant = sl_strdup(tenant ? tenant : net, e);
  nc[g->ncls].batch = (int32_t)batch;
  nc[g->ncls].priority = (int32_t)prio;
  nc[g->ncls].weight = weight;
  g->ncls++;
  if (!nc[g->ncls - 1].network || !nc[g->ncls - 1].tenant) return -1;
  return 0;
}

/* Split list v of param `key` ("a,b,c") into at most `max` items, copied
** into buf of `size` bytes. A list that does not fit is refused, never cut. */
static int split_list(const char *key, const char *v, char *buf, size_t size, char **item,
                      int max, struct sl_err *e) {
  int n = 0;
  char *tok;
  if (strlen(v) >= size)
    return sl_errf(e, "generator param '%s': the list is longer than %zu characters", key,
                   size - 1);
  memcpy(buf, v, strlen(v) + 1);
  for (tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    if (n == max) return sl_errf(e, "generator param '%s': more than %d items", key, max);
    item[n++] = tok;
  }
  if (n == 0) return sl_errf(e, "generator param '%s': empty list", key);
  return n;
}

static int parse_ints(const char *key, const char *v, int64_t *out, int *n, int64_t min,
                      struct sl_err *e) {
  char buf[1024], *item[64];
  if ((*n = split_list(key, v, buf, sizeof buf, item, 64, e)) < 0) return -1;
  for (int i = 0; i < *n; i++)
    if (sl_parse_i64(item[i], &out[i]) < 0 || out[i] < min)
      return sl_errf(e, "generator param '%s': '%s' is not an integer >= %lld", key, item[i],
                     (long long)min);
  return 0;
}

static int parse_tenant(struct gen *g, const char *v, struct sl_err *e) {
  char buf[512], *part[6], *save = NULL;
  int n = 0;
  int64_t batch, prio;
  double weight = 1;
  snprintf(buf, sizeof buf, "%s", v);
  for (char *tok = strtok_r(buf, ":", &save); tok && n < 6; tok = strtok_r(NULL, ":", &save))
    part[n++] = tok;
  if (n < 4 || n > 5 || sl_parse_i64(part[2], &batch) < 0 || batch < 1 ||
      sl_parse_i64(part[3], &prio) < 0 || (n == 5 && (sl_parse_double(part[4], &weight) < 0 || !(weight > 0))))
    return sl_errf(e, "generator param 'tenant': '%s' is not NAME:NETWORK:BATCH:PRIORITY[:WEIGHT]", v);
  return add_class(g, part[1], part[0], batch, prio, weight, e);
}

/* A finite number in [min, max]: inf and 1e300 would turn into infinite or
** wrapped times further on. */
static int num_max(const char *key, const char *v, double *out, double min, double max,
                   struct sl_err *e) {
  if (sl_parse_double(v, out) < 0 || !(*out >= min && *out <= max))
    return sl_errf(e, "generator param '%s': '%s' is not a number in [%g, %g]", key, v, min, max);
  return 0;
}

static int num(const char *key, const char *v, double *out, double min, struct sl_err *e) {
  return num_max(key, v, out, min, 1e12, e);
}

static int dur(const char *key, const char *v, sl_ns *out, struct sl_err *e) {
  if (sl_parse_duration(v, out) < 0 || *out <= 0 || *out > SL_TIME_LIMIT)
    return sl_errf(e, "generator param '%s': '%s' is not a positive duration up to %lld ns (ns, "
                      "or 5us, 2.5ms, 1s)", key, v, (long long)SL_TIME_LIMIT);
  return 0;
}

int gen_parse(struct gen *g, const char *kind, const struct kv *kv, size_t nkv, struct sl_err *e) {
  const char *networks = NULL, *batches = "1", *priorities = "1";
  int k, has_tenant = 0;
  memset(g, 0, sizeof *g);
  for (k = 0; k < 5 && strcmp(kind, kind_names[k]); k++) {}
  if (k == 5)
    return sl_errf(e, "unknown generator '%s' (poisson, uniform, gamma, mmpp, periodic)", kind);
  g->kind = (enum gen_kind)k;
  g->n = 1000;
  g->seed = 1;
  g->cv = 1;
  g->burst = 10;
  g->high_fraction = 0.1;
  g->tasks = 4;
  g->utilization = 0.5;
  g->deadline = 1;
  for (size_t i = 0; i < nkv; i++) {
    const char *key = kv[i].key, *v = kv[i].value;
    double d;
    int64_t iv;
    if (!strcmp(key, "n") || !strcmp(key, "seed") || !strcmp(key, "tasks")) {
      if (sl_parse_i64(v, &iv) < 0 || iv < (strcmp(key, "seed") ? 1 : 0))
        return sl_errf(e, "generator param '%s': '%s' is not a %s integer", key, v,
                       strcmp(key, "seed") ? "positive" : "non-negative");
      if ((!strcmp(key, "n") && iv > GEN_MAX_N) || (!strcmp(key, "tasks") && iv > GEN_MAX_TASKS))
        return sl_errf(e, "generator param '%s': %lld is above the limit %d", key, (long long)iv,
                       !strcmp(key, "n") ? GEN_MAX_N : GEN_MAX_TASKS);
      if (!strcmp(key, "n")) g->n = iv;
      else if (!strcmp(key, "seed")) g->seed = (uint64_t)iv;
      else g->tasks = (int32_t)iv;
    } else if (!strcmp(key, "networks")) networks = v;
    else if (!strcmp(key, "batches")) batches = v;
    else if (!strcmp(key, "priorities")) priorities = v;
    else if (!strcmp(key, "tenant")) {
      if (parse_tenant(g, v, e) < 0) return -1;
      has_tenant = 1;
    } else if (!strcmp(key, "rate")) { if (num(key, v, &g->rate, 0, e) < 0) return -1; }
    else if (!strcmp(key, "load")) { if (num(key, v, &g->load, 0, e) < 0) return -1; }
    else if (!strcmp(key, "cv")) { if (num_max(key, v, &g->cv, 1e-3, 1e3, e) < 0) return -1; }
    else if (!strcmp(key, "burst")) { if (num_max(key, v, &g->burst, 1, 1e6, e) < 0) return -1; }
    else if (!strcmp(key, "high_fraction")) {
      if (num(key, v, &d, 0, e) < 0) return -1;
      if (!(d > 0 && d < 1)) return sl_errf(e, "generator param 'high_fraction': must be in (0, 1)");
      g->high_fraction = d;
    } else if (!strcmp(key, "utilization")) { if (num(key, v, &g->utilization, 0, e) < 0) return -1; }
    else if (!strcmp(key, "jitter")) {
      if (num(key, v, &g->jitter, 0, e) < 0) return -1;
      if (g->jitter >= 1) return sl_errf(e, "generator param 'jitter': must be below 1 (a fraction of the period)");
    } else if (!strcmp(key, "deadline")) { if (num(key, v, &g->deadline, 1e-9, e) < 0) return -1; }
    else if (!strcmp(key, "slack")) { if (num(key, v, &g->slack, 0, e) < 0) return -1; }
    else if (!strcmp(key, "workload")) {
      /* One label for every row: the whole trace is one multiprogram workload
      ** for STP and fairness (docs/metrics.md), as a PREMA workload is. */
      if (!*v || v[strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")])
        return sl_errf(e, "generator param 'workload': '%s' is not a label of letters, digits and _.:-", v);
      free(g->workload);
      if (!(g->workload = sl_strdup(v, e))) return -1;
    }
    else if (!strcmp(key, "window")) { if (dur(key, v, &g->window, e) < 0) return -1; }
    else if (!strcmp(key, "horizon")) { if (dur(key, v, &g->horizon, e) < 0) return -1; }
    else if (!strcmp(key, "dwell")) { if (dur(key, v, &g->dwell, e) < 0) return -1; }
    else if (!strcmp(key, "batch_mix")) {
      if (strcmp(v, "per_task") && strcmp(v, "per_workload"))
        return sl_errf(e, "generator param 'batch_mix': per_task or per_workload, not '%s'", v);
      g->batch_per_trace = !strcmp(v, "per_workload");
    } else if (!strcmp(key, "first_at_zero")) {
      if (strcmp(v, "true") && strcmp(v, "false"))
        return sl_errf(e, "generator param 'first_at_zero': expects true or false");
      g->first_at_zero = !strcmp(v, "true");
    } else {
      return sl_errf(e, "unknown generator param '%s' for %s (n, seed, networks, batches, "
                        "priorities, tenant, batch_mix, rate, load, window, first_at_zero, cv, burst, "
                        "high_fraction, dwell, tasks, utilization, horizon, jitter, deadline, "
                        "slack, workload)", key, kind);
    }
  }
  if (has_tenant && networks)
    return sl_errf(e, "generator: give either tenant=... or networks=..., not both");
  if (!has_tenant) {
    char nbuf[2048], *net[64];
    int64_t b[64], p[64];
    int nn, nb, np;
    if (!networks) return sl_errf(e, "generator: networks=A,B,... (or tenant=...) is required");
    if ((nn = split_list("networks", networks, nbuf, sizeof nbuf, net, 64, e)) < 0) return -1;
    if (parse_ints("batches", batches, b, &nb, 1, e) < 0 ||
        parse_ints("priorities", priorities, p, &np, INT32_MIN, e) < 0)
      return -1;
    for (int i = 0; i < nn; i++)
      for (int j = 0; j < nb; j++)
        for (int l = 0; l < np; l++)
          if (add_class(g, net[i], NULL, b[j], p[l], 1.0, e) < 0) return -1;
  }
  switch (g->kind) {
  case GEN_POISSON: case GEN_GAMMA: case GEN_MMPP:
    if ((g->rate > 0) == (g->load > 0))
      return sl_errf(e, "generator %s: give exactly one of rate=REQ_PER_S or load=FRACTION", kind);
    break;
  case GEN_UNIFORM:
    if ((g->window > 0) == (g->load > 0))
      return sl_errf(e, "generator uniform: give exactly one of window=DURATION or load=FRACTION");
    break;
  case GEN_PERIODIC:
    if (g->horizon <= 0) return sl_errf(e, "generator periodic: horizon=DURATION is required");
    if (!(g->utilization > 0)) return sl_errf(e, "generator periodic: utilization must be > 0");
    break;
  }
  return 0;
}

/* }=================================================================== */

double gen_mean_isolated(const struct gen *g) {
  double sw = 0, s = 0;
  for (size_t i = 0; i < g->ncls; i++) {
    sw += g->cls[i].weight;
    s += g->cls[i].weight * (double)g->cls[i].isolated;
  }
  return s / sw;
}

int gen_resolve(struct gen *g, struct device *d, struct sl_err *e) {
  double mean;
  for (size_t i = 0; i < g->ncls; i++) {
    int unknown;
    const struct work *w = dev_work(d, g->cls[i].network, g->cls[i].batch, &unknown, e);
    if (!w) return sl_err_prefix(e, "generator");
    g->cls[i].isolated = work_total(w);
  }
  mean = gen_mean_isolated(g);
  if (g->load > 0) {
    if (g->kind == GEN_UNIFORM) {
      double w = (double)g->n * mean / g->load;
      if (!(w <= (double)SL_TIME_LIMIT))
        return sl_errf(e, "generator uniform: load=%g gives a window of %g ns, beyond the limit "
                          "%lld ns", g->load, w, (long long)SL_TIME_LIMIT);
      g->window = (sl_ns)llround(w);
    } else {
      g->rate = g->load * 1e9 / mean;
    }
  }
  if (g->kind == GEN_MMPP && g->dwell <= 0) {
    double dw = 20 * 1e9 / g->rate;
    if (!(dw <= (double)SL_TIME_LIMIT))
      return sl_errf(e, "generator mmpp: the default dwell (20 mean gaps, %g ns) is beyond the "
                        "limit %lld ns; give dwell= or a higher rate", dw, (long long)SL_TIME_LIMIT);
    g->dwell = (sl_ns)llround(dw);
  }
  return 0;
}

/* {===================================================================
** Writing
** =================================================================== */

/* Classes the mix draws from: all, or those of the trace's one batch. */
static int eligible(const struct gen *g, size_t i) {
  return !g->batch_per_trace || g->cls[i].batch == g->trace_batch;
}

static size_t pick_class(const struct gen *g, struct rng *r) {
  double total = 0, x;
  size_t last = 0;
  for (size_t i = 0; i < g->ncls; i++) if (eligible(g, i)) total += g->cls[i].weight;
  x = rng_uniform(r) * total;
  for (size_t i = 0; i < g->ncls; i++) {
    if (!eligible(g, i)) continue;
    if (x < g->cls[i].weight) return i;
    x -= g->cls[i].weight;
    last = i;
  }
  return last;
}

/* batch_mix=per_workload: one of the mix's distinct batches, uniformly. */
static void draw_trace_batch(struct gen *g, struct rng *r) {
  int32_t distinct[64];
  size_t n = 0;
  for (size_t i = 0; i < g->ncls && n < 64; i++) {
    size_t k;
    for (k = 0; k < n && distinct[k] != g->cls[i].batch; k++) {}
    if (k == n) distinct[n++] = g->cls[i].batch;
  }
  g->trace_batch = distinct[rng_range(r, 0, (int64_t)n - 1)];
}

/* A name as a CSV field: quoted (with doubled quotes) when the reader
** would otherwise split, unquote or trim it. */
static void put_name(FILE *out, const char *s) {
  size_t n = strlen(s);
  if (!strpbrk(s, ",\"") && n && s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' &&
      s[n - 1] != '\t') {
    fputs(s, out);
    return;
  }
  putc('"', out);
  for (; *s; s++) {
    if (*s == '"') putc('"', out);
    putc(*s, out);
  }
  putc('"', out);
}

/* A time about to be written, in double: refused beyond SL_TIME_LIMIT (so
** the trace reader accepts it) and for inf or NaN from degenerate draws. */
static int time_ok(double t, const char *what, int64_t i, struct sl_err *e) {
  if (t >= 0 && t <= (double)SL_TIME_LIMIT) return 1;
  sl_errf(e, "generator: the %s of request %" PRId64 " would be %g ns, beyond the limit %lld ns "
             "(a rate, load or slack too extreme?)", what, i, t, (long long)SL_TIME_LIMIT);
  return 0;
}

/* Write one row: 0, or -1 with a message (a time out of range, or the write failed). */
static int emit(const struct gen *g, FILE *out, double t, size_t c, double deadline, int64_t i,
                struct sl_err *e) {
  const struct gen_class *k = &g->cls[c];
  int has_deadline = g->kind == GEN_PERIODIC || g->slack > 0;
  sl_ns at, dl = 0;
  if (!time_ok(t, "arrival", i, e)) return -1;
  at = (sl_ns)llround(t);
  if (g->kind != GEN_PERIODIC && g->slack > 0) {
    double rel = g->slack * (double)k->isolated;
    if (!time_ok(rel, "relative deadline", i, e)) return -1;
    dl = at + (sl_ns)llround(rel);       /* both <= SL_TIME_LIMIT: no overflow */
    if (!time_ok((double)dl, "deadline", i, e)) return -1;
  } else if (has_deadline) {
    if (!time_ok(deadline, "deadline", i, e)) return -1;
    dl = (sl_ns)llround(deadline);
  }
  fprintf(out, "%lld,", (long long)at);
  put_name(out, k->network);
  fprintf(out, ",%d,%d,", k->batch, k->priority);
  put_name(out, k->tenant);
  if (has_deadline) fprintf(out, ",%lld", (long long)dl);
  if (g->workload) {
    putc(',', out);
    put_name(out, g->workload);
  }
  if (putc('\n', out) == EOF || ferror(out)) return sl_errf(e, "generator: write failed");
  return 0;
}

struct ptask {
  size_t cls;
  double period;           /* ns */
  int64_t k;               /* next job index */
  double next;             /* its release, ns (whole) */
};

/* A release time; beyond the horizon (where the writer stops) it is only
** compared, never converted, so it may be as large as it likes. */
static double release_of(const struct gen *g, struct ptask *t, struct rng *r) {
  double jit = g->jitter > 0 ? g->jitter * t->period * rng_uniform(r) : 0;
  return (double)llround(fmin((double)t->k * t->period + jit, 2.0 * (double)SL_TIME_LIMIT));
}

static int write_periodic(const struct gen *g, FILE *out, struct rng *r, struct sl_err *e) {
  int32_t m = g->tasks;
  struct ptask *t = sl_alloc((size_t)m * sizeof *t, e);
  double sum = g->utilization;
  int rc = 0;
  if (!t) return -1;
  for (int32_t i = 0; i < m; i++) {         /* UUniFast */
    double u = sum;
    if (i + 1 < m) {
      double next = sum * pow(rng_uniform(r), 1.0 / (double)(m - 1 - i));
      u = sum - next;
      sum = next;
    }
    t[i].cls = pick_class(g, r);
    if (!(u > 0)) u = 1e-9;
    t[i].period = (double)g->cls[t[i].cls].isolated / u;
    if (!(t[i].period >= 1)) {           /* releases would pile up at one instant, forever */
      sl_errf(e, "generator periodic: utilization %g gives task %d a period of %g ns, below 1 ns",
              g->utilization, (int)i, t[i].period);
      free(t);
      return -1;
    }
    t[i].k = 0;
    t[i].next = release_of(g, &t[i], r);
  }
  for (;;) {
    int32_t best = -1;
    for (int32_t i = 0; i < m; i++)
      if (t[i].next < (double)g->horizon && (best < 0 || t[i].next < t[best].next)) best = i;
    if (best < 0) break;
    {
      struct ptask *p = &t[best];
      double dl = (double)llround(fmin((double)p->k * p->period + g->deadline * p->period,
                                       2.0 * (double)SL_TIME_LIMIT));
      if (dl < p->next) dl = p->next;
      if (emit(g, out, p->next, p->cls, dl, p->k, e)) { rc = -1; break; }
      p->k++;
      p->next = release_of(g, p, r);
    }
  }
  free(t);
  return rc;
}

int gen_write(struct gen *g, FILE *out, struct sl_err *e) {
  struct rng r;
  double t = 0, mean_gap = g->rate > 0 ? 1e9 / g->rate : 0;
  double u_prev = 0, state_end = 0, r_hi = 0, r_lo = 0, dwell_lo = 0;
  int high = 0;
  rng_seed(&r, g->seed);
  if (g->batch_per_trace) draw_trace_batch(g, &r);
  fprintf(out, "arrival_ns,network,batch,priority,tenant%s%s\n",
          g->kind == GEN_PERIODIC || g->slack > 0 ? ",deadline_ns" : "", g->workload ? ",workload" : "");
  if (g->kind == GEN_PERIODIC) return write_periodic(g, out, &r, e);
  if (g->kind == GEN_MMPP) {
    double f = g->high_fraction;
    r_lo = g->rate / (f * g->burst + 1 - f);
    r_hi = r_lo * g->burst;
    dwell_lo = (double)g->dwell * (1 - f) / f;
    high = rng_uniform(&r) < f;
    state_end = rng_exponential(&r, high ? (double)g->dwell : dwell_lo);
  }
  for (int64_t i = 0; i < g->n; i++) {
    switch (g->kind) {
    case GEN_POISSON: t += rng_exponential(&r, mean_gap); break;
    case GEN_GAMMA: t += rng_gamma(&r, 1.0 / (g->cv * g->cv), mean_gap * g->cv * g->cv); break;
    case GEN_MMPP:
      for (;;) {                             /* memoryless: redraw at each state change */
        double cand = t + rng_exponential(&r, 1e9 / (high ? r_hi : r_lo));
        if (cand < state_end) { t = cand; break; }
        if (!time_ok(state_end, "arrival", i, e)) return -1;   /* no arrival before the end */
        t = state_end;
        high = !high;
        state_end = t + rng_exponential(&r, high ? (double)g->dwell : dwell_lo);
      }
      break;
    case GEN_UNIFORM:
      /* Sorted uniforms one at a time: the smallest of the k points still to
      ** place in [u_prev, 1] is u_prev + (1 - u_prev)(1 - V^(1/k)). */
      if (g->first_at_zero && i == 0) break;
      u_prev += (1 - u_prev) * (1 - pow(rng_uniform(&r), 1.0 / (double)(g->n - i)));
      t = u_prev * (double)g->window;
      break;
    case GEN_PERIODIC: break;
    }
    if (emit(g, out, t, pick_class(g, &r), 0, i, e) < 0) return -1;
  }
  return 0;
}

/* }=================================================================== */

void gen_free(struct gen *g) {
  for (size_t i = 0; i < g->ncls; i++) {
    free(g->cls[i].network);
    free(g->cls[i].tenant);
  }
  free(g->cls);
  free(g->workload);
  memset(g, 0, sizeof *g);
}
