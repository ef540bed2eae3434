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

/* {===================================================================
** Text from data in a gnuplot script
**
** Every string that comes from the database or an experiment file (series
** and category names, column names, titles, labels) reaches the .gp file
** only as a single-quoted literal: gnuplot expands backquotes (shell
** commands) and @macros inside double quotes, but nothing inside single
** quotes, where the only special character is the quote itself, written
** twice. A newline would end the literal, so control characters become
** spaces; a label is cut at LABEL_MAX bytes (on a UTF-8 boundary).
** =================================================================== */

#define LABEL_MAX 160

static void gp_str(FILE *f, const char *s) {
  size_t n = strlen(s), cut = n;
  if (n > LABEL_MAX) {
    cut = LABEL_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
  }
  fputc('\'', f);
  for (size_t i = 0; i < cut; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '\'') fputs("''", f);
    else fputc(ch < 0x20 || ch == 0x7f ? ' ' : ch, f);
  }
  if (cut < n) fputs("...", f);
  fputc('\'', f);
}

/* Text in a comment line of a .dat file: one line, whatever it holds. */
static void dat_comment(FILE *f, const char *s) {
  for (; *s; s++) fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

/* A figure name becomes file names in the output folder: letters, digits,
** '_', '-' and '.', not first, at most 100 of them, so it names a file
** there and nothing else (no '/', no '..', no hidden file). */
static int check_name(const char *name, struct sl_err *e) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0) return sl_errf(e, "a figure needs a name");
  if (n > 100) return sl_errf(e, "figure name '%.40s...' is longer than 100 characters", name);
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
             (i > 0 && (c == '-' || c == '.'));
    if (!ok)
      return sl_errf(e, "figure name '%.40s': character %zu is not allowed (names are letters, digits, "
                        "'_', and '-' or '.' after the first character; they name files in the output folder)",
                     name, i + 1);
  }
  if (strstr(name, "..")) return sl_errf(e, "figure name '%.40s': '..' is not allowed", name);
  return 0;
}

/* The words a figure's style may use: settings of axes, ranges, tics, the
** key, grid, margins and fills. Nothing that writes files (output, print,
** table), runs commands (system, shell, load, call, '!', pipes), defines
** functions or variables, or expands macros; double-quoted strings are
** refused too since gnuplot expands backquotes inside them. */
static const char *const style_words[] = {
    "set", "unset",
    "xrange", "yrange", "x2range", "y2range", "cbrange", "logscale", "log", "nologscale",
    "key", "nokey", "format", "xtics", "ytics", "x2tics", "y2tics", "cbtics", "mxtics", "mytics",
    "noxtics", "noytics", "tics", "grid", "nogrid", "border", "noborder", "offsets", "size", "ratio",
    "noratio", "square", "nosquare", "boxwidth", "style", "fill", "solid", "empty", "pattern",
    "transparent", "histogram", "histograms", "clustered", "rowstacked", "errorbars", "gap", "data",
    "lines", "linespoints", "points", "boxes", "steps", "yerrorlines", "yerrorbars", "xlabel",
    "ylabel", "cblabel", "title", "label", "at", "left", "right", "center", "top", "bottom",
    "inside", "outside", "above", "below", "box", "nobox", "opaque", "noopaque", "horizontal",
    "vertical", "reverse", "noreverse", "invert", "noinvert", "font", "textcolor", "tc", "samplen",
    "spacing", "width", "height", "columns", "maxrows", "maxcols", "autotitle", "noautotitle",
    "front", "back", "graph", "first", "second", "screen", "character", "rotate", "by", "norotate",
    "parallel", "offset", "nooffset", "mirror", "nomirror", "in", "out", "scale", "autofreq", "add",
    "lc", "lw", "lt", "dt", "pt", "ps", "linecolor", "linewidth", "linetype", "dashtype",
    "pointtype", "pointsize", "rgb", "rgbcolor", "palette", "rgbformulae", "defined", "colorbox",
    "nocolorbox", "autoscale", "fix", "noextend", "min", "max", "x", "y", "x2", "y2", "xy", "cb",
    "lmargin", "rmargin", "tmargin", "bmargin", "margins", "xzeroaxis", "yzeroaxis", "zeroaxis",
    "bars", "small", "large", "fullwidth", "default", NULL};

static int style_word(const char *w, size_t n) {
  for (int i = 0; style_words[i]; i++)
    if (strlen(style_words[i]) == n && !memcmp(style_words[i], w, n)) return 1;
  return 0;
}

/* A style: lines (or ';'-separated commands), each `set ...` or `unset ...`
** made of allowed words, numbers, single-quoted strings and [ ] ( ) : , . +
** - * / %. Anything else is refused with the command it is in. */
static int check_style(const char *style, struct sl_err *e) {
  const char *s = style;
  int words = 0;                           /* words so far in this command */
  while (*s) {
    const char *t = s;
    unsigned char c = (unsigned char)*s;
    if (c == '\n' || c == ';') { words = 0; s++; continue; }
    if (c == ' ' || c == '\t') { s++; continue; }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
      while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_') s++;
      if (!style_word(t, (size_t)(s - t)))
        return sl_errf(e, "style: '%.*s' is not an allowed gnuplot style word (a style sets axes, ranges, "
                          "tics, the key, grid, margins or fills)", (int)(s - t > 40 ? 40 : s - t), t);
      if (words == 0 && strncmp(t, "set", 3) && strncmp(t, "unset", 5))
        return sl_errf(e, "style: each line starts with 'set' or 'unset', not '%.*s'",
                       (int)(s - t > 40 ? 40 : s - t), t);
      words++;
      continue;
    }
    if (words == 0) return sl_errf(e, "style: each line starts with 'set' or 'unset'");
    if ((c >= '0' && c <= '9') || c == '.') {
      while ((*s >= '0' && *s <= '9') || *s == '.') s++;
      if ((*s == 'e' || *s == 'E') && (s[1] == '-' || s[1] == '+' || (s[1] >= '0' && s[1] <= '9'))) {
        s += 2;
        while (*s >= '0' && *s <= '9') s++;
      }
      continue;
    }
    if (c == '\'') {                       /* single quotes: nothing inside is evaluated */
      for (s++; *s && !(*s == '\'' && s[1] != '\''); s += *s == '\'' ? 2 : 1)
        if ((unsigned char)*s < 0x20) return sl_errf(e, "style: a string holds a control character");
      if (!*s) return sl_errf(e, "style: unterminated string");
      s++;
      continue;
    }
    if (strchr("[]():,+-*/%", c)) { s++; continue; }
    if (c == '"')
      return sl_errf(e, "style: double-quoted strings are not allowed (gnuplot runs backquoted commands in "
                        "them); use single quotes");
    if (c >= 0x20 && c < 0x7f)
      return sl_errf(e, "style: character '%c' is not allowed (no commands, macros, pipes or assignments)", c);
    return sl_errf(e, "style: character 0x%02x is not allowed", c);
  }
  return 0;
}

int plot_check_spec(const struct plot_spec *p, struct sl_err *e) {
  if (check_name(p->name, e) < 0) return -1;
  if (p->style && check_style(p->style, e) < 0) return sl_err_prefix(e, "figure '%s'", p->name);
  return 0;
}

/* }=================================================================== */

struct ctx {
  const struct plot_spec *p;
  const struct table *t;
  int cx, cy, cs, ce, cz;
  int clo, chi;            /* an interval's bounds (columns lo and hi), else -1 */
  int logx;
  FILE *dat, *gp;
  const char *datname;
};

/* Whether the values of up to three columns (-1: none) span decades: all
** positive, max/min > 100. A linear axis squeezes the small values of such
** data into one line. Values that all lie in (0, 1] read as shares, whose
** interesting end is near 1: they keep a linear axis. */
static int spans_decades(const struct table *t, int c0, int c1, int c2) {
  double lo = INFINITY, hi = 0, v;
  int cols[3] = {c0, c1, c2};
  size_t n = 0;
  for (int k = 0; k < 3; k++) {
    if (cols[k] < 0) continue;
    for (size_t r = 0; r < t->nrow; r++) {
      if (!*at(t, r, cols[k])) continue;
      if (!is_number(at(t, r, cols[k]), &v) || !(v > 0)) return 0;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      n++;
    }
  }
  return n > 0 && hi > 1 && hi / lo > 100;
}

/* A cell as a .dat field: a number, or def (NaN, 0) for anything else, so
** no text from the data ever lands in a .dat file. */
static const char *num(const char *s, const char *def) { return is_number(s, NULL) ? s : def; }

static int numeric_column(const struct table *t, int c) {
  for (size_t r = 0; r < t->nrow; r++) if (!is_number(at(t, r, c), NULL)) return 0;
  return t->nrow > 0;
}

/* An interval: the columns lo and hi when the query has them, else y +- err. */
static void put_interval(struct ctx *c, size_t r) {
  const char *y = num(at(c->t, r, c->cy), "NaN");
  if (c->clo >= 0) {
    const char *lo = at(c->t, r, c->clo), *hi = at(c->t, r, c->chi);
    fprintf(c->dat, " %s %s", num(lo, y), num(hi, y));
  } else if (c->ce >= 0) {
    fprintf(c->dat, " %s", num(at(c->t, r, c->ce), "0"));
  }
}

static int has_interval(const struct ctx *c) { return c->clo >= 0 || c->ce >= 0; }

/* Tics at 0, 1, ... labelled with the names: set xtics ('a' 0, 'b' 1). */
static void gp_tics(FILE *gp, const char *axis, const char **names, size_t n) {
  fprintf(gp, "set %stics (", axis);
  for (size_t k = 0; k < n; k++) {
    if (k) fputs(", ", gp);
    gp_str(gp, names[k]);
    fprintf(gp, " %zu", k);
  }
  fputc(')', gp);
}

/* A series' title in the key: its name, or with one series the y label. */
static void series_title(struct ctx *c, const char **series, size_t s) {
  gp_str(c->gp, c->cs >= 0 ? series[s] : (c->p->ylabel ? c->p->ylabel : c->t->name[c->cy]));
}

static int emit_line(struct ctx *c, struct sl_err *e) {
  const char **series, **cats = NULL;
  size_t ns = distinct(c->t, c->cs, &series, e), ncat = 0;
  int cat = !numeric_column(c->t, c->cx);
  if (ns == (size_t)-1) return -1;
  if (cat && (ncat = distinct(c->t, c->cx, &cats, e)) == (size_t)-1) { free(series); return -1; }
  /* Several series with error bars at the same x hide each other's bars:
  ** each is moved sideways by a little (up to 2.5% of the x range, or a
  ** tenth of a category); the .dat holds the moved x. */
  double dodge = 0, xlo = INFINITY, xhi = -INFINITY, v;
  if (has_interval(c) && ns > 1 && !c->logx) {
    if (cat) dodge = 0.2 / (double)(ns - 1);
    else {
      for (size_t r = 0; r < c->t->nrow; r++)
        if (is_number(at(c->t, r, c->cx), &v)) { if (v < xlo) xlo = v; if (v > xhi) xhi = v; }
      if (xhi > xlo) dodge = 0.05 * (xhi - xlo) / (double)(ns - 1);
    }
  }
  for (size_t s = 0; s < ns; s++) {
    double shift = dodge * ((double)s - (double)(ns - 1) / 2);
    fputs("# series ", c->dat);
    dat_comment(c->dat, series[s]);
    fputc('\n', c->dat);
    for (size_t r = 0; r < c->t->nrow; r++) {
      if (c->cs >= 0 && strcmp(at(c->t, r, c->cs), series[s])) continue;
      if (cat) fprintf(c->dat, "%.10g", (double)index_of(cats, ncat, at(c->t, r, c->cx)) + shift);
      else if (shift != 0 && is_number(at(c->t, r, c->cx), &v)) fprintf(c->dat, "%.10g", v + shift);
      else fprintf(c->dat, "%s", num(at(c->t, r, c->cx), "NaN"));
      fprintf(c->dat, " %s", num(at(c->t, r, c->cy), "NaN"));
      put_interval(c, r);
      fprintf(c->dat, "\n");
    }
    fprintf(c->dat, "\n\n");
  }
  if (cat) {
    gp_tics(c->gp, "x", cats, ncat);
    fprintf(c->gp, " rotate by -30\nset xrange [-0.5:%zu.5]\n", ncat ? ncat - 1 : 0);
  } else {
    fprintf(c->gp, "set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n");
  }
  fprintf(c->gp, "plot ");
  for (size_t s = 0; s < ns; s++) {
    fprintf(c->gp, "%s'%s' index %zu using 1:2%s with %s lt %zu lw 2 ps 1.1 title ", s ? ", \\\n     " : "",
            c->datname, s, c->clo >= 0 ? ":3:4" : c->ce >= 0 ? ":3" : "",
            has_interval(c) ? "yerrorlines" : "linespoints", s + 1);
    series_title(c, series, s);
  }
  fputc('\n', c->gp);
  free(series);
  free(cats);
  return 0;
}

/* Bars: one row of the .dat per category (its position, then y and the
** interval of each series); category names reach the script as tic labels. */
static int emit_bar(struct ctx *c, struct sl_err *e) {
  const char **series, **cats;
  size_t ns = distinct(c->t, c->cs, &series, e), ncat;
  int per = c->clo >= 0 ? 3 : c->ce >= 0 ? 2 : 1;      /* .dat columns per series */
  if (ns == (size_t)-1) return -1;
  if ((ncat = distinct(c->t, c->cx, &cats, e)) == (size_t)-1) { free(series); return -1; }
  fputs("# category index, then per series: y", c->dat);
  fputs(c->clo >= 0 ? " lo hi\n" : c->ce >= 0 ? " err\n" : "\n", c->dat);
  for (size_t s = 0; s < ns; s++) {
    fprintf(c->dat, "# series %zu: ", s + 1);
    dat_comment(c->dat, series[s]);
    fputc('\n', c->dat);
  }
  for (size_t k = 0; k < ncat; k++) {
    fprintf(c->dat, "%zu", k);
    for (size_t s = 0; s < ns; s++) {
      size_t row = c->t->nrow;
      for (size_t r = 0; r < c->t->nrow; r++)
        if (!strcmp(at(c->t, r, c->cx), cats[k]) && (c->cs < 0 || !strcmp(at(c->t, r, c->cs), series[s])))
          row = r;
      if (row == c->t->nrow) {
        fputs(per == 3 ? " NaN NaN NaN" : per == 2 ? " NaN 0" : " NaN", c->dat);
        continue;
      }
      fprintf(c->dat, " %s", num(at(c->t, row, c->cy), "NaN"));
      put_interval(c, row);
    }
    fputc('\n', c->dat);
  }
  fprintf(c->gp, "set style data histograms\nset style histogram %s gap 1\n"
                 "set boxwidth 0.9\n",
          has_interval(c) ? "errorbars lw 1.5" : "clustered");
  gp_tics(c->gp, "x", cats, ncat);
  fprintf(c->gp, " rotate by -30\nplot ");
  for (size_t s = 0; s < ns; s++) {
    int col = 2 + per * (int)s;
    fprintf(c->gp, "%s'%s' using %d", s ? ", \\\n     " : "", c->datname, col);
    if (per == 3) fprintf(c->gp, ":%d:%d", col + 1, col + 2);
    else if (per == 2) fprintf(c->gp, ":%d", col + 1);
    /* Fill patterns besides colours, so series differ in grey too. */
    if (s == 0) fprintf(c->gp, " lt 1 fs solid 0.85 border lc rgb '#333333' title ");
    else fprintf(c->gp, " lt %zu fs pattern %d border lc rgb '#333333' title ", s + 1, (int)(s - 1) % 6 + 1);
    series_title(c, series, s);
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
    qsort(v, n, sizeof *v, sl_cmp_double);
    fputs("# series ", c->dat);
    dat_comment(c->dat, series[s]);
    fputc('\n', c->dat);
    for (size_t i = 0; i < n; i++) fprintf(c->dat, "%.10g %.10g\n", v[i], (double)(i + 1) / (double)n);
    fprintf(c->dat, "\n\n");
  }
  fprintf(c->gp, "set yrange [0:1]\nplot ");
  for (size_t s = 0; s < ns; s++) {
    fprintf(c->gp, "%s'%s' index %zu using 1:2 with steps lt %zu lw 2 title ", s ? ", \\\n     " : "",
            c->datname, s, s + 1);
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
          z = num(at(c->t, r, c->cz), "NaN");
      fprintf(c->dat, "%zu %zu %s\n", i, j, z);
    }
    fputc('\n', c->dat);
  }
  gp_tics(c->gp, "x", xs, nx);
  fputc('\n', c->gp);
  gp_tics(c->gp, "y", ys, ny);
  fprintf(c->gp, "\nset xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\nset cblabel ", nx - 1, ny - 1);
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

/* Line types every figure uses: colours that stay apart on white and for
** colour-blind readers (Okabe-Ito without its yellow), each with its own
** dash pattern and point shape, so series differ in grey too. */
static void write_lines(FILE *gp) {
  static const char *const colour[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000",
                                       "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F", "#882255"};
  static const int point[] = {7, 5, 9, 11, 13, 6, 4, 8, 10, 12};
  for (int i = 0; i < 10; i++)
    fprintf(gp, "set linetype %d lc rgb '%s' dt %d pt %d\n", i + 1, colour[i], i % 5 + 1, point[i]);
  fprintf(gp, "set linetype cycle 10\n");
}

/* The key says what the error bars are: lo/hi (a 95% interval inside the
** metric's domain, as policy_summary computes it) or y +- ci95, and over
** how many seeds when the query has a column n. */
static void key_title(struct ctx *c, int cn) {
  char buf[160];
  double lo = INFINITY, hi = -INFINITY, v;
  if (!has_interval(c)) return;
  if (cn >= 0)
    for (size_t r = 0; r < c->t->nrow; r++)
      if (is_number(at(c->t, r, cn), &v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (lo > hi) snprintf(buf, sizeof buf, "bars: 95%% interval");
  else if (lo == hi) snprintf(buf, sizeof buf, "mean over %.0f seeds, bars: 95%% interval", lo);
  else snprintf(buf, sizeof buf, "mean over %.0f-%.0f seeds, bars: 95%% interval", lo, hi);
  fprintf(c->gp, "set key title ");
  gp_str(c->gp, buf);
  fputc('\n', c->gp);
}

int plot_figure(struct sqlite3 *db, const struct plot_spec *p, const char *outdir, struct sl_err *e) {
  struct table t;
  struct ctx c;
  char path[2400], datname[300], gpname[300];
  int rc = -1, cn = -1;
  memset(&c, 0, sizeof c);
  if (plot_check_spec(p, e) < 0) return -1;
  if (mkdir(outdir, 0777) < 0 && errno != EEXIST) return sl_errf(e, "%s: %s", outdir, strerror(errno));
  if (run_query(db, p->sql, &t, e) < 0) { table_free(&t); return sl_err_prefix(e, "figure '%s'", p->name); }
  if (t.nrow == 0) { table_free(&t); return sl_errf(e, "figure '%s': the query returned no rows", p->name); }
  c.p = p;
  c.t = &t;
  /* Roles by name, else by position: x, y (values for a cdf), then the
  ** interval (columns lo and hi, else one named err or ci95 for y +- err),
  ** then the series: the first column left over that is not n (the
  ** number of seeds or samples, named in the key). */
  c.cx = c.cy = c.cs = c.ce = c.cz = c.clo = c.chi = -1;
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
    for (int k = 0; k < t.ncol; k++) {
      if (!strcmp(t.name[k], "lo")) c.clo = k;
      if (!strcmp(t.name[k], "hi")) c.chi = k;
    }
    if (c.clo < 0 || c.chi < 0) c.clo = c.chi = -1;
  }
  for (int k = 0; k < t.ncol; k++)
    if (!strcmp(t.name[k], "n") && k != c.cx && k != c.cy && k != c.cz) cn = k;
  if (p->series) c.cs = column(&t, p->series, -1, "series", e);
  else if (strcmp(p->kind, "heatmap"))
    for (int k = 0; k < t.ncol && c.cs < 0; k++)
      if (k != c.cx && k != c.cy && k != c.ce && k != c.cz && k != c.clo && k != c.chi && k != cn) c.cs = k;
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
    if (*q == '\n') fputs("\n# ", c.dat);
    else fputc((unsigned char)*q < 0x20 || *q == 0x7f ? ' ' : *q, c.dat);
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
  write_lines(c.gp);
  key_title(&c, cn);
  if (p->logx || (!strcmp(p->kind, "cdf") && spans_decades(&t, c.cy, -1, -1)) ||
      (!strcmp(p->kind, "line") && numeric_column(&t, c.cx) && spans_decades(&t, c.cx, -1, -1))) {
    fprintf(c.gp, "set logscale x\n");
    c.logx = 1;
  }
  /* On a log axis, autoscaling to whole decades wastes most of a line plot
  ** (its offsets keep a margin); bars keep the decades, as they start at the
  ** bottom edge. */
  if (p->logy || (strcmp(p->kind, "cdf") && strcmp(p->kind, "heatmap") && spans_decades(&t, c.cy, c.clo, c.chi)))
    fprintf(c.gp, "set logscale y\n%s", !strcmp(p->kind, "line") ? "set autoscale yfix\n" : "");
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

/* {===================================================================
** Gantt charts of recorded intervals
** =================================================================== */

struct gbar {
  int64_t task_id;
  sl_ns start, end;
  int32_t unit;
  int64_t priority;
  sl_ns finish;            /* the request's finish, SL_NS_NONE if unfinished */
  char *tenant;            /* "" when NULL */
  size_t group;            /* colour group */
  int stopped;             /* ends before the request finished, not resumed at once */
  double y0, y1;           /* its band in the unit's row */
};

struct gantt {
  struct gbar *b;
  size_t n, cap;
  char **group;            /* group labels, in legend order */
  size_t ngroup;
  int32_t nunits;
  sl_ns run_end;           /* runs.sim_end_ns */
  char *title;
};

static void gantt_free(struct gantt *g) {
  for (size_t i = 0; i < g->n; i++) free(g->b[i].tenant);
  for (size_t i = 0; i < g->ngroup; i++) free(g->group[i]);
  free(g->b);
  free(g->group);
  free(g->title);
  memset(g, 0, sizeof *g);
}

/* The run's row, and whether it recorded intervals: -1 with e set when it
** is missing, failed, or kept none. */
static int gantt_run(sqlite3 *db, const struct gantt_spec *gs, struct gantt *g, struct sl_err *e) {
  sqlite3_stmt *q = NULL;
  int rc = -1;
  /* A database older than schema version 3 (read-only here, so never
  ** upgraded) has no intervals at all. */
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                             "'intervals'", -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
    sqlite3_finalize(q);
    return sl_errf(e, "gantt: %s", sqlite3_errmsg(db));
  }
  rc = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  if (!rc)
    return sl_errf(e, "run %lld has no intervals (the database predates them): re-run it with "
                      "--record intervals", (long long)gs->run_id);
  rc = -1;
  if (sqlite3_prepare_v2(db, "SELECT status, policy, device, coalesce(sim_end_ns, 0),"
                             " (SELECT count(*) FROM params p WHERE p.run_id = r.run_id AND"
                             "  p.name = 'record.intervals'),"
                             " (SELECT count(*) FROM intervals i WHERE i.run_id = r.run_id),"
                             " (SELECT max(unit) FROM intervals i WHERE i.run_id = r.run_id),"
                             " (SELECT max(unit) FROM tasks t WHERE t.run_id = r.run_id)"
                             " FROM runs r WHERE run_id = ?", -1, &q, NULL) != SQLITE_OK)
    return sl_errf(e, "gantt: %s", sqlite3_errmsg(db));
  sqlite3_bind_int64(q, 1, gs->run_id);
  if (sqlite3_step(q) != SQLITE_ROW) {
    sl_errf(e, "no run %lld in the database", (long long)gs->run_id);
  } else if (strcmp((const char *)sqlite3_column_text(q, 0), "ok")) {
    sl_errf(e, "run %lld failed: a failed run stores no intervals", (long long)gs->run_id);
  } else if (sqlite3_column_int64(q, 4) == 0 && sqlite3_column_int64(q, 5) == 0) {
    sl_errf(e, "run %lld has no intervals: re-run it with --record intervals", (long long)gs->run_id);
  } else {
    char t[400];
    int32_t ku = sqlite3_column_int(q, 6), kt = sqlite3_column_int(q, 7);
    g->run_end = sqlite3_column_int64(q, 3);
    g->nunits = ku > kt ? ku : kt;
    if (g->nunits < 1) g->nunits = 1;
    snprintf(t, sizeof t, "run %lld: %.150s on %.200s", (long long)gs->run_id,
             (const char *)sqlite3_column_text(q, 1), (const char *)sqlite3_column_text(q, 2));
    if ((g->title = sl_strdup(t, e))) rc = 0;
  }
  sqlite3_finalize(q);
  return rc;
}

static int gantt_load(sqlite3 *db, const struct gantt_spec *gs, struct gantt *g, struct sl_err *e) {
  sqlite3_stmt *q = NULL;
  int rc;
  /* Bars touching the window's edges are kept, so a stop exactly at an
  ** edge still sees whether the request went on there. The request's row
  ** is looked up by task_id, the key intervals carry. */
  if (sqlite3_prepare_v2(db, "SELECT i.task_id, i.start_ns, i.end_ns, i.unit, t.priority, t.finish_ns,"
                             " t.tenant FROM intervals i LEFT JOIN tasks t ON t.run_id = i.run_id AND"
                             " t.seq = (SELECT min(seq) FROM tasks u WHERE u.run_id = i.run_id AND"
                             " u.task_id = i.task_id)"
                             " WHERE i.run_id = ?1 AND i.end_ns >= ?2 AND i.start_ns <= ?3"
                             " ORDER BY i.unit, i.start_ns, i.task_id", -1, &q, NULL) != SQLITE_OK)
    return sl_errf(e, "gantt: %s", sqlite3_errmsg(db));
  sqlite3_bind_int64(q, 1, gs->run_id);
  sqlite3_bind_int64(q, 2, gs->from == SL_NS_NONE ? INT64_MIN : gs->from);
  sqlite3_bind_int64(q, 3, gs->to == SL_NS_NONE ? INT64_MAX : gs->to);
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    struct gbar *nb = sl_grow(g->b, &g->cap, g->n + 1, sizeof *nb, e), *b;
    const char *ten = (const char *)sqlite3_column_text(q, 6);
    if (!nb) { sqlite3_finalize(q); return -1; }
    g->b = nb;
    b = &nb[g->n];
    memset(b, 0, sizeof *b);
    b->task_id = sqlite3_column_int64(q, 0);
    b->start = sqlite3_column_int64(q, 1);
    b->end = sqlite3_column_int64(q, 2);
    b->unit = sqlite3_column_int(q, 3);
    b->priority = sqlite3_column_int64(q, 4);
    b->finish = sqlite3_column_type(q, 5) == SQLITE_NULL ? SL_NS_NONE : sqlite3_column_int64(q, 5);
    if (!(b->tenant = sl_strdup(ten ? ten : "", e))) { sqlite3_finalize(q); return -1; }
    g->n++;
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return sl_errf(e, "gantt: %s", sqlite3_errmsg(db));
  return 0;
}

static int cmp_task_start(const void *a, const void *b) {
  const struct gbar *x = *(const struct gbar *const *)a, *y = *(const struct gbar *const *)b;
  if (x->task_id != y->task_id) return x->task_id < y->task_id ? -1 : 1;
  return x->start < y->start ? -1 : x->start > y->start;
}

/* A bar ends in a stop (a preemption) when the request did not finish
** there and no bar of it starts at that instant: a change of rate or
** share ends a bar too, but the request goes on. An unfinished request's
** last bar is a stop only if it ended before the run did. */
static int gantt_stops(struct gantt *g, struct sl_err *e) {
  struct gbar **v = sl_alloc((g->n + 1) * sizeof *v, e);
  if (!v) return -1;
  for (size_t i = 0; i < g->n; i++) v[i] = &g->b[i];
  qsort(v, g->n, sizeof *v, cmp_task_start);
  for (size_t i = 0; i < g->n; i++) {
    struct gbar *b = v[i];
    int resumed = 0;
    for (size_t j = i + 1; j < g->n && v[j]->task_id == b->task_id && v[j]->start <= b->end; j++)
      if (v[j]->start == b->end) resumed = 1;
    b->stopped = !resumed && (b->finish == SL_NS_NONE ? b->end < g->run_end : b->end < b->finish);
  }
  free(v);
  return 0;
}

/* Requests sharing a unit (ps, a pool) overlap in time: each bar gets a
** lane of its unit's row, the first free one, so none hides another. A
** request whose bar just ended there keeps its lane when it is free (a
** change of rate ends a bar, not the request's place). Bars come sorted
** by unit, then start. */
static int gantt_lanes(struct gantt *g, struct sl_err *e) {
  size_t cap = 0;
  struct lane { sl_ns end; int64_t task; } *lane = NULL;
  for (size_t i = 0, first = 0; i <= g->n; i++) {
    size_t nl = 0;
    if (i < g->n && g->b[i].unit == g->b[first].unit) continue;
    for (size_t k = first; k < i; k++) {        /* the bars of one unit: first..i-1 */
      struct gbar *b = &g->b[k];
      size_t pick = nl;
      for (size_t l = 0; l < nl; l++)
        if (lane[l].end <= b->start) {
          if (lane[l].task == b->task_id) { pick = l; break; }
          if (pick == nl) pick = l;
        }
      if (pick == nl) {
        struct lane *nv = sl_grow(lane, &cap, nl + 1, sizeof *nv, e);
        if (!nv) { free(lane); return -1; }
        lane = nv;
        nl++;
      }
      lane[pick].end = b->end;
      lane[pick].task = b->task_id;
      b->y0 = (double)pick;                     /* the lane, until the count is known */
    }
    for (size_t k = first; k < i; k++) {
      struct gbar *b = &g->b[k];
      double h = 0.7 / (double)(nl ? nl : 1), lo = b->unit - 0.35 + b->y0 * h;
      b->y0 = lo;
      b->y1 = lo + h;
    }
    first = i;
  }
  free(lane);
  return 0;
}

static int cmp_i64_desc(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x > y ? -1 : x < y;
}

/* Colour groups: priorities from the highest down, or tenants by name. */
static int gantt_groups(struct gantt *g, int by_tenant, struct sl_err *e) {
  size_t n = 0;
  if (!(g->group = sl_alloc((g->n + 1) * sizeof *g->group, e))) return -1;
  if (by_tenant) {
    const char **names = sl_alloc((g->n + 1) * sizeof *names, e);
    size_t nu = 0;
    if (!names) return -1;
    for (size_t i = 0; i < g->n; i++) names[i] = g->b[i].tenant;
    qsort(names, g->n, sizeof *names, sl_cmp_str);
    for (size_t i = 0; i < g->n; i++)
      if (i == 0 || strcmp(names[i], names[nu - 1])) names[nu++] = names[i];
    for (size_t i = 0; i < nu; i++) {
      char *l = sl_alloc(strlen(names[i]) + 16, e);
      if (!l) { free(names); return -1; }
      sprintf(l, "tenant %s", *names[i] ? names[i] : "(none)");
      g->group[n++] = l;
      g->ngroup = n;
    }
    for (size_t k = 0; k < g->n; k++) {
      const char *key = g->b[k].tenant;
      const char **hit = bsearch(&key, names, nu, sizeof *names, sl_cmp_str);
      g->b[k].group = (size_t)(hit - names);
    }
    free(names);
  } else {
    int64_t *p = sl_alloc((g->n + 1) * sizeof *p, e);
    if (!p) return -1;
    for (size_t i = 0; i < g->n; i++) p[i] = g->b[i].priority;
    qsort(p, g->n, sizeof *p, cmp_i64_desc);
    size_t nu = 0;
    for (size_t i = 0; i < g->n; i++)
      if (i == 0 || p[i] != p[nu - 1]) p[nu++] = p[i];
    for (size_t i = 0; i < nu; i++) {
      char l[48];
      snprintf(l, sizeof l, "priority %lld", (long long)p[i]);
      if (!(g->group[n++] = sl_strdup(l, e))) { free(p); return -1; }
      g->ngroup = n;
    }
    for (size_t k = 0; k < g->n; k++) {
      const int64_t *hit = bsearch(&g->b[k].priority, p, nu, sizeof *p, cmp_i64_desc);
      g->b[k].group = (size_t)(hit - p);
    }
    free(p);
  }
  return 0;
}

/* The time axis in the largest unit that keeps a few whole ticks. */
static void time_unit(sl_ns span, double *div, const char **name) {
  if (span >= 2000000000) { *div = 1e9; *name = "s"; }
  else if (span >= 2000000) { *div = 1e6; *name = "ms"; }
  else if (span >= 2000) { *div = 1e3; *name = "us"; }
  else { *div = 1; *name = "ns"; }
}

static int gantt_write(const struct gantt *g, const struct gantt_spec *gs, const char *outdir,
                       struct sl_err *e) {
  char path[2400], datname[300], gpname[300];
  FILE *dat = NULL, *gp = NULL;
  sl_ns lo = gs->from, hi = gs->to;
  double div;
  const char *tu;
  size_t nstops = 0;
  int rc = 0, height;
  if (lo == SL_NS_NONE) { lo = SL_NS_MAX; for (size_t i = 0; i < g->n; i++) if (g->b[i].start < lo) lo = g->b[i].start; }
  if (hi == SL_NS_NONE) { hi = SL_NS_NONE + 1; for (size_t i = 0; i < g->n; i++) if (g->b[i].end > hi) hi = g->b[i].end; }
  time_unit(hi - lo, &div, &tu);
  snprintf(datname, sizeof datname, "%s.dat", gs->name);
  snprintf(gpname, sizeof gpname, "%s.gp", gs->name);
  snprintf(path, sizeof path, "%s/%s", outdir, datname);
  if (!(dat = fopen(path, "w"))) return sl_errf(e, "%s: %s", path, strerror(errno));
  /* One block per colour group (x from, x to, y from, y to of each bar, in
  ** the axis unit), then the stops (x, y). Numbers only. */
  fprintf(dat, "# %s: intervals of run %lld, time in %s; per block: start end y-from y-to\n",
          gs->name, (long long)gs->run_id, tu);
  for (size_t k = 0; k < g->ngroup; k++) {
    fprintf(dat, "# group %zu: ", k + 1);
    dat_comment(dat, g->group[k]);
    fputc('\n', dat);
    for (size_t i = 0; i < g->n; i++) {
      const struct gbar *b = &g->b[i];
      sl_ns s = b->start < lo ? lo : b->start, t = b->end > hi ? hi : b->end;
      if (b->group != k || t <= s) continue;
      fprintf(dat, "%.10g %.10g %.6g %.6g\n", (double)s / div, (double)t / div, b->y0, b->y1);
    }
    fputs("\n\n", dat);
  }
  fputs("# stops: time unit\n", dat);
  for (size_t i = 0; i < g->n; i++)
    if (g->b[i].stopped && g->b[i].end >= lo && g->b[i].end <= hi) {
      fprintf(dat, "%.10g %.6g\n", (double)g->b[i].end / div, (g->b[i].y0 + g->b[i].y1) / 2);
      nstops++;
    }
  if (fclose(dat) != 0) return sl_errf(e, "%s: write failed", datname);
  snprintf(path, sizeof path, "%s/%s", outdir, gpname);
  if (!(gp = fopen(path, "w"))) return sl_errf(e, "%s: %s", path, strerror(errno));
  height = 260 + 45 * (g->nunits < 30 ? g->nunits : 30);
  fprintf(gp, "# %s — written by schedlab plot --gantt; edit and redraw with: gnuplot %s\n", gs->name, gpname);
  fprintf(gp, "set terminal pngcairo size 1100,%d noenhanced font 'Sans,11'\nset output '%s.png'\n",
          height, gs->name);
  fprintf(gp, "set encoding utf8\nset grid xtics back lc rgb '#dddddd'\nset key outside right top box opaque\n"
              "set border 3\nset tics nomirror\nset title ");
  gp_str(gp, g->title);
  fprintf(gp, "\nset xlabel 'time (%s)'\nset ylabel 'unit'\n", tu);
  fprintf(gp, "set xrange [%.10g:%.10g]\nset yrange [%d.6:0.4]\nset ytics 1,1,%d\n", (double)lo / div,
          (double)hi / div, (int)g->nunits, (int)g->nunits);
  write_lines(gp);
  fprintf(gp, "plot ");
  for (size_t k = 0; k < g->ngroup; k++) {
    fprintf(gp, "%s'%s' index %zu using 1:(($3+$4)/2):1:2:3:4 with boxxyerror lt %zu "
                "fs solid 0.85 border lc rgb '#333333' title ",
            k ? ", \\\n     " : "", datname, k, k + 1);
    gp_str(gp, g->group[k]);
  }
  if (nstops)
    fprintf(gp, ", \\\n     '%s' index %zu using 1:2 with points pt 9 ps 1.6 lc rgb '#000000' "
                "title 'stopped before finishing (preempted)'", datname, g->ngroup);
  fprintf(gp, "\nset terminal svg size 1100,%d dynamic noenhanced font 'Sans,11'\n"
              "set output '%s.svg'\nreplot\n", height, gs->name);
  if (fclose(gp) != 0) rc = sl_errf(e, "%s: write failed", gpname);
  if (rc == 0) rc = run_gnuplot(outdir, gpname, e);
  return rc;
}

int plot_gantt(struct sqlite3 *db, const struct gantt_spec *gs, const char *outdir, struct sl_err *e) {
  struct gantt g;
  int rc = -1;
  memset(&g, 0, sizeof g);
  if (check_name(gs->name, e) < 0) return -1;
  if (gs->from != SL_NS_NONE && gs->to != SL_NS_NONE && gs->from >= gs->to)
    return sl_errf(e, "gantt: the window is empty (--from must be before --to)");
  if (gantt_run(db, gs, &g, e) < 0 || gantt_load(db, gs, &g, e) < 0) goto done;
  if (g.n == 0) {
    sl_errf(e, "run %lld has no intervals in the window", (long long)gs->run_id);
    goto done;
  }
  if (gantt_stops(&g, e) < 0 || gantt_lanes(&g, e) < 0 || gantt_groups(&g, gs->by_tenant, e) < 0)
    goto done;
  if (mkdir(outdir, 0777) < 0 && errno != EEXIST) { sl_errf(e, "%s: %s", outdir, strerror(errno)); goto done; }
  rc = gantt_write(&g, gs, outdir, e);
done:
  gantt_free(&g);
  return rc;
}

/* }=================================================================== */
