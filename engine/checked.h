/*
** checked.h — integer arithmetic on the device models' counts (layer sizes,
** FLOPs, bytes, cycles; all >= 0), shared by the network tables and the npu
** and cpu models so that one overflow rule holds for all of them: a product
** or sum beyond int64 sets *ov and yields INT64_MAX, so one flag checked at
** the end of a layer covers every step.
*/
#ifndef CHECKED_H
#define CHECKED_H

#include <stdint.h>

static inline int64_t ck_mul(int *ov, int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) { *ov = 1; return INT64_MAX; }
  return r;
}

static inline int64_t ck_add(int *ov, int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) { *ov = 1; return INT64_MAX; }
  return r;
}

/* ceil(a / b) for a >= 0, b > 0; no a + b - 1 that could overflow. */
static inline int64_t ceil_div64(int64_t a, int64_t b) { return a / b + (a % b != 0); }

static inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

#endif
