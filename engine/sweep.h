/*
** sweep.h — running an experiment's runs on worker processes. Each run is
** written in its own transaction, so a sweep killed at any instant loses
** nothing that had finished; run keys already complete in the database
** are skipped, so starting it again finishes the rest. Workers die with
** their master (kill -9 included); a run another sweep stored meanwhile
** counts as done, never as a second copy.
*/
#ifndef SWEEP_H
#define SWEEP_H

#include "expfile.h"

struct sweep_opts {
  int jobs;                /* worker processes */
  const char *db;          /* results database */
  int dry_run;             /* list the plan, run nothing */
  int shard, nshards;      /* run only runs with index % nshards == shard */
  int quiet;               /* no progress output */
};

struct sweep_result {
  size_t total;            /* runs in this shard */
  size_t skipped;          /* already complete before we started */
  size_t ok, failed;       /* this time */
  const struct exp_run *first_failed;   /* the failed run earliest in the grid, or NULL */
  int interrupted;
};

int sweep_run(struct experiment *x, const struct sweep_opts *o, struct sweep_result *res,
              struct sl_err *e);
/* Where generated traces of a database are cached: DIR_OF(db)/traces. */
void sweep_trace_dir(const char *db, char *buf, size_t n);

#endif
