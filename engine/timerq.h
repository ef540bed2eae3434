/*
** timerq.h — the policy's pending timers: each timer id mapped to the
** handle of its event in the event queue (evq.h), which keeps them in time
** order. Lookup, insert and removal are O(1) on average (open addressing),
** so cancelling or firing a timer costs the same with a million pending.
*/
#ifndef TIMERQ_H
#define TIMERQ_H

#include "sl.h"

struct timerq {
  struct timerq_slot { int64_t id; int32_t handle; } *slot;   /* id 0: empty */
  size_t n, cap;           /* cap: 0 or a power of two, at most half full */
};

/* What one pending timer holds in memory on the C side (its event, its
** handle and its slot here, growth slack included), for the memory ceiling. */
#define TIMERQ_BYTES 128

void timerq_init(struct timerq *t);
void timerq_free(struct timerq *t);
/* Map `id` (> 0, not present) to `handle`. -1 if memory ran out. */
int timerq_put(struct timerq *t, int64_t id, int32_t handle, struct sl_err *e);
/* Remove `id`; its handle, or -1 when it is not pending. */
int32_t timerq_take(struct timerq *t, int64_t id);

#endif
