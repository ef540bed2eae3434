/*
** store.c — the SQLite results database: schema, and one transaction per
** run. See store.h for the tables.
*/
#include "store.h"

#include "engine.h"
#include "policy.h"
#include "runner.h"

#include "version.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_VERSION "1"

static const char *const schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);\n"
    "CREATE TABLE IF NOT EXISTS runs(\n"
    "  run_id INTEGER PRIMARY KEY,\n"
    "  run_key TEXT NOT NULL,\n"
    "  experiment TEXT,\n"
    "  label TEXT,\n"
    "  policy TEXT NOT NULL,\n"
    "  policy_path TEXT,\n"
    "  device TEXT NOT NULL,\n"
    "  trace TEXT NOT NULL,\n"
    "  seed INTEGER NOT NULL,\n"
    "  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),\n"
    "  error TEXT,\n"
    "  engine_version TEXT NOT NULL,\n"
    "  started_at TEXT NOT NULL,\n"
    "  wall_ms REAL,\n"
    "  n_tasks INTEGER,\n"
    "  sim_end_ns INTEGER,\n"
    "  events INTEGER,\n"
    "  hook_calls INTEGER,\n"
    "  point TEXT,\n"
    "  trace_origin TEXT);\n"
    "CREATE INDEX IF NOT EXISTS runs_by_key ON runs(run_key);\n"
    "CREATE TABLE IF NOT EXISTS params(\n"
    "  run_id INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  value,\n"
    "  PRIMARY KEY (run_id, name)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS tasks(\n"
    "  run_id INTEGER NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  task_id INTEGER NOT NULL,\n"
    "  tenant TEXT,\n"
    "  network TEXT NOT NULL,\n"
    "  batch INTEGER NOT NULL,\n"
    "  priority INTEGER NOT NULL,\n"
    "  arrival_ns INTEGER NOT NULL,\n"
    "  start_ns INTEGER,\n"
    "  finish_ns INTEGER,\n"
    "  isolated_ns INTEGER NOT NULL,\n"
    "  deadline_ns INTEGER,\n"
    "  preemptions INTEGER NOT NULL,\n"
    "  overhead_ns INTEGER NOT NULL,\n"
    "  wasted_ns INTEGER NOT NULL,\n"
    "  waited_ns INTEGER NOT NULL,\n"
    "  checkpoints INTEGER NOT NULL,\n"
    "  kills INTEGER NOT NULL,\n"
    "  workload TEXT,\n"
    "  PRIMARY KEY (run_id, seq)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS metrics(\n"
    "  run_id INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  class TEXT NOT NULL,\n"
    "  value REAL,\n"
    "  PRIMARY KEY (run_id, name, class)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS baselines(\n"
    "  experiment TEXT PRIMARY KEY,\n"
    "  policy TEXT NOT NULL);\n"
    /* Student t quantiles t(0.975, df) for 95% confidence intervals over seeds. */
    "CREATE TABLE IF NOT EXISTS t975(df INTEGER PRIMARY KEY, t REAL NOT NULL);\n"
    "INSERT OR IGNORE INTO t975 VALUES (1,12.706),(2,4.303),(3,3.182),(4,2.776),(5,2.571),\n"
    "  (6,2.447),(7,2.365),(8,2.306),(9,2.262),(10,2.228),(11,2.201),(12,2.179),(13,2.160),\n"
    "  (14,2.145),(15,2.131),(16,2.120),(17,2.110),(18,2.101),(19,2.093),(20,2.086),\n"
    "  (21,2.080),(22,2.074),(23,2.069),(24,2.064),(25,2.060),(26,2.056),(27,2.052),\n"
    "  (28,2.048),(29,2.045),(30,2.042),(40,2.021),(60,2.000),(120,1.980);\n"
    /* Metrics of successful runs with what identifies their configuration. */
    "CREATE VIEW IF NOT EXISTS run_metrics AS\n"
    "  SELECT r.run_id, r.experiment, r.policy, r.device, r.trace, r.seed, r.point,\n"
    "         m.name AS metric, m.class, m.value\n"
    "  FROM runs r JOIN metrics m ON m.run_id = r.run_id WHERE r.status = 'ok';\n"
    /* Each run against the baseline policy of its experiment on the same
    ** workload: same trace (file or generator output), device and seed. */
    "CREATE VIEW IF NOT EXISTS vs_baseline AS\n"
    "  SELECT a.run_id, a.experiment, a.policy, a.point, a.seed, a.metric, a.class,\n"
    "         a.value, b.value AS baseline_value, bl.policy AS baseline,\n"
    "         CASE WHEN b.value != 0 THEN a.value / b.value END AS ratio\n"
    "  FROM run_metrics a JOIN baselines bl ON bl.experiment = a.experiment\n"
    "  JOIN run_metrics b ON b.experiment = a.experiment AND b.policy = bl.policy\n"
    "    AND b.trace = a.trace AND b.device = a.device AND b.seed = a.seed\n"
    "    AND b.metric = a.metric AND b.class = a.class;\n"
    "INSERT OR IGNORE INTO meta VALUES ('schema_version', '" SCHEMA_VERSION "');\n";

/* Main metrics shown as columns of run_summary (class 'all'). */
static const char *const summary_metrics[] = {
    "count", "antt", "stp", "fairness", "p50_latency_ns", "p99_latency_ns", "sla_5",
    "throughput_rps", "utilization", "preemptions", "overhead_ns", "deadline_miss_rate", NULL};

static int db_err(struct store *st, struct sl_err *e, const char *what) {
  return sl_errf(e, "database: %s: %s", what, sqlite3_errmsg(st->db));
}

int store_exec(struct store *st, const char *sql, struct sl_err *e) {
  char *msg = NULL;
  if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    sl_errf(e, "database: %s", msg ? msg : sqlite3_errmsg(st->db));
    sqlite3_free(msg);
    return -1;
  }
  return 0;
}

int store_open(struct store *st, const char *path, struct sl_err *e) {
  memset(st, 0, sizeof *st);
  if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    sl_errf(e, "database %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "cannot open");
    store_close(st);
    return -1;
  }
  sqlite3_busy_timeout(st->db, 120000);
  if (store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", e) < 0 ||
      store_exec(st, "BEGIN IMMEDIATE;", e) < 0) {
    sl_err_prefix(e, "%s", path);
    store_close(st);
    return -1;
  }
  if (store_exec(st, schema, e) < 0 || store_exec(st, "COMMIT;", e) < 0) {
    sl_err_prefix(e, "%s", path);
    store_close(st);
    return -1;
  }
  return 0;
}

/* {===================================================================
** Summary views: run_summary and policy_summary, rebuilt because they have
** a column per param name the database holds.
** =================================================================== */

/* Where a metric's values live, by name, so policy_summary's lo/hi never
** leave it: SHARE is [0, 1] (Wilson score interval), POSITIVE is (0, inf)
** or [0, inf) (an interval on the log scale). A name matching no row is
** REAL (mean +- ci95). Rows are tried in order; a metric added to
** metrics.c with another name belongs here too. */
enum domain { DOM_REAL, DOM_SHARE, DOM_POSITIVE };
static const struct {
  const char *glob;                    /* SQLite GLOB pattern over the metric name */
  enum domain dom;
} metric_domains[] = {
    {"sla_*", DOM_SHARE},            {"deadline_miss_rate", DOM_SHARE},
    {"utilization", DOM_SHARE},      {"fairness", DOM_SHARE},
    {"*_share", DOM_SHARE},          {"*_fraction", DOM_SHARE},
    {"antt", DOM_POSITIVE},          {"stp", DOM_POSITIVE},
    {"*_ns", DOM_POSITIVE},          {"*ntt", DOM_POSITIVE},
    {"throughput*", DOM_POSITIVE},   {"count", DOM_POSITIVE},
    {"unfinished", DOM_POSITIVE},    {"mean_np", DOM_POSITIVE},
    {"preemptions", DOM_POSITIVE},   {"checkpoints", DOM_POSITIVE},
    {"kills", DOM_POSITIVE},         {"drains", DOM_POSITIVE},
    {"overhead*", DOM_POSITIVE},     {"wasted*", DOM_POSITIVE},
};

/* Names the views use themselves; a param whose column name would clash
** with one (SQLite compares names without case) gets a suffix instead. */
static const char *const fixed_columns[] = {
    "run_id", "experiment", "label", "policy", "device", "trace", "seed", "status", "point",
    "metric", "class", "n", "mean", "sd", "ci95", "lo", "hi", NULL};

struct param_cols {
  char **name, **col;                  /* param name, its column name */
  size_t n, cap;
};

static void param_cols_free(struct param_cols *pc) {
  for (size_t i = 0; i < pc->n; i++) { free(pc->name[i]); free(pc->col[i]); }
  free(pc->name);
  free(pc->col);
  memset(pc, 0, sizeof *pc);
}

static int column_taken(const struct param_cols *pc, const char *c) {
  for (int i = 0; fixed_columns[i]; i++) if (!sqlite3_stricmp(fixed_columns[i], c)) return 1;
  for (int i = 0; summary_metrics[i]; i++) if (!sqlite3_stricmp(summary_metrics[i], c)) return 1;
  for (size_t i = 0; i < pc->n; i++) if (!sqlite3_stricmp(pc->col[i], c)) return 1;
  return 0;
}

/* Every param name, in name order, with its column name: each character
** outside [A-Za-z0-9_] becomes '_' (trace.load -> trace_load). When two
** names map to one column (trace.load and trace_load), or a name to a
** column the view has anyway, the later one gets _2, _3, ... */
static int param_columns(struct store *st, struct param_cols *pc, struct sl_err *e) {
  sqlite3_stmt *q = NULL;
  int rc;
  memset(pc, 0, sizeof *pc);
  if (sqlite3_prepare_v2(st->db, "SELECT DISTINCT name FROM params ORDER BY name", -1, &q, NULL) != SQLITE_OK)
    return db_err(st, e, "param names");
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(q, 0);
    size_t len = strlen(name ? name : "");
    char *col = sl_alloc(len + 24, e), *base;
    char **nn = sl_grow(pc->name, &pc->cap, pc->n + 1, sizeof *nn, e);
    if (!col || !nn) { free(col); sqlite3_finalize(q); return -1; }
    pc->name = nn;
    {
      size_t cap = pc->cap;
      char **nc = realloc(pc->col, cap * sizeof *nc);
      if (!nc) { free(col); sqlite3_finalize(q); return sl_errf(e, "out of memory"); }
      pc->col = nc;
    }
    for (size_t i = 0; i < len; i++) {
      char ch = name[i];
      col[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ? ch : '_';
    }
    col[len] = 0;
    if (!len) strcpy(col, "param");
    base = sl_strdup(col, e);
    if (!base || !(pc->name[pc->n] = sl_strdup(name ? name : "", e))) {
      free(col); free(base); sqlite3_finalize(q); return -1;
    }
    for (int k = 2; column_taken(pc, col); k++) sprintf(col, "%s_%d", base, k);
    free(base);
    pc->col[pc->n++] = col;
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return db_err(st, e, "param names");
  return 0;
}

/* run_summary: one row per run, its params as columns and its main metrics. */
static void build_run_summary(struct sl_buf *b, const struct param_cols *pc) {
  sl_buf_addf(b, "DROP VIEW IF EXISTS run_summary;\nCREATE VIEW run_summary AS\n"
                 "  SELECT r.run_id, r.experiment, r.label, r.policy, r.device, r.trace, r.seed,\n"
                 "         r.status, r.point");
  for (size_t i = 0; i < pc->n; i++) {
    char *sql = sqlite3_mprintf(",\n         (SELECT value FROM params p WHERE p.run_id = r.run_id AND "
                                "p.name = %Q) AS \"%w\"", pc->name[i], pc->col[i]);
    if (!sql) { b->oom = 1; return; }
    sl_buf_addf(b, "%s", sql);
    sqlite3_free(sql);
  }
  for (int i = 0; summary_metrics[i]; i++)
    sl_buf_addf(b, ",\n         (SELECT value FROM metrics m WHERE m.run_id = r.run_id AND "
                   "m.class = 'all' AND m.name = '%s') AS %s", summary_metrics[i], summary_metrics[i]);
  sl_buf_addf(b, "\n  FROM runs r;\n");
}

/* policy_summary: each metric over the seeds of a configuration (mean, sd,
** ci95 = t * sd / sqrt(n) with Student's t) and lo/hi, a 95% interval
** inside the metric's domain:
**   SHARE: Wilson score interval at the effective sample size the
**     seed-to-seed variance implies (Kish): n_eff = p(1-p) / (sd^2/n);
**     its z is the same t quantile, so away from 0 and 1 it agrees with
**     mean +- ci95. All seeds equal (sd = 0, or p at 0 or 1): [p, p].
**   POSITIVE: mean * exp(+-t * (sd/mean) / sqrt(n)), the delta-method
**     interval of log(mean), never below 0.
**   REAL, or data outside the domain its name promises: mean +- ci95.
** One seed: lo and hi are NULL. A param's column holds its value when every
** run of the row has the same one (trace_seed differs between seeds: NULL).
** Columns named "x.*" are internal; param columns never hold a dot. */
static void build_policy_summary(struct sl_buf *b, const struct param_cols *pc) {
  sl_buf_addf(b, "DROP VIEW IF EXISTS policy_summary;\nCREATE VIEW policy_summary AS\n"
                 "  WITH pv AS (SELECT run_id");
  for (size_t i = 0; i < pc->n; i++) {
    char *sql = sqlite3_mprintf(", max(CASE WHEN name = %Q THEN value END) AS \"x.p%d\"", pc->name[i], (int)i);
    if (!sql) { b->oom = 1; return; }
    sl_buf_addf(b, "%s", sql);
    sqlite3_free(sql);
  }
  sl_buf_addf(b, " FROM params GROUP BY run_id),\n"
                 "  a AS (SELECT m.experiment, m.policy, m.device, m.point, m.metric, m.class,\n"
                 "              count(*) AS n, avg(m.value) AS mean,\n"
                 "              CASE WHEN count(*) > 1 THEN sqrt(max(0, (sum(m.value * m.value)\n"
                 "                - count(*) * avg(m.value) * avg(m.value)) / (count(*) - 1))) END AS sd");
  for (size_t i = 0; i < pc->n; i++)
    sl_buf_addf(b, ",\n              CASE WHEN count(pv.\"x.p%zu\") = count(*) AND min(pv.\"x.p%zu\") IS "
                   "max(pv.\"x.p%zu\") THEN min(pv.\"x.p%zu\") END AS \"x.p%zu\"", i, i, i, i, i);
  sl_buf_addf(b, "\n         FROM run_metrics m LEFT JOIN pv ON pv.run_id = m.run_id\n"
                 "         GROUP BY m.experiment, m.policy, m.device, m.point, m.metric, m.class),\n"
                 "  b AS (SELECT a.*, coalesce((SELECT t FROM t975 WHERE df <= a.n - 1 ORDER BY df DESC LIMIT 1),"
                 " 1.96) AS \"x.t\",\n              CASE");
  for (size_t i = 0; i < sizeof metric_domains / sizeof *metric_domains; i++)
    sl_buf_addf(b, " WHEN a.metric GLOB '%s' THEN %d", metric_domains[i].glob, (int)metric_domains[i].dom);
  sl_buf_addf(b, " ELSE %d END AS \"x.dom\" FROM a),\n"
                 "  c AS (SELECT b.*, b.\"x.t\" * b.sd / sqrt(b.n) AS ci95,\n"
                 "              CASE WHEN b.\"x.dom\" = %d AND b.sd > 0 AND b.mean > 0 AND b.mean < 1\n"
                 "                THEN b.mean * (1 - b.mean) / (b.sd * b.sd / b.n) END AS \"x.neff\",\n"
                 "              CASE WHEN b.\"x.dom\" = %d AND b.sd > 0 AND b.mean > 0\n"
                 "                THEN b.\"x.t\" * (b.sd / b.mean) / sqrt(b.n) END AS \"x.lw\"\n"
                 "         FROM b)\n",
              (int)DOM_REAL, (int)DOM_SHARE, (int)DOM_POSITIVE);
  sl_buf_addf(b, "  SELECT experiment, policy, device, point, metric, class, n, mean, sd, ci95");
  for (int hi = 0; hi < 2; hi++)
    sl_buf_addf(b, ",\n    CASE WHEN n < 2 OR sd IS NULL THEN NULL\n"
                   "      WHEN sd = 0 OR (\"x.dom\" = %d AND (mean <= 0 OR mean >= 1)"
                   " AND min(mean, 1 - mean) > -1e-12) THEN mean\n"
                   "      WHEN \"x.neff\" IS NOT NULL THEN (mean + \"x.t\" * \"x.t\" / (2 * \"x.neff\") %c \"x.t\"\n"
                   "        * sqrt(mean * (1 - mean) / \"x.neff\" + \"x.t\" * \"x.t\" / (4 * \"x.neff\" * \"x.neff\")))\n"
                   "        / (1 + \"x.t\" * \"x.t\" / \"x.neff\")\n"
                   "      WHEN \"x.lw\" IS NOT NULL THEN mean * exp(%c\"x.lw\")\n"
                   "      ELSE mean %c ci95 END AS %s",
                (int)DOM_SHARE, hi ? '+' : '-', hi ? ' ' : '-', hi ? '+' : '-', hi ? "hi" : "lo");
  for (size_t i = 0; i < pc->n; i++) {
    char *sql = sqlite3_mprintf(",\n    \"x.p%d\" AS \"%w\"", (int)i, pc->col[i]);
    if (!sql) { b->oom = 1; return; }
    sl_buf_addf(b, "%s", sql);
    sqlite3_free(sql);
  }
  sl_buf_addf(b, "\n  FROM c;\n");
}

int store_refresh_views(struct store *st, struct sl_err *e) {
  struct sl_buf b = {0};
  struct param_cols pc;
  int rc = -1;
  if (param_columns(st, &pc, e) < 0) goto done;
  build_run_summary(&b, &pc);
  build_policy_summary(&b, &pc);
  if (b.oom) { sl_errf(e, "out of memory"); goto done; }
  rc = store_exec(st, "BEGIN IMMEDIATE;", e);
  if (rc == 0 && (rc = store_exec(st, b.s, e)) == 0) rc = store_exec(st, "COMMIT;", e);
  if (rc < 0) store_exec(st, "ROLLBACK;", NULL);
done:
  param_cols_free(&pc);
  sl_buf_free(&b);
  return rc;
}

/* }=================================================================== */

void store_close(struct store *st) {
  if (st->db) sqlite3_close(st->db);
  st->db = NULL;
}

/* {===================================================================
** Writing one run
** =================================================================== */

struct writer {
  struct store *st;
  struct sim *sim;
  const struct run_meta *meta;
  sqlite3_stmt *task;
  int64_t run_id;
  struct sl_err *e;
};

static void bind_opt(sqlite3_stmt *q, int i, sl_ns v) {
  if (v == SL_NS_NONE) sqlite3_bind_null(q, i); else sqlite3_bind_int64(q, i, v);
}

static int write_task(void *ud, const struct task_rec *r) {
  struct writer *w = ud;
  sqlite3_stmt *q = w->task;
  const struct sim *s = w->sim;
  int i = 1;
  sqlite3_bind_int64(q, i++, w->run_id);
  sqlite3_bind_int64(q, i++, (sqlite3_int64)r->seq);
  sqlite3_bind_int64(q, i++, r->task_id);
  sqlite3_bind_text(q, i++, strtab_get(&s->tenants, r->tenant), -1, SQLITE_STATIC);
  sqlite3_bind_text(q, i++, strtab_get(&s->networks, r->network), -1, SQLITE_STATIC);
  sqlite3_bind_int(q, i++, r->batch);
  sqlite3_bind_int(q, i++, r->priority);
  sqlite3_bind_int64(q, i++, r->arrival);
  bind_opt(q, i++, r->start);
  bind_opt(q, i++, r->finish);
  sqlite3_bind_int64(q, i++, r->isolated);
  bind_opt(q, i++, r->deadline);
  sqlite3_bind_int(q, i++, r->preemptions);
  sqlite3_bind_int64(q, i++, r->overhead);
  sqlite3_bind_int64(q, i++, r->wasted);
  sqlite3_bind_int64(q, i++, r->waited);
  sqlite3_bind_int(q, i++, r->checkpoints);
  sqlite3_bind_int(q, i++, r->kills);
  {
    const char *wl = strtab_get(&s->workloads, r->workload);
    if (*wl) sqlite3_bind_text(q, i++, wl, -1, SQLITE_STATIC); else sqlite3_bind_null(q, i++);
  }
  if (sqlite3_step(q) != SQLITE_DONE) return db_err(w->st, w->e, "insert task");
  sqlite3_reset(q);
  return 0;
}

/* Bind a textual value with its natural type, so SQL compares numbers as numbers. */
static void bind_natural(sqlite3_stmt *q, int i, const char *v) {
  int64_t iv;
  double dv;
  if (sl_parse_i64(v, &iv) == 0) sqlite3_bind_int64(q, i, iv);
  else if (sl_parse_double(v, &dv) == 0) sqlite3_bind_double(q, i, dv);
  else sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT);
}

static int write_params(struct writer *w) {
  struct sim *s = w->sim;
  sqlite3_stmt *q = NULL;
  size_t n = 0;
  const struct pol_param *pp = s->pol ? pol_params(s->pol, &n) : NULL;
  char num[64];
  if (sqlite3_prepare_v2(w->st->db, "INSERT INTO params(run_id, name, value) VALUES (?, ?, ?)",
                         -1, &q, NULL) != SQLITE_OK)
    return db_err(w->st, w->e, "prepare params");
#define PARAM_ROW(NAME, BIND)                                              \
  do {                                                                     \
    sqlite3_bind_int64(q, 1, w->run_id);                                   \
    sqlite3_bind_text(q, 2, (NAME), -1, SQLITE_TRANSIENT);                 \
    BIND;                                                                  \
    if (sqlite3_step(q) != SQLITE_DONE) goto fail;                         \
    sqlite3_reset(q);                                                      \
  } while (0)
  for (size_t i = 0; i < n; i++) {
    switch (pp[i].type) {
    case PT_INT: PARAM_ROW(pp[i].name, sqlite3_bind_int64(q, 3, pp[i].i)); break;
    case PT_FLOAT: PARAM_ROW(pp[i].name, sqlite3_bind_double(q, 3, pp[i].d)); break;
    case PT_BOOL:
      PARAM_ROW(pp[i].name, sqlite3_bind_text(q, 3, pp[i].i ? "true" : "false", -1, SQLITE_STATIC));
      break;
    case PT_STRING: PARAM_ROW(pp[i].name, sqlite3_bind_text(q, 3, pp[i].s, -1, SQLITE_STATIC)); break;
    }
  }
  if (s->dev)
    for (size_t i = 0; i < s->dev->nparams; i++) {
      char name[160];
      snprintf(name, sizeof name, "device.%s", s->dev->params[i].name);
      PARAM_ROW(name, bind_natural(q, 3, s->dev->params[i].value));
    }
  snprintf(num, sizeof num, "%.17g", s->cfg.predict_sigma);
  PARAM_ROW("predict_sigma", bind_natural(q, 3, num));
  if (w->meta)
    for (size_t i = 0; i < w->meta->nextra; i++)
      PARAM_ROW(w->meta->extra[i].key, bind_natural(q, 3, w->meta->extra[i].value));
#undef PARAM_ROW
  sqlite3_finalize(q);
  return 0;
fail:
  db_err(w->st, w->e, "insert param");
  sqlite3_finalize(q);
  return -1;
}

static int write_metrics(struct writer *w) {
  const struct metric_set *ms = &w->sim->metrics;
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(w->st->db, "INSERT INTO metrics(run_id, name, class, value) "
                                    "VALUES (?, ?, ?, ?)", -1, &q, NULL) != SQLITE_OK)
    return db_err(w->st, w->e, "prepare metrics");
  for (size_t i = 0; i < ms->n; i++) {
    sqlite3_bind_int64(q, 1, w->run_id);
    sqlite3_bind_text(q, 2, ms->m[i].name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, ms->m[i].cls, -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 4, ms->m[i].value);
    if (sqlite3_step(q) != SQLITE_DONE) {
      db_err(w->st, w->e, "insert metric");
      sqlite3_finalize(q);
      return -1;
    }
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  return 0;
}

static void bind_opt_text(sqlite3_stmt *q, int i, const char *v) {
  if (v) sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC); else sqlite3_bind_null(q, i);
}

static int write_run_row(struct writer *w, const struct run_info *ri) {
  struct sim *s = w->sim;
  const struct run_meta *m = ri->meta;
  sqlite3_stmt *q = NULL;
  int i = 1, ok = s->status == SIM_OK;
  if (sqlite3_prepare_v2(w->st->db,
                         "INSERT INTO runs(run_key, experiment, label, policy, policy_path, device,"
                         " trace, seed, status, error, engine_version, started_at, wall_ms,"
                         " n_tasks, sim_end_ns, events, hook_calls, point, trace_origin)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &q, NULL) != SQLITE_OK)
    return db_err(w->st, w->e, "prepare run");
  sqlite3_bind_text(q, i++, ri->run_key, -1, SQLITE_STATIC);
  bind_opt_text(q, i++, m ? m->experiment : NULL);
  bind_opt_text(q, i++, m ? m->label : NULL);
  /* A run that failed before its policy loaded still names what it was given. */
  sqlite3_bind_text(q, i++, s->policy_name[0] ? s->policy_name : s->cfg.policy, -1, SQLITE_STATIC);
  bind_opt_text(q, i++, s->policy_path[0] ? s->policy_path : NULL);
  sqlite3_bind_text(q, i++, s->cfg.device_spec, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, i++, s->cfg.trace_path, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, i++, (sqlite3_int64)s->cfg.seed);
  sqlite3_bind_text(q, i++, ok ? "ok" : "failed", -1, SQLITE_STATIC);
  bind_opt_text(q, i++, ok ? NULL : s->err.msg);
  sqlite3_bind_text(q, i++, SL_VERSION, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, i++, ri->started_at, -1, SQLITE_STATIC);
  sqlite3_bind_double(q, i++, ri->wall_ms);
  if (ok) sqlite3_bind_int64(q, i++, (sqlite3_int64)s->spool.n); else sqlite3_bind_null(q, i++);
  sqlite3_bind_int64(q, i++, s->now);
  sqlite3_bind_int64(q, i++, (sqlite3_int64)s->events);
  sqlite3_bind_int64(q, i++, (sqlite3_int64)s->hook_calls);
  bind_opt_text(q, i++, m ? m->point : NULL);
  bind_opt_text(q, i++, m ? m->trace_origin : NULL);
  if (sqlite3_step(q) != SQLITE_DONE) {
    db_err(w->st, w->e, "insert run");
    sqlite3_finalize(q);
    return -1;
  }
  sqlite3_finalize(q);
  w->run_id = sqlite3_last_insert_rowid(w->st->db);
  return 0;
}

/* A sweep retrying a run: earlier failed attempts of the same key go. */
static int drop_failed(struct writer *w, const char *key) {
  static const char *const sql[] = {
      "DELETE FROM params WHERE run_id IN (SELECT run_id FROM runs WHERE run_key = ?1 AND status = 'failed')",
      "DELETE FROM runs WHERE run_key = ?1 AND status = 'failed'"};
  for (int i = 0; i < 2; i++) {
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(w->st->db, sql[i], -1, &q, NULL) != SQLITE_OK)
      return db_err(w->st, w->e, "prepare retry");
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
      db_err(w->st, w->e, "drop failed attempts");
      sqlite3_finalize(q);
      return -1;
    }
    sqlite3_finalize(q);
  }
  return 0;
}

int store_write_run(struct store *st, struct sim *s, const struct run_info *ri, int64_t *run_id,
                    struct sl_err *e) {
  struct writer w;
  memset(&w, 0, sizeof w);
  w.st = st;
  w.sim = s;
  w.meta = ri->meta;
  w.e = e;
  if (store_exec(st, "BEGIN IMMEDIATE;", e) < 0) return -1;
  if (ri->meta && ri->meta->sweep && drop_failed(&w, ri->run_key) < 0) goto fail;
  if (write_run_row(&w, ri) < 0 || write_params(&w) < 0) goto fail;
  if (s->status == SIM_OK) {
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO tasks(run_id, seq, task_id, tenant, network, batch,"
                           " priority, arrival_ns, start_ns, finish_ns, isolated_ns, deadline_ns,"
                           " preemptions, overhead_ns, wasted_ns, waited_ns, checkpoints, kills,"
                           " workload) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &w.task, NULL) != SQLITE_OK) {
      db_err(st, e, "prepare tasks");
      goto fail;
    }
    if (spool_each(&s->spool, write_task, &w, e) != 0) goto fail;
    sqlite3_finalize(w.task);
    w.task = NULL;
    if (write_metrics(&w) < 0) goto fail;
  }
  if (store_exec(st, "COMMIT;", e) < 0) goto fail;
  *run_id = w.run_id;
  return 0;
fail:
  sqlite3_finalize(w.task);
  store_exec(st, "ROLLBACK;", NULL);
  return -1;
}

/* }=================================================================== */
