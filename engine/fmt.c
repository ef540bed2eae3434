/*
** fmt.c — trace format specs: parsing a spec, compiling its patterns, and
** turning the lines of a trace into requests. The language is described in
** traces/formats/README.md; fmt.h has the interface.
*/
#define PCRE2_CODE_UNIT_WIDTH 8
#include "fmt.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Work one line's match may do before it counts as a bad line: far above
** what any sane pattern needs on a 1 MiB line, low enough that a pattern
** that backtracks catastrophically stops within a second. */
#define MATCH_LIMIT 10000000u
#define JIT_STACK_MAX (1u << 20)

/* {===================================================================
** The compiled spec
** =================================================================== */

enum ref_kind { REF_GROUP, REF_ATTR, REF_FILE };

/* A value a rule reads: a named group of the pattern, or an attr, looked up
** in a map when `map` >= 0. */
struct ref {
  enum ref_kind kind;
  int idx;                 /* group number, or attr index (REF_FILE: the input's name) */
  int map;                 /* map index, or -1 */
};

struct piece {             /* of a template: literal text, then an optional value */
  char *lit;
  size_t litlen;
  int has_ref;
  struct ref ref;
};

struct tpl {
  struct piece *p;
  size_t n;
  int per_file;            /* no value but {_file}: rendered once per input file */
  int done;                /* per_file: rendered for the current file */
};

struct factor {            /* of a product */
  int is_const;
  int64_t c;
  struct ref ref;
};

struct expr {
  struct factor *f;
  size_t n;
};

struct attr {
  char *name;
  struct expr x;
  int64_t round, min, max;  /* round: a multiple to round up to (0: none) */
  int bits;                 /* significant binary digits to round up to (0: none) */
  int64_t val;              /* this line's value */
  char txt[24];             /* and as text, at txtp (written backwards from the end) */
  const char *txtp;
  size_t txtlen;
};

struct map_ent {
  char *key, *val;
  long line;
};

struct map {
  char *name;
  struct map_ent *e;
  size_t n, cap;
  char *dflt;              /* the `*` entry, or NULL */
  long line;
};

/* Absolute formats come before T_S: they count from the first record. */
enum tfmt { T_DATETIME, T_CLF, T_EPOCH_S, T_EPOCH_MS, T_EPOCH_US, T_EPOCH_NS, T_S, T_MS, T_US,
            T_NS, T_N };
static const char *const tfmt_names[T_N] = {"datetime", "clf", "epoch_s", "epoch_ms", "epoch_us",
                                            "epoch_ns", "s", "ms", "us", "ns"};
static const int tfmt_scale[T_N] = {0, 0, 9, 6, 3, 0, 9, 6, 3, 0};

/* The single-valued keys, in the order they are resolved. */
enum key { K_PATTERN, K_HEADER, K_COMMENT, K_ARRIVAL, K_DEADLINE, K_NETWORK, K_TENANT,
           K_WORKLOAD, K_BATCH, K_PRIORITY, K_N };
static const char *const key_names[K_N] = {"pattern", "header", "comment", "arrival", "deadline",
                                           "network", "tenant", "workload", "batch", "priority"};

/* The date and hour last read, "YYYY-MM-DD HH", and their seconds since the
** epoch: consecutive records of a trace mostly share them. */
struct dt_cache {
  char key[13];
  int64_t secs;
  int valid;
};

struct raw {               /* a key's text as the spec gave it */
  char *val;
  long line;
};

struct fmt {
  char *path;
  struct raw raw[K_N];
  pcre2_code *re, *hdr, *cmt;
  pcre2_code *re_diag;     /* the pattern without the end anchor, which partial matching refuses */
  int re_jit, hdr_jit, cmt_jit;
  pcre2_match_data *md, *md_small;
  pcre2_match_context *mctx;
  pcre2_jit_stack *jstack;
  uint32_t ngroups;
  struct ref arrival;
  enum tfmt arrival_fmt;
  int has_deadline, deadline_is_const, deadline_scale;
  struct ref deadline;
  char *deadline_const;
  struct tpl network, tenant, workload;
  int has_tenant, has_workload;
  struct expr batch, priority;
  struct attr *attrs;
  size_t nattrs, attrs_cap;
  struct map *maps;
  size_t nmaps, maps_cap;
  /* Per line / per stream state. */
  int seen_record;         /* in the current file: header lines come before it */
  int have_origin;
  sl_ns origin;
  const char *line;
  PCRE2_SIZE *ov;
  struct dt_cache dtc;
  char file[256];          /* {_file}: the input's base name, without extensions */
  size_t filelen;
  struct sl_buf bnet, bten, bwl;
};

/* }=================================================================== */

/* {===================================================================
** Small text helpers
** =================================================================== */

/* A whole number: optional sign, digits, and an optional fraction of zeros
** ("30.0", as some traces print integers). 0, or -1 when not one. */
static int parse_whole(const char *s, size_t n, int64_t *out) {
  size_t i = 0;
  int neg = 0, any = 0;
  uint64_t v = 0;
  if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
    if (v > (UINT64_MAX - 9) / 10) return -1;
    v = v * 10 + (uint64_t)(s[i] - '0');
    any = 1;
  }
  if (i < n && s[i] == '.')
    for (i++; i < n && s[i] == '0'; i++) {}
  if (!any || i != n || v > (uint64_t)INT64_MAX) return -1;
  *out = neg ? -(int64_t)v : (int64_t)v;
  return 0;
}

/* A bounded, printable excerpt of text for a message. */
static void excerpt(char *out, size_t nout, const char *s, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 6 < nout; i++) {
    unsigned char c = (unsigned char)s[i];
    if (i == 60) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    if (c >= 0x20 && c < 0x7f) out[o++] = (char)c;
    else o += (size_t)snprintf(out + o, nout - o, "\\x%02x", c);
  }
  out[o] = 0;
}

/* }=================================================================== */

/* {===================================================================
** Parsing the spec
** =================================================================== */

static int spec_err(struct fmt *f, long line, struct sl_err *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int spec_err(struct fmt *f, long line, struct sl_err *e, const char *fmt, ...) {
  char msg[3000];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return sl_errf(e, "%s:%ld: %s", f->path, line, msg);
}

/* The names of the pattern's groups, for a message. */
static void group_list(const struct fmt *f, char *out, size_t n) {
  uint32_t count = 0, size = 0;
  PCRE2_SPTR table;
  size_t o = 0;
  out[0] = 0;
  pcre2_pattern_info(f->re, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(f->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
  pcre2_pattern_info(f->re, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < count && o + 4 < n; i++)
    o += (size_t)snprintf(out + o, n - o, "%s%s", i ? ", " : "", (const char *)table + i * size + 2);
  if (!count) snprintf(out, n, "none: name them with (?<name>...)");
}

static int find_map(const struct fmt *f, const char *name, size_t n) {
  for (size_t i = 0; i < f->nmaps; i++)
    if (strlen(f->maps[i].name) == n && !memcmp(f->maps[i].name, name, n)) return (int)i;
  return -1;
}

/* NAME or NAME|MAP: an attr declared before `nattrs_visible`, else a group. */
static int parse_ref(struct fmt *f, const char *s, size_t n, size_t nattrs_visible, long line,
                     const char *what, struct ref *r, struct sl_err *e) {
  const char *bar = memchr(s, '|', n);
  size_t nl = bar ? (size_t)(bar - s) : n;
  char name[256], groups[1024];
  int num;
  r->map = -1;
  if (bar) {
    const char *m = bar + 1;
    size_t mn = n - nl - 1;
    if ((r->map = find_map(f, m, mn)) < 0)
      return spec_err(f, line, e, "%s: no map named '%.*s' (declare it with `map %.*s KEY = VALUE`)",
                      what, (int)mn, m, (int)mn, m);
  }
  if (!sl_is_ident(s, nl) || nl >= sizeof name)
    return spec_err(f, line, e, "%s: '%.*s' is not a group or attr name (letters, digits, _)", what,
                    (int)nl, s);
  memcpy(name, s, nl);
  name[nl] = 0;
  if (!strcmp(name, "_file")) {
    r->kind = REF_FILE;
    r->idx = 0;
    return 0;
  }
  for (size_t i = 0; i < nattrs_visible; i++)
    if (!strcmp(f->attrs[i].name, name)) {
      r->kind = REF_ATTR;
      r->idx = (int)i;
      return 0;
    }
  num = pcre2_substring_number_from_name(f->re, (PCRE2_SPTR)name);
  if (num == PCRE2_ERROR_NOUNIQUESUBSTRING)
    return spec_err(f, line, e, "%s: group '%s' is named more than once in the pattern", what, name);
  if (num < 0) {
    group_list(f, groups, sizeof groups);
    return spec_err(f, line, e, "%s: no group or attr named '%s' (the pattern's groups: %s)", what,
                    name, groups);
  }
  r->kind = REF_GROUP;
  r->idx = num;
  return 0;
}

/* A template: literal text with {NAME} and {NAME|MAP} values. */
static int parse_tpl(struct fmt *f, const char *s, long line, const char *what, struct tpl *t,
                     struct sl_err *e) {
  while (*s) {
    const char *open = strchr(s, '{'), *close;
    struct piece *p;
    size_t litlen = open ? (size_t)(open - s) : strlen(s);
    void *grown;
    if (!(grown = realloc(t->p, (t->n + 1) * sizeof *t->p))) return sl_errf(e, "out of memory");
    t->p = grown;
    p = &t->p[t->n++];
    memset(p, 0, sizeof *p);
    if (!(p->lit = malloc(litlen + 1))) return sl_errf(e, "out of memory");
    memcpy(p->lit, s, litlen);
    p->lit[litlen] = 0;
    p->litlen = litlen;
    if (!open) break;
    if (!(close = strchr(open, '}')))
      return spec_err(f, line, e, "%s: '{' without a closing '}'", what);
    if (parse_ref(f, open + 1, (size_t)(close - open - 1), f->nattrs, line, what, &p->ref, e) < 0)
      return -1;
    p->has_ref = 1;
    s = close + 1;
  }
  t->per_file = 1;
  for (size_t i = 0; i < t->n; i++)
    if (t->p[i].has_ref && t->p[i].ref.kind != REF_FILE) t->per_file = 0;
  return 0;
}

/* A product of factors: integers, NAME, NAME|MAP, separated by '*'. */
static int parse_expr(struct fmt *f, const char *s, size_t nattrs_visible, long line,
                      const char *what, struct expr *x, struct sl_err *e) {
  for (;;) {
    const char *star = strchr(s, '*');
    size_t n = star ? (size_t)(star - s) : strlen(s);
    struct factor *fa;
    void *grown;
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (!n) return spec_err(f, line, e, "%s: an empty factor (write NAME, N, or NAME * NAME)", what);
    if (!(grown = realloc(x->f, (x->n + 1) * sizeof *x->f))) return sl_errf(e, "out of memory");
    x->f = grown;
    fa = &x->f[x->n++];
    memset(fa, 0, sizeof *fa);
    if ((*s >= '0' && *s <= '9') || *s == '-' || *s == '+') {
      if (parse_whole(s, n, &fa->c) < 0)
        return spec_err(f, line, e, "%s: '%.*s' is not a whole number", what, (int)n, s);
      fa->is_const = 1;
    } else if (parse_ref(f, s, n, nattrs_visible, line, what, &fa->ref, e) < 0) {
      return -1;
    }
    if (!star) return 0;
    s = star + 1;
  }
}

static int compile_re(struct fmt *f, long line, const char *what, const char *src, uint32_t opts,
                      pcre2_code **re, int *jit, struct sl_err *e) {
  int code;
  PCRE2_SIZE off;
  PCRE2_UCHAR msg[256];
  *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opts | PCRE2_NEVER_BACKSLASH_C, &code,
                      &off, NULL);
  if (!*re) {
    pcre2_get_error_message(code, msg, sizeof msg);
    return spec_err(f, line, e, "%s does not compile, at offset %zu: %s", what, (size_t)off,
                    (const char *)msg);
  }
  /* Without JIT support (some platforms) the interpreter matches the same. */
  *jit = pcre2_jit_compile(*re, PCRE2_JIT_COMPLETE) == 0;
  return 0;
}

static int parse_time_fmt(const char *s, enum tfmt *t) {
  for (int i = 0; i < T_N; i++)
    if (!strcmp(s, tfmt_names[i])) { *t = (enum tfmt)i; return 0; }
  return -1;
}

/* "NAME as FMT": the name's text and the format's. */
static int split_as(struct fmt *f, char *v, long line, const char *what, char **name, char **unit,
                    struct sl_err *e) {
  char *as = strstr(v, " as ");
  if (!as)
    return spec_err(f, line, e, "%s: expected `GROUP as FORMAT`, got '%s'", what, v);
  *as = 0;
  *name = sl_trim(v);
  *unit = sl_trim(as + 4);
  return 0;
}

static int resolve_arrival(struct fmt *f, struct sl_err *e) {
  struct raw *r = &f->raw[K_ARRIVAL];
  char *name = NULL, *unit = NULL;
  if (split_as(f, r->val, r->line, "arrival", &name, &unit, e) < 0) return -1;
  if (parse_time_fmt(unit, &f->arrival_fmt) < 0)
    return spec_err(f, r->line, e, "arrival: unknown timestamp format '%s' (datetime, clf, "
                                   "epoch_s, epoch_ms, epoch_us, epoch_ns, s, ms, us, ns)", unit);
  if (parse_ref(f, name, strlen(name), 0, r->line, "arrival", &f->arrival, e) < 0) return -1;
  if (f->arrival.map >= 0 || f->arrival.kind == REF_FILE)
    return spec_err(f, r->line, e, "arrival: a time comes from a group of the pattern");
  return 0;
}

static int resolve_deadline(struct fmt *f, struct sl_err *e) {
  struct raw *r = &f->raw[K_DEADLINE];
  char *name = NULL, *unit = NULL;
  enum tfmt t;
  int64_t probe;
  if (split_as(f, r->val, r->line, "deadline", &name, &unit, e) < 0) return -1;
  if (parse_time_fmt(unit, &t) < 0 || t < T_S)
    return spec_err(f, r->line, e, "deadline: unknown unit '%s' (s, ms, us, ns: a time after the "
                                   "arrival)", unit);
  f->has_deadline = 1;
  f->deadline_scale = tfmt_scale[t];
  if ((*name >= '0' && *name <= '9') || *name == '.') {
    if (sl_parse_decimal_scaled(name, strlen(name), f->deadline_scale, &probe) != 0 || probe < 0 ||
        probe > SL_TIME_LIMIT)
      return spec_err(f, r->line, e, "deadline: '%s' is not a time >= 0", name);
    f->deadline_is_const = 1;
    if (!(f->deadline_const = sl_strdup(name, e))) return -1;
    return 0;
  }
  return parse_ref(f, name, strlen(name), f->nattrs, r->line, "deadline", &f->deadline, e);
}

/* attr NAME = EXPR [round Q] [bits K] [min A] [max B] */
static int add_attr(struct fmt *f, const char *name, char *v, long line, struct sl_err *e) {
  struct attr *a;
  char *tok[64], *save = NULL, expr[1024];
  size_t nt = 0, i, o = 0;
  void *grown;
  char what[300];
  snprintf(what, sizeof what, "attr %s", name);
  if (!sl_is_ident(name, strlen(name)))
    return spec_err(f, line, e, "attr: '%s' is not a name (letters, digits, _)", name);
  for (i = 0; i < f->nattrs; i++)
    if (!strcmp(f->attrs[i].name, name)) return spec_err(f, line, e, "attr %s: declared twice", name);
  if (pcre2_substring_number_from_name(f->re, (PCRE2_SPTR)name) >= 0 ||
      pcre2_substring_number_from_name(f->re, (PCRE2_SPTR)name) == PCRE2_ERROR_NOUNIQUESUBSTRING)
    return spec_err(f, line, e, "attr %s: the pattern has a group of that name", name);
  if (!(grown = sl_grow(f->attrs, &f->attrs_cap, f->nattrs + 1, sizeof *f->attrs, e))) return -1;
  f->attrs = grown;
  a = &f->attrs[f->nattrs];
  memset(a, 0, sizeof *a);
  a->min = INT64_MIN;
  a->max = INT64_MAX;
  for (char *t = strtok_r(v, " \t", &save); t && nt < 64; t = strtok_r(NULL, " \t", &save))
    tok[nt++] = t;
  for (i = 0; i < nt && strcmp(tok[i], "round") && strcmp(tok[i], "bits") && strcmp(tok[i], "min") &&
              strcmp(tok[i], "max");
       i++)
    o += (size_t)snprintf(expr + o, o < sizeof expr ? sizeof expr - o : 0, "%s", tok[i]);
  if (o >= sizeof expr) return spec_err(f, line, e, "%s: expression too long", what);
  expr[o] = 0;
  if (!(a->name = sl_strdup(name, e))) return -1;
  f->nattrs++;             /* owned from here, freed with the spec */
  if (parse_expr(f, expr, f->nattrs - 1, line, what, &a->x, e) < 0) return -1;
  for (; i < nt; i += 2) {
    int64_t val;
    if (i + 1 >= nt || parse_whole(tok[i + 1], strlen(tok[i + 1]), &val) < 0)
      return spec_err(f, line, e, "%s: '%s' needs a whole number after it", what, tok[i]);
    if (!strcmp(tok[i], "round")) {
      if (val < 1) return spec_err(f, line, e, "%s: round must be >= 1", what);
      a->round = val;
    } else if (!strcmp(tok[i], "bits")) {
      if (val < 1 || val > 62) return spec_err(f, line, e, "%s: bits must be in [1, 62]", what);
      a->bits = (int)val;
    } else if (!strcmp(tok[i], "min")) {
      a->min = val;
    } else if (!strcmp(tok[i], "max")) {
      a->max = val;
    } else {
      return spec_err(f, line, e, "%s: unexpected '%s' (after the expression: round Q, bits K, min A, max B)",
                      what, tok[i]);
    }
  }
  if (a->min > a->max) return spec_err(f, line, e, "%s: min is above max", what);
  return 0;
}

/* map TABLE KEY = VALUE (KEY `*`: the default) */
static int add_map_entry(struct fmt *f, const char *table, const char *key, const char *val,
                         long line, struct sl_err *e) {
  int i = find_map(f, table, strlen(table));
  struct map *m;
  if (!sl_is_ident(table, strlen(table)))
    return spec_err(f, line, e, "map: '%s' is not a name (letters, digits, _)", table);
  if (i < 0) {
    void *grown = sl_grow(f->maps, &f->maps_cap, f->nmaps + 1, sizeof *f->maps, e);
    if (!grown) return -1;
    f->maps = grown;
    m = &f->maps[f->nmaps];
    memset(m, 0, sizeof *m);
    if (!(m->name = sl_strdup(table, e))) return -1;
    m->line = line;
    f->nmaps++;
  } else {
    m = &f->maps[i];
  }
  if (!strcmp(key, "*")) {
    if (m->dflt) return spec_err(f, line, e, "map %s: a second default (`*`) entry", table);
    return (m->dflt = sl_strdup(val, e)) ? 0 : -1;
  }
  {
    void *grown = sl_grow(m->e, &m->cap, m->n + 1, sizeof *m->e, e);
    if (!grown) return -1;
    m->e = grown;
  }
  m->e[m->n].line = line;
  m->e[m->n].key = sl_strdup(key, e);
  m->e[m->n].val = sl_strdup(val, e);
  if (!m->e[m->n].key || !m->e[m->n].val) {
    free(m->e[m->n].key);
    free(m->e[m->n].val);
    return -1;
  }
  m->n++;
  return 0;
}

static int ent_cmp(const void *a, const void *b) {
  return strcmp(((const struct map_ent *)a)->key, ((const struct map_ent *)b)->key);
}

static int sort_maps(struct fmt *f, struct sl_err *e) {
  for (size_t i = 0; i < f->nmaps; i++) {
    struct map *m = &f->maps[i];
    if (m->n) qsort(m->e, m->n, sizeof *m->e, ent_cmp);
    for (size_t j = 1; j < m->n; j++)
      if (!strcmp(m->e[j - 1].key, m->e[j].key)) {
        long a = m->e[j - 1].line, b = m->e[j].line;
        return spec_err(f, a > b ? a : b, e, "map %s: key '%s' given twice (also on line %ld)",
                        m->name, m->e[j].key, a < b ? a : b);
      }
  }
  return 0;
}

/* The deferred lines: attr and map lines are handled in a second pass,
** once the pattern (which may come after them) is compiled. */
struct later {
  char *key, *val;
  long line;
  size_t nwords;           /* of the key, counted when it is split */
};

static int parse_lines(struct fmt *f, char *text, struct later **later, size_t *nlater,
                       struct sl_err *e) {
  size_t cap = 0;
  long line = 0;
  char *s = text;
  while (s) {
    char *nl = strchr(s, '\n'), *eq, *key, *val;
    if (nl) *nl = 0;
    line++;
    s = sl_trim(s);
    if (*s && *s != '#') {
      if (!(eq = strchr(s, '=')))
        return spec_err(f, line, e, "expected KEY = VALUE, got '%.80s'", s);
      *eq = 0;
      key = sl_trim(s);
      val = sl_trim(eq + 1);
      if (!*val) return spec_err(f, line, e, "%s: empty value", key);
      if (!strncmp(key, "map ", 4) || !strncmp(key, "map\t", 4) || !strncmp(key, "attr ", 5) ||
          !strncmp(key, "attr\t", 5)) {
        void *grown = sl_grow(*later, &cap, *nlater + 1, sizeof **later, e);
        if (!grown) return -1;
        *later = grown;
        (*later)[*nlater].key = key;
        (*later)[*nlater].val = val;
        (*later)[*nlater].line = line;
        (*nlater)++;
      } else {
        int k;
        for (k = 0; k < K_N && strcmp(key, key_names[k]); k++) {}
        if (k == K_N)
          return spec_err(f, line, e, "unknown key '%.80s' (known: pattern, header, comment, "
                                      "arrival, network, tenant, workload, batch, priority, "
                                      "deadline, attr NAME, map TABLE KEY)", key);
        if (f->raw[k].val)
          return spec_err(f, line, e, "%s: given twice (first on line %ld)", key, f->raw[k].line);
        f->raw[k].val = val;
        f->raw[k].line = line;
      }
    }
    s = nl ? nl + 1 : NULL;
  }
  return 0;
}

static int resolve(struct fmt *f, struct later *later, size_t nlater, struct sl_err *e) {
  struct raw *r = f->raw;
  uint32_t opt_anchor = PCRE2_ANCHORED | PCRE2_ENDANCHORED;
  if (!r[K_PATTERN].val) return spec_err(f, 1, e, "no `pattern = ...` line: the spec needs one");
  if (compile_re(f, r[K_PATTERN].line, "pattern", r[K_PATTERN].val, opt_anchor, &f->re, &f->re_jit,
                 e) < 0)
    return -1;
  if (r[K_HEADER].val && compile_re(f, r[K_HEADER].line, "header", r[K_HEADER].val, 0, &f->hdr,
                                    &f->hdr_jit, e) < 0)
    return -1;
  if (r[K_COMMENT].val && compile_re(f, r[K_COMMENT].line, "comment", r[K_COMMENT].val, 0, &f->cmt,
                                     &f->cmt_jit, e) < 0)
    return -1;
  {
    int code;
    PCRE2_SIZE off;
    f->re_diag = pcre2_compile((PCRE2_SPTR)r[K_PATTERN].val, PCRE2_ZERO_TERMINATED,
                               PCRE2_ANCHORED | PCRE2_NEVER_BACKSLASH_C, &code, &off, NULL);
    if (!f->re_diag) return sl_errf(e, "out of memory compiling the pattern");
  }
  pcre2_pattern_info(f->re, PCRE2_INFO_CAPTURECOUNT, &f->ngroups);
  /* Maps first (attrs and templates use them), then attrs in order. */
  for (size_t i = 0; i < nlater; i++) {
    char *words[4] = {0}, *save = NULL;
    size_t nw = 0;
    for (char *t = strtok_r(later[i].key, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
      if (nw < 4) words[nw++] = t; else nw = 5;
    later[i].nwords = nw;
    if (!strcmp(words[0], "map")) {
      if (nw != 3)
        return spec_err(f, later[i].line, e, "map: expected `map TABLE KEY = VALUE` (KEY without "
                                             "spaces; * for the default)");
      if (add_map_entry(f, words[1], words[2], later[i].val, later[i].line, e) < 0) return -1;
    }
  }
  if (sort_maps(f, e) < 0) return -1;
  for (size_t i = 0; i < nlater; i++) {
    char *key = later[i].key, *name;
    if (strcmp(key, "attr")) continue;      /* strtok_r cut the words apart */
    if (later[i].nwords != 2)
      return spec_err(f, later[i].line, e, "attr: expected `attr NAME = EXPRESSION`");
    name = key + 5;
    name += strspn(name, " \t");
    if (add_attr(f, name, later[i].val, later[i].line, e) < 0) return -1;
  }
  if (!r[K_ARRIVAL].val) return spec_err(f, r[K_PATTERN].line, e, "no `arrival = GROUP as FORMAT` "
                                                                  "line: the spec needs one");
  if (resolve_arrival(f, e) < 0) return -1;
  if (r[K_DEADLINE].val && resolve_deadline(f, e) < 0) return -1;
  if (!r[K_NETWORK].val) return spec_err(f, r[K_PATTERN].line, e, "no `network = ...` line: the "
                                                                  "spec needs one");
  if (parse_tpl(f, r[K_NETWORK].val, r[K_NETWORK].line, "network", &f->network, e) < 0) return -1;
  if ((f->has_tenant = !!r[K_TENANT].val) &&
      parse_tpl(f, r[K_TENANT].val, r[K_TENANT].line, "tenant", &f->tenant, e) < 0)
    return -1;
  if ((f->has_workload = !!r[K_WORKLOAD].val) &&
      parse_tpl(f, r[K_WORKLOAD].val, r[K_WORKLOAD].line, "workload", &f->workload, e) < 0)
    return -1;
  if (r[K_BATCH].val && parse_expr(f, r[K_BATCH].val, f->nattrs, r[K_BATCH].line, "batch",
                                   &f->batch, e) < 0)
    return -1;
  if (r[K_PRIORITY].val && parse_expr(f, r[K_PRIORITY].val, f->nattrs, r[K_PRIORITY].line,
                                      "priority", &f->priority, e) < 0)
    return -1;
  if (!(f->md = pcre2_match_data_create_from_pattern(f->re, NULL)) ||
      !(f->md_small = pcre2_match_data_create(1, NULL)) ||
      !(f->mctx = pcre2_match_context_create(NULL)) ||
      !(f->jstack = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL)))
    return sl_errf(e, "out of memory for the matcher");
  pcre2_set_match_limit(f->mctx, MATCH_LIMIT);
  pcre2_set_depth_limit(f->mctx, MATCH_LIMIT / 10);
  pcre2_jit_stack_assign(f->mctx, NULL, f->jstack);
  f->ov = pcre2_get_ovector_pointer(f->md);
  return 0;
}

int fmt_parse(struct fmt **out, const char *path, const char *text, size_t len, struct sl_err *e) {
  struct fmt *f;
  struct later *later = NULL;
  size_t nlater = 0;
  char *copy;
  int rc;
  *out = NULL;
  if (!(f = sl_alloc(sizeof *f, e))) return -1;
  if (!(f->path = sl_strdup(path, e)) || !(copy = sl_alloc(len + 1, e))) {
    fmt_free(f);
    return -1;
  }
  memcpy(copy, text, len);
  if (memchr(copy, 0, len)) {
    size_t at = (size_t)((char *)memchr(copy, 0, len) - copy);
    long line = 1;
    for (size_t i = 0; i < at; i++) line += copy[i] == '\n';
    rc = spec_err(f, line, e, "NUL byte in the spec");
  } else {
    rc = parse_lines(f, copy, &later, &nlater, e);
    if (rc == 0) rc = resolve(f, later, nlater, e);
  }
  /* raw[] points into the copy, which is not needed once resolved. */
  for (int k = 0; k < K_N; k++) f->raw[k].val = NULL;
  free(later);
  free(copy);
  if (rc < 0) {
    fmt_free(f);
    return -1;
  }
  *out = f;
  return 0;
}

void fmt_spec_path(const char *spec, char *path, size_t n) {
  size_t len = strlen(spec);
  char home[1024];
  if (strchr(spec, '/') || (len > 4 && !strcmp(spec + len - 4, ".fmt")))
    snprintf(path, n, "%s", spec);
  else
    snprintf(path, n, "%s/traces/formats/%s.fmt", sl_home(home, sizeof home), spec);
}

int fmt_load(struct fmt **f, const char *spec, struct sl_err *e) {
  char path[4096];
  size_t len;
  char *text;
  int rc;
  *f = NULL;
  fmt_spec_path(spec, path, sizeof path);
  if (!(text = sl_read_file(path, &len, e))) {
    if (!strchr(spec, '/') && strlen(spec) > 0)
      sl_err_append(e, " (--format takes a name in traces/formats/ or a path to a .fmt file)");
    return -1;
  }
  rc = fmt_parse(f, path, text, len, e);
  free(text);
  return rc;
}

static void free_tpl(struct tpl *t) {
  for (size_t i = 0; i < t->n; i++) free(t->p[i].lit);
  free(t->p);
}

void fmt_free(struct fmt *f) {
  if (!f) return;
  free(f->path);
  pcre2_code_free(f->re);
  pcre2_code_free(f->re_diag);
  pcre2_code_free(f->hdr);
  pcre2_code_free(f->cmt);
  pcre2_match_data_free(f->md);
  pcre2_match_data_free(f->md_small);
  pcre2_match_context_free(f->mctx);
  pcre2_jit_stack_free(f->jstack);
  free(f->deadline_const);
  free_tpl(&f->network);
  free_tpl(&f->tenant);
  free_tpl(&f->workload);
  free(f->batch.f);
  free(f->priority.f);
  for (size_t i = 0; i < f->nattrs; i++) {
    free(f->attrs[i].name);
    free(f->attrs[i].x.f);
  }
  free(f->attrs);
  for (size_t i = 0; i < f->nmaps; i++) {
    for (size_t j = 0; j < f->maps[i].n; j++) {
      free(f->maps[i].e[j].key);
      free(f->maps[i].e[j].val);
    }
    free(f->maps[i].e);
    free(f->maps[i].name);
    free(f->maps[i].dflt);
  }
  free(f->maps);
  sl_buf_free(&f->bnet);
  sl_buf_free(&f->bten);
  sl_buf_free(&f->bwl);
  free(f);
}

const char *fmt_path(const struct fmt *f) { return f->path; }
int fmt_has_tenant(const struct fmt *f) { return f->has_tenant; }
int fmt_has_workload(const struct fmt *f) { return f->has_workload; }
int fmt_has_deadline(const struct fmt *f) { return f->has_deadline; }
void fmt_new_file(struct fmt *f, const char *path) {
  const char *base = strrchr(path, '/'), *dot;
  size_t n;
  base = base ? base + 1 : path;
  n = strlen(base);
  if (n > 3 && !strcmp(base + n - 3, ".gz")) n -= 3;
  else if (n > 4 && !strcmp(base + n - 4, ".zst")) n -= 4;
  for (dot = base + n; dot > base && dot[-1] != '.'; dot--) {}
  if (dot > base + 1) n = (size_t)(dot - 1 - base);
  if (n >= sizeof f->file) n = sizeof f->file - 1;
  memcpy(f->file, base, n);
  f->file[n] = 0;
  f->filelen = n;
  f->seen_record = 0;
  f->network.done = f->tenant.done = f->workload.done = 0;
}

/* }=================================================================== */

/* {===================================================================
** Matching a line
** =================================================================== */

/* The name of group number n, for messages. */
static const char *group_name(const struct fmt *f, int n) {
  uint32_t count = 0, size = 0;
  PCRE2_SPTR table;
  pcre2_pattern_info(f->re, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(f->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
  pcre2_pattern_info(f->re, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < count; i++) {
    const unsigned char *ent = table + i * size;
    if (((int)ent[0] << 8 | ent[1]) == n) return (const char *)ent + 2;
  }
  return "?";
}

static const char *ref_name(const struct fmt *f, const struct ref *r) {
  if (r->kind == REF_FILE) return "_file";
  return r->kind == REF_ATTR ? f->attrs[r->idx].name : group_name(f, r->idx);
}

/* The text of a value, before any map. An unset group is empty. */
static void raw_text(const struct fmt *f, const struct ref *r, const char **s, size_t *n) {
  if (r->kind == REF_FILE) {
    *s = f->file;
    *n = f->filelen;
    return;
  }
  if (r->kind == REF_ATTR) {
    *s = f->attrs[r->idx].txtp;
    *n = f->attrs[r->idx].txtlen;
    return;
  }
  if (f->ov[2 * r->idx] == PCRE2_UNSET) {
    *s = "";
    *n = 0;
    return;
  }
  *s = f->line + f->ov[2 * r->idx];
  *n = f->ov[2 * r->idx + 1] - f->ov[2 * r->idx];
}

/* The text of a value, through its map when it has one. */
static int ref_text(const struct fmt *f, const struct ref *r, const char **s, size_t *n,
                    struct sl_err *e) {
  const struct map *m;
  size_t lo = 0, hi;
  raw_text(f, r, s, n);
  if (r->map < 0) return 0;
  m = &f->maps[r->map];
  hi = m->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const char *k = m->e[mid].key;
    int c = strncmp(k, *s, *n);
    if (c == 0) c = k[*n] ? 1 : 0;
    if (c == 0) {
      *s = m->e[mid].val;
      *n = strlen(*s);
      return 0;
    }
    if (c < 0) lo = mid + 1; else hi = mid;
  }
  if (m->dflt) {
    *s = m->dflt;
    *n = strlen(*s);
    return 0;
  }
  {
    char ex[300];
    excerpt(ex, sizeof ex, *s, *n);
    return sl_errf(e, "%s '%s' is not in map %s, which has no default (`map %s * = ...`)",
                   ref_name(f, r), ex, m->name, m->name);
  }
}

static int eval_expr(const struct fmt *f, const struct expr *x, const char *what, int64_t *out,
                     struct sl_err *e) {
  int64_t v = 1;
  for (size_t i = 0; i < x->n; i++) {
    const struct factor *fa = &x->f[i];
    int64_t c;
    if (fa->is_const) {
      c = fa->c;
    } else {
      const char *s;
      size_t n;
      if (ref_text(f, &fa->ref, &s, &n, e) < 0) return -1;
      if (parse_whole(s, n, &c) < 0) {
        char ex[300];
        excerpt(ex, sizeof ex, s, n);
        return sl_errf(e, "%s: %s '%s' is not a whole number", what, ref_name(f, &fa->ref), ex);
      }
    }
    if (__builtin_mul_overflow(v, c, &v))
      return sl_errf(e, "%s: the product overflows 64 bits", what);
  }
  *out = v;
  return 0;
}

static int eval_attrs(struct fmt *f, struct sl_err *e) {
  for (size_t i = 0; i < f->nattrs; i++) {
    struct attr *a = &f->attrs[i];
    int64_t v;
    char *start;
    const struct factor *g = a->x.f;
    if (a->x.n == 1 && !g->is_const && g->ref.kind == REF_GROUP && g->ref.map < 0 &&
        f->ov[2 * g->ref.idx] != PCRE2_UNSET &&
        parse_whole(f->line + f->ov[2 * g->ref.idx], f->ov[2 * g->ref.idx + 1] - f->ov[2 * g->ref.idx],
                    &v) == 0) {
      /* One group as it is (the usual token count): read in place. */
    } else if (eval_expr(f, &a->x, a->name, &v, e) < 0) {
      return -1;
    }
    if (a->round > 1 && v >= 0 && !(a->round & (a->round - 1))) {
      /* A power of two (the usual block size): no division. */
      if (v & (a->round - 1) && __builtin_add_overflow(v | (a->round - 1), 1, &v))
        return sl_errf(e, "attr %s: rounding overflows 64 bits", a->name);
    } else if (a->round > 1 && v % a->round) {
      int64_t q = v / a->round + (v > 0);
      if (__builtin_mul_overflow(q, a->round, &v))
        return sl_errf(e, "attr %s: rounding overflows 64 bits", a->name);
    }
    if (a->bits && v > 0 && (v >> a->bits)) {
      /* Up to the next number of K significant binary digits: a relative
      ** error under 2^(1-K) whatever the size, so a long-tailed count takes
      ** a few values per octave instead of one per multiple of Q. */
      int shift = 64 - __builtin_clzll((unsigned long long)v) - a->bits;
      int64_t q = ((v - 1) >> shift) + 1;
      if (q > (INT64_MAX >> shift)) return sl_errf(e, "attr %s: rounding overflows 64 bits", a->name);
      v = q << shift;
    }
    if (v < a->min) v = a->min;
    if (v > a->max) v = a->max;
    a->val = v;
    a->txt[sizeof a->txt - 1] = 0;
    start = sl_i64_back(a->txt + sizeof a->txt - 1, v);
    a->txtlen = (size_t)(a->txt + sizeof a->txt - 1 - start);
    a->txtp = start;
  }
  return 0;
}

/* FMT_RECORD, FMT_BAD (a value not in a map) or FMT_FATAL. The pieces are
** measured first, so the buffer grows (rarely) before one copying pass. */
static int render(const struct fmt *f, struct tpl *t, struct sl_buf *b, struct sl_err *e) {
  const char *val[64];
  size_t vlen[64], need = 1, nv = 0;
  char *o;
  if (t->per_file && t->done) return FMT_RECORD;
  for (size_t i = 0; i < t->n; i++) {
    need += t->p[i].litlen;
    if (t->p[i].has_ref && nv < 64) {
      if (ref_text(f, &t->p[i].ref, &val[nv], &vlen[nv], e) < 0) return FMT_BAD;
      need += vlen[nv++];
    }
  }
  if (nv == 64) {           /* more values than the fast path holds: piece by piece */
    b->len = 0;
    for (size_t i = 0; i < t->n; i++) {
      const char *sv;
      size_t n;
      sl_buf_add(b, t->p[i].lit, t->p[i].litlen);
      if (t->p[i].has_ref) {
        if (ref_text(f, &t->p[i].ref, &sv, &n, e) < 0) return FMT_BAD;
        sl_buf_add(b, sv, n);
      }
    }
    sl_buf_add(b, "", 0);
  } else if (need > b->cap) {
    char *q = realloc(b->s, 2 * need);
    if (!q) return sl_errf(e, "out of memory"), FMT_FATAL;
    b->s = q;
    b->cap = 2 * need;
  }
  if (b->oom) return sl_errf(e, "out of memory"), FMT_FATAL;
  if (nv < 64) {
    o = b->s;
    nv = 0;
    for (size_t i = 0; i < t->n; i++) {
      const struct piece *p = &t->p[i];
      memcpy(o, p->lit, p->litlen);
      o += p->litlen;
      if (p->has_ref) {
        memcpy(o, val[nv], vlen[nv]);
        o += vlen[nv++];
      }
    }
    *o = 0;
    b->len = (size_t)(o - b->s);
  }
  t->done = 1;
  return FMT_RECORD;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar: count
** from March of a shifted year so the leap day falls at a year's end. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  int64_t era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int digits(const char *s, size_t n, size_t at, size_t count, int64_t *v) {
  *v = 0;
  if (at + count > n) return -1;
  for (size_t i = at; i < at + count; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    *v = *v * 10 + (s[i] - '0');
  }
  return 0;
}

/* YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM|+HHMM] -> ns since
** the epoch (digits past ns dropped). 0, or -1 with what is wrong in why. */
static int parse_datetime(const char *s, size_t n, struct dt_cache *c, int64_t *out,
                          const char **why) {
  int64_t y, mo, d, h, mi, sec, frac = 0, secs, off = 0, base;
  size_t i = 19;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  *why = "expected YYYY-MM-DD HH:MM:SS[.fraction][Z|+HH:MM]";
  if (n < 19 || s[13] != ':' || digits(s, n, 14, 2, &mi) || s[16] != ':' ||
      digits(s, n, 17, 2, &sec))
    return -1;
  if (c && c->valid && !memcmp(c->key, s, sizeof c->key)) {
    base = c->secs;
  } else {
    if (digits(s, n, 0, 4, &y) || s[4] != '-' || digits(s, n, 5, 2, &mo) || s[7] != '-' ||
        digits(s, n, 8, 2, &d) || (s[10] != ' ' && s[10] != 'T') || digits(s, n, 11, 2, &h))
      return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23) {
      *why = "a date or time field is out of range";
      return -1;
    }
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
      *why = "February 29 of a common year";
      return -1;
    }
    /* int64 ns reach from 1677 to 2262. */
    if (y < 1678 || y > 2261) {
      *why = "the year is outside 1678..2261 (what 64-bit ns can hold)";
      return -1;
    }
    base = days_from_civil(y, mo, d) * 86400 + h * 3600;
    if (c) {
      memcpy(c->key, s, sizeof c->key);
      c->secs = base;
      c->valid = 1;
    }
  }
  if (mi > 59 || sec > 60) {
    *why = "a date or time field is out of range";
    return -1;
  }
  if (i < n && s[i] == '.') {
    int nd = 0;
    for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nd++)
      if (nd < 9) frac = frac * 10 + (s[i] - '0');
    if (!nd) return -1;
    for (; nd < 9; nd++) frac *= 10;
  }
  if (i < n && s[i] == 'Z') {
    i++;
  } else if (i < n && (s[i] == '+' || s[i] == '-')) {
    int64_t oh, om;
    int neg = s[i] == '-';
    size_t at = i + 1;
    if (digits(s, n, at, 2, &oh)) return -1;
    at += 2;
    if (at < n && s[at] == ':') at++;
    if (digits(s, n, at, 2, &om) || oh > 23 || om > 59) return -1;
    i = at + 2;
    off = (oh * 3600 + om * 60) * (neg ? -1 : 1);
  }
  if (i != n) return -1;
  secs = base + mi * 60 + sec - off;
  *out = secs * 1000000000 + frac;
  return 0;
}

/* The access-log time of Apache and nginx, 10/Oct/2000:13:55:36 -0700
** (strftime %d/%b/%Y:%H:%M:%S %z, a fraction allowed), rewritten as the
** datetime it is. */
static int parse_clf(const char *s, size_t n, int64_t *out, const char **why) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  char iso[64];
  size_t m, rest;
  *why = "expected DD/Mon/YYYY:HH:MM:SS[.fraction] [+HHMM]";
  if (n < 20 || n > 50 || s[2] != '/' || s[6] != '/' || s[11] != ':') return -1;
  for (m = 0; m < 12 && memcmp(months + 3 * m, s + 3, 3); m++) {}
  if (m == 12) return -1;
  rest = n - 20;
  snprintf(iso, sizeof iso, "%.4s-%02zu-%.2sT%.8s%.*s", s + 7, m + 1, s, s + 12, (int)rest, s + 20);
  /* " -0700" after the time: the zone without its space */
  {
    char *sp = strchr(iso, ' ');
    if (sp) memmove(sp, sp + 1, strlen(sp));
  }
  return parse_datetime(iso, strlen(iso), NULL, out, why) == 0 ? 0 : (*why = "not a DD/Mon/YYYY:HH:MM:SS "
                                                                       "[+HHMM] time", -1);
}

/* The record's absolute time: ns (relative units are already relative). */
static int arrival_abs(struct fmt *f, int64_t *out, struct sl_err *e) {
  const char *s, *why = NULL;
  size_t n;
  char ex[300];
  int r;
  raw_text(f, &f->arrival, &s, &n);
  if (f->arrival_fmt == T_DATETIME) {
    if (parse_datetime(s, n, &f->dtc, out, &why) == 0) return 0;
  } else if (f->arrival_fmt == T_CLF) {
    if (parse_clf(s, n, out, &why) == 0) return 0;
  } else {
    r = sl_parse_decimal_scaled(s, n, tfmt_scale[f->arrival_fmt], out);
    if (r == 0 && (f->arrival_fmt < T_S || (*out >= 0 && *out <= SL_TIME_LIMIT))) return 0;
    why = r == -1 ? "not a number" : "out of range";
  }
  excerpt(ex, sizeof ex, s, n);
  return sl_errf(e, "arrival: %s '%s' does not read as %s: %s", ref_name(f, &f->arrival), ex,
                 tfmt_names[f->arrival_fmt], why);
}

/* Where the line stops matching: the longest prefix the pattern can still
** match a start of (partial matching; a longer prefix never fits when a
** shorter one does not, so a binary search finds it). */
static size_t mismatch_at(struct fmt *f, const char *line, size_t len) {
  size_t lo = 0, hi = len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo + 1) / 2;
    int r = pcre2_match(f->re_diag, (PCRE2_SPTR)line, mid, 0, PCRE2_PARTIAL_HARD, f->md, f->mctx);
    if (r >= 0 || r == PCRE2_ERROR_PARTIAL) lo = mid; else hi = mid - 1;
  }
  return lo;
}

static int re_find(const struct fmt *f, pcre2_code *re, int jit, const char *line, size_t len,
                   pcre2_match_data *md) {
  if (jit) return pcre2_jit_match(re, (PCRE2_SPTR)line, len, 0, 0, md, f->mctx);
  return pcre2_match(re, (PCRE2_SPTR)line, len, 0, 0, md, f->mctx);
}

static int bad_match(struct fmt *f, const char *line, size_t len, int rc, struct sl_err *e) {
  char ex[300];
  size_t at;
  if (rc != PCRE2_ERROR_NOMATCH) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    return sl_errf(e, "the pattern could not be matched: %s", (const char *)msg);
  }
  at = mismatch_at(f, line, len);
  if (at >= len) {
    excerpt(ex, sizeof ex, line, len);
    return sl_errf(e, "the line ends before the pattern does: '%s'", ex);
  }
  excerpt(ex, sizeof ex, line + at, len - at);
  return sl_errf(e, "does not match the pattern from column %zu: '%s'", at + 1, ex);
}

int fmt_line(struct fmt *f, const char *line, size_t len, struct fmt_rec *r, struct sl_err *e) {
  int rc;
  int64_t abs, v;
  size_t i;
  for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++) {}
  if (i == len) return FMT_SKIP;
  if (f->cmt && re_find(f, f->cmt, f->cmt_jit, line, len, f->md_small) >= 0) return FMT_SKIP;
  if (!f->seen_record && f->hdr && re_find(f, f->hdr, f->hdr_jit, line, len, f->md_small) >= 0)
    return FMT_SKIP;
  rc = re_find(f, f->re, f->re_jit, line, len, f->md);
  if (rc < 0) return bad_match(f, line, len, rc, e);
  f->line = line;
  if (eval_attrs(f, e) < 0) return FMT_BAD;
  if (arrival_abs(f, &abs, e) < 0) return FMT_BAD;
  if (f->arrival_fmt < T_S) {
    if (!f->have_origin) {
      f->origin = abs;
      f->have_origin = 1;
    }
    if (__builtin_sub_overflow(abs, f->origin, &v) || v < 0)
      return sl_errf(e, "arrival: before the first record's (arrivals must not go backwards)"),
             FMT_BAD;
    if (v > SL_TIME_LIMIT)
      return sl_errf(e, "arrival: %lld ns after the first record, beyond the limit %lld ns",
                     (long long)v, (long long)SL_TIME_LIMIT), FMT_BAD;
    r->arrival = v;
  } else {
    r->arrival = abs;
  }
  r->deadline = SL_NS_NONE;
  if (f->has_deadline) {
    const char *s = f->deadline_const;
    size_t n = s ? strlen(s) : 0;
    char ex[300];
    if (!f->deadline_is_const && ref_text(f, &f->deadline, &s, &n, e) < 0) return FMT_BAD;
    if (sl_parse_decimal_scaled(s, n, f->deadline_scale, &v) != 0 || v < 0 || v > SL_TIME_LIMIT) {
      excerpt(ex, sizeof ex, s, n);
      return sl_errf(e, "deadline: '%s' is not a time >= 0", ex), FMT_BAD;
    }
    r->deadline = v;
  }
  if ((rc = render(f, &f->network, &f->bnet, e)) < 0) return rc;
  if (!f->bnet.len) return sl_errf(e, "network: empty"), FMT_BAD;
  r->network = f->bnet.s;
  r->tenant = r->workload = NULL;
  if (f->has_tenant) {
    if ((rc = render(f, &f->tenant, &f->bten, e)) < 0) return rc;
    if (f->bten.len) r->tenant = f->bten.s;   /* empty: the network, as in the native CSV */
  }
  if (f->has_workload) {
    if ((rc = render(f, &f->workload, &f->bwl, e)) < 0) return rc;
    r->workload = f->bwl.s;
  }
  r->batch = 1;
  if (f->batch.n) {
    if (eval_expr(f, &f->batch, "batch", &v, e) < 0) return FMT_BAD;
    if (v < 1 || v > INT32_MAX)
      return sl_errf(e, "batch: %lld is outside [1, %d]", (long long)v, INT32_MAX), FMT_BAD;
    r->batch = (int32_t)v;
  }
  r->priority = 1;
  if (f->priority.n) {
    if (eval_expr(f, &f->priority, "priority", &v, e) < 0) return FMT_BAD;
    if (v < INT32_MIN || v > INT32_MAX)
      return sl_errf(e, "priority: %lld is outside the 32-bit range", (long long)v), FMT_BAD;
    r->priority = (int32_t)v;
  }
  f->seen_record = 1;
  return FMT_RECORD;
}

/* }=================================================================== */
