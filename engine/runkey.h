/*
** runkey.h — a run's identity: the hash of its complete configuration.
*/
#ifndef RUNKEY_H
#define RUNKEY_H

#include "sl.h"

#define RUN_KEY_LEN 32     /* hex digits */

struct sim;

/* Call after the policy is loaded (its resolved params are part of the key). */
int run_key(const struct sim *s, char out[RUN_KEY_LEN + 1], struct sl_err *e);

#endif
