/*
** readyq.h — the ready queue: requests waiting for the device, kept in
** (arrival, trace order) as a linked list, plus, for each order a policy
** asks sim.best for, an indexed heap built on first use and maintained from
** then on. So sim.best costs O(1) for fifo and O(log n) for the others,
** whatever the queue's length. A ready request's keys do not change while
** it waits (it makes no progress), which is what makes heaps valid.
**
** A request that leaves the queue for the device stays in the list,
** "parked" (out of every heap, skipped by iteration), until it completes:
** when it is preempted it is back in its place at once, with no search for
** the place. Searching the list for it made every preemption O(n), and SJF,
** which preempts often while the long requests it starves pile up in the
** queue, quadratic. Only the requests holding a unit are parked (one per
** exclusive unit, two during a switch; the co-runners of a ps unit or a
** pool), so skipping them costs O(holders).
*/
#ifndef READYQ_H
#define READYQ_H

#include "sl.h"

enum order { ORD_FIFO = 0, ORD_PRIORITY, ORD_DEADLINE, ORD_REMAINING, ORD_TOTAL, ORD_COUNT };
extern const char *const order_names[ORD_COUNT];
int order_parse(const char *s, enum order *o);

/* What a heap compares: the key, then arrival, then trace order. */
struct rq_entry {
  sl_ns key;               /* smaller is better (priority is negated) */
  sl_ns arrival;
  uint64_t seq;
  int32_t slot;
};

/* Per-request bookkeeping the queue needs; embedded in struct req. */
struct rq_link {
  int32_t prev, next;            /* list neighbours (slots), -1 at the ends */
  int parked;                    /* in the list, but on the device: not ready */
  int32_t pos[ORD_COUNT];        /* index in each heap ([ORD_FIFO] unused) */
  sl_ns key[ORD_COUNT];          /* the keys, set by the caller before insert */
  sl_ns arrival;
  uint64_t seq;
};

struct rq_heap {
  struct rq_entry *e;
  size_t n, cap;
  int on;                        /* maintained (some policy asked for this order) */
};

struct readyq {
  int32_t head, tail;
  int64_t n;                     /* ready requests (parked ones excluded) */
  struct rq_heap heap[ORD_COUNT];
};

/* Links are found as `links + slot * stride` (bytes): the link lives in a
** larger per-request struct whose array may move between calls. */
struct rq_view {
  char *base;
  size_t stride;
};

void rq_init(struct readyq *q);
void rq_free(struct readyq *q);
/* A new request: ready, placed by (arrival, trace order). */
int rq_insert(struct readyq *q, struct rq_view v, int32_t slot, struct sl_err *e);
/* A ready request goes to the device: parked in its place. */
void rq_park(struct readyq *q, struct rq_view v, int32_t slot);
/* A parked request is ready again (its keys set anew by the caller). */
int rq_unpark(struct readyq *q, struct rq_view v, int32_t slot, struct sl_err *e);
/* A parked request completed: out of the list. */
void rq_drop(struct readyq *q, struct rq_view v, int32_t slot);
/* The best ready request in order o, or -1 when empty. */
int32_t rq_best(struct readyq *q, struct rq_view v, enum order o, struct sl_err *e);
/* Ready requests in (arrival, trace order): the first, and the one after a
** listed slot (ready or parked); -1 at the end. */
int32_t rq_first(const struct readyq *q, struct rq_view v);
int32_t rq_next(const struct readyq *q, struct rq_view v, int32_t slot);

#endif
