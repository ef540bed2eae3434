/*
** metrics.h — the per-run metrics defined in docs/metrics.md, computed from
** a run's spooled task records in a few streaming passes (exact nearest-rank
** percentiles by radix selection, so memory does not grow with the number of
** requests). Classes: "all", each priority value as text, "tenant:NAME", and
** for the Pantheon metrics "task:NAME" and "app:NAME".
*/
#ifndef METRICS_H
#define METRICS_H

#include "spool.h"
#include "strtab.h"

struct metric {
  char name[32];           /* "antt", "p99_latency_ns", ... */
  char cls[96];            /* "all", a priority value as text, or "tenant:NAME" */
  double value;
};

struct metric_set {
  struct metric *m;
  size_t n, cap;
};

/* A request met its deadline (papers/metrics.md §6): it finished, by its
** deadline if it has one. Dropped and unfinished requests miss. */
static inline int task_met(const struct task_rec *r) {
  return r->finish != SL_NS_NONE && (r->deadline == SL_NS_NONE || r->finish <= r->deadline);
}

/* Run-level figures the engine knows and the records do not. */
struct run_totals {
  sl_ns busy;              /* ns the device spent executing segments (one-unit devices) */
  /* Several units (docs/concurrency.md): unit_busy[u] for u in 0..nunits-1
  ** is the time unit u+1 had a progressing holder, or for a pool the
  ** capacity-weighted time (ns, integral of used share / capacity). */
  int32_t nunits;
  const double *unit_busy;
  double conc_area;        /* integral over time of the number of progressing requests, ns */
  sl_ns conc_time;         /* time with at least one progressing request, ns */
  int64_t drains;          /* DRAIN decisions that left a request running */
  /* Preemption latency per mechanism (indexed by enum mech): from the
  ** decision until the chosen request could start: for a checkpoint or a
  ** kill, running on to the stop point plus save plus restore; for a drain,
  ** what the running request still had to do. */
  double latency_sum[3];   /* ns */
  int64_t latency_n[3];
  sl_ns latency_max[3];
  /* STP and fairness are taken per group of co-running requests (task_rec
  ** .group): the trace's workload labels when it has that column, else the
  ** busy periods of its offered work (docs/metrics.md). */
  int32_t n_groups;
  int by_workload;         /* groups are workload labels, not busy periods */
  const struct strtab *tenants;  /* names of task_rec.tenant; NULL: no tenant classes */
  /* Pantheon metrics (papers/metrics.md §6-8): classes task:TENANT and
  ** app:WORKLOAD; gpu_utilization on GPU and profile devices only. */
  const struct strtab *workloads;  /* names of task_rec.workload; NULL: no app classes */
  int gpu_like;
};

int metrics_compute(struct spool *s, const struct run_totals *t, struct metric_set *out,
                    struct sl_err *e);
/* Value of a metric, or NAN if absent. */
double metrics_get(const struct metric_set *ms, const char *name, const char *cls);
void metrics_free(struct metric_set *ms);

#endif
