/*
** policy.c — one Lua state per run: a sandboxed, memory- and
** instruction-bounded interpreter (sandbox.c) that loads a policy module,
** resolves its hooks once, type-checks its params, and calls each hook.
** Every entry into Lua (loading, each hook, reading what a hook returned)
** is one C function run through the same protected gateway (enter), so no
** Lua error (a metamethod of a returned value, the memory ceiling) can
** reach the engine unprotected.
*/
#include "lsim.h"

#include "engine.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const hook_names[H_COUNT] = {"init",     "on_arrival", "on_complete",
                                                "on_preempted", "on_timer", "schedule",
                                                "on_segment"};
#define MSGH_INDEX 1      /* the traceback handler lives at the bottom of the stack */
#define LOADED_KEY "schedlab.loaded"   /* registry: modules loaded by require */

static struct pol *pol_of(lua_State *L) { return (struct pol *)sb_of(L); }

/* The arguments and results of one entry into Lua. */
struct entry {
  struct pol *p;
  enum pol_hook h;
  int32_t slot;              /* the request argument, or -1 */
  const char *mech;          /* on_preempted's second argument */
  int32_t seg;               /* on_segment's segment (1-based), or 0 */
  int64_t id;                /* on_timer's timer */
  const char *who;           /* pol_open: "policy 'x' (path)" */
  const char *src;           /* pol_open: the script */
  size_t len;
  const char *chunk;
  struct sl_err *e;          /* where an error about a result goes */
  int bad;                   /* a result was refused: message in *e */
  sl_ns rearm;               /* on_timer: next interval or -1 */
  struct lreq req;           /* schedule: the request returned */
  int has_req;
  enum mech m;
};

/* Run f(entry) protected, under a fresh budget. A Lua error leaves its
** message (with traceback) in e and returns -1. */
static int enter(struct pol *p, lua_CFunction f, struct entry *c, struct sl_err *e) {
  lua_pushcfunction(p->L, f);
  lua_pushlightuserdata(p->L, c);
  return sb_pcall(&p->sb, 1, 0, MSGH_INDEX, e);
}

static int call_hook(struct pol *p, lua_CFunction f, struct entry *c) {
  struct sim *s = p->sim;
  s->hook_calls++;
  c->p = p;
  c->e = &s->err;
  if (enter(p, f, c, &s->err) == 0) return c->bad ? -1 : 0;
  sl_err_prefix(&s->err, "policy '%s' hook %s failed at t=%lld ns (event #%llu)", s->policy_name,
                hook_names[c->h], (long long)s->now, (unsigned long long)s->events);
  return -1;
}

/* Push the hook and the `sim` table; the caller pushes the rest. */
static void push_hook(struct pol *p, enum pol_hook h) {
  lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->hook[h]);
  lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->ref_sim);
}

/* }=================================================================== */

/* {===================================================================
** Sandbox
** =================================================================== */

static int no_randomseed(lua_State *L) {
  return luaL_error(L, "math.randomseed is disabled: the run's --seed seeds math.random");
}

static int strict_newindex(lua_State *L) {
  return luaL_error(L, "assignment to undeclared global '%s' (declare it local)",
                    luaL_tolstring(L, 2, NULL));
}

static int strict_index(lua_State *L) {
  return luaL_error(L, "read of undeclared global '%s'", luaL_tolstring(L, 2, NULL));
}

/* require(NAME): another module of the policy's own directory or of
** policies_lua/, loaded once per state, under the same sandbox. It lets one
** policy reuse another (token is prema with other defaults) without giving
** scripts the file system. */
static int sandbox_require(lua_State *L) {
  struct pol *p = pol_of(L);
  const char *name = luaL_checkstring(L, 1), *slash;
  char path[1400], chunk[1400], home[1024];
  struct sl_err e;
  char *src;
  size_t len;
  FILE *f;
  int st;
  for (const char *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
      return luaL_error(L, "require: '%s' is not a module name (letters, digits, _)", name);
  lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
  if (lua_getfield(L, -1, name) != LUA_TNIL) {
    if (lua_isboolean(L, -1)) return luaL_error(L, "require: '%s' requires itself", name);
    return 1;
  }
  lua_pop(L, 1);                              /* pop nil; the loaded table stays */
  slash = strrchr(p->path, '/');
  snprintf(path, sizeof path, "%.*s/%s.lua", slash ? (int)(slash - p->path) : 1,
           slash ? p->path : ".", name);
  snprintf(chunk, sizeof chunk, "@%s", path);
  if (!(f = fopen(path, "r"))) {
    snprintf(path, sizeof path, "%s/policies_lua/%s.lua", sl_home(home, sizeof home), name);
    snprintf(chunk, sizeof chunk, "@policies_lua/%s.lua", name);
    if (!(f = fopen(path, "r"))) return luaL_error(L, "require: no module '%s'", name);
  }
  fclose(f);
  if (!(src = sb_read_source(path, "module", &len, &e))) return luaL_error(L, "require: %s", e.msg);
  st = luaL_loadbufferx(L, src, len, chunk, "t");
  free(src);
  if (st != LUA_OK) return lua_error(L);
  lua_pushboolean(L, 1);
  lua_setfield(L, -3, name);                  /* loaded[name] = true while it loads */
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) { lua_pop(L, 1); lua_pushboolean(L, 1); }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, name);                  /* loaded[name] = the module */
  return 1;
}

static void open_sandbox(struct pol *p) {
  lua_State *L = p->L;
  lua_pushglobaltable(L);
  lua_pushcfunction(L, lsim_log);
  lua_setfield(L, -2, "print");
  lua_pushcfunction(L, sandbox_require);
  lua_setfield(L, -2, "require");
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
  lua_getfield(L, -1, "math");
  lsim_open(L, p);                            /* the sim table; its random backs math.random */
  lua_getfield(L, -1, "random");
  lua_setfield(L, -3, "random");              /* math.random = sim.random */
  lua_pushcfunction(L, no_randomseed);
  lua_setfield(L, -3, "randomseed");
  p->ref_sim = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the sim table */
  lua_pop(L, 2);                              /* pop math and the global table */
}

static void lock_globals(lua_State *L) {
  lua_pushglobaltable(L);
  lua_newtable(L);
  lua_pushcfunction(L, strict_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, strict_index);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");         /* setmetatable(_G, nil) cannot unlock them */
  lua_setmetatable(L, -2);
  lua_pop(L, 1);                              /* pop the global table */
}

/* }=================================================================== */

/* {===================================================================
** Parameters: declared with defaults in P.params, overridden by name
** =================================================================== */

static int cmp_param(const void *a, const void *b) {
  return strcmp(((const struct pol_param *)a)->name, ((const struct pol_param *)b)->name);
}

static const char *type_name(enum pol_ptype t) {
  static const char *const n[] = {"an integer", "a number", "a boolean", "a string"};
  return n[t];
}

/* Read P.params (module table at the top of the stack) into p->params. */
static int read_params(struct pol *p, const char *who, struct sl_err *e) {
  lua_State *L = p->L;
  size_t cap = 0;
  lua_getfield(L, -1, "params");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return 0; }
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return sl_errf(e, "%s: 'params' must be a table of name = default", who);
  }
  lua_pushnil(L);
  while (lua_next(L, -2)) {                   /* key at -2, value at -1 */
    struct pol_param pp, *np;
    memset(&pp, 0, sizeof pp);
    if (lua_type(L, -2) != LUA_TSTRING) {
      lua_pop(L, 3);
      return sl_errf(e, "%s: params keys must be names", who);
    }
    switch (lua_type(L, -1)) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1)) { pp.type = PT_INT; pp.i = lua_tointeger(L, -1); }
      else { pp.type = PT_FLOAT; pp.d = lua_tonumber(L, -1); }
      break;
    case LUA_TBOOLEAN: pp.type = PT_BOOL; pp.i = lua_toboolean(L, -1); break;
    case LUA_TSTRING:
      pp.type = PT_STRING;
      if (!(pp.s = sl_strdup(lua_tostring(L, -1), e))) { lua_pop(L, 3); return -1; }
      break;
    default: {
      const char *k = lua_tostring(L, -2);
      sl_errf(e, "%s: param '%s' has a %s default; use a number, boolean or string", who, k,
              luaL_typename(L, -1));
      lua_pop(L, 3);
      return -1;
    }
    }
    np = sl_grow(p->params, &cap, p->nparams + 1, sizeof *np, e);
    if (!np || !(pp.name = sl_strdup(lua_tostring(L, -2), e))) {
      free(pp.s);
      lua_pop(L, 3);
      return -1;
    }
    p->params = np;
    p->params[p->nparams++] = pp;
    lua_pop(L, 1);                            /* pop the value, keep the key */
  }
  lua_pop(L, 1);                              /* pop params */
  if (p->nparams) qsort(p->params, p->nparams, sizeof *p->params, cmp_param);
  return 0;
}

static int parse_bool(const char *v, int64_t *out) {
  if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes")) { *out = 1; return 0; }
  if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no")) { *out = 0; return 0; }
  return -1;
}

/* Does the decimal duration v (as sl_parse_duration reads it) leave a
** fraction of a nanosecond? "2.5" and "1.5ns" do; "0.25ms" and "2.5e1" do
** not. Found from the lowest non-zero digit, without floating point. */
static int has_fraction_ns(const char *v) {
  size_t n = strlen(v), k, ndig = 0, nint = 0;
  int scale = 0, seen_dot = 0;
  long low = 0, exp10 = 0, found = 0;
  if (n > 2 && !strcmp(v + n - 2, "ns")) n -= 2;
  else if (n > 2 && !strcmp(v + n - 2, "us")) { n -= 2; scale = 3; }
  else if (n > 2 && !strcmp(v + n - 2, "ms")) { n -= 2; scale = 6; }
  else if (n > 1 && v[n - 1] == 's') { n -= 1; scale = 9; }
  k = (n && (v[0] == '+' || v[0] == '-')) ? 1 : 0;
  for (size_t i = k; i < n && (isdigit((unsigned char)v[i]) || v[i] == '.'); i++)
    if (v[i] == '.') seen_dot = 1; else if (!seen_dot) nint++;
  seen_dot = 0;
  for (; k < n && (isdigit((unsigned char)v[k]) || v[k] == '.'); k++) {
    long pos;
    if (v[k] == '.') { seen_dot = 1; continue; }
    ndig++;
    pos = (long)nint - (long)ndig;          /* power of ten of this digit */
    if (v[k] != '0' && (!found || pos < low)) { low = pos; found = 1; }
  }
  if (k < n && (v[k] == 'e' || v[k] == 'E')) {
    int neg = 0;
    k++;
    if (k < n && (v[k] == '+' || v[k] == '-')) neg = v[k++] == '-';
    for (; k < n && isdigit((unsigned char)v[k]); k++)
      if (exp10 < 100000) exp10 = exp10 * 10 + (v[k] - '0');
    if (neg) exp10 = -exp10;
  }
  return found && low + exp10 + scale < 0;
}

static int apply_override(struct pol *p, const struct kv *o, const char *who, struct sl_err *e) {
  struct pol_param *pp = NULL;
  for (size_t i = 0; i < p->nparams; i++)
    if (!strcmp(p->params[i].name, o->key)) pp = &p->params[i];
  if (!pp) {
    sl_errf(e, "%s: unknown param '%s' (", who, o->key);
    if (!p->nparams) sl_err_append(e, "it declares none");
    for (size_t i = 0; i < p->nparams; i++)
      sl_err_append(e, "%s%s", i ? ", " : "known: ", p->params[i].name);
    sl_err_append(e, ")");
    return -1;
  }
  switch (pp->type) {
  case PT_INT:
    /* Integers also take durations: 250000, 250us, 0.25ms; never a
    ** fraction, which would be rounded silently. */
    if (sl_parse_i64(o->value, &pp->i) == 0) break;
    if (sl_parse_duration(o->value, &pp->i) == 0) {
      if (!has_fraction_ns(o->value)) break;
      return sl_errf(e, "%s: param '%s' is an integer: '%s' has a fraction (a duration must be a "
                        "whole number of ns)", who, o->key, o->value);
    }
    goto bad;
  case PT_FLOAT:
    if (sl_parse_double(o->value, &pp->d) == 0) break;
    goto bad;
  case PT_BOOL:
    if (parse_bool(o->value, &pp->i) == 0) break;
    goto bad;
  case PT_STRING: {
    char *v = sl_strdup(o->value, e);
    if (!v) return -1;
    free(pp->s);
    pp->s = v;
    break;
  }
  }
  return 0;
bad:
  return sl_errf(e, "%s: param '%s' expects %s, got '%s'", who, o->key, type_name(pp->type),
                 o->value);
}

/* Write the resolved values back into P.params (module table on top). */
static void publish_params(struct pol *p) {
  lua_State *L = p->L;
  if (!p->nparams) return;
  lua_getfield(L, -1, "params");
  for (size_t i = 0; i < p->nparams; i++) {
    const struct pol_param *pp = &p->params[i];
    switch (pp->type) {
    case PT_INT: lua_pushinteger(L, pp->i); break;
    case PT_FLOAT: lua_pushnumber(L, pp->d); break;
    case PT_BOOL: lua_pushboolean(L, (int)pp->i); break;
    case PT_STRING: lua_pushstring(L, pp->s); break;
    }
    lua_setfield(L, -2, pp->name);
  }
  lua_pop(L, 1);                              /* pop params */
}

/* }=================================================================== */

/* Load the script and read the module it returns: hooks, params. Errors
** about the module's shape go to c->e with c->bad set. */
static int load_entry(lua_State *L) {
  struct entry *c = lua_touserdata(L, 1);
  struct pol *p = c->p;
  const char *who = c->who;
  open_sandbox(p);
  lua_newtable(L);
  p->ref_reqs = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_newtable(L);
  p->ref_tags = luaL_ref(L, LUA_REGISTRYINDEX);
  if (luaL_loadbufferx(L, c->src, c->len, c->chunk, "t") != LUA_OK) {
    c->bad = sl_errf(c->e, "%s: %s", who, lua_tostring(L, -1));
    return 0;
  }
  lua_call(L, 0, 1);
  if (!lua_istable(L, -1)) {
    c->bad = sl_errf(c->e, "%s: the script must return a table of hooks (got %s)", who,
                     luaL_typename(L, -1));
    return 0;
  }
  for (int h = 0; h < H_COUNT; h++) {
    lua_getfield(L, -1, hook_names[h]);
    if (lua_isnil(L, -1)) { lua_pop(L, 1); continue; }
    if (!lua_isfunction(L, -1)) {
      c->bad = sl_errf(c->e, "%s: '%s' must be a function, not a %s", who, hook_names[h],
                       luaL_typename(L, -1));
      return 0;
    }
    p->hook[h] = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  lua_pushnil(L);
  while (lua_next(L, -2)) {                   /* warn about misspelt hooks */
    if (lua_type(L, -2) == LUA_TSTRING && !strncmp(lua_tostring(L, -2), "on_", 3)) {
      int known = 0;
      for (int h = 0; h < H_COUNT; h++) known |= !strcmp(lua_tostring(L, -2), hook_names[h]);
      if (!known)
        fprintf(stderr, "schedlab: warning: %s: '%s' is not a hook (hooks: init, on_arrival, "
                        "on_complete, on_preempted, on_timer, on_segment, schedule)\n", who,
                lua_tostring(L, -2));
    }
    lua_pop(L, 1);
  }
  if (p->hook[H_SCHEDULE] == LUA_NOREF) {
    c->bad = sl_errf(c->e, "%s: no schedule hook", who);
    return 0;
  }
  if (read_params(p, who, c->e) < 0) { c->bad = 1; return 0; }
  for (size_t i = 0; i < p->sim->cfg.nparams; i++)
    if (apply_override(p, &p->sim->cfg.params[i], who, c->e) < 0) { c->bad = 1; return 0; }
  publish_params(p);
  p->ref_module = luaL_ref(L, LUA_REGISTRYINDEX);   /* pops the module */
  lock_globals(L);
  return 0;
}

int pol_open(struct sim *s, const char *path, const char *chunk, struct pol **out,
             struct sl_err *e) {
  struct pol *p;
  struct entry c;
  char *src = NULL, who[1400];
  size_t len;
  int rc = -1;
  *out = NULL;
  snprintf(who, sizeof who, "policy '%s' (%s)", s->policy_name, path);
  if (!(p = sl_alloc(sizeof *p, e))) return -1;
  *out = p;
  p->sim = s;
  p->when_busy = 1;
  snprintf(p->path, sizeof p->path, "%s", path);
  for (int h = 0; h < H_COUNT; h++) p->hook[h] = LUA_NOREF;
  p->ref_module = p->ref_sim = p->ref_reqs = p->ref_tags = LUA_NOREF;
  if (sb_open(&p->sb, s->cfg.lua_mem_limit, s->cfg.hook_budget, "per hook call", 1, e) < 0)
    return sl_err_prefix(e, "%s", who);
  /* A hook stuck in one long C operation never returns to the event loop,
  ** where --max-wall is checked: the sandbox applies it too. */
  if (s->cfg.max_wall_ms > 0 && s->cfg.max_wall_ms < p->sb.wall_limit_ms)
    p->sb.wall_limit_ms = s->cfg.max_wall_ms;
  p->L = p->sb.L;
  lua_pushcfunction(p->L, sb_msgh);           /* stays at MSGH_INDEX for the state's life */
  if (!(src = sb_read_source(path, "policy", &len, e))) {
    sl_err_prefix(e, "%s: cannot read the script", who);
    goto done;
  }
  memset(&c, 0, sizeof c);
  c.p = p;
  c.who = who;
  c.src = src;
  c.len = len;
  c.chunk = chunk;
  c.e = e;
  if (enter(p, load_entry, &c, e) < 0) {
    sl_err_prefix(e, "%s: loading failed", who);
    goto done;
  }
  if (!c.bad) rc = 0;
done:
  free(src);
  return rc;
}

void pol_close(struct pol *p) {
  if (!p) return;
  sb_close(&p->sb);                           /* no finalizer can run: __gc is refused */
  for (size_t i = 0; i < p->nparams; i++) {
    free(p->params[i].name);
    free(p->params[i].s);
  }
  free(p->params);
  free(p);
}

const struct pol_param *pol_params(const struct pol *p, size_t *n) {
  *n = p->nparams;
  return p->params;
}

int pol_schedule_when_busy(const struct pol *p) { return p->when_busy; }
int pol_has_arrival(const struct pol *p) { return p->hook[H_ARRIVAL] != LUA_NOREF; }
int pol_has_complete(const struct pol *p) { return p->hook[H_COMPLETE] != LUA_NOREF; }

/* init(sim), then P.schedule_when_busy = false: the policy never preempts,
** so the engine calls schedule only when the device is free. Read after
** init so that a policy may set it from its params. */
static int init_entry(lua_State *L) {
  struct entry *c = lua_touserdata(L, 1);
  struct pol *p = c->p;
  if (p->hook[H_INIT] != LUA_NOREF) {
    push_hook(p, H_INIT);
    p->in_init = 1;
    lua_call(L, 1, 0);
    p->in_init = 0;
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_module);
  lua_getfield(L, -1, "schedule_when_busy");
  if (!lua_isnil(L, -1)) p->when_busy = lua_toboolean(L, -1);
  return 0;
}

int pol_init(struct pol *p) {
  struct entry c;
  int rc;
  memset(&c, 0, sizeof c);
  c.h = H_INIT;
  rc = call_hook(p, init_entry, &c);
  p->in_init = 0;
  return rc;
}

/* on_arrival, on_complete, on_preempted: hook(sim, req [, mech]). */
static int req_entry(lua_State *L) {
  struct entry *c = lua_touserdata(L, 1);
  push_hook(c->p, c->h);
  lsim_push_req(L, c->p, c->slot);
  if (c->mech) lua_pushstring(L, c->mech);
  else if (c->seg) lua_pushinteger(L, c->seg);
  lua_call(L, c->mech || c->seg ? 3 : 2, 0);
  return 0;
}

static int req_hook(struct pol *p, enum pol_hook h, int32_t slot, const char *mech) {
  struct entry c;
  memset(&c, 0, sizeof c);
  c.h = h;
  c.slot = slot;
  c.mech = mech;
  return call_hook(p, req_entry, &c);
}

int pol_arrival(struct pol *p, int32_t slot) { return req_hook(p, H_ARRIVAL, slot, NULL); }
int pol_complete(struct pol *p, int32_t slot) { return req_hook(p, H_COMPLETE, slot, NULL); }

int pol_segment(struct pol *p, int32_t slot, int32_t seg) {
  struct entry c;
  if (p->hook[H_SEGMENT] == LUA_NOREF) return 0;
  memset(&c, 0, sizeof c);
  c.h = H_SEGMENT;
  c.slot = slot;
  c.seg = seg;
  return call_hook(p, req_entry, &c);
}

int pol_preempted(struct pol *p, int32_t slot, enum mech m) {
  if (p->hook[H_PREEMPTED] == LUA_NOREF) return 0;
  return req_hook(p, H_PREEMPTED, slot, mech_names[m]);
}

static int timer_entry(lua_State *L) {
  struct entry *c = lua_touserdata(L, 1);
  struct pol *p = c->p;
  push_hook(p, H_TIMER);
  lsim_push_tag(L, p, c->id, 1);
  lua_call(L, 2, 1);
  if (lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0) {
    c->rearm = lua_tointeger(L, -1);
  } else if (!lua_isnil(L, -1)) {
    c->bad = sl_errf(c->e, "policy '%s' hook on_timer at t=%lld ns returned %s: return a "
                           "positive integer interval (ns) to re-arm, or nothing",
                     p->sim->policy_name, (long long)p->sim->now, luaL_tolstring(L, -1, NULL));
    return 0;
  }
  if (c->rearm < 0) {                         /* not re-armed: forget the tag */
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_tags);
    lua_pushnil(L);
    lua_rawseti(L, -2, c->id);
  }
  return 0;
}

int pol_timer(struct pol *p, int64_t id, sl_ns *rearm) {
  struct entry c;
  int rc;
  memset(&c, 0, sizeof c);
  c.h = H_TIMER;
  c.id = id;
  c.rearm = -1;
  rc = call_hook(p, timer_entry, &c);
  *rearm = rc < 0 ? -1 : c.rearm;
  return rc;
}

/* `return req, mech` is the same as sim.dispatch(req, mech). */
static int schedule_entry(lua_State *L) {
  struct entry *c = lua_touserdata(L, 1);
  struct pol *p = c->p;
  struct lreq *lr;
  push_hook(p, H_SCHEDULE);
  lua_call(L, 1, 2);
  if (lua_isnil(L, -2)) return 0;
  if (!(lr = lsim_to_req(L, p, -2))) {
    c->bad = sl_errf(c->e, "returned a %s: return a request (and a mechanism) or nothing",
                     luaL_typename(L, -2));
  } else if (!lua_isnil(L, -1) && (lua_type(L, -1) != LUA_TSTRING ||
                                    mech_parse(lua_tostring(L, -1), &c->m) < 0)) {
    c->bad = sl_errf(c->e, "returned mechanism '%s' (expected drain, checkpoint or kill)",
                     luaL_tolstring(L, -1, NULL));
  } else {
    c->req = *lr;
    c->has_req = 1;
  }
  return 0;
}

int pol_schedule(struct pol *p) {
  struct sim *s = p->sim;
  struct entry c;
  memset(&c, 0, sizeof c);
  c.h = H_SCHEDULE;
  c.m = MECH_DRAIN;
  if (call_hook(p, schedule_entry, &c) < 0) {
    if (c.bad) goto refused;
    return -1;
  }
  if (!c.has_req) return 0;
  if (sim_req(s, c.req.slot)->gen != c.req.gen) {
    sl_errf(&s->err, "returned request %lld, which has already completed", (long long)c.req.task_id);
    goto refused;
  }
  if (sim_dispatch(s, c.req.slot, c.m, &s->err) < 0) goto refused;
  return 0;
refused:
  return sl_err_prefix(&s->err, "policy '%s' hook schedule at t=%lld ns", s->policy_name,
                       (long long)s->now);
}

/* Clearing an existing handle cannot raise (no allocation, no metamethod),
** so it needs no protected call. */
void pol_forget(struct pol *p, int32_t slot) {
  lua_State *L = p->L;
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_reqs);
  lua_pushnil(L);
  lua_rawseti(L, -2, (lua_Integer)slot + 1);
  lua_pop(L, 1);                              /* pop the handle table */
}
