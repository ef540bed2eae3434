/*
** policy.c — one Lua state per run: a sandboxed, memory- and
** instruction-bounded interpreter that loads a policy module, resolves its
** hooks once, type-checks its params, and calls each hook through one
** protected gateway (pol_call) that adds a traceback and simulation context.
*/
#include "lsim.h"

#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const hook_names[H_COUNT] = {"init",         "on_arrival", "on_complete",
                                                "on_preempted", "on_timer",   "schedule"};
#define COUNT_STEP 1000   /* instructions between two budget checks */
#define MSGH_INDEX 1      /* the traceback handler lives at the bottom of the stack */
#define LOADED_KEY "schedlab.loaded"   /* registry: modules loaded by require */

/* {===================================================================
** Allocation ceiling and instruction budget
** =================================================================== */

static void *bounded_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  struct pol *p = ud;
  size_t old = ptr ? osize : 0;
  void *q;
  if (nsize == 0) {
    free(ptr);
    p->mem_used -= old;
    return NULL;
  }
  if (nsize > old && p->mem_used - old + nsize > p->mem_limit) {
    p->mem_exceeded = 1;
    return NULL;
  }
  q = realloc(ptr, nsize);
  if (!q) return NULL;
  p->mem_used = p->mem_used - old + nsize;
  return q;
}

static struct pol *pol_of(lua_State *L) { return *(struct pol **)lua_getextraspace(L); }

/* Count hook. Once the budget is spent, error on every instruction until
** control is back in C, so a pcall inside the policy cannot swallow it. */
static void budget_hook(lua_State *L, lua_Debug *ar) {
  struct pol *p = pol_of(L);
  (void)ar;
  if (!p->tripped) {
    p->icount += COUNT_STEP;
    if (p->icount <= p->budget) return;
    p->tripped = 1;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
  }
  luaL_error(L, "instruction budget of %I per hook call exceeded (an endless loop?)",
             (lua_Integer)p->budget);
}

/* }=================================================================== */

/* {===================================================================
** The protected-call gateway
** =================================================================== */

/* Message handler: make sure the message names the script and line (an
** assert() or error(tbl) message does not), then append the traceback. */
static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  lua_Debug ar;
  if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline <= 0) continue;        /* a C function: look further out */
    if (strncmp(msg, ar.short_src, strlen(ar.short_src)))
      msg = lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
    break;
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Call the function below `nargs` arguments on the stack. On failure,
** puts the message into `e` (for the caller to prefix) and returns -1. */
static int protected_call(struct pol *p, int nargs, int nres, struct sl_err *e) {
  lua_State *L = p->L;
  int status;
  p->icount = 0;
  status = lua_pcall(L, nargs, nres, MSGH_INDEX);
  if (p->tripped) {
    p->tripped = 0;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, COUNT_STEP);
  }
  if (status == LUA_OK) return 0;
  if (p->mem_exceeded || status == LUA_ERRMEM)
    sl_errf(e, "memory ceiling of %zu MiB exceeded", p->mem_limit >> 20);
  else
    sl_errf(e, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no message)");
  p->mem_exceeded = 0;
  lua_pop(L, 1);                              /* pop the message */
  return -1;
}

static int call_hook(struct pol *p, enum pol_hook h, int nargs, int nres) {
  struct sim *s = p->sim;
  s->hook_calls++;
  if (protected_call(p, nargs, nres, &s->err) == 0) return 0;
  sl_err_prefix(&s->err, "policy '%s' hook %s failed at t=%lld ns (event #%llu)", s->policy_name,
                hook_names[h], (long long)s->now, (unsigned long long)s->events);
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
  } else {
    fclose(f);
  }
  if (!(src = sl_read_file(path, &len, &e))) return luaL_error(L, "require: no module '%s'", name);
  if (luaL_loadbufferx(L, src, len, chunk, "t") != LUA_OK) {
    free(src);
    return lua_error(L);
  }
  free(src);
  lua_pushboolean(L, 1);
  lua_setfield(L, -3, name);                  /* loaded[name] = true while it loads */
  if (lua_pcall(L, 0, 1, 0) != LUA_OK) return lua_error(L);
  if (lua_isnil(L, -1)) { lua_pop(L, 1); lua_pushboolean(L, 1); }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, name);                  /* loaded[name] = the module */
  return 1;
}

static void open_sandbox(struct pol *p) {
  lua_State *L = p->L;
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},     {LUA_TABLIBNAME, luaopen_table},
                                  {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
                                  {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}};
  static const char *const drop[] = {"dofile", "loadfile", "load", "require", "collectgarbage", NULL};
  for (const luaL_Reg *l = libs; l->func; l++) {
    luaL_requiref(L, l->name, l->func, 1);
    lua_pop(L, 1);                            /* pop the library */
  }
  lua_pushglobaltable(L);
  for (int i = 0; drop[i]; i++) {
    lua_pushnil(L);
    lua_setfield(L, -2, drop[i]);
  }
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
    /* Integers also take durations: 250000, 250us, 0.25ms. */
    if (sl_parse_i64(o->value, &pp->i) == 0 || sl_parse_duration(o->value, &pp->i) == 0) break;
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

int pol_open(struct sim *s, const char *path, const char *chunk, struct pol **out,
             struct sl_err *e) {
  struct pol *p;
  char *src = NULL, who[1400];
  size_t len;
  int rc = -1;
  *out = NULL;
  snprintf(who, sizeof who, "policy '%s' (%s)", s->policy_name, path);
  if (!(p = sl_alloc(sizeof *p, e))) return -1;
  *out = p;
  p->sim = s;
  p->mem_limit = s->cfg.lua_mem_limit;
  p->budget = s->cfg.hook_budget;
  p->when_busy = 1;
  snprintf(p->path, sizeof p->path, "%s", path);
  for (int h = 0; h < H_COUNT; h++) p->hook[h] = LUA_NOREF;
  p->ref_module = p->ref_sim = p->ref_reqs = p->ref_tags = LUA_NOREF;
  if (!(p->L = lua_newstate(bounded_alloc, p))) return sl_errf(e, "%s: cannot create a Lua state", who);
  *(struct pol **)lua_getextraspace(p->L) = p;
  lua_sethook(p->L, budget_hook, LUA_MASKCOUNT, COUNT_STEP);
  lua_pushcfunction(p->L, traceback);         /* stays at MSGH_INDEX for the state's life */
  open_sandbox(p);
  lua_newtable(p->L);
  p->ref_reqs = luaL_ref(p->L, LUA_REGISTRYINDEX);
  lua_newtable(p->L);
  p->ref_tags = luaL_ref(p->L, LUA_REGISTRYINDEX);

  if (!(src = sl_read_file(path, &len, e))) {
    sl_errf(e, "%s: cannot read the script", who);
    goto done;
  }
  if (luaL_loadbufferx(p->L, src, len, chunk, "t") != LUA_OK) {
    sl_errf(e, "%s: %s", who, lua_tostring(p->L, -1));
    lua_pop(p->L, 1);
    goto done;
  }
  if (protected_call(p, 0, 1, e) < 0) {
    sl_err_prefix(e, "%s: loading failed", who);
    goto done;
  }
  if (!lua_istable(p->L, -1)) {
    sl_errf(e, "%s: the script must return a table of hooks (got %s)", who,
            luaL_typename(p->L, -1));
    goto done;
  }
  for (int h = 0; h < H_COUNT; h++) {
    lua_getfield(p->L, -1, hook_names[h]);
    if (lua_isnil(p->L, -1)) { lua_pop(p->L, 1); continue; }
    if (!lua_isfunction(p->L, -1)) {
      sl_errf(e, "%s: '%s' must be a function, not a %s", who, hook_names[h],
              luaL_typename(p->L, -1));
      goto done;
    }
    p->hook[h] = luaL_ref(p->L, LUA_REGISTRYINDEX);
  }
  lua_pushnil(p->L);
  while (lua_next(p->L, -2)) {                /* warn about misspelt hooks */
    if (lua_type(p->L, -2) == LUA_TSTRING && !strncmp(lua_tostring(p->L, -2), "on_", 3)) {
      int known = 0;
      for (int h = 0; h < H_COUNT; h++) known |= !strcmp(lua_tostring(p->L, -2), hook_names[h]);
      if (!known)
        fprintf(stderr, "schedlab: warning: %s: '%s' is not a hook (hooks: init, on_arrival, "
                        "on_complete, on_preempted, on_timer, schedule)\n", who,
                lua_tostring(p->L, -2));
    }
    lua_pop(p->L, 1);
  }
  if (p->hook[H_SCHEDULE] == LUA_NOREF) {
    sl_errf(e, "%s: no schedule hook", who);
    goto done;
  }
  if (read_params(p, who, e) < 0) goto done;
  for (size_t i = 0; i < s->cfg.nparams; i++)
    if (apply_override(p, &s->cfg.params[i], who, e) < 0) goto done;
  publish_params(p);
  p->ref_module = luaL_ref(p->L, LUA_REGISTRYINDEX);   /* pops the module */
  lock_globals(p->L);
  rc = 0;
done:
  free(src);
  if (rc < 0) lua_settop(p->L, MSGH_INDEX);
  return rc;
}

void pol_close(struct pol *p) {
  if (!p) return;
  if (p->L) lua_close(p->L);
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

int pol_init(struct pol *p) {
  lua_State *L = p->L;
  if (p->hook[H_INIT] != LUA_NOREF) {
    push_hook(p, H_INIT);
    if (call_hook(p, H_INIT, 1, 0) < 0) return -1;
  }
  /* P.schedule_when_busy = false: the policy never preempts, so the
  ** engine calls schedule only when the device is free. Read after init
  ** so that a policy may set it from its params. */
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_module);
  lua_getfield(L, -1, "schedule_when_busy");
  if (!lua_isnil(L, -1)) p->when_busy = lua_toboolean(L, -1);
  lua_pop(L, 2);                              /* pop the field and the module */
  return 0;
}

int pol_arrival(struct pol *p, int32_t slot) {
  push_hook(p, H_ARRIVAL);
  lsim_push_req(p->L, p, slot);
  return call_hook(p, H_ARRIVAL, 2, 0);
}

int pol_complete(struct pol *p, int32_t slot) {
  push_hook(p, H_COMPLETE);
  lsim_push_req(p->L, p, slot);
  return call_hook(p, H_COMPLETE, 2, 0);
}

int pol_preempted(struct pol *p, int32_t slot, enum mech m) {
  if (p->hook[H_PREEMPTED] == LUA_NOREF) return 0;
  push_hook(p, H_PREEMPTED);
  lsim_push_req(p->L, p, slot);
  lua_pushstring(p->L, mech_names[m]);
  return call_hook(p, H_PREEMPTED, 3, 0);
}

int pol_timer(struct pol *p, int64_t id, sl_ns *rearm) {
  lua_State *L = p->L;
  *rearm = -1;
  push_hook(p, H_TIMER);
  lsim_push_tag(L, p, id, 1);
  if (call_hook(p, H_TIMER, 2, 1) < 0) return -1;
  if (lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0) {
    *rearm = lua_tointeger(L, -1);
  } else if (!lua_isnil(L, -1)) {
    sl_errf(&p->sim->err, "policy '%s' hook on_timer at t=%lld ns returned %s: return a "
                          "positive integer interval (ns) to re-arm, or nothing",
            p->sim->policy_name, (long long)p->sim->now, luaL_tolstring(L, -1, NULL));
    lua_pop(L, 2);
    return -1;
  }
  lua_pop(L, 1);                              /* pop the result */
  if (*rearm < 0) {                           /* not re-armed: forget the tag */
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_tags);
    lua_pushnil(L);
    lua_rawseti(L, -2, id);
    lua_pop(L, 1);
  }
  return 0;
}

int pol_schedule(struct pol *p) {
  lua_State *L = p->L;
  push_hook(p, H_SCHEDULE);
  if (call_hook(p, H_SCHEDULE, 1, 2) < 0) return -1;
  /* `return req, mech` is the same as sim.dispatch(req, mech). */
  if (!lua_isnil(L, -2)) {
    struct lreq *lr = lsim_to_req(L, p, -2);
    struct sl_err *e = &p->sim->err;
    enum mech m = MECH_DRAIN;
    int accepted = 0;
    if (!lr) {
      sl_errf(e, "returned a %s: return a request (and a mechanism) or nothing",
              luaL_typename(L, -2));
    } else if (!lua_isnil(L, -1) &&
               (!lua_isstring(L, -1) || mech_parse(lua_tostring(L, -1), &m) < 0)) {
      sl_errf(e, "returned mechanism '%s' (expected drain, checkpoint or kill)",
              luaL_tolstring(L, -1, NULL));
      lua_pop(L, 1);                          /* pop the tolstring copy */
    } else if (sim_req(p->sim, lr->slot)->gen != lr->gen) {
      sl_errf(e, "returned request %lld, which has already completed", (long long)lr->task_id);
    } else if (sim_dispatch(p->sim, lr->slot, m, e) == 0) {
      accepted = 1;
    }
    if (!accepted)
      sl_err_prefix(e, "policy '%s' hook schedule at t=%lld ns", p->sim->policy_name,
                    (long long)p->sim->now);
    if (!accepted) {
      lua_pop(L, 2);                          /* pop the two results */
      return -1;
    }
  }
  lua_pop(L, 2);                              /* pop the two results */
  return 0;
}

void pol_forget(struct pol *p, int32_t slot) {
  lua_State *L = p->L;
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->ref_reqs);
  lua_pushnil(L);
  lua_rawseti(L, -2, (lua_Integer)slot + 1);
  lua_pop(L, 1);                              /* pop the handle table */
}
