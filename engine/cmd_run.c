/*
** cmd_run.c — `schedlab run`: one run from the command line, with a
** compact summary of its metrics.
*/
#include "cli.h"
#include "runner.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_DB "results/schedlab.db"

/* Make sure the database's directory exists; the default one is created. */
static int check_db_dir(const char *db, int is_default) {
  char dir[1024];
  const char *slash = strrchr(db, '/');
  struct stat st;
  if (!slash) return 0;
  snprintf(dir, sizeof dir, "%.*s", (int)(slash - db), db);
  if (!*dir || stat(dir, &st) == 0) return 0;
  if (is_default && mkdir(dir, 0777) == 0) return 0;
  return cli_fail("database directory %s: %s", dir, strerror(errno));
}

/* Times in the summary are in ms, with the unit in the header, so columns
** line up and compare at a glance. */
static void fmt_ms(char *buf, size_t n, double ns) {
  if (isnan(ns)) snprintf(buf, n, "-"); else snprintf(buf, n, "%.3f", ns / 1e6);
}

static void fmt_num(char *buf, size_t n, double v, int decimals) {
  if (isnan(v)) snprintf(buf, n, "-"); else snprintf(buf, n, "%.*f", decimals, v);
}

static void summary_row(const struct metric_set *ms, const char *cls, int width) {
  char c[6][32];
  fmt_num(c[0], 32, metrics_get(ms, "antt", cls), 3);
  fmt_num(c[1], 32, metrics_get(ms, "p99_ntt", cls), 2);
  fmt_ms(c[2], 32, metrics_get(ms, "p50_latency_ns", cls));
  fmt_ms(c[3], 32, metrics_get(ms, "p99_latency_ns", cls));
  fmt_num(c[4], 32, metrics_get(ms, "sla_5", cls), 3);
  fmt_num(c[5], 32, metrics_get(ms, "deadline_miss_rate", cls), 3);
  printf("  %-*s %8.0f %8s %8s %11s %11s %7s %8.0f %6s\n", width, cls,
         metrics_get(ms, "count", cls), c[0], c[1], c[2], c[3], c[4],
         metrics_get(ms, "preemptions", cls), c[5]);
}

/* Past this many tenants the per-tenant rows stay in the database only. */
#define SUMMARY_MAX_TENANTS 16
/* Past this many units the summary's per-unit line stops with "...". */
#define SUMMARY_MAX_UNITS 16

static void print_summary(const struct sim *s, int64_t run_id) {
  const struct metric_set *ms = &s->metrics;
  const char *unit = s->totals.by_workload ? "workload" : "busy period";
  char mk[32], ov[32], np[32], stp[32], fair[32];
  int width = 5, ntenants = 0;
  fmt_ms(mk, sizeof mk, metrics_get(ms, "makespan_ns", "all"));
  fmt_ms(ov, sizeof ov, metrics_get(ms, "overhead_ns", "all"));
  fmt_num(np, sizeof np, metrics_get(ms, "mean_np", "all"), 3);
  fmt_num(stp, sizeof stp, metrics_get(ms, "stp", "all"), 3);
  fmt_num(fair, sizeof fair, metrics_get(ms, "fairness", "all"), 3);
  for (size_t i = 0; i < ms->n; i++)
    if (!strcmp(ms->m[i].name, "count")) {
      int len = (int)strlen(ms->m[i].cls);
      int tenant = !strncmp(ms->m[i].cls, "tenant:", 7);
      ntenants += tenant;
      if (len > width && (!tenant || ntenants <= SUMMARY_MAX_TENANTS)) width = len;
    }
  if (width > 40) width = 40;
  printf("run %lld ok: policy %s, device %s, trace %s, seed %llu\n", (long long)run_id,
         s->policy_name, s->cfg.device_spec, s->cfg.trace_path, (unsigned long long)s->cfg.seed);
  printf("  %.0f requests in %s ms of simulated time: %.1f req/s, utilization %.3f, "
         "overhead %s ms\n",
         metrics_get(ms, "count", "all"), mk, metrics_get(ms, "throughput_rps", "all"),
         metrics_get(ms, "utilization", "all"), ov);
  if (!isnan(metrics_get(ms, "utilization", "unit:1"))) {
    /* Several units: each unit's share of the time, and how many requests ran at once. */
    int k = 0;
    char cls[32];
    printf("  per unit utilization:");
    for (k = 1; k <= SUMMARY_MAX_UNITS; k++) {
      snprintf(cls, sizeof cls, "unit:%d", k);
      if (isnan(metrics_get(ms, "utilization", cls))) break;
      printf("%s unit %d %.3f", k > 1 ? "," : "", k, metrics_get(ms, "utilization", cls));
    }
    snprintf(cls, sizeof cls, "unit:%d", k);
    printf("%s; mean_concurrency %.3f\n", isnan(metrics_get(ms, "utilization", cls)) ? "" : " ...",
           metrics_get(ms, "mean_concurrency", "all"));
  }
  printf("  mean_np %s; per %s (%.0f of them): stp %s, fairness %s\n", np, unit,
         metrics_get(ms, "groups", "all"), stp, fair);
  printf("  %-*s %8s %8s %8s %11s %11s %7s %8s %6s\n", width, "class", "n", "antt", "p99_ntt",
         "p50_lat_ms", "p99_lat_ms", "sla_5", "preempt", "miss");
  summary_row(ms, "all", width);
  for (size_t i = 0; i < ms->n; i++)
    if (!strcmp(ms->m[i].name, "count") && strcmp(ms->m[i].cls, "all") &&
        (strncmp(ms->m[i].cls, "tenant:", 7) || ntenants <= SUMMARY_MAX_TENANTS))
      summary_row(ms, ms->m[i].cls, width);
  if (ntenants > SUMMARY_MAX_TENANTS)
    printf("  (%d tenants: their rows are in the metrics table, class 'tenant:NAME')\n", ntenants);
}

int cmd_run(int argc, char **argv) {
  static const struct option opts[] = {
      {"trace", required_argument, 0, 't'},    {"policy", required_argument, 0, 'p'},
      {"format", required_argument, 0, 'F'},
      {"device", required_argument, 0, 'd'},   {"param", required_argument, 0, 'P'},
      {"device-param", required_argument, 0, 'D'}, {"seed", required_argument, 0, 's'},
      {"db", required_argument, 0, 'b'},       {"label", required_argument, 0, 'l'},
      {"experiment", required_argument, 0, 'x'}, {"log", required_argument, 0, 'L'},
      {"predict-sigma", required_argument, 0, 'e'}, {"quiet", no_argument, 0, 'q'},
      {"stats", no_argument, 0, 'S'},
      {"max-sim-time", required_argument, 0, 'T'}, {"max-events", required_argument, 0, 'E'},
      {"max-wall", required_argument, 0, 'W'}, {"record", required_argument, 0, 'R'},
      {"tasks", required_argument, 0, 'k'},    {"tasks-param", required_argument, 0, 'K'},
      {0, 0, 0, 0}};
  struct sim_config cfg;
  struct kv_list params = {0}, dparams = {0}, tparams = {0};
  struct kv *extra = NULL;
  char **extra_keys = NULL;
  const char *db = DEFAULT_DB, *log_path = NULL;
  struct run_meta meta;
  struct kv format_param;
  int quiet = 0, db_given = 0, show_stats = 0, c, rc = EXIT_USAGE, saw_trace = 0, saw_tasks = 0;
  struct cli_once once = {0};
  struct runner_stats stats;
  struct sim s;
  struct store st = {0};
  struct sl_err e;
  int64_t run_id;
  enum runner_result res;
  memset(&cfg, 0, sizeof cfg);
  memset(&meta, 0, sizeof meta);
  cfg.seed = 1;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c != 'P' && c != 'D' && c != 'R' && c != 'K' && cli_once_opt(&once, "run", opts, c) < 0) goto out;
    switch (c) {
    case 't': cfg.trace_path = optarg; saw_trace = 1; break;
    case 'F': cfg.trace_format = optarg; break;
    case 'k': cfg.trace_path = optarg; cfg.trace_is_tasks = 1; saw_tasks = 1; break;
    case 'K': if (kv_add(&tparams, "run", "--tasks-param", optarg) < 0) goto out; break;
    case 'p': cfg.policy = optarg; break;
    case 'd': cfg.device_spec = optarg; break;
    case 'P': if (kv_add(&params, "run", "--param", optarg) < 0) goto out; break;
    case 'D': if (kv_add(&dparams, "run", "--device-param", optarg) < 0) goto out; break;
    case 's': {
      int64_t v;
      if (sl_parse_i64(optarg, &v) < 0 || v < 0) {
        cli_usage_error("run", "--seed expects a non-negative integer, got '%s'", optarg);
        goto out;
      }
      cfg.seed = (uint64_t)v;
      break;
    }
    case 'e':
      if (sl_parse_double(optarg, &cfg.predict_sigma) < 0 || cfg.predict_sigma < 0 ||
          cfg.predict_sigma > 100) {
        cli_usage_error("run", "--predict-sigma expects a number in [0, 100], got '%s'", optarg);
        goto out;
      }
      break;
    case 'T':
      if (sl_parse_duration(optarg, &cfg.max_sim_time) < 0 || cfg.max_sim_time < 0) {
        cli_usage_error("run", "--max-sim-time expects a duration >= 0 (ns, or 250us, 2s; 0: none), "
                               "got '%s'", optarg);
        goto out;
      }
      break;
    case 'E':
      if (sl_parse_i64(optarg, &cfg.max_events) < 0 || cfg.max_events < 1) {
        cli_usage_error("run", "--max-events expects an integer >= 1, got '%s'", optarg);
        goto out;
      }
      break;
    case 'W': {
      sl_ns ns;
      if (sl_parse_duration(optarg, &ns) < 0 || ns < 0 || ns % 1000000) {
        cli_usage_error("run", "--max-wall expects a whole number of ms, or 0 for none "
                               "(e.g. 90s, 500ms), got '%s'", optarg);
        goto out;
      }
      cfg.max_wall_ms = ns / 1000000;
      break;
    }
    case 'R':
      /* Names what to keep beyond the default rows; one kind exists so far. */
      if (strcmp(optarg, "intervals")) {
        cli_usage_error("run", "--record expects one of: intervals; got '%s'", optarg);
        goto out;
      }
      if (cfg.record_intervals) {
        cli_usage_error("run", "--record %s given twice (--record takes one of: intervals)", optarg);
        goto out;
      }
      cfg.record_intervals = 1;
      break;
    case 'b': db = optarg; db_given = 1; break;
    case 'l': meta.label = optarg; break;
    case 'x': meta.experiment = optarg; break;
    case 'L': log_path = optarg; break;
    case 'q': quiet = 1; break;
    case 'S': show_stats = 1; break;
    default:
      cli_usage_error("run", "unknown or incomplete option '%s'", argv[optind - 1]);
      goto out;
    }
  }
  if (optind < argc) { cli_usage_error("run", "unexpected argument '%s'", argv[optind]); goto out; }
  /* --trace and --tasks both name the run's arrivals (runs.trace). */
  if (saw_trace && saw_tasks) {
    cli_usage_error("run", "--trace and --tasks are exclusive: the arrivals come from a trace "
                           "or from a task set");
    goto out;
  }
  if (cfg.trace_is_tasks && cfg.trace_format) {
    cli_usage_error("run", "--format reads a trace; a task set (--tasks) has its own format");
    goto out;
  }
  if (tparams.n && !cfg.trace_is_tasks) {
    cli_usage_error("run", "--tasks-param overrides a param of a task set: it needs --tasks FILE");
    goto out;
  }
  if (!cfg.trace_path || !cfg.policy || !cfg.device_spec) {
    cli_usage_error("run", "--trace (or --tasks), --policy and --device are required");
    goto out;
  }
  if (!*db) { cli_usage_error("run", "--db expects a file name, got ''"); goto out; }
  /* Before anything is opened for writing: a log over the database would wipe it. */
  if (log_path && store_check_output(db, log_path, "--log", &e) < 0) {
    cli_usage_error("run", "%s", e.msg);
    goto out;
  }
  rc = EXIT_RUN_FAILED;
  if (store_check(db, &e) < 0) { cli_fail("%s", e.msg); goto out; }
  if (check_db_dir(db, !db_given)) goto out;
  if (cfg.trace_format) {        /* recorded with the run, as sweeps record trace.* */
    static const char *const key = "trace.format";
    format_param.key = key;
    format_param.value = cfg.trace_format;
    meta.extra = &format_param;
    meta.nextra = 1;
  }
  if (tparams.n) {               /* recorded as params tasks.NAME, as experiments record them */
    if (!(extra = calloc(tparams.n, sizeof *extra)) ||
        !(extra_keys = calloc(tparams.n, sizeof *extra_keys))) {
      cli_fail("out of memory");
      goto out;
    }
    for (size_t i = 0; i < tparams.n; i++) {
      size_t n = strlen(tparams.kv[i].key) + 7;
      if (!(extra_keys[i] = malloc(n))) { cli_fail("out of memory"); goto out; }
      snprintf(extra_keys[i], n, "tasks.%s", tparams.kv[i].key);
      extra[i].key = extra_keys[i];
      extra[i].value = tparams.kv[i].value;
    }
    meta.extra = extra;
    meta.nextra = tparams.n;
    cfg.tasks_params = tparams.kv;
    cfg.ntasks_params = tparams.n;
  }
  cfg.params = params.kv;
  cfg.nparams = params.n;
  cfg.dev_params = dparams.kv;
  cfg.ndev_params = dparams.n;
  if (log_path) {
    cfg.log = !strcmp(log_path, "-") ? stderr : fopen(log_path, "w");
    if (!cfg.log) { cli_fail("--log %s: %s", log_path, strerror(errno)); goto out; }
  }
  res = runner_run(&s, &cfg, NULL, &st, db, &meta, &run_id, &stats, &e);
  switch (res) {
  case RUN_ALREADY_STORED:
    fprintf(stderr, "schedlab: run %lld in %s has the same run key (identical inputs): "
                    "not stored again\n", (long long)run_id, db);
    /* fall through - the results are those of the stored run */
  case RUN_STORED_OK:
    /* run_summary has a column per param name: new names need a new view. */
    if (res == RUN_STORED_OK && store_refresh_views(&st, &e) < 0) fprintf(stderr, "schedlab: warning: %s\n", e.msg);
    if (quiet) printf("%lld\n", (long long)run_id); else print_summary(&s, run_id);
    if (show_stats)
      fprintf(stderr, "stats: load %.3f ms (policy %.3f ms), simulate %.1f ms (%.0f requests/s, %llu events, "
                      "%llu hook calls), metrics %.3f ms, write %.3f ms, peak RSS %.1f MiB\n",
              stats.load_ms, stats.policy_ms, stats.sim_ms, (double)s.spool.n / (stats.sim_ms / 1e3),
              (unsigned long long)s.events, (unsigned long long)s.hook_calls, stats.metrics_ms,
              stats.write_ms, (double)stats.peak_rss_kib / 1024.0);
    rc = 0;
    break;
  case RUN_STORED_FAILED:
    cli_fail("%s", e.msg);
    fprintf(stderr, "run %lld stored with status 'failed' in %s\n", (long long)run_id, db);
    break;
  case RUN_INPUT_ERROR:
  case RUN_STORE_ERROR:
    cli_fail("%s", e.msg);
    break;
  }
  sim_free(&s);
  store_close(&st);
  if (cfg.log && cfg.log != stderr) fclose(cfg.log);
out:
  if (extra_keys)
    for (size_t i = 0; i < tparams.n; i++) free(extra_keys[i]);
  free(extra_keys);
  free(extra);
  kv_free(&tparams);
  kv_free(&params);
  kv_free(&dparams);
  return rc;
}
