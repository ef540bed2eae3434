/*
** runner.h — one run from configuration to stored rows: load the device,
** trace and policy, simulate, and write the run in one transaction. Shared
** by `schedlab run` and the sweep workers.
*/
#ifndef RUNNER_H
#define RUNNER_H

#include "engine.h"
#include "store.h"

/* What a run is stored with beyond its engine configuration. */
struct run_meta {
  const char *experiment;  /* may be NULL */
  const char *label;       /* may be NULL */
  const char *point;       /* the grid point without its seed, for aggregating; may be NULL */
  const char *trace_origin;/* a generated trace's description (stands for its content) */
  const char *run_key;     /* computed by the caller (a sweep, for generated traces), or NULL */
  const struct kv *extra;  /* more params to record: trace.*, var.* */
  size_t nextra;
  int sweep;               /* record bad input as a failed run; replace earlier failures */
};

enum runner_result {
  RUN_STORED_OK = 0,       /* simulated and stored */
  RUN_STORED_FAILED,       /* the policy failed; stored with status 'failed' */
  RUN_INPUT_ERROR,         /* bad input: nothing written */
  RUN_STORE_ERROR,         /* the database refused the write: nothing written */
  RUN_ALREADY_STORED       /* succeeded, but its key is stored already: nothing written,
                              *run_id is the stored run */
};

/* Where a run's wall time went, for `schedlab run --stats` and the benchmark. */
struct runner_stats {
  double load_ms;          /* device, trace header, policy */
  double policy_ms;        /* of which the Lua state: create, load, resolve hooks */
  double sim_ms;           /* the event loop */
  double metrics_ms;       /* metrics from the task records */
  double write_ms;         /* the database transaction */
  long peak_rss_kib;       /* of the whole process so far */
};

/* Run `cfg` and store it. `st` is opened on `db_path` if it is not open yet
** (only once there is something to write, so bad input leaves no file,
** unless meta->sweep asks for bad input to be recorded too).
** `shared` is an already open device to reuse, or NULL. On return `s`
** holds the finished run (metrics, message) for the caller to read; the
** caller frees it with sim_free. */
enum runner_result runner_run(struct sim *s, const struct sim_config *cfg, struct device *shared,
                              struct store *st, const char *db_path, const struct run_meta *meta,
                              int64_t *run_id, struct runner_stats *stats, struct sl_err *e);

/* Store a run that could not even start (its device or trace failed) as
** failed with `msg`. Returns RUN_INPUT_ERROR, or RUN_STORE_ERROR. */
enum runner_result runner_record_failure(const struct sim_config *cfg, const struct run_meta *meta,
                                         const char *key, const char *msg, struct store *st,
                                         const char *db_path, struct sl_err *e);

#endif
