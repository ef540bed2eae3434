/*
** lsim.c — the `sim` module that policies call, and the `sim.req` request
** handles. Every function reaches the engine through the pol pointer kept
** as the single upvalue of the library (no globals). Full reference:
** policies_lua/README.md.
*/
#include "lsim.h"

#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static struct pol *ctx(lua_State *L) { return lua_touserdata(L, lua_upvalueindex(1)); }

/* {===================================================================
** Request handles
** =================================================================== */

void lsim_push_req(lua_State *L, struct pol *p, int32_t slot) {
  struct req *r = sim_req(p->sim, slot);
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_reqs);
  if (lua_rawgeti(L, -1, (lua_Integer)slot + 1) == LUA_TUSERDATA) {
    lua_remove(L, -2);                        /* remove the handle table */
    return;
  }
  lua_pop(L, 1);                              /* pop nil */
  {
    struct lreq *lr = lua_newuserdatauv(L, sizeof *lr, 1);
    lr->slot = slot;
    lr->gen = r->gen;
    lr->task_id = r->task_id;
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_meta);
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_rawseti(L, -3, (lua_Integer)slot + 1);  /* handles[slot + 1] = ud */
  lua_remove(L, -2);                          /* remove the handle table */
  r->has_lua = 1;
}

struct lreq *lsim_to_req(lua_State *L, struct pol *p, int i) {
  struct lreq *lr = lua_touserdata(L, i);
  int same;
  if (!lr || !lua_getmetatable(L, i)) return NULL;
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_meta);
  same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);                              /* pop both metatables */
  return same ? lr : NULL;
}

/* The live request behind argument `i`, or a Lua error. */
static struct req *check_req(lua_State *L, struct pol *p, int i) {
  struct lreq *lr = lsim_to_req(L, p, i);
  struct req *r;
  if (!lr) luaL_typeerror(L, i, LREQ_META);
  r = sim_req(p->sim, lr->slot);
  if (r->gen != lr->gen || r->state == RS_FREE)
    luaL_error(L, "request %I has completed; its handle is no longer valid",
               (lua_Integer)lr->task_id);
  return r;
}

static int32_t slot_of(struct pol *p, const struct req *r) {
  return (int32_t)(r - sim_req(p->sim, 0));
}

static void push_opt_time(lua_State *L, sl_ns t) {
  if (t == SL_NS_NONE) lua_pushnil(L); else lua_pushinteger(L, t);
}

static const char *status_name(const struct req *r) {
  switch (r->state) {
  case RS_READY: return "ready";
  case RS_RUNNING: return "running";
  case RS_SWITCH_OUT: return "stopping";
  case RS_SWITCH_IN: return "starting";
  case RS_DONE: return "done";
  default: return "free";
  }
}

/* req.field — read-only engine fields, and `state`, the policy's own table. */
static int req_index(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  const struct sim *s = p->sim;
  size_t n;
  const char *k = luaL_checklstring(L, 2, &n);
  switch (k[0]) {
  case 'a':
    if (!strcmp(k, "arrival")) { lua_pushinteger(L, r->arrival); return 1; }
    break;
  case 'b':
    if (!strcmp(k, "batch")) { lua_pushinteger(L, r->batch); return 1; }
    break;
  case 'd':
    if (!strcmp(k, "deadline")) { push_opt_time(L, r->deadline); return 1; }
    break;
  case 'e':
    if (!strcmp(k, "executed")) { lua_pushinteger(L, sim_executed(s, r)); return 1; }
    break;
  case 'i':
    if (!strcmp(k, "id")) { lua_pushinteger(L, r->task_id); return 1; }
    if (!strcmp(k, "isolated")) { lua_pushinteger(L, work_total(r->work)); return 1; }
    break;
  case 'n':
    if (!strcmp(k, "network")) {
      lua_pushstring(L, strtab_get(&s->networks, r->network));
      return 1;
    }
    break;
  case 'o':
    if (!strcmp(k, "overhead")) { lua_pushinteger(L, r->overhead); return 1; }
    break;
  case 'p':
    if (!strcmp(k, "priority")) { lua_pushinteger(L, r->priority); return 1; }
    if (!strcmp(k, "predicted")) { lua_pushinteger(L, sim_predicted_total(r)); return 1; }
    if (!strcmp(k, "preemptions")) { lua_pushinteger(L, r->preemptions); return 1; }
    break;
  case 'r':
    if (!strcmp(k, "remaining")) {
      lua_pushinteger(L, work_total(r->work) - sim_executed(s, r));
      return 1;
    }
    break;
  case 's':
    if (!strcmp(k, "state")) {
      if (lua_getiuservalue(L, 1, 1) == LUA_TTABLE) return 1;
      lua_pop(L, 1);                          /* pop nil: create the table on first use */
      lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_setiuservalue(L, 1, 1);
      return 1;
    }
    if (!strcmp(k, "started")) { push_opt_time(L, r->first_start); return 1; }
    if (!strcmp(k, "since")) {
      push_opt_time(L, r->state == RS_RUNNING ? r->run_since : SL_NS_NONE);
      return 1;
    }
    if (!strcmp(k, "status")) { lua_pushstring(L, status_name(r)); return 1; }
    break;
  case 't':
    if (!strcmp(k, "tenant")) {
      lua_pushstring(L, strtab_get(&s->tenants, r->tenant));
      return 1;
    }
    break;
  case 'w':
    if (!strcmp(k, "waited")) { lua_pushinteger(L, sim_waited(s, r)); return 1; }
    if (!strcmp(k, "workload")) {
      lua_pushstring(L, strtab_get(&s->workloads, r->workload));
      return 1;
    }
    break;
  }
  return luaL_error(L, "sim.req has no field '%s'", k);
}

static int req_newindex(lua_State *L) {
  const char *k = luaL_tolstring(L, 2, NULL);
  return luaL_error(L, "cannot set '%s' on sim.req (keep policy state in req.state.%s)", k, k);
}

static int req_tostring(lua_State *L) {
  struct pol *p = ctx(L);
  struct lreq *lr = lsim_to_req(L, p, 1);
  struct req *r;
  if (!lr) luaL_typeerror(L, 1, LREQ_META);
  r = sim_req(p->sim, lr->slot);
  if (r->gen != lr->gen || r->state == RS_FREE)
    lua_pushfstring(L, "sim.req(%I, completed)", (lua_Integer)lr->task_id);
  else
    lua_pushfstring(L, "sim.req(%I, %s, %s)", (lua_Integer)r->task_id,
                    strtab_get(&p->sim->networks, r->network), status_name(r));
  return 1;
}

/* }=================================================================== */

/* {===================================================================
** The sim functions
** =================================================================== */

static int l_now(lua_State *L) {
  lua_pushinteger(L, ctx(L)->sim->now);
  return 1;
}

static int l_nready(lua_State *L) {
  lua_pushinteger(L, ctx(L)->sim->rq.n);
  return 1;
}

/* Iterator step: the ready request after `prev` (arrival order). */
static int ready_step(lua_State *L) {
  struct pol *p = ctx(L);
  int32_t next;
  if (lua_isnil(L, 2)) {
    next = sim_ready_first(p->sim);
  } else {
    struct req *prev = check_req(L, p, 2);
    if (prev->state != RS_READY) return luaL_error(L, "sim.ready: the iteration lost its place");
    next = sim_ready_next(p->sim, slot_of(p, prev));
  }
  if (next < 0) return 0;
  lsim_push_req(L, p, next);
  return 1;
}

/* for req in sim.ready() do ... end — ready requests in arrival order. */
static int l_ready(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(2));      /* the step function */
  return 1;
}

static int l_running(lua_State *L) {
  struct pol *p = ctx(L);
  int32_t slot = sim_running(p->sim);
  if (slot < 0) lua_pushnil(L); else lsim_push_req(L, p, slot);
  return 1;
}

static int l_best(lua_State *L) {
  struct pol *p = ctx(L);
  const char *name = luaL_optstring(L, 1, "fifo");
  enum order o;
  int32_t slot;
  if (p->in_init)
    return luaL_error(L, "sim.best cannot be called in init: no request has arrived yet (call it "
                         "from schedule or another hook)");
  if (order_parse(name, &o) < 0)
    return luaL_argerror(L, 1, lua_pushfstring(L, "unknown order '%s' (fifo, priority, deadline, "
                                                  "remaining, total)", name));
  if (p->sim->rq.n == 0) {                    /* before the first arrival there is no queue at all */
    lua_pushnil(L);
    return 1;
  }
  if ((slot = sim_best(p->sim, o)) == -2) return luaL_error(L, "sim.best: out of memory");
  if (slot < 0) lua_pushnil(L); else lsim_push_req(L, p, slot);
  return 1;
}

static int l_predict(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  lua_pushinteger(L, sim_predicted_remaining(p->sim, r));
  return 1;
}

static enum mech check_mech(lua_State *L, int i) {
  enum mech m = MECH_DRAIN;
  const char *s = luaL_optstring(L, i, "drain");
  if (mech_parse(s, &m) < 0)
    luaL_argerror(L, i, lua_pushfstring(L, "unknown mechanism '%s' (drain, checkpoint, kill)", s));
  return m;
}

static int l_dispatch(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  enum mech m = check_mech(L, 2);
  struct sl_err e;
  if (sim_dispatch(p->sim, slot_of(p, r), m, &e) < 0) return luaL_error(L, "%s", e.msg);
  return 0;
}

static int l_cost(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  enum mech m = check_mech(L, 2);
  struct stop_cost c;
  sim_stop_cost(p->sim, slot_of(p, r), m, &c);
  lua_pushinteger(L, c.latency);
  lua_pushinteger(L, c.save);
  lua_pushinteger(L, c.restore);
  lua_pushinteger(L, c.wasted);
  return 4;
}

static int l_timer(lua_State *L) {
  struct pol *p = ctx(L);
  lua_Integer delay;
  struct sl_err e;
  int64_t id;
  size_t pending = sim_timers_pending(p->sim);
  if (p->hook[H_TIMER] == LUA_NOREF)
    return luaL_error(L, "sim.timer: the policy has no on_timer hook to receive it");
  if (lua_type(L, 1) == LUA_TNUMBER && !lua_isinteger(L, 1)) {
    lua_Number d = lua_tonumber(L, 1);
    if (d != d) lua_pushliteral(L, "NaN");
    else if (d == HUGE_VAL || d == -HUGE_VAL) lua_pushstring(L, d > 0 ? "inf" : "-inf");
    else if (d >= -(lua_Number)LUA_MININTEGER || d < (lua_Number)LUA_MININTEGER)
      lua_pushfstring(L, "%f (beyond 64-bit integers)", d);
    else lua_pushfstring(L, "%f", d);
    return luaL_argerror(L, 1, lua_pushfstring(L, "the delay must be a whole number of ns, not %s",
                                               lua_tostring(L, -1)));
  }
  delay = luaL_checkinteger(L, 1);
  if (delay < 0) return luaL_argerror(L, 1, "the delay must be >= 0 ns");
  /* Pending timers live outside the Lua heap; they share its ceiling. */
  if (p->sb.mem_used + (pending + 1) * TIMERQ_BYTES > p->sb.mem_limit)
    return luaL_error(L, "sim.timer: %d pending timers (%d bytes each) and the Lua heap would "
                         "pass the memory ceiling of %d MiB", (int)pending, TIMERQ_BYTES,
                      (int)(p->sb.mem_limit >> 20));
  if ((id = sim_timer_add(p->sim, delay, &e)) < 0) return luaL_error(L, "sim.timer: %s", e.msg);
  if (!lua_isnoneornil(L, 2)) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_tags);
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, id);                   /* tags[id] = tag */
    lua_pop(L, 1);
  }
  lua_pushinteger(L, id);
  return 1;
}

void lsim_push_tag(lua_State *L, struct pol *p, int64_t id, int keep) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_tags);
  if (lua_rawgeti(L, -1, id) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushinteger(L, id);
  }
  if (!keep) {
    lua_pushnil(L);
    lua_rawseti(L, -3, id);
  }
  lua_remove(L, -2);                          /* remove the tag table */
}

static int l_cancel(lua_State *L) {
  struct pol *p = ctx(L);
  lua_Integer id = luaL_checkinteger(L, 1);
  int had = sim_timer_cancel(p->sim, id);
  if (had) {
    lsim_push_tag(L, p, id, 0);
    lua_pop(L, 1);
  }
  lua_pushboolean(L, had);
  return 1;
}

/* sim.random() in [0,1); sim.random(n) in [1,n]; sim.random(m, n) in [m,n]:
** math.random's contract, drawn from the run's seeded stream. */
static int l_random(lua_State *L) {
  struct rng *r = &ctx(L)->sim->rng;
  lua_Integer lo = 1, hi;
  switch (lua_gettop(L)) {
  case 0: lua_pushnumber(L, rng_uniform(r)); return 1;
  case 1: hi = luaL_checkinteger(L, 1); break;
  case 2: lo = luaL_checkinteger(L, 1); hi = luaL_checkinteger(L, 2); break;
  default: return luaL_error(L, "wrong number of arguments");
  }
  luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
  lua_pushinteger(L, rng_range(r, lo, hi));
  return 1;
}

/* sim.log(...) and the sandbox's print: one line on the run log, stamped
** with the simulated time. */
int lsim_log(lua_State *L) {
  struct pol *p = (struct pol *)sb_of(L);
  FILE *log = p->sim->cfg.log;
  int n = lua_gettop(L);
  if (!log) return 0;
  fprintf(log, "[t=%lld] ", (long long)p->sim->now);
  for (int i = 1; i <= n; i++) {
    size_t len;
    const char *str = luaL_tolstring(L, i, &len);
    sb_charge(L, (double)len);                  /* a print loop must not fill the disk */
    if (i > 1) fputc('\t', log);
    fwrite(str, 1, len, log);
    lua_pop(L, 1);                            /* pop the string */
  }
  fputc('\n', log);
  return 0;
}

static int l_state(lua_State *L) {
  static const char *const names[] = {"idle", "running", "switching"};
  lua_pushstring(L, names[ctx(L)->sim->dstate]);
  return 1;
}

/* }=================================================================== */

void lsim_open(lua_State *L, struct pol *p) {
  static const luaL_Reg req_meta[] = {
      {"__index", req_index}, {"__newindex", req_newindex}, {"__tostring", req_tostring},
      {NULL, NULL}};
  static const luaL_Reg simlib[] = {
      {"now", l_now},         {"nready", l_nready},   {"running", l_running},
      {"best", l_best},       {"predict", l_predict}, {"dispatch", l_dispatch},
      {"cost", l_cost},       {"timer", l_timer},     {"cancel", l_cancel},
      {"random", l_random},   {"log", lsim_log},         {"state", l_state},
      {NULL, NULL}};
  luaL_newmetatable(L, LREQ_META);
  lua_pushlightuserdata(L, p);
  luaL_setfuncs(L, req_meta, 1);
  lua_pushliteral(L, LREQ_META);
  lua_setfield(L, -2, "__metatable");         /* getmetatable(req) hides the table */
  p->ref_meta = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the metatable */

  luaL_newlibtable(L, simlib);
  lua_pushlightuserdata(L, p);
  luaL_setfuncs(L, simlib, 1);
  lua_pushlightuserdata(L, p);
  lua_pushcclosure(L, ready_step, 1);
  lua_pushlightuserdata(L, p);
  lua_insert(L, -2);
  lua_pushcclosure(L, l_ready, 2);            /* upvalues: pol, step */
  lua_setfield(L, -2, "ready");
  lua_pushliteral(L, "drain");
  lua_setfield(L, -2, "DRAIN");
  lua_pushliteral(L, "checkpoint");
  lua_setfield(L, -2, "CHECKPOINT");
  lua_pushliteral(L, "kill");
  lua_setfield(L, -2, "KILL");
  lua_pushstring(L, p->sim->cfg.device_spec ? p->sim->cfg.device_spec : "");
  lua_setfield(L, -2, "DEVICE");
}
