/*
** taskset.h — task-set files (traces/tasksets/README.md): tasks whose
** requests the engine releases itself instead of reading a trace, and the
** release generator that streams them in arrival order.
**
** Parsing is device-independent: network references are resolved by the
** engine (engine.c), which names the task's line in its errors.
** The generator holds one heap entry per periodic or Poisson task and one
** per closed-loop slot, so its memory does not grow with the horizon.
*/
#ifndef TASKSET_H
#define TASKSET_H

#include "device.h"
#include "rng.h"

enum ts_arrival { TS_PERIODIC = 0, TS_POISSON, TS_CLOSED };

struct ts_task {
  char *name;              /* the requests' tenant */
  char *network;           /* as the device resolves it */
  char *app;               /* the requests' workload; NULL: none */
  int32_t batch, priority;
  int32_t arrival;         /* enum ts_arrival */
  sl_ns period;            /* periodic: > 0; closed: minimum issue gap of a slot (0) */
  sl_ns phase;             /* first release / first issues */
  int64_t jitter_us;       /* periodic: offsets uniform in [-jitter_us, +jitter_us] us */
  double rate;             /* poisson: releases per second */
  sl_ns deadline;          /* relative; SL_NS_NONE: none */
  int32_t outstanding;     /* closed: loop slots */
  sl_ns think;             /* closed: after a completion or drop */
  sl_ns horizon;           /* releases in [0, horizon) (periodic: nominal ones) */
  int64_t count;           /* cap on releases; -1: none */
  long line;               /* its `task` line, for messages */
};

struct taskset {
  char *path;
  struct ts_task *tasks;
  size_t n;
  int has_app;             /* some task sets app=: metrics group by workload */
};

/* Parse `path` with `param` overrides (NAME=VALUE pairs; every one must
** name a `param` line). Errors: "FILE:LINE: key 'x': why". */
int taskset_load(struct taskset *ts, const char *path, const struct kv *over, size_t nover,
                 struct sl_err *e);
void taskset_free(struct taskset *ts);

/* One release. */
struct ts_release {
  sl_ns release;           /* ns */
  sl_ns deadline;          /* absolute, or SL_NS_NONE */
  int32_t task;            /* index in the task set */
  int32_t slot;            /* closed loop: its slot (0-based); else 0 */
};

struct ts_src;             /* a heap entry: the next release of a task or a loop slot */
struct ts_state;

struct tsgen {
  const struct taskset *ts;
  struct ts_state *st;     /* per task */
  sl_ns *slot_last;        /* closed loops: each slot's last issue, at st[i].slot0 */
  struct ts_src *heap;
  size_t n, cap;
};

/* Every task's first release; random streams derived from `seed`, one per
** task (its name), independent of the other tasks. */
int tsgen_init(struct tsgen *g, const struct taskset *ts, uint64_t seed, struct sl_err *e);
void tsgen_free(struct tsgen *g);
/* Time of the next release, or SL_NS_NONE when none is pending (closed
** loops may arm more through tsgen_done). */
sl_ns tsgen_peek(struct tsgen *g);
/* Take the next release (tsgen_peek returned a time) and plan the task's
** following one. Ties: task order in the file, then slot. */
void tsgen_take(struct tsgen *g, struct ts_release *r);
/* A closed-loop request of (task, slot) completed or was dropped at t:
** arm the slot's next issue at max(t + think, last issue + period) while
** that is before the horizon and the count allows. Returns 1 when armed,
** 0 when the slot is finished; a no-op 0 for other arrival kinds. */
int tsgen_done(struct tsgen *g, int32_t task, int32_t slot, sl_ns t);

#endif
