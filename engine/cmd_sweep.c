/*
** cmd_sweep.c — `schedlab sweep FILE`: run an experiment's grid in parallel,
** resumably, then refresh the views and rewrite its report; or emit a
** Slurm job array that runs it in shards and merges them.
*/
#include "cli.h"
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p for the directory part of `path`. */
static int make_parent(const char *path) {
  char dir[2048];
  const char *slash = strrchr(path, '/');
  if (!slash) return 0;
  snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  for (char *p = dir + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      mkdir(dir, 0777);
      *p = '/';
    }
  if (mkdir(dir, 0777) < 0 && errno != EEXIST) return cli_fail("cannot create %s: %s", dir, strerror(errno));
  return 0;
}

/* The report goes beside the experiment file for a full sweep, and beside
** the database for a quick one (a quick run must not overwrite the
** committed report). */
static void report_path(const struct experiment *x, const char *db, int quick, char *buf, size_t n) {
  size_t len = strlen(x->path);
  if (!quick) {
    if (len > 4 && !strcmp(x->path + len - 4, ".lua")) snprintf(buf, n, "%.*s.md", (int)(len - 4), x->path);
    else snprintf(buf, n, "%s.md", x->path);
  } else {
    const char *slash = strrchr(db, '/');
    snprintf(buf, n, "%.*s%s%s.quick.md", slash ? (int)(slash - db) : 0, db, slash ? "/" : "", x->name);
  }
}

/* Whether the file at `path` holds exactly `text`. */
static int same_content(const char *path, const char *text) {
  struct sl_err ignore;
  size_t len;
  char *old = sl_read_file(path, &len, &ignore);
  int same = old && len == strlen(text) && !memcmp(old, text, len);
  free(old);
  return same;
}

/* 0: written, 2: unchanged (left alone), 1: no report function, -1: error. */
static int write_report(struct experiment *x, const char *db, const char *out, struct sl_err *e) {
  sqlite3 *h = NULL;
  char *md = NULL, tmp[2100];
  FILE *f;
  int r;
  snprintf(tmp, sizeof tmp, "%s.tmp", out);
  if (store_check_output(db, out, "report", e) < 0 || store_check_output(db, tmp, "report", e) < 0)
    return -1;
  if (store_open_readonly(db, &h, e) < 0) return -1;
  r = exp_report(x, h, &md, e);
  sqlite3_close(h);
  if (r != 0) return r;
  if (same_content(out, md)) {                /* a tracked report stays clean */
    free(md);
    return 2;
  }
  if (!(f = fopen(tmp, "w")) || fputs(md, f) < 0 || fclose(f) != 0 || rename(tmp, out) != 0) {
    sl_errf(e, "%s: %s", out, strerror(errno));
    remove(tmp);
    free(md);
    return -1;
  }
  free(md);
  return 0;
}

/* The closing table: one row per grid point (the seeds of a point pooled),
** the axes that vary between points as columns, then the mean of each
** metric of interest; times in ms with the unit in the header. */
#define TABLE_MAX_AXES 16

struct table_row {
  char *point;                      /* owned; cut into the axis values below */
  const char *axis[TABLE_MAX_AXES]; /* value of each shown axis, "" when absent */
  int runs;
  double *v;                        /* one per metric, NAN when none */
};

/* Value of key k in a point "k1=v1;k2=v2" (cut in place: ';' -> 0). */
static const char *point_value(char *const *keys, char *const *vals, size_t n, const char *k) {
  for (size_t i = 0; i < n; i++) if (!strcmp(keys[i], k)) return vals[i];
  return "";
}

static int split_point(char *p, char **keys, char **vals, size_t cap) {
  size_t n = 0;
  for (char *tok = p; tok && *tok && n < cap;) {
    char *next = strchr(tok, ';'), *eq;
    if (next) *next++ = 0;
    if ((eq = strchr(tok, '='))) {
      *eq = 0;
      keys[n] = tok;
      vals[n++] = eq + 1;
    }
    tok = next;
  }
  return (int)n;
}

/* Numbers compare as numbers, so load 0.9 sorts before 10. */
static int cmp_value(const char *a, const char *b) {
  char *ea, *eb;
  double x = strtod(a, &ea), y = strtod(b, &eb);
  if (*a && *b && !*ea && !*eb && x != y) return x < y ? -1 : 1;
  return strcmp(a, b);
}

static int cmp_row(const void *pa, const void *pb) {
  const struct table_row *a = pa, *b = pb;
  for (int i = 0; i < TABLE_MAX_AXES; i++) {
    int c;
    if (!a->axis[i] || !b->axis[i]) break;
    if ((c = cmp_value(a->axis[i], b->axis[i]))) return c;
  }
  return 0;
}

static void print_table(const struct experiment *x, const char *db) {
  static const char *const fallback[] = {"antt", "mean_np", "p99_latency_ns", NULL};
  sqlite3 *h = NULL;
  sqlite3_stmt *q = NULL;
  struct sl_buf sql = {0};
  struct sl_err e;
  struct table_row *rows = NULL;
  size_t nrows = 0, cap = 0, nm = x->nmetrics, naxes = 0;
  const char *axes[TABLE_MAX_AXES];
  int width[TABLE_MAX_AXES];
  const char *const *m = nm ? (const char *const *)x->metrics : fallback;
  if (!nm) while (fallback[nm]) nm++;
  if (store_open_readonly(db, &h, &e) < 0) goto done;
  sl_buf_addf(&sql, "SELECT point, count(DISTINCT run_id)");
  for (size_t i = 0; i < nm; i++)
    sl_buf_addf(&sql, ", avg(CASE WHEN metric = '%s' THEN value END)", m[i]);
  sl_buf_addf(&sql, " FROM run_metrics WHERE experiment = ? AND class = 'all' GROUP BY point");
  if (sql.oom || sqlite3_prepare_v2(h, sql.s, -1, &q, NULL) != SQLITE_OK) goto done;
  sqlite3_bind_text(q, 1, x->name, -1, SQLITE_STATIC);
  while (sqlite3_step(q) == SQLITE_ROW) {
    struct table_row *r;
    const char *pt = (const char *)sqlite3_column_text(q, 0);
    if (!(r = sl_grow(rows, &cap, nrows + 1, sizeof *rows, &e))) goto done;
    rows = r;
    r = &rows[nrows];
    memset(r, 0, sizeof *r);
    if (!(r->point = sl_strdup(pt ? pt : "", &e)) || !(r->v = sl_alloc((nm + 1) * sizeof *r->v, &e))) {
      free(r->point);
      goto done;
    }
    nrows++;
    r->runs = sqlite3_column_int(q, 1);
    for (size_t i = 0; i < nm; i++)
      r->v[i] = sqlite3_column_type(q, (int)i + 2) == SQLITE_NULL ? NAN
                                                                  : sqlite3_column_double(q, (int)i + 2);
  }
  if (!nrows) goto done;
  {
    /* Axes: keys whose value differs between points (absent counts as a
    ** value), in order of first appearance. The names point into copies of
    ** the points, kept until the table is printed. */
    char *keys0[64], *vals0[64], **copies = sl_alloc(nrows * sizeof *copies, &e);
    if (!copies) goto done;
    for (size_t i = 0; i < nrows && naxes < TABLE_MAX_AXES; i++) {
      size_t n0;
      if (!(copies[i] = sl_strdup(rows[i].point, &e))) break;
      n0 = (size_t)split_point(copies[i], keys0, vals0, 64);
      for (size_t k = 0; k < n0 && naxes < TABLE_MAX_AXES; k++) {
        int varies = 0, known = 0;
        for (size_t a = 0; a < naxes; a++) known |= !strcmp(axes[a], keys0[k]);
        for (size_t j = 0; j < nrows && !varies && !known; j++) {
          char *keys[64], *vals[64], *cp = sl_strdup(rows[j].point, &e);
          size_t n;
          if (!cp) break;
          n = (size_t)split_point(cp, keys, vals, 64);
          varies = strcmp(point_value(keys, vals, n, keys0[k]), vals0[k]) != 0;
          free(cp);
        }
        if (varies && !known) axes[naxes++] = keys0[k];
      }
    }
    for (size_t i = 0; i < nrows; i++) {
      char *keys[64], *vals[64];
      size_t n = (size_t)split_point(rows[i].point, keys, vals, 64);
      for (size_t a = 0; a < naxes; a++) rows[i].axis[a] = point_value(keys, vals, n, axes[a]);
    }
    qsort(rows, nrows, sizeof *rows, cmp_row);
    printf("\nmean over seeds per grid point%s\n", naxes ? "" : " (one point)");
    for (size_t a = 0; a < naxes; a++) {
      width[a] = (int)strlen(axes[a]);
      for (size_t i = 0; i < nrows; i++)
        if ((int)strlen(rows[i].axis[a]) > width[a]) width[a] = (int)strlen(rows[i].axis[a]);
      printf("%-*s ", width[a], axes[a]);
    }
    printf("%5s", "runs");
    for (size_t i = 0; i < nm; i++) {
      size_t len = strlen(m[i]);
      int w = len > 12 ? (int)len : 12;
      if (len > 3 && !strcmp(m[i] + len - 3, "_ns")) printf(" %*.*s_ms", w - 3, (int)(len - 3), m[i]);
      else printf(" %*s", w, m[i]);
    }
    printf("\n");
    for (size_t i = 0; i < nrows; i++) {
      for (size_t a = 0; a < naxes; a++) printf("%-*s ", width[a], rows[i].axis[a]);
      printf("%5d", rows[i].runs);
      for (size_t j = 0; j < nm; j++) {
        size_t len = strlen(m[j]);
        int w = len > 12 ? (int)len : 12;
        if (isnan(rows[i].v[j])) printf(" %*s", w, "-");
        else if (len > 3 && !strcmp(m[j] + len - 3, "_ns")) printf(" %*.3f", w, rows[i].v[j] / 1e6);
        else printf(" %*.6g", w, rows[i].v[j]);
      }
      printf("\n");
    }
    for (size_t i = 0; i < nrows; i++) free(copies[i]);   /* the axis names point into them */
    free(copies);
  }
done:
  for (size_t i = 0; i < nrows; i++) {
    free(rows[i].point);
    free(rows[i].v);
  }
  free(rows);
  sqlite3_finalize(q);
  sqlite3_close(h);
  sl_buf_free(&sql);
}

/* The error of the failed run earliest in the grid, with its point: the
** count alone says nothing about what to fix. */
static void print_first_failure(const char *db, const struct exp_run *r) {
  sqlite3 *h = NULL;
  sqlite3_stmt *q = NULL;
  struct sl_err e;
  if (!r || store_open_readonly(db, &h, &e) < 0) goto done;
  if (sqlite3_prepare_v2(h, "SELECT error FROM runs WHERE run_key = ? AND status = 'failed' "
                            "ORDER BY run_id DESC LIMIT 1", -1, &q, NULL) != SQLITE_OK)
    goto done;
  sqlite3_bind_text(q, 1, r->key, -1, SQLITE_STATIC);
  if (sqlite3_step(q) == SQLITE_ROW)
    fprintf(stderr, "schedlab: first failure: grid point %zu (%s), seed %llu:\n  %s\n", r->index,
           r->meta.point && *r->meta.point ? r->meta.point : "no axes",
           (unsigned long long)r->cfg.seed, (const char *)sqlite3_column_text(q, 0));
done:
  sqlite3_finalize(q);
  sqlite3_close(h);
}

static int emit_slurm(const struct experiment *x, const char *file, const char *db, int quick,
                      int shards, const char *report, const char *self) {
  char dir[2100], path[2300], home[1024], exe[1024], absfile[2100], absdb[2100];
  FILE *f;
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) exe[n] = 0; else snprintf(exe, sizeof exe, "%s", self);
  if (!getcwd(home, sizeof home)) snprintf(home, sizeof home, ".");
  snprintf(absfile, sizeof absfile, "%s%s%s", file[0] == '/' ? "" : home, file[0] == '/' ? "" : "/", file);
  snprintf(absdb, sizeof absdb, "%s%s%s", db[0] == '/' ? "" : home, db[0] == '/' ? "" : "/", db);
  snprintf(dir, sizeof dir, "%.*s.slurm", (int)(strlen(absdb) - (strlen(absdb) > 3 && !strcmp(absdb + strlen(absdb) - 3, ".db") ? 3 : 0)), absdb);
  if (make_parent(absdb) || (mkdir(dir, 0777) < 0 && errno != EEXIST))
    return cli_fail("cannot create %s", dir);
  snprintf(path, sizeof path, "%s/array.sbatch", dir);
  if (!(f = fopen(path, "w"))) return cli_fail("%s: %s", path, strerror(errno));
  fprintf(f, "#!/bin/bash\n"
             "# One shard of experiment '%s' per array task; written by schedlab sweep --emit-slurm.\n"
             "#SBATCH --job-name=schedlab-%s\n"
             "#SBATCH --array=0-%d\n"
             "#SBATCH --cpus-per-task=1\n"
             "#SBATCH --output=%s/shard-%%a.out\n"
             "set -euo pipefail\n"
             "cd %s\n"
             "exec %s sweep %s%s --jobs \"${SLURM_CPUS_PER_TASK:-1}\" --quiet \\\n"
             "  --shard \"${SLURM_ARRAY_TASK_ID}/%d\" --db %s/shard-\"${SLURM_ARRAY_TASK_ID}\".db\n",
          x->name, x->name, shards - 1, dir, home, exe, absfile, quick ? " --quick" : "", shards, dir);
  fclose(f);
  snprintf(path, sizeof path, "%s/merge.sbatch", dir);
  if (!(f = fopen(path, "w"))) return cli_fail("%s: %s", path, strerror(errno));
  fprintf(f, "#!/bin/bash\n"
             "# Merge the shards of experiment '%s' into one database, then its report.\n"
             "#SBATCH --job-name=schedlab-%s-merge\n"
             "#SBATCH --output=%s/merge.out\n"
             "set -euo pipefail\n"
             "cd %s\n"
             "%s merge %s",
          x->name, x->name, dir, home, exe, absdb);
  for (int i = 0; i < shards; i++) fprintf(f, " %s/shard-%d.db", dir, i);
  fprintf(f, "\n%s report %s%s --db %s%s%s\n", exe, absfile, quick ? " --quick" : "", absdb,
          report ? " --out " : "", report ? report : "");
  fclose(f);
  snprintf(path, sizeof path, "%s/submit.sh", dir);
  if (!(f = fopen(path, "w"))) return cli_fail("%s: %s", path, strerror(errno));
  fprintf(f, "#!/bin/sh\n"
             "# Submit the shard array, then the merge once every shard succeeded.\n"
             "set -eu\n"
             "cd \"$(dirname \"$0\")\"\n"
             "array=$(sbatch --parsable array.sbatch)\n"
             "sbatch --parsable --dependency=afterok:\"${array%%%%;*}\" merge.sbatch\n");
  fclose(f);
  chmod(path, 0755);
  printf("wrote %s/{array.sbatch,merge.sbatch,submit.sh}: %zu runs in %d shards\n"
         "submit with: %s/submit.sh\n", dir, x->nruns, shards, dir);
  return 0;
}

static void default_db(const struct experiment *x, int quick, char *buf, size_t n) {
  if (x->db) snprintf(buf, n, "%s", x->db);
  else snprintf(buf, n, "results/%s%s.db", x->name, quick ? "-quick" : "");
}

int cmd_sweep(int argc, char **argv) {
  struct sweep_opts o;
  struct sweep_result res;
  struct experiment x;
  struct sl_err e;
  const char *file = NULL, *report = NULL;
  char db[2048], rpath[2200];
  int quick = 0, slurm = 0, shards = 16, no_report = 0, rc = EXIT_USAGE;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  memset(&o, 0, sizeof o);
  memset(&x, 0, sizeof x);
  o.jobs = cores > 0 ? (int)cores : 1;
  db[0] = 0;
  struct cli_once once = {0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cli_once(&once, "sweep", a) < 0) return EXIT_USAGE;
    if (!strcmp(a, "--jobs") && i + 1 < argc) {
      o.jobs = atoi(argv[++i]);
      if (o.jobs < 1) return cli_usage_error("sweep", "--jobs expects a positive number");
    } else if (!strcmp(a, "--db") && i + 1 < argc) {
      if (!argv[++i][0]) return cli_usage_error("sweep", "--db expects a file name, got ''");
      snprintf(db, sizeof db, "%s", argv[i]);
    } else if (!strcmp(a, "--quick")) quick = 1;
    else if (!strcmp(a, "--dry-run")) o.dry_run = 1;
    else if (!strcmp(a, "--quiet")) o.quiet = 1;
    else if (!strcmp(a, "--emit-slurm")) slurm = 1;
    else if (!strcmp(a, "--no-report")) no_report = 1;
    else if (!strcmp(a, "--report") && i + 1 < argc) report = argv[++i];
    else if (!strcmp(a, "--shards") && i + 1 < argc) {
      shards = atoi(argv[++i]);
      if (shards < 1) return cli_usage_error("sweep", "--shards expects a positive number");
    } else if (!strcmp(a, "--shard") && i + 1 < argc) {
      if (sscanf(argv[++i], "%d/%d", &o.shard, &o.nshards) != 2 || o.nshards < 1 || o.shard < 0 ||
          o.shard >= o.nshards)
        return cli_usage_error("sweep", "--shard expects I/N with 0 <= I < N, got '%s'", argv[i]);
    } else if (a[0] == '-') {
      return cli_usage_error("sweep", "unknown or incomplete option '%s'", a);
    } else if (!file) file = a;
    else return cli_usage_error("sweep", "unexpected argument '%s'", a);
  }
  if (!file) return cli_usage_error("sweep", "which experiment file?");
  rc = EXIT_RUN_FAILED;
  if (exp_load(&x, file, quick, &e) < 0) {
    cli_fail("%s", e.msg);
    goto done;
  }
  /* Before anything is created or run, so a mistake costs nothing. */
  if (exp_check(&x, &e) < 0) {
    cli_fail("%s", e.msg);
    goto done;
  }
  if (!db[0]) default_db(&x, quick, db, sizeof db);
  o.db = db;
  if (report && store_check_output(db, report, "--report", &e) < 0) {
    rc = cli_usage_error("sweep", "%s", e.msg);
    goto done;
  }
  if (slurm && x.search) {        /* its bisection needs every probe of a point in one place */
    cli_fail("%s: a rate search (search = ...) cannot run in shards (--emit-slurm)", file);
    goto done;
  }
  if (slurm) {
    rc = emit_slurm(&x, file, db, quick, shards, report, argv[0]) ? EXIT_RUN_FAILED : 0;
    goto done;
  }
  if (make_parent(db)) goto done;
  if (!o.quiet && !o.dry_run)
    fprintf(stderr, "sweep %s: %zu runs (%zu filtered out)%s, %d worker(s), database %s\n", x.name,
            x.nruns, x.filtered, o.nshards > 1 ? " before sharding" : "", o.jobs, db);
  if (sweep_run(&x, &o, &res, &e) < 0) {
    cli_fail("%s", e.msg);
    goto done;
  }
  if (o.dry_run) {
    printf("%zu runs, %zu already done, %zu to run\n", res.total, res.skipped, res.total - res.skipped);
    rc = 0;
    goto done;
  }
  {
    struct store st;
    if (store_open(&st, db, &e) == 0) {
      if (x.baseline) {
        char *sql = sqlite3_mprintf("INSERT OR REPLACE INTO baselines VALUES (%Q, %Q);", x.name,
                                    x.baseline);
        if (sql) store_exec(&st, sql, &e);
        sqlite3_free(sql);
      }
      store_refresh_views(&st, &e);
      store_close(&st);
    }
  }
  if (!o.quiet) {
    printf("sweep %s: %zu runs: %zu done before, %zu ok, %zu failed%s\n", x.name, res.total,
           res.skipped, res.ok, res.failed, res.interrupted ? ", interrupted" : "");
    printf("database: %s\n", db);
    if (res.failed) {
      printf("failed runs: schedlab query %s \"SELECT run_id, point, error FROM runs WHERE "
             "status = 'failed' AND experiment = '%s'\"\n", db, x.name);
    }
  }
  if (res.failed) print_first_failure(db, res.first_failed);   /* --quiet too */
  if (res.interrupted) {
    fprintf(stderr, "interrupted: run the same command again to finish the remaining runs\n");
    rc = 130;
    goto done;
  }
  if (o.nshards <= 1 && x.ref_report >= 0 && !no_report) {
    if (report) snprintf(rpath, sizeof rpath, "%s", report);
    else report_path(&x, db, quick, rpath, sizeof rpath);
    int w = write_report(&x, db, rpath, &e);
    if (w < 0) {
      cli_fail("%s", e.msg);
      goto done;
    }
    if (!o.quiet) printf("report: %s%s\n", rpath, w == 2 ? " (unchanged)" : "");
  }
  if (!o.quiet) print_table(&x, db);
  rc = res.failed ? EXIT_RUN_FAILED : 0;
done:
  exp_free(&x);
  return rc;
}

int cmd_report(int argc, char **argv) {
  struct experiment x;
  struct sl_err e;
  const char *file = NULL, *out = NULL;
  char db[2048], rpath[2200];
  int quick = 0, rc = EXIT_RUN_FAILED, r;
  db[0] = 0;
  struct cli_once once = {0};
  for (int i = 1; i < argc; i++) {
    if (cli_once(&once, "report", argv[i]) < 0) return EXIT_USAGE;
    if (!strcmp(argv[i], "--db") && i + 1 < argc) {
      if (!argv[++i][0]) return cli_usage_error("report", "--db expects a file name, got ''");
      snprintf(db, sizeof db, "%s", argv[i]);
    } else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "--quick")) quick = 1;
    else if (argv[i][0] == '-') return cli_usage_error("report", "unknown option '%s'", argv[i]);
    else if (!file) file = argv[i];
    else return cli_usage_error("report", "unexpected argument '%s'", argv[i]);
  }
  if (!file) return cli_usage_error("report", "which experiment file?");
  if (exp_load(&x, file, quick, &e) < 0) {
    cli_fail("%s", e.msg);
    exp_free(&x);
    return rc;
  }
  if (!db[0]) default_db(&x, quick, db, sizeof db);
  if (!out) {
    report_path(&x, db, quick, rpath, sizeof rpath);
    out = rpath;
  }
  r = write_report(&x, db, out, &e);
  if (r < 0) cli_fail("%s", e.msg);
  else if (r == 1) cli_fail("%s has no report function", file);
  else { printf("report: %s%s\n", out, r == 2 ? " (unchanged)" : ""); rc = 0; }
  exp_free(&x);
  return rc;
}
