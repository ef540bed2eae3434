/*
** expfile.h — experiment files (experiments/NAME.lua): a Lua table naming the
** grid axes, fixed values, derived values and filters, the figures and the
** report of a study. Loading one expands the grid into run configurations;
** the Lua state stays open for derive/filter/report. Reference:
** experiments/README.md.
*/
#ifndef EXPFILE_H
#define EXPFILE_H

#include "plot.h"
#include "runner.h"

struct sqlite3;
struct sandbox;

/* One expanded grid point. Strings are owned by the experiment. */
struct exp_run {
  size_t index;            /* position in the full grid (shards split on it) */
  struct sim_config cfg;
  struct run_meta meta;
  const char *gen_kind;    /* generator of the trace, or NULL when cfg.trace_path is a file */
  struct kv *gen;
  size_t ngen;
  struct kv *params, *dparams, *extra;   /* backing arrays of cfg/meta */
  struct kv *tparams;                    /* backing array of cfg.tasks_params */
  char key[40];            /* run key */
  int done;                /* already complete in the database */
};

struct experiment {
  char *path;              /* the file, as given */
  char *name, *description, *baseline, *db;
  struct exp_run *runs;
  size_t nruns, runs_cap;
  struct plot_spec *figs;
  size_t nfigs;
  char **metrics;          /* metrics of interest, for summaries */
  size_t nmetrics;
  char **strings;          /* every string the runs point to */
  size_t nstrings, strings_cap;
  void *L;                 /* the file's Lua state (lua_State *) */
  struct sandbox *sb;      /* its limits (sandbox.h) */
  int ref_report;          /* the report function, or LUA_NOREF */
  size_t filtered;         /* grid points the filter dropped */
  int record_intervals;    /* record = {"intervals"}: every run keeps its intervals */
};

/* Load, validate and expand. `quick` applies the file's `quick` overrides.
** Errors name the file and the key. */
int exp_load(struct experiment *x, const char *path, int quick, struct sl_err *e);
/* Check a loaded experiment before anything runs (expcheck.c): every
** point's policy loads and declares its params, every device opens with its
** params, every trace file exists and generator accepts its params, every
** metric in `metrics` and in the figures' SQL exists. Errors name the file
** and the grid point or figure. */
int exp_check(struct experiment *x, struct sl_err *e);
/* Run the file's report function against a database; the markdown goes to
** *out (caller frees). Returns 1 if the file has no report. */
int exp_report(struct experiment *x, struct sqlite3 *db, char **out, struct sl_err *e);
void exp_free(struct experiment *x);
/* A copy of s owned by the experiment (freed with it). */
char *exp_keep(struct experiment *x, const char *s, struct sl_err *e);

#endif
