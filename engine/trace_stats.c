/*
** trace_stats.c — streaming statistics of an arrival trace; definitions
** in trace_stats.h.
*/
#include "trace_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void tstats_init(struct tstats *s, const sl_ns *w, int n) {
  memset(s, 0, sizeof *s);
  for (int i = 0; i < n && i < TSTATS_MAX_WINDOWS; i++) s->win[s->nwin++].w = w[i];
}

static int count_name(struct strtab *t, int64_t **cnt, size_t *cap, const char *name,
                      struct sl_err *e) {
  int32_t k = strtab_intern(t, name, e);
  int64_t *nc;
  size_t old = *cap;
  if (k < 0) return -1;
  if ((size_t)k >= old) {
    if (!(nc = sl_grow(*cnt, cap, (size_t)k + 1, sizeof *nc, e))) return -1;
    memset(nc + old, 0, (*cap - old) * sizeof *nc);
    *cnt = nc;
  }
  (*cnt)[k]++;
  return 0;
}

/* Close the bins before arrival `a`'s bin: the one being counted, then
** the empty ones between. */
static void bins_advance(struct tstats_window *w, int64_t bin) {
  if (bin == w->bin) return;
  w->sum += (double)w->bin_count;
  w->sumsq += (double)w->bin_count * (double)w->bin_count;
  w->nbins += bin - w->bin;   /* the empty bins add 0 to both sums */
  w->bin = bin;
  w->bin_count = 0;
}

static int window_add(struct tstats_window *w, sl_ns first, sl_ns a, struct sl_err *e) {
  /* Sliding: drop arrivals at or before a - w; the ring is compacted
  ** when its dead head passes half of it. */
  while (w->len && w->ring[w->head] <= a - w->w) { w->head++; w->len--; }
  if (w->head && w->head >= w->cap / 2) {
    memmove(w->ring, w->ring + w->head, w->len * sizeof *w->ring);
    w->head = 0;
  }
  if (w->head + w->len == w->cap) {
    sl_ns *nr = sl_grow(w->ring, &w->cap, w->head + w->len + 1, sizeof *nr, e);
    if (!nr) return -1;
    w->ring = nr;
  }
  w->ring[w->head + w->len++] = a;
  if ((int64_t)w->len > w->peak) {
    w->peak = (int64_t)w->len;
    w->peak_at = a;
  }
  bins_advance(w, (a - first) / w->w);
  w->bin_count++;
  return 0;
}

int tstats_add(struct tstats *s, const struct trace_row *r, struct sl_err *e) {
  if (s->count == 0) s->first = r->arrival;
  else {
    /* Welford: exact enough in double for gaps up to 2^60 ns, and the
    ** same on every machine. */
    double gap = (double)(r->arrival - s->last), d = gap - s->gap_mean;
    int64_t ngap = s->count;
    s->gap_mean += d / (double)ngap;
    s->gap_m2 += d * (gap - s->gap_mean);
  }
  s->last = r->arrival;
  s->count++;
  if (count_name(&s->tenants, &s->tenant_n, &s->tenant_cap, r->tenant, e) < 0 ||
      count_name(&s->networks, &s->network_n, &s->network_cap, r->network, e) < 0)
    return -1;
  for (int i = 0; i < s->nwin; i++)
    if (window_add(&s->win[i], s->first, r->arrival, e) < 0) return -1;
  return 0;
}

void tstats_free(struct tstats *s) {
  strtab_free(&s->tenants);
  strtab_free(&s->networks);
  free(s->tenant_n);
  free(s->network_n);
  for (int i = 0; i < s->nwin; i++) free(s->win[i].ring);
  memset(s, 0, sizeof *s);
}

sl_ns tstats_span(const struct tstats *s) { return s->count ? s->last - s->first : 0; }

double tstats_rate(const struct tstats *s) {
  sl_ns span = tstats_span(s);
  return span > 0 ? (double)(s->count - 1) * 1e9 / (double)span : 0;
}

double tstats_cv(const struct tstats *s) {
  if (s->count < 3 || s->gap_mean <= 0) return NAN;
  return sqrt(s->gap_m2 / (double)(s->count - 1)) / s->gap_mean;
}

double tstats_burstiness(const struct tstats *s) {
  double cv = tstats_cv(s);
  return isnan(cv) ? NAN : (cv - 1) / (cv + 1);
}

double tstats_idc(const struct tstats_window *w) {
  double mean, var;
  if (w->nbins < 2) return NAN;
  mean = w->sum / (double)w->nbins;
  if (mean <= 0) return NAN;
  var = w->sumsq / (double)w->nbins - mean * mean;
  return (var < 0 ? 0 : var) / mean;
}
