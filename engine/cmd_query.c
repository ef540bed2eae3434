/*
** cmd_query.c — `schedlab query DB "SQL" [--csv]`: SQL over a results
** database, printed as aligned columns (numbers right-aligned) or as CSV.
*/
#include "cli.h"

#include <sqlite3.h>
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
    snprintf(buf, n, "%.10g", sqlite3_column_double(q, i));
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

/* Run one prepared statement and print its rows. */
static int run_statement(sqlite3 *db, sqlite3_stmt *q, int csv) {
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
    return cli_fail("query: %s", sqlite3_errmsg(db));
  }
  if (!csv && ncol) print_grid(&g);
  grid_free(&g);
  return 0;
oom:
  grid_free(&g);
  return cli_fail("out of memory");
}

int cmd_query(int argc, char **argv) {
  const char *path = NULL, *sql = NULL, *tail;
  int csv = 0, rc = 0;
  sqlite3 *db = NULL;
  struct cli_once once = {0};
  for (int i = 1; i < argc; i++) {
    if (cli_once(&once, "query", argv[i]) < 0) return EXIT_USAGE;
    if (!strcmp(argv[i], "--csv")) csv = 1;
    else if (argv[i][0] == '-' && argv[i][1] == '-')
      return cli_usage_error("query", "unknown option '%s'", argv[i]);
    else if (!path) path = argv[i];
    else if (!sql) sql = argv[i];
    else return cli_usage_error("query", "unexpected argument '%s'", argv[i]);
  }
  if (!path || !sql) return cli_usage_error("query", "expects a database and an SQL string");
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    rc = cli_fail("%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
    sqlite3_close(db);
    return rc;
  }
  sqlite3_busy_timeout(db, 60000);
  for (tail = sql; tail && *tail && rc == 0;) {
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, tail, -1, &q, &tail) != SQLITE_OK) {
      rc = cli_fail("query: %s", sqlite3_errmsg(db));
      break;
    }
    if (!q) break;                            /* only whitespace or comments left */
    rc = run_statement(db, q, csv);
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  return rc;
}
