/*
** rng.h — the run's deterministic random streams: xoshiro256** seeded by
** splitmix64. Never rand() or the wall clock: same seed, same rows.
*/
#ifndef RNG_H
#define RNG_H

#include <stdint.h>

struct rng {
  uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
double rng_uniform(struct rng *r);                 /* [0, 1) with 53 bits */
/* Uniform integer in [lo, hi], unbiased (rejection). Requires lo <= hi. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);
double rng_normal(struct rng *r);                  /* N(0, 1), Box-Muller */
double rng_exponential(struct rng *r, double mean);
double rng_gamma(struct rng *r, double shape, double scale);
uint64_t rng_splitmix(uint64_t *state);

#endif
