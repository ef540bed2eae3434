/*
** test_evq.c — the event queue's total order (time, class, insertion),
** cancel and reschedule, and a randomized comparison with a sorted list.
*/
#include "evq.h"
#include "rng.h"
#include "test.h"

#include <stdlib.h>

static int cmp_ev(const void *a, const void *b) {
  const struct event *x = a, *y = b;
  if (x->time != y->time) return x->time < y->time ? -1 : 1;
  if (x->cls != y->cls) return x->cls < y->cls ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int main(void) {
  struct evq q;
  struct sl_err e;
  struct event ev;
  int32_t h[8];
  evq_init(&q);

  /* evq-1: same time, different classes: complete < switch < arrival < timer. */
  evq_push(&q, 100, EV_TIMER, 1, &e);
  evq_push(&q, 100, EV_ARRIVAL, 2, &e);
  evq_push(&q, 100, EV_COMPLETE, 3, &e);
  evq_push(&q, 100, EV_SWITCH, 4, &e);
  evq_push(&q, 50, EV_TIMER, 5, &e);
  evq_push(&q, 100, EV_ARRIVAL, 6, &e);
  {
    const int64_t want[] = {5, 3, 4, 2, 6, 1};
    int ok = 1;
    for (int i = 0; i < 6; i++) ok &= evq_pop(&q).arg == want[i];
    TEST(ok, "evq-1: time, then class rank, then insertion order");
  }

  /* evq-2: cancel and reschedule by handle. */
  for (int i = 0; i < 5; i++) h[i] = evq_push(&q, 10 * (i + 1), EV_ARRIVAL, i, &e);
  evq_cancel(&q, h[0]);
  evq_cancel(&q, h[3]);
  evq_cancel(&q, h[3]);                       /* stale: no-op */
  evq_reschedule(&q, h[4], 5);
  TEST_EQ_I64(evq_size(&q), 3, "evq-2.1: two cancelled");
  ev = evq_pop(&q);
  TEST_EQ_I64(ev.arg, 4, "evq-2.2: rescheduled to the front");
  TEST_EQ_I64(evq_pop(&q).arg, 1, "evq-2.3");
  TEST_EQ_I64(evq_pop(&q).arg, 2, "evq-2.4");
  TEST(evq_peek(&q) == NULL, "evq-2.5: empty");

  /* evq-3: random pushes, cancels and pops against qsort. */
  {
    enum { N = 20000 };
    struct rng r;
    struct event *ref = malloc(N * sizeof *ref), *live = malloc(N * sizeof *live);
    int32_t *hd = malloc(N * sizeof *hd);
    int nref = 0, ok = 1, nlive = 0;
    rng_seed(&r, 7);
    for (int i = 0; i < N; i++) {
      hd[i] = evq_push(&q, rng_range(&r, 0, 500), (int)rng_range(&r, 0, 3), i, &e);
      live[i].arg = 1;
    }
    for (int i = 0; i < N; i += 3) { evq_cancel(&q, hd[i]); live[i].arg = 0; }
    while (evq_size(&q)) ref[nref++] = evq_pop(&q);
    for (int i = 0; i < N; i++) nlive += (int)live[i].arg;
    ok &= nref == nlive;
    for (int i = 0; i + 1 < nref; i++) ok &= cmp_ev(&ref[i], &ref[i + 1]) < 0;
    for (int i = 0; i < nref; i++) ok &= ref[i].arg % 3 != 0;
    TEST(ok, "evq-3: %d random events come out in total order, cancelled ones never", N);
    free(ref);
    free(live);
    free(hd);
  }
  /* evq-4: random reschedules (earlier and later) and cancels: every live
  ** event comes out once, in total order, at the time it was last given. */
  {
    enum { M = 5000 };
    struct rng r;
    sl_ns *at = malloc(M * sizeof *at);
    int32_t *hd = malloc(M * sizeof *hd);
    int ok = 1, nout = 0, nlive = 0;
    struct event prev = {0};
    rng_seed(&r, 11);
    for (int i = 0; i < M; i++) {
      at[i] = rng_range(&r, 0, 500);
      hd[i] = evq_push(&q, at[i], (int)rng_range(&r, 0, 3), i, &e);
    }
    for (int k = 0; k < 4 * M; k++) {
      int i = (int)rng_range(&r, 0, M - 1);
      if (at[i] < 0) continue;
      if (k % 7 == 0) {
        evq_cancel(&q, hd[i]);
        at[i] = -1;
      } else {
        at[i] = rng_range(&r, 0, 500);
        evq_reschedule(&q, hd[i], at[i]);
      }
    }
    for (int i = 0; i < M; i++) nlive += at[i] >= 0;
    while (evq_size(&q)) {
      struct event x = evq_pop(&q);
      ok &= x.arg >= 0 && x.arg < M && at[x.arg] == x.time;
      if (nout++ > 0) ok &= cmp_ev(&prev, &x) < 0;
      if (x.arg >= 0 && x.arg < M) at[x.arg] = -2;   /* out once */
      prev = x;
    }
    ok &= nout == nlive;
    TEST(ok, "evq-4: %d events, reschedules and cancels come out in total order, once each", M);
    free(at);
    free(hd);
  }
  evq_free(&q);
  return test_done();
}
