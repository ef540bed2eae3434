/*
** policy.h — the engine's side of the Lua boundary. Only policy.c and
** lsim.c include lua.h; the engine calls these pol_* functions, each of
** which runs one hook under a protected call with a traceback. A failing
** hook returns -1 with the message in the run's error buffer.
*/
#ifndef POLICY_H
#define POLICY_H

#include "device.h"

struct sim;
struct pol;

enum pol_ptype { PT_INT, PT_FLOAT, PT_BOOL, PT_STRING };

/* A resolved policy parameter, in name order, for the params table. */
struct pol_param {
  char *name;
  enum pol_ptype type;
  int64_t i;               /* PT_INT, PT_BOOL */
  double d;                /* PT_FLOAT */
  char *s;                 /* PT_STRING */
};

/* Create the Lua state, load the policy at `path` (chunk name `chunk`),
** resolve its hooks and apply the parameter overrides of the run's config.
** Errors (syntax, missing schedule hook, unknown or mistyped param) are
** input errors and return -1 with a message. */
int pol_open(struct sim *s, const char *path, const char *chunk, struct pol **out,
             struct sl_err *e);
void pol_close(struct pol *p);

const struct pol_param *pol_params(const struct pol *p, size_t *n);
int pol_schedule_when_busy(const struct pol *p);
int pol_has_arrival(const struct pol *p);
int pol_has_complete(const struct pol *p);

int pol_init(struct pol *p);
int pol_arrival(struct pol *p, int32_t slot);
int pol_complete(struct pol *p, int32_t slot);
int pol_preempted(struct pol *p, int32_t slot, enum mech m);
/* A timer fired. *rearm receives the hook's next interval, or -1. */
int pol_timer(struct pol *p, int64_t id, sl_ns *rearm);
int pol_schedule(struct pol *p);
/* A watched request entered segment `seg` (1-based). */
int pol_segment(struct pol *p, int32_t slot, int32_t seg);
/* The request in `slot` is gone: invalidate the policy's handle for it. */
void pol_forget(struct pol *p, int32_t slot);

#endif
