/*
** readyq.c — the ready queue: arrival-ordered list plus lazily built
** indexed heaps, one per order (see readyq.h).
*/
#include "readyq.h"

#include <stdlib.h>
#include <string.h>

const char *const order_names[ORD_COUNT] = {"fifo", "priority", "deadline", "remaining", "total"};

int order_parse(const char *s, enum order *o) {
  for (int i = 0; i < ORD_COUNT; i++)
    if (!strcmp(s, order_names[i])) { *o = (enum order)i; return 0; }
  return -1;
}

static struct rq_link *link_of(struct rq_view v, int32_t slot) {
  return (struct rq_link *)(v.base + (size_t)slot * v.stride);
}

static int before(const struct rq_link *a, const struct rq_link *b) {
  return a->arrival != b->arrival ? a->arrival < b->arrival : a->seq < b->seq;
}

static int entry_before(const struct rq_entry *a, const struct rq_entry *b) {
  if (a->key != b->key) return a->key < b->key;
  if (a->arrival != b->arrival) return a->arrival < b->arrival;
  return a->seq < b->seq;
}

void rq_init(struct readyq *q) {
  memset(q, 0, sizeof *q);
  q->head = q->tail = -1;
}

void rq_free(struct readyq *q) {
  for (int o = 0; o < ORD_COUNT; o++) free(q->heap[o].e);
  rq_init(q);
}

/* {===================================================================
** Indexed heaps
** =================================================================== */

static void heap_place(struct rq_heap *h, struct rq_view v, int o, size_t i, struct rq_entry en) {
  h->e[i] = en;
  link_of(v, en.slot)->pos[o] = (int32_t)i;
}

static void heap_up(struct rq_heap *h, struct rq_view v, int o, size_t i) {
  struct rq_entry en = h->e[i];
  while (i > 0 && entry_before(&en, &h->e[(i - 1) / 2])) {
    heap_place(h, v, o, i, h->e[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  heap_place(h, v, o, i, en);
}

static void heap_down(struct rq_heap *h, struct rq_view v, int o, size_t i) {
  struct rq_entry en = h->e[i];
  for (;;) {
    size_t l = 2 * i + 1, best = i;
    const struct rq_entry *b = &en;
    if (l < h->n && entry_before(&h->e[l], b)) { best = l; b = &h->e[l]; }
    if (l + 1 < h->n && entry_before(&h->e[l + 1], b)) best = l + 1;
    if (best == i) break;
    heap_place(h, v, o, i, h->e[best]);
    i = best;
  }
  heap_place(h, v, o, i, en);
}

static int heap_push(struct rq_heap *h, struct rq_view v, int o, int32_t slot, struct sl_err *e) {
  const struct rq_link *l = link_of(v, slot);
  struct rq_entry en;
  if (h->n == h->cap) {
    struct rq_entry *ne = sl_grow(h->e, &h->cap, h->n + 1, sizeof *ne, e);
    if (!ne) return -1;
    h->e = ne;
  }
  en.key = l->key[o];
  en.arrival = l->arrival;
  en.seq = l->seq;
  en.slot = slot;
  h->e[h->n++] = en;
  heap_up(h, v, o, h->n - 1);
  return 0;
}

static void heap_remove(struct rq_heap *h, struct rq_view v, int o, int32_t slot) {
  size_t i = (size_t)link_of(v, slot)->pos[o];
  h->n--;
  if (i == h->n) return;
  heap_place(h, v, o, i, h->e[h->n]);
  if (i > 0 && entry_before(&h->e[i], &h->e[(i - 1) / 2])) heap_up(h, v, o, i);
  else heap_down(h, v, o, i);
}

/* }=================================================================== */

static int32_t skip_parked(struct rq_view v, int32_t slot) {
  while (slot >= 0 && link_of(v, slot)->parked) slot = link_of(v, slot)->next;
  return slot;
}

int32_t rq_first(const struct readyq *q, struct rq_view v) { return skip_parked(v, q->head); }

int32_t rq_next(const struct readyq *q, struct rq_view v, int32_t slot) {
  (void)q;
  return skip_parked(v, link_of(v, slot)->next);
}

static int heaps_push(struct readyq *q, struct rq_view v, int32_t slot, struct sl_err *e) {
  for (int o = 1; o < ORD_COUNT; o++)
    if (q->heap[o].on && heap_push(&q->heap[o], v, o, slot, e) < 0) return -1;
  return 0;
}

int rq_insert(struct readyq *q, struct rq_view v, int32_t slot, struct sl_err *e) {
  struct rq_link *r = link_of(v, slot);
  int32_t after = q->tail;
  /* Arrivals come in trace order, so this is the tail; the walk only serves
  ** a caller that inserts out of order. */
  if (after >= 0 && before(r, link_of(v, after))) {
    int32_t b = q->head;
    while (!before(r, link_of(v, b))) b = link_of(v, b)->next;
    after = link_of(v, b)->prev;
  }
  r->parked = 0;
  r->prev = after;
  r->next = after >= 0 ? link_of(v, after)->next : q->head;
  if (r->prev >= 0) link_of(v, r->prev)->next = slot; else q->head = slot;
  if (r->next >= 0) link_of(v, r->next)->prev = slot; else q->tail = slot;
  q->n++;
  return heaps_push(q, v, slot, e);
}

void rq_park(struct readyq *q, struct rq_view v, int32_t slot) {
  struct rq_link *r = link_of(v, slot);
  SL_ASSERT(!r->parked);
  r->parked = 1;
  q->n--;
  for (int o = 1; o < ORD_COUNT; o++)
    if (q->heap[o].on) heap_remove(&q->heap[o], v, o, slot);
}

int rq_unpark(struct readyq *q, struct rq_view v, int32_t slot, struct sl_err *e) {
  struct rq_link *r = link_of(v, slot);
  SL_ASSERT(r->parked);
  r->parked = 0;
  q->n++;
  return heaps_push(q, v, slot, e);
}

void rq_drop(struct readyq *q, struct rq_view v, int32_t slot) {
  struct rq_link *r = link_of(v, slot);
  SL_ASSERT(r->parked);
  if (r->prev >= 0) link_of(v, r->prev)->next = r->next; else q->head = r->next;
  if (r->next >= 0) link_of(v, r->next)->prev = r->prev; else q->tail = r->prev;
  r->prev = r->next = -1;
  r->parked = 0;
}

int32_t rq_best(struct readyq *q, struct rq_view v, enum order o, struct sl_err *e) {
  struct rq_heap *h = &q->heap[o];
  if (o == ORD_FIFO) return rq_first(q, v);
  if (!h->on) {                       /* first use: index what is queued now */
    h->on = 1;
    for (int32_t i = rq_first(q, v); i >= 0; i = rq_next(q, v, i))
      if (heap_push(h, v, o, i, e) < 0) {
        h->on = 0;
        h->n = 0;
        return -2;
      }
  }
  return h->n ? h->e[0].slot : -1;
}
