/*
** cmd_plot.c — `schedlab plot`: an experiment's named figures, one
** figure from an SQL query given on the command line, or the Gantt chart
** of one run's recorded intervals.
*/
#include "cli.h"
#include "expfile.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_db(const char *path, sqlite3 **db) {
  struct sl_err e;
  return store_open_readonly(path, db, &e) < 0 ? cli_fail("%s", e.msg) : 0;
}

/* plot --gantt RUN_ID: the run's recorded intervals. */
static int gantt(const char *id, const char *db, const char *out, const char *name, const char *from,
                 const char *to, const char *color) {
  struct gantt_spec g;
  struct sl_err e;
  char namebuf[64];
  sqlite3 *h = NULL;
  int rc = EXIT_RUN_FAILED;
  memset(&g, 0, sizeof g);
  g.from = g.to = SL_NS_NONE;
  if (sl_parse_i64(id, &g.run_id) < 0 || g.run_id < 1)
    return cli_usage_error("plot", "--gantt expects a run id (an integer >= 1), got '%s'", id);
  if (from && (sl_parse_duration(from, &g.from) < 0 || g.from < 0))
    return cli_usage_error("plot", "--from expects a time >= 0 (ns, or 250us, 2ms, 1s), got '%s'", from);
  if (to && (sl_parse_duration(to, &g.to) < 0 || g.to < 0))
    return cli_usage_error("plot", "--to expects a time >= 0 (ns, or 250us, 2ms, 1s), got '%s'", to);
  if (from && to && g.from >= g.to)
    return cli_usage_error("plot", "--from %s is not before --to %s", from, to);
  if (color && strcmp(color, "priority") && strcmp(color, "tenant"))
    return cli_usage_error("plot", "--color expects priority or tenant, got '%s'", color);
  g.by_tenant = color && !strcmp(color, "tenant");
  if (!name) {
    snprintf(namebuf, sizeof namebuf, "gantt_run%lld", (long long)g.run_id);
    name = namebuf;
  }
  g.name = name;
  if (!db) db = "results/schedlab.db";
  if (access(db, R_OK) != 0) return cli_fail("%s: %s", db, strerror(errno));
  if (open_db(db, &h)) return EXIT_RUN_FAILED;
  if (plot_gantt(h, &g, out ? out : ".", &e) < 0) cli_fail("%s: %s", db, e.msg);
  else { printf("%s/%s.png\n%s/%s.svg\n", out ? out : ".", name, out ? out : ".", name); rc = 0; }
  sqlite3_close(h);
  return rc;
}

int cmd_plot(int argc, char **argv) {
  struct plot_spec adhoc;
  struct experiment x;
  struct sl_err e;
  const char *file = NULL, *figure = NULL, *out = NULL, *db = NULL;
  const char *gantt_id = NULL, *from = NULL, *to = NULL, *color = NULL;
  char dbbuf[2048], outbuf[2048];
  sqlite3 *h = NULL;
  int quick = 0, rc = EXIT_RUN_FAILED, drawn = 0;
  struct cli_once once = {0};
  memset(&adhoc, 0, sizeof adhoc);
  memset(&x, 0, sizeof x);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (cli_once(&once, "plot", a) < 0) return EXIT_USAGE;
#define OPT(NAME, FIELD) else if (!strcmp(a, NAME) && v) { FIELD = argv[++i]; }
    if (!strcmp(a, "--quick")) quick = 1;
    else if (!strcmp(a, "--logx")) adhoc.logx = 1;
    else if (!strcmp(a, "--logy")) adhoc.logy = 1;
    OPT("--figure", figure) OPT("--out", out) OPT("--db", db) OPT("--sql", adhoc.sql)
    OPT("--kind", adhoc.kind) OPT("--x", adhoc.x) OPT("--y", adhoc.y) OPT("--z", adhoc.z)
    OPT("--series", adhoc.series) OPT("--err", adhoc.err) OPT("--title", adhoc.title)
    OPT("--xlabel", adhoc.xlabel) OPT("--ylabel", adhoc.ylabel) OPT("--name", adhoc.name)
    OPT("--style", adhoc.style) OPT("--gantt", gantt_id) OPT("--from", from) OPT("--to", to)
    OPT("--color", color)
    else if (a[0] == '-') return cli_usage_error("plot", "unknown or incomplete option '%s'", a);
    else if (!file) file = a;
    else return cli_usage_error("plot", "unexpected argument '%s'", a);
#undef OPT
  }
  if (gantt_id) {
    if (file || adhoc.sql) return cli_usage_error("plot", "--gantt draws one run: give no experiment file or --sql");
    if (adhoc.kind || adhoc.x || adhoc.y || adhoc.z || adhoc.series || adhoc.err || adhoc.title ||
        adhoc.xlabel || adhoc.ylabel || adhoc.style || adhoc.logx || adhoc.logy || figure || quick)
      return cli_usage_error("plot", "--gantt takes --db, --out, --name, --from, --to and --color only");
    return gantt(gantt_id, db, out, adhoc.name, from, to, color);
  }
  if (from || to || color)
    return cli_usage_error("plot", "--from, --to and --color go with --gantt RUN_ID");
  if (adhoc.sql) {
    if (file) return cli_usage_error("plot", "give an experiment file or --sql, not both");
    if (!adhoc.kind) return cli_usage_error("plot", "--sql needs --kind bar|line|cdf|heatmap");
    if (!db) return cli_usage_error("plot", "--sql needs --db FILE");
    if (!adhoc.name) adhoc.name = "figure";
    if (plot_check_spec(&adhoc, &e) < 0) return cli_usage_error("plot", "%s", e.msg);
    if (open_db(db, &h)) return EXIT_RUN_FAILED;
    if (plot_figure(h, &adhoc, out ? out : ".", &e) < 0) cli_fail("%s", e.msg);
    else { printf("%s/%s.png\n%s/%s.svg\n", out ? out : ".", adhoc.name, out ? out : ".", adhoc.name); rc = 0; }
    sqlite3_close(h);
    return rc;
  }
  if (!file) return cli_usage_error("plot", "give an experiment file, or --sql with --kind and --db");
  if (exp_load(&x, file, quick, &e) < 0) {
    cli_fail("%s", e.msg);
    goto done;
  }
  if (!db) {
    if (x.db) snprintf(dbbuf, sizeof dbbuf, "%s", x.db);
    else snprintf(dbbuf, sizeof dbbuf, "results/%s%s.db", x.name, quick ? "-quick" : "");
    db = dbbuf;
  }
  if (!out) {
    snprintf(outbuf, sizeof outbuf, "results/%s%s", x.name, quick ? "-quick" : "");
    mkdir("results", 0777);
    out = outbuf;
  }
  if (open_db(db, &h)) goto done;
  for (size_t i = 0; i < x.nfigs; i++) {
    if (figure && strcmp(figure, x.figs[i].name)) continue;
    if (plot_figure(h, &x.figs[i], out, &e) < 0) {
      cli_fail("%s", e.msg);
      goto done;
    }
    printf("%s/%s.png\n", out, x.figs[i].name);
    drawn++;
  }
  if (figure && !drawn) {
    cli_fail("%s has no figure '%s'", file, figure);
    goto done;
  }
  if (!drawn) {
    cli_fail("%s defines no figures", file);
    goto done;
  }
  rc = 0;
done:
  sqlite3_close(h);
  exp_free(&x);
  return rc;
}
