/*
** metrics.c — per-run metrics from the spooled task records: one pass of
** sums and counts per class, then radix selection for exact nearest-rank
** percentiles. Definitions: docs/metrics.md.
*/
#include "metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NQ 4
static const struct {
  const char *tag;         /* p50, p95, ... */
  uint64_t num, den;       /* q = num / den */
} quant[NQ] = {{"p50", 50, 100}, {"p95", 95, 100}, {"p99", 99, 100}, {"p999", 999, 1000}};

#define MAX_SLA 10
/* Radix digit width: wide digits mean few passes over many records but
** large histograms to clear; small runs (the common case in sweeps) want
** small ones. 16 bits (256 KiB per percentile) only for big runs with few
** classes, 11 bits for mid-sized ones, 8 bits below. */
static int digit_bits(uint64_t n, size_t targets) {
  if (n > (1u << 20) && targets <= 64) return 16;
  if (n > (1u << 12)) return 11;
  return 8;
}

struct cls_acc {
  int32_t prio;
  int64_t n;                        /* requests of the class */
  int64_t finished;
  double sum_ntt, sum_np;
  __int128 sum_lat;
  int64_t sla[MAX_SLA + 1];         /* sla[N]: finished with T <= N * T_iso */
  sl_ns max_lat;
  double max_ntt;
  int64_t preemptions, checkpoints, kills;
  sl_ns overhead, wasted;
  int64_t with_deadline, missed;
  int64_t with_exits, started, preempted;   /* Pantheon (papers/metrics.md §7-8) */
  double acc_sum, acc_abs_sum;
};

/* One percentile being selected: the k-th smallest key of a series. */
struct target {
  int series;                       /* 0 latency, 1 NTT */
  uint64_t rank;                    /* 1-based rank still to find within the prefix */
  uint64_t prefix, mask;            /* bits fixed so far */
  uint32_t *hist;
  char name[32];
};

struct mctx {
  struct cls_acc all;
  struct cls_acc *cls;              /* priority classes, sorted by priority */
  size_t ncls, cls_cap;
  struct cls_acc *ten;              /* tenant classes, by tenant index (n == 0: absent) */
  size_t nten, ten_cap;
  struct cls_acc *app;              /* app:WORKLOAD classes, by workload index (n == 0: absent) */
  size_t napp, app_cap;
  struct { double min_pp, max_pp; int64_t finished; } *grp;   /* per group: NP/p extremes */
  size_t ngrp, grp_cap;
  int nonpos_priority;
  sl_ns min_arrival, max_finish;
  int64_t n_finished;
  struct target *tg;                /* NT targets per class, in blocks */
  size_t ntg;
  size_t *tg_first;                 /* by class slot: first target, or SIZE_MAX */
  int shift;                        /* current radix pass */
  uint64_t digit_mask;
  uint64_t key_min[2], key_max[2];  /* per series, over finished requests */
  struct sl_err *e;
};

#define NT (2 * NQ)                 /* targets per class: two series, NQ quantiles */

/* Class slots: 0 = all, 1..ncls = priority classes, then one per tenant index. */
static size_t nslots(const struct mctx *m) { return 1 + m->ncls + m->nten; }

static struct cls_acc *slot_acc(struct mctx *m, size_t g) {
  if (g == 0) return &m->all;
  if (g <= m->ncls) return &m->cls[g - 1];
  return &m->ten[g - 1 - m->ncls];
}

static int find_class(struct mctx *m, int32_t prio) {
  size_t lo = 0, hi = m->ncls;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (m->cls[mid].prio < prio) lo = mid + 1; else hi = mid;
  }
  if (lo < m->ncls && m->cls[lo].prio == prio) return (int)lo;
  {
    struct cls_acc *nc = sl_grow(m->cls, &m->cls_cap, m->ncls + 1, sizeof *nc, m->e);
    if (!nc) return -1;
    m->cls = nc;
    memmove(&nc[lo + 1], &nc[lo], (m->ncls - lo) * sizeof *nc);
    memset(&nc[lo], 0, sizeof *nc);
    nc[lo].prio = prio;
    m->ncls++;
  }
  return (int)lo;
}

/* Make index i of a zero-initialised array of `size`-byte items valid. */
static void *reach(void *arr, size_t *n, size_t *cap, size_t i, size_t size, struct sl_err *e) {
  char *a;
  if (i < *n) return arr;
  if (!(a = sl_grow(arr, cap, i + 1, size, e))) return NULL;
  memset(a + *n * size, 0, (i + 1 - *n) * size);
  *n = i + 1;
  return a;
}

static int finished(const struct task_rec *r) { return r->finish != SL_NS_NONE; }

static double ntt_of(const struct task_rec *r) {
  return (double)(r->finish - r->arrival) / (double)r->isolated;
}

static void accumulate(struct cls_acc *a, const struct task_rec *r) {
  a->n++;
  a->preemptions += r->preemptions;
  a->checkpoints += r->checkpoints;
  a->kills += r->kills;
  a->overhead += r->overhead;
  a->wasted += r->wasted;
  if (r->deadline != SL_NS_NONE) {
    a->with_deadline++;
    a->missed += !task_met(r);
  }
  if (r->exit > 0) {
    int met = task_met(r);
    a->with_exits++;
    a->acc_sum += met ? r->exit_acc / r->top_acc : 0.0;
    a->acc_abs_sum += met ? 100.0 * r->exit_acc : 0.0;
  }
  if (r->start != SL_NS_NONE) {
    a->started++;
    a->preempted += r->preemptions > 0;
  }
  if (!finished(r)) return;
  {
    sl_ns lat = r->finish - r->arrival;
    double ntt = ntt_of(r);
    a->finished++;
    a->sum_ntt += ntt;
    a->sum_np += 1.0 / ntt;
    a->sum_lat += lat;
    if (lat > a->max_lat) a->max_lat = lat;
    if (ntt > a->max_ntt) a->max_ntt = ntt;
    for (int n = 1; n <= MAX_SLA; n++)
      a->sla[n] += (__int128)lat <= (__int128)n * r->isolated;
  }
}

static uint64_t key_of(const struct task_rec *r, int series) {
  if (series == 0) return (uint64_t)(r->finish - r->arrival);
  {
    double ntt = ntt_of(r);     /* positive: IEEE bits order like the values */
    uint64_t k;
    memcpy(&k, &ntt, sizeof k);
    return k;
  }
}

static int pass_sums(void *ud, const struct task_rec *r) {
  struct mctx *m = ud;
  int c = find_class(m, r->priority);
  void *grown;
  if (c < 0) return -1;
  accumulate(&m->all, r);
  accumulate(&m->cls[c], r);
  if (r->tenant < 0 || r->group < 0) return sl_errf(m->e, "task %lld: no tenant or group", (long long)r->task_id);
  if (!(grown = reach(m->ten, &m->nten, &m->ten_cap, (size_t)r->tenant, sizeof *m->ten, m->e))) return -1;
  m->ten = grown;
  accumulate(&m->ten[r->tenant], r);
  if (r->workload >= 0) {
    if (!(grown = reach(m->app, &m->napp, &m->app_cap, (size_t)r->workload, sizeof *m->app, m->e)))
      return -1;
    m->app = grown;
    accumulate(&m->app[r->workload], r);
  }
  if (r->priority <= 0) m->nonpos_priority = 1;
  if (r->arrival < m->min_arrival) m->min_arrival = r->arrival;
  if (finished(r)) {
    double pp = (1.0 / ntt_of(r)) / (double)r->priority;
    for (int series = 0; series < 2; series++) {
      uint64_t k = key_of(r, series);
      if (!m->n_finished || k < m->key_min[series]) m->key_min[series] = k;
      if (!m->n_finished || k > m->key_max[series]) m->key_max[series] = k;
    }
    m->n_finished++;
    if (r->finish > m->max_finish) m->max_finish = r->finish;
    if (!(grown = reach(m->grp, &m->ngrp, &m->grp_cap, (size_t)r->group, sizeof *m->grp, m->e))) return -1;
    m->grp = grown;
    if (!m->grp[r->group].finished || pp < m->grp[r->group].min_pp) m->grp[r->group].min_pp = pp;
    if (!m->grp[r->group].finished || pp > m->grp[r->group].max_pp) m->grp[r->group].max_pp = pp;
    m->grp[r->group].finished++;
  }
  return 0;
}

static void radix_block(struct mctx *m, size_t g, const uint64_t keys[2]) {
  size_t first = m->tg_first[g];
  if (first == SIZE_MAX) return;
  for (size_t i = first; i < first + NT; i++) {
    struct target *t = &m->tg[i];
    uint64_t k = keys[t->series];
    if ((k & t->mask) == t->prefix) t->hist[(k >> m->shift) & m->digit_mask]++;
  }
}

static int pass_radix(void *ud, const struct task_rec *r) {
  struct mctx *m = ud;
  uint64_t keys[2];
  if (!finished(r)) return 0;
  keys[0] = key_of(r, 0);
  keys[1] = key_of(r, 1);
  radix_block(m, 0, keys);
  radix_block(m, 1 + (size_t)find_class(m, r->priority), keys);   /* every class exists by now */
  radix_block(m, 1 + m->ncls + (size_t)r->tenant, keys);
  return 0;
}

static int add(struct metric_set *ms, const char *name, const char *cls, double v,
               struct sl_err *e) {
  struct metric *nm;
  if (isnan(v)) return 0;                /* an empty set is a missing row */
  nm = sl_grow(ms->m, &ms->cap, ms->n + 1, sizeof *nm, e);
  if (!nm) return -1;
  ms->m = nm;
  snprintf(nm[ms->n].name, sizeof nm->name, "%s", name);
  snprintf(nm[ms->n].cls, sizeof nm->cls, "%s", cls);
  nm[ms->n].value = v;
  ms->n++;
  return 0;
}

/* Leading bits every key of the series shares: fixed before the first pass. */
static int common_bits(const struct mctx *m, int series) {
  uint64_t x = m->key_min[series] ^ m->key_max[series];
  return x ? __builtin_clzll(x) : 64;
}

static int select_percentiles(struct mctx *m, struct spool *s, struct sl_err *e) {
  size_t ns = nslots(m), nactive = 0;
  int digit, hi = 0;
  size_t nbucket;
  if (!(m->tg_first = sl_alloc(ns * sizeof *m->tg_first, e))) return -1;
  for (size_t g = 0; g < ns; g++) nactive += slot_acc(m, g)->finished > 0;
  if (nactive && !(m->tg = sl_alloc(nactive * NT * sizeof *m->tg, e))) return -1;
  digit = digit_bits((uint64_t)m->n_finished, nactive * NT);
  nbucket = (size_t)1 << digit;
  for (size_t g = 0; g < ns; g++) {
    const struct cls_acc *a = slot_acc(m, g);
    m->tg_first[g] = SIZE_MAX;
    if (!a->finished) continue;
    m->tg_first[g] = m->ntg;
    for (int series = 0; series < 2; series++)
      for (int q = 0; q < NQ; q++) {
        struct target *t = &m->tg[m->ntg];
        uint64_t fm = (uint64_t)a->finished;
        int fixed = common_bits(m, series);
        memset(t, 0, sizeof *t);
        t->series = series;
        t->rank = (quant[q].num * fm + quant[q].den - 1) / quant[q].den;   /* ceil(q*m) */
        if (t->rank < 1) t->rank = 1;
        t->mask = fixed == 64 ? ~0ull : fixed == 0 ? 0 : ~0ull << (64 - fixed);
        t->prefix = m->key_min[series] & t->mask;
        if (64 - fixed > hi) hi = 64 - fixed;
        snprintf(t->name, sizeof t->name, "%s_%s", quant[q].tag, series ? "ntt" : "latency_ns");
        m->ntg++;    /* counted before the allocation, so a failure frees it */
        if (!(t->hist = sl_alloc(nbucket * sizeof *t->hist, e))) return -1;
      }
  }
  for (; hi > 0; hi -= digit) {
    int bits = hi < digit ? hi : digit;
    m->shift = hi - bits;
    m->digit_mask = (1ull << bits) - 1;
    for (size_t i = 0; i < m->ntg; i++) memset(m->tg[i].hist, 0, nbucket * sizeof *m->tg[i].hist);
    if (spool_each(s, pass_radix, m, e) != 0) return -1;
    for (size_t i = 0; i < m->ntg; i++) {
      struct target *t = &m->tg[i];
      uint64_t cum = 0, b;
      for (b = 0; b <= m->digit_mask; b++) {
        if (cum + t->hist[b] >= t->rank) break;
        cum += t->hist[b];
      }
      SL_ASSERT(b <= m->digit_mask);
      t->rank -= cum;
      t->prefix |= b << m->shift;
      t->mask |= m->digit_mask << m->shift;
    }
  }
  return 0;
}

/* deadline_miss_rate, accuracy, accuracy_abs, preempted_ratio
** (papers/metrics.md §6-8), each missing over an empty set. */
static int emit_pantheon(struct metric_set *out, const struct cls_acc *a, const char *cls,
                         struct sl_err *e) {
  int ok = 0;
  ok |= add(out, "deadline_miss_rate", cls,
            a->with_deadline ? (double)a->missed / (double)a->with_deadline : NAN, e);
  ok |= add(out, "accuracy", cls, a->with_exits ? a->acc_sum / (double)a->with_exits : NAN, e);
  ok |= add(out, "accuracy_abs", cls,
            a->with_exits ? a->acc_abs_sum / (double)a->with_exits : NAN, e);
  ok |= add(out, "preempted_ratio", cls,
            a->started ? (double)a->preempted / (double)a->started : NAN, e);
  return ok;
}

/* The Pantheon metrics of the classes task:TENANT and app:WORKLOAD. */
static int emit_named(struct metric_set *out, const struct cls_acc *acc, size_t n,
                      const struct strtab *names, const char *prefix, struct sl_err *e) {
  for (size_t i = 0; names && i < n; i++) {
    char cls[sizeof out->m->cls];
    const char *name;
    if (!acc[i].n) continue;
    if (i >= names->n) return sl_errf(e, "%s index %zu out of range", prefix, i);
    name = strtab_get(names, (int32_t)i);
    if (!*name) continue;                /* no workload label: no app */
    if ((size_t)snprintf(cls, sizeof cls, "%s:%s", prefix, name) >= sizeof cls)
      return sl_errf(e, "%s '%.40s...': names longer than %zu characters have no metrics class",
                     prefix, name, sizeof cls - strlen(prefix) - 2);
    if (emit_pantheon(out, &acc[i], cls, e)) return -1;
  }
  return 0;
}

static int emit_class(struct mctx *m, struct metric_set *out, size_t g, const char *cls,
                      const struct run_totals *t, struct sl_err *e) {
  const struct cls_acc *a = slot_acc(m, g);
  double fin = (double)a->finished, n = (double)a->n;
  char name[32];
  int ok = 0;
  ok |= add(out, "count", cls, n, e);
  ok |= add(out, "unfinished", cls, (double)(a->n - a->finished), e);
  ok |= add(out, "antt", cls, a->finished ? a->sum_ntt / fin : NAN, e);
  /* The class's share of the mean STP per group: the shares add up to
  ** class all's value. */
  ok |= add(out, "stp", cls, a->finished && t->n_groups > 0 ? a->sum_np / (double)t->n_groups : NAN, e);
  ok |= add(out, "mean_np", cls, a->finished ? a->sum_np / fin : NAN, e);
  for (int k = 1; k <= MAX_SLA; k++) {
    snprintf(name, sizeof name, "sla_%d", k);
    ok |= add(out, name, cls, a->n ? (double)a->sla[k] / n : NAN, e);
  }
  ok |= add(out, "mean_latency_ns", cls, a->finished ? (double)a->sum_lat / fin : NAN, e);
  ok |= add(out, "max_latency_ns", cls, a->finished ? (double)a->max_lat : NAN, e);
  ok |= add(out, "max_ntt", cls, a->finished ? a->max_ntt : NAN, e);
  if (m->tg_first[g] != SIZE_MAX)
    for (size_t i = m->tg_first[g]; i < m->tg_first[g] + NT; i++) {
      const struct target *tg = &m->tg[i];
      double v;
      if (tg->series == 0) v = (double)tg->prefix;
      else memcpy(&v, &tg->prefix, sizeof v);
      ok |= add(out, tg->name, cls, v, e);
    }
  ok |= add(out, "preemptions", cls, (double)a->preemptions, e);
  ok |= add(out, "checkpoints", cls, (double)a->checkpoints, e);
  ok |= add(out, "kills", cls, (double)a->kills, e);
  ok |= add(out, "overhead_ns", cls, (double)a->overhead, e);
  ok |= add(out, "wasted_ns", cls, (double)a->wasted, e);
  ok |= emit_pantheon(out, a, cls, e);
  return ok ? -1 : 0;
}

/* Mean over groups with two or more finished requests of min(NP/p) /
** max(NP/p): a request alone has nobody to be treated unfairly against, and
** counting it as 1 would pull a lightly loaded run's fairness towards 1. */
static double fairness(const struct mctx *m) {
  double sum = 0;
  int64_t nw = 0;
  if (m->nonpos_priority) return NAN;
  for (size_t g = 0; g < m->ngrp; g++)
    if (m->grp[g].finished >= 2) {
      sum += m->grp[g].min_pp / m->grp[g].max_pp;
      nw++;
    }
  return nw ? sum / (double)nw : NAN;
}

/* The device's utilization: on one unit its busy time over the makespan,
** on several the mean of the units' (each unit counts alike, so an idle
** unit shows as capacity left unused). */
static double utilization_all(const struct run_totals *t, double makespan) {
  double sum = 0;
  if (!(makespan > 0)) return NAN;
  if (!t->unit_busy) return (double)t->busy / makespan;
  if (t->nunits < 2) return t->unit_busy[0] / makespan;
  for (int32_t u = 0; u < t->nunits; u++) sum += t->unit_busy[u];
  return sum / (double)t->nunits / makespan;
}

int metrics_compute(struct spool *s, const struct run_totals *t, struct metric_set *out,
                    struct sl_err *e) {
  struct mctx m;
  int rc = -1;
  memset(&m, 0, sizeof m);
  m.e = e;
  m.min_arrival = SL_NS_MAX;
  m.max_finish = SL_NS_NONE;
  if (spool_each(s, pass_sums, &m, e) != 0) goto done;
  if (select_percentiles(&m, s, e) < 0) goto done;
  if (emit_class(&m, out, 0, "all", t, e) < 0) goto done;
  {
    double makespan = m.n_finished ? (double)(m.max_finish - m.min_arrival) : NAN;
    if (add(out, "fairness", "all", fairness(&m), e) < 0 ||
        add(out, "groups", "all", t->n_groups > 0 ? (double)t->n_groups : NAN, e) < 0 ||
        add(out, "makespan_ns", "all", makespan, e) < 0 ||
        add(out, "throughput_rps", "all", makespan > 0 ? (double)m.n_finished * 1e9 / makespan : NAN, e) < 0 ||
        add(out, "utilization", "all", utilization_all(t, makespan), e) < 0 ||
        add(out, "drains", "all", (double)t->drains, e) < 0)
      goto done;
    /* The GPU is busy while any request progresses on it, whatever stream
    ** or share (papers/pantheon.md §8); window: the makespan. */
    if (t->gpu_like &&
        add(out, "gpu_utilization", "all",
            makespan > 0 ? (double)t->conc_time / makespan : NAN, e) < 0)
      goto done;
    /* Per unit only where there are several: a one-unit run keeps exactly
    ** its rows of before (class all says it all). */
    if (t->nunits >= 2 && t->unit_busy)
      for (int32_t u = 0; u < t->nunits; u++) {
        char cls[32];
        snprintf(cls, sizeof cls, "unit:%d", (int)u + 1);
        if (add(out, "utilization", cls, makespan > 0 ? t->unit_busy[u] / makespan : NAN, e) < 0)
          goto done;
      }
    if (add(out, "mean_concurrency", "all",
            t->conc_time > 0 ? t->conc_area / (double)t->conc_time : NAN, e) < 0)
      goto done;
    for (int k = 0; k < 3; k++) {
      static const char *const mech[3] = {"drain", "checkpoint", "kill"};
      char name[48];
      if (!t->latency_n[k]) continue;
      snprintf(name, sizeof name, "%s_latency_ns", mech[k]);
      if (add(out, name, "all", t->latency_sum[k] / (double)t->latency_n[k], e) < 0) goto done;
      snprintf(name, sizeof name, "%s_latency_max_ns", mech[k]);
      if (add(out, name, "all", (double)t->latency_max[k], e) < 0) goto done;
    }
  }
  for (size_t c = 0; c < m.ncls; c++) {
    char cls[32];
    snprintf(cls, sizeof cls, "%d", m.cls[c].prio);
    if (emit_class(&m, out, 1 + c, cls, t, e) < 0) goto done;
  }
  if (t->tenants)
    for (size_t i = 0; i < m.nten; i++) {
      char cls[sizeof out->m->cls];
      const char *name;
      if (!m.ten[i].n) continue;
      if (i >= t->tenants->n) { sl_errf(e, "tenant index %zu out of range", i); goto done; }
      name = strtab_get(t->tenants, (int32_t)i);
      if ((size_t)snprintf(cls, sizeof cls, "tenant:%s", name) >= sizeof cls) {
        sl_errf(e, "tenant '%.40s...': names longer than %zu characters have no metrics class",
                name, sizeof cls - 8);
        goto done;
      }
      if (emit_class(&m, out, 1 + m.ncls + i, cls, t, e) < 0) goto done;
    }
  if (emit_named(out, m.ten, m.nten, t->tenants, "task", e) < 0 ||
      emit_named(out, m.app, m.napp, t->workloads, "app", e) < 0)
    goto done;
  rc = 0;
done:
  for (size_t i = 0; i < m.ntg; i++) free(m.tg[i].hist);
  free(m.tg);
  free(m.tg_first);
  free(m.cls);
  free(m.ten);
  free(m.app);
  free(m.grp);
  return rc;
}

double metrics_get(const struct metric_set *ms, const char *name, const char *cls) {
  for (size_t i = 0; i < ms->n; i++)
    if (!strcmp(ms->m[i].name, name) && !strcmp(ms->m[i].cls, cls)) return ms->m[i].value;
  return NAN;
}

void metrics_free(struct metric_set *ms) {
  free(ms->m);
  memset(ms, 0, sizeof *ms);
}
