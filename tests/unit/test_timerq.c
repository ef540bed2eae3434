/*
** test_timerq.c — the timer id map against a plain array: random inserts
** of consecutive ids and removals in any order (backward-shift deletion
** must keep every remaining id findable), then a drain.
*/
#include "rng.h"
#include "test.h"
#include "timerq.h"

#include <stdlib.h>

#define N 200000

int main(void) {
  struct timerq t;
  struct sl_err e;
  struct rng r;
  int32_t *want = calloc(N + 1, sizeof *want);   /* id -> handle, -1 when absent */
  int64_t next = 0, live = 0, wrong = 0;
  if (!want) return 1;
  timerq_init(&t);
  rng_seed(&r, 42);
  TEST_EQ_I64(timerq_take(&t, 1), -1, "timerq-1: an empty map has nothing to take");
  for (int64_t i = 0; i <= N; i++) want[i] = -1;
  /* Grow to thousands pending with mixed removals, by id order and not. */
  while (next < N) {
    if (live == 0 || rng_range(&r, 0, 2) > 0) {
      next++;
      want[next] = (int32_t)(next * 7 % 100003);
      if (timerq_put(&t, next, want[next], &e) < 0) wrong++;
      live++;
    } else {
      int64_t id = rng_range(&r, 1, next);
      int32_t h = timerq_take(&t, id);
      if (h != want[id]) wrong++;
      if (want[id] >= 0) live--;
      want[id] = -1;
    }
  }
  TEST_EQ_I64(wrong, 0, "timerq-2: every take returns the handle put, or -1 when gone");
  TEST_EQ_I64((int64_t)t.n, live, "timerq-3: the count follows puts and takes");
  wrong = 0;
  for (int64_t id = N; id >= 1; id--) {
    int32_t h = timerq_take(&t, id);
    if (h != want[id]) wrong++;
    if (timerq_take(&t, id) != -1) wrong++;
  }
  TEST_EQ_I64(wrong, 0, "timerq-4: draining finds every pending id once");
  TEST_EQ_I64((int64_t)t.n, 0, "timerq-5: empty after the drain");
  TEST_EQ_I64(timerq_take(&t, 0), -1, "timerq-6: id 0 (the empty mark) is never found");
  timerq_free(&t);
  free(want);
  return test_done();
}
