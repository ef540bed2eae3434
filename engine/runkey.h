/*
** runkey.h — a run's identity: the hash of its complete configuration
** (engine version, policy script and params, device spec, its file and
** params, trace content or generator description, seed, prediction error).
** Equal keys mean identical rows, which lets a sweep skip finished runs and
** `schedlab merge` deduplicate.
*/
#ifndef RUNKEY_H
#define RUNKEY_H

#include "engine.h"

#define RUN_KEY_LEN 32     /* hex digits */

/* `trace_origin` describes a generated trace ("gen:poisson n=... seed=...
** device=..."): its text stands for the file's content. NULL: hash the file. */
int run_key(const struct sim_config *cfg, const char *trace_origin, char out[RUN_KEY_LEN + 1],
            struct sl_err *e);

#endif
