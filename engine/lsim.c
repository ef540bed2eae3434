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
    if (!strcmp(k, "accuracy")) {             /* chunks, exits and drops */
      if (r->work->nexits <= 0) lua_pushnil(L);
      else lua_pushnumber(L, r->work->exits[r->work->exit].acc);
      return 1;
    }
    break;
  case 'b':
    if (!strcmp(k, "batch")) { lua_pushinteger(L, r->batch); return 1; }
    break;
  case 'd':
    if (!strcmp(k, "deadline")) { push_opt_time(L, r->deadline); return 1; }
    break;
  case 'e':
    if (!strcmp(k, "executed")) { lua_pushinteger(L, sim_executed(s, r)); return 1; }
    if (!strcmp(k, "exit")) {                 /* chunks, exits and drops */
      if (r->work->nexits <= 0) lua_pushnil(L); else lua_pushinteger(L, r->work->exit + 1);
      return 1;
    }
    break;
  case 'c':
    if (!strcmp(k, "chunk")) {                /* chunks, exits and drops */
      lua_pushinteger(L, work_chunk_at(r->work, sim_executed(s, r)) + 1);
      return 1;
    }
    break;
  case 'i':
    if (!strcmp(k, "id")) { lua_pushinteger(L, r->task_id); return 1; }
    if (!strcmp(k, "isolated")) { lua_pushinteger(L, work_isolated(r->work)); return 1; }
    break;
  case 'm':
    if (!strcmp(k, "migrations")) { lua_pushinteger(L, r->migrations); return 1; }
    break;
  case 'n':
    if (!strcmp(k, "nexits")) { lua_pushinteger(L, r->work->nexits); return 1; }
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
    if (!strcmp(k, "rate")) {
      if (r->unit < 0) lua_pushnil(L); else lua_pushnumber(L, sim_rate(s, r));
      return 1;
    }
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
    if (!strcmp(k, "share")) {
      if (r->unit < 0) lua_pushnil(L); else lua_pushinteger(L, r->share);
      return 1;
    }
    if (!strcmp(k, "segment")) { lua_pushinteger(L, sim_segment(s, r) + 1); return 1; }
    break;
  case 'u':
    if (!strcmp(k, "unit")) {
      if (r->unit < 0) lua_pushnil(L); else lua_pushinteger(L, r->unit + 1);
      return 1;
    }
    break;
  case 't':
    if (!strcmp(k, "tenant")) {
      lua_pushstring(L, strtab_get(&s->tenants, r->tenant));
      return 1;
    }
    break;
  case 'v':
    if (!strcmp(k, "version")) { lua_pushinteger(L, r->version); return 1; }
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
    /* A request placed during the loop stays in the list, parked. */
    if (prev->state != RS_READY && !prev->link.parked)
      return luaL_error(L, "sim.ready: the iteration lost its place");
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

/* Value i (an argument, or an option read onto the stack) as a unit
** number 1..K, returned 0-based; `who` names the caller in messages. */
static int32_t check_unit(lua_State *L, struct pol *p, int i, const char *who) {
  lua_Integer u;
  if (!lua_isinteger(L, i))
    return luaL_error(L, "%s: a unit is a whole number 1..%d, not %s", who, (int)p->sim->nunits,
                      luaL_tolstring(L, i, NULL));
  u = lua_tointeger(L, i);
  if (u < 1 || u > p->sim->nunits)
    return luaL_error(L, "%s: unit %I does not exist (the device has unit%s 1..%d)", who, u,
                      p->sim->nunits == 1 ? "" : "s", (int)p->sim->nunits);
  return (int32_t)(u - 1);
}

static int l_units(lua_State *L) {
  lua_pushinteger(L, ctx(L)->sim->nunits);
  return 1;
}

static int l_capacity(lua_State *L) {
  lua_pushinteger(L, ctx(L)->sim->dev->capacity);
  return 1;
}

static int l_room(lua_State *L) {
  struct pol *p = ctx(L);
  int32_t room = sim_room(p->sim, check_unit(L, p, 1, "sim.room"));
  if (room == INT32_MAX) lua_pushnumber(L, HUGE_VAL); else lua_pushinteger(L, room);
  return 1;
}

static int l_free_unit(lua_State *L) {
  struct pol *p = ctx(L);
  for (int32_t u = 0; u < p->sim->nunits; u++)
    if (sim_room(p->sim, u) > 0) {
      lua_pushinteger(L, u + 1);
      return 1;
    }
  lua_pushnil(L);
  return 1;
}

/* sim.running(u): the holder of exclusive unit u. Without u, only where
** that means one thing: a device of one exclusive unit. */
static int l_running(lua_State *L) {
  struct pol *p = ctx(L);
  const struct sim *s = p->sim;
  int32_t u = 0, slot;
  if (lua_isnoneornil(L, 1)) {
    if (s->nunits > 1)
      return luaL_error(L, "sim.running() without a unit is ambiguous on a device of %d units: "
                           "use sim.running(u) or iterate sim.placed()", (int)s->nunits);
  } else {
    u = check_unit(L, p, 1, "sim.running");
  }
  if (s->dev->ukind != UNIT_EXCLUSIVE)
    return luaL_error(L, "sim.running: unit %d is shared (%s): several requests hold it; "
                         "iterate sim.placed(%d)", (int)u + 1, unit_kind_names[s->dev->ukind],
                      (int)u + 1);
  slot = sim_running(s, u);
  if (slot < 0) lua_pushnil(L); else lsim_push_req(L, p, slot);
  return 1;
}

/* Iterator step for sim.placed: the holder after `prev`, on unit `scope`
** (1-based) or on every unit (scope 0). */
static int placed_step(lua_State *L) {
  struct pol *p = ctx(L);
  const struct sim *s = p->sim;
  lua_Integer scope = lua_tointeger(L, 1);
  int32_t u, next;
  if (lua_isnil(L, 2)) {
    u = scope ? (int32_t)scope - 1 : 0;
    next = sim_holder_first(s, u);
  } else {
    struct req *prev = check_req(L, p, 2);
    if (prev->unit < 0) return luaL_error(L, "sim.placed: the iteration lost its place");
    u = prev->unit;
    next = sim_holder_next(s, slot_of(p, prev));
  }
  while (next < 0 && !scope && ++u < s->nunits) next = sim_holder_first(s, u);
  if (next < 0) return 0;
  lsim_push_req(L, p, next);
  return 1;
}

/* for req in sim.placed([u]) do ... end — the requests holding a unit. */
static int l_placed(lua_State *L) {
  struct pol *p = ctx(L);
  lua_Integer scope = lua_isnoneornil(L, 1) ? 0 : check_unit(L, p, 1, "sim.placed") + 1;
  lua_pushvalue(L, lua_upvalueindex(2));      /* the step function */
  lua_pushinteger(L, scope);
  return 2;
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

/* Field `name` of the options table at index 2, as an integer >= 1, or 0 when absent. */
static lua_Integer opt_count(lua_State *L, const char *name) {
  lua_Integer v = 0;
  if (lua_getfield(L, 2, name) != LUA_TNIL) {
    if (!lua_isinteger(L, -1) || (v = lua_tointeger(L, -1)) < 1 || v > INT32_MAX)
      luaL_error(L, "sim.dispatch: option '%s' must be a whole number >= 1, not %s", name,
                 luaL_tolstring(L, -1, NULL));
  }
  lua_pop(L, 1);
  return v;
}

/* A compiled version from the Lua side (1..V, or 0: the device's choice)
** as struct placement has it; absent (nil): 0, keep the request's. */
static int32_t opt_version(lua_State *L, int i, const char *who) {
  lua_Integer v = 0;
  int32_t out = 0;
  if (lua_istable(L, i)) lua_getfield(L, i, "version"); else lua_pushvalue(L, i);
  if (!lua_isnil(L, -1)) {
    if (!lua_isinteger(L, -1) || (v = lua_tointeger(L, -1)) < 0 || v > INT32_MAX)
      luaL_error(L, "%s: version must be a whole number >= 0 (0: the device's choice), not %s",
                 who, luaL_tolstring(L, -1, NULL));
    out = v == 0 ? -1 : (int32_t)v;
  }
  lua_pop(L, 1);
  return out;
}

/* sim.dispatch(req [, mech]) — the legacy decision; sim.dispatch(req,
** {unit =, share =, mech =, victim =}) — a placement, at once. */
static int l_dispatch(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  struct sl_err e;
  struct placement pl;
  if (!lua_istable(L, 2)) {
    enum mech m = check_mech(L, 2);
    if (sim_dispatch(p->sim, slot_of(p, r), m, &e) < 0) return luaL_error(L, "%s", e.msg);
    return 0;
  }
  lua_pushnil(L);
  while (lua_next(L, 2)) {                    /* a misspelt option is an error, not a default */
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
    if (strcmp(k, "unit") && strcmp(k, "share") && strcmp(k, "mech") && strcmp(k, "victim") &&
        strcmp(k, "version"))
      return luaL_error(L, "sim.dispatch: unknown option '%s' (unit, share, mech, victim, "
                           "version)",
                        luaL_tolstring(L, -2, NULL));
    lua_pop(L, 1);
  }
  memset(&pl, 0, sizeof pl);
  pl.unit = -1;
  pl.victim = -1;
  if (lua_getfield(L, 2, "unit") != LUA_TNIL)
    pl.unit = check_unit(L, p, lua_gettop(L), "sim.dispatch");
  lua_pop(L, 1);
  pl.share = (int32_t)opt_count(L, "share");
  pl.version = opt_version(L, 2, "sim.dispatch");
  if (lua_getfield(L, 2, "mech") != LUA_TNIL) {
    pl.has_mech = 1;
    pl.mech = check_mech(L, lua_gettop(L));
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "victim") != LUA_TNIL) pl.victim = slot_of(p, check_req(L, p, lua_gettop(L)));
  lua_pop(L, 1);
  if (sim_place(p->sim, slot_of(p, r), &pl, &e) < 0) return luaL_error(L, "sim.dispatch: %s", e.msg);
  return 0;
}

static int l_resize(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  lua_Integer share = luaL_checkinteger(L, 2);
  struct sl_err e;
  if (share < 1 || share > INT32_MAX)
    return luaL_argerror(L, 2, lua_pushfstring(L, "share %I is not >= 1", share));
  if (sim_resize(p->sim, slot_of(p, r), (int32_t)share, opt_version(L, 3, "sim.resize"), &e) < 0)
    return luaL_error(L, "%s", e.msg);
  return 0;
}

/* sim.versions(req): the compiled versions of the request's current
** segment at its share (the whole capacity when it holds none), as
** {id, name, isolated_ns, llc_bytes, bw}; empty on devices without versions. */
static int l_versions(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  const struct device *d = p->sim->dev;
  struct version_info vi[DEV_MAX_VERSIONS];
  int32_t n = d->ops->versions ? d->nversions : 0;
  lua_createtable(L, n, 0);
  if (n <= 0) return 1;
  if (d->ops->versions(d, r->work, sim_segment(p->sim, r), r->unit >= 0 ? r->share : d->capacity,
                       vi) < 0)
    return luaL_error(L, "sim.versions: the device failed");
  for (int32_t v = 0; v < n; v++) {
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, v + 1);
    lua_setfield(L, -2, "id");
    lua_pushstring(L, vi[v].name);
    lua_setfield(L, -2, "name");
    lua_pushinteger(L, vi[v].ns);
    lua_setfield(L, -2, "isolated_ns");
    lua_pushinteger(L, vi[v].llc_bytes);
    lua_setfield(L, -2, "llc_bytes");
    lua_pushinteger(L, vi[v].bw);
    lua_setfield(L, -2, "bw");
    lua_rawseti(L, -2, v + 1);
  }
  return 1;
}

static int l_watch(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  struct sl_err e;
  if (p->hook[H_SEGMENT] == LUA_NOREF)
    return luaL_error(L, "sim.watch: the policy has no on_segment hook to receive it");
  if (sim_watch(p->sim, slot_of(p, r), lua_isnone(L, 2) || lua_toboolean(L, 2), &e) < 0)
    return luaL_error(L, "%s", e.msg);
  return 0;
}

/* {===================================================================
** Chunks, exits and drops (papers/pantheon.md)
** =================================================================== */

/* sim.exits(req): the exits of its network, lowest first. */
static int l_exits(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  const struct work *w = r->work;
  lua_createtable(L, w->nexits > 0 ? w->nexits : 0, 0);
  for (int32_t k = 0; k < w->nexits; k++) {
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, k + 1);
    lua_setfield(L, -2, "id");
    lua_pushinteger(L, w->exits[k].after + 1);
    lua_setfield(L, -2, "after");
    lua_pushinteger(L, w->exits[k].head_ns);
    lua_setfield(L, -2, "head_ns");
    lua_pushinteger(L, work_total(w->top->paths[k]));
    lua_setfield(L, -2, "path_ns");
    lua_pushnumber(L, w->exits[k].acc);
    lua_setfield(L, -2, "accuracy");
    lua_pushboolean(L, r->state != RS_DONE && sim_exit_usable(p->sim, r, k));
    lua_setfield(L, -2, "usable");
    lua_rawseti(L, -2, k + 1);
  }
  return 1;
}

static int l_set_exit(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  lua_Integer k = luaL_checkinteger(L, 2);
  struct sl_err e;
  if (k < 1 || k > INT32_MAX) k = 0;          /* out of range: sim_set_exit names it */
  if (sim_set_exit(p->sim, slot_of(p, r), (int32_t)k - 1, &e) < 0)
    return luaL_error(L, "%s", e.msg);
  return 0;
}

static int l_drop(lua_State *L) {
  struct pol *p = ctx(L);
  struct req *r = check_req(L, p, 1);
  struct sl_err e;
  if (sim_drop(p->sim, slot_of(p, r), &e) < 0) return luaL_error(L, "%s", e.msg);
  return 0;
}

/* }=================================================================== */

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

/* "idle" (nothing placed), "switching" (every holder starts or stops),
** else "running". */
static int l_state(lua_State *L) {
  const struct sim *s = ctx(L)->sim;
  const char *st = "idle";
  for (int32_t u = 0; u < s->nunits; u++)
    for (int32_t slot = s->units[u].head; slot >= 0; slot = s->reqs[slot].u_next) {
      if (s->reqs[slot].state == RS_RUNNING) {
        lua_pushliteral(L, "running");
        return 1;
      }
      st = "switching";
    }
  lua_pushstring(L, st);
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
      {"units", l_units},     {"capacity", l_capacity}, {"room", l_room},
      {"free_unit", l_free_unit}, {"resize", l_resize}, {"watch", l_watch},
      {"versions", l_versions},
      /* chunks, exits and drops */
      {"exits", l_exits},     {"set_exit", l_set_exit}, {"drop", l_drop},
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
  lua_pushlightuserdata(L, p);
  lua_pushlightuserdata(L, p);
  lua_pushcclosure(L, placed_step, 1);
  lua_pushcclosure(L, l_placed, 2);           /* upvalues: pol, step */
  lua_setfield(L, -2, "placed");
  lua_pushliteral(L, "drain");
  lua_setfield(L, -2, "DRAIN");
  lua_pushliteral(L, "checkpoint");
  lua_setfield(L, -2, "CHECKPOINT");
  lua_pushliteral(L, "kill");
  lua_setfield(L, -2, "KILL");
  lua_pushstring(L, p->sim->cfg.device_spec ? p->sim->cfg.device_spec : "");
  lua_setfield(L, -2, "DEVICE");
}
