/*
** sandbox.h — the bounded Lua interpreter shared by policies (policy.c) and
** experiment files (expfile.c): a memory ceiling, an instruction budget that
** also holds inside error handlers and long C calls (patterns, string and
** table functions, allocation), no __gc finalizers, and one protected-call
** path. Limits are documented in policies_lua/README.md and
** experiments/README.md.
*/
#ifndef SANDBOX_H
#define SANDBOX_H

#include "sl.h"

#include <lua.h>
#include <time.h>

/* A backstop for work no instruction count sees (one `==` or `<` on two
** huge strings is one instruction): an entry into Lua that runs longer
** than this in wall-clock time fails like one over its budget. Only a
** runaway reaches it, so it does not make results depend on the machine.
** A run's --max-wall, when shorter, takes its place (policy.c). */
#define SB_MAX_WALL_MS 60000

/* Largest policy, module or experiment file read (bytes). */
#define SB_MAX_SOURCE ((size_t)1 << 20)

struct sandbox {
  lua_State *L;
  const char *scope;         /* "per hook call": completes the budget message */
  size_t mem_used, mem_limit;
  int mem_exceeded;
  char where[160];           /* "script:line: " where the ceiling was hit */
  char trip_where[160];      /* ... and where the budget ran out */
  int64_t budget, icount;    /* instructions allowed / counted in this entry */
  int tripped;               /* the budget ran out: every instruction now errors */
  int out_of_time;           /* ... by SB_MAX_WALL_S, not by instructions */
  struct timespec started;   /* when the outermost sb_pcall began */
  int64_t wall_limit_ms;     /* SB_MAX_WALL_MS unless the caller sets less */
  int depth;                 /* nesting of sb_pcall; the outermost one owns the budget */
};

/* Create the state with base, table, string, math (and utf8 when `utf8`)
** libraries, the guards installed and load/dofile/loadfile/require/
** collectgarbage removed. The sandbox must stay at the same address while
** the state lives. */
int sb_open(struct sandbox *sb, size_t mem_limit, int64_t budget, const char *scope, int utf8,
            struct sl_err *e);
void sb_close(struct sandbox *sb);
struct sandbox *sb_of(lua_State *L);

/* lua_pcall under the budget: the outermost call starts a fresh budget.
** On failure the message goes to e, the error object is popped and -1 is
** returned. msgh is a stack index of a message handler, or 0. */
int sb_pcall(struct sandbox *sb, int nargs, int nres, int msgh, struct sl_err *e);

/* Charge `units` instructions for work done in C (print charges one per
** byte written); raises the budget error when they do not fit. */
void sb_charge(lua_State *L, double units);

/* Message handler for sb_pcall: prefixes script:line when the message
** lacks them and appends a traceback. */
int sb_msgh(lua_State *L);

/* Read a Lua source file of at most SB_MAX_SOURCE bytes; `what` names it
** in the error ("policy", "module", "experiment file"). */
char *sb_read_source(const char *path, const char *what, size_t *len, struct sl_err *e);

#endif
