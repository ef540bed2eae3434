/*
** sandbox.c — the bounded Lua interpreter (see sandbox.h).
**
** The instruction budget is a count hook. Lua runs no hook while a hook or
** a __gc finalizer runs, and a message handler invoked for an error raised
** by the hook runs inside that hook; C library functions run no Lua
** instructions at all. So: xpcall's handler is called after unwinding
** (where the hook works), __gc is refused, allocation is charged to the
** budget, and the C functions whose work does not follow from their
** allocation (pattern matching, table shifting and sorting, string.rep of
** empty strings) charge their worst case before they start.
*/
#include "sandbox.h"

#include <ctype.h>
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_STEP 1000        /* instructions between two budget checks */
#define ALLOC_SHIFT 8          /* one instruction charged per 256 bytes allocated */
#define PATTERN_STEPS 16       /* worst-case matcher steps charged as one instruction */

struct sandbox *sb_of(lua_State *L) { return *(struct sandbox **)lua_getextraspace(L); }

/* Where the script is: the innermost Lua function's "script:line: ". A
** memory error carries no position and calls no message handler, and once
** the budget trips the error surfaces wherever the script next runs, so
** both note the place at once. Reading the stack allocates nothing, so it
** is safe from inside the allocator. */
static void note_where(struct sandbox *sb, char *buf, size_t n) {
  lua_Debug ar;
  buf[0] = 0;
  if (!sb->L) return;
  for (int level = 0; lua_getstack(sb->L, level, &ar); level++) {
    lua_getinfo(sb->L, "Sl", &ar);
    if (ar.currentline > 0) {
      snprintf(buf, n, "%s:%d: ", ar.short_src, ar.currentline);
      return;
    }
  }
}

static void budget_hook(lua_State *L, lua_Debug *ar);

static void trip(struct sandbox *sb) {
  if (!sb->tripped) note_where(sb, sb->trip_where, sizeof sb->trip_where);
  sb->tripped = 1;
  if (sb->L) lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, 1);
}

static void untrip(struct sandbox *sb) {
  sb->tripped = 0;
  lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, COUNT_STEP);
}

static void *bounded_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  struct sandbox *sb = ud;
  size_t old = ptr ? osize : 0;
  void *q;
  if (nsize == 0) {
    free(ptr);
    sb->mem_used -= old;
    return NULL;
  }
  if (nsize > old && sb->mem_used - old + nsize > sb->mem_limit) {
    if (!sb->mem_exceeded) note_where(sb, sb->where, sizeof sb->where);
    sb->mem_exceeded = 1;
    return NULL;
  }
  q = realloc(ptr, nsize);
  if (!q) return NULL;
  sb->mem_used = sb->mem_used - old + nsize;
  /* Building a large string or table is work no instruction counts. */
  if (nsize > old) {
    sb->icount += (int64_t)((nsize - old) >> ALLOC_SHIFT);
    if (sb->depth > 0 && !sb->tripped && sb->icount > sb->budget) trip(sb);
  }
  return q;
}

static int budget_error(lua_State *L, struct sandbox *sb) {
  if (sb->out_of_time)
  {
    lua_pushfstring(L, "%sran for more than %I ms of wall-clock time within the instruction "
                       "budget (long operations in C, such as comparing huge strings?)",
                    sb->trip_where, (lua_Integer)sb->wall_limit_ms);
    return lua_error(L);
  }
  lua_pushfstring(L, "%sinstruction budget of %I %s exceeded (an endless loop?)", sb->trip_where,
                  (lua_Integer)sb->budget, sb->scope);
  return lua_error(L);
}

/* Once the budget is spent, error on every instruction until control is
** back in C, so a pcall inside the script cannot swallow it. */
static void budget_hook(lua_State *L, lua_Debug *ar) {
  struct sandbox *sb = sb_of(L);
  (void)ar;
  if (!sb->tripped) {
    struct timespec now;
    sb->icount += COUNT_STEP;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((int64_t)(now.tv_sec - sb->started.tv_sec) * 1000 +
            (now.tv_nsec - sb->started.tv_nsec) / 1000000 > sb->wall_limit_ms)
      sb->out_of_time = 1;
    else if (sb->icount <= sb->budget) return;
    trip(sb);
  }
  budget_error(L, sb);
}

/* Charge `units` instructions for work done in C; raise the budget error
** if they do not fit. */
static void charge(lua_State *L, double units) {
  struct sandbox *sb = sb_of(L);
  if (units < 0) return;
  if (sb->tripped || !(units <= (double)(sb->budget - sb->icount))) {  /* NaN too */
    trip(sb);
    budget_error(L, sb);
  }
  sb->icount += (int64_t)units;
}

void sb_charge(lua_State *L, double units) { charge(L, units); }

/* {===================================================================
** Worst-case work of a Lua pattern match
** =================================================================== */

enum { PI_CLASS, PI_END, PI_FRONTIER, PI_BALANCE, PI_BACKREF };

struct pitem {
  unsigned char set[32];     /* bytes a single-character item matches */
  int kind;
  char quant;                /* 0, '*', '+', '-' or '?' */
};

static int class_has(int cl, int c) {
  int r;
  switch (tolower(cl)) {
  case 'a': r = isalpha(c); break;
  case 'c': r = iscntrl(c); break;
  case 'd': r = isdigit(c); break;
  case 'g': r = isgraph(c); break;
  case 'l': r = islower(c); break;
  case 'p': r = ispunct(c); break;
  case 's': r = isspace(c); break;
  case 'u': r = isupper(c); break;
  case 'w': r = isalnum(c); break;
  case 'x': r = isxdigit(c); break;
  default: return cl == c;
  }
  if (isupper(cl)) r = !r;
  return r != 0;
}

static void set_add_class(unsigned char *set, int cl) {
  for (int c = 0; c < 256; c++)
    if (class_has(cl, c)) set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

/* Parse the [set] starting at p[i] == '['; returns the index after ']' or
** 0 when it is unterminated (the matcher then raises its own error). */
static size_t parse_set(const char *p, size_t lp, size_t i, unsigned char *set) {
  size_t start = i + 1, end;
  int neg = 0;
  if (start < lp && p[start] == '^') { neg = 1; start++; }
  end = start;
  do {                                        /* a ']' right after '[' or '[^' is literal */
    if (end >= lp) return 0;
    if (p[end++] == '%') end++;
  } while (end >= lp || p[end] != ']');
  memset(set, 0, 32);
  for (size_t k = start; k < end; k++) {
    unsigned char c = (unsigned char)p[k];
    if (c == '%' && k + 1 < end) {
      set_add_class(set, (unsigned char)p[++k]);
    } else if (k + 2 < end && p[k + 1] == '-') {
      for (int x = c; x <= (unsigned char)p[k + 2]; x++) set[x >> 3] |= (unsigned char)(1u << (x & 7));
      k += 2;
    } else {
      set[c >> 3] |= (unsigned char)(1u << (c & 7));
    }
  }
  if (neg)
    for (int b = 0; b < 32; b++) set[b] = (unsigned char)~set[b];
  return end + 1;
}

static size_t parse_pattern(const char *p, size_t lp, size_t i, struct pitem *it) {
  size_t m = 0;
  while (i < lp) {
    struct pitem *x = &it[m];
    memset(x, 0, sizeof *x);
    x->kind = PI_CLASS;
    if (p[i] == '(' || p[i] == ')') { i++; continue; }
    if (p[i] == '$' && i + 1 == lp) { x->kind = PI_END; m++; break; }
    if (p[i] == '%') {
      int d;
      if (i + 1 >= lp) break;
      d = (unsigned char)p[i + 1];
      if (d == 'b') {
        if (i + 3 >= lp) break;
        x->kind = PI_BALANCE;
        set_add_class(x->set, (unsigned char)p[i + 2]);
        i += 4;
        m++;
        continue;
      }
      if (d == 'f') {
        if (i + 2 >= lp || p[i + 2] != '[' || !(i = parse_set(p, lp, i + 2, x->set))) break;
        x->kind = PI_FRONTIER;
        m++;
        continue;
      }
      if (d >= '0' && d <= '9') { x->kind = PI_BACKREF; i += 2; m++; continue; }
      set_add_class(x->set, d);
      i += 2;
    } else if (p[i] == '[') {
      if (!(i = parse_set(p, lp, i, x->set))) break;
    } else if (p[i] == '.') {
      memset(x->set, 0xff, sizeof x->set);
      i++;
    } else {
      set_add_class(x->set, (unsigned char)p[i]);
      i++;
    }
    if (i < lp && p[i] && strchr("*+-?", p[i])) x->quant = p[i++];
    m++;
  }
  return m;
}

static int disjoint(const struct pitem *a, const struct pitem *b) {
  for (int k = 0; k < 32; k++)
    if (a->set[k] & b->set[k]) return 0;
  return 1;
}

/* Can the rest after a repeated item j succeed only where j's run ends?
** True when every item up to the first one that must consume a character
** is disjoint from j (inside the run they all fail at once). *nopt counts
** the optional items tried on the way. */
static int gated(const struct pitem *it, size_t m, size_t j, double *nopt) {
  *nopt = 0;
  for (size_t k = j + 1; k < m; k++) {
    const struct pitem *x = &it[k];
    switch (x->kind) {
    case PI_END: return 1;
    case PI_FRONTIER: (*nopt)++; continue;
    case PI_BACKREF: return 0;
    case PI_BALANCE: return disjoint(&it[j], x);
    default:
      if (x->quant == 0 || x->quant == '+') return disjoint(&it[j], x);
      if (!disjoint(&it[j], x)) return 0;
      (*nopt)++;
    }
  }
  return 1;                                   /* the rest may match empty: the first try succeeds */
}

/* Upper bound of the steps a match of `p` over a subject of n bytes takes,
** over every start position. Each repeated item whose rest can be retried
** at every length multiplies the rest's cost by n. */
static double pattern_work(lua_State *L, const char *p, size_t lp, size_t n, int anchor_ok) {
  struct pitem *it = lua_newuserdatauv(L, (lp + 1) * sizeof *it, 0);
  double *cost = lua_newuserdatauv(L, (lp + 2) * sizeof *cost, 0);
  double nn = (double)n + 1, attempts = nn;
  size_t i = 0, m;
  if (anchor_ok && lp && p[0] == '^') { attempts = 1; i = 1; }
  m = parse_pattern(p, lp, i, it);
  cost[m] = 1;
  for (size_t j = m; j-- > 0;) {
    double rest = cost[j + 1], nopt;
    const struct pitem *x = &it[j];
    if (x->kind == PI_BALANCE || x->kind == PI_BACKREF) cost[j] = nn + rest;
    else if (x->kind != PI_CLASS || x->quant == 0) cost[j] = 1 + rest;
    else if (x->quant == '?') cost[j] = 1 + 2 * rest;
    else if (j + 1 == m) cost[j] = 1;        /* a trailing run: n once, below */
    else if (gated(it, m, j, &nopt)) cost[j] = nn * (1 + nopt) + rest;
    else cost[j] = nn * (1 + rest);
  }
  lua_pop(L, 2);
  return attempts * cost[0] + nn;
}

/* string.find/match/gmatch/gsub: charge the worst case before matching. */
static int pattern_guard(lua_State *L, const char *fname, int anchor_ok) {
  size_t n, lp;
  const char *p;
  double work;
  luaL_checklstring(L, 1, &n);
  p = luaL_checklstring(L, 2, &lp);
  if (!strcmp(fname, "find") && lua_toboolean(L, 4)) work = ((double)n + 1) * ((double)lp + 1);
  else work = pattern_work(L, p, lp, n, anchor_ok);
  if (work / PATTERN_STEPS > (double)(sb_of(L)->budget - sb_of(L)->icount)) {
    trip(sb_of(L));
    return luaL_error(L, "string.%s: pattern '%s%s' on a subject of %I bytes may take up to %f "
                         "matching steps, beyond the instruction budget (shorten the subject or "
                         "use fewer repeated items such as .- or .*)", fname,
                      lua_pushlstring(L, p, lp > 40 ? 40 : lp), lp > 40 ? "..." : "",
                      (lua_Integer)n, (lua_Number)work);
  }
  charge(L, work / PATTERN_STEPS);
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Guarded library functions: check and charge, then call the original
** (upvalue 1)
** =================================================================== */

static int call_original(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int g_find(lua_State *L) { pattern_guard(L, "find", 1); return call_original(L); }
static int g_match(lua_State *L) { pattern_guard(L, "match", 1); return call_original(L); }
static int g_gmatch(lua_State *L) { pattern_guard(L, "gmatch", 0); return call_original(L); }
static int g_gsub(lua_State *L) { pattern_guard(L, "gsub", 1); return call_original(L); }

/* string.rep of an empty string and separator loops n times writing nothing. */
static int g_rep(lua_State *L) {
  size_t l, lsep;
  luaL_checklstring(L, 1, &l);
  luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  return call_original(L);
}

/* #t as the table functions see it (honours __len), or -1 when t is not a table. */
static double len_of(lua_State *L, int i) {
  if (lua_type(L, i) != LUA_TTABLE) return -1;
  return (double)luaL_len(L, i);
}

static double opt_num(lua_State *L, int i, double def) {
  return lua_isinteger(L, i) ? (double)lua_tointeger(L, i) : def;
}

/* Elements i..j of t at 1 each (concat, unpack). */
static int g_range(lua_State *L, int ai) {
  double n = len_of(L, 1);
  if (n >= 0) {
    double i = opt_num(L, ai, 1), j = lua_isnoneornil(L, ai + 1) ? n : opt_num(L, ai + 1, n);
    charge(L, j - i + 1);
  }
  return call_original(L);
}
static int g_concat(lua_State *L) { return g_range(L, 3); }
static int g_unpack(lua_State *L) { return g_range(L, 2); }

static int g_move(lua_State *L) {
  if (lua_isinteger(L, 2) && lua_isinteger(L, 3))
    charge(L, (double)lua_tointeger(L, 3) - (double)lua_tointeger(L, 2) + 1);
  return call_original(L);
}

/* insert(t, pos, v) and remove(t, pos) shift the elements after pos. */
static int g_insert(lua_State *L) {
  if (lua_gettop(L) == 3) {
    double n = len_of(L, 1);
    if (n >= 0) charge(L, n + 1 - opt_num(L, 2, n + 1));
  }
  return call_original(L);
}

static int g_remove(lua_State *L) {
  if (lua_gettop(L) >= 2) {
    double n = len_of(L, 1);
    if (n >= 0) charge(L, n - opt_num(L, 2, n));
  }
  return call_original(L);
}

static int g_sort(lua_State *L) {
  double n = len_of(L, 1);
  if (n > 1) charge(L, n * log2(n));
  return call_original(L);
}

/* setmetatable(t, mt) with a __gc field would mark t for a finalizer, which
** Lua runs with hooks off; a __gc added to mt later is never honoured. */
static int g_setmetatable(lua_State *L) {
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: __gc finalizers are not allowed (they would run "
                           "outside the instruction budget)");
    lua_pop(L, 1);
  }
  return call_original(L);
}

/* xpcall(f, msgh, ...): the handler runs after unwinding, under the budget,
** instead of inside the (hook-free) error path. */
static int g_xpcall(lua_State *L) {
  int n = lua_gettop(L), st;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  luaL_checkstack(L, n + 2, "too many arguments");
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  for (int i = 3; i <= n; i++) lua_pushvalue(L, i);
  st = lua_pcall(L, n - 2, LUA_MULTRET, 0);
  if (st == LUA_OK) return lua_gettop(L) - n;
  if (st != LUA_ERRMEM) {
    lua_pushvalue(L, 2);
    lua_insert(L, -2);
    lua_pcall(L, 1, 1, 0);                    /* the handler's result, or its error */
  }
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  return 2;
}

/* utf8.len and utf8.offset decode the subject without allocating, at
** about the speed of an instruction per few bytes. */
static int g_utf8_scan(lua_State *L) {
  size_t n;
  if (lua_type(L, 1) == LUA_TSTRING) {
    lua_tolstring(L, 1, &n);
    charge(L, (double)(n >> 2));
  }
  return call_original(L);
}

static void wrap(lua_State *L, int lib, const char *name, lua_CFunction f) {
  lua_getfield(L, lib, name);
  lua_pushcclosure(L, f, 1);
  lua_setfield(L, lib, name);
}

/* Replace global `name` by a copy of its library table (the original stays
** in package.loaded, where Lua finds names for error messages). */
static int copy_lib(lua_State *L, const char *name) {
  lua_newtable(L);
  lua_getglobal(L, name);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_settable(L, -5);
  }
  lua_pop(L, 1);                              /* pop the original */
  lua_pushvalue(L, -1);
  lua_setglobal(L, name);
  return lua_gettop(L);
}

static int open_libs(lua_State *L) {
  int utf8 = lua_toboolean(L, 1), lib;
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},     {LUA_TABLIBNAME, luaopen_table},
                                  {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
                                  {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}};
  static const char *const drop[] = {"dofile", "loadfile", "load", "require", "collectgarbage", NULL};
  for (const luaL_Reg *l = libs; l->func; l++) {
    if (l->func == luaopen_utf8 && !utf8) continue;
    luaL_requiref(L, l->name, l->func, 1);
    lua_pop(L, 1);
  }
  for (int i = 0; drop[i]; i++) {
    lua_pushnil(L);
    lua_setglobal(L, drop[i]);
  }
  lua_pushglobaltable(L);
  lib = lua_gettop(L);
  wrap(L, lib, "setmetatable", g_setmetatable);
  wrap(L, lib, "xpcall", g_xpcall);
  lib = copy_lib(L, LUA_STRLIBNAME);
  wrap(L, lib, "find", g_find);
  wrap(L, lib, "match", g_match);
  wrap(L, lib, "gmatch", g_gmatch);
  wrap(L, lib, "gsub", g_gsub);
  wrap(L, lib, "rep", g_rep);
  lua_pushliteral(L, "");                     /* ("s"):find(...) goes through the copy too */
  lua_getmetatable(L, -1);
  lua_pushvalue(L, lib);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 2);
  lib = copy_lib(L, LUA_TABLIBNAME);
  wrap(L, lib, "concat", g_concat);
  wrap(L, lib, "unpack", g_unpack);
  wrap(L, lib, "move", g_move);
  wrap(L, lib, "insert", g_insert);
  wrap(L, lib, "remove", g_remove);
  wrap(L, lib, "sort", g_sort);
  if (utf8) {
    lib = copy_lib(L, LUA_UTF8LIBNAME);
    wrap(L, lib, "len", g_utf8_scan);
    wrap(L, lib, "offset", g_utf8_scan);
  }
  return 0;
}

/* }=================================================================== */

int sb_open(struct sandbox *sb, size_t mem_limit, int64_t budget, const char *scope, int utf8,
            struct sl_err *e) {
  memset(sb, 0, sizeof *sb);
  sb->mem_limit = mem_limit;
  sb->budget = budget;
  sb->scope = scope;
  sb->wall_limit_ms = SB_MAX_WALL_MS;
  if (!(sb->L = lua_newstate(bounded_alloc, sb))) return sl_errf(e, "cannot create a Lua state");
  *(struct sandbox **)lua_getextraspace(sb->L) = sb;
  lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, COUNT_STEP);
  lua_pushcfunction(sb->L, open_libs);
  lua_pushboolean(sb->L, utf8);
  if (sb_pcall(sb, 1, 0, 0, e) < 0) {
    sb_close(sb);
    return sl_err_prefix(e, "cannot set up the Lua sandbox");
  }
  return 0;
}

void sb_close(struct sandbox *sb) {
  if (sb->L) lua_close(sb->L);
  sb->L = NULL;
}

int sb_pcall(struct sandbox *sb, int nargs, int nres, int msgh, struct sl_err *e) {
  lua_State *L = sb->L;
  int st;
  if (sb->depth++ == 0) {
    sb->icount = 0;
    sb->mem_exceeded = 0;
    sb->out_of_time = 0;
    clock_gettime(CLOCK_MONOTONIC, &sb->started);
    if (sb->tripped) untrip(sb);
  }
  st = lua_pcall(L, nargs, nres, msgh);
  if (--sb->depth == 0 && sb->tripped) untrip(sb);
  if (st == LUA_OK) return 0;
  if (sb->mem_exceeded || st == LUA_ERRMEM)
    sl_errf(e, "%smemory ceiling of %zu MiB exceeded", sb->where, sb->mem_limit >> 20);
  else
    sl_errf(e, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no message)");
  lua_pop(L, 1);
  return -1;
}

char *sb_read_source(const char *path, const char *what, size_t *len, struct sl_err *e) {
  FILE *f = fopen(path, "rb");
  char *data;
  size_t n;
  int bad;
  if (!f) { sl_errf(e, "%s: %s", path, strerror(errno)); return NULL; }
  if (!(data = malloc(SB_MAX_SOURCE + 2))) {
    fclose(f);
    sl_errf(e, "out of memory");
    return NULL;
  }
  n = fread(data, 1, SB_MAX_SOURCE + 1, f);   /* one byte more tells "too large" */
  if ((bad = ferror(f)))
    sl_errf(e, "%s: read error", path);
  else if ((bad = n > SB_MAX_SOURCE))
    sl_errf(e, "%s: the %s is larger than %zu KiB", path, what, SB_MAX_SOURCE >> 10);
  fclose(f);
  if (bad) {
    free(data);
    return NULL;
  }
  data[n] = 0;
  if (len) *len = n;
  return data;
}

/* Message handler: make sure the message names the script and line (an
** assert() or error(tbl) message, or one raised in C, does not), then
** append the traceback. */
int sb_msgh(lua_State *L) {
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
