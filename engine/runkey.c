/*
** runkey.c — the run key (see runkey.h). It hashes what determines a run's
** rows and nothing else: no checkout path, no git state, no documentation.
** Files are hashed by content, never by where they lie, so a study keeps its
** keys when the checkout moves and `run` and `sweep` agree on a run.
** Parameters are hashed in name order, the last of repeated names winning,
** as they apply.
*/
#include "runkey.h"

#include "csv.h"
#include "devfile.h"
#include "fmt.h"
#include "gen.h"
#include "srchash.h"
#include "taskset.h"

#include <dirent.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct keyhash {
  uint64_t a, b;           /* two lanes with different seeds: 128 bits */
};

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 32);
}

/* Word at a time: hashing a large trace file must not dominate a run. */
static void kh_bytes(struct keyhash *k, const void *data, size_t n) {
  const unsigned char *p = data;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    k->a = mix(k->a, w);
    k->b = mix(k->b ^ 0x5bd1e995, w);
  }
  if (i < n) {
    uint64_t w = 0;
    memcpy(&w, p + i, n - i);
    k->a = mix(k->a, w ^ (n - i));
    k->b = mix(k->b ^ 0x5bd1e995, w ^ (n - i));
  }
  k->a = mix(k->a, n);                       /* length and field separator */
  k->b = mix(k->b, ~(uint64_t)n);
}

static void kh_str(struct keyhash *k, const char *s) { kh_bytes(k, s, strlen(s)); }

static int file_exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void kh_file(struct keyhash *k, const char *path) {
  FILE *f = fopen(path, "rb");
  static const size_t chunk = 1 << 16;
  char *buf;
  size_t n;
  if (!f || !(buf = malloc(chunk))) {
    if (f) fclose(f);
    kh_str(k, "(unreadable)");
    return;
  }
  while ((n = fread(buf, 1, chunk, f)) > 0) kh_bytes(k, buf, n);
  free(buf);
  fclose(f);
  kh_str(k, "(eof)");
}

static int by_key_nulls_last(const void *a, const void *b) {
  const struct kv *x = a, *y = b;
  if (!x->key || !y->key) return !x->key - !y->key;
  return strcmp(x->key, y->key);
}

/* Hash name=value pairs in name order; for a repeated name only the last counts. */
static int kh_params(struct keyhash *k, const char *what, const struct kv *kv, size_t n,
                     struct sl_err *e) {
  struct kv *sorted;
  kh_str(k, what);
  if (!n) return 0;
  if (!(sorted = sl_alloc(n * sizeof *sorted, e))) return -1;
  for (size_t i = 0; i < n; i++) {          /* drop all but the last of each name */
    size_t j;
    for (j = i + 1; j < n && strcmp(kv[i].key, kv[j].key); j++) {}
    sorted[i] = j < n ? (struct kv){NULL, NULL} : kv[i];
  }
  qsort(sorted, n, sizeof *sorted, by_key_nulls_last);
  for (size_t i = 0; i < n && sorted[i].key; i++) {
    kh_str(k, sorted[i].key);
    kh_str(k, sorted[i].value);
  }
  free(sorted);
  return 0;
}

/* A set of strings, kept small (module and network names). */
struct names {
  char **s;
  size_t n, cap;
};

static int names_add(struct names *ns, const char *s, size_t len, struct sl_err *e) {
  char **g, *d;
  for (size_t i = 0; i < ns->n; i++)
    if (strlen(ns->s[i]) == len && !strncmp(ns->s[i], s, len)) return 0;
  if (!(g = sl_grow(ns->s, &ns->cap, ns->n + 1, sizeof *g, e))) return -1;
  ns->s = g;
  if (!(d = sl_alloc(len + 1, e))) return -1;
  memcpy(d, s, len);
  d[len] = 0;
  ns->s[ns->n++] = d;
  return 0;
}

static void names_free(struct names *ns) {
  for (size_t i = 0; i < ns->n; i++) free(ns->s[i]);
  free(ns->s);
  memset(ns, 0, sizeof *ns);
}

/* {===================================================================
** Lua sources: comments and layout out, requires found statically
** =================================================================== */

/* Policies are hashed as their token text: comments dropped and every run
** of white space (comments included) turned into one space. Editing a
** comment or re-indenting keeps the key; any change to the code changes it.
** Lua 5.4 gives line breaks no meaning, so this text is the same program.
** Only the line numbers in a failed run's message can differ, and failed
** runs are never reused. */

enum tok { T_END, T_NAME, T_STRING, T_OTHER };

struct lex {
  const char *s;
  size_t n, i;
};

/* At s[i] == '[': the level of a long bracket `[==[` (number of '='), or -1. */
static int long_open(const struct lex *x, size_t i) {
  size_t j = i + 1;
  while (j < x->n && x->s[j] == '=') j++;
  return j < x->n && x->s[j] == '[' ? (int)(j - i - 1) : -1;
}

/* Skip past the `]==]` closing a long bracket of `level` opened before i. */
static size_t long_close(const struct lex *x, size_t i, int level) {
  for (; i < x->n; i++) {
    size_t j = i + 1;
    if (x->s[i] != ']') continue;
    while (j < x->n && x->s[j] == '=') j++;
    if (j < x->n && x->s[j] == ']' && (int)(j - i - 1) == level) return j + 1;
  }
  return x->n;
}

/* The next token at [*start, *start + *len); *gap: white space or a comment
** came before it. Strings keep their quotes; body and blen give their content. */
static enum tok lex_next(struct lex *x, size_t *start, size_t *len, int *gap, size_t *body,
                         size_t *blen) {
  const char *s = x->s;
  *gap = 0;
  for (;;) {
    int level;
    while (x->i < x->n && (s[x->i] == ' ' || s[x->i] == '\t' || s[x->i] == '\n' ||
                           s[x->i] == '\r' || s[x->i] == '\f' || s[x->i] == '\v')) {
      x->i++;
      *gap = 1;
    }
    if (x->i + 1 >= x->n || s[x->i] != '-' || s[x->i + 1] != '-') break;
    *gap = 1;                                 /* a comment */
    x->i += 2;
    if (x->i < x->n && s[x->i] == '[' && (level = long_open(x, x->i)) >= 0) {
      x->i = long_close(x, x->i + (size_t)level + 2, level);
    } else {
      while (x->i < x->n && s[x->i] != '\n') x->i++;
    }
  }
  *start = x->i;
  if (x->i >= x->n) { *len = 0; return T_END; }
  {
    char c = s[x->i];
    int level;
    if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      while (x->i < x->n && (s[x->i] == '_' || (s[x->i] >= 'a' && s[x->i] <= 'z') ||
                             (s[x->i] >= 'A' && s[x->i] <= 'Z') || (s[x->i] >= '0' && s[x->i] <= '9')))
        x->i++;
      *len = x->i - *start;
      return T_NAME;
    }
    if (c == '"' || c == '\'') {
      x->i++;
      while (x->i < x->n && s[x->i] != c && s[x->i] != '\n') x->i += s[x->i] == '\\' ? 2 : 1;
      if (x->i > x->n) x->i = x->n;
      *body = *start + 1;
      *blen = x->i - *body;
      if (x->i < x->n) x->i++;               /* the closing quote */
      *len = x->i - *start;
      return T_STRING;
    }
    if (c == '[' && (level = long_open(x, x->i)) >= 0) {
      *body = x->i + (size_t)level + 2;
      x->i = long_close(x, *body, level);
      *blen = x->i >= *body + (size_t)level + 2 ? x->i - *body - (size_t)level - 2 : 0;
      *len = x->i - *start;
      return T_STRING;
    }
    x->i++;
    *len = 1;
    return T_OTHER;
  }
}

/* A source's token text into `out`, and the modules it requires into
** `mods`. *dynamic is set when require is used other than as
** require "name" / require("name"), or _G / _ENV could reach it: then the
** modules it loads cannot be known without running it. */
static int lua_normalise(const char *src, size_t n, struct sl_buf *out, struct names *mods,
                         int *dynamic, struct sl_err *e) {
  struct lex x = {src, n, 0};
  size_t st, len, body = 0, blen = 0;
  int gap;
  enum tok t, prev = T_END;
  char prev_c = 0;
  int want = 0;                               /* 1: after require; 2: after require( */
  size_t name_at = 0, name_len = 0;
  while ((t = lex_next(&x, &st, &len, &gap, &body, &blen)) != T_END) {
    if (gap && out->len) sl_buf_add(out, " ", 1);
    sl_buf_add(out, src + st, len);
    if (want == 3) {                          /* require("name" -- expecting ")" */
      if (t == T_OTHER && src[st] == ')') {
        if (names_add(mods, src + name_at, name_len, e) < 0) return -1;
      } else {
        *dynamic = 1;
      }
      want = 0;
    } else if (want == 1 || want == 2) {
      if (t == T_STRING) {
        name_at = body;
        name_len = blen;
        if (want == 1) {
          if (names_add(mods, src + name_at, name_len, e) < 0) return -1;
          want = 0;
        } else {
          want = 3;
        }
      } else if (want == 1 && t == T_OTHER && src[st] == '(') {
        want = 2;
      } else {
        *dynamic = 1;
        want = 0;
      }
    } else if (t == T_NAME) {
      int field = prev == T_OTHER && (prev_c == '.' || prev_c == ':');
      if (!field && len == 7 && !strncmp(src + st, "require", 7)) want = 1;
      else if ((len == 2 && !strncmp(src + st, "_G", 2)) || (len == 4 && !strncmp(src + st, "_ENV", 4)))
        *dynamic = 1;
    }
    prev = t;
    prev_c = src[st];
  }
  if (want) *dynamic = 1;
  return out->oom ? sl_errf(e, "out of memory") : 0;
}

/* Hash one Lua file as name and token text, collecting its requires. */
static int kh_lua(struct keyhash *k, const char *name, const char *path, struct names *mods,
                  int *dynamic, struct sl_err *e) {
  struct sl_buf norm = {0};
  struct sl_err ignore;
  size_t len;
  char *src;
  kh_str(k, name);
  if (!(src = sl_read_file(path, &len, &ignore))) {
    kh_str(k, "(unreadable)");               /* the run will fail loading it */
    return 0;
  }
  if (lua_normalise(src, len, &norm, mods, dynamic, e) < 0) {
    free(src);
    sl_buf_free(&norm);
    return -1;
  }
  kh_bytes(k, norm.s ? norm.s : "", norm.len);
  free(src);
  sl_buf_free(&norm);
  return 0;
}

static int lua_entry(const struct dirent *d) {
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".lua");
}

/* Every module require could reach: the *.lua of a folder, by name. */
static int add_dir_modules(struct names *mods, const char *dir, struct sl_err *e) {
  struct dirent **list;
  int n = scandir(dir, &list, lua_entry, alphasort), rc = 0;
  for (int i = 0; i < n; i++) {
    if (rc == 0) rc = names_add(mods, list[i]->d_name, strlen(list[i]->d_name) - 4, e);
    free(list[i]);
  }
  if (n >= 0) free(list);
  return rc;
}

/* The policy and every module it requires, resolved as the sandbox's
** require does (the policy's folder, then policies_lua/; names only). The
** modules are found statically, so the key is the same before and after a
** run loads them. */
static int kh_policy(struct keyhash *k, const char *policy, struct sl_err *e) {
  char path[1400], chunk[1100], home[1024], dir[1100], pdir[1100];
  const char *base, *slash;
  struct names mods = {0};
  int dynamic = 0, rc = -1;
  size_t i = 0;
  sim_policy_path(policy, path, sizeof path, chunk, sizeof chunk);
  slash = strrchr(path, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
  snprintf(pdir, sizeof pdir, "%s/policies_lua", sl_home(home, sizeof home));
  base = slash ? slash + 1 : path;
  kh_str(k, "policy");
  if (kh_lua(k, base, path, &mods, &dynamic, e) < 0) goto done;
  /* Close the set of modules over their own requires; hashing follows in
  ** name order, so the order they were found in does not matter. */
  for (;;) {
    for (; i < mods.n; i++) {
      struct keyhash scratch = {0, 0};
      char mpath[2300];
      snprintf(mpath, sizeof mpath, "%s/%s.lua", dir, mods.s[i]);
      if (!file_exists(mpath)) snprintf(mpath, sizeof mpath, "%s/%s.lua", pdir, mods.s[i]);
      if (kh_lua(&scratch, mods.s[i], mpath, &mods, &dynamic, e) < 0) goto done;
    }
    if (!dynamic) break;
    if (add_dir_modules(&mods, dir, e) < 0 || add_dir_modules(&mods, pdir, e) < 0) goto done;
    dynamic = 0;
    if (i == mods.n) break;
  }
  if (mods.n) qsort(mods.s, mods.n, sizeof *mods.s, sl_cmp_str);
  kh_str(k, "modules");
  for (i = 0; i < mods.n; i++) {
    char mpath[2300];
    int dyn = 0;
    struct names ignore = {0};
    snprintf(mpath, sizeof mpath, "%s/%s.lua", dir, mods.s[i]);
    if (!file_exists(mpath)) snprintf(mpath, sizeof mpath, "%s/%s.lua", pdir, mods.s[i]);
    rc = kh_lua(k, mods.s[i], mpath, &ignore, &dyn, e);
    names_free(&ignore);
    if (rc < 0) goto done;
  }
  rc = 0;
done:
  names_free(&mods);
  return rc;
}

/* }=================================================================== */

/* {===================================================================
** The device and the network tables it reads
** =================================================================== */

/* Only the profile device takes latencies from its own table; the others
** (npu) read device files, which may name a `base`, and compile networks
** from the layer tables of traces/networks/. */
static int reads_layer_tables(const char *spec) { return strncmp(spec, "profile", 7) != 0; }

/* A device file, and the presets its `base =` chain starts from, found
** as the device finds them (devfile.c). */
static void kh_device_file(struct keyhash *k, const char *path, int depth) {
  char base[2048];
  struct sl_err ignore;                       /* the run reports a bad file */
  kh_file(k, path);
  if (depth < DEVFILE_BASE_DEPTH && devfile_base("device", path, base, sizeof base, &ignore) == 1) {
    kh_str(k, "base");
    kh_device_file(k, base, depth + 1);
  }
}

/* A device file argument as the device resolves it: an existing file, else
** a preset of traces/devices/. Only the name of a preset is hashed, never a
** path: the key must not change when the checkout moves. */
static void kh_device_arg(struct keyhash *k, const char *arg) {
  char path[2048];
  struct sl_err ignore;
  if (devfile_resolve("device", arg, path, sizeof path, &ignore) < 0) kh_str(k, "(unreadable)");
  else kh_device_file(k, path, 0);
}

static void kh_device(struct keyhash *k, const char *spec) {
  const char *colon = strchr(spec, ':');
  kh_str(k, "device");
  if (!colon) {                               /* a preset: KIND-NAME */
    kh_str(k, spec);
    kh_device_arg(k, spec);
    return;
  }
  kh_bytes(k, spec, (size_t)(colon - spec));  /* the kind; its file by content */
  if (!reads_layer_tables(spec)) {
    kh_file(k, colon + 1);
    return;
  }
  if (!file_exists(colon + 1) && !strchr(colon + 1, '/')) kh_str(k, colon + 1);
  kh_device_arg(k, colon + 1);
}

/* The distinct values of a trace file's network column. */
static int trace_networks(const char *path, struct names *nets, struct sl_err *e) {
  struct csv c;
  struct sl_err ignore;
  int col, r;
  if (csv_open(&c, path, &ignore) < 0) return 0;   /* the run reports it */
  if ((col = csv_col(&c, "network")) < 0) { csv_close(&c); return 0; }
  while ((r = csv_next(&c, &ignore)) == 1) {
    const char *v = c.field[col];
    if (nets->n && !strcmp(nets->s[nets->n - 1], v)) continue;   /* runs of one network */
    if (names_add(nets, v, strlen(v), e) < 0) { csv_close(&c); return -1; }
  }
  csv_close(&c);
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** The cache: digests by what they are of (a kind letter and a name)
** =================================================================== */

struct runkey_entry {
  char *name;              /* NULL: empty slot */
  uint64_t h;
  struct keyhash d;
};

static const struct keyhash seed_hash = {0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL};

static int cache_find(const struct runkey_cache *c, const char *name, uint64_t h, struct keyhash *d) {
  if (!c || !c->cap) return 0;
  for (size_t j = h & (c->cap - 1); c->slot[j].name; j = (j + 1) & (c->cap - 1))
    if (c->slot[j].h == h && !strcmp(c->slot[j].name, name)) {
      *d = c->slot[j].d;
      return 1;
    }
  return 0;
}

static int cache_put(struct runkey_cache *c, const char *name, uint64_t h, const struct keyhash *d,
                     struct sl_err *e) {
  size_t j;
  if (!c) return 0;
  if (2 * (c->n + 1) > c->cap) {              /* grow: at most half full */
    size_t nc = c->cap ? 2 * c->cap : 64;
    struct runkey_entry *ns = calloc(nc, sizeof *ns);
    if (!ns) return sl_errf(e, "out of memory");
    for (size_t i = 0; i < c->cap; i++) {
      if (!c->slot[i].name) continue;
      for (j = c->slot[i].h & (nc - 1); ns[j].name; j = (j + 1) & (nc - 1)) {}
      ns[j] = c->slot[i];
    }
    free(c->slot);
    c->slot = ns;
    c->cap = nc;
  }
  for (j = h & (c->cap - 1); c->slot[j].name; j = (j + 1) & (c->cap - 1)) {}
  if (!(c->slot[j].name = sl_strdup(name, e))) return -1;
  c->slot[j].h = h;
  c->slot[j].d = *d;
  c->n++;
  return 0;
}

void runkey_cache_free(struct runkey_cache *c) {
  for (size_t i = 0; i < c->cap; i++) free(c->slot[i].name);
  free(c->slot);
  memset(c, 0, sizeof *c);
}

/* Mix a part's digest into the key. */
static void kh_part(struct keyhash *k, const struct keyhash *d) {
  uint64_t w[2] = {d->a, d->b};
  kh_bytes(k, w, sizeof w);
}

/* The digest of one part, from the cache or computed by `fill`, then
** mixed into k. `what` names the part: a kind letter and a name. */
static int kh_cached(struct keyhash *k, struct runkey_cache *c, const char *what,
                     int (*fill)(struct keyhash *d, const char *arg, struct runkey_cache *c,
                                 struct sl_err *e),
                     const char *arg, struct sl_err *e) {
  struct keyhash d = seed_hash;
  uint64_t h = sl_hash(SL_HASH_INIT, what, strlen(what));
  if (!cache_find(c, what, h, &d)) {
    if (fill(&d, arg, c, e) < 0 || cache_put(c, what, h, &d, e) < 0) return -1;
  }
  kh_part(k, &d);
  return 0;
}

static int fill_policy(struct keyhash *d, const char *policy, struct runkey_cache *c,
                       struct sl_err *e) {
  (void)c;
  return kh_policy(d, policy, e);
}

static int fill_device(struct keyhash *d, const char *spec, struct runkey_cache *c,
                       struct sl_err *e) {
  (void)c;
  (void)e;
  kh_device(d, spec);
  return 0;
}

static int fill_file(struct keyhash *d, const char *path, struct runkey_cache *c, struct sl_err *e) {
  (void)c;
  (void)e;
  kh_file(d, path);
  return 0;
}

/* The layer tables of the networks the trace uses, by name and content. */
static int kh_networks(struct keyhash *k, struct names *nets, struct runkey_cache *c,
                       struct sl_err *e) {
  char home[1024];
  sl_home(home, sizeof home);
  if (nets->n) qsort(nets->s, nets->n, sizeof *nets->s, sl_cmp_str);
  kh_str(k, "networks");
  for (size_t i = 0; i < nets->n; i++) {
    const char *ref = nets->s[i], *br = strchr(ref, '[');
    size_t blen = br ? (size_t)(br - ref) : strlen(ref);
    char path[2100], what[2200];
    int is_path = memchr(ref, '/', blen) || (blen > 4 && !strncmp(ref + blen - 4, ".csv", 4));
    if (is_path) snprintf(path, sizeof path, "%.*s", (int)blen, ref);
    else snprintf(path, sizeof path, "%s/traces/networks/%.*s.csv", home, (int)blen, ref);
    kh_str(k, ref);
    snprintf(what, sizeof what, "F%s", path);
    if (kh_cached(k, c, what, fill_file, path, e) < 0) return -1;
  }
  return 0;
}

/* A trace file's content and, where the device compiles networks, the
** layer tables of the networks it names. */
static int fill_trace(struct keyhash *d, const char *path, struct runkey_cache *c,
                      struct sl_err *e) {
  struct names nets = {0};
  int rc;
  kh_str(d, "trace");
  kh_file(d, path);
  if (trace_networks(path, &nets, e) < 0) return -1;
  rc = kh_networks(d, &nets, c, e);
  names_free(&nets);
  return rc;
}

/* A trace read through a format spec: arg is "L" (the device reads layer
** tables) or "F", the spec's path, a newline, the trace's path. The trace's
** bytes as stored (compressed or not) and the networks its rows name. */
static int fill_spec_trace(struct keyhash *d, const char *arg, struct runkey_cache *c,
                           struct sl_err *e) {
  const char *nl = strchr(arg, '\n');
  char spec[4096];
  struct names nets = {0};
  struct trace t;
  struct trace_row row;
  struct sl_err ignore;
  int rc = 0;
  snprintf(spec, sizeof spec, "%.*s", (int)(nl - arg - 1), arg + 1);
  kh_str(d, "trace");
  kh_file(d, nl + 1);
  if (arg[0] != 'L') return 0;
  if (trace_open_format(&t, nl + 1, spec, &ignore) < 0) return 0;   /* the run reports it */
  while (rc == 0 && trace_next(&t, &row, &ignore) == 1)
    if (!nets.n || strcmp(nets.s[nets.n - 1], row.network))
      rc = names_add(&nets, row.network, strlen(row.network), e);
  trace_close(&t);
  if (rc == 0) rc = kh_networks(d, &nets, c, e);
  names_free(&nets);
  return rc;
}

/* A task set: its bytes (the overrides are hashed beside them) and, where
** the device compiles networks, the layer tables of the networks its tasks
** name with the overrides applied. arg: "L" or "F", then the path. */
static int fill_tasks(struct keyhash *d, const char *arg, struct runkey_cache *c,
                      struct sl_err *e) {
  (void)c;
  (void)e;
  kh_str(d, "tasks");
  kh_file(d, arg + 1);
  return 0;
}

static int kh_task_networks(struct keyhash *k, const struct sim_config *cfg,
                            struct runkey_cache *c, struct sl_err *e) {
  struct taskset ts;
  struct names nets = {0};
  struct sl_err ignore;
  int rc = 0;
  if (taskset_load(&ts, cfg->trace_path, cfg->tasks_params, cfg->ntasks_params, &ignore) < 0)
    return 0;                                /* the run reports it */
  for (size_t i = 0; i < ts.n && rc == 0; i++)
    rc = names_add(&nets, ts.tasks[i].network, strlen(ts.tasks[i].network), e);
  taskset_free(&ts);
  if (rc == 0) rc = kh_networks(k, &nets, c, e);
  names_free(&nets);
  return rc;
}

/* }=================================================================== */

int run_key(const struct sim_config *cfg, const struct run_gen *gen, const struct kv *labels,
            size_t nlabels, struct runkey_cache *cache, char out[RUN_KEY_LEN + 1],
            struct sl_err *e) {
  struct keyhash k = seed_hash;
  char num[160], what[2200];
  /* The engine: its sources (hashed at build time) and the Lua it embeds
  ** (math.random and table traversal belong to the Lua release). */
  kh_str(&k, SL_SRCHASH);
  kh_str(&k, LUA_RELEASE);
  snprintf(what, sizeof what, "P%s", cfg->policy);
  if (kh_cached(&k, cache, what, fill_policy, cfg->policy, e) < 0) return -1;
  if (kh_params(&k, "params", cfg->params, cfg->nparams, e) < 0) return -1;
  snprintf(what, sizeof what, "D%s", cfg->device_spec);
  if (kh_cached(&k, cache, what, fill_device, cfg->device_spec, e) < 0) return -1;
  if (kh_params(&k, "device params", cfg->dev_params, cfg->ndev_params, e) < 0) return -1;
  if (gen) {                                  /* a generated trace: its description */
    struct names nets = {0};
    struct gen g;
    int rc = 0;
    kh_str(&k, "gen");
    kh_str(&k, gen->kind);
    if (kh_params(&k, "gen params", gen->params, gen->nparams, e) < 0) return -1;
    if (reads_layer_tables(cfg->device_spec)) {
      struct sl_err ignore;
      if (gen_parse(&g, gen->kind, gen->params, gen->nparams, &ignore) == 0)
        for (size_t i = 0; i < g.ncls && rc == 0; i++)
          rc = names_add(&nets, g.cls[i].network, strlen(g.cls[i].network), e);
      gen_free(&g);
      if (rc == 0) rc = kh_networks(&k, &nets, cache, e);
      names_free(&nets);
      if (rc < 0) return -1;
    }
  } else if (cfg->trace_is_tasks) {          /* the task set's bytes and param overrides */
    snprintf(what, sizeof what, "K%s", cfg->trace_path);
    if (kh_cached(&k, cache, what, fill_tasks, what, e) < 0) return -1;
    if (kh_params(&k, "tasks params", cfg->tasks_params, cfg->ntasks_params, e) < 0) return -1;
    if (reads_layer_tables(cfg->device_spec) && kh_task_networks(&k, cfg, cache, e) < 0) return -1;
  } else if (cfg->trace_format) {            /* the spec's text, and the trace through it */
    char spec[4096], sarg[8400];
    fmt_spec_path(cfg->trace_format, spec, sizeof spec);
    kh_str(&k, "format");
    kh_file(&k, spec);
    snprintf(sarg, sizeof sarg, "S%c%s\n%s", reads_layer_tables(cfg->device_spec) ? 'L' : 'F',
             spec, cfg->trace_path);
    if (kh_cached(&k, cache, sarg, fill_spec_trace, sarg + 1, e) < 0) return -1;
  } else if (reads_layer_tables(cfg->device_spec)) {
    snprintf(what, sizeof what, "T%s", cfg->trace_path);
    if (kh_cached(&k, cache, what, fill_trace, cfg->trace_path, e) < 0) return -1;
  } else {
    kh_str(&k, "trace");
    snprintf(what, sizeof what, "F%s", cfg->trace_path);
    if (kh_cached(&k, cache, what, fill_file, cfg->trace_path, e) < 0) return -1;
  }
  /* The limits a policy may hit change whether a run fails. */
  snprintf(num, sizeof num, "%llu/%.17g/%lld/%zu", (unsigned long long)cfg->seed,
           cfg->predict_sigma, (long long)cfg->hook_budget, cfg->lua_mem_limit);
  kh_str(&k, num);
  /* What a run stores beyond the default rows: a run asked to keep its
  ** intervals must not be answered by a stored run that lacks them. Hashed
  ** only when set, so other keys stay as they were. */
  if (cfg->record_intervals) kh_str(&k, "record:intervals");
  /* Hashed only when there are some, so `run` and a sweep without labels
  ** agree on one configuration's key. */
  for (size_t i = 0; i < nlabels; i++)
    if (!strncmp(labels[i].key, "var.", 4)) {
      kh_str(&k, labels[i].key);
      kh_str(&k, labels[i].value);
    }
  snprintf(out, RUN_KEY_LEN + 1, "%016llx%016llx", (unsigned long long)k.a,
           (unsigned long long)k.b);
  return 0;
}
