/*
** cmd_prune.c — `schedlab prune DB [--superseded] [--experiment E]
** [--before DATE]`: remove runs with their params, tasks, metrics and
** intervals. Selectors combine (a run must match all given); with none it refuses,
** so a slip of the keyboard never empties a database. One transaction:
** all the selected runs go, or none.
*/
#include "cli.h"
#include "store.h"

#include <ctype.h>
#include <errno.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

/* YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with an optional Z (UTC, as runs.started_at). */
static int valid_date(const char *s) {
  static const char *const shape[] = {"dddd-dd-dd", "dddd-dd-ddTdd:dd:dd", "dddd-dd-ddTdd:dd:ddZ"};
  for (size_t k = 0; k < sizeof shape / sizeof *shape; k++) {
    const char *p = shape[k];
    size_t i = 0;
    for (; p[i] && s[i]; i++)
      if (p[i] == 'd' ? !isdigit((unsigned char)s[i]) : p[i] != s[i]) break;
    if (!p[i] && !s[i]) {
      int mon = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
      if (mon < 1 || mon > 12 || day < 1 || day > 31) return 0;
      if (i > 10 && ((s[11] - '0') * 10 + (s[12] - '0') > 23 || s[14] > '5' || s[17] > '5'))
        return 0;
      return 1;
    }
  }
  return 0;
}

/* The selected runs, as a condition on runs r with parameters ?1 (experiment) and ?2 (date). */
static char *selection(int superseded, const char *experiment, const char *before) {
  return sqlite3_mprintf("1%s%s%s", superseded ? " AND r.status = 'ok' AND r.superseded = 1" : "",
                         experiment ? " AND r.experiment = ?1" : "",
                         /* started_at has milliseconds (older runs: whole seconds); compare
                         ** only as many characters as the date given has. */
                         before ? " AND substr(r.started_at, 1, length(rtrim(?2, 'Z'))) < rtrim(?2, 'Z')"
                                : "");
}

/* fmt (one %s: the selection) prepared with the selectors bound; NULL on error. */
static sqlite3_stmt *prepare_sel(sqlite3 *db, const char *fmt, const char *sel,
                                 const char *experiment, const char *before) {
  char *sql = sqlite3_mprintf(fmt, sel);
  sqlite3_stmt *q = NULL;
  int rc;
  if (!sql) return NULL;
  rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
  sqlite3_free(sql);
  if (rc != SQLITE_OK) return NULL;
  if (experiment) sqlite3_bind_text(q, 1, experiment, -1, SQLITE_STATIC);
  if (before) sqlite3_bind_text(q, 2, before, -1, SQLITE_STATIC);
  return q;
}

static int exec_sel(sqlite3 *db, const char *fmt, const char *sel, const char *experiment,
                    const char *before, int64_t *changed) {
  sqlite3_stmt *q = prepare_sel(db, fmt, sel, experiment, before);
  int rc;
  if (!q) return -1;
  rc = sqlite3_step(q);
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return -1;
  if (changed) *changed = sqlite3_changes(db);
  return 0;
}

/* One line per experiment of the selected runs, before they go. */
static int print_selected(sqlite3 *db, const char *sel, const char *experiment, const char *before) {
  sqlite3_stmt *q = prepare_sel(db, "SELECT coalesce(r.experiment, '(no experiment)'), count(*), "
                                    "sum(r.status = 'ok' AND r.superseded = 1), "
                                    "sum(r.status = 'failed') "
                                    "FROM runs r WHERE %s GROUP BY 1 ORDER BY 1",
                                sel, experiment, before);
  int rc;
  if (!q) return -1;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW)
    printf("  %s: %lld run(s) (%lld superseded, %lld failed)\n", sqlite3_column_text(q, 0),
           (long long)sqlite3_column_int64(q, 1), (long long)sqlite3_column_int64(q, 2),
           (long long)sqlite3_column_int64(q, 3));
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? 0 : -1;
}

int cmd_prune(int argc, char **argv) {
  const char *path = NULL, *experiment = NULL, *before = NULL;
  int superseded = 0, rc = EXIT_RUN_FAILED;
  struct store st;
  struct sl_err e;
  struct stat sb;
  char *sel = NULL;
  int64_t n[5] = {0, 0, 0, 0, 0};
  static const char *const del[5] = {
      "DELETE FROM tasks WHERE run_id IN (SELECT r.run_id FROM runs r WHERE %s)",
      "DELETE FROM metrics WHERE run_id IN (SELECT r.run_id FROM runs r WHERE %s)",
      "DELETE FROM params WHERE run_id IN (SELECT r.run_id FROM runs r WHERE %s)",
      "DELETE FROM intervals WHERE run_id IN (SELECT r.run_id FROM runs r WHERE %s)",
      "DELETE FROM runs WHERE run_id IN (SELECT r.run_id FROM runs r WHERE %s)"};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--superseded")) {
      if (superseded) return cli_usage_error("prune", "--superseded given twice");
      superseded = 1;
    } else if (!strcmp(a, "--experiment") || !strcmp(a, "--before")) {
      const char **slot = a[2] == 'e' ? &experiment : &before;
      if (i + 1 >= argc) return cli_usage_error("prune", "%s expects a value", a);
      if (*slot) return cli_usage_error("prune", "%s given twice", a);
      *slot = argv[++i];
    } else if (a[0] == '-' && a[1]) {
      return cli_usage_error("prune", "unknown option '%s'", a);
    } else if (!path) {
      path = a;
    } else {
      return cli_usage_error("prune", "unexpected argument '%s'", a);
    }
  }
  if (!path || !*path) return cli_usage_error("prune", "which database?");
  if (!superseded && !experiment && !before)
    return cli_usage_error("prune", "say which runs to remove: --superseded, --experiment E "
                                    "and/or --before DATE");
  if (before && !valid_date(before))
    return cli_usage_error("prune", "--before expects YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z] (UTC), "
                                    "got '%s'", before);
  if (stat(path, &sb) != 0) return cli_fail("%s: %s", path, strerror(errno));
  if (store_open(&st, path, &e) < 0) return cli_fail("%s", e.msg);
  if (!(sel = selection(superseded, experiment, before))) {
    cli_fail("out of memory");
    goto out;
  }
  if (store_exec(&st, "BEGIN IMMEDIATE;", &e) < 0) {
    cli_fail("%s: %s", path, e.msg);
    goto out;
  }
  printf("pruning %s:\n", path);
  if (print_selected(st.db, sel, experiment, before) < 0) goto db_error;
  for (int k = 0; k < 5; k++)
    if (exec_sel(st.db, del[k], sel, experiment, before, &n[k]) < 0) goto db_error;
  /* An older success of a grid point whose current run went becomes current again. */
  if (store_recompute_superseded(&st, &e) < 0 || store_exec(&st, "COMMIT;", &e) < 0) {
    cli_fail("%s: %s", path, e.msg);
    store_exec(&st, "ROLLBACK;", NULL);
    goto out;
  }
  printf("removed %lld run(s): %lld task row(s), %lld metric row(s), %lld param row(s)",
         (long long)n[4], (long long)n[0], (long long)n[1], (long long)n[2]);
  /* Said only when there were some, so the line reads as before for runs without. */
  if (n[3]) printf(", %lld interval row(s)", (long long)n[3]);
  putchar('\n');
  if (n[4] && store_refresh_views(&st, &e) < 0) fprintf(stderr, "schedlab: warning: %s\n", e.msg);
  rc = 0;
  goto out;
db_error:
  cli_fail("%s: %s (nothing removed)", path, sqlite3_errmsg(st.db));
  store_exec(&st, "ROLLBACK;", NULL);
out:
  sqlite3_free(sel);
  store_close(&st);
  return rc;
}
