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
** series), heatmap (x, y, z). A column named ci95 or err gives error bars. */
struct plot_spec {
  char *name;
  char *sql;
  char *kind;              /* line | bar | cdf | heatmap */
  char *x, *y, *series, *err, *z;
  char *title, *xlabel, *ylabel;
  char *style;             /* extra gnuplot lines, inserted before the plot command */
  int logx, logy;          /* y is also made logarithmic when it spans 3 decades */
};

/* Write OUTDIR/NAME.{dat,gp} and render OUTDIR/NAME.{png,svg}. */
int plot_figure(struct sqlite3 *db, const struct plot_spec *p, const char *outdir, struct sl_err *e);

#endif
