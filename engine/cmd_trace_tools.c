/*
** cmd_trace_tools.c — `schedlab trace stats|slice|scale|merge`: measure a
** trace and shape it (cut a time range, scale it to a load on a device,
** merge traces as tenants). Every output is the native CSV, written whole
** or not at all (trace_io.h).
*/
#include "cli.h"
#include "plot.h"
#include "trace_io.h"
#include "trace_stats.h"
#include "trace_tools.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define CMD "trace"

/* "--opt VALUE": the value, or NULL with a usage error when it is missing. */
static const char *opt_value(int argc, char **argv, int *i) {
  if (*i + 1 >= argc) {
    cli_usage_error(CMD, "option '%s' needs a value", argv[*i]);
    return NULL;
  }
  return argv[++*i];
}

static int parse_time_opt(const char *opt, const char *v, sl_ns *out) {
  if (sl_parse_duration(v, out) != 0 || *out < 0 || *out > SL_TIME_LIMIT) {
    cli_usage_error(CMD, "%s: '%s' is not a duration (ns, or with a unit: 500ms, 2s, 250us)",
                    opt, v);
    return -1;
  }
  return 0;
}

static int is_stdout(const char *out) { return !out || !strcmp(out, "-"); }

/* A summary of what was written, where a trace written to stdout cannot
** be disturbed: on stderr then, on stdout otherwise. */
static void wrote(const char *out, int64_t rows, const char *extra) {
  fprintf(is_stdout(out) ? stderr : stdout, "wrote %s: %lld requests%s%s\n",
          is_stdout(out) ? "stdout" : out, (long long)rows, extra && *extra ? ", " : "",
          extra ? extra : "");
}

/* {===================================================================
** stats
** =================================================================== */

/* A name and its count, sorted by count (descending), then by name. */
struct name_count {
  const char *name;
  int64_t n;
};

static int cmp_count(const void *a, const void *b) {
  const struct name_count *x = a, *y = b;
  if (x->n != y->n) return x->n > y->n ? -1 : 1;
  return strcmp(x->name, y->name);
}

static int print_counts(const char *what, const struct strtab *t, const int64_t *n, int64_t total,
                        int64_t top, struct sl_err *e) {
  struct name_count *v = sl_alloc((t->n ? t->n : 1) * sizeof *v, e);
  if (!v) return -1;
  for (size_t i = 0; i < t->n; i++) {
    v[i].name = strtab_get(t, (int32_t)i);
    v[i].n = n[i];
  }
  qsort(v, t->n, sizeof *v, cmp_count);
  printf("%ss %zu\n", what, t->n);
  for (size_t i = 0; i < t->n && (int64_t)i < top; i++)
    printf("%s %s %lld %.2f%%\n", what, v[i].name, (long long)v[i].n,
           100.0 * (double)v[i].n / (double)total);
  if ((int64_t)t->n > top) printf("%s ... %lld more\n", what, (long long)t->n - top);
  free(v);
  return 0;
}

static void print_num(const char *name, double v) {
  if (isnan(v)) printf("%s -\n", name);
  else printf("%s %.6g\n", name, v);
}

static void window_label(char *buf, size_t n, sl_ns w) {
  if (w % 1000000000 == 0) snprintf(buf, n, "%llds", (long long)(w / 1000000000));
  else if (w % 1000000 == 0) snprintf(buf, n, "%lldms", (long long)(w / 1000000));
  else if (w % 1000 == 0) snprintf(buf, n, "%lldus", (long long)(w / 1000));
  else snprintf(buf, n, "%lldns", (long long)w);
}

/* The rate figure: arrivals per second in 100 equal bins over the span,
** drawn by plot.c from an in-memory table (the same safety rules as every
** figure: the file name checked, data only in .dat files). */
#define PLOT_BINS 100
static int stats_plot(const char *path, const char *spec, const struct tstats *s, const char *out,
                      struct sl_err *e) {
  struct trace_src src;
  struct trace_row r;
  int64_t bins[PLOT_BINS] = {0};
  sl_ns span = tstats_span(s), bw = span / PLOT_BINS + 1;
  char dir[2048], name[256], sql[128];
  const char *slash = strrchr(out, '/'), *base = slash ? slash + 1 : out;
  size_t blen = strlen(base);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  struct plot_spec p;
  int rc = -1, got;
  if (blen > 4 && (!strcmp(base + blen - 4, ".png") || !strcmp(base + blen - 4, ".svg"))) blen -= 4;
  snprintf(name, sizeof name, "%.*s", (int)blen, base);
  if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - out), out);
  else snprintf(dir, sizeof dir, ".");
  if (!*dir) snprintf(dir, sizeof dir, "/");
  if (trace_src_open(&src, path, spec, e) < 0) return -1;
  while ((got = src.next(&src, &r, e)) == 1) bins[(r.arrival - s->first) / bw]++;
  trace_src_close(&src);
  if (got < 0) return -1;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
      sqlite3_exec(db, "CREATE TABLE rate(t_s REAL, rps REAL)", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "INSERT INTO rate VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK) {
    sl_errf(e, "--plot: %s", db ? sqlite3_errmsg(db) : "out of memory");
    goto done;
  }
  for (int i = 0; i < PLOT_BINS && (sl_ns)i * bw <= span; i++) {
    sqlite3_bind_double(st, 1, (double)i * (double)bw / 1e9);
    sqlite3_bind_double(st, 2, (double)bins[i] * 1e9 / (double)bw);
    if (sqlite3_step(st) != SQLITE_DONE || sqlite3_reset(st) != SQLITE_OK) {
      sl_errf(e, "--plot: %s", sqlite3_errmsg(db));
      goto done;
    }
  }
  memset(&p, 0, sizeof p);
  snprintf(sql, sizeof sql, "SELECT t_s, rps FROM rate ORDER BY t_s");
  p.name = name;
  p.sql = sql;
  p.kind = "line";
  p.title = "arrival rate";
  p.xlabel = "time since the first arrival (s), bin start";
  p.style = "unset key";
  {
    char yl[96], wl[32];
    window_label(wl, sizeof wl, bw);
    snprintf(yl, sizeof yl, "arrivals/s (bins of %s)", wl);
    p.ylabel = yl;
    rc = plot_figure(db, &p, dir, e);
  }
  if (rc == 0) printf("figure %s/%s.png\n", dir, name);
done:
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rc < 0 ? sl_err_prefix(e, "--plot %s", out) : 0;
}

static int trace_stats_cmd(int argc, char **argv) {
  const char *file = NULL, *spec = NULL, *plot = NULL;
  sl_ns w[TSTATS_MAX_WINDOWS],
      def[6] = {1000000LL, 10000000LL, 100000000LL, 1000000000LL, 10000000000LL, 60000000000LL};
  int nw = 0, got;
  int64_t top = 20;
  struct cli_once once = {0};
  struct trace_src src;
  struct trace_row r;
  struct tstats s;
  struct sl_err e;
  e.msg[0] = 0;
  for (int i = 1; i < argc; i++) {
    const char *v;
    if (strcmp(argv[i], "--window") && cli_once(&once, CMD, argv[i]) < 0) return EXIT_USAGE;
    if (!strcmp(argv[i], "--format")) {
      if (!(spec = opt_value(argc, argv, &i))) return EXIT_USAGE;
    } else if (!strcmp(argv[i], "--plot")) {
      if (!(plot = opt_value(argc, argv, &i))) return EXIT_USAGE;
    } else if (!strcmp(argv[i], "--top")) {
      if (!(v = opt_value(argc, argv, &i))) return EXIT_USAGE;
      if (sl_parse_i64(v, &top) < 0 || top < 0)
        return cli_usage_error(CMD, "--top: '%s' is not a count >= 0", v);
    } else if (!strcmp(argv[i], "--window")) {
      if (!(v = opt_value(argc, argv, &i)) || parse_time_opt("--window", v, &w[nw]) < 0)
        return EXIT_USAGE;
      if (w[nw] <= 0) return cli_usage_error(CMD, "--window: '%s' must be longer than 0", v);
      if (++nw > TSTATS_MAX_WINDOWS - 1)
        return cli_usage_error(CMD, "--window: at most %d windows", TSTATS_MAX_WINDOWS - 1);
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return cli_usage_error(CMD, "stats: unknown or incomplete option '%s'", argv[i]);
    } else if (!file) file = argv[i];
    else return cli_usage_error(CMD, "stats takes one trace, got '%s' too", argv[i]);
  }
  if (!file) return cli_usage_error(CMD, "stats needs a trace file");
  if (!nw) { memcpy(w, def, sizeof def); nw = 6; }
  if (trace_src_open(&src, file, spec, &e) < 0) return cli_fail("%s", e.msg);
  tstats_init(&s, w, nw);
  while ((got = src.next(&src, &r, &e)) == 1)
    if (tstats_add(&s, &r, &e) < 0) { got = -1; break; }
  trace_src_close(&src);
  if (got < 0) {
    tstats_free(&s);
    return cli_fail("%s", e.msg);
  }
  printf("file %s\n", file);
  printf("count %lld\n", (long long)s.count);
  if (s.count) {
    printf("first_ns %lld\nlast_ns %lld\n", (long long)s.first, (long long)s.last);
    printf("span_ns %lld\n", (long long)tstats_span(&s));
    print_num("span_s", (double)tstats_span(&s) / 1e9);
    print_num("mean_rate_rps", tstats_span(&s) > 0 ? tstats_rate(&s) : NAN);
    print_num("interarrival_mean_ns", s.count > 1 ? s.gap_mean : NAN);
    print_num("interarrival_cv", tstats_cv(&s));
    print_num("burstiness", tstats_burstiness(&s));
    for (int i = 0; i < s.nwin; i++) {
      char lab[32], key[64];
      if (s.win[i].w > tstats_span(&s)) continue;   /* no window of that length fits */
      window_label(lab, sizeof lab, s.win[i].w);
      snprintf(key, sizeof key, "peak_rps[%s]", lab);
      print_num(key, (double)s.win[i].peak * 1e9 / (double)s.win[i].w);
      printf("peak_count[%s] %lld at_ns %lld\n", lab, (long long)s.win[i].peak,
             (long long)s.win[i].peak_at);
      snprintf(key, sizeof key, "idc[%s]", lab);
      print_num(key, tstats_idc(&s.win[i]));
    }
    if (print_counts("tenant", &s.tenants, s.tenant_n, s.count, top, &e) < 0 ||
        print_counts("network", &s.networks, s.network_n, s.count, top, &e) < 0 ||
        (plot && stats_plot(file, spec, &s, plot, &e) < 0)) {
      tstats_free(&s);
      return cli_fail("%s", e.msg);
    }
  } else if (plot) {
    tstats_free(&s);
    return cli_fail("--plot %s: %s has no rows to draw", plot, file);
  }
  tstats_free(&s);
  return fflush(stdout) == 0 ? 0 : cli_fail("stdout: write failed");
}

/* }=================================================================== */

/* {===================================================================
** slice
** =================================================================== */

static int trace_slice_cmd(int argc, char **argv) {
  const char *file = NULL, *out = NULL, *tenant = NULL, *spec = NULL, *v;
  sl_ns from = 0, to = SL_TIME_LIMIT + 1, shift = SL_NS_NONE;
  int64_t first = -1, kept = 0;
  int keep_time = 0, got, have_to = 0;
  struct cli_once once = {0};
  struct trace_src src;
  struct trace_out o;
  struct trace_row r;
  struct sl_err e;
  e.msg[0] = 0;
  for (int i = 1; i < argc; i++) {
    if (cli_once(&once, CMD, argv[i]) < 0) return EXIT_USAGE;
    if (!strcmp(argv[i], "--from") || !strcmp(argv[i], "--to")) {
      int isfrom = argv[i][2] == 'f';
      if (!(v = opt_value(argc, argv, &i)) ||
          parse_time_opt(isfrom ? "--from" : "--to", v, isfrom ? &from : &to) < 0)
        return EXIT_USAGE;
      have_to |= !isfrom;
    } else if (!strcmp(argv[i], "--tenant")) {
      if (!(tenant = opt_value(argc, argv, &i))) return EXIT_USAGE;
    } else if (!strcmp(argv[i], "--first")) {
      if (!(v = opt_value(argc, argv, &i))) return EXIT_USAGE;
      if (sl_parse_i64(v, &first) < 0 || first < 0)
        return cli_usage_error(CMD, "--first: '%s' is not a count >= 0", v);
    } else if (!strcmp(argv[i], "--keep-time")) {
      keep_time = 1;
    } else if (!strcmp(argv[i], "--format")) {
      if (!(spec = opt_value(argc, argv, &i))) return EXIT_USAGE;
    } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) {
      if (!(out = opt_value(argc, argv, &i))) return EXIT_USAGE;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return cli_usage_error(CMD, "slice: unknown or incomplete option '%s'", argv[i]);
    } else if (!file) file = argv[i];
    else return cli_usage_error(CMD, "slice takes one trace, got '%s' too", argv[i]);
  }
  if (!file) return cli_usage_error(CMD, "slice needs a trace file");
  if (have_to && to <= from)
    return cli_usage_error(CMD, "slice: --to must be after --from (the range is [from, to))");
  if (trace_src_open(&src, file, spec, &e) < 0) return cli_fail("%s", e.msg);
  if (trace_out_open(&o, out, &file, 1, src.has_deadline, src.has_workload,
                     &e) < 0) {
    trace_src_close(&src);
    return cli_fail("%s", e.msg);
  }
  while ((got = src.next(&src, &r, &e)) == 1) {
    if (r.arrival >= to || (first >= 0 && kept >= first)) break;
    if (r.arrival < from || (tenant && strcmp(r.tenant, tenant))) continue;
    if (shift == SL_NS_NONE) shift = keep_time ? 0 : r.arrival;
    r.arrival -= shift;
    if (r.deadline != SL_NS_NONE) r.deadline -= shift;
    if (trace_out_row(&o, &r, &e) < 0) { got = -1; break; }
    kept++;
  }
  trace_src_close(&src);
  if (got < 0 || trace_out_commit(&o, &e) < 0) {
    if (got < 0) trace_out_abort(&o);
    return cli_fail("%s", e.msg);
  }
  {
    char extra[128];
    if (shift == SL_NS_NONE || shift == 0) snprintf(extra, sizeof extra, "times as in %s", file);
    else snprintf(extra, sizeof extra, "arrivals shifted by -%lld ns", (long long)shift);
    wrote(out, kept, extra);
  }
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** scale
** =================================================================== */

/* Units of a device (its `units` param; 1 when it has none): the offered
** load is per unit. */
static int64_t dev_units(const struct device *d) {
  for (size_t i = 0; i < d->nparams; i++) {
    int64_t k;
    if (!strcmp(d->params[i].name, "units") && sl_parse_i64(d->params[i].value, &k) == 0 && k >= 1)
      return k;
  }
  return 1;
}

/* The first pass of --load: the span and the sum of isolated times. */
static int offered(const char *file, const char *spec, struct device *d, sl_ns *first, sl_ns *span, double *iso,
                   int64_t *rows, struct sl_err *e) {
  struct trace_src src;
  struct trace_row r;
  int got;
  *iso = 0;
  *rows = 0;
  if (trace_src_open(&src, file, spec, e) < 0) return -1;
  while ((got = src.next(&src, &r, e)) == 1) {
    int unknown = 0;
    const struct work *w = dev_work(d, r.network, r.batch, &unknown, e);
    if (!w) {
      sl_err_prefix(e, "%s:%ld: column '%s'", file, r.lineno, unknown == 2 ? "batch" : "network");
      got = -1;
      break;
    }
    if (!*rows) *first = r.arrival;
    *span = r.arrival - *first;
    *iso += (double)work_total(w);
    ++*rows;
  }
  trace_src_close(&src);
  return got;
}

/* a' = first + round((a - first) * f), half away from zero. Monotone in a,
** so the order of the rows holds. */
static int scale_time(sl_ns first, sl_ns a, long double f, sl_ns *out) {
  long double v = (long double)first + roundl((long double)(a - first) * f);
  if (v > (long double)SL_TIME_LIMIT) return -1;
  *out = (sl_ns)v;
  return 0;
}

static int trace_scale_cmd(int argc, char **argv) {
  const char *file = NULL, *out = NULL, *dspec = NULL, *spec = NULL, *v;
  double load = 0, factor = 0;
  struct kv_list dp = {0};
  struct cli_once once = {0};
  struct device *d = NULL;
  struct trace_src src;
  struct trace_out o;
  struct trace_row r;
  struct sl_err e;
  int rc = EXIT_USAGE, got, opened = 0;
  int64_t rows = 0;
  sl_ns first = 0, span = 0;
  long double f;
  char extra[256] = "";
  e.msg[0] = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--device-param") && cli_once(&once, CMD, argv[i]) < 0) goto done;
    if (!strcmp(argv[i], "--load") || !strcmp(argv[i], "--factor")) {
      int isload = argv[i][2] == 'l';
      double x;
      if (!(v = opt_value(argc, argv, &i))) goto done;
      if (sl_parse_double(v, &x) < 0 || !isfinite(x) || x <= 0 || x > 1e12) {
        cli_usage_error(CMD, "%s: '%s' is not a number > 0 (at most 1e12)", argv[i - 1], v);
        goto done;
      }
      *(isload ? &load : &factor) = x;
    } else if (!strcmp(argv[i], "--device")) {
      if (!(dspec = opt_value(argc, argv, &i))) goto done;
    } else if (!strcmp(argv[i], "--format")) {
      if (!(spec = opt_value(argc, argv, &i))) goto done;
    } else if (!strcmp(argv[i], "--device-param")) {
      if (!(v = opt_value(argc, argv, &i)) ||
          kv_add(&dp, CMD, "--device-param", argv[i]) < 0)
        goto done;
    } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) {
      if (!(out = opt_value(argc, argv, &i))) goto done;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      cli_usage_error(CMD, "scale: unknown or incomplete option '%s'", argv[i]);
      goto done;
    } else if (!file) file = argv[i];
    else {
      cli_usage_error(CMD, "scale takes one trace, got '%s' too", argv[i]);
      goto done;
    }
  }
  if (!file) { cli_usage_error(CMD, "scale needs a trace file"); goto done; }
  if ((load > 0) == (factor > 0)) {
    cli_usage_error(CMD, "scale: give exactly one of --load L (with --device) or --factor F");
    goto done;
  }
  if (load > 0 && !dspec) { cli_usage_error(CMD, "scale: --load needs --device SPEC"); goto done; }
  if (factor > 0 && (dspec || dp.n)) {
    cli_usage_error(CMD, "scale: --factor is a plain time scaling; it takes no device");
    goto done;
  }
  rc = EXIT_RUN_FAILED;
  if (load > 0) {
    double now;
    int64_t k;
    if (dev_open(&d, dspec, dp.kv, dp.n, &e) < 0) goto fail;
    {
      double iso;
      if (offered(file, spec, d, &first, &span, &iso, &rows, &e) < 0) goto fail;
      k = dev_units(d);
      if (span <= 0) {
        sl_errf(&e, "%s: all %lld arrivals are at %lld ns: a trace without a span "
                "has no load to scale", file, (long long)rows, (long long)first);
        goto fail;
      }
      now = iso / ((double)span * (double)k);
      f = (long double)now / (long double)load;
      snprintf(extra, sizeof extra, "offered load on %s %.6g -> %.6g per unit (%lld unit%s), "
               "times x %.6Lg", dspec, now, load, (long long)k, k == 1 ? "" : "s", f);
    }
  } else {
    f = factor;
    snprintf(extra, sizeof extra, "times x %.6g", factor);
  }
  if (trace_src_open(&src, file, spec, &e) < 0) goto fail;
  opened = 1;
  if (trace_out_open(&o, out, &file, 1, src.has_deadline, src.has_workload, &e) < 0) goto fail;
  rows = 0;
  while ((got = src.next(&src, &r, &e)) == 1) {
    /* A deadline is a latency target: it keeps its distance to the arrival. */
    sl_ns a = r.arrival;
    if (!rows) first = a;
    if (scale_time(first, a, f, &r.arrival) < 0) {
      sl_errf(&e, "%s:%ld: column 'arrival': scaled, %lld ns goes beyond %lld ns", file,
              r.lineno, (long long)a, (long long)SL_TIME_LIMIT);
      got = -1;
    } else if (r.deadline != SL_NS_NONE) {
      if (r.deadline - a > SL_TIME_LIMIT - r.arrival) {
        sl_errf(&e, "%s:%ld: column 'deadline': scaled, it goes beyond %lld ns", file, r.lineno,
                (long long)SL_TIME_LIMIT);
        got = -1;
      } else r.deadline = r.arrival + (r.deadline - a);
    }
    if (got < 0 || trace_out_row(&o, &r, &e) < 0) { got = -1; break; }
    rows++;
  }
  trace_src_close(&src);
  opened = 0;
  if (got < 0) { trace_out_abort(&o); goto fail; }
  if (trace_out_commit(&o, &e) < 0) goto fail;
  wrote(out, rows, extra);
  rc = 0;
  goto done;
fail:
  if (opened) trace_src_close(&src);
  cli_fail("%s", e.msg);
done:
  dev_close(d);
  kv_free(&dp);
  return rc;
}

/* }=================================================================== */

/* {===================================================================
** merge
** =================================================================== */

struct merge_in {
  const char *path;
  char *tenant;            /* owned */
  struct trace_src src;
  struct trace_row row;    /* the next row, when `has` */
  int open, has;
};

/* A file's name without its folders and its last extension: the default
** tenant of its rows. */
static char *stem(const char *path, struct sl_err *e) {
  const char *b = strrchr(path, '/'), *dot;
  char *s;
  b = b ? b + 1 : path;
  dot = strrchr(b, '.');
  if (!dot || dot == b) dot = b + strlen(b);
  if (!(s = sl_alloc((size_t)(dot - b) + 1, e))) return NULL;
  memcpy(s, b, (size_t)(dot - b));
  return s;
}

static int trace_merge_cmd(int argc, char **argv) {
  const char *out = NULL, *tenants = NULL, *spec = NULL;
  const char **files = NULL;
  struct merge_in *in = NULL;
  size_t n = 0, fcap = 0;
  int deadline = 0, workload = 0, rc = EXIT_USAGE, out_open = 0;
  int64_t rows = 0;
  struct cli_once once = {0};
  struct trace_out o;
  struct sl_err e;
  e.msg[0] = 0;
  for (int i = 1; i < argc; i++) {
    if (cli_once(&once, CMD, argv[i]) < 0) goto done;
    if (!strcmp(argv[i], "--tenants")) {
      if (!(tenants = opt_value(argc, argv, &i))) goto done;
    } else if (!strcmp(argv[i], "--format")) {
      if (!(spec = opt_value(argc, argv, &i))) goto done;
    } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) {
      if (!(out = opt_value(argc, argv, &i))) goto done;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      cli_usage_error(CMD, "merge: unknown or incomplete option '%s'", argv[i]);
      goto done;
    } else {
      const char **nf = sl_grow(files, &fcap, n + 1, sizeof *nf, &e);
      if (!nf) { rc = cli_fail("%s", e.msg); goto done; }
      files = nf;
      files[n++] = argv[i];
    }
  }
  if (n < 1) { cli_usage_error(CMD, "merge needs one or more traces"); goto done; }
  rc = EXIT_RUN_FAILED;
  if (!(in = sl_alloc(n * sizeof *in, &e))) goto fail;
  /* Tenant names: --tenants a,b,... one per input in order, else each
  ** file's stem; two inputs with one stem would merge two tenants into
  ** one by accident, so that needs --tenants. */
  if (tenants) {
    const char *p = tenants;
    size_t given = 1;
    for (const char *q = tenants; *q; q++) given += *q == ',';
    if (given != n) {
      rc = cli_usage_error(CMD, "merge: --tenants names %zu tenant(s) for %zu trace(s)", given, n);
      goto done;
    }
    for (size_t k = 0; k < n; k++) {
      size_t len = strcspn(p, ",");
      if (!len) {
        rc = cli_usage_error(CMD, "merge: --tenants: name %zu is empty", k + 1);
        goto done;
      }
      if (!(in[k].tenant = sl_alloc(len + 1, &e))) goto fail;
      memcpy(in[k].tenant, p, len);
      p += len + (p[len] == ',');
    }
  }
  for (size_t k = 0; k < n; k++) {
    in[k].path = files[k];
    if (!in[k].tenant && !(in[k].tenant = stem(files[k], &e))) goto fail;
    if (!tenants)
      for (size_t j = 0; j < k; j++)
        if (!strcmp(in[j].tenant, in[k].tenant)) {
          sl_errf(&e, "%s and %s both make tenant '%s': name the tenants with --tenants a,b,...",
                  in[j].path, in[k].path, in[k].tenant);
          goto fail;
        }
    if (trace_src_open(&in[k].src, files[k], spec, &e) < 0) goto fail;
    in[k].open = 1;
    deadline |= in[k].src.has_deadline;
    workload |= in[k].src.has_workload;
  }
  if (trace_out_open(&o, out, files, n, deadline, workload, &e) < 0) goto fail;
  out_open = 1;
  for (size_t k = 0; k < n; k++) {
    int got = in[k].src.next(&in[k].src, &in[k].row, &e);
    if (got < 0) goto fail;
    in[k].has = got;
  }
  for (;;) {
    /* The earliest next row; on a tie the earlier input, so each input
    ** keeps its order and the merge is stable by input order. */
    size_t best = n;
    int got;
    for (size_t k = 0; k < n; k++)
      if (in[k].has && (best == n || in[k].row.arrival < in[best].row.arrival)) best = k;
    if (best == n) break;
    in[best].row.tenant = in[best].tenant;
    in[best].row.id = rows;
    if (trace_out_row(&o, &in[best].row, &e) < 0) goto fail;
    rows++;
    if ((got = in[best].src.next(&in[best].src, &in[best].row, &e)) < 0) goto fail;
    in[best].has = got;
  }
  out_open = 0;
  if (trace_out_commit(&o, &e) < 0) goto fail;
  {
    char extra[64];
    snprintf(extra, sizeof extra, "%zu tenant(s), ids renumbered from 0", n);
    wrote(out, rows, extra);
  }
  rc = 0;
  goto done;
fail:
  if (out_open) trace_out_abort(&o);
  rc = cli_fail("%s", e.msg);
done:
  for (size_t k = 0; in && k < n; k++) {
    if (in[k].open) trace_src_close(&in[k].src);
    free(in[k].tenant);
  }
  free(in);
  free(files);
  return rc;
}

/* }=================================================================== */

int trace_tools_main(int argc, char **argv) {
  if (!strcmp(argv[0], "stats")) return trace_stats_cmd(argc, argv);
  if (!strcmp(argv[0], "slice")) return trace_slice_cmd(argc, argv);
  if (!strcmp(argv[0], "scale")) return trace_scale_cmd(argc, argv);
  if (!strcmp(argv[0], "merge")) return trace_merge_cmd(argc, argv);
  return -1;
}
