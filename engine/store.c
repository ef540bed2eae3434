/*
** store.c — the SQLite results database: schema, and one transaction per
** run. See store.h for the tables.
*/
#include "store.h"

#include "engine.h"
#include "policy.h"
#include "runner.h"

#include "version.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SCHEMA_VERSION "4"

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
    "  trace_origin TEXT,\n"
    "  superseded INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE INDEX IF NOT EXISTS runs_by_key ON runs(run_key);\n"
    "CREATE INDEX IF NOT EXISTS runs_by_point ON runs(experiment, point, seed);\n"
    /* The database itself keeps a key from being stored as two current successes. */
    "CREATE UNIQUE INDEX IF NOT EXISTS runs_one_ok_per_key ON runs(run_key)\n"
    "  WHERE status = 'ok' AND superseded = 0;\n"
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
    "  unit INTEGER,\n"
    "  migrations INTEGER NOT NULL DEFAULT 0,\n"
    "  exit INTEGER,\n"
    "  accuracy REAL,\n"
    "  accuracy_abs REAL,\n"
    "  dropped INTEGER NOT NULL DEFAULT 0,\n"
    "  PRIMARY KEY (run_id, seq)) WITHOUT ROWID;\n"
    /* Only runs made with --record intervals have rows. Plots read one run's
    ** units in time order, hence the key. */
    "CREATE TABLE IF NOT EXISTS intervals(\n"
    "  run_id INTEGER NOT NULL,\n"
    "  task_id INTEGER NOT NULL,\n"
    "  unit INTEGER NOT NULL,\n"
    "  start_ns INTEGER NOT NULL,\n"
    "  end_ns INTEGER NOT NULL,\n"
    "  share INTEGER NOT NULL,\n"
    "  rate REAL NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS intervals_by_run ON intervals(run_id, unit, start_ns);\n"
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
    /* Metrics of the current successful runs with what identifies their configuration. */
    "CREATE VIEW IF NOT EXISTS run_metrics AS\n"
    "  SELECT r.run_id, r.experiment, r.policy, r.device, r.trace, r.seed, r.point,\n"
    "         m.name AS metric, m.class, m.value\n"
    "  FROM runs r JOIN metrics m ON m.run_id = r.run_id\n"
    "  WHERE r.status = 'ok' AND r.superseded = 0;\n"
    "CREATE VIEW IF NOT EXISTS task_times AS\n"
    "  SELECT t.*, t.finish_ns - t.arrival_ns AS latency_ns FROM tasks t;\n"
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

/* One line of meaning per column of every table and view, for `query
** --schema`. A test checks that every column the database has is here,
** so a new column without a description fails the build's tests. Params
** columns of run_summary and policy_summary are found in the database and
** described by cmd_query.c. */
static const struct store_doc docs[] = {
    {"meta", NULL, "what the file is: key/value pairs"},
    {"meta", "key", "'schema_version'"},
    {"meta", "value", "its value (this schedlab writes schema version " SCHEMA_VERSION ")"},
    {"runs", NULL, "one row per run, successful or failed"},
    {"runs", "run_id", "the run's number in this database"},
    {"runs", "run_key", "hash of everything that determines the results (inputs, params, engine)"},
    {"runs", "experiment", "experiment name (sweep, or run --experiment); NULL for a plain run"},
    {"runs", "label", "free-form label (run --label, or a grid point's label)"},
    {"runs", "policy", "policy name"},
    {"runs", "policy_path", "the policy script that ran"},
    {"runs", "device", "device spec: npu-prema, npu:FILE.dev, profile:TABLE.csv"},
    {"runs", "trace", "trace file (generated traces: the cached file; run --tasks: the task-set "
                      "file)"},
    {"runs", "seed", "seed of the run's random streams"},
    {"runs", "status", "'ok' or 'failed'"},
    {"runs", "error", "why a failed run failed"},
    {"runs", "engine_version", "schedlab version that ran it"},
    {"runs", "started_at", "start time, ISO 8601 UTC with milliseconds (YYYY-MM-DDTHH:MM:SS.mmmZ)"},
    {"runs", "wall_ms", "wall-clock time of the run, ms"},
    {"runs", "n_tasks", "requests in the trace (successful runs)"},
    {"runs", "sim_end_ns", "simulated time at the end, ns"},
    {"runs", "events", "engine events processed"},
    {"runs", "hook_calls", "calls into the policy"},
    {"runs", "point", "the grid point without its seed: key=value;... (sweeps)"},
    {"runs", "trace_origin", "a generated trace's description (generator and params)"},
    {"runs", "superseded", "1: a later success of the same key or (experiment, point, seed) "
                           "replaced it; views leave it out"},
    {"params", NULL, "every knob of a run"},
    {"params", "run_id", "the run"},
    {"params", "name", "policy param, device.*, trace.* (generator), var.*, limit.*, predict_sigma, "
                       "record.intervals (1 when the run kept its intervals)"},
    {"params", "value", "its value (numbers stored as numbers)"},
    {"tasks", NULL, "one row per request of a successful run"},
    {"tasks", "run_id", "the run"},
    {"tasks", "seq", "position in the trace, from 0"},
    {"tasks", "task_id", "the trace's id of the request"},
    {"tasks", "tenant", "tenant (trace column), may be NULL"},
    {"tasks", "network", "network name"},
    {"tasks", "batch", "batch size"},
    {"tasks", "priority", "priority (larger: more important)"},
    {"tasks", "arrival_ns", "arrival time, ns"},
    {"tasks", "start_ns", "first time it ran, ns; NULL if it never ran"},
    {"tasks", "finish_ns", "completion time, ns; NULL if unfinished"},
    {"tasks", "isolated_ns", "its latency alone on the device, ns"},
    {"tasks", "deadline_ns", "absolute deadline, ns; NULL if none"},
    {"tasks", "preemptions", "times it was preempted"},
    {"tasks", "overhead_ns", "save and restore time charged to it, ns"},
    {"tasks", "wasted_ns", "progress discarded by kills, ns"},
    {"tasks", "waited_ns", "time spent ready but not running, ns"},
    {"tasks", "checkpoints", "preemptions that saved its state"},
    {"tasks", "kills", "preemptions that discarded its progress"},
    {"tasks", "workload", "workload (trace column) it belongs to, may be NULL"},
    {"tasks", "unit", "unit where it first ran, 1..K (docs/concurrency.md); NULL if it never ran"},
    {"tasks", "migrations", "times it resumed on a unit other than the one it last ran on"},
    {"tasks", "exit", "early exit it took, 1..E (the top exit is E); NULL if its network has no "
                      "exits"},
    {"tasks", "accuracy", "its exit's accuracy / the top exit's, 0 if it missed (late, dropped or "
                          "unfinished); NULL without exits"},
    {"tasks", "accuracy_abs", "100 x its exit's accuracy, 0 if it missed; NULL without exits"},
    {"tasks", "dropped", "1 if the policy dropped it (sim.drop): finish_ns is NULL"},
    {"intervals", NULL, "execution stretches, one row per stretch a request progressed on one unit "
                        "at one share and rate; only runs made with run --record intervals"},
    {"intervals", "run_id", "the run"},
    {"intervals", "task_id", "the request (tasks.task_id)"},
    {"intervals", "unit", "the unit, 1..K"},
    {"intervals", "start_ns", "start of the stretch, ns"},
    {"intervals", "end_ns", "end of the stretch, ns (> start_ns)"},
    {"intervals", "share", "capacity it held (1 on exclusive and ps units)"},
    {"intervals", "rate", "isolated ns of progress per ns during the stretch, in (0, 1]"},
    {"metrics", NULL, "metrics of successful runs (docs/metrics.md)"},
    {"metrics", "run_id", "the run"},
    {"metrics", "name", "metric name: antt, stp, p99_latency_ns, ..."},
    {"metrics", "class", "'all', a priority as text, tenant:NAME, or unit:N (per-unit utilization)"},
    {"metrics", "value", "its value (REAL)"},
    {"baselines", NULL, "each experiment's baseline policy, for vs_baseline"},
    {"baselines", "experiment", "experiment name"},
    {"baselines", "policy", "its baseline policy"},
    {"t975", NULL, "Student t quantiles for 95% confidence intervals"},
    {"t975", "df", "degrees of freedom"},
    {"t975", "t", "t(0.975, df)"},
    {"run_metrics", NULL, "metrics of current successful runs (not superseded), long form"},
    {"run_metrics", "run_id", "the run"},
    {"run_metrics", "experiment", "experiment name"},
    {"run_metrics", "policy", "policy name"},
    {"run_metrics", "device", "device spec"},
    {"run_metrics", "trace", "trace file"},
    {"run_metrics", "seed", "seed"},
    {"run_metrics", "point", "grid point without its seed"},
    {"run_metrics", "metric", "metric name"},
    {"run_metrics", "class", "'all', a priority, or tenant:NAME"},
    {"run_metrics", "value", "the metric's value"},
    {"policy_summary", NULL, "each metric over the seeds of a configuration"},
    {"policy_summary", "experiment", "experiment name"},
    {"policy_summary", "policy", "policy name"},
    {"policy_summary", "device", "device spec"},
    {"policy_summary", "point", "grid point without its seed"},
    {"policy_summary", "metric", "metric name"},
    {"policy_summary", "class", "'all', a priority, or tenant:NAME"},
    {"policy_summary", "n", "number of seeds (current runs)"},
    {"policy_summary", "mean", "mean over the seeds"},
    {"policy_summary", "sd", "sample standard deviation (NULL for one seed)"},
    {"policy_summary", "ci95", "half-width of the 95% confidence interval of the mean"},
    {"policy_summary", "lo", "lower end of the 95% interval, inside the metric's domain"},
    {"policy_summary", "hi", "upper end of the 95% interval, inside the metric's domain"},
    {"vs_baseline", NULL, "each current run against its experiment's baseline policy "
                          "on the same workload (trace, device, seed)"},
    {"vs_baseline", "run_id", "the run"},
    {"vs_baseline", "experiment", "experiment name"},
    {"vs_baseline", "policy", "policy name"},
    {"vs_baseline", "point", "grid point without its seed"},
    {"vs_baseline", "seed", "seed"},
    {"vs_baseline", "metric", "metric name"},
    {"vs_baseline", "class", "'all', a priority, or tenant:NAME"},
    {"vs_baseline", "value", "the run's value"},
    {"vs_baseline", "baseline_value", "the baseline policy's value on the same workload"},
    {"vs_baseline", "baseline", "the baseline policy"},
    {"vs_baseline", "ratio", "value / baseline_value (NULL when the baseline is 0)"},
    {"task_times", NULL, "tasks with their latency"},
    {"task_times", "latency_ns", "finish_ns - arrival_ns, ns; NULL if unfinished"},
    {"run_summary", NULL, "one row per current run (not superseded), params and main "
                          "metrics as columns"},
    {"run_summary", "run_id", "the run"},
    {"run_summary", "experiment", "experiment name"},
    {"run_summary", "label", "label"},
    {"run_summary", "policy", "policy name"},
    {"run_summary", "device", "device spec"},
    {"run_summary", "trace", "trace file"},
    {"run_summary", "seed", "seed"},
    {"run_summary", "status", "'ok' or 'failed'"},
    {"run_summary", "point", "grid point without its seed"},
    {NULL, NULL, NULL}};

const char *store_doc(const char *table, const char *column) {
  /* task_times repeats every tasks column. */
  if (column && !strcmp(table, "task_times") && strcmp(column, "latency_ns")) table = "tasks";
  if (column && !strcmp(table, "run_summary"))
    for (int i = 0; summary_metrics[i]; i++)
      if (!strcmp(column, summary_metrics[i]))
        return "a main metric of the run: metrics.value with this name and class 'all' "
               "(docs/metrics.md)";
  for (const struct store_doc *d = docs; d->table; d++)
    if (!strcmp(d->table, table) &&
        (column ? d->column && !strcmp(d->column, column) : !d->column))
      return d->text;
  return NULL;
}


static int db_err(struct store *st, struct sl_err *e, const char *what) {
  return sl_errf(e, "database: %s: %s", what, sqlite3_errmsg(st->db));
}

static void bind_opt_text(sqlite3_stmt *q, int i, const char *v) {
  if (v) sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC); else sqlite3_bind_null(q, i);
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

/* Which runs are current. A successful run is superseded by a later
** successful run (started_at, then run_id) of the same key, or of the same
** experiment, grid point and seed. `where` narrows the rows recomputed
** (to those a new run can affect); bound parameters ?1.. are the caller's.
** Rows are first raised to 1 and only then lowered to 0, so the unique
** index on current successes holds after every single row update. */
#define LATER_OK_SQL                                                                      \
  "EXISTS (SELECT 1 FROM runs n WHERE n.status = 'ok' AND n.run_id != runs.run_id"       \
  " AND (n.started_at > runs.started_at OR (n.started_at = runs.started_at"              \
  " AND n.run_id > runs.run_id))"                                                        \
  " AND (n.run_key = runs.run_key OR (runs.experiment IS NOT NULL AND runs.point IS NOT NULL" \
  " AND n.experiment = runs.experiment AND n.point = runs.point AND n.seed = runs.seed)))"

static int supersede(struct store *st, const char *where, const char *key, const char *exp,
                     const char *point, int64_t seed, struct sl_err *e) {
  static const char *const set[2] = {
      "UPDATE runs SET superseded = 1 WHERE status = 'ok' AND superseded = 0 AND " LATER_OK_SQL,
      "UPDATE runs SET superseded = 0 WHERE status = 'ok' AND superseded = 1 AND NOT " LATER_OK_SQL};
  for (int i = 0; i < 2; i++) {
    sqlite3_stmt *q = NULL;
    char *sql = sqlite3_mprintf("%s%s%s", set[i], where ? " AND " : "", where ? where : "");
    int rc;
    if (!sql) return sl_errf(e, "out of memory");
    rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) return db_err(st, e, "prepare superseded");
    if (where) {
      sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
      bind_opt_text(q, 2, exp);
      bind_opt_text(q, 3, point);
      sqlite3_bind_int64(q, 4, seed);
    }
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) return db_err(st, e, "mark superseded runs");
  }
  return 0;
}

int store_recompute_superseded(struct store *st, struct sl_err *e) {
  return supersede(st, NULL, NULL, NULL, NULL, 0, e);
}

/* A path made absolute through its folder, which must exist; the last
** component is kept as given (the file may not exist yet). */
static int resolve_path(const char *p, char *out, size_t n) {
  char dir[PATH_MAX], real[PATH_MAX];
  const char *slash = strrchr(p, '/'), *base = slash ? slash + 1 : p;
  if (realpath(p, real)) return snprintf(out, n, "%s", real) < (int)n ? 0 : -1;
  if (slash == p) snprintf(dir, sizeof dir, "/");
  else if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - p), p);
  else snprintf(dir, sizeof dir, ".");
  if (!realpath(dir, real)) return -1;
  return snprintf(out, n, "%s/%s", real, base) < (int)n ? 0 : -1;
}

static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  char ra[PATH_MAX + 64], rb[PATH_MAX + 64];
  int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
  if (ea && eb) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  if (ea != eb) return 0;
  if (resolve_path(a, ra, sizeof ra) == 0 && resolve_path(b, rb, sizeof rb) == 0)
    return !strcmp(ra, rb);
  return !strcmp(a, b);
}

int store_check_output(const char *db, const char *out, const char *opt, struct sl_err *e) {
  static const char *const side[] = {"", "-wal", "-shm", "-journal"};
  if (!db || !out || !strcmp(out, "-")) return 0;
  if (!*out) return sl_errf(e, "%s: the path is empty", opt);
  for (size_t i = 0; i < sizeof side / sizeof *side; i++) {
    char f[PATH_MAX + 16];
    if (snprintf(f, sizeof f, "%s%s", db, side[i]) >= (int)sizeof f) continue;
    if (same_file(f, out))
      return sl_errf(e, "%s %s is the results database %s%s%s%s; refusing to overwrite it", opt,
                     out, db, *side[i] ? " (its " : "", side[i], *side[i] ? " file)" : "");
  }
  return 0;
}

/* The file, before SQLite touches it: a directory, a device or a file of
** another format is refused, so nothing of it is overwritten. */
static int check_file(const char *path, struct sl_err *e) {
  static const char magic[16] = "SQLite format 3";   /* with its NUL: 16 bytes */
  struct stat sb;
  char head[16];
  FILE *f;
  size_t n;
  if (!*path) return sl_errf(e, "the database path is empty");
  if (stat(path, &sb) != 0) return 0;              /* a new database */
  if (!S_ISREG(sb.st_mode)) return sl_errf(e, "%s: not a regular file", path);
  if (sb.st_size == 0) return 0;
  if (!(f = fopen(path, "rb"))) return sl_errf(e, "%s: %s", path, strerror(errno));
  n = fread(head, 1, sizeof head, f);
  fclose(f);
  if (n != sizeof head || memcmp(head, magic, sizeof magic) != 0)
    return sl_errf(e, "%s: not an SQLite database; refusing to write schedlab results into it",
                   path);
  return 0;
}

/* The schema version the database says it has: 0 for an empty database,
** -1 (with e set) for a database that is not schedlab's. */
static int schema_version(struct store *st, const char *path, struct sl_err *e) {
  sqlite3_stmt *q = NULL;
  int objects = 0, version = 0, rc;
  if (sqlite3_prepare_v2(st->db, "SELECT count(*), (SELECT count(*) FROM sqlite_master WHERE "
                                 "type = 'table' AND name = 'meta') FROM sqlite_master",
                         -1, &q, NULL) != SQLITE_OK ||
      sqlite3_step(q) != SQLITE_ROW) {
    sl_errf(e, "%s: %s", path, sqlite3_errmsg(st->db));
    sqlite3_finalize(q);
    return -1;
  }
  objects = sqlite3_column_int(q, 0);
  rc = sqlite3_column_int(q, 1);
  sqlite3_finalize(q);
  if (rc == 1) {
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &q,
                           NULL) != SQLITE_OK) {
      sl_errf(e, "%s: %s", path, sqlite3_errmsg(st->db));
      return -1;
    }
    if (sqlite3_step(q) == SQLITE_ROW) {
      const char *v = (const char *)sqlite3_column_text(q, 0);
      int64_t iv;
      version = v && sl_parse_i64(v, &iv) == 0 && iv > 0 && iv < 1000 ? (int)iv : -2;
    }
    sqlite3_finalize(q);
  }
  if (version == 0 && objects > 0) {
    sl_errf(e, "%s: an SQLite database that is not a schedlab results database (no "
               "meta.schema_version); refusing to add tables to it", path);
    return -1;
  }
  if (version == -2 || version > atoi(SCHEMA_VERSION)) {
    sl_errf(e, "%s: results database of an unknown schema version (this schedlab writes version "
               SCHEMA_VERSION ")", path);
    return -1;
  }
  return version;
}

int store_check(const char *path, struct sl_err *e) {
  struct store st;
  struct stat sb;
  int rc;
  if (check_file(path, e) < 0) return -1;
  if (stat(path, &sb) != 0 || sb.st_size == 0) return 0;
  memset(&st, 0, sizeof st);
  if (sqlite3_open_v2(path, &st.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sl_errf(e, "database %s: %s", path, st.db ? sqlite3_errmsg(st.db) : "cannot open");
    store_close(&st);
    return -1;
  }
  sqlite3_busy_timeout(st.db, 120000);
  rc = schema_version(&st, path, e) < 0 ? -1 : 0;
  store_close(&st);
  return rc;
}

/* Version 1 to 2: runs.superseded, computed from what is stored, and the
** views that read it. Later duplicates of a key become superseded, never
** deleted: nothing stored is lost. */
static const char *const upgrade_1_2 =
    "ALTER TABLE runs ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;\n"
    "CREATE INDEX IF NOT EXISTS runs_by_point ON runs(experiment, point, seed);\n"
    "DROP VIEW IF EXISTS vs_baseline;\n"
    "DROP VIEW IF EXISTS policy_summary;\n"
    "DROP VIEW IF EXISTS run_summary;\n"
    "DROP VIEW IF EXISTS run_metrics;\n";

/* Version 2 to 3: tasks.unit and tasks.migrations, and the intervals table
** (created by the schema itself). Every run stored before version 3 ran on
** a one-unit device, so a request that ran did so on unit 1 and never
** migrated: the new columns are filled with what is known, not left NULL. */
static const char *const upgrade_2_3 =
    "ALTER TABLE tasks ADD COLUMN unit INTEGER;\n"
    "ALTER TABLE tasks ADD COLUMN migrations INTEGER NOT NULL DEFAULT 0;\n"
    "UPDATE tasks SET unit = 1 WHERE start_ns IS NOT NULL;\n";

/* Version 3 to 4: early exits and drops (papers/pantheon.md). No run
** stored before version 4 could take an exit or drop a request: NULL exits
** and accuracies, dropped 0. */
static const char *const upgrade_3_4 =
    "ALTER TABLE tasks ADD COLUMN exit INTEGER;\n"
    "ALTER TABLE tasks ADD COLUMN accuracy REAL;\n"
    "ALTER TABLE tasks ADD COLUMN accuracy_abs REAL;\n"
    "ALTER TABLE tasks ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;\n"
    "DROP VIEW IF EXISTS task_times;\n";

int store_open(struct store *st, const char *path, struct sl_err *e) {
  int version, upgraded = 0;
  memset(st, 0, sizeof *st);
  if (check_file(path, e) < 0) return -1;
  if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    sl_errf(e, "database %s: %s", path, st->db ? sqlite3_errmsg(st->db) : "cannot open");
    store_close(st);
    return -1;
  }
  sqlite3_busy_timeout(st->db, 120000);
  /* Read before anything is written: a foreign database stays byte for byte as it was. */
  if (schema_version(st, path, e) < 0) {
    store_close(st);
    return -1;
  }
  if (store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", e) < 0 ||
      store_exec(st, "BEGIN IMMEDIATE;", e) < 0) {
    sl_err_prefix(e, "%s", path);
    store_close(st);
    return -1;
  }
  /* Again under the write lock: another process may have upgraded it meanwhile. */
  if ((version = schema_version(st, path, e)) < 0) goto fail;
  if (version == 1) {
    if (store_exec(st, upgrade_1_2, e) < 0 || store_recompute_superseded(st, e) < 0) goto fail_prefix;
    upgraded = 1;
  }
  if (version == 1 || version == 2) {
    if (store_exec(st, upgrade_2_3, e) < 0) goto fail_prefix;
    upgraded = 1;
  }
  if (version >= 1 && version <= 3) {
    if (store_exec(st, upgrade_3_4, e) < 0 ||
        store_exec(st, "UPDATE meta SET value = '" SCHEMA_VERSION "' WHERE key = 'schema_version';", e) < 0)
      goto fail_prefix;
    upgraded = 1;
  }
  if (store_exec(st, schema, e) < 0 || store_exec(st, "COMMIT;", e) < 0) goto fail_prefix;
  if (upgraded && store_refresh_views(st, e) < 0) {
    sl_err_prefix(e, "%s", path);
    store_close(st);
    return -1;
  }
  return 0;
fail_prefix:
  sl_err_prefix(e, "%s", path);
fail:
  store_exec(st, "ROLLBACK;", NULL);
  store_close(st);
  return -1;
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
    {"mean_concurrency", DOM_POSITIVE},
    {"accuracy", DOM_SHARE},         {"preempted_ratio", DOM_SHARE},
    {"gpu_utilization", DOM_SHARE},  {"accuracy_abs", DOM_POSITIVE},
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
  sl_buf_addf(b, "\n  FROM runs r WHERE r.superseded = 0;\n");
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
  if (r->start == SL_NS_NONE) sqlite3_bind_null(q, i++); else sqlite3_bind_int(q, i++, r->unit);
  sqlite3_bind_int(q, i++, r->migrations);
  if (r->exit > 0) {                       /* accuracy: 0 on a miss (docs/metrics.md) */
    int met = task_met(r);
    sqlite3_bind_int(q, i++, r->exit);
    sqlite3_bind_double(q, i++, met ? r->exit_acc / r->top_acc : 0.0);
    sqlite3_bind_double(q, i++, met ? 100.0 * r->exit_acc : 0.0);
  } else {
    sqlite3_bind_null(q, i++);
    sqlite3_bind_null(q, i++);
    sqlite3_bind_null(q, i++);
  }
  sqlite3_bind_int(q, i++, r->dropped);
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
  PARAM_ROW("limit.max_events", sqlite3_bind_int64(q, 3, s->cfg.max_events));
  PARAM_ROW("limit.max_sim_time_ns", sqlite3_bind_int64(q, 3, s->cfg.max_sim_time));
  PARAM_ROW("limit.max_wall_ms", sqlite3_bind_int64(q, 3, s->cfg.max_wall_ms));
  /* Only when asked for: it says the run's intervals were kept, and older
  ** runs' param sets stay as they were. */
  if (s->cfg.record_intervals) PARAM_ROW("record.intervals", sqlite3_bind_int(q, 3, 1));
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

static int write_intervals(struct writer *w) {
  const struct ivlog *l = &w->sim->ivals;
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(w->st->db, "INSERT INTO intervals(run_id, task_id, unit, start_ns, end_ns,"
                                    " share, rate) VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &q, NULL) != SQLITE_OK)
    return db_err(w->st, w->e, "prepare intervals");
  for (size_t i = 0; i < l->n; i++) {
    const struct ival *v = &l->v[i];
    sqlite3_bind_int64(q, 1, w->run_id);
    sqlite3_bind_int64(q, 2, v->task_id);
    sqlite3_bind_int(q, 3, v->unit);
    sqlite3_bind_int64(q, 4, v->start);
    sqlite3_bind_int64(q, 5, v->end);
    sqlite3_bind_int(q, 6, v->share);
    sqlite3_bind_double(q, 7, v->rate);
    if (sqlite3_step(q) != SQLITE_DONE) {
      db_err(w->st, w->e, "insert interval");
      sqlite3_finalize(q);
      return -1;
    }
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  return 0;
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

/* The current successful run of a key: its id, -1 if none, -2 on error. */
static int64_t current_run(struct store *st, const char *key, struct sl_err *e) {
  sqlite3_stmt *q = NULL;
  int64_t id = -1;
  int rc;
  if (sqlite3_prepare_v2(st->db, "SELECT run_id FROM runs WHERE run_key = ? AND status = 'ok' "
                                 "AND superseded = 0", -1, &q, NULL) != SQLITE_OK) {
    db_err(st, e, "look up run key");
    return -2;
  }
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  if (rc == SQLITE_ROW) id = sqlite3_column_int64(q, 0);
  else if (rc != SQLITE_DONE) { db_err(st, e, "look up run key"); id = -2; }
  sqlite3_finalize(q);
  return id;
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
  /* Under the write lock, so two writers of one key cannot both pass. */
  if (s->status == SIM_OK) {
    int64_t have = current_run(st, ri->run_key, e);
    if (have == -2) goto fail;
    if (have >= 0) {
      store_exec(st, "ROLLBACK;", NULL);
      *run_id = have;
      return 1;
    }
  }
  if (ri->meta && ri->meta->sweep && drop_failed(&w, ri->run_key) < 0) goto fail;
  if (write_run_row(&w, ri) < 0 || write_params(&w) < 0) goto fail;
  if (s->status == SIM_OK) {
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO tasks(run_id, seq, task_id, tenant, network, batch,"
                           " priority, arrival_ns, start_ns, finish_ns, isolated_ns, deadline_ns,"
                           " preemptions, overhead_ns, wasted_ns, waited_ns, checkpoints, kills,"
                           " workload, unit, migrations, exit, accuracy, accuracy_abs, dropped)"
                           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &w.task, NULL) != SQLITE_OK) {
      db_err(st, e, "prepare tasks");
      goto fail;
    }
    if (spool_each(&s->spool, write_task, &w, e) != 0) goto fail;
    sqlite3_finalize(w.task);
    w.task = NULL;
    if (s->cfg.record_intervals && write_intervals(&w) < 0) goto fail;
    if (write_metrics(&w) < 0) goto fail;
    if (supersede(st, "(runs.run_key = ?1 OR (runs.experiment = ?2 AND runs.point = ?3 AND "
                      "runs.seed = ?4))", ri->run_key, ri->meta ? ri->meta->experiment : NULL,
                  ri->meta ? ri->meta->point : NULL, (int64_t)s->cfg.seed, e) < 0)
      goto fail;
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
