/*
** engine.c — the event engine. Requests hold units of the device and
** progress through their work's prefix sums at rates the device sets
** (docs/concurrency.md); a request's next event (its end, its stop point, a
** boundary the device or the policy asked for) comes in closed form from
** its rate, and moves when rates change. Preemption asks the device for the
** stop point (a binary search over the same sums). Alone on an exclusive
** unit a request runs at rate 1 with one event, its completion, so the
** cost grows with requests and decisions, not with layers.
*/
#include "engine.h"

#include "policy.h"
#include "taskset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIVELOCK_ROUNDS 100000    /* decision rounds at one instant before we call it a livelock */
#define IDLE_TIMER_ROUNDS 1000000 /* timer-only instants with work ready and the device idle */
/* Instants with a preemption in a row, after which none of the preempted
** requests got further than it had ever been, with no completion between:
** time passes (saves, restores) but nothing progresses. (Preempting back
** and forth at one instant is LIVELOCK_ROUNDS' case.) A real policy's
** streak is a burst of arrivals that each preempt the one before; far
** below this. */
#define STALL_SWITCHES 100000
/* Zero-delay timers armed at one instant: each fires at that instant, so
** a chain of them never lets time advance. */
#define ZERO_TIMER_CHAIN 1000000
#define WALL_CHECK_EVENTS 1024    /* events between looks at the clock */

/* {===================================================================
** Lifecycle
** =================================================================== */

int sim_init(struct sim *s, const struct sim_config *cfg) {
  memset(s, 0, sizeof *s);
  s->cfg = *cfg;
  if (!s->cfg.spool_mem) s->cfg.spool_mem = 1u << 18;   /* 256 Ki records, ~27 MiB */
  if (!s->cfg.hook_budget) s->cfg.hook_budget = 10000000;
  if (!s->cfg.lua_mem_limit) s->cfg.lua_mem_limit = (size_t)256 << 20;
  if (!s->cfg.max_events) s->cfg.max_events = SIM_MAX_EVENTS;
  timerq_init(&s->timers);
  s->zero_timer_at = -1;
  s->stall_at = -1;
  evq_init(&s->evq);
  rng_seed(&s->rng, cfg->seed);
  spool_init(&s->spool, s->cfg.spool_mem);
  s->free_slot = -1;
  rq_init(&s->rq);
  return 0;
}

/* The units of the run's device, all free. */
static int units_init(struct sim *s) {
  s->nunits = s->dev->nunits;
  s->fixed = s->dev->rates_fixed;
  if (!(s->units = sl_alloc((size_t)s->nunits * sizeof *s->units, &s->err)) ||
      !(s->unit_busy = sl_alloc((size_t)s->nunits * sizeof *s->unit_busy, &s->err)))
    return -1;
  for (int32_t u = 0; u < s->nunits; u++) {
    s->units[u].head = s->units[u].tail = -1;
    s->unit_busy[u] = 0;
  }
  return 0;
}

int sim_load_device(struct sim *s, struct device *shared) {
  if (shared) {
    s->dev = shared;
  } else {
    s->own_dev = 1;
    if (dev_open(&s->dev, s->cfg.device_spec, s->cfg.dev_params, s->cfg.ndev_params, &s->err) < 0) {
      s->status = SIM_EINPUT;
      return -1;
    }
  }
  if (units_init(s) < 0) {
    s->status = SIM_EINPUT;
    return -1;
  }
  return 0;
}

static double predict_factor(const struct sim *s, const char *network, int32_t batch) {
  struct rng r;
  uint64_t h;
  double eps;
  if (!(s->cfg.predict_sigma > 0)) return 1.0;
  /* The error is a pure function of (seed, network, batch): the same for
  ** every request of the pair, whatever order they arrive in. */
  h = sl_hash(SL_HASH_INIT ^ s->cfg.seed, network, strlen(network));
  h = sl_hash(h, &batch, sizeof batch);
  rng_seed(&r, h);
  eps = s->cfg.predict_sigma * rng_normal(&r);
  return 1.0 + (eps < -0.9 ? -0.9 : eps);
}

/* Read the next trace row into s->next_arrival and schedule its arrival. */
static int read_ahead(struct sim *s) {
  struct trace_row row;
  struct pending *p = &s->next_arrival;
  struct net_cache *nc;
  int unknown, r = trace_next(&s->trace, &row, &s->err);
  if (r <= 0) {
    if (r == 0) s->trace_done = 1;
    else s->status = SIM_EINPUT;
    return r;
  }
  p->task_id = row.id;
  p->src_task = p->src_slot = -1;
  p->arrival = row.arrival;
  p->deadline = row.deadline;
  p->batch = row.batch;
  p->priority = row.priority;
  p->lineno = row.lineno;
  if ((p->network = strtab_intern(&s->networks, row.network, &s->err)) < 0) goto fail;
  if (s->networks.n > s->nets_cap) {
    size_t old = s->nets_cap;
    struct net_cache *grown = sl_grow(s->nets, &s->nets_cap, s->networks.n, sizeof *grown, &s->err);
    if (!grown) goto fail;
    s->nets = grown;
    memset(&grown[old], 0, (s->nets_cap - old) * sizeof *grown);
    for (size_t i = old; i < s->nets_cap; i++) grown[i].default_tenant = -1;
  }
  nc = &s->nets[p->network];
  if (row.tenant == row.network) {
    if (nc->default_tenant < 0 &&
        (nc->default_tenant = strtab_intern(&s->tenants, row.tenant, &s->err)) < 0)
      goto fail;
    p->tenant = nc->default_tenant;
  } else if ((p->tenant = strtab_intern(&s->tenants, row.tenant, &s->err)) < 0) {
    goto fail;
  }
  if ((p->workload = strtab_intern(&s->workloads, row.workload, &s->err)) < 0) goto fail;
  p->work = NULL;
  for (size_t i = 0; i < nc->n; i++)
    if (nc->by_batch[i].batch == row.batch) p->work = nc->by_batch[i].w;
  if (!p->work) {
    void *nb;
    p->work = dev_work(s->dev, row.network, row.batch, &unknown, &s->err);
    if (!p->work) {
      if (unknown)
        sl_err_prefix(&s->err, "%s:%ld: column '%s'", s->trace.csv.path, row.lineno,
                      unknown == 2 ? "batch" : "network");
      goto fail;
    }
    if (!(nb = sl_grow(nc->by_batch, &nc->cap, nc->n + 1, sizeof *nc->by_batch, &s->err)))
      goto fail;
    nc->by_batch = nb;
    nc->by_batch[nc->n].batch = row.batch;
    nc->by_batch[nc->n].w = p->work;
    nc->n++;
  }
  if (!s->nperiods || p->arrival >= s->backlog_end) {
    s->nperiods++;
    s->backlog_end = p->arrival;
  }
  s->backlog_end += work_total(p->work);
  p->group = s->trace.col_workload >= 0 ? p->workload : s->nperiods - 1;
  if (evq_push(&s->evq, p->arrival, EV_ARRIVAL, 0, &s->err) == EVQ_NONE) goto fail;
  return 1;
fail:
  s->status = SIM_EINPUT;
  return -1;
}

/* {===================================================================
** Task sets: the engine releases the requests (taskset.h). The source's
** pending releases live in its generator; one arrival event stands for the
** earliest, moved when a closed loop arms an earlier one. A release becomes
** the pending arrival only when its event fires, so ids and busy periods
** follow release order.
** =================================================================== */

struct tasksrc {
  struct taskset ts;
  struct tsgen gen;
  struct ts_bind {         /* per task: what its requests carry */
    int32_t network, tenant, workload;
    const struct work *work;
  } *bind;
  int32_t ev;              /* the arrival event, or EVQ_NONE */
  int64_t next_id;
  int failed;              /* sim_source_done ran out of memory: s->err holds it */
};

/* Keep one arrival event at the generator's next release. */
static int tasks_arm(struct sim *s) {
  struct tasksrc *t = s->tasks;
  sl_ns at = tsgen_peek(&t->gen);
  if (at == SL_NS_NONE) {
    if (t->ev != EVQ_NONE) evq_cancel(&s->evq, t->ev);
    t->ev = EVQ_NONE;
    s->trace_done = 1;     /* until a closed loop arms another issue */
    return 0;
  }
  s->trace_done = 0;
  if (t->ev == EVQ_NONE) {
    if ((t->ev = evq_push(&s->evq, at, EV_ARRIVAL, 0, &s->err)) == EVQ_NONE) return -1;
  } else if (evq_get(&s->evq, t->ev)->time != at) {
    evq_reschedule(&s->evq, t->ev, at);
  }
  return 0;
}

static int tasks_load(struct sim *s) {
  struct tasksrc *t;
  if (!(t = s->tasks = sl_alloc(sizeof *t, &s->err))) return -1;
  t->ev = EVQ_NONE;
  if (taskset_load(&t->ts, s->cfg.trace_path, s->cfg.tasks_params, s->cfg.ntasks_params,
                   &s->err) < 0 ||
      !(t->bind = sl_alloc(t->ts.n * sizeof *t->bind, &s->err)))
    return -1;
  for (size_t i = 0; i < t->ts.n; i++) {
    const struct ts_task *k = &t->ts.tasks[i];
    struct ts_bind *b = &t->bind[i];
    int unknown;
    if ((b->network = strtab_intern(&s->networks, k->network, &s->err)) < 0 ||
        (b->tenant = strtab_intern(&s->tenants, k->name, &s->err)) < 0 ||
        (b->workload = strtab_intern(&s->workloads, k->app ? k->app : "", &s->err)) < 0)
      return -1;
    if (!(b->work = dev_work(s->dev, k->network, k->batch, &unknown, &s->err))) {
      if (unknown)
        sl_err_prefix(&s->err, "%s:%ld: key '%s'", t->ts.path, k->line,
                      unknown == 2 ? "batch" : "network");
      return -1;
    }
  }
  if (tsgen_init(&t->gen, &t->ts, s->cfg.seed, &s->err) < 0) return -1;
  return tasks_arm(s);
}

/* The release whose event fires now becomes the pending arrival. */
static void tasks_next(struct sim *s) {
  struct tasksrc *t = s->tasks;
  struct pending *p = &s->next_arrival;
  struct ts_release rel;
  const struct ts_bind *b;
  t->ev = EVQ_NONE;        /* popped */
  tsgen_take(&t->gen, &rel);
  SL_ASSERT(rel.release == s->now);
  b = &t->bind[rel.task];
  p->task_id = t->next_id++;
  p->arrival = rel.release;
  p->deadline = rel.deadline;
  p->network = b->network;
  p->tenant = b->tenant;
  p->workload = b->workload;
  p->batch = t->ts.tasks[rel.task].batch;
  p->priority = t->ts.tasks[rel.task].priority;
  p->work = b->work;
  p->lineno = t->ts.tasks[rel.task].line;
  p->src_task = rel.task;
  p->src_slot = rel.slot;
  if (!s->nperiods || p->arrival >= s->backlog_end) {   /* as read_ahead does for a trace */
    s->nperiods++;
    s->backlog_end = p->arrival;
  }
  s->backlog_end += work_total(p->work);
  p->group = t->ts.has_app ? p->workload : s->nperiods - 1;
}

void sim_source_done(struct sim *s, const struct req *r) {
  struct tasksrc *t = s->tasks;
  if (!t || r->src_task < 0 || t->failed) return;
  if (tsgen_done(&t->gen, r->src_task, r->src_slot, s->now) && tasks_arm(s) < 0) t->failed = 1;
}

/* }=================================================================== */

int sim_load_trace(struct sim *s) {
  if (s->cfg.trace_is_tasks) {
    if (tasks_load(s) < 0) {
      s->status = SIM_EINPUT;
      return -1;
    }
    return 0;
  }
  if (trace_open_format(&s->trace, s->cfg.trace_path, s->cfg.trace_format, &s->err) < 0) {
    s->status = SIM_EINPUT;
    return -1;
  }
  s->trace_open = 1;
  return read_ahead(s) < 0 ? -1 : 0;
}

void sim_policy_path(const char *policy, char *path, size_t npath, char *chunk, size_t nchunk) {
  size_t n = strlen(policy);
  char home[1024];
  if (strchr(policy, '/') || (n > 4 && !strcmp(policy + n - 4, ".lua"))) {
    snprintf(path, npath, "%s", policy);
    snprintf(chunk, nchunk, "@%s", policy);
  } else {
    snprintf(path, npath, "%s/policies_lua/%s.lua", sl_home(home, sizeof home), policy);
    snprintf(chunk, nchunk, "@policies_lua/%s.lua", policy);
  }
}

int sim_load_policy(struct sim *s) {
  char chunk[1100];
  const char *base;
  size_t n;
  sim_policy_path(s->cfg.policy, s->policy_path, sizeof s->policy_path, chunk, sizeof chunk);
  base = strrchr(s->policy_path, '/');
  base = base ? base + 1 : s->policy_path;
  snprintf(s->policy_name, sizeof s->policy_name, "%.*s", (int)sizeof s->policy_name - 1, base);
  n = strlen(s->policy_name);
  if (n > 4 && !strcmp(s->policy_name + n - 4, ".lua")) s->policy_name[n - 4] = 0;
  if (pol_open(s, s->policy_path, chunk, &s->pol, &s->err) < 0) {
    s->status = SIM_EINPUT;
    return -1;
  }
  return 0;
}

void sim_free(struct sim *s) {
  if (s->pol) pol_close(s->pol);
  if (s->trace_open) trace_close(&s->trace);
  if (s->tasks) {
    tsgen_free(&s->tasks->gen);
    taskset_free(&s->tasks->ts);
    free(s->tasks->bind);
    free(s->tasks);
    s->tasks = NULL;
  }
  if (s->own_dev) dev_close(s->dev);
  evq_free(&s->evq);
  free(s->reqs);
  timerq_free(&s->timers);
  rq_free(&s->rq);
  for (size_t i = 0; i < s->nets_cap; i++) free(s->nets[i].by_batch);
  free(s->nets);
  strtab_free(&s->networks);
  strtab_free(&s->tenants);
  strtab_free(&s->workloads);
  spool_free(&s->spool);
  ivlog_free(&s->ivals);
  free(s->units);
  free(s->unit_busy);
  free(s->hbuf);
  free(s->hslot);
  s->units = NULL;
  s->unit_busy = NULL;
  s->hbuf = NULL;
  s->hslot = NULL;
  metrics_free(&s->metrics);
  metrics_free(&s->pmetrics);
  s->pol = NULL;
  s->dev = NULL;
}

/* }=================================================================== */

/* {===================================================================
** Progress at a rate (docs/concurrency.md: Q32 rates, exact integration)
** =================================================================== */

/* Simulated ns until r, progressing at its rate from (progress, frac) as
** of r->synced, reaches `target`: the first whole ns at which it has. */
static sl_ns reach_ns(const struct req *r, sl_ns target) {
  unsigned __int128 need;
  if (target <= r->progress) return 0;
  if (r->rate_q == RATE_ONE && r->frac == 0) return target - r->progress;
  if (!r->rate_q) return SL_NS_MAX;
  if (target - r->progress < (sl_ns)1 << 31) {
    /* The Q32 distance fits in 63 bits, and with the rounding in 64: the
    ** same quotient without a 128-bit division (a call into libgcc). */
    uint64_t n64 = ((uint64_t)(target - r->progress) << 32) - r->frac;
    n64 = (n64 + r->rate_q - 1) / r->rate_q;
    return n64 > (uint64_t)(4 * SL_TIME_LIMIT) ? 4 * SL_TIME_LIMIT : (sl_ns)n64;
  }
  need = ((unsigned __int128)(target - r->progress) << 32) - r->frac;
  need = (need + r->rate_q - 1) / r->rate_q;
  return need > (unsigned __int128)(4 * SL_TIME_LIMIT) ? 4 * SL_TIME_LIMIT : (sl_ns)need;
}

/* Progress of r dt > 0 ns after r->synced, `need` = reach_ns(r, r->target). */
static void progress_by(const struct req *r, sl_ns dt, sl_ns need, sl_ns *progress,
                        uint64_t *frac) {
  *progress = r->progress;
  *frac = r->frac;
  if (dt >= need) {
    *progress = r->target;
    *frac = 0;
  } else if (r->rate_q == RATE_ONE) {
    *progress += dt;
  } else {
    unsigned __int128 acc = (unsigned __int128)dt * r->rate_q + r->frac;
    *progress += (sl_ns)(acc >> 32);
    *frac = (uint64_t)(acc & 0xffffffffu);
  }
}

/* Progress of r at time t > r->synced, without changing r. */
static void progress_at(const struct req *r, sl_ns t, sl_ns *progress, uint64_t *frac) {
  sl_ns dt = t - r->synced;
  if (dt <= 0 || !r->rate_q) {
    *progress = r->progress;
    *frac = r->frac;
    return;
  }
  progress_by(r, dt, reach_ns(r, r->target), progress, frac);
}

/* What a holder weighs in its unit's utilisation: its part of the unit. */
static double unit_weight(const struct sim *s, const struct req *r) {
  switch (s->dev->ukind) {
  case UNIT_PS: return 1.0 / s->units[r->unit].nholders;
  case UNIT_POOL: return (double)r->share / s->dev->capacity;
  default: return 1.0;
  }
}

/* Close r's interval being recorded at `end`. */
static int iv_close(struct sim *s, struct req *r, sl_ns end) {
  struct ival iv;
  if (!s->cfg.record_intervals || end <= r->iv_start || !r->rate_q) {
    r->iv_start = end;
    return 0;
  }
  iv.task_id = r->task_id;
  iv.start = r->iv_start;
  iv.end = end;
  iv.unit = r->unit + 1;
  iv.share = r->share;
  iv.rate = (double)r->rate_q / (double)RATE_ONE;
  r->iv_start = end;
  return ivlog_add(&s->ivals, &iv, &s->err);
}

/* Bring r's progress up to now, accounting the time it progressed. A
** request that stops reaches its stop point here: it is then ready again
** `stop_save` ns later. */
static int advance(struct sim *s, struct req *r) {
  sl_ns t = s->now, ran, need;
  if (t <= r->synced) return 0;
  if (!r->rate_q) {
    r->synced = t;
    return 0;
  }
  need = reach_ns(r, r->target);
  ran = t - r->synced < need ? t - r->synced : need;
  progress_by(r, t - r->synced, need, &r->progress, &r->frac);
  s->unit_busy[r->unit] += (double)ran * unit_weight(s, r);
  if (r->progress == r->target && r->state == RS_SWITCH_OUT && r->target == r->stop_at) {
    if (iv_close(s, r, r->synced + ran) < 0) return -1;
    r->stopped_at = r->synced + ran;
    r->back_at = r->synced + ran + r->stop_save;
    r->rate_q = 0;
  }
  r->synced = t;
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Requests, the ready queue and what the policy may ask
** =================================================================== */

static int32_t slot_alloc(struct sim *s) {
  int32_t slot;
  if (s->free_slot >= 0) {
    slot = s->free_slot;
    s->free_slot = s->reqs[slot].link.next;
  } else {
    struct req *nr;
    if (s->nreqs >= INT32_MAX) { sl_errf(&s->err, "too many requests in flight"); return -1; }
    nr = sl_grow(s->reqs, &s->reqs_cap, s->nreqs + 1, sizeof *nr, &s->err);
    if (!nr) return -1;
    s->reqs = nr;
    memset(&nr[s->nreqs], 0, sizeof *nr);
    slot = (int32_t)s->nreqs++;
  }
  return slot;
}

static void slot_free(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  uint32_t gen = r->gen + 1;
  if (r->has_lua) pol_forget(s->pol, slot);
  memset(r, 0, sizeof *r);
  r->gen = gen;
  r->state = RS_FREE;
  r->link.next = s->free_slot;
  s->free_slot = slot;
}

static struct rq_view rq_view(struct sim *s) {
  struct rq_view v;
  v.base = (char *)&s->reqs[0].link;
  v.stride = sizeof s->reqs[0];
  return v;
}

/* Set the keys a ready request is ordered by; they hold while it waits. */
static void ready_keys(struct sim *s, struct req *r, sl_ns since) {
  r->state = RS_READY;
  r->ready_since = since;
  r->link.arrival = r->arrival;
  r->link.seq = r->seq;
  r->link.key[ORD_PRIORITY] = -(sl_ns)r->priority;
  r->link.key[ORD_DEADLINE] = r->deadline == SL_NS_NONE ? SL_NS_MAX : r->deadline;
  r->link.key[ORD_REMAINING] = sim_predicted_remaining(s, r);
  r->link.key[ORD_TOTAL] = sim_predicted_total(r);
}

static int ready_insert(struct sim *s, int32_t slot, sl_ns since) {
  ready_keys(s, &s->reqs[slot], since);
  return rq_insert(&s->rq, rq_view(s), slot, &s->err);
}

/* A preempted request is ready again, in the place it never left. */
static int ready_return(struct sim *s, int32_t slot, sl_ns since) {
  ready_keys(s, &s->reqs[slot], since);
  return rq_unpark(&s->rq, rq_view(s), slot, &s->err);
}

static void ready_remove(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  SL_ASSERT(r->state == RS_READY);
  rq_park(&s->rq, rq_view(s), slot);
  r->waited += s->now - r->ready_since;
}

int32_t sim_ready_first(struct sim *s) { return rq_first(&s->rq, rq_view(s)); }

int32_t sim_ready_next(struct sim *s, int32_t slot) { return rq_next(&s->rq, rq_view(s), slot); }

sl_ns sim_executed(const struct sim *s, const struct req *r) {
  sl_ns p;
  uint64_t f;
  /* A stopping request shows where it will stop (0 after a kill). */
  if (r->state == RS_SWITCH_OUT) return r->stop_mech == MECH_KILL ? 0 : r->stop_at;
  if (r->state != RS_RUNNING) return r->progress;
  if (r->rate_q == RATE_ONE && r->frac == 0) return r->progress + (s->now - r->synced);
  progress_at(r, s->now, &p, &f);
  return p;
}

sl_ns sim_waited(const struct sim *s, const struct req *r) {
  return r->state == RS_READY ? r->waited + (s->now - r->ready_since) : r->waited;
}

/* A prediction: v <= SL_TIME_LIMIT, but a large --predict-sigma may scale
** it past int64, so it saturates at 4 SL_TIME_LIMIT (it is only advice). */
static sl_ns scaled(double factor, sl_ns v) {
  double x = factor * (double)v;
  if (factor == 1.0) return v;
  return x < 4.0 * (double)SL_TIME_LIMIT ? (sl_ns)llround(x) : 4 * SL_TIME_LIMIT;
}

sl_ns sim_predicted_total(const struct req *r) {
  return scaled(r->predict_factor, work_total(r->work));
}

sl_ns sim_predicted_remaining(const struct sim *s, const struct req *r) {
  return scaled(r->predict_factor, work_total(r->work) - sim_executed(s, r));
}

int32_t sim_best(struct sim *s, enum order o) {
  return rq_best(&s->rq, rq_view(s), o, &s->err);
}

int sim_stop_cost(const struct sim *s, int32_t slot, enum mech m, struct stop_cost *c) {
  const struct req *r = &s->reqs[slot];
  struct req now_r = *r;
  memset(c, 0, sizeof c[0]);
  c->at = sim_executed(s, r);
  if (r->state != RS_RUNNING) {           /* waiting: what resuming it would cost */
    c->restore = r->has_ckpt ? r->restore_cost : 0;
    c->latency = c->restore;
    return 0;
  }
  progress_at(r, s->now, &now_r.progress, &now_r.frac);
  now_r.target = work_total(r->work);
  if (m == MECH_DRAIN) {
    c->latency = reach_ns(&now_r, work_total(r->work));
    return 0;
  }
  c->at = sim_stop_point(s, r->work, now_r.progress, m);
  c->latency = reach_ns(&now_r, c->at);
  if (m == MECH_CHECKPOINT && c->at < work_total(r->work)) {
    c->save = s->dev->ops->save_ns(s->dev, r->work, c->at);
    c->restore = s->dev->ops->restore_ns(s->dev, r->work, c->at);
    c->latency += c->save;
  } else if (m == MECH_KILL) {
    c->wasted = c->at;
  }
  return 0;
}

static int timer_push(struct sim *s, int64_t id, sl_ns at, struct sl_err *e) {
  int32_t h = evq_push(&s->evq, at, EV_TIMER, id, e);
  if (h == EVQ_NONE) return -1;
  if (timerq_put(&s->timers, id, h, e) < 0) {
    evq_cancel(&s->evq, h);
    return -1;
  }
  return 0;
}

int64_t sim_timer_add(struct sim *s, sl_ns delay, struct sl_err *e) {
  if (delay < 0) return sl_errf(e, "timer delay %lld ns is negative", (long long)delay);
  if (delay > SL_NS_MAX - s->now)
    return sl_errf(e, "timer delay %lld ns from t=%lld ns overflows simulated time (at most "
                      "%lld ns)", (long long)delay, (long long)s->now, (long long)SL_NS_MAX);
  if (delay == 0) {
    if (s->zero_timer_at != s->now) {
      s->zero_timer_at = s->now;
      s->zero_timers = 0;
    }
    if (++s->zero_timers > ZERO_TIMER_CHAIN)
      return sl_errf(e, "%d zero-delay timers at t=%lld ns without time advancing (a livelock: "
                        "a chain of sim.timer(0)?)", ZERO_TIMER_CHAIN, (long long)s->now);
  }
  if (timer_push(s, s->next_timer_id + 1, s->now + delay, e) < 0) return -1;
  return ++s->next_timer_id;
}

int sim_timer_cancel(struct sim *s, int64_t id) {
  int32_t h = timerq_take(&s->timers, id);
  if (h < 0) return 0;
  evq_cancel(&s->evq, h);
  return 1;
}

/* }=================================================================== */

/* {===================================================================
** Units, holders and the events of a request
** =================================================================== */

/* mean_concurrency: the count of progressing requests integrated to t. */
static void conc_to(struct sim *s, sl_ns t) {
  sl_ns dt = t - s->act_since;
  if (dt <= 0) return;
  if (s->nactive > 0) {
    s->totals.conc_area += (double)dt * s->nactive;
    s->totals.conc_time += dt;
  }
  s->act_since = t;
}

/* When a stopping request reached (or will reach) its stop point. */
static sl_ns stop_time(const struct req *r) {
  return r->rate_q ? r->synced + reach_ns(r, r->stop_at) : r->stopped_at;
}

/* Take the stopping requests that reached their stop point by now out of
** the count, in time order. */
static void settle_stops(struct sim *s) {
  while (s->nstopping > 0) {
    struct req *first = NULL;
    for (int32_t u = 0; u < s->nunits; u++)
      for (int32_t slot = s->units[u].head; slot >= 0; slot = s->reqs[slot].u_next) {
        struct req *r = &s->reqs[slot];
        if (r->state == RS_SWITCH_OUT && r->counted && stop_time(r) <= s->now &&
            (!first || stop_time(r) < stop_time(first)))
          first = r;
      }
    if (!first) return;
    conc_to(s, stop_time(first));
    s->nactive--;
    s->nstopping--;
    first->counted = 0;
  }
}

/* r starts (+1) or ends (-1) progressing now. */
static void count_active(struct sim *s, struct req *r, int delta) {
  settle_stops(s);
  conc_to(s, s->now);
  s->nactive += delta;
  r->counted = delta > 0;
}

/* Bring every holder up to now before the holding set changes: a ps
** holder's part of its unit (utilisation) is the count during the stretch. */
static int sync_all(struct sim *s) {
  if (s->fixed) return 0;
  for (int32_t u = 0; u < s->nunits; u++)
    for (int32_t slot = s->units[u].head; slot >= 0; slot = s->reqs[slot].u_next)
      if (advance(s, &s->reqs[slot]) < 0) return -1;
  return 0;
}

/* {===================================================================
** Block dispatches: conflicts and under-allocation (VELTAIR; docs/metrics.md)
** =================================================================== */

/* Close r's under-allocated stretch (at the deficit and share it opened
** with) and open a new one if it now holds less than it wants. Called
** after every change of its holding, share or want. */
static void ua_update(struct sim *s, struct req *r) {
  struct run_totals *t = &s->totals;
  if (r->ua_since != SL_NS_NONE && s->now > r->ua_since) {
    double dt = (double)(s->now - r->ua_since);
    t->underalloc_ns += dt;
    t->underalloc_cap_ns += dt * r->ua_deficit;
    t->underalloc_extra_ns += dt * r->ua_deficit / r->ua_share;
  }
  r->ua_since = SL_NS_NONE;
  if (r->unit >= 0 && r->want > r->share) {
    r->ua_since = s->now;
    r->ua_deficit = r->want - r->share;
    r->ua_share = r->share;
  }
}

/* A block dispatch of r asking for `want` when `free` was free to it.
** Calls at one progress point are one block (a policy that waits asks
** again at every decision): counted once, a conflict if any call found
** too little free. */
static void block_note(struct sim *s, struct req *r, int32_t want, int32_t free) {
  sl_ns at = sim_executed(s, r);
  if (r->blk_at != at) {
    r->blk_at = at;
    r->blk_conflict = 0;
    s->totals.blocks++;
  }
  if (free < want && !r->blk_conflict) {
    r->blk_conflict = 1;
    s->totals.conflicts++;
  }
}

/* }=================================================================== */

static int hold(struct sim *s, int32_t slot, int32_t u, int32_t share) {
  struct req *r = &s->reqs[slot];
  struct unit *un = &s->units[u];
  if (sync_all(s) < 0) return -1;
  s->nholders++;
  r->unit = u;
  r->share = share;
  r->new_share = share;
  r->new_version = r->version;
  r->resize_at = SL_NS_NONE;
  r->u_next = -1;
  r->u_prev = un->tail;
  if (un->tail >= 0) s->reqs[un->tail].u_next = slot; else un->head = slot;
  un->tail = slot;
  un->nholders++;
  un->used += share;
  if (r->first_unit < 0) r->first_unit = u;
  r->new_want = r->want;
  ua_update(s, r);
  return 0;
}

static int release(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  struct unit *un = &s->units[r->unit];
  if (sync_all(s) < 0) return -1;
  s->nholders--;
  if (r->u_prev >= 0) s->reqs[r->u_prev].u_next = r->u_next; else un->head = r->u_next;
  if (r->u_next >= 0) s->reqs[r->u_next].u_prev = r->u_prev; else un->tail = r->u_prev;
  un->nholders--;
  un->used -= r->new_share > r->share ? r->new_share : r->share;
  r->last_unit = r->unit;
  r->unit = -1;
  r->u_prev = r->u_next = -1;
  r->rate_q = 0;
  ua_update(s, r);
  return 0;
}

int32_t sim_room(const struct sim *s, int32_t u) {
  const struct unit *un = &s->units[u];
  switch (s->dev->ukind) {
  case UNIT_PS: return INT32_MAX;
  case UNIT_POOL: return un->used < s->dev->capacity ? s->dev->capacity - un->used : 0;
  default: return un->nholders == 0;
  }
}

/* The default share of a placement, and whether unit u has room for it. */
static int32_t default_share(const struct sim *s) {
  return s->dev->ukind == UNIT_POOL ? s->dev->capacity : 1;
}

static int32_t unit_with_room(const struct sim *s, int32_t share) {
  for (int32_t u = 0; u < s->nunits; u++)
    if (sim_room(s, u) >= share) return u;
  return -1;
}

static int32_t most_room(const struct sim *s) {
  int32_t best = 0;
  for (int32_t u = 0; u < s->nunits; u++)
    if (sim_room(s, u) > best) best = sim_room(s, u);
  return best;
}

static int any_room(const struct sim *s) {
  for (int32_t u = 0; u < s->nunits; u++)
    if (sim_room(s, u) > 0) return 1;
  return 0;
}

/* The next segment boundary after r's progress, or its total. */
static sl_ns next_boundary(const struct req *r) {
  int32_t k = work_segment_at(r->work, r->progress);
  return r->work->prefix[k + 1];
}

/* Schedule r's next event: where its progress reaches the nearest of its
** end (or stop point), the device's rate boundary, a watched segment
** boundary and a pending resize. A request that stops makes no event of
** its own at its stop point: the end of its switch comes `switch_tail`
** ns after it, and moves with its rate. */
static int plan(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  sl_ns target, at;
  int cls = EV_COMPLETE;
  int64_t arg = slot;
  if (!r->rate_q) return 0;              /* starting, or saving: its event is fixed */
  /* Its event is due at this instant and not handled yet: it plans anew then. */
  if (r->ev != EVQ_NONE && r->progress == r->target && evq_get(&s->evq, r->ev)->time == s->now)
    return 0;
  target = r->state == RS_SWITCH_OUT ? r->stop_at : work_total(r->work);
  if (r->until < target) target = r->until;
  if (r->watched) {
    sl_ns b = next_boundary(r);
    if (b < target) target = b;
  }
  if (r->resize_at != SL_NS_NONE && r->resize_at < target) target = r->resize_at;
  r->target = target;
  at = reach_ns(r, target);
  if (at >= 4 * SL_TIME_LIMIT || s->now > SL_NS_MAX - at)
    return sl_errf(&s->err, "request %lld at rate %.3g would not reach its next event before "
                            "t = 2^60 ns (device '%s')", (long long)r->task_id,
                   (double)r->rate_q / (double)RATE_ONE, s->dev->spec);
  at += s->now;
  if (target < work_total(r->work)) cls = EV_BOUNDARY;
  if (r->state == RS_SWITCH_OUT && target == r->stop_at) {
    at += r->switch_tail;
    cls = EV_SWITCH;
    arg = r->peer >= 0 ? r->peer : slot;   /* sim.stop: no incoming request */
  }
  if (r->ev != EVQ_NONE) {
    const struct event *cur = evq_get(&s->evq, r->ev);
    if (cur->cls == cls && cur->arg == arg) {
      if (cur->time != at) evq_reschedule(&s->evq, r->ev, at);
      return 0;
    }
    evq_cancel(&s->evq, r->ev);
  }
  r->ev = evq_push(&s->evq, at, cls, arg, &s->err);
  return r->ev == EVQ_NONE ? -1 : 0;
}

/* The holding set or a share changed: every holder's rate, from the device. */
static int rerate(struct sim *s) {
  size_t n = 0;
  int rc;
  if (s->fixed) return 0;
  if ((size_t)s->nholders > s->hcap) {
    size_t cap = s->hcap;
    struct holder *hb = sl_grow(s->hbuf, &cap, (size_t)s->nholders, sizeof *hb, &s->err);
    int32_t *hs;
    if (!hb) return -1;
    s->hbuf = hb;
    cap = s->hcap;
    if (!(hs = sl_grow(s->hslot, &cap, (size_t)s->nholders, sizeof *hs, &s->err))) return -1;
    s->hslot = hs;
    s->hcap = cap;
  }
  for (int32_t u = 0; u < s->nunits; u++)
    for (int32_t slot = s->units[u].head; slot >= 0; slot = s->reqs[slot].u_next) {
      struct req *r = &s->reqs[slot];
      struct holder *h = &s->hbuf[n];
      if (advance(s, r) < 0) return -1;
      h->work = r->work;
      h->progress = r->progress;
      h->unit = u;
      h->share = r->share;
      h->id = r->seq;
      h->version = r->version;
      h->active = r->state == RS_RUNNING || (r->state == RS_SWITCH_OUT && r->rate_q);
      h->rate_q = RATE_ONE;
      h->until = work_total(r->work);
      s->hslot[n++] = slot;
    }
  rc = s->dev->ops->rates ? s->dev->ops->rates(s->dev, s->hbuf, n, &s->err)
                          : dev_default_rates(s->dev, s->hbuf, n, &s->err);
  if (rc < 0) return -1;
  for (size_t i = 0; i < n; i++) {
    struct req *r = &s->reqs[s->hslot[i]];
    const struct holder *h = &s->hbuf[i];
    uint64_t q = h->active ? h->rate_q : 0;
    /* A holder at its target has its event at this instant, not yet handled. */
    if (h->active && !(q >= 1 && q <= RATE_ONE &&
                       (h->until > r->progress || (h->until == r->progress && r->progress == r->target))))
      return sl_errf(&s->err, "device '%s' gave request %lld a rate of %llu/2^32 until progress "
                              "%lld ns (at %lld ns): a bug in the device model", s->dev->spec,
                     (long long)r->task_id, (unsigned long long)q, (long long)h->until,
                     (long long)r->progress);
    if (q != r->rate_q && iv_close(s, r, s->now) < 0) return -1;
    r->rate_q = q;
    r->until = h->until;
    if (plan(s, s->hslot[i]) < 0) return -1;
  }
  return 0;
}

/* r starts (or resumes) running on the unit it holds. */
static int run_on_unit(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  r->state = RS_RUNNING;
  r->synced = r->run_since = r->iv_start = s->now;
  r->frac = 0;
  r->rate_q = RATE_ONE;
  r->until = work_total(r->work);
  r->peer = -1;
  if (r->first_start == SL_NS_NONE) r->first_start = s->now;
  if (r->last_unit >= 0 && r->last_unit != r->unit) r->migrations++;
  r->last_unit = r->unit;
  count_active(s, r, 1);
  return s->fixed ? plan(s, slot) : rerate(s);
}

/* Take `slot` out of the ready queue; returns the restore it must pay first. */
static sl_ns take_for_start(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  sl_ns restore = r->has_ckpt ? r->restore_cost : 0;
  ready_remove(s, slot);
  r->overhead += restore;
  r->has_ckpt = 0;
  r->state = RS_SWITCH_IN;
  r->rate_q = 0;
  r->synced = s->now;
  return restore;
}

/* A ready request takes room on unit u: it restores its state, if it
** has one, and runs. */
static int start_on(struct sim *s, int32_t slot, int32_t u, int32_t share) {
  struct req *r = &s->reqs[slot];
  sl_ns restore = take_for_start(s, slot);
  if (hold(s, slot, u, share) < 0) return -1;
  s->placed = 1;
  if (restore == 0) return run_on_unit(s, slot);
  r->peer = -1;
  r->ev = evq_push(&s->evq, s->now + restore, EV_SWITCH, slot, &s->err);
  if (r->ev == EVQ_NONE) return -1;
  return rerate(s);
}

static void note_latency(struct sim *s, enum mech m, sl_ns latency) {
  struct run_totals *t = &s->totals;
  t->latency_sum[m] += (double)latency;
  t->latency_n[m]++;
  if (latency > t->latency_max[m]) t->latency_max[m] = latency;
}

/* A DRAIN decision: the candidate waits for `holder` to end. */
static void drain(struct sim *s, int32_t holder) {
  struct req *r = &s->reqs[holder];
  sl_ns p;
  uint64_t f;
  struct req tmp = *r;
  progress_at(r, s->now, &p, &f);
  tmp.progress = p;
  tmp.frac = f;
  s->totals.drains++;
  note_latency(s, MECH_DRAIN, reach_ns(&tmp, work_total(r->work)));
}

/* `o` starts to leave its unit at progress `stop` by mechanism m (a
** preemption, or a lone sim.stop): what the stop costs it is charged now.
** Returns its save, ns. */
static sl_ns begin_stop(struct sim *s, struct req *o, sl_ns stop, enum mech m) {
  sl_ns save = 0;
  if (m == MECH_CHECKPOINT) {
    save = s->dev->ops->save_ns(s->dev, o->work, stop);
    o->restore_cost = s->dev->ops->restore_ns(s->dev, o->work, stop);
    o->has_ckpt = o->restore_cost > 0;
    o->overhead += save;
    o->checkpoints++;
  } else {
    o->wasted += stop;
    o->has_ckpt = 0;
    o->restore_cost = 0;
    o->kills++;
  }
  o->preemptions++;
  o->state = RS_SWITCH_OUT;
  s->nstopping++;
  o->stop_at = stop;
  o->stop_mech = (uint8_t)m;
  o->stop_save = save;
  return save;
}

/* Stop `victim` by m to give its place (unit u, share) to ready `in`.
** The victim runs on to its stop point at its rate, saves its state, and
** leaves; `in` restores and starts when the victim's switch ends. */
static int preempt(struct sim *s, int32_t victim, int32_t in, int32_t share, enum mech m) {
  struct req *o = &s->reqs[victim], *r = &s->reqs[in];
  sl_ns stop, save = 0, restore, t_stop;
  if (advance(s, o) < 0) return -1;
  stop = sim_stop_point(s, o->work, o->progress, m);
  SL_ASSERT(stop >= o->progress);
  if (stop >= work_total(o->work)) {   /* its next preemption point is its end */
    drain(s, victim);
    return 0;
  }
  if (stop > o->reached) {
    o->reached = stop;
    s->stalled_switches = 0;
  } else if (s->stall_at != s->now && (s->stall_at = s->now, ++s->stalled_switches > STALL_SWITCHES)) {
    return sl_errf(&s->err, "policy '%s' preempted at %d instants in a row without progress (no "
                            "request got further than it had been, none completed; t=%lld ns): a "
                            "livelock, preempting back and forth?", s->policy_name, STALL_SWITCHES,
                   (long long)s->now);
  }
  save = begin_stop(s, o, stop, m);
  restore = take_for_start(s, in);
  if (hold(s, in, o->unit, share) < 0) return -1;
  o->peer = in;
  r->peer = victim;
  o->switch_tail = save + restore;
  t_stop = s->now + reach_ns(o, stop);
  o->back_at = t_stop + save;
  note_latency(s, m, t_stop + save + restore - s->now);
  s->placed = 1;
  if (plan(s, victim) < 0) return -1;
  return rerate(s);
}

static int lone_stop_done(struct sim *s, int32_t slot);

/* The end of a switch: the victim (if any) leaves, `in` runs. */
static int on_switch_done(struct sim *s, int32_t in) {
  struct req *r = &s->reqs[in];
  int32_t out = r->peer;
  enum mech m = MECH_CHECKPOINT;
  if (r->state == RS_SWITCH_OUT && out < 0) return lone_stop_done(s, in);
  r->ev = EVQ_NONE;
  if (out >= 0) {
    struct req *o = &s->reqs[out];
    o->ev = EVQ_NONE;
    settle_stops(s);
    SL_ASSERT(!o->counted);
    if (advance(s, o) < 0) return -1;
    SL_ASSERT(o->progress == o->stop_at);
    m = (enum mech)o->stop_mech;
    if (release(s, out) < 0) return -1;
    if (m == MECH_KILL) o->progress = 0;
    o->frac = 0;
    o->peer = -1;
  }
  if (run_on_unit(s, in) < 0) return -1;
  if (out >= 0) {
    if (ready_return(s, out, s->reqs[out].back_at) < 0) return -1;
    if (pol_preempted(s->pol, out, m) < 0) return -1;
  }
  return 0;
}

/* {===================================================================
** FIKIT support: a stop with nobody in its stead (sim.stop), and the
** policy's own metrics (sim.metric)
** =================================================================== */

static int to_caller(struct sim *s, int rc, struct sl_err *e);

int sim_stop(struct sim *s, int32_t slot, enum mech m, int32_t after, struct sl_err *e) {
  struct req *o = &s->reqs[slot];
  sl_ns from, stop, save = 0;
  if (o->state != RS_RUNNING)
    return sl_errf(e, "sim.stop: request %lld is not running (it is %s)", (long long)o->task_id,
                   o->state == RS_READY ? "ready" : "switching");
  if (m == MECH_DRAIN)
    return sl_errf(e, "sim.stop: mechanism 'drain' stops nothing (use checkpoint or kill)");
  if (after >= o->work->nseg)
    return sl_errf(e, "sim.stop: segment %d is past the last one of request %lld (%d segments)",
                   after + 1, (long long)o->task_id, o->work->nseg);
  if (advance(s, o) < 0) return to_caller(s, -1, e);
  from = o->progress;
  if (after >= 0 && o->work->prefix[after + 1] > from) from = o->work->prefix[after + 1];
  stop = sim_stop_point(s, o->work, from, m);
  SL_ASSERT(stop >= o->progress);
  if (stop >= work_total(o->work)) return 0;   /* it ends first: nothing to stop */
  if (stop > o->reached) {
    o->reached = stop;
    s->stalled_switches = 0;
  } else if (s->stall_at != s->now && (s->stall_at = s->now, ++s->stalled_switches > STALL_SWITCHES)) {
    return sl_errf(e, "policy '%s' stopped requests at %d instants in a row without progress "
                      "(t=%lld ns): a livelock?", s->policy_name, STALL_SWITCHES, (long long)s->now);
  }
  save = begin_stop(s, o, stop, m);
  o->peer = -1;
  o->switch_tail = save;
  o->back_at = s->now + reach_ns(o, stop) + save;
  return to_caller(s, plan(s, slot), e);
}

/* A lone stop's save is done: the request leaves its unit, empty now. */
static int lone_stop_done(struct sim *s, int32_t slot) {
  struct req *o = &s->reqs[slot];
  enum mech m = (enum mech)o->stop_mech;
  o->ev = EVQ_NONE;
  settle_stops(s);
  SL_ASSERT(!o->counted);
  if (advance(s, o) < 0) return -1;
  SL_ASSERT(o->progress == o->stop_at);
  if (release(s, slot) < 0) return -1;
  if (m == MECH_KILL) o->progress = 0;
  o->frac = 0;
  if (rerate(s) < 0) return -1;
  if (ready_return(s, slot, o->back_at) < 0) return -1;
  return pol_preempted(s->pol, slot, m);
}

int sim_metric_add(struct sim *s, const char *name, const char *cls, double v, struct sl_err *e) {
  struct metric_set *ms = &s->pmetrics;
  struct metric *nm;
  char full[sizeof nm->name];
  snprintf(full, sizeof full, "policy.%s", name);
  for (size_t i = 0; i < ms->n; i++)
    if (!strcmp(ms->m[i].name, full) && !strcmp(ms->m[i].cls, cls)) {
      ms->m[i].value += v;
      return 0;
    }
  if (!(nm = sl_grow(ms->m, &ms->cap, ms->n + 1, sizeof *nm, e))) return -1;
  ms->m = nm;
  memcpy(nm[ms->n].name, full, sizeof full);
  snprintf(nm[ms->n].cls, sizeof nm->cls, "%s", cls);
  nm[ms->n].value = v;
  ms->n++;
  return 0;
}

/* The policy's metrics join the run's, after the engine's own. */
static int append_policy_metrics(struct sim *s) {
  struct metric_set *ms = &s->metrics;
  struct metric *nm;
  if (!s->pmetrics.n) return 0;
  if (!(nm = sl_grow(ms->m, &ms->cap, ms->n + s->pmetrics.n, sizeof *nm, &s->err))) return -1;
  ms->m = nm;
  memcpy(nm + ms->n, s->pmetrics.m, s->pmetrics.n * sizeof *nm);
  ms->n += s->pmetrics.n;
  return 0;
}

/* }=================================================================== */

/* The row of a request that leaves the run: finished at `finish`, or
** dropped (finish SL_NS_NONE). */
static void task_record(const struct req *r, sl_ns finish, struct task_rec *rec) {
  const struct work *w = r->work;
  memset(rec, 0, sizeof *rec);
  rec->task_id = r->task_id;
  rec->seq = r->seq;
  rec->arrival = r->arrival;
  rec->start = r->first_start;
  rec->finish = finish;
  rec->isolated = work_isolated(w);
  rec->deadline = r->deadline;
  rec->overhead = r->overhead;
  rec->wasted = r->wasted;
  rec->waited = r->waited;
  rec->network = r->network;
  rec->tenant = r->tenant;
  rec->workload = r->workload;
  rec->group = r->group;
  rec->batch = r->batch;
  rec->priority = r->priority;
  rec->preemptions = r->preemptions;
  rec->checkpoints = r->checkpoints;
  rec->kills = r->kills;
  rec->unit = r->first_unit + 1;
  rec->migrations = r->migrations;
  rec->dropped = finish == SL_NS_NONE;
  if (w->nexits > 0) {
    rec->exit = w->exit + 1;
    rec->exit_acc = w->exits[w->exit].acc;
    rec->top_acc = w->exits[w->nexits - 1].acc;
  }
}

static int complete(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  struct task_rec rec;
  count_active(s, r, -1);
  if (iv_close(s, r, s->now) < 0 || release(s, slot) < 0) return -1;
  s->in_flight--;
  s->stalled_switches = 0;
  rq_drop(&s->rq, rq_view(s), slot);
  task_record(r, s->now, &rec);
  if (spool_add(&s->spool, &rec, &s->err) < 0) {
    s->status = SIM_EINPUT;
    return -1;
  }
  sim_source_done(s, r);   /* the drop path calls it too (a dropped request also leaves) */
  r->state = RS_DONE;
  if (rerate(s) < 0) return -1;
  if (pol_has_complete(s->pol) && pol_complete(s->pol, slot) < 0) return -1;
  slot_free(s, slot);
  return 0;
}

/* A pending resize reaches its preemption point. */
static void apply_resize(struct sim *s, struct req *r) {
  struct unit *un = &s->units[r->unit];
  if (r->new_share < r->share) un->used -= r->share - r->new_share;
  r->share = r->new_share;
  r->version = r->new_version;
  r->want = r->new_want;
  r->resize_at = SL_NS_NONE;
  ua_update(s, r);
}

/* A request's progress reached the target of its event: its end, or a
** boundary (the device's, a watched segment's, a resize's). */
static int on_progress(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  int32_t seg = -1;
  r->ev = EVQ_NONE;
  if (advance(s, r) < 0) return -1;
  SL_ASSERT(r->progress == r->target);
  if (r->state == RS_RUNNING && r->progress == work_total(r->work)) return complete(s, slot);
  if (r->resize_at != SL_NS_NONE && r->progress >= r->resize_at) {
    if (iv_close(s, r, s->now) < 0) return -1;
    apply_resize(s, r);
  }
  if (r->watched && r->work->prefix[work_segment_at(r->work, r->progress)] == r->progress)
    seg = work_segment_at(r->work, r->progress);
  if ((s->fixed ? plan(s, slot) : rerate(s)) < 0) return -1;
  return seg >= 0 ? pol_segment(s->pol, slot, seg + 1) : 0;
}

/* }=================================================================== */

/* {===================================================================
** Placement: what a schedule call may do
** =================================================================== */

int32_t sim_running(const struct sim *s, int32_t u) {
  for (int32_t slot = s->units[u].head; slot >= 0; slot = s->reqs[slot].u_next)
    if (s->reqs[slot].state != RS_SWITCH_OUT) return slot;
  return -1;
}

double sim_rate(const struct sim *s, const struct req *r) {
  (void)s;
  return (double)r->rate_q / (double)RATE_ONE;
}

int32_t sim_segment(const struct sim *s, const struct req *r) {
  return work_segment_at(r->work, sim_executed(s, r));
}

int sim_dispatch(struct sim *s, int32_t slot, enum mech m, struct sl_err *e) {
  const struct req *r = &s->reqs[slot];
  if (!s->in_schedule) return sl_errf(e, "sim.dispatch may only be called from the schedule hook");
  if (s->dispatched)
    return sl_errf(e, "sim.dispatch called twice in one decision (the device runs one request "
                      "at a time)");
  if (r->state != RS_READY && !(r->state == RS_RUNNING && r->unit >= 0))
    return sl_errf(e, "request %lld is not ready (it is %s)", (long long)r->task_id,
                   r->state == RS_RUNNING ? "running" : "switching");
  s->dispatched = 1;
  s->dispatch_slot = slot;
  s->dispatch_mech = m;
  return 0;
}

/* The running holder whose remaining work ends first: what a drain waits for. */
static int32_t first_to_finish(const struct sim *s) {
  int32_t best = -1;
  sl_ns best_rem = SL_NS_MAX;
  for (int32_t u = 0; u < s->nunits; u++)
    for (int32_t slot = s->units[u].head; slot >= 0; slot = s->reqs[slot].u_next) {
      const struct req *r = &s->reqs[slot];
      sl_ns rem = work_total(r->work) - sim_executed(s, r);
      if (r->state == RS_RUNNING && rem < best_rem) best = slot, best_rem = rem;
    }
  return best;
}

/* The legacy decision (`return req, mech`, sim.dispatch(req, mech)): the
** lowest-numbered unit with room; else, on one unit held by one running
** request, preempt it by m. */
static int apply_legacy(struct sim *s) {
  int32_t slot = s->dispatch_slot, u, share = default_share(s), holder;
  const struct req *r = &s->reqs[slot];
  enum mech m = s->dispatch_mech;
  if (r->unit >= 0) return 0;            /* the running request: nothing changes */
  if ((u = unit_with_room(s, share)) >= 0) return start_on(s, slot, u, share);
  holder = s->nunits == 1 && s->units[0].nholders == 1 ? sim_running(s, 0) : -1;
  if (holder >= 0 && s->reqs[holder].state != RS_RUNNING) holder = -1;
  if (m == MECH_DRAIN) {
    if ((holder = holder >= 0 ? holder : first_to_finish(s)) >= 0) drain(s, holder);
    return 0;
  }
  if (holder < 0)
    return sl_errf(&s->err, "policy '%s' hook schedule at t=%lld ns: no unit has room for request "
                            "%lld and the device has %d units: say which to preempt, "
                            "sim.dispatch(req, {unit = U, mech = '%s'})", s->policy_name,
                   (long long)s->now, (long long)r->task_id, (int)s->nunits, mech_names[m]);
  return preempt(s, holder, slot, share, m);
}

/* The engine's own failures (memory, a device's rates) leave their message
** in s->err; a caller that gave its own buffer gets it there. */
static int to_caller(struct sim *s, int rc, struct sl_err *e) {
  if (rc < 0 && e != &s->err) *e = s->err;
  return rc;
}

/* The compiled version a placement or resize asks for (struct placement:
** 0 keeps `cur`, -1 is the device's choice), or -2 with a message. */
static int32_t version_of(const struct sim *s, int32_t v, int32_t cur, const char *who,
                          struct sl_err *e) {
  if (v == 0) return cur;
  if (v == -1) return 0;
  if (s->dev->nversions == 0) {
    sl_errf(e, "%s: version = %d: device '%s' has no compiled versions", who, (int)v,
            s->dev->spec);
    return -2;
  }
  if (v < 1 || v > s->dev->nversions) {
    sl_errf(e, "%s: version = %d is outside [1, %d] (0: the device's choice)", who, (int)v,
            (int)s->dev->nversions);
    return -2;
  }
  return v;
}

int sim_place(struct sim *s, int32_t slot, const struct placement *pl, struct sl_err *e) {
  const struct req *r = &s->reqs[slot];
  const struct device *d = s->dev;
  int32_t u = pl->unit, share = pl->share, victim = pl->victim, room, version;
  long long id = (long long)r->task_id;
  if (!s->in_schedule) return sl_errf(e, "sim.dispatch may only be called from the schedule hook");
  if (u >= s->nunits)
    return sl_errf(e, "unit %d does not exist (the device has %d unit%s, 1 to %d)", (int)u + 1,
                   (int)s->nunits, s->nunits == 1 ? "" : "s", (int)s->nunits);
  if (share && d->ukind != UNIT_POOL)
    return sl_errf(e, "share = %d on a%s unit: only a pool (a profile with capacity=C, the cpu "
                      "kind's cores, a gpu with sharing=mps) is divided into shares", (int)share, d->ukind == UNIT_PS ? " ps" : "n exclusive");
  if (share && share > d->capacity)
    return sl_errf(e, "share = %d is more than the pool has (capacity %d)", (int)share,
                   (int)d->capacity);
  if (!share) share = default_share(s);
  if (pl->want && d->ukind != UNIT_POOL)
    return sl_errf(e, "want = %d on a%s unit: only a pool is divided into shares", (int)pl->want,
                   d->ukind == UNIT_PS ? " ps" : "n exclusive");
  if (pl->want > d->capacity)
    return sl_errf(e, "want = %d is more than the pool has (capacity %d)", (int)pl->want,
                   (int)d->capacity);
  if ((version = version_of(s, pl->version, r->version, "sim.dispatch", e)) < -1) return -1;
  if (r->unit >= 0) {
    if ((u < 0 || u == r->unit) && (!pl->share || share == r->share) && victim < 0 &&
        version == r->version)
      return 0;
    return sl_errf(e, "request %lld already holds unit %d (share %d): it cannot be placed again; "
                      "use sim.resize to change its share or version", id, (int)r->unit + 1,
                   (int)r->share);
  }
  if (r->state != RS_READY) return sl_errf(e, "request %lld is not ready", id);
  if (victim >= 0) {
    const struct req *v = &s->reqs[victim];
    if (v->unit < 0)
      return sl_errf(e, "victim (request %lld) holds no unit: it is %s", (long long)v->task_id,
                     v->state == RS_READY ? "ready" : "done");
    if (u >= 0 && v->unit != u)
      return sl_errf(e, "victim (request %lld) holds unit %d, not unit %d", (long long)v->task_id,
                     (int)v->unit + 1, (int)u + 1);
    if (v->state != RS_RUNNING)
      return sl_errf(e, "victim %lld is already %s", (long long)v->task_id,
                     v->state == RS_SWITCH_OUT ? "stopping" : "starting");
    u = v->unit;
  }
  if (pl->want)   /* what was free to it: on its unit (with its victim's share), or anywhere */
    block_note(s, &s->reqs[slot], pl->want,
               u < 0 ? most_room(s) : sim_room(s, u) + (victim >= 0 ? s->reqs[victim].share : 0));
  s->reqs[slot].want = pl->want;
  if (u < 0) {
    if ((u = unit_with_room(s, share)) < 0) {
      if (pl->has_mech && pl->mech == MECH_DRAIN) {
        int32_t h = first_to_finish(s);
        if (h >= 0) drain(s, h);
        return 0;
      }
      return sl_errf(e, "no unit has room for request %lld (share %d; the most free on one unit "
                        "is %d): name the unit or the victim to preempt, e.g. {unit = 1, mech = "
                        "'checkpoint'}", id, (int)share, (int)most_room(s));
    }
    s->reqs[slot].version = version;
    return to_caller(s, start_on(s, slot, u, share), e);
  }
  room = sim_room(s, u);
  if (victim < 0 && room >= share) {
    s->reqs[slot].version = version;
    return to_caller(s, start_on(s, slot, u, share), e);
  }
  if (victim < 0) {
    if (d->ukind != UNIT_EXCLUSIVE)
      return sl_errf(e, "unit %d has room for %d, not %d: name a victim to preempt "
                        "({victim = req, mech = 'checkpoint'})", (int)u + 1, (int)room,
                     (int)share);
    if ((victim = sim_running(s, u)) < 0 || s->reqs[victim].state != RS_RUNNING)
      return sl_errf(e, "unit %d is switching between two requests: place request %lld when "
                        "the switch ends", (int)u + 1, id);
  }
  if (!pl->has_mech)
    return sl_errf(e, "unit %d is busy (request %lld runs there): pass mech = 'checkpoint' or "
                      "'kill' to preempt it, or 'drain' to wait", (int)u + 1,
                   (long long)s->reqs[victim].task_id);
  if (d->ukind == UNIT_POOL && share > room + s->reqs[victim].share)
    return sl_errf(e, "unit %d: share %d does not fit in its free %d plus victim %lld's %d",
                   (int)u + 1, (int)share, (int)room, (long long)s->reqs[victim].task_id,
                   (int)s->reqs[victim].share);
  if (pl->mech == MECH_DRAIN) {
    drain(s, victim);
    return 0;
  }
  s->reqs[slot].version = version;
  return to_caller(s, preempt(s, victim, slot, share, pl->mech), e);
}

int sim_resize(struct sim *s, int32_t slot, int32_t share, int32_t version, int32_t want,
               struct sl_err *e) {
  struct req *r = &s->reqs[slot];
  struct unit *un;
  sl_ns at;
  int32_t old_res, new_res;
  if (r->unit < 0 || r->state != RS_RUNNING)
    return sl_errf(e, "sim.resize: request %lld is not running (it is %s): only a running request "
                      "can be resized", (long long)r->task_id,
                   r->state == RS_READY ? "ready" : r->state == RS_SWITCH_IN ? "starting"
                                                                              : "stopping");
  if (s->dev->ukind != UNIT_POOL)
    return sl_errf(e, "sim.resize: unit %d is not a pool (a profile with capacity=C, the cpu "
                      "kind's cores and a gpu with sharing=mps have shares)", (int)r->unit + 1);
  if (s->dev->fixed_shares && share != r->share)
    return sl_errf(e, "sim.resize: request %lld cannot change its share (%d -> %d) on device "
                      "'%s': %s", (long long)r->task_id, (int)r->share, (int)share, s->dev->spec,
                   s->dev->fixed_shares);
  if (share < 1 || share > s->dev->capacity)
    return sl_errf(e, "sim.resize: share %d is outside [1, %d] (the pool's capacity)", (int)share,
                   (int)s->dev->capacity);
  if (want > s->dev->capacity)
    return sl_errf(e, "sim.resize: want %d is more than the pool has (capacity %d)", (int)want,
                   (int)s->dev->capacity);
  if ((version = version_of(s, version, r->new_version, "sim.resize", e)) < -1) return -1;
  un = &s->units[r->unit];
  old_res = r->new_share > r->share ? r->new_share : r->share;
  if (want) block_note(s, r, want, sim_room(s, r->unit) + old_res);
  new_res = share > r->share ? share : r->share;
  if (new_res - old_res > sim_room(s, r->unit))
    return sl_errf(e, "sim.resize: request %lld cannot grow to %d: unit %d has %d free",
                   (long long)r->task_id, (int)share, (int)r->unit + 1, (int)sim_room(s, r->unit));
  if (advance(s, r) < 0) return to_caller(s, -1, e);
  un->used += new_res - old_res;
  r->new_share = share;
  r->new_version = version;
  if (want) r->new_want = want;
  at = sim_stop_point(s, r->work, r->progress, MECH_CHECKPOINT);
  if (share == r->share && version == r->version) {
    r->resize_at = SL_NS_NONE;
    r->want = r->new_want;   /* nothing to wait for: the demand holds from now */
    ua_update(s, r);
  } else if (at <= r->progress) {
    if (iv_close(s, r, s->now) < 0) return to_caller(s, -1, e);
    apply_resize(s, r);
  } else {
    r->resize_at = at;
  }
  return to_caller(s, rerate(s), e);
}

int sim_watch(struct sim *s, int32_t slot, int on, struct sl_err *e) {
  struct req *r = &s->reqs[slot];
  if (r->watched == (on != 0)) return 0;
  r->watched = on != 0;
  if (!r->rate_q) return 0;
  if (advance(s, r) < 0) return to_caller(s, -1, e);
  return to_caller(s, plan(s, slot), e);
}

/* }=================================================================== */

/* {===================================================================
** Chunks, exits and drops (papers/pantheon.md; policies_lua/README.md)
** =================================================================== */

sl_ns sim_stop_point(const struct sim *s, const struct work *w, sl_ns progress, enum mech m) {
  sl_ns at = s->dev->ops->stop_point(s->dev, w, progress, m);
  /* A chunk keeps one live tensor: only its end is a checkpoint. */
  return m == MECH_CHECKPOINT ? work_chunk_round(w, at) : at;
}

int sim_exit_usable(const struct sim *s, const struct req *r, int32_t k) {
  const struct work *w = r->work;
  int32_t a = w->exits[k].after < w->exits[w->exit].after ? w->exits[k].after
                                                           : w->exits[w->exit].after;
  return k == w->exit || sim_executed(s, r) <= w->prefix[a + 1];
}

int sim_set_exit(struct sim *s, int32_t slot, int32_t k, struct sl_err *e) {
  struct req *r = &s->reqs[slot];
  const struct work *w = r->work;
  long long id = (long long)r->task_id;
  if (w->nexits <= 0)
    return sl_errf(e, "sim.set_exit: request %lld (network '%s') has no exits", id, w->network);
  if (k < 0 || k >= w->nexits)
    return sl_errf(e, "sim.set_exit: exit %d is outside [1, %d] (request %lld)", (int)k + 1,
                   (int)w->nexits, id);
  if (r->state == RS_DONE)
    return sl_errf(e, "sim.set_exit: request %lld has completed", id);
  if (k == w->exit) return 0;
  if (!sim_exit_usable(s, r, k)) {
    int32_t a = w->exits[k].after < w->exits[w->exit].after ? w->exits[k].after
                                                             : w->exits[w->exit].after;
    return sl_errf(e, "sim.set_exit: exit %d is not usable for request %lld: its progress %lld ns "
                      "is past the end of segment %d (%lld ns), where it leaves the path of "
                      "exit %d", (int)k + 1, id, (long long)sim_executed(s, r), (int)a + 1,
                   (long long)w->prefix[a + 1], (int)w->exit + 1);
  }
  if (r->state == RS_READY) {
    /* Its order keys (remaining, total) change: out of the heaps and back. */
    rq_park(&s->rq, rq_view(s), slot);
    r->work = w->top->paths[k];
    ready_keys(s, r, r->ready_since);
    return rq_unpark(&s->rq, rq_view(s), slot, e);
  }
  if (r->state == RS_SWITCH_IN) {        /* restoring: its run plans with the new work */
    r->work = w->top->paths[k];
    return 0;
  }
  /* Running or stopping: progress as of now, then its events anew, as a
  ** rate change does (the stop point lies on both paths). */
  if (advance(s, r) < 0) return to_caller(s, -1, e);
  r->work = w->top->paths[k];
  if (s->fixed) r->until = work_total(r->work);
  return to_caller(s, s->fixed ? plan(s, slot) : rerate(s), e);
}

int sim_drop(struct sim *s, int32_t slot, struct sl_err *e) {
  struct req *r = &s->reqs[slot];
  struct task_rec rec;
  if (r->state != RS_READY)
    return sl_errf(e, "sim.drop: request %lld is %s: only a ready request (not placed) can be "
                      "dropped", (long long)r->task_id,
                   r->state == RS_DONE ? "completing" : "placed on a unit");
  if (s->in_schedule && s->dispatched && s->dispatch_slot == slot)
    return sl_errf(e, "sim.drop: request %lld was dispatched in this schedule call",
                   (long long)r->task_id);
  ready_remove(s, slot);
  rq_drop(&s->rq, rq_view(s), slot);
  task_record(r, SL_NS_NONE, &rec);
  if (spool_add(&s->spool, &rec, &s->err) < 0) return to_caller(s, -1, e);
  s->in_flight--;
  sim_source_done(s, r);   /* a closed loop issues its next request */
  slot_free(s, slot);
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Events
** =================================================================== */

static int on_arrival(struct sim *s) {
  const struct pending *p = &s->next_arrival;
  int32_t slot;
  struct req *r;
  if (s->tasks) tasks_next(s);
  if ((slot = slot_alloc(s)) < 0) return -1;
  r = &s->reqs[slot];
  r->state = RS_READY;
  r->task_id = p->task_id;
  r->seq = s->seq++;
  r->arrival = p->arrival;
  r->deadline = p->deadline;
  r->first_start = SL_NS_NONE;
  r->network = p->network;
  r->tenant = p->tenant;
  r->workload = p->workload;
  r->group = p->group;
  r->batch = p->batch;
  r->priority = p->priority;
  r->src_task = p->src_task;
  r->src_slot = p->src_slot;
  r->work = p->work;
  r->ev = EVQ_NONE;
  r->unit = r->first_unit = r->last_unit = -1;
  r->u_prev = r->u_next = r->peer = -1;
  r->resize_at = SL_NS_NONE;
  r->ua_since = SL_NS_NONE;
  r->blk_at = -1;
  r->predict_factor = predict_factor(s, strtab_get(&s->networks, p->network), p->batch);
  s->in_flight++;
  if (ready_insert(s, slot, s->now) < 0) return -1;
  if ((s->tasks ? tasks_arm(s) : read_ahead(s)) < 0) return -1;
  if (pol_has_arrival(s->pol) && pol_arrival(s->pol, slot) < 0) return -1;
  return 0;
}

static int on_timer(struct sim *s, int64_t id) {
  sl_ns rearm = -1;
  timerq_take(&s->timers, id);
  if (pol_timer(s->pol, id, &rearm) < 0) return -1;
  if (rearm < 0) return 0;
  if (rearm > SL_NS_MAX - s->now)
    return sl_errf(&s->err, "policy '%s' hook on_timer at t=%lld ns returned %lld: re-arming "
                            "overflows simulated time (at most %lld ns)", s->policy_name,
                   (long long)s->now, (long long)rearm, (long long)SL_NS_MAX);
  return timer_push(s, id, s->now + rearm, &s->err);
}

/* }=================================================================== */

/* Whether a schedule call can change anything now: a request is ready and
** a unit has room, or the policy may preempt a running request. */
static int worth_asking(const struct sim *s) {
  if (s->rq.n == 0) return 0;
  if (any_room(s)) return 1;
  if (!pol_schedule_when_busy(s->pol)) return 0;
  for (int32_t u = 0; u < s->nunits; u++)
    for (int32_t slot = s->units[u].head; slot >= 0; slot = s->reqs[slot].u_next)
      if (s->reqs[slot].state == RS_RUNNING) return 1;
  return 0;
}

/* The scheduling decisions of the current instant: schedule is asked
** again while it placed a request and a unit still has room, so a policy
** that returns one request fills every unit. */
static int decide(struct sim *s, int only_timers) {
  while (worth_asking(s)) {
    s->dispatched = 0;
    s->placed = 0;
    s->in_schedule = 1;
    if (pol_schedule(s->pol) < 0) {
      s->in_schedule = 0;
      return -1;
    }
    s->in_schedule = 0;
    if (s->dispatched && apply_legacy(s) < 0) return -1;
    if (!s->placed || !any_room(s)) break;
  }
  if (s->nholders > 0 || s->rq.n == 0) {
    s->idle_timer_rounds = 0;
    return 0;
  }
  if (evq_size(&s->evq) == 0)
    return sl_errf(&s->err, "policy '%s' left the device idle at t=%lld ns with %lld ready "
                            "request(s) and no future event: nothing would ever run them",
                   s->policy_name, (long long)s->now, (long long)s->rq.n);
  if (only_timers && s->trace_done && ++s->idle_timer_rounds > IDLE_TIMER_ROUNDS)
    return sl_errf(&s->err, "policy '%s' kept the device idle through %d timer events with "
                            "%lld ready request(s) (t=%lld ns)", s->policy_name,
                   IDLE_TIMER_ROUNDS, (long long)s->rq.n, (long long)s->now);
  return 0;
}

int sim_finish(struct sim *s) {
  if (s->trace.col_workload >= 0 || (s->tasks && s->tasks->ts.has_app)) {
    s->totals.n_groups = (int32_t)s->workloads.n;
    s->totals.by_workload = 1;
  } else {
    s->totals.n_groups = s->nperiods;
  }
  s->totals.tenants = &s->tenants;
  s->totals.workloads = &s->workloads;
  s->totals.gpu_like = !strcmp(s->dev->ops->kind, "gpu") || !strcmp(s->dev->ops->kind, "profile");
  s->totals.nunits = s->nunits;
  s->totals.unit_busy = s->unit_busy;
  s->totals.busy = 0;
  for (int32_t u = 0; u < s->nunits; u++) s->totals.busy += (sl_ns)llround(s->unit_busy[u]);
  if (metrics_compute(&s->spool, &s->totals, &s->metrics, &s->err) < 0 ||
      append_policy_metrics(s) < 0) {
    s->status = SIM_EINPUT;
    return -1;
  }
  return 0;
}

static double wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The run limits (limit.* params) that do not belong to one event. */
static int check_limits(struct sim *s, sl_ns t, double wall_start) {
  const struct sim_config *c = &s->cfg;
  if (c->max_sim_time > 0 && t > c->max_sim_time)
    return sl_errf(&s->err, "run limit exceeded: simulated time would pass limit.max_sim_time_ns "
                            "= %lld ns (next event at t=%lld ns, %lld request(s) unfinished); "
                            "raise it with --max-sim-time", (long long)c->max_sim_time,
                   (long long)t, (long long)s->in_flight);
  if (c->max_wall_ms > 0 && s->events % WALL_CHECK_EVENTS == 0 &&
      wall_ms() - wall_start > (double)c->max_wall_ms)
    return sl_errf(&s->err, "run limit exceeded: limit.max_wall_ms = %lld ms of wall-clock time "
                            "(at t=%lld ns, after %llu events); raise it with --max-wall",
                   (long long)c->max_wall_ms, (long long)s->now, (unsigned long long)s->events);
  return 0;
}

enum sim_status sim_run(struct sim *s) {
  const struct event *ev;
  sl_ns last_instant = -1;
  int64_t rounds = 0;
  double wall_start = s->cfg.max_wall_ms > 0 ? wall_ms() : 0;
  if (pol_init(s->pol) < 0) {             /* a policy rejecting its params: bad input */
    s->status = SIM_EINPUT;
    return s->status;
  }
  while ((ev = evq_peek(&s->evq))) {
    sl_ns t = ev->time;
    int only_timers = 1;
    if (s->trace_done && s->in_flight == 0) break;
    SL_ASSERT(t >= s->now);
    if (check_limits(s, t, wall_start) < 0) goto policy_fail;
    s->now = t;
    if (t == last_instant) {
      if (++rounds > LIVELOCK_ROUNDS) {
        sl_errf(&s->err, "policy '%s' made %d decisions at t=%lld ns without time advancing "
                         "(a livelock: preempting back and forth at no cost, or re-arming "
                         "zero-delay timers?)", s->policy_name,
                LIVELOCK_ROUNDS, (long long)t);
        goto policy_fail;
      }
    } else {
      last_instant = t;
      rounds = 0;
    }
    while ((ev = evq_peek(&s->evq)) && ev->time == t) {
      struct event e = evq_pop(&s->evq);
      int rc = 0;
      if ((int64_t)++s->events > s->cfg.max_events) {
        sl_errf(&s->err, "run limit exceeded: limit.max_events = %lld events (at t=%lld ns, "
                         "%lld request(s) unfinished); raise it with --max-events",
                (long long)s->cfg.max_events, (long long)t, (long long)s->in_flight);
        goto policy_fail;
      }
      if (check_limits(s, t, wall_start) < 0) goto policy_fail;
      switch (e.cls) {
      case EV_COMPLETE:
      case EV_BOUNDARY: rc = on_progress(s, (int32_t)e.arg); only_timers = 0; break;
      case EV_SWITCH: rc = on_switch_done(s, (int32_t)e.arg); only_timers = 0; break;
      case EV_ARRIVAL: rc = on_arrival(s); only_timers = 0; break;
      case EV_TIMER: rc = on_timer(s, e.arg); break;
      }
      if (rc < 0) goto fail;
    }
    if (decide(s, only_timers) < 0) goto policy_fail;
    if (s->tasks && s->tasks->failed) goto fail;   /* sim_source_done ran out of memory */
  }
  if (s->in_flight > 0 || !s->trace_done) {
    sl_errf(&s->err, "policy '%s' left %lld request(s) unfinished with nothing left to run",
            s->policy_name, (long long)s->in_flight);
    goto policy_fail;
  }
  s->status = SIM_OK;
  return s->status;
fail:
  /* Trace errors are input errors; anything a hook raised is the policy's. */
  if (s->status != SIM_EINPUT) s->status = SIM_EPOLICY;
  return s->status;
policy_fail:
  s->status = SIM_EPOLICY;
  return s->status;
}
