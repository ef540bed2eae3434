/*
** store.h — the results database (SQLite). Tables, as in DESIGN.md:
**   runs(run_id, run_key, experiment, label, policy, policy_path, device, trace, seed,
**        status, error, engine_version, started_at, wall_ms, n_tasks, sim_end_ns, events,
**        hook_calls, point, trace_origin, superseded)
**   superseded = 1: a later successful run of the same key, or of the same
**   (experiment, point, seed), replaced this one; views leave it out.
**   params(run_id, name, value)          every knob of the run
**   tasks(run_id, seq, task_id, tenant, network, batch, priority, arrival_ns, start_ns,
**         finish_ns, isolated_ns, deadline_ns, preemptions, overhead_ns, wasted_ns,
**         waited_ns, checkpoints, kills, workload, unit, migrations)
**   intervals(run_id, task_id, unit, start_ns, end_ns, share, rate)
**                                        only runs made with --record intervals
**   metrics(run_id, name, class, value)
** A run is written in one transaction: all of it or nothing. WAL mode, so
** several processes can write one file.
*/
#ifndef STORE_H
#define STORE_H

#include "sl.h"

struct sqlite3;
struct sim;
struct run_meta;

struct store {
  struct sqlite3 *db;
};

/* What the runs row says beyond what the sim holds. */
struct run_info {
  const struct run_meta *meta;     /* experiment, label, point, extra params; may be NULL */
  const char *run_key;
  const char *started_at;          /* ISO 8601 UTC */
  double wall_ms;
};

/* Opens (creating it if missing) and, for a version-1 or -2 database,
** upgrades it in place to the current version.
** Refuses, touching nothing, an empty path, a file that is not SQLite and
** an SQLite file that is not a schedlab database. */
int store_open(struct store *st, const char *path, struct sl_err *e);
/* The same refusals, read-only and without creating anything: for checking
** a database up front, before a long run. */
int store_check(const char *path, struct sl_err *e);
/* A read-only connection to a database (*db; NULL on failure, "PATH: why"
** in e) that waits for other connections' locks as long as a writer does,
** instead of failing at once while a writer recovers or checkpoints. */
int store_open_readonly(const char *path, struct sqlite3 **db, struct sl_err *e);
void store_close(struct store *st);
/* Refuses (usage-style message naming `opt`) an output file `out` that is
** the database `db` or one of its -wal/-shm/-journal files, by any path:
** same device and inode when both exist, else the same resolved path. */
int store_check_output(const char *db, const char *out, const char *opt, struct sl_err *e);
/* Write one run: the runs row, its params, and, when it succeeded, its tasks
** and metrics, and its intervals when it recorded them. A failed run (s->status != SIM_OK) gets its row with status
** 'failed' and the error, and its params, nothing else. In a sweep, earlier
** failed rows of the same key are replaced (a retry, not a duplicate).
** Returns 1, writing nothing, when a current successful run of the same key
** is stored already (*run_id is that run): one success per key. */
int store_write_run(struct store *st, struct sim *s, const struct run_info *ri, int64_t *run_id,
                    struct sl_err *e);
/* Rebuild the views with a column per param name (trace.load ->
** trace_load) after new runs: run_summary (one row per run, main metrics)
** and policy_summary (over seeds: n, mean, sd, ci95, lo/hi a 95% interval
** inside the metric's domain). Views always there: run_metrics,
** vs_baseline (ratios to the experiment's baseline policy, same workload). */
int store_refresh_views(struct store *st, struct sl_err *e);
/* One line of meaning of a table's or view's column (column NULL: of the
** table itself), or NULL if it has none; for `query --schema`. */
struct store_doc {
  const char *table, *column, *text;
};
const char *store_doc(const char *table, const char *column);
/* Recompute runs.superseded for the whole database (after a merge or prune). */
int store_recompute_superseded(struct store *st, struct sl_err *e);
/* Execute SQL (several statements allowed) with no result rows. */
int store_exec(struct store *st, const char *sql, struct sl_err *e);

#endif
