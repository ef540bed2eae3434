/*
** plot.h — drawing a figure from an SQL query with gnuplot: PNG and SVG,
** with the .gp script and .dat data beside them.
*/
#ifndef PLOT_H
#define PLOT_H

#include "sl.h"

struct sqlite3;

/* One figure: an SQL query and how to draw its rows. Column roles by name,
** or by position when unnamed: line/bar (x, y, series), cdf (values,
** series), heatmap (x, y, z). Columns named lo and hi give error bars (an
** interval), else one named ci95 or err (y +- err); a column n (seeds) is
** named in the key. */
struct plot_spec {
  char *name;
  char *sql;
  char *kind;              /* line | bar | cdf | heatmap */
  char *x, *y, *series, *err, *z;
  char *title, *xlabel, *ylabel;
  char *style;             /* extra gnuplot set/unset lines (plot_check_spec) */
  int logx, logy;          /* also made logarithmic when positive data span max/min > 100 */
};

/* Refuse a figure whose name would leave the output folder or whose style
** holds anything but allowed set/unset settings (no commands, files,
** macros or double-quoted strings). plot_figure checks it too. */
int plot_check_spec(const struct plot_spec *p, struct sl_err *e);
/* Write OUTDIR/NAME.{dat,gp} and render OUTDIR/NAME.{png,svg}. Text from
** the data reaches the script only as inert single-quoted strings. */
int plot_figure(struct sqlite3 *db, const struct plot_spec *p, const char *outdir, struct sl_err *e);

/* A Gantt chart of one run's recorded intervals (run --record intervals):
** units on the y axis, one bar per interval coloured by the request's
** priority or tenant, a mark where a request stopped before it finished. */
struct gantt_spec {
  int64_t run_id;
  sl_ns from, to;          /* the time window, ns; SL_NS_NONE: the run's first / last interval */
  int by_tenant;           /* colour by tenant, else by priority */
  const char *name;        /* figure name (files NAME.png, .svg, .gp, .dat) */
};
/* Write OUTDIR/NAME.{dat,gp,png,svg}. Errors: no such run, a run that did
** not record intervals, no interval in the window. */
int plot_gantt(struct sqlite3 *db, const struct gantt_spec *g, const char *outdir, struct sl_err *e);

#endif
