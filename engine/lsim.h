/*
** lsim.h — private to the Lua boundary (policy.c, lsim.c): the policy
** state shared by the loader and the `sim` module. No other file includes
** lua.h.
*/
#ifndef LSIM_H
#define LSIM_H

#include "policy.h"
#include "sandbox.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

struct sim;

enum pol_hook { H_INIT, H_ARRIVAL, H_COMPLETE, H_PREEMPTED, H_TIMER, H_SCHEDULE, H_SEGMENT, H_COUNT };

struct pol {
  struct sandbox sb;           /* first: sb_of(L) is also the pol */
  lua_State *L;                /* sb.L */
  struct sim *sim;
  int hook[H_COUNT];           /* registry refs of the hooks, LUA_NOREF when absent */
  int ref_module;              /* the table the policy returned */
  int ref_sim;                 /* the `sim` table passed to every hook */
  int ref_reqs;                /* slot + 1 -> request userdata */
  int ref_tags;                /* timer id -> tag */
  int ref_meta;                /* the sim.req metatable, for fast type checks */
  char path[1024];             /* the script, for messages */
  int in_init;                 /* the init hook runs: no request exists yet */
  int when_busy;               /* call schedule while a request runs */
  struct pol_param *params;
  size_t nparams;
};

/* A request handle: the slot plus its generation, so that a handle kept
** past its request's completion is reported instead of silently reused. */
struct lreq {
  int32_t slot;
  uint32_t gen;
  int64_t task_id;             /* for messages about stale handles */
};

#define LREQ_META "sim.req"

/* The request handle at stack index i, or NULL if it is not one. Faster
** than luaL_testudata: the metatable is found by integer ref, not by name. */
struct lreq *lsim_to_req(lua_State *L, struct pol *p, int i);

/* Push the `sim` table (functions share the pol as upvalue). */
void lsim_open(lua_State *L, struct pol *p);
/* Push the handle of the request in `slot`, creating it on first use. */
void lsim_push_req(lua_State *L, struct pol *p, int32_t slot);
/* print() and sim.log(): a line on the run log. */
int lsim_log(lua_State *L);
/* Push a timer's tag (the id when it has none) and drop it unless kept. */
void lsim_push_tag(lua_State *L, struct pol *p, int64_t id, int keep);

#endif
