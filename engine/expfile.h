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
  /* A probe of a rate search (experiments/README.md, "Rate search"): its
  ** group (the grid point without the searched key) and the key's value. */
  size_t sgroup;
  double svalue;
};

/* search = {...}: per grid point, the largest value of `key` for which
** `metric` (class `cls`) stays within `target`: the values on the grid
** ascending, then bisection to a relative tolerance. */
struct exp_search {
  const char *key;         /* trace.NAME, param.NAME, device.NAME or var.NAME */
  double *values;          /* ascending */
  size_t nvalues;
  const char *metric, *cls;
  int at_least;            /* pass: value >= target; else value <= target */
  double target, tol;
  size_t ngroups;
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
  struct exp_search *search;   /* NULL: no rate search */
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
/* A bisection probe of a rate search: a copy of run `base` with the
** searched key set to `value` (derive and filter are not run again). Its
** index in x->runs, or -1 with a message. */
long exp_probe(struct experiment *x, size_t base, double value, struct sl_err *e);
/* A copy of s owned by the experiment (freed with it). */
char *exp_keep(struct experiment *x, const char *s, struct sl_err *e);

#endif
