/*
** cmd_query.c — `schedlab query DB "SQL" [--csv]`: SQL over a results
** database, printed as aligned columns (numbers right-aligned) or as CSV;
** several statements run in order, each result printed. `query DB
** --schema` describes every table and view.
*/
#include "cli.h"
#include "store.h"

#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cell {
  char *text;
  int numeric;
};

struct grid {
  struct cell *c;          /* row-major; row 0 is the header */
  size_t ncol, n, cap;
};

static int grid_add(struct grid *g, const char *text, int numeric) {
  struct cell *nc = sl_grow(g->c, &g->cap, g->n + 1, sizeof *nc, NULL);
  if (!nc) return -1;
  g->c = nc;
  if (!(nc[g->n].text = sl_strdup(text, NULL))) return -1;
  nc[g->n].numeric = numeric;
  g->n++;
  return 0;
}

static void grid_free(struct grid *g) {
  for (size_t i = 0; i < g->n; i++) free(g->c[i].text);
  free(g->c);
  memset(g, 0, sizeof *g);
}

/* A REAL: integral values (counts and ns kept as REAL by metrics and
** aggregates) in full as integers, never as 1.234567e+10; others with 10
** significant digits in tables and, in CSV, the fewest digits that read
** back as the same double. */
static void format_real(char *buf, size_t n, double v, int csv) {
  if (isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0) {
    snprintf(buf, n, "%.0f", v);
    return;
  }
  if (!csv) {
    snprintf(buf, n, "%.10g", v);
    return;
  }
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(buf, n, "%.*g", digits, v);
    if (strtod(buf, NULL) == v) return;
  }
}

/* The text of column i of the current row; *numeric set for numbers. */
static const char *value_text(sqlite3_stmt *q, int i, char *buf, size_t n, int csv, int *numeric) {
  *numeric = 0;
  switch (sqlite3_column_type(q, i)) {
  case SQLITE_INTEGER:
    *numeric = 1;
    snprintf(buf, n, "%lld", (long long)sqlite3_column_int64(q, i));
    return buf;
  case SQLITE_FLOAT:
    *numeric = 1;
    format_real(buf, n, sqlite3_column_double(q, i), csv);
    return buf;
  case SQLITE_NULL: return csv ? "" : "NULL";
  case SQLITE_BLOB:
    snprintf(buf, n, "<blob %d bytes>", sqlite3_column_bytes(q, i));
    return buf;
  default: return (const char *)sqlite3_column_text(q, i);
  }
}

static void csv_field(const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, stdout);
    return;
  }
  putchar('"');
  for (; *s; s++) {
    if (*s == '"') putchar('"');
    putchar(*s);
  }
  putchar('"');
}

static void print_grid(const struct grid *g) {
  size_t *w = calloc(g->ncol, sizeof *w);
  int *right = calloc(g->ncol, sizeof *right);
  size_t rows = g->n / g->ncol;
  if (!w || !right) { free(w); free(right); cli_fail("out of memory"); return; }
  for (size_t j = 0; j < g->ncol; j++) right[j] = rows > 1;
  for (size_t i = 0; i < g->n; i++) {
    size_t j = i % g->ncol, len = strlen(g->c[i].text);
    if (len > w[j]) w[j] = len;
    if (i >= g->ncol && !g->c[i].numeric && strcmp(g->c[i].text, "NULL")) right[j] = 0;
  }
  for (size_t r = 0; r < rows; r++) {
    for (size_t j = 0; j < g->ncol; j++) {
      const char *t = g->c[r * g->ncol + j].text;
      int last = j + 1 == g->ncol;
      if (right[j]) printf("%*s%s", (int)w[j], t, last ? "" : "  ");
      else if (last) fputs(t, stdout);
      else printf("%-*s  ", (int)w[j], t);
    }
    putchar('\n');
    if (r == 0) {
      for (size_t j = 0; j < g->ncol; j++) {
        for (size_t k = 0; k < w[j]; k++) putchar('-');
        if (j + 1 < g->ncol) fputs("  ", stdout);
      }
      putchar('\n');
    }
  }
  free(w);
  free(right);
}

/* Run one prepared statement (the k-th) and print its rows. */
static int run_statement(sqlite3 *db, sqlite3_stmt *q, int csv, int k) {
  int ncol = sqlite3_column_count(q), rc, numeric;
  struct grid g = {0};
  char buf[64];
  g.ncol = (size_t)ncol;
  for (int i = 0; i < ncol; i++) {
    if (csv) {
      if (i) putchar(',');
      csv_field(sqlite3_column_name(q, i));
    } else if (grid_add(&g, sqlite3_column_name(q, i), 0) < 0) {
      goto oom;
    }
  }
  if (csv && ncol) putchar('\n');
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    for (int i = 0; i < ncol; i++) {
      const char *t = value_text(q, i, buf, sizeof buf, csv, &numeric);
      if (csv) {
        if (i) putchar(',');
        csv_field(t ? t : "");
      } else if (grid_add(&g, t ? t : "", numeric) < 0) {
        goto oom;
      }
    }
    if (csv) putchar('\n');
  }
  if (rc != SQLITE_DONE) {
    grid_free(&g);
    if (csv) fflush(stdout);
    return cli_fail("query: statement %d: %s%s", k, sqlite3_errmsg(db),
                    (rc & 0xff) == SQLITE_READONLY ? " (query opens the database read-only)" : "");
  }
  if (!csv && ncol) print_grid(&g);
  grid_free(&g);
  return 0;
oom:
  grid_free(&g);
  return cli_fail("out of memory");
}

/* A params column of run_summary or policy_summary: the param whose name,
** with characters outside [A-Za-z0-9_] made '_', is the column (or equal). */
static int param_column(sqlite3 *db, const char *column, char *name, size_t n) {
  sqlite3_stmt *q = NULL;
  int found = 0;
  if (sqlite3_prepare_v2(db, "SELECT DISTINCT name FROM params", -1, &q, NULL) != SQLITE_OK) return 0;
  while (!found && sqlite3_step(q) == SQLITE_ROW) {
    const char *p = (const char *)sqlite3_column_text(q, 0);
    size_t i = 0;
    if (!p) continue;
    for (; p[i] && column[i]; i++)
      if (column[i] != p[i] && !(column[i] == '_' && !isalnum((unsigned char)p[i]))) break;
    if (!p[i] && !column[i]) {
      snprintf(name, n, "%s", p);
      found = 1;
    }
  }
  sqlite3_finalize(q);
  return found;
}

/* `--schema`: every table and view, each column with its meaning. */
static int print_schema(sqlite3 *db) {
  sqlite3_stmt *obj = NULL, *col = NULL;
  int rc = 0, missing = 0;
  if (sqlite3_prepare_v2(db, "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
                             "AND substr(name, 1, 7) != 'sqlite_' ORDER BY type, name",
                         -1, &obj, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?)", -1, &col, NULL) != SQLITE_OK) {
    rc = cli_fail("query --schema: %s", sqlite3_errmsg(db));
    goto done;
  }
  while ((rc = sqlite3_step(obj)) == SQLITE_ROW) {
    const char *type = (const char *)sqlite3_column_text(obj, 0);
    const char *table = (const char *)sqlite3_column_text(obj, 1);
    const char *doc = store_doc(table, NULL);
    int dynamic = !strcmp(table, "run_summary") || !strcmp(table, "policy_summary");
    if (!doc) missing++;
    printf("%s %s: %s\n", type, table, doc ? doc : "(no description)");
    sqlite3_bind_text(col, 1, table, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(col)) == SQLITE_ROW) {
      const char *c = (const char *)sqlite3_column_text(col, 0);
      char param[512], text[600];
      const char *d = store_doc(table, c);
      if (!d && dynamic && param_column(db, c, param, sizeof param)) {
        snprintf(text, sizeof text, "param '%s' of the run (params.value)", param);
        d = text;
      }
      if (!d) missing++;
      printf("  %-22s %s\n", c, d ? d : "(no description)");
    }
    sqlite3_reset(col);
    if (rc != SQLITE_DONE) break;
    putchar('\n');
  }
  rc = rc == SQLITE_DONE ? 0 : cli_fail("query --schema: %s", sqlite3_errmsg(db));
  if (rc == 0 && missing) fprintf(stderr, "schedlab: %d table(s) or column(s) without a description\n", missing);
done:
  sqlite3_finalize(obj);
  sqlite3_finalize(col);
  return rc;
}

int cmd_query(int argc, char **argv) {
  const char *path = NULL, *sql = NULL, *tail;
  int csv = 0, schema = 0, rc = 0, k = 0, shown = 0;
  sqlite3 *db = NULL;
  struct cli_once once = {0};
  struct sl_err e;
  for (int i = 1; i < argc; i++) {
    if (cli_once(&once, "query", argv[i]) < 0) return EXIT_USAGE;
    if (!strcmp(argv[i], "--csv")) csv = 1;
    else if (!strcmp(argv[i], "--schema")) schema = 1;
    else if (argv[i][0] == '-' && argv[i][1] == '-')
      return cli_usage_error("query", "unknown option '%s'", argv[i]);
    else if (!path) path = argv[i];
    else if (!sql && !schema) sql = argv[i];
    else return cli_usage_error("query", "unexpected argument '%s'", argv[i]);
  }
  if (schema && sql) return cli_usage_error("query", "--schema takes no SQL");
  if (!path || (!sql && !schema))
    return cli_usage_error("query", "expects a database and an SQL string (or --schema)");
  if (store_open_readonly(path, &db, &e) < 0) return cli_fail("%s", e.msg);
  if (schema) {
    rc = print_schema(db);
    sqlite3_close(db);
    return rc;
  }
  /* Statements run in order; the first that fails stops the rest. */
  for (tail = sql; tail && *tail && rc == 0;) {
    sqlite3_stmt *q = NULL;
    k++;
    if (sqlite3_prepare_v2(db, tail, -1, &q, &tail) != SQLITE_OK) {
      rc = cli_fail("query: statement %d: %s", k, sqlite3_errmsg(db));
      break;
    }
    if (!q) break;                            /* only whitespace or comments left */
    if (shown && sqlite3_column_count(q)) putchar('\n');   /* results apart */
    rc = run_statement(db, q, csv, k);
    if (sqlite3_column_count(q)) shown = 1;
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  return rc;
}
