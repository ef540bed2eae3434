/*
** engine.c — the event engine. A running request's completion time comes
** in closed form from its work's prefix sums; preemption asks the device
** for the stop point (a binary search over the same sums). Events are
** arrivals, completions, switch completions and policy timers only, so the
** cost grows with requests and decisions, not with layers.
*/
#include "engine.h"

#include "policy.h"

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
  s->cur = s->incoming = -1;
  s->switch_ev = EVQ_NONE;
  return 0;
}

int sim_load_device(struct sim *s, struct device *shared) {
  if (shared) {
    s->dev = shared;
    return 0;
  }
  s->own_dev = 1;
  if (dev_open(&s->dev, s->cfg.device_spec, s->cfg.dev_params, s->cfg.ndev_params, &s->err) < 0) {
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

int sim_load_trace(struct sim *s) {
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
  metrics_free(&s->metrics);
  s->pol = NULL;
  s->dev = NULL;
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
  return r->state == RS_RUNNING ? r->progress + (s->now - r->run_since) : r->progress;
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

int32_t sim_running(const struct sim *s) {
  if (s->dstate == DS_SWITCHING) return s->incoming;
  return s->dstate == DS_RUNNING ? s->cur : -1;
}

int32_t sim_best(struct sim *s, enum order o) {
  return rq_best(&s->rq, rq_view(s), o, &s->err);
}

int sim_dispatch(struct sim *s, int32_t slot, enum mech m, struct sl_err *e) {
  const struct req *r = &s->reqs[slot];
  if (!s->in_schedule) return sl_errf(e, "sim.dispatch may only be called from the schedule hook");
  if (s->dispatched)
    return sl_errf(e, "sim.dispatch called twice in one decision (the device runs one request "
                      "at a time)");
  if (r->state != RS_READY && !(r->state == RS_RUNNING && slot == s->cur))
    return sl_errf(e, "request %lld is not ready (it is %s)", (long long)r->task_id,
                   r->state == RS_RUNNING ? "running" : "switching");
  s->dispatched = 1;
  s->dispatch_slot = slot;
  s->dispatch_mech = m;
  return 0;
}

int sim_stop_cost(const struct sim *s, int32_t slot, enum mech m, struct stop_cost *c) {
  const struct req *r = &s->reqs[slot];
  sl_ns now_p = sim_executed(s, r);
  memset(c, 0, sizeof *c);
  c->at = now_p;
  if (r->state != RS_RUNNING) {           /* waiting: what resuming it would cost */
    c->restore = r->has_ckpt ? r->restore_cost : 0;
    c->latency = c->restore;
    return 0;
  }
  if (m == MECH_DRAIN) {
    c->latency = work_total(r->work) - now_p;
    return 0;
  }
  c->at = s->dev->ops->stop_point(s->dev, r->work, now_p, m);
  c->latency = c->at - now_p;
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
** Device state transitions
** =================================================================== */

static int run_on_device(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  r->state = RS_RUNNING;
  r->run_since = s->now;
  if (r->first_start == SL_NS_NONE) r->first_start = s->now;
  s->cur = slot;
  s->incoming = -1;
  s->dstate = DS_RUNNING;
  r->complete_ev = evq_push(&s->evq, s->now + work_total(r->work) - r->progress, EV_COMPLETE,
                            slot, &s->err);
  return r->complete_ev == EVQ_NONE ? -1 : 0;
}

static int begin_switch(struct sim *s, int32_t out, int32_t in, sl_ns end, enum mech m) {
  s->dstate = DS_SWITCHING;
  s->cur = out;
  s->incoming = in;
  s->switch_mech = m;
  s->switch_ev = evq_push(&s->evq, end, EV_SWITCH, 0, &s->err);
  return s->switch_ev == EVQ_NONE ? -1 : 0;
}

/* Take `slot` out of the ready queue; returns the restore it must pay first. */
static sl_ns take_for_start(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  sl_ns restore = r->has_ckpt ? r->restore_cost : 0;
  ready_remove(s, slot);
  r->overhead += restore;
  r->has_ckpt = 0;
  r->state = RS_SWITCH_IN;
  return restore;
}

static int start_idle(struct sim *s, int32_t slot) {
  sl_ns restore = take_for_start(s, slot);
  if (restore > 0) return begin_switch(s, -1, slot, s->now + restore, MECH_CHECKPOINT);
  return run_on_device(s, slot);
}

static void note_latency(struct sim *s, enum mech m, sl_ns latency) {
  struct run_totals *t = &s->totals;
  t->latency_sum[m] += (double)latency;
  t->latency_n[m]++;
  if (latency > t->latency_max[m]) t->latency_max[m] = latency;
}

/* A DRAIN decision: the candidate waits for the running request's end. */
static void drain(struct sim *s) {
  const struct req *r = &s->reqs[s->cur];
  s->totals.drains++;
  note_latency(s, MECH_DRAIN, work_total(r->work) - sim_executed(s, r));
}

static int preempt(struct sim *s, int32_t in, enum mech m) {
  int32_t out = s->cur;
  struct req *o = &s->reqs[out];
  sl_ns now_p = sim_executed(s, o), stop, t_stop, save = 0, restore;
  stop = s->dev->ops->stop_point(s->dev, o->work, now_p, m);
  SL_ASSERT(stop >= now_p);
  if (stop >= work_total(o->work)) {   /* its next preemption point is its end */
    drain(s);
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
  evq_cancel(&s->evq, o->complete_ev);
  o->complete_ev = EVQ_NONE;
  t_stop = s->now + (stop - now_p);
  s->totals.busy += t_stop - o->run_since;
  if (m == MECH_CHECKPOINT) {
    save = s->dev->ops->save_ns(s->dev, o->work, stop);
    o->restore_cost = s->dev->ops->restore_ns(s->dev, o->work, stop);
    o->has_ckpt = o->restore_cost > 0;
    o->progress = stop;
    o->overhead += save;
    o->checkpoints++;
  } else {
    o->wasted += stop;
    o->progress = 0;
    o->has_ckpt = 0;
    o->restore_cost = 0;
    o->kills++;
  }
  o->preemptions++;
  o->state = RS_SWITCH_OUT;
  restore = take_for_start(s, in);
  s->switch_out_ready = t_stop + save;
  note_latency(s, m, t_stop + save + restore - s->now);
  return begin_switch(s, out, in, t_stop + save + restore, m);
}

static int on_switch_done(struct sim *s) {
  int32_t out = s->cur, in = s->incoming;
  s->switch_ev = EVQ_NONE;
  if (run_on_device(s, in) < 0) return -1;
  if (out >= 0) {
    if (ready_return(s, out, s->switch_out_ready) < 0) return -1;
    if (pol_preempted(s->pol, out, s->switch_mech) < 0) return -1;
  }
  return 0;
}

static int on_complete(struct sim *s, int32_t slot) {
  struct req *r = &s->reqs[slot];
  struct task_rec rec;
  SL_ASSERT(r->state == RS_RUNNING && slot == s->cur);
  s->totals.busy += s->now - r->run_since;
  r->progress = work_total(r->work);
  r->complete_ev = EVQ_NONE;
  s->dstate = DS_IDLE;
  s->cur = -1;
  s->in_flight--;
  s->stalled_switches = 0;
  rq_drop(&s->rq, rq_view(s), slot);
  memset(&rec, 0, sizeof rec);
  rec.task_id = r->task_id;
  rec.seq = r->seq;
  rec.arrival = r->arrival;
  rec.start = r->first_start;
  rec.finish = s->now;
  rec.isolated = work_total(r->work);
  rec.deadline = r->deadline;
  rec.overhead = r->overhead;
  rec.wasted = r->wasted;
  rec.waited = r->waited;
  rec.network = r->network;
  rec.tenant = r->tenant;
  rec.workload = r->workload;
  rec.group = r->group;
  rec.batch = r->batch;
  rec.priority = r->priority;
  rec.preemptions = r->preemptions;
  rec.checkpoints = r->checkpoints;
  rec.kills = r->kills;
  if (spool_add(&s->spool, &rec, &s->err) < 0) {
    s->status = SIM_EINPUT;
    return -1;
  }
  r->state = RS_DONE;
  if (pol_has_complete(s->pol) && pol_complete(s->pol, slot) < 0) return -1;
  slot_free(s, slot);
  return 0;
}

static int on_arrival(struct sim *s) {
  const struct pending *p = &s->next_arrival;
  int32_t slot = slot_alloc(s);
  struct req *r;
  if (slot < 0) return -1;
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
  r->work = p->work;
  r->complete_ev = EVQ_NONE;
  r->predict_factor = predict_factor(s, strtab_get(&s->networks, p->network), p->batch);
  s->in_flight++;
  if (ready_insert(s, slot, s->now) < 0) return -1;
  if (read_ahead(s) < 0) return -1;
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

/* One scheduling decision for the current instant. */
static int decide(struct sim *s, int only_timers) {
  if (s->dstate == DS_SWITCHING || s->rq.n == 0) {
    s->idle_timer_rounds = 0;
    return 0;
  }
  if (s->dstate == DS_RUNNING && !pol_schedule_when_busy(s->pol)) return 0;
  s->dispatched = 0;
  s->in_schedule = 1;
  if (pol_schedule(s->pol) < 0) {
    s->in_schedule = 0;
    return -1;
  }
  s->in_schedule = 0;
  if (s->dispatched) {
    int32_t slot = s->dispatch_slot;
    if (s->dstate == DS_IDLE) {
      if (start_idle(s, slot) < 0) return -1;
    } else if (slot != s->cur) {
      if (s->dispatch_mech == MECH_DRAIN) drain(s);
      else if (preempt(s, slot, s->dispatch_mech) < 0) return -1;
    }
  }
  if (s->dstate != DS_IDLE || s->rq.n == 0) {
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
  if (s->trace.col_workload >= 0) {
    s->totals.n_groups = (int32_t)s->workloads.n;
    s->totals.by_workload = 1;
  } else {
    s->totals.n_groups = s->nperiods;
  }
  s->totals.tenants = &s->tenants;
  if (metrics_compute(&s->spool, &s->totals, &s->metrics, &s->err) < 0) {
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
      case EV_COMPLETE: rc = on_complete(s, (int32_t)e.arg); only_timers = 0; break;
      case EV_SWITCH: rc = on_switch_done(s); only_timers = 0; break;
      case EV_ARRIVAL: rc = on_arrival(s); only_timers = 0; break;
      case EV_TIMER: rc = on_timer(s, e.arg); break;
      }
      if (rc < 0) goto fail;
    }
    if (decide(s, only_timers) < 0) goto policy_fail;
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
