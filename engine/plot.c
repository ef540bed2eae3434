/*
** plot.c — figures: an SQL query's rows drawn by gnuplot. Beside each
** PNG (pngcairo) and SVG lie the .gp script and the .dat data it reads, so
** a figure can be restyled by hand and redrawn with `gnuplot NAME.gp`.
*/
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct table {
  char **cell;             /* row-major */
  char **name;             /* column names */
  int ncol;
  size_t nrow, cap;
};

static void table_free(struct table *t) {
  for (size_t i = 0; i < t->nrow * (size_t)t->ncol; i++) free(t->cell[i]);
  for (int c = 0; c < t->ncol; c++) free(t->name[c]);
  free(t->cell);
  free(t->name);
  memset(t, 0, sizeof *t);
}

static const char *at(const struct table *t, size_t r, int c) { return t->cell[r * (size_t)t->ncol + (size_t)c]; }

static int is_number(const char *s, double *v) {
  double d;
  if (sl_parse_double(s, &d) < 0) return 0;
  if (v) *v = d;
  return 1;
}

static int run_query(sqlite3 *db, const char *sql, struct table *t, struct sl_err *e) {
  sqlite3_stmt *q = NULL;
  int rc;
  memset(t, 0, sizeof *t);
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
    return sl_errf(e, "figure query: %s", sqlite3_errmsg(db));
  t->ncol = sqlite3_column_count(q);
  if (t->ncol < 1) { sqlite3_finalize(q); return sl_errf(e, "figure query returns no columns"); }
  if (!(t->name = sl_alloc((size_t)t->ncol * sizeof *t->name, e))) { sqlite3_finalize(q); return -1; }
  for (int c = 0; c < t->ncol; c++)
    if (!(t->name[c] = sl_strdup(sqlite3_column_name(q, c), e))) { sqlite3_finalize(q); return -1; }
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    char **nc = sl_grow(t->cell, &t->cap, (t->nrow + 1) * (size_t)t->ncol, sizeof *nc, e);
    if (!nc) { sqlite3_finalize(q); return -1; }
    t->cell = nc;
    for (int c = 0; c < t->ncol; c++) {
      const char *v = (const char *)sqlite3_column_text(q, c);
      char num[40];
      if (sqlite3_column_type(q, c) == SQLITE_FLOAT) {
        snprintf(num, sizeof num, "%.10g", sqlite3_column_double(q, c));
        v = num;
      }
      if (!(nc[t->nrow * (size_t)t->ncol + (size_t)c] = sl_strdup(v ? v : "", e))) {
        sqlite3_finalize(q);
        return -1;
      }
    }
    t->nrow++;
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return sl_errf(e, "figure query: %s", sqlite3_errmsg(db));
  return 0;
}

/* Column index by name, or the default position when no name is given. */
static int column(const struct table *t, const char *name, int pos, const char *role,
                  struct sl_err *e) {
  if (!name) return pos < t->ncol ? pos : -1;
  for (int c = 0; c < t->ncol; c++)
    if (!strcmp(t->name[c], name)) return c;
  sl_errf(e, "figure: no column '%s' for %s in the query's result", name, role);
  return -2;
}

/* Distinct values of a column in order of first appearance. */
static size_t distinct(const struct table *t, int c, const char ***out, struct sl_err *e) {
  const char **v = sl_alloc((t->nrow + 1) * sizeof *v, e);
  size_t n = 0;
  if (!v) return (size_t)-1;
  for (size_t r = 0; r < t->nrow; r++) {
    size_t k;
    if (c < 0) { if (n == 0) v[n++] = ""; continue; }
    for (k = 0; k < n && strcmp(v[k], at(t, r, c)); k++) {}
    if (k == n) v[n++] = at(t, r, c);
  }
  *out = v;
  return n;
}

static size_t index_of(const char **v, size_t n, const char *s) {
  for (size_t k = 0; k < n; k++) if (!strcmp(v[k], s)) return k;
  return n;
}

/* A string for a gnuplot double-quoted literal. */
static void gp_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

struct ctx {
  const struct plot_spec *p;
  const struct table *t;
  int cx, cy, cs, ce, cz;
  FILE *dat, *gp;
  const char *datname;
};

/* Decades between the smallest and largest positive value of a column. */
static double decades(const struct table *t, int c) {
  double lo = INFINITY, hi = 0, v;
  for (size_t r = 0; r < t->nrow; r++)
    if (is_number(at(t, r, c), &v) && v > 0) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return hi > 0 && lo < INFINITY ? log10(hi / lo) : 0;
}

static int numeric_column(const struct table *t, int c) {
  for (size_t r = 0; r < t->nrow; r++) if (!is_number(at(t, r, c), NULL)) return 0;
  return t->nrow > 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int emit_line(struct ctx *c, struct sl_err *e) {
  const char **series, **cats = NULL;
  size_t ns = distinct(c->t, c->cs, &series, e), ncat = 0;
  int cat = !numeric_column(c->t, c->cx);
  if (ns == (size_t)-1) return -1;
  if (cat && (ncat = distinct(c->t, c->cx, &cats, e)) == (size_t)-1) { free(series); return -1; }
  for (size_t s = 0; s < ns; s++) {
    fprintf(c->dat, "# series %s\n", series[s]);
    for (size_t r = 0; r < c->t->nrow; r++) {
      if (c->cs >= 0 && strcmp(at(c->t, r, c->cs), series[s])) continue;
      if (cat) fprintf(c->dat, "%zu", index_of(cats, ncat, at(c->t, r, c->cx)));
      else fprintf(c->dat, "%s", at(c->t, r, c->cx));
      fprintf(c->dat, " %s", *at(c->t, r, c->cy) ? at(c->t, r, c->cy) : "NaN");
      if (c->ce >= 0) fprintf(c->dat, " %s", *at(c->t, r, c->ce) ? at(c->t, r, c->ce) : "0");
      fprintf(c->dat, "\n");
    }
    fprintf(c->dat, "\n\n");
  }
  if (cat) {
    fprintf(c->gp, "set xtics (");
    for (size_t k = 0; k < ncat; k++) {
      if (k) fputs(", ", c->gp);
      gp_str(c->gp, cats[k]);
      fprintf(c->gp, " %zu", k);
    }
    fprintf(c->gp, ") rotate by -30\nset xrange [-0.5:%zu.5]\n", ncat ? ncat - 1 : 0);
  } else {
    fprintf(c->gp, "set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n");
  }
  fprintf(c->gp, "plot ");
  for (size_t s = 0; s < ns; s++) {
    fprintf(c->gp, "%s'%s' index %zu using 1:2%s with %s lw 2 pt 7 ps 0.8 title ", s ? ", \\\n     " : "",
            c->datname, s, c->ce >= 0 ? ":3" : "", c->ce >= 0 ? "yerrorlines" : "linespoints");
    gp_str(c->gp, c->cs >= 0 ? series[s] : (c->p->ylabel ? c->p->ylabel : c->t->name[c->cy]));
  }
  fputc('\n', c->gp);
  free(series);
  free(cats);
  return 0;
}

static int emit_bar(struct ctx *c, struct sl_err *e) {
  const char **series, **cats;
  size_t ns = distinct(c->t, c->cs, &series, e), ncat;
  if (ns == (size_t)-1) return -1;
  if ((ncat = distinct(c->t, c->cx, &cats, e)) == (size_t)-1) { free(series); return -1; }
  fprintf(c->dat, "# category");
  for (size_t s = 0; s < ns; s++) fprintf(c->dat, " \"%s\"%s", series[s], c->ce >= 0 ? " err" : "");
  fputc('\n', c->dat);
  for (size_t k = 0; k < ncat; k++) {
    fprintf(c->dat, "\"%s\"", cats[k]);
    for (size_t s = 0; s < ns; s++) {
      const char *y = "NaN", *er = "0";
      for (size_t r = 0; r < c->t->nrow; r++)
        if (!strcmp(at(c->t, r, c->cx), cats[k]) && (c->cs < 0 || !strcmp(at(c->t, r, c->cs), series[s]))) {
          if (*at(c->t, r, c->cy)) y = at(c->t, r, c->cy);
          if (c->ce >= 0 && *at(c->t, r, c->ce)) er = at(c->t, r, c->ce);
        }
      fprintf(c->dat, " %s", y);
      if (c->ce >= 0) fprintf(c->dat, " %s", er);
    }
    fputc('\n', c->dat);
  }
  fprintf(c->gp, "set style data histograms\nset style histogram %s gap 1\n"
                 "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset xtics rotate by -30\n",
          c->ce >= 0 ? "errorbars lw 1.5" : "clustered");
  fprintf(c->gp, "plot ");
  for (size_t s = 0; s < ns; s++) {
    int col = c->ce >= 0 ? 2 + 2 * (int)s : 2 + (int)s;
    if (c->ce >= 0) fprintf(c->gp, "%s'%s' using %d:%d%s title ", s ? ", \\\n     " : "", c->datname, col, col + 1, s ? "" : ":xtic(1)");
    else fprintf(c->gp, "%s'%s' using %d%s title ", s ? ", \\\n     " : "", c->datname, col, s ? "" : ":xtic(1)");
    gp_str(c->gp, c->cs >= 0 ? series[s] : (c->p->ylabel ? c->p->ylabel : c->t->name[c->cy]));
  }
  fputc('\n', c->gp);
  free(series);
  free(cats);
  return 0;
}

static int emit_cdf(struct ctx *c, struct sl_err *e) {
  const char **series;
  size_t ns = distinct(c->t, c->cs, &series, e);
  double *v;
  if (ns == (size_t)-1) return -1;
  if (!(v = sl_alloc((c->t->nrow + 1) * sizeof *v, e))) { free(series); return -1; }
  for (size_t s = 0; s < ns; s++) {
    size_t n = 0;
    for (size_t r = 0; r < c->t->nrow; r++)
      if ((c->cs < 0 || !strcmp(at(c->t, r, c->cs), series[s])) && is_number(at(c->t, r, c->cy), &v[n])) n++;
    qsort(v, n, sizeof *v, cmp_double);
    fprintf(c->dat, "# series %s\n", series[s]);
    for (size_t i = 0; i < n; i++) fprintf(c->dat, "%.10g %.10g\n", v[i], (double)(i + 1) / (double)n);
    fprintf(c->dat, "\n\n");
  }
  fprintf(c->gp, "set yrange [0:1]\nplot ");
  for (size_t s = 0; s < ns; s++) {
    fprintf(c->gp, "%s'%s' index %zu using 1:2 with steps lw 2 title ", s ? ", \\\n     " : "", c->datname, s);
    gp_str(c->gp, c->cs >= 0 ? series[s] : c->t->name[c->cy]);
  }
  fputc('\n', c->gp);
  free(v);
  free(series);
  return 0;
}

static int emit_heatmap(struct ctx *c, struct sl_err *e) {
  const char **xs, **ys;
  size_t nx = distinct(c->t, c->cx, &xs, e), ny;
  if (nx == (size_t)-1) return -1;
  if ((ny = distinct(c->t, c->cy, &ys, e)) == (size_t)-1) { free(xs); return -1; }
  for (size_t i = 0; i < nx; i++) {
    for (size_t j = 0; j < ny; j++) {
      const char *z = "NaN";
      for (size_t r = 0; r < c->t->nrow; r++)
        if (!strcmp(at(c->t, r, c->cx), xs[i]) && !strcmp(at(c->t, r, c->cy), ys[j]) && *at(c->t, r, c->cz))
          z = at(c->t, r, c->cz);
      fprintf(c->dat, "%zu %zu %s\n", i, j, z);
    }
    fputc('\n', c->dat);
  }
  fprintf(c->gp, "set xtics (");
  for (size_t i = 0; i < nx; i++) { if (i) fputs(", ", c->gp); gp_str(c->gp, xs[i]); fprintf(c->gp, " %zu", i); }
  fprintf(c->gp, ")\nset ytics (");
  for (size_t j = 0; j < ny; j++) { if (j) fputs(", ", c->gp); gp_str(c->gp, ys[j]); fprintf(c->gp, " %zu", j); }
  fprintf(c->gp, ")\nset xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\nset cblabel ", nx - 1, ny - 1);
  gp_str(c->gp, c->t->name[c->cz]);
  fprintf(c->gp, "\nset palette rgbformulae 33,13,10\nplot '%s' using 1:2:3 with image notitle, \\\n"
                 "     '%s' using 1:2:(sprintf('%%.3g', $3)) with labels notitle\n", c->datname, c->datname);
  free(xs);
  free(ys);
  return 0;
}

static int run_gnuplot(const char *dir, const char *script, struct sl_err *e) {
  pid_t pid;
  int status;
  fflush(NULL);
  if ((pid = fork()) < 0) return sl_errf(e, "fork: %s", strerror(errno));
  if (pid == 0) {
    if (chdir(dir) < 0) _exit(127);
    execlp("gnuplot", "gnuplot", script, (char *)NULL);
    _exit(127);
  }
  if (waitpid(pid, &status, 0) < 0) return sl_errf(e, "waitpid: %s", strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return sl_errf(e, "gnuplot %s/%s failed (exit %d)%s", dir, script,
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                   WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": is gnuplot installed? (make deps)" : "");
  return 0;
}

int plot_figure(struct sqlite3 *db, const struct plot_spec *p, const char *outdir, struct sl_err *e) {
  struct table t;
  struct ctx c;
  char path[2400], datname[300], gpname[300];
  int rc = -1;
  memset(&c, 0, sizeof c);
  if (mkdir(outdir, 0777) < 0 && errno != EEXIST) return sl_errf(e, "%s: %s", outdir, strerror(errno));
  if (run_query(db, p->sql, &t, e) < 0) { table_free(&t); return sl_err_prefix(e, "figure '%s'", p->name); }
  if (t.nrow == 0) { table_free(&t); return sl_errf(e, "figure '%s': the query returned no rows", p->name); }
  c.p = p;
  c.t = &t;
  /* Roles by name, else by position: x, y (values for a cdf), then the
  ** error column (named err or ci95), then the series: the first column
  ** left over. */
  c.cx = c.cy = c.cs = c.ce = c.cz = -1;
  if (!strcmp(p->kind, "cdf")) c.cy = column(&t, p->y, 0, "values", e);
  else {
    c.cx = column(&t, p->x, 0, "x", e);
    c.cy = column(&t, p->y, 1, "y", e);
  }
  if (!strcmp(p->kind, "heatmap")) c.cz = column(&t, p->z, 2, "z", e);
  else if (strcmp(p->kind, "cdf")) {
    c.ce = column(&t, p->err, -1, "err", e);
    if (!p->err)
      for (int k = 0; k < t.ncol; k++)
        if (!strcmp(t.name[k], "ci95") || !strcmp(t.name[k], "err")) c.ce = k;
  }
  if (p->series) c.cs = column(&t, p->series, -1, "series", e);
  else if (strcmp(p->kind, "heatmap"))
    for (int k = 0; k < t.ncol && c.cs < 0; k++)
      if (k != c.cx && k != c.cy && k != c.ce && k != c.cz) c.cs = k;
  if (c.cx == -2 || c.cy == -2 || c.cs == -2 || c.ce == -2 || c.cz == -2) {
    table_free(&t);
    return sl_err_prefix(e, "figure '%s'", p->name);
  }
  if (c.cy < 0 || (strcmp(p->kind, "cdf") && c.cx < 0) || (!strcmp(p->kind, "heatmap") && c.cz < 0)) {
    table_free(&t);
    return sl_errf(e, "figure '%s': the query needs more columns for a %s plot", p->name, p->kind);
  }
  snprintf(datname, sizeof datname, "%s.dat", p->name);
  snprintf(gpname, sizeof gpname, "%s.gp", p->name);
  c.datname = datname;
  snprintf(path, sizeof path, "%s/%s", outdir, datname);
  if (!(c.dat = fopen(path, "w"))) { sl_errf(e, "%s: %s", path, strerror(errno)); goto done; }
  fprintf(c.dat, "# %s: the rows of\n# ", p->name);
  for (const char *q = p->sql; *q; q++) {     /* every line of the query commented out */
    fputc(*q, c.dat);
    if (*q == '\n') fputs("# ", c.dat);
  }
  fputc('\n', c.dat);
  snprintf(path, sizeof path, "%s/%s", outdir, gpname);
  if (!(c.gp = fopen(path, "w"))) { sl_errf(e, "%s: %s", path, strerror(errno)); goto done; }
  fprintf(c.gp, "# %s — written by schedlab plot; edit and redraw with: gnuplot %s\n", p->name, gpname);
  fprintf(c.gp, "set terminal pngcairo size 1000,620 noenhanced font 'Sans,11'\nset output '%s.png'\n", p->name);
  fprintf(c.gp, "set encoding utf8\nset grid back lc rgb '#dddddd'\nset key outside right top box opaque\n"
                "set border 3\nset tics nomirror\n");
  fprintf(c.gp, "set title ");
  gp_str(c.gp, p->title ? p->title : p->name);
  fprintf(c.gp, "\nset xlabel ");
  gp_str(c.gp, p->xlabel ? p->xlabel : (c.cx >= 0 ? t.name[c.cx] : (c.cy >= 0 ? t.name[c.cy] : "")));
  fprintf(c.gp, "\nset ylabel ");
  gp_str(c.gp, p->ylabel ? p->ylabel : (!strcmp(p->kind, "cdf") ? "fraction of requests" : t.name[c.cy]));
  fputc('\n', c.gp);
  if (p->logx || (!strcmp(p->kind, "cdf") && decades(&t, c.cy) >= 3)) fprintf(c.gp, "set logscale x\n");
  if (p->logy || (strcmp(p->kind, "cdf") && strcmp(p->kind, "heatmap") && decades(&t, c.cy) >= 3))
    fprintf(c.gp, "set logscale y\n");
  if (p->style) fprintf(c.gp, "%s\n", p->style);
  if (!strcmp(p->kind, "line")) rc = emit_line(&c, e);
  else if (!strcmp(p->kind, "bar")) rc = emit_bar(&c, e);
  else if (!strcmp(p->kind, "cdf")) rc = emit_cdf(&c, e);
  else if (!strcmp(p->kind, "heatmap")) rc = emit_heatmap(&c, e);
  else rc = sl_errf(e, "figure '%s': kind '%s' (line, bar, cdf or heatmap)", p->name, p->kind);
  if (rc == 0)
    fprintf(c.gp, "set terminal svg size 1000,620 dynamic noenhanced font 'Sans,11'\n"
                  "set output '%s.svg'\nreplot\n", p->name);
done:
  if (c.dat && fclose(c.dat) != 0 && rc == 0) rc = sl_errf(e, "%s: write failed", datname);
  if (c.gp && fclose(c.gp) != 0 && rc == 0) rc = sl_errf(e, "%s: write failed", gpname);
  table_free(&t);
  if (rc == 0) rc = run_gnuplot(outdir, gpname, e);
  return rc;
}
