/*
** spool.h — finished-request records of one run, kept in memory up to a
** limit and spilled to an anonymous temporary file beyond it, so memory
** does not grow with the trace's length. Read back in order for the
** database write and the metrics passes.
*/
#ifndef SPOOL_H
#define SPOOL_H

#include "sl.h"

#include <stdio.h>

/* One finished (or, in future, dropped) request. Fixed size. */
struct task_rec {
  int64_t task_id;
  uint64_t seq;                     /* trace order */
  sl_ns arrival, start, finish;     /* ns; start = first time it executed */
  sl_ns isolated;                   /* alone on an idle device, ns */
  sl_ns deadline;                   /* absolute ns or SL_NS_NONE */
  sl_ns overhead;                   /* checkpoint save + restore charged to it, ns */
  sl_ns wasted;                     /* work discarded by KILL, ns */
  sl_ns waited;                     /* ready but not running, ns */
  int32_t network, tenant, workload; /* indices into the run's string tables */
  int32_t group;                    /* co-running set for STP and fairness (metrics.h) */
  int32_t batch, priority, preemptions;
  int32_t checkpoints, kills;
  int32_t unit;                     /* where it first ran, 1..K (docs/concurrency.md) */
  int32_t migrations;               /* resumptions on a unit other than the one it last ran on */
  int32_t exit;                     /* 1-based exit it took (or would have taken); 0: no exits */
  int32_t dropped;                  /* left unfinished by sim.drop (finish SL_NS_NONE) */
  double exit_acc, top_acc;         /* accuracy of that exit and of the top exit (with exits) */
};

#define SPOOL_CHUNK 8192            /* records per chunk */

struct spool {
  struct task_rec *mem;             /* records not yet spilled */
  size_t nmem, mem_cap;
  size_t mem_limit;                 /* records kept in memory before spilling */
  FILE *file;                       /* spilled records, or NULL */
  size_t nfile;
  size_t n;                         /* total records */
};

void spool_init(struct spool *s, size_t mem_limit);
int spool_add(struct spool *s, const struct task_rec *r, struct sl_err *e);
/* Call cb for every record in insertion order; stops early if cb returns
** nonzero (which is returned). -1 on read error. */
int spool_each(struct spool *s, int (*cb)(void *, const struct task_rec *), void *ud,
               struct sl_err *e);
void spool_free(struct spool *s);

#endif
