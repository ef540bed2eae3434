/*
** sweep.c — an experiment's runs on N forked workers. The master expands
** nothing and writes nothing: it hands run indices to workers over pipes
** and shows progress; each worker opens its own database connection and
** Lua states, reuses opened devices (and their compiled work) across runs,
** generates missing traces into a shared cache, and writes each run in one
** transaction.
*/
#include "sweep.h"

#include "gen.h"
#include "runkey.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct done_msg {          /* worker -> master; smaller than PIPE_BUF, so atomic */
  int32_t worker;
  int32_t run;             /* index into x->runs */
  int32_t result;          /* enum runner_result, or -1: skipped (done meanwhile) */
};

void sweep_trace_dir(const char *db, char *buf, size_t n) {
  const char *slash = strrchr(db, '/');
  if (slash) snprintf(buf, n, "%.*s/traces", (int)(slash - db), db);
  else snprintf(buf, n, "traces");
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* {===================================================================
** Worker side
** =================================================================== */

struct dev_entry {
  char *key;               /* spec and params */
  struct device *dev;
};

struct worker {
  struct experiment *x;
  const struct sweep_opts *o;
  struct store st;
  struct dev_entry *devs;
  size_t ndevs;
  char trace_dir[1200];
};

static struct device *worker_device(struct worker *w, const struct exp_run *r, struct sl_err *e) {
  struct sl_buf k = {0};
  struct device *d;
  struct dev_entry *nd;
  sl_buf_addf(&k, "%s", r->cfg.device_spec);
  for (size_t i = 0; i < r->cfg.ndev_params; i++)
    sl_buf_addf(&k, ";%s=%s", r->cfg.dev_params[i].key, r->cfg.dev_params[i].value);
  if (k.oom) { sl_buf_free(&k); sl_errf(e, "out of memory"); return NULL; }
  for (size_t i = 0; i < w->ndevs; i++)
    if (!strcmp(w->devs[i].key, k.s)) { sl_buf_free(&k); return w->devs[i].dev; }
  if (dev_open(&d, r->cfg.device_spec, r->cfg.dev_params, r->cfg.ndev_params, e) < 0) {
    sl_buf_free(&k);
    return NULL;
  }
  if (!(nd = realloc(w->devs, (w->ndevs + 1) * sizeof *nd))) {
    dev_close(d);
    sl_buf_free(&k);
    sl_errf(e, "out of memory");
    return NULL;
  }
  w->devs = nd;
  nd[w->ndevs].key = k.s;
  nd[w->ndevs].dev = d;
  w->ndevs++;
  return d;
}

/* Generate the run's trace into the cache unless it is there already.
** Written to a private name, then renamed: readers never see half a file. */
static int ensure_trace(struct worker *w, struct exp_run *r, struct device *d, struct sl_err *e) {
  struct stat st;
  struct gen g;
  char tmp[1400];
  FILE *f;
  int rc;
  if (stat(r->cfg.trace_path, &st) == 0) return 0;
  mkdir(w->trace_dir, 0777);
  if (gen_parse(&g, r->gen_kind, r->gen, r->ngen, e) < 0 || gen_resolve(&g, d, e) < 0) {
    gen_free(&g);
    return -1;
  }
  snprintf(tmp, sizeof tmp, "%s.%ld.tmp", r->cfg.trace_path, (long)getpid());
  if (!(f = fopen(tmp, "w"))) {
    gen_free(&g);
    return sl_errf(e, "%s: %s", tmp, strerror(errno));
  }
  rc = gen_write(&g, f, e);
  if (fclose(f) != 0 && rc == 0) rc = sl_errf(e, "%s: write failed", tmp);
  gen_free(&g);
  if (rc == 0 && rename(tmp, r->cfg.trace_path) != 0) rc = sl_errf(e, "%s: %s", tmp, strerror(errno));
  if (rc < 0) remove(tmp);
  return rc;
}

static int already_done(struct worker *w, const char *key) {
  sqlite3_stmt *q = NULL;
  int done = 0;
  if (!w->st.db) return 0;
  if (sqlite3_prepare_v2(w->st.db, "SELECT 1 FROM runs WHERE run_key = ? AND status = 'ok' "
                         "AND superseded = 0", -1, &q, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  done = sqlite3_step(q) == SQLITE_ROW;
  sqlite3_finalize(q);
  return done;
}

static int worker_run(struct worker *w, struct exp_run *r) {
  struct sim s;
  struct sl_err e;
  struct device *d;
  int64_t run_id;
  enum runner_result res;
  if (already_done(w, r->key)) return -1;
  d = worker_device(w, r, &e);
  if (d && r->gen_kind && ensure_trace(w, r, d, &e) < 0) d = NULL;
  if (!d) {                                   /* bad input before the run could start */
    res = runner_record_failure(&r->cfg, &r->meta, r->key, e.msg, &w->st, w->o->db, &e);
    if (res == RUN_STORE_ERROR) fprintf(stderr, "schedlab sweep: run %zu: %s\n", r->index, e.msg);
    return res;
  }
  res = runner_run(&s, &r->cfg, d, &w->st, w->o->db, &r->meta, &run_id, NULL, &e);
  sim_free(&s);
  if (res == RUN_ALREADY_STORED) return -1;  /* another sweep stored it meanwhile */
  if (res == RUN_STORE_ERROR) fprintf(stderr, "schedlab sweep: run %zu: %s\n", r->index, e.msg);
  return res;
}

static void worker_main(struct worker *w, int id, int in_fd, int out_fd) {
  int32_t idx;
  signal(SIGINT, SIG_DFL);
  while (read(in_fd, &idx, sizeof idx) == (ssize_t)sizeof idx && idx >= 0) {
    struct done_msg m;
    m.worker = id;
    m.run = idx;
    m.result = worker_run(w, &w->x->runs[idx]);
    if (write(out_fd, &m, sizeof m) != (ssize_t)sizeof m) break;
  }
  for (size_t i = 0; i < w->ndevs; i++) {
    dev_close(w->devs[i].dev);
    free(w->devs[i].key);
  }
  free(w->devs);
  store_close(&w->st);
}

/* }=================================================================== */

/* {===================================================================
** Master side
** =================================================================== */

/* The master's one piece of mutable signal state; set by the handler only. */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

static void fmt_eta(char *buf, size_t n, double s) {
  if (s < 0 || s > 1e7) snprintf(buf, n, "?");
  else if (s >= 3600) snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
  else snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
}

static void progress(const struct sweep_opts *o, size_t done, size_t todo, size_t failed,
                     double t0, int tty, double *last, int final) {
  double t = now_s(), rate = (t - t0) > 0 ? (double)done / (t - t0) : 0;
  char eta[32];
  if (o->quiet) return;
  if (!final && t - *last < (tty ? 0.2 : 5.0)) return;
  *last = t;
  fmt_eta(eta, sizeof eta, rate > 0 ? (double)(todo - done) / rate : -1);
  if (tty) {
    int width = 30, fill = todo ? (int)((double)done / (double)todo * width) : width;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.1f runs/s  ETA %s  failed %zu   ", fill,
            "##############################", width - fill, "", done, todo, rate, eta, failed);
    if (final) fputc('\n', stderr);
  } else {
    fprintf(stderr, "sweep: %zu/%zu done, %.1f runs/s, ETA %s, %zu failed\n", done, todo, rate,
            eta, failed);
  }
}

static int mark_done(struct experiment *x, const struct sweep_opts *o, struct sl_err *e) {
  struct store st;
  sqlite3_stmt *q = NULL;
  if (store_open(&st, o->db, e) < 0) return -1;
  if (sqlite3_prepare_v2(st.db, "SELECT 1 FROM runs WHERE run_key = ? AND status = 'ok' "
                         "AND superseded = 0", -1, &q, NULL) != SQLITE_OK) {
    store_close(&st);
    return sl_errf(e, "%s: %s", o->db, "cannot query run keys");
  }
  for (size_t i = 0; i < x->nruns; i++) {
    sqlite3_bind_text(q, 1, x->runs[i].key, -1, SQLITE_STATIC);
    x->runs[i].done = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  store_close(&st);
  return 0;
}

/* The trace path (generated traces) and run key of runs [from, nruns). */
static int take_keys(struct experiment *x, size_t from, const char *trace_dir, struct sl_err *e) {
  struct runkey_cache kc = {0};             /* each file read once for all the keys */
  int rc = 0;
  for (size_t i = from; i < x->nruns && rc == 0; i++) {
    struct exp_run *r = &x->runs[i];
    struct run_gen g = {r->gen_kind, r->gen, r->ngen};
    if (r->gen_kind) {
      char path[1400];
      uint64_t h = sl_hash(SL_HASH_INIT, r->meta.trace_origin, strlen(r->meta.trace_origin));
      snprintf(path, sizeof path, "%s/%016llx.csv", trace_dir, (unsigned long long)h);
      if (!(r->cfg.trace_path = exp_keep(x, path, e))) rc = -1;
    }
    if (rc == 0 && run_key(&r->cfg, r->gen_kind ? &g : NULL, r->meta.extra, r->meta.nextra, &kc,
                           r->key, e) < 0) rc = -1;
    r->meta.run_key = r->key;
  }
  runkey_cache_free(&kc);
  return rc;
}

/* Run x->runs[todo[0..ntodo)] on forked workers (the experiment as it is
** now: runs appended later need another batch). *ffail: index of the
** failed run earliest in the grid so far, or SIZE_MAX. */
static int run_batch(struct experiment *x, const struct sweep_opts *o, const char *trace_dir,
                     const int32_t *todo, size_t ntodo, struct sweep_result *res, size_t *ffail,
                     struct sl_err *e) {
  size_t next = 0, finished = 0;
  int nw, (*to)[2] = NULL, from[2] = {-1, -1}, *busy = NULL;
  pid_t *pid = NULL, master;
  struct sigaction sa, old_sa;
  double t0, last = 0;
  int tty = isatty(2), rc = 0;
  nw = o->jobs < 1 ? 1 : o->jobs;
  if ((size_t)nw > ntodo) nw = (int)ntodo;
  if (ntodo == 0) return 0;
  fflush(NULL);
  if (!(to = calloc((size_t)nw, sizeof *to)) || !(pid = calloc((size_t)nw, sizeof *pid)) ||
      !(busy = calloc((size_t)nw, sizeof *busy)) || pipe(from) < 0) {
    rc = sl_errf(e, "cannot set up workers: %s", strerror(errno));
    goto done;
  }
  master = getpid();
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, &old_sa);
  for (int i = 0; i < nw; i++) {
    if (pipe(to[i]) < 0) { rc = sl_errf(e, "pipe: %s", strerror(errno)); nw = i; break; }
    if ((pid[i] = fork()) < 0) { rc = sl_errf(e, "fork: %s", strerror(errno)); nw = i; break; }
    if (pid[i] == 0) {
      struct worker w;
      /* A worker must not outlive its sweep: a master killed with -9 takes
      ** its workers along, instead of leaving them writing runs nobody
      ** waits for while the user starts the sweep again. The parent may
      ** have died before prctl took effect, hence the check after it. */
      if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != master) _exit(1);
      memset(&w, 0, sizeof w);
      w.x = x;
      w.o = o;
      snprintf(w.trace_dir, sizeof w.trace_dir, "%s", trace_dir);
      for (int j = 0; j <= i; j++) close(to[j][1]);
      close(from[0]);
      worker_main(&w, i, to[i][0], from[1]);
      _exit(0);
    }
    close(to[i][0]);
  }
  close(from[1]);
  from[1] = -1;
  t0 = now_s();
  for (int i = 0; i < nw && next < ntodo; i++, next++) {      /* one run each to start */
    if (write(to[i][1], &todo[next], sizeof *todo) == (ssize_t)sizeof *todo) busy[i] = 1;
  }
  while (finished < next) {
    struct done_msg m;
    ssize_t got;
    progress(o, finished, ntodo, res->failed, t0, tty, &last, 0);
    got = read(from[0], &m, sizeof m);
    if (got < 0 && errno == EINTR) {
      if (interrupted) break;
      continue;
    }
    if (got != (ssize_t)sizeof m) break;      /* every worker gone */
    finished++;
    busy[m.worker] = 0;
    if (m.result == RUN_STORED_OK) res->ok++;
    else if (m.result == -1) res->skipped++;
    else {
      res->failed++;
      if (*ffail == SIZE_MAX || x->runs[m.run].index < x->runs[*ffail].index) *ffail = (size_t)m.run;
    }
    if (!interrupted && next < ntodo &&
        write(to[m.worker][1], &todo[next], sizeof *todo) == (ssize_t)sizeof *todo) {
      busy[m.worker] = 1;
      next++;
    }
  }
  if (interrupted) {
    res->interrupted = 1;
    for (int i = 0; i < nw; i++) if (busy[i]) kill(pid[i], SIGTERM);
  }
  progress(o, finished, ntodo, res->failed, t0, tty, &last, 1);
  for (int i = 0; i < nw; i++) {
    int32_t stop = -1;
    if (write(to[i][1], &stop, sizeof stop) < 0) {}   /* a dead worker: nothing to tell */
    close(to[i][1]);
  }
  for (int i = 0; i < nw; i++) waitpid(pid[i], NULL, 0);
  sigaction(SIGINT, &old_sa, NULL);
  if (!interrupted && finished < ntodo)
    rc = sl_errf(e, "%zu run(s) were lost: a worker process died", ntodo - finished);
done:
  if (from[0] >= 0) close(from[0]);
  if (from[1] >= 0) close(from[1]);
  free(to);
  free(pid);
  free(busy);
  return rc;
}

/* {===================================================================
** Rate search (experiments/README.md, "Rate search")
** =================================================================== */

struct sgroup {
  long lo_run, hi_run;     /* the highest passing probe below every failure, the lowest failing; -1 */
  long pending;            /* the probe of this round, or -1 */
  long first;              /* the group's first run (lowest grid value) */
};

/* Whether run `i` met the search's target: 1, 0, or 0 with *missing set
** when the run failed or lacks the metric. */
static int probe_passed(struct store *st, const struct experiment *x, size_t i, int *missing) {
  const struct exp_search *sr = x->search;
  sqlite3_stmt *q = NULL;
  int pass = 0;
  if (sqlite3_prepare_v2(st->db, "SELECT m.value FROM runs r JOIN metrics m ON m.run_id = r.run_id "
                         "WHERE r.run_key = ? AND r.status = 'ok' AND r.superseded = 0 AND "
                         "m.name = ? AND m.class = ?", -1, &q, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(q, 1, x->runs[i].key, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, sr->metric, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, sr->cls, -1, SQLITE_STATIC);
  if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
    double v = sqlite3_column_double(q, 0);
    pass = sr->at_least ? v >= sr->target : v <= sr->target;
  } else {
    *missing = 1;
  }
  sqlite3_finalize(q);
  return pass;
}

/* The next bisection value between lo and hi, on 6 significant digits (a
** stable text for the run key), or NAN when the interval is within the
** tolerance or has no such value inside. */
static double midpoint(const struct exp_search *sr, double lo, double hi) {
  char buf[64];
  double mid;
  if (hi - lo <= sr->tol * lo) return NAN;
  snprintf(buf, sizeof buf, "%.6g", (lo + hi) / 2);
  mid = strtod(buf, NULL);
  return mid > lo && mid < hi ? mid : NAN;
}

static int write_result(struct store *st, const struct experiment *x, const struct sgroup *g,
                        struct sl_err *e) {
  long at = g->lo_run >= 0 ? g->lo_run : g->first;
  sqlite3_stmt *q = NULL;
  int rc = 0;
  if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO metrics(run_id, name, class, value) "
                         "SELECT run_id, ?, 'all', ? FROM runs WHERE run_key = ? AND "
                         "status = 'ok' AND superseded = 0", -1, &q, NULL) != SQLITE_OK)
    return sl_errf(e, "cannot store the search result: %s", sqlite3_errmsg(st->db));
  for (int k = 0; k < 2 && rc == 0; k++) {
    if (k == 1 && g->hi_run < 0) break;
    sqlite3_bind_text(q, 1, k ? "search_bound" : "search_max", -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 2, k ? x->runs[g->hi_run].svalue
                                : g->lo_run >= 0 ? x->runs[g->lo_run].svalue : 0);
    sqlite3_bind_text(q, 3, x->runs[at].key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
      rc = sl_errf(e, "cannot store the search result: %s", sqlite3_errmsg(st->db));
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  return rc;
}

static int search_phase(struct experiment *x, const struct sweep_opts *o, const char *trace_dir,
                        struct sweep_result *res, size_t *ffail, struct sl_err *e) {
  const struct exp_search *sr = x->search;
  size_t ng = sr->ngroups, nbase = x->nruns;
  struct sgroup *g = sl_alloc((ng ? ng : 1) * sizeof *g, e);
  int32_t *todo = NULL;
  struct store st;
  int rc = -1, open = 0, missing = 0;
  if (!g) return -1;
  for (size_t i = 0; i < ng; i++) g[i].lo_run = g[i].hi_run = g[i].pending = g[i].first = -1;
  if (!(todo = sl_alloc((ng ? ng : 1) * sizeof *todo, e)) || store_open(&st, o->db, e) < 0) goto done;
  open = 1;
  /* The grid: the highest value below the first failure (runs of a group
  ** are in ascending order of the value). */
  for (size_t i = 0; i < nbase; i++) {
    struct sgroup *gg = &g[x->runs[i].sgroup];
    if (gg->first < 0) gg->first = (long)i;
    if (gg->hi_run >= 0) continue;
    if (probe_passed(&st, x, i, &missing)) gg->lo_run = (long)i; else gg->hi_run = (long)i;
  }
  for (;;) {
    size_t ntodo = 0, from = x->nruns;
    for (size_t k = 0; k < ng; k++) {
      double mid;
      long p;
      g[k].pending = -1;
      if (g[k].lo_run < 0 || g[k].hi_run < 0) continue;
      mid = midpoint(sr, x->runs[g[k].lo_run].svalue, x->runs[g[k].hi_run].svalue);
      if (isnan(mid)) continue;
      if ((p = exp_probe(x, (size_t)g[k].lo_run, mid, e)) < 0) goto done;
      g[k].pending = p;
      todo[ntodo++] = (int32_t)p;
    }
    if (ntodo == 0 || interrupted) break;
    if (take_keys(x, from, trace_dir, e) < 0) goto done;
    store_close(&st);
    open = 0;
    res->total += ntodo;
    if (run_batch(x, o, trace_dir, todo, ntodo, res, ffail, e) < 0) goto done;
    if (res->interrupted) break;
    if (store_open(&st, o->db, e) < 0) goto done;
    open = 1;
    for (size_t k = 0; k < ng; k++) {
      if (g[k].pending < 0) continue;
      if (probe_passed(&st, x, (size_t)g[k].pending, &missing)) g[k].lo_run = g[k].pending;
      else g[k].hi_run = g[k].pending;
    }
  }
  if (!res->interrupted) {
    for (size_t k = 0; k < ng; k++)
      if (g[k].first >= 0 && write_result(&st, x, &g[k], e) < 0) goto done;
    if (missing)
      fprintf(stderr, "schedlab sweep: search: some probes failed or have no metric '%s' (class "
                      "'%s'): counted as not meeting the target\n", sr->metric, sr->cls);
  }
  rc = 0;
done:
  if (open) store_close(&st);
  free(g);
  free(todo);
  return rc;
}

/* }=================================================================== */

int sweep_run(struct experiment *x, const struct sweep_opts *o, struct sweep_result *res,
              struct sl_err *e) {
  char trace_dir[1200];
  int32_t *todo;
  size_t ntodo = 0, ffail = SIZE_MAX;
  int rc = 0;
  memset(res, 0, sizeof *res);
  sweep_trace_dir(o->db, trace_dir, sizeof trace_dir);
  if (x->search && o->nshards > 1)
    return sl_errf(e, "%s: a rate search (search = ...) cannot run in shards: its bisection "
                      "needs the results of every probe of a point", x->path);
  if (take_keys(x, 0, trace_dir, e) < 0) return -1;
  if (mark_done(x, o, e) < 0) return -1;
  if (!(todo = sl_alloc((x->nruns + 1) * sizeof *todo, e))) return -1;
  for (size_t i = 0; i < x->nruns; i++) {
    const struct exp_run *r = &x->runs[i];
    if (o->nshards > 1 && (int)(r->index % (size_t)o->nshards) != o->shard) continue;
    res->total++;
    if (r->done) res->skipped++;
    else todo[ntodo++] = (int32_t)i;
  }
  if (o->dry_run) {
    for (size_t i = 0; i < x->nruns; i++) {
      const struct exp_run *r = &x->runs[i];
      if (o->nshards > 1 && (int)(r->index % (size_t)o->nshards) != o->shard) continue;
      printf("%5zu %s %.12s seed=%llu %s\n", r->index, r->done ? "done" : "todo", r->key,
             (unsigned long long)r->cfg.seed, r->meta.point);
    }
    if (x->search) printf("(and the bisection probes of the search, which depend on these)\n");
    free(todo);
    return 0;
  }
  interrupted = 0;
  rc = run_batch(x, o, trace_dir, todo, ntodo, res, &ffail, e);
  free(todo);
  if (rc == 0 && x->search && !res->interrupted) rc = search_phase(x, o, trace_dir, res, &ffail, e);
  res->first_failed = ffail == SIZE_MAX ? NULL : &x->runs[ffail];
  return rc;
}

/* }=================================================================== */
