/*
** taskset.c — parsing task-set files and generating their releases
** (taskset.h; the format: traces/tasksets/README.md).
*/
#include "taskset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loop slots of a whole task set: each costs a heap entry and a time here
** and a request in flight in the engine; this keeps a typo from asking for
** gigabytes. */
#define TS_MAX_OUTSTANDING 1000000

/* {===================================================================
** Keys
** =================================================================== */

enum key {
  K_NETWORK, K_BATCH, K_PRIORITY, K_APP, K_ARRIVAL, K_PERIOD, K_PHASE, K_JITTER, K_RATE,
  K_DEADLINE, K_OUTSTANDING, K_THINK, K_HORIZON, K_COUNT, NKEYS
};

static const char *const key_names[NKEYS] = {
    "network", "batch",       "priority", "app",      "arrival",   "period_us", "phase_us",
    "jitter_us", "rate",      "deadline_us", "outstanding", "think_us", "horizon_s", "count"};

#define KP (1u << TS_PERIODIC)
#define KQ (1u << TS_POISSON)
#define KC (1u << TS_CLOSED)
#define KALL (KP | KQ | KC)
/* The arrival kinds that use each key: a task line giving a key its kind
** ignores is an error; a `set` default applies only where it is used. */
static const unsigned key_kinds[NKEYS] = {KALL, KALL, KALL, KALL, KALL, KP | KC, KALL,
                                          KP,   KQ,   KALL, KC,   KC,   KALL,    KALL};

static const char *const arrival_names[] = {"periodic", "poisson", "closed"};

/* A task being assembled: its values and which keys were given. */
struct spec {
  struct ts_task t;
  unsigned given;
};

struct param {
  char *name, *value;
  long line;
};

struct parser {
  const char *path;
  long line;
  struct sl_err *e;
  struct param *params;
  size_t np, pcap;
  const struct kv *over;
  size_t nover;
  char *over_used;
};

static int key_err(struct parser *p, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int key_err(struct parser *p, const char *key, const char *fmt, ...) {
  char why[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  return sl_errf(p->e, "%s:%ld: key '%s': %s", p->path, p->line, key, why);
}

static int find_key(const char *name, size_t n) {
  for (int k = 0; k < NKEYS; k++)
    if (strlen(key_names[k]) == n && !strncmp(key_names[k], name, n)) return k;
  return -1;
}

static int parse_int(struct parser *p, const char *key, const char *v, int64_t lo, int64_t hi,
                     const char *what, int64_t *out) {
  if (sl_parse_i64(v, out) < 0 || *out < lo || *out > hi) {
    if (*v == '-' && lo >= 0) return key_err(p, key, "negative value '%s' (%s)", v, what);
    return key_err(p, key, "'%s' is not %s", v, what);
  }
  return 0;
}

/* A decimal time in units of 10^-scale s, exact to the ns. */
static int parse_time(struct parser *p, const char *key, const char *v, int scale, int positive,
                      sl_ns *out) {
  const char *unit = scale == 3 ? "microseconds" : "seconds";
  int r = sl_parse_decimal_scaled(v, strlen(v), scale, out);
  if (r == -1) return key_err(p, key, "'%s' is not a number of %s", v, unit);
  if (*v == '-' && *out != 0) return key_err(p, key, "negative value '%s' (must be >= 0)", v);
  if (r == -2 || *out > SL_TIME_LIMIT)
    return key_err(p, key, "'%s' exceeds the time limit of %lld ns", v, (long long)SL_TIME_LIMIT);
  if (positive && *out <= 0) return key_err(p, key, "'%s' must be > 0", v);
  return 0;
}

static int set_string(struct parser *p, char **dst, const char *v) {
  char *d = sl_strdup(v, p->e);
  if (!d) return -1;
  free(*dst);
  *dst = d;
  return 0;
}

static int parse_key(struct parser *p, struct spec *s, int k, const char *v) {
  const char *key = key_names[k];
  int64_t n;
  if (!*v) return key_err(p, key, "empty value");
  switch (k) {
  case K_NETWORK: if (set_string(p, &s->t.network, v) < 0) return -1; break;
  case K_APP: if (set_string(p, &s->t.app, v) < 0) return -1; break;
  case K_BATCH:
    if (parse_int(p, key, v, 1, INT32_MAX, "an integer >= 1", &n) < 0) return -1;
    s->t.batch = (int32_t)n;
    break;
  case K_PRIORITY:
    if (parse_int(p, key, v, INT32_MIN, INT32_MAX, "an integer", &n) < 0) return -1;
    s->t.priority = (int32_t)n;
    break;
  case K_ARRIVAL: {
    int a = -1;
    for (int i = 0; i < 3; i++)
      if (!strcmp(v, arrival_names[i])) a = i;
    if (a < 0) return key_err(p, key, "'%s' is not periodic, poisson or closed", v);
    s->t.arrival = a;
    break;
  }
  case K_PERIOD: if (parse_time(p, key, v, 3, 0, &s->t.period) < 0) return -1; break;
  case K_PHASE: if (parse_time(p, key, v, 3, 0, &s->t.phase) < 0) return -1; break;
  case K_DEADLINE: if (parse_time(p, key, v, 3, 0, &s->t.deadline) < 0) return -1; break;
  case K_THINK: if (parse_time(p, key, v, 3, 0, &s->t.think) < 0) return -1; break;
  case K_HORIZON: if (parse_time(p, key, v, 9, 1, &s->t.horizon) < 0) return -1; break;
  case K_JITTER:
    if (parse_int(p, key, v, 0, SL_TIME_LIMIT / 1000, "a whole number of microseconds >= 0",
                  &s->t.jitter_us) < 0)
      return -1;
    break;
  case K_RATE:
    if (sl_parse_double(v, &s->t.rate) < 0 || !isfinite(s->t.rate) || !(s->t.rate > 0))
      return key_err(p, key, "'%s' is not a number of releases per second > 0", v);
    /* Below this a mean gap passes the time limit. */
    if (s->t.rate < 1e9 / (double)SL_TIME_LIMIT)
      return key_err(p, key, "'%s' is below %.3g releases per second", v,
                     1e9 / (double)SL_TIME_LIMIT);
    break;
  case K_OUTSTANDING:
    if (parse_int(p, key, v, 1, TS_MAX_OUTSTANDING, "an integer in [1, 1000000]", &n) < 0) return -1;
    s->t.outstanding = (int32_t)n;
    break;
  case K_COUNT:
    if (parse_int(p, key, v, 0, INT64_MAX, "an integer >= 0", &s->t.count) < 0) return -1;
    break;
  }
  s->given |= 1u << k;
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Parameters: ${NAME}
** =================================================================== */

static const struct param *find_param(const struct parser *p, const char *name, size_t n) {
  for (size_t i = 0; i < p->np; i++)
    if (strlen(p->params[i].name) == n && !strncmp(p->params[i].name, name, n)) return &p->params[i];
  return NULL;
}

/* `in` with every ${NAME} replaced by its value, in a new string. `key`
** names the token in messages. */
static char *subst(struct parser *p, const char *key, const char *in) {
  struct sl_buf b = {0};
  const char *c = in;
  while (*c) {
    const char *open = strstr(c, "${"), *close;
    const struct param *pr;
    if (!open) {
      sl_buf_add(&b, c, strlen(c));
      break;
    }
    sl_buf_add(&b, c, (size_t)(open - c));
    if (!(close = strchr(open + 2, '}'))) {
      key_err(p, key, "'${' without a closing '}' in '%s'", in);
      goto fail;
    }
    if (!(pr = find_param(p, open + 2, (size_t)(close - open - 2)))) {
      key_err(p, key, "undefined parameter ${%.*s} (a `param %.*s=DEFAULT` line must come "
                      "before its use)", (int)(close - open - 2), open + 2,
              (int)(close - open - 2), open + 2);
      goto fail;
    }
    sl_buf_add(&b, pr->value, strlen(pr->value));
    c = close + 1;
  }
  sl_buf_add(&b, "", 1);                       /* the NUL, also for an empty result */
  if (b.oom) {
    sl_errf(p->e, "out of memory");
    goto fail;
  }
  return b.s;
fail:
  sl_buf_free(&b);
  return NULL;
}

static int one_word(const char *v) {
  if (!*v) return 0;
  for (; *v; v++)
    if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n' || *v == '#') return 0;
  return 1;
}

static int param_line(struct parser *p, char **tok, size_t ntok) {
  const char *eq;
  const struct param *old;
  struct param *np;
  char *name, *value;
  size_t nlen;
  if (ntok != 2 || !(eq = strchr(tok[1], '=')))
    return sl_errf(p->e, "%s:%ld: a param line is `param NAME=DEFAULT` (one word)", p->path, p->line);
  nlen = (size_t)(eq - tok[1]);
  if (!sl_is_ident(tok[1], nlen))
    return sl_errf(p->e, "%s:%ld: key '%.*s': not a parameter name (letters, digits, '_'; not "
                         "starting with a digit)", p->path, p->line, (int)nlen, tok[1]);
  tok[1][nlen] = 0;
  if ((old = find_param(p, tok[1], nlen)))
    return key_err(p, tok[1], "parameter already defined on line %ld", old->line);
  if (!eq[1]) return key_err(p, tok[1], "empty default");
  if (!(value = subst(p, tok[1], eq + 1))) return -1;
  for (size_t i = 0; i < p->nover; i++)
    if (!strcmp(p->over[i].key, tok[1])) {
      free(value);
      if (!(value = sl_strdup(p->over[i].value, p->e))) return -1;
      p->over_used[i] = 1;
    }
  if (!(name = sl_strdup(tok[1], p->e)) ||
      !(np = sl_grow(p->params, &p->pcap, p->np + 1, sizeof *np, p->e))) {
    free(name);
    free(value);
    return -1;
  }
  p->params = np;
  np[p->np].name = name;
  np[p->np].value = value;
  np[p->np].line = p->line;
  p->np++;
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Lines
** =================================================================== */

static void spec_free(struct spec *s) {
  free(s->t.name);
  free(s->t.network);
  free(s->t.app);
  memset(s, 0, sizeof *s);
}

static void spec_defaults(struct spec *s) {
  memset(s, 0, sizeof *s);
  s->t.batch = 1;
  s->t.priority = 1;
  s->t.arrival = TS_PERIODIC;
  s->t.deadline = SL_NS_NONE;
  s->t.outstanding = 1;
  s->t.count = -1;
}

/* Apply the key=value tokens to s; `seen` collects the keys of this line. */
static int apply_keys(struct parser *p, struct spec *s, char **tok, size_t ntok, unsigned *seen) {
  for (size_t i = 0; i < ntok; i++) {
    const char *eq = strchr(tok[i], '=');
    char *v;
    int k, rc;
    if (!eq) return sl_errf(p->e, "%s:%ld: '%s' is not key=value", p->path, p->line, tok[i]);
    if ((k = find_key(tok[i], (size_t)(eq - tok[i]))) < 0) {
      struct sl_buf b = {0};
      for (int j = 0; j < NKEYS; j++) sl_buf_addf(&b, "%s%s", j ? ", " : "", key_names[j]);
      sl_errf(p->e, "%s:%ld: key '%.*s': unknown (known: %s)", p->path, p->line,
              (int)(eq - tok[i]), tok[i], b.s ? b.s : "");
      sl_buf_free(&b);
      return -1;
    }
    if (*seen & (1u << k)) return key_err(p, key_names[k], "given twice on one line");
    *seen |= 1u << k;
    if (!(v = subst(p, key_names[k], eq + 1))) return -1;
    rc = parse_key(p, s, k, v);
    free(v);
    if (rc < 0) return -1;
  }
  return 0;
}

static int check_task(struct parser *p, struct spec *s, unsigned line_keys) {
  struct ts_task *t = &s->t;
  unsigned kind = 1u << t->arrival;
  for (int k = 0; k < NKEYS; k++)
    if ((line_keys & (1u << k)) && !(key_kinds[k] & kind)) {
      const char *users = key_kinds[k] == KQ ? "poisson" : key_kinds[k] == KC ? "closed"
                          : key_kinds[k] == KP ? "periodic" : "periodic and closed";
      return key_err(p, key_names[k], "arrival=%s does not use it (only %s tasks do)",
                     arrival_names[t->arrival], users);
    }
  if (!t->network)
    return key_err(p, "network", "missing (required: on the task line or a `set` line before it)");
  if (!(s->given & (1u << K_HORIZON)))
    return key_err(p, "horizon_s", "missing (required: on the task line or a `set` line before it)");
  if (t->arrival == TS_PERIODIC) {
    if (!(s->given & (1u << K_PERIOD)))
      return key_err(p, "period_us", "missing (required for arrival=periodic)");
    if (t->period <= 0) return key_err(p, "period_us", "must be > 0 for arrival=periodic");
    /* With offsets of at most half a period, a task's releases stay in
    ** order, so they stream from one heap entry. */
    if (t->jitter_us > t->period / 2000)
      return key_err(p, "jitter_us", "%lld us is more than half the period (%lld ns): releases "
                                     "of one task would change order",
                     (long long)t->jitter_us, (long long)t->period);
  } else if (t->arrival == TS_POISSON) {
    if (!(s->given & (1u << K_RATE))) return key_err(p, "rate", "missing (required for arrival=poisson)");
  }
  if (!(kind & KC)) t->outstanding = 1;
  if (!(kind & KP)) t->jitter_us = 0;
  if (kind & KQ) t->period = 0;
  return 0;
}

static int task_line(struct parser *p, struct taskset *ts, const struct spec *def, char **tok,
                     size_t ntok) {
  struct spec s;
  struct ts_task *nt;
  unsigned seen = 0;
  size_t cap = ts->n;
  if (ntok < 2 || strchr(tok[1], '='))
    return sl_errf(p->e, "%s:%ld: a task line is `task NAME key=value ...`: the name is missing",
                   p->path, p->line);
  s = *def;
  s.t.network = s.t.app = NULL;
  if ((def->t.network && !(s.t.network = sl_strdup(def->t.network, p->e))) ||
      (def->t.app && !(s.t.app = sl_strdup(def->t.app, p->e))) ||
      !(s.t.name = subst(p, "name", tok[1])))
    goto fail;
  if (!*s.t.name) {
    key_err(p, "name", "empty task name");
    goto fail;
  }
  for (size_t i = 0; i < ts->n; i++)
    if (!strcmp(ts->tasks[i].name, s.t.name)) {
      key_err(p, "name", "task '%s' is already defined on line %ld", s.t.name, ts->tasks[i].line);
      goto fail;
    }
  if (apply_keys(p, &s, tok + 2, ntok - 2, &seen) < 0 || check_task(p, &s, seen) < 0) goto fail;
  if (s.t.arrival == TS_CLOSED) {
    int64_t slots = s.t.outstanding;
    for (size_t i = 0; i < ts->n; i++)
      if (ts->tasks[i].arrival == TS_CLOSED) slots += ts->tasks[i].outstanding;
    if (slots > TS_MAX_OUTSTANDING) {
      key_err(p, "outstanding", "the task set's closed loops would hold %lld requests in all "
                                "(at most %d)", (long long)slots, TS_MAX_OUTSTANDING);
      goto fail;
    }
  }
  s.t.line = p->line;
  if (!(nt = sl_grow(ts->tasks, &cap, ts->n + 1, sizeof *nt, p->e))) goto fail;
  ts->tasks = nt;
  nt[ts->n++] = s.t;
  ts->has_app |= s.t.app != NULL;
  return 0;
fail:
  spec_free(&s);
  return -1;
}

/* Split a line in place into words; a '#' ends it. */
static int split(char *line, char ***tok, size_t *cap, size_t *n, struct sl_err *e) {
  char *c = line;
  *n = 0;
  for (;;) {
    char **nt;
    while (*c == ' ' || *c == '\t' || *c == '\r') c++;
    if (!*c || *c == '#') return 0;
    if (!(nt = sl_grow(*tok, cap, *n + 1, sizeof *nt, e))) return -1;
    *tok = nt;
    nt[(*n)++] = c;
    while (*c && *c != ' ' && *c != '\t' && *c != '\r' && *c != '#') c++;
    if (*c == '#') { *c = 0; return 0; }
    if (*c) *c++ = 0;
  }
}

int taskset_load(struct taskset *ts, const char *path, const struct kv *over, size_t nover,
                 struct sl_err *e) {
  struct parser p;
  struct spec def;
  char *text, *line, **tok = NULL;
  size_t len, tcap = 0, ntok;
  int rc = -1;
  memset(ts, 0, sizeof *ts);
  memset(&p, 0, sizeof p);
  spec_defaults(&def);
  p.path = path;
  p.e = e;
  p.over = over;
  p.nover = nover;
  for (size_t i = 0; i < nover; i++) {
    if (!sl_is_ident(over[i].key, strlen(over[i].key)))
      return sl_errf(e, "%s: parameter override '%s': not a parameter name", path, over[i].key);
    if (!one_word(over[i].value))
      return sl_errf(e, "%s: parameter override '%s=%s': the value must be one word (no "
                        "blanks, no '#')", path, over[i].key, over[i].value);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(over[i].key, over[j].key))
        return sl_errf(e, "%s: parameter override '%s' given twice", path, over[i].key);
  }
  if (nover && !(p.over_used = sl_alloc(nover, e))) return -1;
  if (!(ts->path = sl_strdup(path, e))) goto done;
  if (!(text = sl_read_file(path, &len, e))) goto done;
  if (memchr(text, 0, len)) {
    sl_errf(e, "%s: a NUL byte: not a task-set file", path);
    free(text);
    goto done;
  }
  for (line = text; line; ) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    p.line++;
    if (split(line, &tok, &tcap, &ntok, e) < 0) break;
    if (ntok) {
      int r;
      if (!strcmp(tok[0], "param")) r = param_line(&p, tok, ntok);
      else if (!strcmp(tok[0], "set")) {
        unsigned seen = 0;
        r = apply_keys(&p, &def, tok + 1, ntok - 1, &seen);
      } else if (!strcmp(tok[0], "task")) r = task_line(&p, ts, &def, tok, ntok);
      else r = sl_errf(e, "%s:%ld: '%s': unknown line kind (param, set or task)", path, p.line, tok[0]);
      if (r < 0) break;
    }
    line = nl ? nl + 1 : NULL;
  }
  free(text);
  if (line) goto done;                        /* stopped at an error */
  for (size_t i = 0; i < nover; i++)
    if (!p.over_used[i]) {
      struct sl_buf b = {0};
      for (size_t j = 0; j < p.np; j++) sl_buf_addf(&b, "%s%s", j ? ", " : "", p.params[j].name);
      sl_errf(e, "%s: parameter override '%s': the file has no `param %s=...` line (its params: %s)",
              path, over[i].key, over[i].key, b.s ? b.s : "none");
      sl_buf_free(&b);
      goto done;
    }
  if (!ts->n) {
    sl_errf(e, "%s: no task lines (a task set needs at least one `task NAME ...`)", path);
    goto done;
  }
  rc = 0;
done:
  spec_free(&def);
  for (size_t i = 0; i < p.np; i++) {
    free(p.params[i].name);
    free(p.params[i].value);
  }
  free(p.params);
  free(p.over_used);
  free(tok);
  if (rc < 0) taskset_free(ts);
  return rc;
}

void taskset_free(struct taskset *ts) {
  for (size_t i = 0; i < ts->n; i++) {
    free(ts->tasks[i].name);
    free(ts->tasks[i].network);
    free(ts->tasks[i].app);
  }
  free(ts->tasks);
  free(ts->path);
  memset(ts, 0, sizeof *ts);
}

/* }=================================================================== */

/* {===================================================================
** Releases
** =================================================================== */

struct ts_src {
  sl_ns at;
  int32_t task, slot;
};

struct ts_state {
  struct rng rng;          /* jitter offsets, Poisson gaps */
  int64_t released;
  sl_ns next;              /* periodic: the next nominal release; poisson: the last release */
  size_t slot0;            /* closed: its slots in slot_last */
};

static int src_less(const struct ts_src *a, const struct ts_src *b) {
  if (a->at != b->at) return a->at < b->at;
  if (a->task != b->task) return a->task < b->task;
  return a->slot < b->slot;
}

static void heap_push(struct tsgen *g, struct ts_src x) {
  size_t i = g->n++;
  SL_ASSERT(g->n <= g->cap);
  while (i > 0) {
    size_t up = (i - 1) / 2;
    if (!src_less(&x, &g->heap[up])) break;
    g->heap[i] = g->heap[up];
    i = up;
  }
  g->heap[i] = x;
}

static void heap_pop(struct tsgen *g) {
  struct ts_src x = g->heap[--g->n];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= g->n) break;
    if (c + 1 < g->n && src_less(&g->heap[c + 1], &g->heap[c])) c++;
    if (!src_less(&g->heap[c], &x)) break;
    g->heap[i] = g->heap[c];
    i = c;
  }
  if (g->n) g->heap[i] = x;
}

static int capped(const struct ts_task *t, const struct ts_state *st) {
  return t->count >= 0 && st->released >= t->count;
}

/* Plan the next release of a periodic or Poisson task; 0 when it has none. */
static int plan(struct tsgen *g, int32_t i, sl_ns *at) {
  const struct ts_task *t = &g->ts->tasks[i];
  struct ts_state *st = &g->st[i];
  if (capped(t, st)) return 0;
  if (t->arrival == TS_PERIODIC) {
    /* The horizon bounds the nominal releases, so jitter never changes how
    ** many there are (Pantheon generates releases from 0 to 30 s, then
    ** jittered); a jittered release may pass it by up to the jitter. */
    sl_ns nominal = st->next, off = 0;
    if (nominal >= t->horizon) return 0;
    if (t->jitter_us) off = rng_range(&st->rng, -t->jitter_us, t->jitter_us) * 1000;
    if (nominal + off < 0) off = 0;            /* Pantheon's rule: clamped to offset 0 */
    st->next = nominal + t->period;
    *at = nominal + off;
    return 1;
  }
  {
    double gap = rng_exponential(&st->rng, 1e9 / t->rate);
    if (!(gap < (double)t->horizon)) return 0;
    *at = st->next + (sl_ns)llround(gap);
    st->next = *at;
    return *at < t->horizon;
  }
}

int tsgen_init(struct tsgen *g, const struct taskset *ts, uint64_t seed, struct sl_err *e) {
  size_t nslots = 0;
  memset(g, 0, sizeof *g);
  g->ts = ts;
  for (size_t i = 0; i < ts->n; i++)
    if (ts->tasks[i].arrival == TS_CLOSED) nslots += (size_t)ts->tasks[i].outstanding;
  g->cap = ts->n + nslots;
  if (!(g->st = sl_alloc(ts->n * sizeof *g->st, e)) ||
      !(g->heap = sl_alloc(g->cap * sizeof *g->heap, e)) ||
      !(g->slot_last = sl_alloc((nslots ? nslots : 1) * sizeof *g->slot_last, e))) {
    tsgen_free(g);
    return -1;
  }
  nslots = 0;
  for (size_t i = 0; i < ts->n; i++) {
    const struct ts_task *t = &ts->tasks[i];
    struct ts_state *st = &g->st[i];
    /* A stream per task, named by the task: adding or reordering other
    ** tasks leaves its draws as they were. */
    uint64_t h = sl_hash(SL_HASH_INIT ^ seed, "taskset:", 8);
    sl_ns at;
    rng_seed(&st->rng, sl_hash(h, t->name, strlen(t->name)));
    st->next = t->phase;
    if (t->arrival == TS_CLOSED) {
      st->slot0 = nslots;
      nslots += (size_t)t->outstanding;
      if (t->phase < t->horizon)
        for (int32_t k = 0; k < t->outstanding; k++)
          heap_push(g, (struct ts_src){t->phase, (int32_t)i, k});
    } else if (plan(g, (int32_t)i, &at)) {
      heap_push(g, (struct ts_src){at, (int32_t)i, 0});
    }
  }
  return 0;
}

void tsgen_free(struct tsgen *g) {
  free(g->st);
  free(g->heap);
  free(g->slot_last);
  memset(g, 0, sizeof *g);
}

sl_ns tsgen_peek(struct tsgen *g) {
  /* Loop slots still armed when their task reaches its count are dropped
  ** here: the count's releases are the earliest ones. */
  while (g->n && capped(&g->ts->tasks[g->heap[0].task], &g->st[g->heap[0].task])) heap_pop(g);
  return g->n ? g->heap[0].at : SL_NS_NONE;
}

void tsgen_take(struct tsgen *g, struct ts_release *r) {
  struct ts_src x;
  const struct ts_task *t;
  struct ts_state *st;
  sl_ns at;
  SL_ASSERT(tsgen_peek(g) != SL_NS_NONE);
  x = g->heap[0];
  heap_pop(g);
  t = &g->ts->tasks[x.task];
  st = &g->st[x.task];
  st->released++;
  r->release = x.at;
  r->deadline = t->deadline == SL_NS_NONE ? SL_NS_NONE : x.at + t->deadline;
  r->task = x.task;
  r->slot = x.slot;
  if (t->arrival == TS_CLOSED) g->slot_last[st->slot0 + (size_t)x.slot] = x.at;
  else if (plan(g, x.task, &at)) heap_push(g, (struct ts_src){at, x.task, 0});
}

int tsgen_done(struct tsgen *g, int32_t task, int32_t slot, sl_ns t) {
  const struct ts_task *tk = &g->ts->tasks[task];
  const struct ts_state *st = &g->st[task];
  sl_ns at, gap;
  if (tk->arrival != TS_CLOSED || capped(tk, st)) return 0;
  at = t + tk->think;
  gap = g->slot_last[st->slot0 + (size_t)slot] + tk->period;
  if (gap > at) at = gap;
  if (at >= tk->horizon) return 0;
  heap_push(g, (struct ts_src){at, task, slot});
  return 1;
}

/* }=================================================================== */
