/*
** trace_stats.h — what `schedlab trace stats` measures on an arrival
** trace, in one streaming pass (memory: the distinct tenants and networks,
** and the arrivals inside the longest window):
**   count, span (last - first arrival), mean rate = (count - 1) / span
**   (one over the mean gap), the gaps' coefficient of variation (population
**   standard deviation / mean), the Goh-Barabasi burstiness
**   B = (sd - mean) / (sd + mean) of the gaps (-1 periodic, 0 Poisson,
**   towards 1 bursty), and per window W:
**   peak = the most arrivals in any W-long interval (t - W, t], over W;
**   idc = the index of dispersion (variance / mean, population) of the
**   counts in the complete W-long bins [first + kW, first + (k+1)W) that
**   end by the last arrival (1 for Poisson; undefined with fewer than 2
**   such bins).
*/
#ifndef TRACE_STATS_H
#define TRACE_STATS_H

#include "strtab.h"
#include "trace.h"

#define TSTATS_MAX_WINDOWS 16

struct tstats_window {
  sl_ns w;                 /* window length, ns */
  int64_t peak;            /* most arrivals in (t - w, t] */
  sl_ns peak_at;           /* the t (an arrival) where it first reached the peak */
  /* sliding window: the arrivals in (t - w, t], oldest first */
  sl_ns *ring;
  size_t head, len, cap;
  /* complete bins */
  int64_t bin;             /* index of the bin being counted */
  int64_t bin_count;
  int64_t nbins;           /* bins closed (all complete) */
  double sum, sumsq;       /* of the closed bins' counts */
};

struct tstats {
  int64_t count;
  sl_ns first, last;
  double gap_mean, gap_m2; /* Welford over the gaps, ns */
  struct strtab tenants, networks;
  int64_t *tenant_n, *network_n;   /* counts by interned index */
  size_t tenant_cap, network_cap;
  struct tstats_window win[TSTATS_MAX_WINDOWS];
  int nwin;
};

/* Start with window lengths `w` (n <= TSTATS_MAX_WINDOWS, each > 0). */
void tstats_init(struct tstats *s, const sl_ns *w, int n);
int tstats_add(struct tstats *s, const struct trace_row *r, struct sl_err *e);
void tstats_free(struct tstats *s);

/* Results, after the last row. */
sl_ns tstats_span(const struct tstats *s);
double tstats_rate(const struct tstats *s);   /* per second; 0 when span is 0 */
double tstats_cv(const struct tstats *s);     /* NaN with fewer than 2 gaps or mean 0 */
double tstats_burstiness(const struct tstats *s);
double tstats_idc(const struct tstats_window *w);   /* NaN when undefined */

#endif
