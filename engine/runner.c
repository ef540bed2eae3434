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

/* Now, as ISO 8601 UTC with milliseconds, for runs.started_at: "earlier"
** decides which run of a grid point is current, also across the shards a
** merge joins, and runs one second apart are common. */
static void utc_now(char *buf, size_t n) {
  struct timespec now;
  struct tm tm;
  char secs[32];
  clock_gettime(CLOCK_REALTIME, &now);
  gmtime_r(&now.tv_sec, &tm);
  strftime(secs, sizeof secs, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf, n, "%s.%03ldZ", secs, now.tv_nsec / 1000000L);
}

enum runner_result runner_run(struct sim *s, const struct sim_config *cfg, struct device *shared,
                              struct store *st, const char *db_path, const struct run_meta *meta,
                              int64_t *run_id, struct runner_stats *stats, struct sl_err *e) {
  struct timespec t0;
  struct runner_stats st_local;
  struct rusage ru;
  char started[32], key[RUN_KEY_LEN + 1];
  struct run_info ri;
  enum sim_status status;
  *run_id = -1;
  if (!stats) stats = &st_local;
  memset(stats, 0, sizeof *stats);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  utc_now(started, sizeof started);
  sim_init(s, cfg);
  memset(&ri, 0, sizeof ri);
  ri.meta = meta;
  ri.run_key = meta && meta->run_key ? meta->run_key : key;
  ri.started_at = started;
  if (!(meta && meta->run_key) && run_key(cfg, NULL, NULL, 0, NULL, key, e) < 0) return RUN_INPUT_ERROR;
  if (sim_load_device(s, shared) < 0 || sim_load_trace(s) < 0) {
    status = SIM_EINPUT;
  } else if ((stats->policy_ms = ms_since(&t0)), sim_load_policy(s) < 0) {
    status = SIM_EINPUT;
  } else {
    stats->policy_ms = ms_since(&t0) - stats->policy_ms;
    stats->load_ms = ms_since(&t0);
    status = sim_run(s);
    stats->sim_ms = ms_since(&t0) - stats->load_ms;
    if (status == SIM_OK && sim_finish(s) < 0) status = SIM_EINPUT;
    stats->metrics_ms = ms_since(&t0) - stats->load_ms - stats->sim_ms;
  }
  if (status != SIM_OK) sl_errf(e, "%s", s->err.msg);
  if (status == SIM_EINPUT && !(meta && meta->sweep)) return RUN_INPUT_ERROR;
  ri.wall_ms = ms_since(&t0);
  if (!st->db && store_open(st, db_path, e) < 0) return RUN_STORE_ERROR;
  switch (store_write_run(st, s, &ri, run_id, e)) {
  case 0: break;
  case 1: return RUN_ALREADY_STORED;
  default: return RUN_STORE_ERROR;
  }
  stats->write_ms = ms_since(&t0) - ri.wall_ms;
  if (getrusage(RUSAGE_SELF, &ru) == 0) stats->peak_rss_kib = ru.ru_maxrss;
  if (status != SIM_OK) {
    sl_errf(e, "%s", s->err.msg);
    return status == SIM_EINPUT ? RUN_INPUT_ERROR : RUN_STORED_FAILED;
  }
  return RUN_STORED_OK;
}

enum runner_result runner_record_failure(const struct sim_config *cfg, const struct run_meta *meta,
                                         const char *key, const char *msg, struct store *st,
                                         const char *db_path, struct sl_err *e) {
  struct sim s;
  struct run_info ri;
  int64_t run_id;
  char started[32];
  enum runner_result res = RUN_INPUT_ERROR;
  sim_init(&s, cfg);
  s.status = SIM_EINPUT;
  snprintf(s.err.msg, sizeof s.err.msg, "%s", msg);
  memset(&ri, 0, sizeof ri);
  ri.meta = meta;
  ri.run_key = key;
  utc_now(started, sizeof started);
  ri.started_at = started;
  if ((!st->db && store_open(st, db_path, e) < 0) || store_write_run(st, &s, &ri, &run_id, e) < 0)
    res = RUN_STORE_ERROR;
  sim_free(&s);
  return res;
}
