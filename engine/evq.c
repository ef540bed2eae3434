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

/* The sifts take the event moving by value and write it once, where it
** lands: reading back an event just written (field by field) stalls the
** load on the stores, and the engine pops and pushes at every event. */
static void sift_up(struct evq *q, size_t i, struct event ev) {
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!before(&ev, &q->heap[parent])) break;
    place(q, i, q->heap[parent]);
    i = parent;
  }
  place(q, i, ev);
}

static void sift_down(struct evq *q, size_t i, struct event ev) {
  for (;;) {
    size_t l = 2 * i + 1, best = i;
    const struct event *b = &ev;
    if (l < q->n && before(&q->heap[l], b)) { best = l; b = &q->heap[l]; }
    if (l + 1 < q->n && before(&q->heap[l + 1], b)) best = l + 1;
    if (best == i) break;
    place(q, i, q->heap[best]);
    i = best;
  }
  place(q, i, ev);
}

int32_t evq_push(struct evq *q, sl_ns time, int cls, int64_t arg, struct sl_err *e) {
  int32_t h;
  struct event ev;
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
  ev.time = time;
  ev.seq = q->next_seq++;
  ev.cls = cls;
  ev.handle = h;
  ev.arg = arg;
  q->n++;
  sift_up(q, q->n - 1, ev);
  return h;
}

static void remove_at(struct evq *q, size_t i) {
  int32_t h = q->heap[i].handle;
  q->pos[h] = -1;
  q->free_handles[q->nfree++] = h;
  q->n--;
  if (i == q->n) return;
  /* The last event fills the hole, up or down from it. */
  if (i > 0 && before(&q->heap[q->n], &q->heap[(i - 1) / 2])) sift_up(q, i, q->heap[q->n]);
  else sift_down(q, i, q->heap[q->n]);
}

void evq_cancel(struct evq *q, int32_t handle) {
  if (handle < 0 || (size_t)handle >= q->nhandles || q->pos[handle] < 0) return;
  remove_at(q, (size_t)q->pos[handle]);
}

void evq_reschedule(struct evq *q, int32_t handle, sl_ns time) {
  size_t i;
  struct event ev;
  if (handle < 0 || (size_t)handle >= q->nhandles || q->pos[handle] < 0) return;
  i = (size_t)q->pos[handle];
  ev = q->heap[i];
  ev.time = time;
  ev.seq = q->next_seq++;
  if (i > 0 && before(&ev, &q->heap[(i - 1) / 2])) sift_up(q, i, ev);
  else sift_down(q, i, ev);
}

struct event evq_pop(struct evq *q) {
  struct event ev = q->heap[0];
  remove_at(q, 0);
  return ev;
}
