/*
** cmd_merge.c — `schedlab merge OUT.db IN.db...`: gather the runs of
** several databases (the shards of a sweep) into one. A run key already
** complete in OUT is skipped if its results are identical and is an error
** if they differ. runs.superseded is recomputed over the result (the
** latest success of a grid point is current), so no key is current twice.
** The merge is built in a copy and renamed into place, so a failed merge
** leaves OUT as it was.
*/
#include "cli.h"
#include "store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUN_COLS "run_key, experiment, label, policy, policy_path, device, trace, seed, status, " \
                 "error, engine_version, started_at, wall_ms, n_tasks, sim_end_ns, events, "     \
                 "hook_calls, point, trace_origin"
#define TASK_COLS "seq, task_id, tenant, network, batch, priority, arrival_ns, start_ns, "       \
                  "finish_ns, isolated_ns, deadline_ns, preemptions, overhead_ns, wasted_ns, "   \
                  "waited_ns, checkpoints, kills, workload, unit, migrations, exit, accuracy, "  \
                  "accuracy_abs, dropped"
#define IVAL_COLS "task_id, unit, start_ns, end_ns, share, rate"

static int64_t single_int(sqlite3 *db, const char *sql, int64_t a, int64_t b, const char *key) {
  sqlite3_stmt *q = NULL;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) return -2;
  if (key) sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  else {
    sqlite3_bind_int64(q, 1, a);
    sqlite3_bind_int64(q, 2, b);
  }
  if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) v = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return v;
}

static int exec_ids(sqlite3 *db, const char *sql, int64_t a, int64_t b, struct sl_err *e) {
  sqlite3_stmt *q = NULL;
  int rc;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
    return sl_errf(e, "merge: %s", sqlite3_errmsg(db));
  sqlite3_bind_int64(q, 1, a);
  if (sqlite3_bind_parameter_count(q) > 1) sqlite3_bind_int64(q, 2, b);
  rc = sqlite3_step(q);
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return sl_errf(e, "merge: %s", sqlite3_errmsg(db));
  return 0;
}

/* Do two runs (main `a`, src `b`) hold the same results? */
static int same_results(sqlite3 *db, int64_t a, int64_t b) {
  static const char *const diff[] = {
      "SELECT count(*) FROM (SELECT name, class, value FROM main.metrics WHERE run_id = ?1 "
      "EXCEPT SELECT name, class, value FROM src.metrics WHERE run_id = ?2)",
      "SELECT count(*) FROM (SELECT name, class, value FROM src.metrics WHERE run_id = ?2 "
      "EXCEPT SELECT name, class, value FROM main.metrics WHERE run_id = ?1)",
      "SELECT count(*) FROM (SELECT " TASK_COLS " FROM main.tasks WHERE run_id = ?1 "
      "EXCEPT SELECT " TASK_COLS " FROM temp.src_tasks WHERE run_id = ?2)",
      "SELECT count(*) FROM (SELECT " TASK_COLS " FROM temp.src_tasks WHERE run_id = ?2 "
      "EXCEPT SELECT " TASK_COLS " FROM main.tasks WHERE run_id = ?1)",
      "SELECT count(*) FROM (SELECT " IVAL_COLS " FROM main.intervals WHERE run_id = ?1 "
      "EXCEPT SELECT " IVAL_COLS " FROM temp.src_intervals WHERE run_id = ?2)",
      "SELECT count(*) FROM (SELECT " IVAL_COLS " FROM temp.src_intervals WHERE run_id = ?2 "
      "EXCEPT SELECT " IVAL_COLS " FROM main.intervals WHERE run_id = ?1)"};
  for (int i = 0; i < 6; i++)
    if (single_int(db, diff[i], a, b, NULL) != 0) return 0;
  return 1;
}

/* Copied as superseded when a current copy of its key is there already;
** the recompute at the end of the merge decides which one stays current. */
static int copy_run(sqlite3 *db, int64_t src_id, int with_results, int superseded,
                    struct sl_err *e) {
  int64_t id;
  if (exec_ids(db, "INSERT INTO main.runs(" RUN_COLS ", superseded) SELECT " RUN_COLS
                   ", ?2 FROM src.runs WHERE run_id = ?1", src_id, superseded, e) < 0)
    return -1;
  id = sqlite3_last_insert_rowid(db);
  if (exec_ids(db, "INSERT INTO main.params(run_id, name, value) SELECT ?1, name, value "
                   "FROM src.params WHERE run_id = ?2", id, src_id, e) < 0)
    return -1;
  if (!with_results) return 0;
  if (exec_ids(db, "INSERT INTO main.tasks(run_id, " TASK_COLS ") SELECT ?1, " TASK_COLS
                   " FROM temp.src_tasks WHERE run_id = ?2", id, src_id, e) < 0 ||
      exec_ids(db, "INSERT INTO main.intervals(run_id, " IVAL_COLS ") SELECT ?1, " IVAL_COLS
                   " FROM temp.src_intervals WHERE run_id = ?2", id, src_id, e) < 0 ||
      exec_ids(db, "INSERT INTO main.metrics(run_id, name, class, value) SELECT ?1, name, class, "
                   "value FROM src.metrics WHERE run_id = ?2", id, src_id, e) < 0)
    return -1;
  return 0;
}

static const char *const src_views_4 =
    "DROP VIEW IF EXISTS temp.src_tasks; DROP VIEW IF EXISTS temp.src_intervals;\n"
    "CREATE TEMP VIEW src_tasks AS SELECT * FROM src.tasks;\n"
    "CREATE TEMP VIEW src_intervals AS SELECT * FROM src.intervals;\n";
/* Before version 4 no request took an exit or was dropped. */
static const char *const src_views_3 =
    "DROP VIEW IF EXISTS temp.src_tasks; DROP VIEW IF EXISTS temp.src_intervals;\n"
    "CREATE TEMP VIEW src_tasks AS SELECT *, NULL AS exit, NULL AS accuracy, NULL AS accuracy_abs,\n"
    "  0 AS dropped FROM src.tasks;\n"
    "CREATE TEMP VIEW src_intervals AS SELECT * FROM src.intervals;\n";
static const char *const src_views_old =
    "DROP VIEW IF EXISTS temp.src_tasks; DROP VIEW IF EXISTS temp.src_intervals;\n"
    "CREATE TEMP VIEW src_tasks AS SELECT *, CASE WHEN start_ns IS NOT NULL THEN 1 END AS unit,\n"
    "  0 AS migrations, NULL AS exit, NULL AS accuracy, NULL AS accuracy_abs, 0 AS dropped\n"
    "  FROM src.tasks;\n"
    "CREATE TEMP VIEW src_intervals AS SELECT run_id, " IVAL_COLS " FROM main.intervals WHERE 0;\n";

static int merge_one(struct store *st, const char *in, size_t *added, size_t *same,
                     struct sl_err *e) {
  sqlite3 *db = st->db;
  int64_t version;
  char *sql = sqlite3_mprintf("ATTACH DATABASE %Q AS src", in);
  sqlite3_stmt *q = NULL;
  int rc = -1;
  if (access(in, R_OK) != 0) { sqlite3_free(sql); return sl_errf(e, "%s: %s", in, strerror(errno)); }
  if (!sql || sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
    sqlite3_free(sql);
    return sl_errf(e, "%s: %s", in, sqlite3_errmsg(db));
  }
  sqlite3_free(sql);
  /* Version 1 lacks runs.superseded, recomputed here anyway; versions 1
  ** and 2 lack tasks.unit/migrations and intervals; versions 1 to 3 lack
  ** tasks.exit/accuracy/accuracy_abs/dropped. The source is read
  ** through temp views that give every version the current columns, filled
  ** as store.c's upgrade fills them. */
  version = single_int(db, "SELECT CASE value WHEN '1' THEN 1 WHEN '2' THEN 2 WHEN '3' THEN 3 "
                           "WHEN '4' THEN 4 END "
                           "FROM src.meta WHERE key = 'schema_version'", 0, 0, NULL);
  if (version < 1) {
    sl_errf(e, "%s: not a schedlab results database of schema version 1 to 4", in);
    goto out;
  }
  if (sqlite3_exec(db, version >= 4 ? src_views_4 : version == 3 ? src_views_3 : src_views_old,
                   NULL, NULL, NULL) != SQLITE_OK) {
    sl_errf(e, "%s: %s", in, sqlite3_errmsg(db));
    goto out;
  }
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
    sl_errf(e, "merge: %s", sqlite3_errmsg(db));
    goto out;
  }
  if (sqlite3_prepare_v2(db, "SELECT run_id, run_key, status FROM src.runs ORDER BY run_id", -1, &q,
                         NULL) != SQLITE_OK) {
    sl_errf(e, "%s: %s", in, sqlite3_errmsg(db));
    goto rollback;
  }
  while (sqlite3_step(q) == SQLITE_ROW) {
    int64_t sid = sqlite3_column_int64(q, 0);
    const char *key = (const char *)sqlite3_column_text(q, 1);
    int ok = !strcmp((const char *)sqlite3_column_text(q, 2), "ok");
    int64_t have = single_int(db, "SELECT min(run_id) FROM main.runs WHERE run_key = ?1 AND "
                                  "status = 'ok'", 0, 0, key);
    if (have >= 0) {
      if (!ok) continue;                      /* a failed attempt of a finished run */
      if (!same_results(db, have, sid)) {
        sl_errf(e, "%s: run %lld (key %s) has results that differ from run %lld already merged",
                in, (long long)sid, key, (long long)have);
        goto rollback;
      }
      /* A key run again after other inputs superseded it (a reverted edit)
      ** is the latest answer of its grid point: keep that it came later. */
      if (single_int(db, "SELECT (SELECT started_at FROM src.runs WHERE run_id = ?1) > (SELECT "
                         "max(started_at) FROM main.runs WHERE status = 'ok' AND run_key = (SELECT "
                         "run_key FROM src.runs WHERE run_id = ?1))", sid, 0, NULL) == 1) {
        if (copy_run(db, sid, 1, 1, e) < 0) goto rollback;
        (*added)++;
        continue;
      }
      (*same)++;
      continue;
    }
    if (!ok && single_int(db, "SELECT count(*) FROM main.runs WHERE run_key = ?1", 0, 0, key) > 0)
      continue;                               /* that failure is recorded already */
    if (ok && exec_ids(db, "DELETE FROM main.params WHERE run_id IN (SELECT run_id FROM main.runs "
                           "WHERE run_key = (SELECT run_key FROM src.runs WHERE run_id = ?1) AND "
                           "status = 'failed')", sid, 0, e) < 0)
      goto rollback;
    if (ok && exec_ids(db, "DELETE FROM main.runs WHERE run_key = (SELECT run_key FROM src.runs "
                           "WHERE run_id = ?1) AND status = 'failed'", sid, 0, e) < 0)
      goto rollback;
    if (copy_run(db, sid, ok, 0, e) < 0) goto rollback;
    (*added)++;
  }
  sqlite3_finalize(q);
  q = NULL;
  /* The latest success of each key and grid point, over both databases. */
  if (store_recompute_superseded(st, e) < 0) goto rollback;
  if (sqlite3_exec(db, "INSERT OR IGNORE INTO main.baselines SELECT * FROM src.baselines; COMMIT",
                   NULL, NULL, NULL) != SQLITE_OK) {
    sl_errf(e, "merge: %s", sqlite3_errmsg(db));
    goto rollback;
  }
  rc = 0;
  goto out;
rollback:
  sqlite3_finalize(q);
  q = NULL;
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
  sqlite3_finalize(q);
  sqlite3_exec(db, "DROP VIEW IF EXISTS temp.src_tasks; DROP VIEW IF EXISTS temp.src_intervals; "
                   "DETACH DATABASE src", NULL, NULL, NULL);
  return rc;
}

int cmd_merge(int argc, char **argv) {
  const char *out;
  char tmp[4200];
  struct store st;
  struct sl_err e;
  size_t added = 0, same = 0;
  int rc = EXIT_RUN_FAILED;
  if (argc < 3) return cli_usage_error("merge", "expects OUT.db and at least one IN.db");
  out = argv[1];
  if (!*out) return cli_usage_error("merge", "OUT.db is an empty file name");
  snprintf(tmp, sizeof tmp, "%s.merging", out);
  remove(tmp);
  if (access(out, F_OK) == 0) {               /* start from a snapshot of OUT */
    sqlite3 *h = NULL;
    char *sql = sqlite3_mprintf("VACUUM INTO %Q", tmp);
    int ok = sql && sqlite3_open_v2(out, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
             sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) cli_fail("%s: %s", out, h ? sqlite3_errmsg(h) : "cannot open");
    sqlite3_free(sql);
    sqlite3_close(h);
    if (!ok) return EXIT_RUN_FAILED;
  }
  if (store_open(&st, tmp, &e) < 0) {
    cli_fail("%s", e.msg);
    remove(tmp);
    return EXIT_RUN_FAILED;
  }
  for (int i = 2; i < argc; i++)
    if (merge_one(&st, argv[i], &added, &same, &e) < 0) {
      cli_fail("%s", e.msg);
      store_close(&st);
      remove(tmp);
      snprintf(e.msg, sizeof e.msg, "%s-wal", tmp);
      remove(e.msg);
      snprintf(e.msg, sizeof e.msg, "%s-shm", tmp);
      remove(e.msg);
      fprintf(stderr, "%s is unchanged\n", out);
      return EXIT_RUN_FAILED;
    }
  if (store_refresh_views(&st, &e) < 0 ||
      store_exec(&st, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;", &e) < 0) {
    cli_fail("%s", e.msg);
    store_close(&st);
    remove(tmp);
    return EXIT_RUN_FAILED;
  }
  store_close(&st);
  {
    char side[4300];
    snprintf(side, sizeof side, "%s-wal", out);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", out);
    remove(side);
  }
  if (rename(tmp, out) != 0) {
    cli_fail("%s: %s", out, strerror(errno));
    return EXIT_RUN_FAILED;
  }
  printf("merged %d database(s) into %s: %zu run(s) added, %zu identical run(s) skipped\n",
         argc - 2, out, added, same);
  rc = 0;
  return rc;
}
