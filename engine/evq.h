/*
** evq.h — the event queue: a binary heap of timed events with handles for
** cancel and reschedule.
**
** Total order of events (the tie-break contract every run relies on):
**   1. time, earliest first;
**   2. then event class, in this fixed rank:
**        EV_COMPLETE (0)  a request finished its last segment
**        EV_BOUNDARY (1)  a request reached a boundary it or the device asked
**                         for (a rate change, a watched segment, a resize)
**        EV_SWITCH   (2)  a preemption or restore finished; a unit changes hands
**        EV_ARRIVAL  (3)  a request arrives from the trace
**        EV_TIMER    (4)  a policy timer fires
**      so work that ends at t is accounted before work that starts at t;
**   3. then insertion sequence, first pushed first (arrivals at the same
**      instant therefore keep their trace order).
** The engine drains every event of one instant, running the policy's
** notification hooks in this order, and only then takes one scheduling
** decision for that instant (see engine.c).
*/
#ifndef EVQ_H
#define EVQ_H

#include "sl.h"

enum ev_class { EV_COMPLETE = 0, EV_BOUNDARY = 1, EV_SWITCH = 2, EV_ARRIVAL = 3, EV_TIMER = 4 };

struct event {
  sl_ns time;              /* when it fires, ns */
  uint64_t seq;            /* insertion sequence, for the FIFO tie-break */
  int32_t cls;             /* enum ev_class: rank among simultaneous events */
  int32_t handle;          /* slot in the handle table, for cancel */
  int64_t arg;             /* payload: request slot, timer id, ... */
};

struct evq {
  struct event *heap;      /* heap[0] is the next event */
  size_t n, cap;
  int32_t *pos;            /* handle -> heap index, -1 when free */
  int32_t *free_handles;   /* stack of free handles */
  size_t nhandles, nfree, hcap;
  uint64_t next_seq;
};

#define EVQ_NONE (-1)      /* no handle / nothing to cancel */

void evq_init(struct evq *q);
void evq_free(struct evq *q);
/* Push an event; returns its handle, or EVQ_NONE if memory ran out. */
int32_t evq_push(struct evq *q, sl_ns time, int cls, int64_t arg, struct sl_err *e);
/* Remove a pending event by handle; a stale handle is a no-op. */
void evq_cancel(struct evq *q, int32_t handle);
/* Move a pending event to a new time (it keeps class, takes a new sequence). */
void evq_reschedule(struct evq *q, int32_t handle, sl_ns time);
/* The next event without removing it, or NULL when empty. */
static inline const struct event *evq_peek(const struct evq *q) {
  return q->n ? &q->heap[0] : NULL;
}
/* A pending event by handle. */
static inline const struct event *evq_get(const struct evq *q, int32_t handle) {
  return &q->heap[q->pos[handle]];
}
/* Remove and return the next event. The queue must not be empty. */
struct event evq_pop(struct evq *q);
static inline size_t evq_size(const struct evq *q) { return q->n; }

#endif
