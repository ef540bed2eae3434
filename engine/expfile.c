/*
** expfile.c — loading experiment files and expanding their grids (see
** expfile.h, experiments/README.md). The file is a sandboxed Lua chunk
** (sandbox.c: base, table, string, math; no io, os, load or require; an
** instruction budget and a memory ceiling) that returns one table; its
** functions (derive, filter, report) are called from here. Loading and the
** report each run as one protected entry, so no Lua error (a metamethod on
** the returned table, the memory ceiling) escapes.
*/
#include "expfile.h"

#include "runkey.h"
#include "sandbox.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define L_OF(x) ((lua_State *)(x)->L)
#define EXP_MEM_LIMIT ((size_t)256 << 20)   /* bytes */
#define EXP_BUDGET 100000000                /* instructions for the load, and for the report */
#define EXP_MAX_POINTS 1000000              /* grid points (before filter) */

static const char *const top_keys[] = {"name",   "description", "grid",    "fixed",
                                       "derive", "filter",      "baseline", "metrics",
                                       "figures", "quick",      "report",  "db",
                                       "record", NULL};
static const char *const figure_keys[] = {"sql",    "kind",   "x",      "y",      "series",
                                          "err",    "z",      "title",  "xlabel", "ylabel",
                                          "style",  "logx",   "logy",   NULL};

/* {===================================================================
** Strings owned by the experiment
** =================================================================== */

char *exp_keep(struct experiment *x, const char *s, struct sl_err *e) {
  char **ns, *d;
  if (!s) return NULL;
  if (!(d = sl_strdup(s, e))) return NULL;
  if (!(ns = sl_grow(x->strings, &x->strings_cap, x->nstrings + 1, sizeof *ns, e))) {
    free(d);
    return NULL;
  }
  x->strings = ns;
  ns[x->nstrings++] = d;
  return d;
}

/* The value at `idx` as text: numbers exactly, booleans, strings, and
** arrays joined with commas (networks = {"a", "b"} -> "a,b"). */
static int to_text(lua_State *L, int idx, struct sl_buf *b) {
  switch (lua_type(L, idx)) {
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) sl_buf_addf(b, "%lld", (long long)lua_tointeger(L, idx));
    else {
      char num[40];
      double d = lua_tonumber(L, idx);
      snprintf(num, sizeof num, "%.15g", d);
      if (strtod(num, NULL) != d) snprintf(num, sizeof num, "%.17g", d);
      sl_buf_addf(b, "%s", num);
    }
    return 0;
  case LUA_TBOOLEAN: sl_buf_addf(b, "%s", lua_toboolean(L, idx) ? "true" : "false"); return 0;
  case LUA_TSTRING: sl_buf_addf(b, "%s", lua_tostring(L, idx)); return 0;
  case LUA_TTABLE: {
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    idx = lua_absindex(L, idx);
    for (lua_Integer i = 1; i <= n; i++) {
      int r;
      lua_rawgeti(L, idx, i);
      if (i > 1) sl_buf_add(b, ",", 1);
      r = lua_type(L, -1) == LUA_TTABLE ? -1 : to_text(L, -1, b);
      lua_pop(L, 1);
      if (r < 0) return -1;
    }
    return n > 0 ? 0 : -1;
  }
  default: return -1;
  }
}

/* }=================================================================== */

/* {===================================================================
** The Lua side: a sandboxed state, the file's table
** =================================================================== */

/* Call the function under nargs arguments; message into e on failure. */
static int pcall(lua_State *L, int nargs, int nres, struct sl_err *e) {
  int base = lua_gettop(L) - nargs;
  int st;
  lua_pushcfunction(L, sb_msgh);
  lua_insert(L, base);                        /* the handler under the function */
  st = sb_pcall(sb_of(L), nargs, nres, base, e);
  lua_remove(L, base);
  return st;
}

static int print_stderr(lua_State *L) {
  for (int i = 1; i <= lua_gettop(L); i++) {
    size_t len;
    const char *str = luaL_tolstring(L, i, &len);
    sb_charge(L, (double)len);                  /* a print loop must not flood the terminal */
    fputs(str, stderr);
    fputc(i < lua_gettop(L) ? '\t' : '\n', stderr);
    lua_pop(L, 1);
  }
  return 0;
}

static int check_keys(lua_State *L, int idx, const char *const *known, const char *file,
                      const char *where, struct sl_err *e) {
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int ok = 0;
    if (lua_type(L, -2) == LUA_TSTRING)
      for (int i = 0; known[i]; i++) ok |= !strcmp(lua_tostring(L, -2), known[i]);
    if (!ok) {
      struct sl_buf b = {0};
      for (int i = 0; known[i]; i++) sl_buf_addf(&b, "%s%s", i ? ", " : "", known[i]);
      sl_errf(e, "%s: unknown key '%s' in %s (known: %s)", file,
              lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2), where,
              b.s ? b.s : "");
      sl_buf_free(&b);
      lua_pop(L, 2);
      return -1;
    }
    lua_pop(L, 1);
  }
  return 0;
}

/* Optional string field of the table at idx. */
static int opt_string(struct experiment *x, lua_State *L, int idx, const char *key, char **out,
                      const char *where, struct sl_err *e) {
  lua_getfield(L, idx, key);
  *out = NULL;
  if (!lua_isnil(L, -1)) {
    if (lua_type(L, -1) != LUA_TSTRING) {
      sl_errf(e, "%s: '%s' in %s must be a string", x->path, key, where);
      lua_pop(L, 1);
      return -1;
    }
    if (!(*out = exp_keep(x, lua_tostring(L, -1), e))) { lua_pop(L, 1); return -1; }
  }
  lua_pop(L, 1);
  return 0;
}

/* record = {"intervals"}: what every run stores beyond the default rows,
** as `run --record` does. Each kind at most once, so a typo or a repeat is
** an error rather than a silent no-op. */
static int read_record(struct experiment *x, lua_State *L, int idx, struct sl_err *e) {
  lua_Integer n;
  lua_getfield(L, idx, "record");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return 0; }
  if (!lua_istable(L, -1) || (n = (lua_Integer)lua_rawlen(L, -1)) < 1) {
    lua_pop(L, 1);
    return sl_errf(e, "%s: record must be a list of what to record: {\"intervals\"}", x->path);
  }
  for (lua_Integer i = 1; i <= n; i++) {
    const char *v;
    lua_rawgeti(L, -1, i);
    v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (!v || strcmp(v, "intervals")) {
      sl_errf(e, "%s: record[%lld] must be one of: \"intervals\"", x->path, (long long)i);
      lua_pop(L, 2);
      return -1;
    }
    if (x->record_intervals) {
      sl_errf(e, "%s: record[%lld]: \"intervals\" is given twice", x->path, (long long)i);
      lua_pop(L, 2);
      return -1;
    }
    x->record_intervals = 1;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return 0;
}

static int read_figures(struct experiment *x, lua_State *L, int idx, struct sl_err *e) {
  size_t n = 0;
  lua_getfield(L, idx, "figures");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return 0; }
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return sl_errf(e, "%s: 'figures' must be a table of name = {sql = ..., kind = ...}", x->path);
  }
  lua_pushnil(L);
  while (lua_next(L, -2)) n++, lua_pop(L, 1);
  if (!(x->figs = sl_alloc((n ? n : 1) * sizeof *x->figs, e))) { lua_pop(L, 1); return -1; }
  lua_pushnil(L);
  while (lua_next(L, -2)) {                   /* key: figure name, value: its table */
    struct plot_spec *f = &x->figs[x->nfigs];
    char where[160];
    if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1)) {
      sl_errf(e, "%s: each figure is name = { sql = ..., kind = ... }", x->path);
      lua_pop(L, 3);
      return -1;
    }
    snprintf(where, sizeof where, "figure '%s'", lua_tostring(L, -2));
    if (!(f->name = exp_keep(x, lua_tostring(L, -2), e)) ||
        check_keys(L, -1, figure_keys, x->path, where, e) < 0 ||
        opt_string(x, L, -1, "sql", &f->sql, where, e) < 0 ||
        opt_string(x, L, -1, "kind", &f->kind, where, e) < 0 ||
        opt_string(x, L, -1, "x", &f->x, where, e) < 0 ||
        opt_string(x, L, -1, "y", &f->y, where, e) < 0 ||
        opt_string(x, L, -1, "z", &f->z, where, e) < 0 ||
        opt_string(x, L, -1, "series", &f->series, where, e) < 0 ||
        opt_string(x, L, -1, "err", &f->err, where, e) < 0 ||
        opt_string(x, L, -1, "title", &f->title, where, e) < 0 ||
        opt_string(x, L, -1, "xlabel", &f->xlabel, where, e) < 0 ||
        opt_string(x, L, -1, "ylabel", &f->ylabel, where, e) < 0 ||
        opt_string(x, L, -1, "style", &f->style, where, e) < 0) {
      lua_pop(L, 3);
      return -1;
    }
    lua_getfield(L, -1, "logx");
    f->logx = lua_toboolean(L, -1);
    lua_getfield(L, -2, "logy");
    f->logy = lua_toboolean(L, -1);
    lua_pop(L, 2);
    if (!f->sql || !f->kind) {
      sl_errf(e, "%s: %s needs sql and kind", x->path, where);
      lua_pop(L, 3);
      return -1;
    }
    if (strcmp(f->kind, "line") && strcmp(f->kind, "bar") && strcmp(f->kind, "cdf") &&
        strcmp(f->kind, "heatmap")) {
      sl_errf(e, "%s: %s: kind '%s' (line, bar, cdf or heatmap)", x->path, where, f->kind);
      lua_pop(L, 3);
      return -1;
    }
    if (plot_check_spec(f, e) < 0) {       /* names and styles reach files and gnuplot */
      sl_err_prefix(e, "%s", x->path);
      lua_pop(L, 3);
      return -1;
    }
    x->nfigs++;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);                              /* pop figures */
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** From a grid point to a run
** =================================================================== */

struct pair {
  char *key, *value;
};

static int cmp_pair(const void *a, const void *b) {
  return strcmp(((const struct pair *)a)->key, ((const struct pair *)b)->key);
}

/* A relative path in an experiment file is relative to the file's folder,
** as `run` takes paths relative to the current folder: the file then means
** the same wherever the sweep is started from. */
static const char *exp_path(struct experiment *x, const char *p, struct sl_err *e) {
  const char *slash = strrchr(x->path, '/');
  char buf[2200];
  if (!p || p[0] == '/' || !slash) return p;
  snprintf(buf, sizeof buf, "%.*s/%s", (int)(slash - x->path), x->path, p);
  return exp_keep(x, buf, e);
}

/* A device spec's file (after `kind:`) resolves like any path; a preset
** name (no colon) is the device's own business. */
static const char *exp_device(struct experiment *x, const char *spec, struct sl_err *e) {
  const char *colon = strchr(spec, ':'), *path;
  char buf[2300];
  if (!colon || colon[1] == '/' || !colon[1]) return spec;
  if (!(path = exp_path(x, colon + 1, e))) return NULL;
  if (path == colon + 1) return spec;
  if (!strchr(colon + 1, '/') && access(path, F_OK) != 0) return spec;   /* npu:PRESET */
  snprintf(buf, sizeof buf, "%.*s:%s", (int)(colon - spec), spec, path);
  return exp_keep(x, buf, e);
}

static int push_kv(struct experiment *x, struct kv **arr, size_t *n, const char *k, const char *v,
                   struct sl_err *e) {
  struct kv *na = realloc(*arr, (*n + 1) * sizeof **arr);
  if (!na) return sl_errf(e, "out of memory");
  *arr = na;
  if (!(na[*n].key = exp_keep(x, k, e)) || !(na[*n].value = exp_keep(x, v, e))) return -1;
  (*n)++;
  return 0;
}

/* Turn the point table at the top of the stack into a run. */
/* limit.NAME = VALUE of a grid point: the run limits of `schedlab run`. */
static int limit_key(const struct experiment *x, struct exp_run *r, const char *k, const char *v,
                     struct sl_err *e) {
  int64_t n;
  int ok = sl_parse_i64(v, &n) == 0;
  if (!strcmp(k, "limit.max_events")) {
    if (!ok || n < 1) return sl_errf(e, "%s: limit.max_events '%s' is not an integer >= 1", x->path, v);
    r->cfg.max_events = n;
  } else if (!strcmp(k, "limit.max_sim_time_ns")) {
    if (!ok || n < 0)
      return sl_errf(e, "%s: limit.max_sim_time_ns '%s' is not an integer >= 0 (0: none)", x->path, v);
    r->cfg.max_sim_time = n;
  } else if (!strcmp(k, "limit.max_wall_ms")) {
    if (!ok || n < 0)
      return sl_errf(e, "%s: limit.max_wall_ms '%s' is not an integer >= 0 (0: none)", x->path, v);
    r->cfg.max_wall_ms = n;
  } else {
    return sl_errf(e, "%s: unknown key '%s' in a grid point (limits: limit.max_events, "
                      "limit.max_sim_time_ns, limit.max_wall_ms)", x->path, k);
  }
  return 0;
}

static int make_run(struct experiment *x, lua_State *L, size_t index, struct sl_err *e) {
  struct pair *p = NULL;
  size_t n = 0, cap = 0;
  struct exp_run *r;
  struct sl_buf point = {0}, origin = {0};
  const char *trace = NULL, *gen = NULL, *tseed = NULL, *tformat = NULL, *tasks = NULL;
  int rc = -1;
  if (!(r = sl_grow(x->runs, &x->runs_cap, x->nruns + 1, sizeof *x->runs, e))) return -1;
  x->runs = r;
  r = &x->runs[x->nruns];
  memset(r, 0, sizeof *r);
  r->index = index;
  r->cfg.seed = 1;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    struct sl_buf b = {0};
    struct pair *np;
    if (lua_type(L, -2) != LUA_TSTRING || to_text(L, -1, &b) < 0 || b.oom) {
      sl_errf(e, "%s: grid point key '%s' has a value that is not a number, boolean, string or "
                 "list", x->path, lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
      sl_buf_free(&b);
      lua_pop(L, 2);
      goto done;
    }
    if (!(np = sl_grow(p, &cap, n + 1, sizeof *p, e))) { sl_buf_free(&b); lua_pop(L, 2); goto done; }
    p = np;
    p[n].key = exp_keep(x, lua_tostring(L, -2), e);
    p[n].value = exp_keep(x, b.s ? b.s : "", e);
    sl_buf_free(&b);
    lua_pop(L, 1);
    if (!p[n].key || !p[n].value) { lua_pop(L, 1); goto done; }
    n++;
  }
  if (n) qsort(p, n, sizeof *p, cmp_pair);
  for (size_t i = 0; i < n; i++) {
    const char *k = p[i].key, *v = p[i].value;
    int in_point = 1;
    if (!strcmp(k, "policy")) r->cfg.policy = v;
    else if (!strcmp(k, "device")) r->cfg.device_spec = v;
    else if (!strcmp(k, "seed")) {
      int64_t s;
      if (sl_parse_i64(v, &s) < 0 || s < 0) {
        sl_errf(e, "%s: seed '%s' is not a non-negative integer", x->path, v);
        goto done;
      }
      r->cfg.seed = (uint64_t)s;
      in_point = 0;
    } else if (!strcmp(k, "predict_sigma")) {
      if (sl_parse_double(v, &r->cfg.predict_sigma) < 0 || r->cfg.predict_sigma < 0) {
        sl_errf(e, "%s: predict_sigma '%s' is not a number >= 0", x->path, v);
        goto done;
      }
    } else if (!strncmp(k, "limit.", 6)) {
      if (limit_key(x, r, k, v, e) < 0) goto done;
      in_point = 0;                  /* a limit changes no result, only whether it fails */
    } else if (!strcmp(k, "label")) { r->meta.label = v; in_point = 0; }
    else if (!strcmp(k, "trace")) trace = v;
    else if (!strcmp(k, "trace.gen")) gen = v;
    else if (!strcmp(k, "trace.seed")) { tseed = v; in_point = 0; }
    else if (!strcmp(k, "trace.format")) tformat = v;
    else if (!strcmp(k, "tasks")) tasks = v;
    else if (!strncmp(k, "tasks.", 6)) {           /* a task-set param: overridden and recorded */
      if (push_kv(x, &r->tparams, &r->cfg.ntasks_params, k + 6, v, e) < 0 ||
          push_kv(x, &r->extra, &r->meta.nextra, k, v, e) < 0)
        goto done;
    }
    else if (!strncmp(k, "trace.", 6)) { if (push_kv(x, &r->gen, &r->ngen, k + 6, v, e) < 0) goto done; }
    else if (!strncmp(k, "param.", 6)) { if (push_kv(x, &r->params, &r->cfg.nparams, k + 6, v, e) < 0) goto done; }
    else if (!strncmp(k, "device.", 7)) { if (push_kv(x, &r->dparams, &r->cfg.ndev_params, k + 7, v, e) < 0) goto done; }
    else if (!strncmp(k, "var.", 4)) { if (push_kv(x, &r->extra, &r->meta.nextra, k, v, e) < 0) goto done; }
    else {
      sl_errf(e, "%s: unknown key '%s' in a grid point (known: policy, device, seed, "
                 "predict_sigma, trace, trace.format, trace.gen, trace.<generator param>, tasks, "
                 "tasks.<task-set param>, param.<policy "
                 "param>, device.<device param>, var.<name>, label, limit.max_events, "
                 "limit.max_sim_time_ns, limit.max_wall_ms)", x->path, k);
      goto done;
    }
    if (in_point) sl_buf_addf(&point, "%s%s=%s", point.len ? ";" : "", k, v);
  }
  if (!r->cfg.policy || !r->cfg.device_spec) {
    sl_errf(e, "%s: every grid point needs a policy and a device (in grid or fixed)", x->path);
    goto done;
  }
  if (!!trace + !!gen + !!tasks != 1) {
    sl_errf(e, "%s: every grid point needs exactly one of trace = FILE, trace.gen = KIND or "
               "tasks = FILE", x->path);
    goto done;
  }
  if (r->cfg.ntasks_params && !tasks) {
    sl_errf(e, "%s: tasks.%s is a task-set param, but the point has no tasks = FILE", x->path,
            r->tparams[0].key);
    goto done;
  }
  if (tasks && (r->ngen || tformat)) {
    sl_errf(e, "%s: %s%s reads a trace, but the point releases a task set (tasks = FILE)", x->path,
            tformat ? "trace.format" : "trace.", tformat ? "" : r->gen[0].key);
    goto done;
  }
  if (trace && r->ngen) {
    sl_errf(e, "%s: trace.%s is a generator param, but the point names a trace file",
            x->path, r->gen[0].key);
    goto done;
  }
  if (!(r->cfg.device_spec = exp_device(x, r->cfg.device_spec, e))) goto done;
  if (strchr(r->cfg.policy, '/') || strstr(r->cfg.policy, ".lua"))
    if (!(r->cfg.policy = exp_path(x, r->cfg.policy, e))) goto done;
  if (tformat && !trace) {
    sl_errf(e, "%s: trace.format '%s' reads a trace file, but the point has no trace = FILE",
            x->path, tformat);
    goto done;
  }
  if (tasks) {
    if (!(r->cfg.trace_path = exp_path(x, tasks, e))) goto done;
    r->cfg.trace_is_tasks = 1;
  } else if (trace) {
    if (!(r->cfg.trace_path = exp_path(x, trace, e))) goto done;
    if (tformat) {            /* a spec by path is taken from the experiment's folder too */
      size_t fl = strlen(tformat);
      r->cfg.trace_format = tformat;
      if ((strchr(tformat, '/') || (fl > 4 && !strcmp(tformat + fl - 4, ".fmt"))) &&
          !(r->cfg.trace_format = exp_path(x, tformat, e)))
        goto done;
      if (push_kv(x, &r->extra, &r->meta.nextra, "trace.format", tformat, e) < 0) goto done;
    }
  } else {
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->cfg.seed);
    if (push_kv(x, &r->gen, &r->ngen, "seed", tseed ? tseed : seed, e) < 0) goto done;
    r->gen_kind = gen;
    /* The trace's identity: generator, params (sorted), the device and its params. */
    sl_buf_addf(&origin, "gen:%s", gen);
    for (size_t i = 0; i < r->ngen; i++) sl_buf_addf(&origin, ";%s=%s", r->gen[i].key, r->gen[i].value);
    sl_buf_addf(&origin, ";device=%s", r->cfg.device_spec);
    for (size_t i = 0; i < r->cfg.ndev_params; i++)
      sl_buf_addf(&origin, ";device.%s=%s", r->dparams[i].key, r->dparams[i].value);
    if (!(r->meta.trace_origin = exp_keep(x, origin.s, e))) goto done;
    for (size_t i = 0; i < r->ngen; i++) {  /* record the generator params */
      char k[200];
      snprintf(k, sizeof k, "trace.%s", r->gen[i].key);
      if (push_kv(x, &r->extra, &r->meta.nextra, k, r->gen[i].value, e) < 0) goto done;
    }
    if (push_kv(x, &r->extra, &r->meta.nextra, "trace.gen", gen, e) < 0) goto done;
  }
  r->cfg.params = r->params;
  r->cfg.dev_params = r->dparams;
  r->cfg.tasks_params = r->tparams;
  r->meta.extra = r->extra;
  r->meta.experiment = x->name;
  r->meta.sweep = 1;
  if (!(r->meta.point = exp_keep(x, point.s ? point.s : "", e))) goto done;
  x->nruns++;
  rc = 0;
done:
  if (rc < 0) {
    free(r->params);
    free(r->dparams);
    free(r->tparams);
    free(r->extra);
    free(r->gen);
  }
  free(p);
  sl_buf_free(&point);
  sl_buf_free(&origin);
  return rc;
}

/* }=================================================================== */

/* {===================================================================
** The grid
** =================================================================== */

struct axis {
  const char *name;
  int values;              /* registry ref of its list */
  lua_Integer n;
  const char *scope;       /* policy_params: the policy it applies to, else NULL */
  int used;                /* a scoped axis met its policy */
};

static int cmp_axis(const void *a, const void *b) {
  const struct axis *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  if (c || !x->scope || !y->scope) return c ? c : !!x->scope - !!y->scope;
  return strcmp(x->scope, y->scope);
}

/* Whether a point's policy (a name, or a path to NAME.lua) is `scope`. */
static int policy_is(const char *policy, const char *scope) {
  const char *base = strrchr(policy, '/');
  size_t n;
  if (!strcmp(policy, scope)) return 1;
  base = base ? base + 1 : policy;
  n = strlen(base);
  if (n > 4 && !strcmp(base + n - 4, ".lua")) n -= 4;
  return strlen(scope) == n && !strncmp(base, scope, n);
}

/* grid.policy_params = { POLICY = { NAME = {values...} } }: axes of
** param.NAME that vary only for points of that policy (the others get one
** point, without the param). Appends them to *ax; the value at the top of
** the stack is the policy_params table. */
static int policy_param_axes(struct experiment *x, lua_State *L, int fixed, struct axis **ax,
                             size_t *nax, struct sl_err *e) {
  int pp = lua_gettop(L);
  if (!lua_istable(L, pp))
    return sl_errf(e, "%s: grid.policy_params must be a table { POLICY = { PARAM = {values...} } }",
                   x->path);
  lua_pushnil(L);
  while (lua_next(L, pp)) {                   /* policy -> its params */
    const char *pol;
    if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1)) {
      lua_pop(L, 2);
      return sl_errf(e, "%s: grid.policy_params: each entry is POLICY = { PARAM = {values...} }",
                     x->path);
    }
    if (!(pol = exp_keep(x, lua_tostring(L, -2), e))) { lua_pop(L, 2); return -1; }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      struct axis *na;
      char name[300];
      if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1) || lua_rawlen(L, -1) == 0) {
        sl_errf(e, "%s: grid.policy_params.%s.%s must be a non-empty list of values", x->path,
                pol, lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
        lua_pop(L, 4);
        return -1;
      }
      snprintf(name, sizeof name, "param.%s", lua_tostring(L, -2));
      lua_getfield(L, fixed, name);
      if (!lua_isnil(L, -1)) {
        sl_errf(e, "%s: '%s' is both in grid.policy_params.%s and a fixed value", x->path, name, pol);
        lua_pop(L, 5);
        return -1;
      }
      lua_pop(L, 1);
      if (!(na = realloc(*ax, (*nax + 1) * sizeof **ax))) {
        lua_pop(L, 4);
        return sl_errf(e, "out of memory");
      }
      *ax = na;
      memset(&na[*nax], 0, sizeof *na);
      if (!(na[*nax].name = exp_keep(x, name, e))) { lua_pop(L, 4); return -1; }
      na[*nax].scope = pol;
      na[*nax].n = (lua_Integer)lua_rawlen(L, -1);
      na[*nax].values = luaL_ref(L, LUA_REGISTRYINDEX);   /* pops the list */
      (*nax)++;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);                              /* pop policy_params */
  return 0;
}

/* Set the axes' current values on the point at the top of the stack.
** Returns 0 when the point is a repeat (a scoped axis past its first value
** on a point of another policy), 1 otherwise, -1 on error. */
static int set_axes(struct experiment *x, lua_State *L, struct axis *ax, size_t nax,
                    const lua_Integer *at, struct sl_err *e) {
  const char *policy;
  for (size_t i = 0; i < nax; i++) {
    if (ax[i].scope) continue;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ax[i].values);
    lua_rawgeti(L, -1, at[i] + 1);
    lua_setfield(L, -3, ax[i].name);
    lua_pop(L, 1);
  }
  lua_getfield(L, -1, "policy");
  policy = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  for (size_t i = 0; i < nax; i++) {
    if (!ax[i].scope) continue;
    if (!policy || !policy_is(policy, ax[i].scope)) {
      if (at[i] != 0) { lua_pop(L, 1); return 0; }
      continue;
    }
    for (size_t j = 0; j < nax; j++)
      if (j != i && !ax[j].scope && !strcmp(ax[j].name, ax[i].name)) {
        lua_pop(L, 1);
        return sl_errf(e, "%s: '%s' is both a grid axis and in grid.policy_params.%s", x->path,
                       ax[i].name, ax[i].scope);
      }
    ax[i].used = 1;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ax[i].values);
    lua_rawgeti(L, -1, at[i] + 1);
    lua_setfield(L, -4, ax[i].name);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);                              /* pop the policy */
  return 1;
}

/* Overlay the table at `src` (an index) onto the table at the top. */
static void overlay(lua_State *L, int src) {
  src = lua_absindex(L, src);
  lua_pushnil(L);
  while (lua_next(L, src)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_settable(L, -4);                      /* top[key] = value */
  }
}

/* Push a new table: `base` overlaid with `over` (which may be nil). */
static void push_merged(lua_State *L, int base, int over) {
  lua_newtable(L);
  overlay(L, base);
  if (lua_istable(L, over)) overlay(L, over);
}

/* Call the file's function `name` (if any) on the point at the top of the
** stack: 1 with its result pushed, 0 if there is no such function, -1 on
** error. */
static int call_on_point(struct experiment *x, lua_State *L, int file, const char *name,
                         size_t index, struct sl_err *e) {
  lua_getfield(L, file, name);
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  lua_pushvalue(L, -2);
  if (pcall(L, 1, 1, e) < 0)
    return sl_err_prefix(e, "%s: %s failed at grid point %zu", x->path, name, index);
  return 1;
}

/* Expand one table of axes (at index `grid`) over `fixed`; `index` counts
** grid points across the whole experiment. */
static int expand_axes(struct experiment *x, lua_State *L, int file, int grid, int fixed,
                       size_t *index, struct sl_err *e) {
  struct axis *ax = NULL;
  size_t nax = 0;
  lua_Integer *at = NULL;
  int rc = -1, top = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, grid)) {
    struct axis *na = realloc(ax, (nax + 1) * sizeof *ax);
    if (!na) { sl_errf(e, "out of memory"); goto done; }
    ax = na;
    if (lua_type(L, -2) != LUA_TSTRING || !lua_istable(L, -1) ||
        (lua_rawlen(L, -1) == 0 && strcmp(lua_tostring(L, -2), "policy_params"))) {
      sl_errf(e, "%s: grid axis '%s' must be a non-empty list of values", x->path,
              lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
      goto done;
    }
    if (lua_type(L, -2) == LUA_TSTRING && !strcmp(lua_tostring(L, -2), "policy_params")) {
      lua_pushvalue(L, -1);
      if (policy_param_axes(x, L, fixed, &ax, &nax, e) < 0) goto done;
      lua_pop(L, 1);
      continue;
    }
    memset(&ax[nax], 0, sizeof *ax);
    lua_pushvalue(L, -2);
    lua_gettable(L, fixed);
    if (!lua_isnil(L, -1)) {
      sl_errf(e, "%s: '%s' is both a grid axis and a fixed value", x->path, lua_tostring(L, -3));
      goto done;
    }
    lua_pop(L, 1);
    ax[nax].name = lua_tostring(L, -2);       /* kept alive by the grid table */
    ax[nax].n = (lua_Integer)lua_rawlen(L, -1);
    ax[nax].values = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the list */
    nax++;
  }
  if (nax) qsort(ax, nax, sizeof *ax, cmp_axis);
  if (!(at = calloc(nax + 1, sizeof *at))) { sl_errf(e, "out of memory"); goto done; }
  for (;;) {                                  /* odometer: the last axis turns fastest */
    int keep_point = 1, fresh;
    lua_newtable(L);
    overlay(L, fixed);
    if ((fresh = set_axes(x, L, ax, nax, at, e)) < 0) goto done;
    if (!fresh) {                             /* a repeat: not a grid point */
      lua_pop(L, 1);
      goto next;
    }
    /* derive(point) may return a replacement; filter(point) false drops it. */
    switch (call_on_point(x, L, file, "derive", *index, e)) {
    case -1: goto done;
    case 1:
      if (lua_istable(L, -1)) lua_replace(L, -2); else lua_pop(L, 1);
      break;
    }
    switch (call_on_point(x, L, file, "filter", *index, e)) {
    case -1: goto done;
    case 1:
      keep_point = lua_toboolean(L, -1);
      lua_pop(L, 1);
      break;
    }
    if (keep_point) {
      if (make_run(x, L, *index, e) < 0) goto done;
    } else {
      x->filtered++;
    }
    lua_pop(L, 1);                            /* pop the point */
    (*index)++;
  next:
    {
      size_t i = nax;
      while (i > 0 && ++at[i - 1] == ax[i - 1].n) at[--i] = 0;
      if (i == 0) break;
    }
  }
  for (size_t i = 0; i < nax; i++)
    if (ax[i].scope && !ax[i].used) {
      sl_errf(e, "%s: grid.policy_params.%s: no point of this grid has policy '%s'", x->path,
              ax[i].scope, ax[i].scope);
      goto done;
    }
  rc = 0;
done:
  for (size_t i = 0; i < nax; i++) luaL_unref(L, LUA_REGISTRYINDEX, ax[i].values);
  free(ax);
  free(at);
  lua_settop(L, top);
  return rc;
}

/* Points of one table of axes: the product of the list lengths. */
static double grid_points(lua_State *L, int grid) {
  double n = 1;
  grid = lua_absindex(L, grid);
  lua_pushnil(L);
  while (lua_next(L, grid)) {
    if (lua_istable(L, -1)) n *= (double)lua_rawlen(L, -1);
    lua_pop(L, 1);
  }
  return n;
}

/* Refuse a grid over EXP_MAX_POINTS before expanding any of it (the grids
** of a union add up; quick.grid overlays each). */
static int check_size(struct experiment *x, lua_State *L, int grid, int qgrid, struct sl_err *e) {
  double points = 0;
  if (lua_rawlen(L, grid) > 0) {
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, grid); i++) {
      if (lua_rawgeti(L, grid, i) == LUA_TTABLE) {
        push_merged(L, lua_gettop(L), qgrid ? qgrid : lua_gettop(L));
        points += grid_points(L, -1);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
  } else {
    push_merged(L, grid, qgrid ? qgrid : grid);
    points = grid_points(L, -1);
    lua_pop(L, 1);
  }
  if (points > EXP_MAX_POINTS)
    return sl_errf(e, "%s: the grid has %.0f points, more than the limit of %d (split the study "
                      "or shorten its axes)", x->path, points, EXP_MAX_POINTS);
  return 0;
}

/* The grid is one table of axes, or a list of them (a union of grids: one
** per sub-study). `quick` overlays the file's quick.grid on each and its
** quick.fixed on the fixed values. */
static int expand(struct experiment *x, lua_State *L, int file, int quick, struct sl_err *e) {
  int grid, fixed, qgrid = 0, rc = -1;
  size_t index = 0;
  lua_getfield(L, file, "grid");
  grid = lua_gettop(L);
  lua_getfield(L, file, "fixed");
  fixed = lua_gettop(L);
  if (!lua_isnil(L, grid) && !lua_istable(L, grid)) {
    sl_errf(e, "%s: 'grid' must be a table of axis = {values...}, or a list of such tables", x->path);
    goto done;
  }
  if (!lua_isnil(L, fixed) && !lua_istable(L, fixed)) {
    sl_errf(e, "%s: 'fixed' must be a table of key = value", x->path);
    goto done;
  }
  if (lua_isnil(L, grid)) { lua_newtable(L); lua_replace(L, grid); }
  if (lua_isnil(L, fixed)) { lua_newtable(L); lua_replace(L, fixed); }
  lua_getfield(L, file, "quick");
  if (quick && lua_istable(L, -1)) {
    static const char *const qkeys[] = {"grid", "fixed", NULL};
    int q = lua_gettop(L);
    if (check_keys(L, q, qkeys, x->path, "quick", e) < 0) goto done;
    lua_getfield(L, q, "fixed");
    push_merged(L, fixed, lua_gettop(L));
    lua_replace(L, fixed);
    lua_pop(L, 1);
    lua_getfield(L, q, "grid");
    qgrid = lua_gettop(L);
  } else if (quick && !lua_isnil(L, -1)) {
    sl_errf(e, "%s: 'quick' must be a table { grid = ..., fixed = ... }", x->path);
    goto done;
  }
  if (check_size(x, L, grid, qgrid, e) < 0) goto done;
  if (lua_rawlen(L, grid) > 0) {              /* a union of grids */
    for (lua_Integer i = 1; i <= (lua_Integer)lua_rawlen(L, grid); i++) {
      lua_rawgeti(L, grid, i);
      if (!lua_istable(L, -1)) {
        sl_errf(e, "%s: grid %lld of the list is not a table of axes", x->path, (long long)i);
        goto done;
      }
      push_merged(L, lua_gettop(L), qgrid ? qgrid : lua_gettop(L));
      if (expand_axes(x, L, file, lua_gettop(L), fixed, &index, e) < 0) goto done;
      lua_pop(L, 2);
    }
  } else {
    push_merged(L, grid, qgrid ? qgrid : grid);
    if (expand_axes(x, L, file, lua_gettop(L), fixed, &index, e) < 0) goto done;
  }
  rc = 0;
done:
  lua_settop(L, file);
  return rc;
}

/* }=================================================================== */

/* Run f(args) protected, under a fresh budget. A Lua error outside the
** file's own functions (a metamethod of its table, the memory ceiling)
** leaves its located message in e. */
static int enter(struct experiment *x, lua_CFunction f, void *args, const char *scope,
                 struct sl_err *e) {
  struct sandbox *sb = x->sb;
  int rc;
  sb->scope = scope;
  lua_pushcfunction(sb->L, sb_msgh);
  lua_pushcfunction(sb->L, f);
  lua_pushlightuserdata(sb->L, args);
  rc = sb_pcall(sb, 1, 0, lua_gettop(sb->L) - 2, e);
  lua_pop(sb->L, 1);                          /* pop the handler */
  if (rc < 0 && strncmp(e->msg, x->path, strlen(x->path)))
    sl_err_prefix(e, "%s", x->path);
  return rc;
}

struct load_args {
  struct experiment *x;
  const char *src;
  size_t len;
  int quick;
  struct sl_err *e;
  int rc;
};

/* Run the file and read its table; runs protected (load_entry). */
static int load_file(struct experiment *x, lua_State *L, const char *src, size_t len, int quick,
                     struct sl_err *e) {
  const char *path = x->path;
  char chunk[1100];
  int file;
  lua_pushcfunction(L, print_stderr);
  lua_setglobal(L, "print");
  snprintf(chunk, sizeof chunk, "@%s", path);
  if (luaL_loadbufferx(L, src, len, chunk, "t") != LUA_OK)
    return sl_errf(e, "%s", lua_tostring(L, -1));
  if (pcall(L, 0, 1, e) < 0) return -1;
  if (!lua_istable(L, -1))
    return sl_errf(e, "%s: an experiment file must return a table", path);
  file = lua_gettop(L);
  if (check_keys(L, file, top_keys, path, "the experiment", e) < 0) return -1;
  if (opt_string(x, L, file, "name", &x->name, "the experiment", e) < 0 ||
      opt_string(x, L, file, "description", &x->description, "the experiment", e) < 0 ||
      opt_string(x, L, file, "baseline", &x->baseline, "the experiment", e) < 0 ||
      opt_string(x, L, file, "db", &x->db, "the experiment", e) < 0)
    return -1;
  if (!x->name) {
    const char *base = strrchr(path, '/');
    char name[256];
    snprintf(name, sizeof name, "%s", base ? base + 1 : path);
    if (strlen(name) > 4 && !strcmp(name + strlen(name) - 4, ".lua")) name[strlen(name) - 4] = 0;
    if (!(x->name = exp_keep(x, name, e))) return -1;
  }
  lua_getfield(L, file, "metrics");
  if (lua_istable(L, -1)) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (!(x->metrics = sl_alloc((size_t)(n + 1) * sizeof *x->metrics, e))) return -1;
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      if (lua_type(L, -1) != LUA_TSTRING) return sl_errf(e, "%s: metrics must be a list of names", path);
      if (!(x->metrics[x->nmetrics++] = exp_keep(x, lua_tostring(L, -1), e))) return -1;
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    return sl_errf(e, "%s: metrics must be a list of names", path);
  }
  lua_pop(L, 1);
  for (int i = 0; i < 3; i++) {
    static const char *const fn[] = {"derive", "filter", "report"};
    lua_getfield(L, file, fn[i]);
    if (!lua_isnil(L, -1) && !lua_isfunction(L, -1))
      return sl_errf(e, "%s: '%s' must be a function", path, fn[i]);
    if (i == 2 && lua_isfunction(L, -1)) {
      x->ref_report = luaL_ref(L, LUA_REGISTRYINDEX);
      continue;
    }
    lua_pop(L, 1);
  }
  if (read_record(x, L, file, e) < 0 || read_figures(x, L, file, e) < 0) return -1;
  if (expand(x, L, file, quick, e) < 0) return -1;
  /* Before the run keys are taken (sweep.c): the key covers it. */
  for (size_t i = 0; i < x->nruns; i++) x->runs[i].cfg.record_intervals = x->record_intervals;
  return 0;
}

static int load_entry(lua_State *L) {
  struct load_args *a = lua_touserdata(L, 1);
  a->rc = load_file(a->x, L, a->src, a->len, a->quick, a->e);
  return 0;
}

int exp_load(struct experiment *x, const char *path, int quick, struct sl_err *e) {
  struct load_args a;
  struct sandbox *sb;
  char *src;
  memset(x, 0, sizeof *x);
  memset(&a, 0, sizeof a);
  x->ref_report = LUA_NOREF;
  if (!(x->path = exp_keep(x, path, e))) return -1;
  if (!(src = sb_read_source(path, "experiment file", &a.len, e))) return -1;
  if (!(sb = x->sb = sl_alloc(sizeof *sb, e)) ||
      sb_open(sb, EXP_MEM_LIMIT, EXP_BUDGET, "for loading the experiment file", 0, e) < 0) {
    free(src);
    return x->sb ? sl_err_prefix(e, "%s", path) : -1;
  }
  x->L = sb->L;
  a.x = x;
  a.src = src;
  a.quick = quick;
  a.e = e;
  if (enter(x, load_entry, &a, "for loading the experiment file", e) < 0) a.rc = -1;
  free(src);
  return a.rc;
}

/* {===================================================================
** Reports: the file's report(q) function, with q(sql, ...) -> rows
** =================================================================== */

static int l_query(lua_State *L) {
  sqlite3 *db = lua_touserdata(L, lua_upvalueindex(1));
  const char *sql = luaL_checkstring(L, 1);
  sqlite3_stmt *q = NULL;
  int nargs = lua_gettop(L), rc;
  lua_Integer row = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
    return luaL_error(L, "query: %s", sqlite3_errmsg(db));
  for (int i = 2; i <= nargs; i++) {
    if (lua_isinteger(L, i)) sqlite3_bind_int64(q, i - 1, lua_tointeger(L, i));
    else if (lua_type(L, i) == LUA_TNUMBER) sqlite3_bind_double(q, i - 1, lua_tonumber(L, i));
    else if (lua_isnil(L, i)) sqlite3_bind_null(q, i - 1);
    else sqlite3_bind_text(q, i - 1, luaL_checkstring(L, i), -1, SQLITE_TRANSIENT);
  }
  lua_newtable(L);
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    lua_createtable(L, 0, sqlite3_column_count(q));
    for (int c = 0; c < sqlite3_column_count(q); c++) {
      switch (sqlite3_column_type(q, c)) {
      case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(q, c)); break;
      case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(q, c)); break;
      case SQLITE_NULL: lua_pushnil(L); break;
      default: lua_pushstring(L, (const char *)sqlite3_column_text(q, c)); break;
      }
      lua_setfield(L, -2, sqlite3_column_name(q, c));
    }
    lua_rawseti(L, -2, ++row);
  }
  if (rc != SQLITE_DONE) {
    lua_pushfstring(L, "query: %s", sqlite3_errmsg(db));
    sqlite3_finalize(q);
    return lua_error(L);
  }
  sqlite3_finalize(q);
  return 1;
}

struct report_args {
  struct experiment *x;
  sqlite3 *db;
  char **out;
  struct sl_err *e;
  int rc;
};

static int report_entry(lua_State *L) {
  struct report_args *a = lua_touserdata(L, 1);
  struct experiment *x = a->x;
  lua_rawgeti(L, LUA_REGISTRYINDEX, x->ref_report);
  lua_pushlightuserdata(L, a->db);
  lua_pushcclosure(L, l_query, 1);
  if (pcall(L, 1, 1, a->e) < 0) {
    a->rc = sl_err_prefix(a->e, "%s: report failed", x->path);
    return 0;
  }
  if (lua_type(L, -1) != LUA_TSTRING) {
    a->rc = sl_errf(a->e, "%s: report must return the markdown text", x->path);
    return 0;
  }
  a->rc = (*a->out = sl_strdup(lua_tostring(L, -1), a->e)) ? 0 : -1;
  return 0;
}

int exp_report(struct experiment *x, struct sqlite3 *db, char **out, struct sl_err *e) {
  struct report_args a;
  *out = NULL;
  if (x->ref_report == LUA_NOREF) return 1;
  a.x = x;
  a.db = db;
  a.out = out;
  a.e = e;
  a.rc = -1;
  if (enter(x, report_entry, &a, "for the report", e) < 0) return -1;
  return a.rc;
}

/* }=================================================================== */

void exp_free(struct experiment *x) {
  if (x->sb) sb_close(x->sb);               /* no finalizer can run: __gc is refused */
  free(x->sb);
  for (size_t i = 0; i < x->nruns; i++) {
    free(x->runs[i].params);
    free(x->runs[i].dparams);
    free(x->runs[i].tparams);
    free(x->runs[i].extra);
    free(x->runs[i].gen);
  }
  free(x->runs);
  free(x->figs);
  free(x->metrics);
  for (size_t i = 0; i < x->nstrings; i++) free(x->strings[i]);
  free(x->strings);
  memset(x, 0, sizeof *x);
}
