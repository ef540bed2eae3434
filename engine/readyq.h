/*
** readyq.h — the ready queue: requests waiting for the device, kept in
** (arrival, trace order) as a linked list, plus, for each order a policy
** asks sim.best for, an indexed heap built on first use and maintained from
** then on. So sim.best costs O(1) for fifo and O(log n) for the others,
** whatever the queue's length. A ready request's keys do not change while
** it waits (it makes no progress), which is what makes heaps valid.
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
  int64_t n;
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
int rq_insert(struct readyq *q, struct rq_view v, int32_t slot, struct sl_err *e);
void rq_remove(struct readyq *q, struct rq_view v, int32_t slot);
/* The best ready request in order o, or -1 when empty. */
int32_t rq_best(struct readyq *q, struct rq_view v, enum order o, struct sl_err *e);

#endif
