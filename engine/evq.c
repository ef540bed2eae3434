/*
** evq.c — indexed binary heap ordered by (time, class, sequence); see evq.h.
*/
#include "evq.h"

#include <stdlib.h>
#include <string.h>

void evq_init(struct evq *q) { memset(q, 0, sizeof *q); }

void evq_free(struct evq *q) {
  free(q->heap);
  free(q->pos);
  free(q->free_handles);
  memset(q, 0, sizeof *q);
}

static int before(const struct event *a, const struct event *b) {
  if (a->time != b->time) return a->time < b->time;
  if (a->cls != b->cls) return a->cls < b->cls;
  return a->seq < b->seq;
}

static void place(struct evq *q, size_t i, struct event ev) {
  q->heap[i] = ev;
  q->pos[ev.handle] = (int32_t)i;
}

/* The event that moves, as its fields. The sifts compare it field by field
** and write it once, where it lands: an event just assembled (a push, a
** reschedule) and read back whole would wait on the stores that built it
** (a wide load cannot be forwarded from narrower stores), and the engine
** pops and pushes at every event. */
struct mover {
  sl_ns time;
  uint64_t seq;
  int32_t cls, handle;
  int64_t arg;
};

static int goes_before(const struct mover *m, const struct event *b) {
  if (m->time != b->time) return m->time < b->time;
  if (m->cls != b->cls) return m->cls < b->cls;
  return m->seq < b->seq;
}

static void land(struct evq *q, size_t i, const struct mover *m) {
  struct event *d = &q->heap[i];
  d->time = m->time;
  d->seq = m->seq;
  d->cls = m->cls;
  d->handle = m->handle;
  d->arg = m->arg;
  q->pos[m->handle] = (int32_t)i;
}

static void sift_up(struct evq *q, size_t i, const struct mover *m) {
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!goes_before(m, &q->heap[parent])) break;
    place(q, i, q->heap[parent]);
    i = parent;
  }
  land(q, i, m);
}

static void sift_down(struct evq *q, size_t i, const struct mover *m) {
  for (;;) {
    size_t l = 2 * i + 1, best = l;
    if (l >= q->n) break;
    if (l + 1 < q->n && before(&q->heap[l + 1], &q->heap[l])) best = l + 1;
    if (goes_before(m, &q->heap[best])) break;
    place(q, i, q->heap[best]);
    i = best;
  }
  land(q, i, m);
}

/* Up or down from hole i, whichever m belongs. */
static void sift(struct evq *q, size_t i, const struct mover *m) {
  if (i > 0 && goes_before(m, &q->heap[(i - 1) / 2])) sift_up(q, i, m);
  else sift_down(q, i, m);
}

int32_t evq_push(struct evq *q, sl_ns time, int cls, int64_t arg, struct sl_err *e) {
  int32_t h;
  struct mover m;
  if (q->n == q->cap) {
    struct event *nh = sl_grow(q->heap, &q->cap, q->n + 1, sizeof *nh, e);
    if (!nh) return EVQ_NONE;
    q->heap = nh;
  }
  if (q->nfree) {
    h = q->free_handles[--q->nfree];
  } else {
    if (q->nhandles == q->hcap) {
      size_t nc = q->hcap ? 2 * q->hcap : 16;
      int32_t *np = realloc(q->pos, nc * sizeof *np);
      if (!np) { sl_errf(e, "out of memory"); return EVQ_NONE; }
      q->pos = np;
      np = realloc(q->free_handles, nc * sizeof *np);
      if (!np) { sl_errf(e, "out of memory"); return EVQ_NONE; }
      q->free_handles = np;
      q->hcap = nc;
    }
    h = (int32_t)q->nhandles++;
  }
  m.time = time;
  m.seq = q->next_seq++;
  m.cls = cls;
  m.handle = h;
  m.arg = arg;
  q->n++;
  sift_up(q, q->n - 1, &m);
  return h;
}

static void remove_at(struct evq *q, size_t i) {
  int32_t h = q->heap[i].handle;
  const struct event *last;
  struct mover m;
  q->pos[h] = -1;
  q->free_handles[q->nfree++] = h;
  q->n--;
  if (i == q->n) return;
  /* The last event fills the hole. */
  last = &q->heap[q->n];
  m = (struct mover){last->time, last->seq, last->cls, last->handle, last->arg};
  sift(q, i, &m);
}

void evq_cancel(struct evq *q, int32_t handle) {
  if (handle < 0 || (size_t)handle >= q->nhandles || q->pos[handle] < 0) return;
  remove_at(q, (size_t)q->pos[handle]);
}

void evq_reschedule(struct evq *q, int32_t handle, sl_ns time) {
  size_t i;
  struct mover m;
  if (handle < 0 || (size_t)handle >= q->nhandles || q->pos[handle] < 0) return;
  i = (size_t)q->pos[handle];
  m = (struct mover){time, q->next_seq++, q->heap[i].cls, handle, q->heap[i].arg};
  sift(q, i, &m);
}

struct event evq_pop(struct evq *q) {
  struct event ev = q->heap[0];
  remove_at(q, 0);
  return ev;
}
