/*
** timerq.c — timer id -> event handle, open addressing with linear probing
** and backward-shift deletion (no tombstones, so a long run of set and
** cancel never degrades the probes); see timerq.h.
*/
#include "timerq.h"

#include <stdlib.h>
#include <string.h>

void timerq_init(struct timerq *t) { memset(t, 0, sizeof *t); }

void timerq_free(struct timerq *t) {
  free(t->slot);
  timerq_init(t);
}

static size_t home_of(const struct timerq *t, int64_t id) {
  /* Ids are consecutive: a multiplicative hash spreads them over the table. */
  return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 32) & (t->cap - 1);
}

static void place(struct timerq *t, int64_t id, int32_t handle) {
  size_t i = home_of(t, id);
  while (t->slot[i].id) i = (i + 1) & (t->cap - 1);
  t->slot[i].id = id;
  t->slot[i].handle = handle;
}

static int grow(struct timerq *t, struct sl_err *e) {
  struct timerq_slot *old = t->slot;
  size_t ocap = t->cap, ncap = ocap ? 2 * ocap : 64;
  if (ncap > SIZE_MAX / sizeof *old) return sl_errf(e, "out of memory (timers)");
  if (!(t->slot = calloc(ncap, sizeof *old))) {
    t->slot = old;
    return sl_errf(e, "out of memory (timers)");
  }
  t->cap = ncap;
  for (size_t i = 0; i < ocap; i++)
    if (old[i].id) place(t, old[i].id, old[i].handle);
  free(old);
  return 0;
}

int timerq_put(struct timerq *t, int64_t id, int32_t handle, struct sl_err *e) {
  SL_ASSERT(id > 0);
  if (2 * (t->n + 1) > t->cap && grow(t, e) < 0) return -1;
  place(t, id, handle);
  t->n++;
  return 0;
}

int32_t timerq_take(struct timerq *t, int64_t id) {
  size_t i, j, mask = t->cap - 1;
  int32_t h;
  if (!t->cap || id <= 0) return -1;
  for (i = home_of(t, id); t->slot[i].id != id; i = (i + 1) & mask)
    if (!t->slot[i].id) return -1;
  h = t->slot[i].handle;
  /* Pull later members of the probe run back over the hole, unless that
  ** would move one before its home. */
  for (j = (i + 1) & mask; t->slot[j].id; j = (j + 1) & mask) {
    size_t k = home_of(t, t->slot[j].id);
    if (((j - k) & mask) >= ((j - i) & mask)) {
      t->slot[i] = t->slot[j];
      i = j;
    }
  }
  t->slot[i].id = 0;
  t->n--;
  return h;
}
