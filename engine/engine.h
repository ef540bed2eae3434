/*
** engine.h — the event engine: one run of a trace through a device under a
** policy. Lifecycle, in order:
**   sim_init -> sim_load_device -> sim_load_trace -> sim_load_policy -> sim_run
**   -> sim_finish (metrics) -> sim_free
** Everything a run owns hangs off `struct sim`; nothing is global, so
** several runs can live in one process.
*/
#ifndef ENGINE_H
#define ENGINE_H

#include "device.h"
#include "evq.h"
#include "ivlog.h"
#include "metrics.h"
#include "readyq.h"
#include "rng.h"
#include "spool.h"
#include "strtab.h"
#include "timerq.h"
#include "trace.h"

#include <stdio.h>

struct pol;
struct tasksrc;

/* Where a request is. */
enum req_state {
  RS_FREE = 0,             /* slot unused */
  RS_READY,                /* waiting in the ready queue */
  RS_RUNNING,              /* executing on the device */
  RS_SWITCH_OUT,           /* stopping or saving its state: leaving the device */
  RS_SWITCH_IN,            /* restoring its state: about to run */
  RS_DONE                  /* finished; its on_complete hook is running */
};

struct req {
  uint32_t gen;            /* bumped when the slot is reused: stale handles are detected */
  uint8_t state;           /* enum req_state */
  uint8_t has_ckpt;        /* saved state waits to be restored */
  uint8_t has_lua;         /* the policy has a handle (userdata) for it */
  uint8_t watched;         /* the policy gets on_segment at its segment boundaries */
  uint8_t stop_mech;       /* stopping: enum mech */
  uint8_t counted;         /* in the count of progressing requests */
  struct rq_link link;     /* ready queue membership; link.next also chains free slots */
  int64_t task_id;
  uint64_t seq;            /* trace order, the last tie-break */
  sl_ns arrival, deadline; /* ns; deadline absolute or SL_NS_NONE */
  sl_ns first_start;       /* first instant it executed, or SL_NS_NONE */
  sl_ns ready_since;       /* when it last entered the ready queue */
  sl_ns waited;            /* ready-queue time accumulated before ready_since, ns */
  /* Progress (docs/concurrency.md): `progress` whole isolated ns plus
  ** `frac` 2^-32 ns, as of `synced`; it grows at rate_q (Q32) while the
  ** request progresses, up to `target`, where its next event falls. */
  sl_ns progress;
  uint64_t frac;
  sl_ns synced;
  uint64_t rate_q;         /* 0 while it does not progress (starting, saving) */
  sl_ns until;             /* the device's rate boundary */
  sl_ns target;            /* progress of its next event */
  sl_ns stop_at;           /* stopping: progress where it stops */
  sl_ns switch_tail;       /* stopping: its save plus the incoming restore, ns */
  sl_ns back_at;           /* stopping: when it is ready again (stop + save) */
  sl_ns resize_at;         /* progress where a pending resize applies, or SL_NS_NONE */
  sl_ns run_since;         /* when its current run began */
  sl_ns stop_save;         /* stopping: its save, ns */
  sl_ns stopped_at;        /* stopping: when it reached its stop point, once it has */
  sl_ns iv_start;          /* start of the interval being recorded */
  sl_ns reached;           /* the furthest progress it ever stopped at, ns (livelock detection) */
  sl_ns restore_cost;      /* what resuming from its checkpoint costs, ns */
  sl_ns overhead, wasted;  /* save+restore charged; work discarded by KILL, ns */
  int32_t network, tenant, workload;   /* string table indices */
  int32_t group;           /* co-running set for STP and fairness (metrics.h) */
  int32_t batch, priority;
  int32_t src_task, src_slot;  /* task set: its task and closed-loop slot; -1: from a trace */
  int32_t preemptions, checkpoints, kills;
  int32_t unit;            /* 0-based unit it holds, or -1 */
  int32_t share, new_share;   /* capacity held; after a pending resize */
  int32_t version, new_version; /* compiled version (1-based; 0: the device's choice);
                                ** after a pending resize */
  int32_t first_unit, last_unit, migrations;
  int32_t u_prev, u_next;  /* the holders of its unit, in placement order */
  int32_t peer;            /* during a switch: the other request (victim <-> incoming), or -1 */
  int32_t ev;              /* its pending event (progress or switch end), or EVQ_NONE */
  double predict_factor;   /* 1 + prediction error, fixed per (network, batch) */
  const struct work *work;
};

/* A unit of the device (docs/concurrency.md). */
struct unit {
  int32_t head, tail;      /* holders in placement order, -1 none */
  int32_t nholders;
  int32_t used;            /* capacity held or reserved */
};

struct sim_config {
  const char *trace_path;          /* a trace, or a task-set file when trace_is_tasks */
  int trace_is_tasks;              /* trace_path is a task-set file (taskset.h) */
  const struct kv *tasks_params;   /* its `param` overrides */
  size_t ntasks_params;
  const char *trace_format;        /* format spec the trace is read through; NULL: native CSV */
  const char *device_spec;
  const struct kv *dev_params;
  size_t ndev_params;
  const char *policy;              /* a name in policies_lua/ or a path to a .lua file */
  const struct kv *params;         /* policy parameter overrides */
  size_t nparams;
  uint64_t seed;
  double predict_sigma;            /* std. dev. of the multiplicative prediction error */
  FILE *log;                       /* policy print()/sim.log() output; NULL discards */
  size_t spool_mem;                /* task records kept in memory before spilling */
  int64_t hook_budget;             /* Lua instructions per hook call */
  size_t lua_mem_limit;            /* bytes */
  /* Run limits (params limit.*): exceeding one fails the run. */
  sl_ns max_sim_time;              /* simulated ns; 0: none */
  int64_t max_events;              /* events processed; 0: the default, SIM_MAX_EVENTS */
  int64_t max_wall_ms;             /* wall-clock ms of the event loop; 0: none */
  int record_intervals;            /* keep s->ivals (run --record intervals) */
};

/* The default event limit: a replay takes 2 to 3 events per request, so a
** 10-million-request trace stays 40 times below it; a runaway stops
** within minutes. */
#define SIM_MAX_EVENTS 1000000000

/* How a run ended. Input errors write nothing; a policy failure is recorded. */
enum sim_status { SIM_OK = 0, SIM_EINPUT = 1, SIM_EPOLICY = 2 };

struct pending {           /* the next arrival, read ahead from the trace */
  int64_t task_id;
  sl_ns arrival, deadline;
  int32_t network, tenant, workload, batch, priority;
  int32_t group;
  int32_t src_task, src_slot;  /* as in struct req */
  const struct work *work;
  long lineno;
};

/* Per interned network: its compiled works by batch, and its tenant index
** when the trace names no tenant, so an arrival costs no hashing beyond
** interning the network name. */
struct net_cache {
  struct { int32_t batch; const struct work *w; } *by_batch;
  size_t n, cap;
  int32_t default_tenant;  /* -1 until first needed */
};

struct sim {
  struct sim_config cfg;
  struct device *dev;
  int own_dev;             /* close the device with the run */
  struct trace trace;
  int trace_open, trace_done;
  struct pending next_arrival;
  struct tasksrc *tasks;   /* the task set releasing the requests, or NULL: a trace */
  struct evq evq;
  struct rng rng;          /* the policy's random stream (sim.random, math.random) */
  struct pol *pol;
  char policy_name[128];
  char policy_path[1024];

  struct req *reqs;        /* request slots */
  size_t nreqs, reqs_cap;
  int32_t free_slot;       /* head of the free list (linked through next), -1 none */
  struct readyq rq;
  int64_t in_flight;
  uint64_t seq;

  struct unit *units;      /* dev->nunits */
  int32_t nunits;
  int32_t nholders;        /* over all units */
  int fixed;               /* every rate is 1 for good: no rates to recompute */
  /* mean_concurrency: progressing requests integrated over time. A request
  ** that stops leaves the count at its stop point, which has no event of
  ** its own: it is settled before the next change. */
  int32_t nactive, nstopping;
  sl_ns act_since;
  double *unit_busy;       /* per unit, ns (capacity-weighted for pools) */
  struct holder *hbuf;     /* scratch for the device's rates */
  int32_t *hslot;
  size_t hcap;

  int dispatched;          /* a legacy decision (return value, sim.dispatch(req, mech)) */
  int32_t dispatch_slot;
  enum mech dispatch_mech;
  int placed;              /* this schedule call started or switched a request */
  int in_schedule;

  struct timerq timers;    /* pending policy timers: id -> event */
  int64_t next_timer_id;
  int64_t idle_timer_rounds;  /* consecutive timer-only instants with work ready and none run */
  sl_ns zero_timer_at;     /* the instant of the last zero-delay timer */
  int64_t zero_timers;     /* zero-delay timers armed at that instant */
  int64_t stalled_switches;   /* instants with a preemption since the last progress */
  sl_ns stall_at;          /* the last of them */

  sl_ns now;
  uint64_t events;         /* processed, for messages */
  uint64_t hook_calls;
  struct run_totals totals;  /* busy time, drains, preemption latencies */
  /* Busy periods of the offered work (docs/metrics.md): each arrival's
  ** isolated time queued on an ideal device; a new period starts when an
  ** arrival finds that backlog empty. Independent of the policy. */
  int32_t nperiods;
  sl_ns backlog_end;
  struct strtab networks, tenants, workloads;
  struct net_cache *nets;  /* indexed like `networks` */
  size_t nets_cap;
  struct spool spool;
  struct ivlog ivals;      /* execution intervals, when cfg.record_intervals */
  struct metric_set metrics;
  struct sl_err err;       /* the message of a failed run */
  enum sim_status status;
};

int sim_init(struct sim *s, const struct sim_config *cfg);
/* Open the device of cfg->device_spec, or share an already open one. */
int sim_load_device(struct sim *s, struct device *shared);
/* The trace, or the task set when cfg.trace_is_tasks. */
int sim_load_trace(struct sim *s);
/* A request left the system (completed, or dropped): a closed loop of a
** task set arms its slot's next issue. Every path by which a request
** leaves calls it once. Out of memory is latched and fails the run. */
void sim_source_done(struct sim *s, const struct req *r);
int sim_load_policy(struct sim *s);
/* Where a policy name or path leads: the script's path and its chunk name
** ("@policies_lua/NAME.lua" for shipped ones, so messages stay short). */
void sim_policy_path(const char *policy, char *path, size_t npath, char *chunk, size_t nchunk);
/* Run to the end of the trace. Returns the status; s->err holds the
** message of a failure. */
enum sim_status sim_run(struct sim *s);
/* Compute the metrics of a successful run (s->metrics). */
int sim_finish(struct sim *s);
void sim_free(struct sim *s);

/* ---- what the policy bridge (lsim.c) may ask and do ---------------------- */
static inline struct req *sim_req(struct sim *s, int32_t slot) { return &s->reqs[slot]; }
sl_ns sim_executed(const struct sim *s, const struct req *r);   /* isolated ns done by now */
sl_ns sim_waited(const struct sim *s, const struct req *r);
sl_ns sim_predicted_total(const struct req *r);
sl_ns sim_predicted_remaining(const struct sim *s, const struct req *r);
/* Ready requests in arrival order: the first, and the one after `slot`
** (a listed request); -1 at the end. */
int32_t sim_ready_first(struct sim *s);
int32_t sim_ready_next(struct sim *s, int32_t slot);
/* The request that holds exclusive unit u (0-based; running, or
** switching in), or -1. */
int32_t sim_running(const struct sim *s, int32_t u);
/* Free capacity of unit u: 0 or 1 (exclusive), capacity - held (pool),
** INT32_MAX (ps). */
int32_t sim_room(const struct sim *s, int32_t u);
/* The holders of unit u in placement order: the first, and the one after. */
static inline int32_t sim_holder_first(const struct sim *s, int32_t u) { return s->units[u].head; }
static inline int32_t sim_holder_next(const struct sim *s, int32_t slot) { return s->reqs[slot].u_next; }
/* The current rate of a request as a real number (0 when not progressing). */
double sim_rate(const struct sim *s, const struct req *r);
/* Segment (0-based) that a request is in. */
int32_t sim_segment(const struct sim *s, const struct req *r);
/* Best ready request by an order (readyq.h), ties by earlier arrival then
** trace order; -1 if none, -2 if out of memory. */
int32_t sim_best(struct sim *s, enum order o);
/* Record the legacy decision of the current schedule call (the return
** value, sim.dispatch(req, mech)): applied when the hook returns. */
int sim_dispatch(struct sim *s, int32_t slot, enum mech m, struct sl_err *e);
/* A placement (sim.dispatch(req, {...})), applied at once. */
struct placement {
  int32_t unit;            /* 0-based, or -1: the lowest-numbered unit with room */
  int32_t share;           /* 0: the default (a pool's whole capacity) */
  int has_mech;
  enum mech mech;
  int32_t victim;          /* slot, or -1 */
  int32_t version;         /* compiled version: 0 keep the request's, -1 the device's choice,
                           ** 1..d->nversions that one */
};
int sim_place(struct sim *s, int32_t slot, const struct placement *pl, struct sl_err *e);
/* Change the share of a request holding a pool, and its compiled version
** (`version` as in struct placement), at its next preemption point. */
int sim_resize(struct sim *s, int32_t slot, int32_t share, int32_t version, struct sl_err *e);
/* Subscribe to (on = 1) or cancel a request's segment boundaries. */
int sim_watch(struct sim *s, int32_t slot, int on, struct sl_err *e);
/* Cost of stopping the running request now with mechanism m; for a
** waiting request, what resuming it costs (its pending restore). */
struct stop_cost {
  sl_ns latency;           /* from now until the incoming request could start, ns */
  sl_ns save, restore;     /* state save now, restore when it resumes, ns */
  sl_ns wasted;            /* progress discarded, ns */
  sl_ns at;                /* progress at which it stops, ns */
};
int sim_stop_cost(const struct sim *s, int32_t slot, enum mech m, struct stop_cost *c);
/* Arm a timer `delay` ns from now; its id, or -1 with a message (a delay
** out of range, a zero-delay chain, out of memory). */
int64_t sim_timer_add(struct sim *s, sl_ns delay, struct sl_err *e);
/* Chunks, exits and drops (papers/pantheon.md). The progress at which a
** request of work w at `progress` stops under m: the device's stop point,
** rounded up to the next chunk end for a checkpoint when w declares chunks. */
sl_ns sim_stop_point(const struct sim *s, const struct work *w, sl_ns progress, enum mech m);
/* Whether exit k (0-based) of r's work is usable: r has not passed the end
** of the last segment its path shares with the path through exit k. */
int sim_exit_usable(const struct sim *s, const struct req *r, int32_t k);
/* Run r through exit k (0-based) from now on (any state before completion). */
int sim_set_exit(struct sim *s, int32_t slot, int32_t k, struct sl_err *e);
/* A ready request leaves the run unfinished, dropped (no on_complete). */
int sim_drop(struct sim *s, int32_t slot, struct sl_err *e);
int sim_timer_cancel(struct sim *s, int64_t id);
static inline size_t sim_timers_pending(const struct sim *s) { return s->timers.n; }

#endif
