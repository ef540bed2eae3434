/*
** runkey.h — a run's identity: the hash of what determines its rows. The
** engine (a hash of its sources taken at build time, and the Lua release),
** the policy and the modules it requires (as token text: comments and
** layout do not count), its params, the device (its file and the presets
** it builds on, or its profile table) and params, the layer tables of the
** networks the trace uses on devices that read them, the trace's content
** (a task set's, with its param overrides) or the generator's description,
** the seed, the prediction error and the Lua limits, and --record intervals
** when given (it changes the rows stored).
** Not hashed: paths, the git state, documentation, reports. Equal keys
** mean identical rows, which lets a sweep skip finished runs and `schedlab
** merge` deduplicate.
*/
#ifndef RUNKEY_H
#define RUNKEY_H

#include "engine.h"

#define RUN_KEY_LEN 32     /* hex digits */

/* A generated trace: the generator and its params stand for the file. */
struct run_gen {
  const char *kind;
  const struct kv *params;
  size_t nparams;
};

/* Digests of the files and policies already hashed, so that the keys of a
** sweep's runs read each file once. Start zeroed; files must not change
** while it lives. */
struct runkey_cache {
  struct runkey_entry *slot;
  size_t n, cap;
};
void runkey_cache_free(struct runkey_cache *c);

/* `gen`: NULL to hash cfg->trace_path's content. `cache` may be NULL. */
/* `labels` (NULL or key=value pairs; only var.* names count) are an
** experiment's names for its points: two points that differ only in them
** are two answers, so they get two keys. */
int run_key(const struct sim_config *cfg, const struct run_gen *gen, const struct kv *labels,
            size_t nlabels, struct runkey_cache *cache, char out[RUN_KEY_LEN + 1],
            struct sl_err *e);

#endif
