/*
** runner.c — one run, from configuration to stored rows.
*/
#include "runner.h"

#include "runkey.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

enum runner_result runner_run(struct sim *s, const struct sim_config *cfg, struct device *shared,
                              struct store *st, const char *db_path, const struct run_labels *lb,
                              int64_t *run_id, struct runner_stats *stats, struct sl_err *e) {
  struct timespec t0;
  struct runner_stats st_local;
  struct rusage ru;
  char started[32], key[RUN_KEY_LEN + 1];
  time_t now = time(NULL);
  struct tm tm;
  struct run_info ri;
  enum sim_status status;
  *run_id = -1;
  if (!stats) stats = &st_local;
  memset(stats, 0, sizeof *stats);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  gmtime_r(&now, &tm);
  strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
  sim_init(s, cfg);
  if (sim_load_device(s, shared) < 0 || sim_load_trace(s) < 0 || sim_load_policy(s) < 0 ||
      run_key(s, key, &s->err) < 0) {
    sl_errf(e, "%s", s->err.msg);
    return RUN_INPUT_ERROR;
  }
  stats->load_ms = ms_since(&t0);
  status = sim_run(s);
  stats->sim_ms = ms_since(&t0) - stats->load_ms;
  if (status == SIM_OK && sim_finish(s) < 0) status = SIM_EINPUT;
  stats->metrics_ms = ms_since(&t0) - stats->load_ms - stats->sim_ms;
  if (status == SIM_EINPUT) {
    sl_errf(e, "%s", s->err.msg);
    return RUN_INPUT_ERROR;
  }
  memset(&ri, 0, sizeof ri);
  ri.experiment = lb ? lb->experiment : NULL;
  ri.label = lb ? lb->label : NULL;
  ri.run_key = key;
  ri.started_at = started;
  ri.wall_ms = ms_since(&t0);
  if (!st->db && store_open(st, db_path, e) < 0) return RUN_STORE_ERROR;
  if (store_write_run(st, s, &ri, run_id, e) < 0) return RUN_STORE_ERROR;
  stats->write_ms = ms_since(&t0) - ri.wall_ms;
  if (getrusage(RUSAGE_SELF, &ru) == 0) stats->peak_rss_kib = ru.ru_maxrss;
  if (status == SIM_EPOLICY) {
    sl_errf(e, "%s", s->err.msg);
    return RUN_STORED_FAILED;
  }
  return RUN_STORED_OK;
}
