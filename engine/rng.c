/*
** rng.c — xoshiro256** (Blackman & Vigna) and the distributions the
** engine, the policies and the workload generators draw from.
*/
#include "rng.h"

#include <math.h>

uint64_t rng_splitmix(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed) {
  uint64_t st = seed;
  for (int i = 0; i < 4; i++) r->s[i] = rng_splitmix(&st);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rng_next(struct rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double rng_uniform(struct rng *r) {
  return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

int64_t rng_range(struct rng *r, int64_t lo, int64_t hi) {
  uint64_t span = (uint64_t)hi - (uint64_t)lo;
  uint64_t x, limit;
  if (span == UINT64_MAX) return (int64_t)rng_next(r);
  span += 1;
  limit = UINT64_MAX - (UINT64_MAX % span);
  do x = rng_next(r); while (x >= limit);
  return lo + (int64_t)(x % span);
}

double rng_normal(struct rng *r) {
  double u1, u2;
  do u1 = rng_uniform(r); while (u1 <= 0.0);
  u2 = rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double rng_exponential(struct rng *r, double mean) {
  double u;
  do u = rng_uniform(r); while (u <= 0.0);
  return -mean * log(u);
}

/* Marsaglia & Tsang (2000); shape < 1 through the boost x * U^(1/shape). */
double rng_gamma(struct rng *r, double shape, double scale) {
  double d, c, x, v, u;
  if (shape < 1.0) {
    double g = rng_gamma(r, shape + 1.0, 1.0);
    do u = rng_uniform(r); while (u <= 0.0);
    return scale * g * pow(u, 1.0 / shape);
  }
  d = shape - 1.0 / 3.0;
  c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    do { x = rng_normal(r); v = 1.0 + c * x; } while (v <= 0.0);
    v = v * v * v;
    u = rng_uniform(r);
    if (u < 1.0 - 0.0331 * x * x * x * x) return scale * d * v;
    if (u > 0.0 && log(u) < 0.5 * x * x + d * (1.0 - v + log(v))) return scale * d * v;
  }
}
