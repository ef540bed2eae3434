/*
** expcheck.c — an expanded experiment checked before anything runs (see
** expfile.h): every policy loads and takes its points' params, every device
** opens with its points' params, every trace file exists and every
** generator accepts its params, every metric the file names exists. A
** mistake would otherwise fail every run of the sweep one by one, or
** silently draw an empty figure.
*/
#include "expfile.h"
#include "fmt.h"

#include "gen.h"
#include "metrics.h"
#include "policy.h"
#include "taskset.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* {===================================================================
** Names and "did you mean"
** =================================================================== */

struct nameset {
  char **s;
  size_t n, cap;
};

static int has(const struct nameset *ns, const char *s) {
  for (size_t i = 0; i < ns->n; i++)
    if (!strcmp(ns->s[i], s)) return 1;
  return 0;
}

static int add(struct nameset *ns, const char *s, struct sl_err *e) {
  char **g, *d;
  if (has(ns, s)) return 0;
  if (!(g = sl_grow(ns->s, &ns->cap, ns->n + 1, sizeof *g, e))) return -1;
  ns->s = g;
  if (!(d = sl_strdup(s, e))) return -1;
  ns->s[ns->n++] = d;
  return 0;
}

static void nameset_free(struct nameset *ns) {
  for (size_t i = 0; i < ns->n; i++) free(ns->s[i]);
  free(ns->s);
  memset(ns, 0, sizeof *ns);
}

/* Edit distance, capped: names are short. */
static size_t distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b), row[64];
  if (la >= 63 || lb >= 63) return 99;
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      diag = up;
      row[j] = best;
    }
  }
  return row[lb];
}

/* " (did you mean 'x'?)" when a known name is close, else "". */
static const char *suggest(const struct nameset *known, const char *name, char *buf, size_t n) {
  size_t best = 99, limit = strlen(name) / 3 > 2 ? strlen(name) / 3 : 2;
  const char *pick = NULL;
  for (size_t i = 0; i < known->n; i++) {
    size_t d = distance(name, known->s[i]);
    if (d < best) { best = d; pick = known->s[i]; }
  }
  if (!pick || best > limit) return "";
  snprintf(buf, n, " (did you mean '%s'?)", pick);
  return buf;
}

static void list_names(const struct nameset *ns, struct sl_err *e) {
  if (!ns->n) sl_err_append(e, "none");
  for (size_t i = 0; i < ns->n; i++) sl_err_append(e, "%s%s", i ? ", " : "", ns->s[i]);
}

/* -1, naming the first of the n names that `known` lacks, with a hint and
** the known names ("policy 'p' has no param 'x' (it declares: a, b)"). */
static int first_unknown(const struct kv *kv, size_t n, const struct nameset *known,
                         const char *owner, const char *listing, struct sl_err *e) {
  char hint[120];
  for (size_t j = 0; j < n; j++) {
    if (has(known, kv[j].key)) continue;
    sl_errf(e, "%s has no param '%s'%s (%s: ", owner, kv[j].key,
            suggest(known, kv[j].key, hint, sizeof hint), listing);
    list_names(known, e);
    sl_err_append(e, ")");
    return -1;
  }
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Policies, devices, traces
** =================================================================== */

static int point_err(const struct experiment *x, const struct exp_run *r, struct sl_err *e) {
  return sl_err_prefix(e, "%s: grid point %zu (%s)", x->path, r->index,
                       r->meta.point && *r->meta.point ? r->meta.point : "no axes");
}

/* A configuration seen before, as text: checking each distinct one once
** keeps a 3000-run grid quick to check. */
static int seen(struct nameset *done, const char *what, const struct kv *kv, size_t n, int *was,
                struct sl_err *e) {
  struct sl_buf b = {0};
  sl_buf_addf(&b, "%s", what);
  for (size_t i = 0; i < n; i++) sl_buf_addf(&b, "\n%s=%s", kv[i].key, kv[i].value);
  if (b.oom) { sl_buf_free(&b); return sl_errf(e, "out of memory"); }
  *was = has(done, b.s);
  if (!*was && add(done, b.s, e) < 0) { sl_buf_free(&b); return -1; }
  sl_buf_free(&b);
  return 0;
}

/* Load the point's policy with `nparams` of its params (0: to read what it
** declares into `known`). */
static int load_policy(const struct exp_run *r, size_t nparams, struct nameset *known,
                       struct sl_err *e) {
  struct sim_config cfg = r->cfg;
  struct sim s;
  int rc = 0;
  cfg.nparams = nparams;
  cfg.log = NULL;
  sim_init(&s, &cfg);
  if (sim_load_policy(&s) < 0) {
    sl_errf(e, "%s", s.err.msg);
    rc = -1;
  } else if (known) {
    size_t n;
    const struct pol_param *pp = pol_params(s.pol, &n);
    for (size_t i = 0; i < n && rc == 0; i++) rc = add(known, pp[i].name, e);
  }
  sim_free(&s);
  return rc;
}

static int check_policies(struct experiment *x, struct sl_err *e) {
  struct nameset done = {0}, known = {0};
  const char *cur = NULL;
  int rc = -1;
  for (size_t i = 0; i < x->nruns; i++) {
    const struct exp_run *r = &x->runs[i];
    int was;
    char owner[1200];
    if (!cur || strcmp(cur, r->cfg.policy)) {  /* points of one policy are usually adjacent */
      nameset_free(&known);
      if (load_policy(r, 0, &known, e) < 0) goto fail;
      cur = r->cfg.policy;
    }
    snprintf(owner, sizeof owner, "policy '%s'", r->cfg.policy);
    if (first_unknown(r->cfg.params, r->cfg.nparams, &known, owner, "it declares", e) < 0)
      goto fail;
    if (r->cfg.nparams) {                     /* the values: types and ranges */
      if (seen(&done, r->cfg.policy, r->cfg.params, r->cfg.nparams, &was, e) < 0) goto done;
      if (!was && load_policy(r, r->cfg.nparams, NULL, e) < 0) goto fail;
    }
    continue;
  fail:
    point_err(x, r, e);
    goto done;
  }
  rc = 0;
done:
  nameset_free(&done);
  nameset_free(&known);
  return rc;
}

static int check_devices(struct experiment *x, struct sl_err *e) {
  struct nameset done = {0}, known = {0};
  const char *cur = NULL;
  int rc = -1;
  for (size_t i = 0; i < x->nruns; i++) {
    const struct exp_run *r = &x->runs[i];
    struct device *d;
    int was;
    char owner[1200];
    if (!cur || strcmp(cur, r->cfg.device_spec)) {
      nameset_free(&known);
      if (dev_open(&d, r->cfg.device_spec, NULL, 0, e) < 0) goto fail;
      for (size_t j = 0; j < d->nparams; j++)
        if (add(&known, d->params[j].name, e) < 0) { dev_close(d); goto done; }
      dev_close(d);
      cur = r->cfg.device_spec;
    }
    snprintf(owner, sizeof owner, "device '%s'", r->cfg.device_spec);
    if (r->cfg.ndev_params) {
      if (seen(&done, r->cfg.device_spec, r->cfg.dev_params, r->cfg.ndev_params, &was, e) < 0)
        goto done;
      if (!was) {
        /* Some params exist only beside others (gpu: timeslice_ns with
        ** sharing=timeslice), so the names a default open records are not
        ** all: only a failed open is explained with them. */
        if (dev_open(&d, r->cfg.device_spec, r->cfg.dev_params, r->cfg.ndev_params, e) < 0) {
          first_unknown(r->cfg.dev_params, r->cfg.ndev_params, &known, owner, "known", e);
          goto fail;
        }
        dev_close(d);
      }
    }
    continue;
  fail:
    point_err(x, r, e);
    goto done;
  }
  rc = 0;
done:
  nameset_free(&done);
  nameset_free(&known);
  return rc;
}

static int check_traces(struct experiment *x, struct sl_err *e) {
  for (size_t i = 0; i < x->nruns; i++) {
    const struct exp_run *r = &x->runs[i];
    if (r->gen_kind) {
      struct gen g;
      int bad = gen_parse(&g, r->gen_kind, r->gen, r->ngen, e) < 0;
      gen_free(&g);
      if (bad) return point_err(x, r, e);
    } else if (access(r->cfg.trace_path, R_OK) != 0) {
      sl_errf(e, "trace '%s': no such file (a relative path is taken from the experiment "
                 "file's folder)", r->cfg.trace_path);
      return point_err(x, r, e);
    } else if (r->cfg.trace_is_tasks) {     /* the task set parses with the point's params */
      struct taskset ts;
      if (taskset_load(&ts, r->cfg.trace_path, r->cfg.tasks_params, r->cfg.ntasks_params, e) < 0)
        return point_err(x, r, e);
      taskset_free(&ts);
    } else if (r->cfg.trace_format) {       /* the spec compiles */
      struct fmt *f;
      if (fmt_load(&f, r->cfg.trace_format, e) < 0) return point_err(x, r, e);
      fmt_free(f);
    }
  }
  return 0;
}

/* }=================================================================== */

/* {===================================================================
** Metrics: in `metrics` and in the figures' SQL
** =================================================================== */

/* The metric names a run stores, taken from the metrics code itself: two
** synthetic co-running requests with deadlines (fairness needs two in a
** group), with an exit, one preemption of each kind, and time with a
** request progressing on a GPU-like device, make it emit every name (the
** classes repeat the names of class 'all'). */
static int known_metrics(struct nameset *ns, struct sl_err *e) {
  struct spool sp;
  struct run_totals t;
  struct metric_set ms = {0};
  struct task_rec rec;
  int rc = -1;
  spool_init(&sp, 16);
  memset(&rec, 0, sizeof rec);
  memset(&t, 0, sizeof t);
  rec.finish = rec.isolated = 1000;
  rec.deadline = 2000;
  rec.priority = rec.batch = 1;
  rec.exit = 1;                               /* accuracy, accuracy_abs */
  rec.exit_acc = rec.top_acc = 1.0;
  t.gpu_like = 1;                             /* gpu_utilization */
  t.busy = 1000;
  t.conc_area = 1000;                         /* mean_concurrency */
  t.conc_time = 1000;
  t.n_groups = 1;
  t.blocks = 1;                               /* conflict_rate, underalloc_* */
  for (int k = 0; k < 3; k++) t.latency_n[k] = 1;
  if (spool_add(&sp, &rec, e) < 0 || spool_add(&sp, &rec, e) < 0 ||
      metrics_compute(&sp, &t, &ms, e) < 0)
    goto done;
  for (size_t i = 0; i < ms.n; i++)
    if (add(ns, ms.m[i].name, e) < 0) goto done;
  rc = 0;
done:
  metrics_free(&ms);
  spool_free(&sp);
  return rc;
}

/* SQL LIKE: % any run, _ one character, ASCII case-insensitive. */
static int like(const char *p, const char *s) {
  if (!*p) return !*s;
  if (*p == '%') {
    for (;; s++) {
      if (like(p + 1, s)) return 1;
      if (!*s) return 0;
    }
  }
  if (!*s) return 0;
  if (*p != '_' && tolower((unsigned char)*p) != tolower((unsigned char)*s)) return 0;
  return like(p + 1, s + 1);
}

static int valid_class(const char *c) {
  int64_t v;
  return !strcmp(c, "all") || sl_parse_i64(c, &v) == 0 || strchr(c, ':');
}

static int word_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static const char *skip_space(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  return s;
}

/* A quoted SQL literal at s into buf; the text after it, or NULL. */
static const char *literal(const char *s, char *buf, size_t n) {
  size_t k = 0;
  if (*s != '\'') return NULL;
  for (s++; *s; s++) {
    if (*s == '\'' && s[1] == '\'') s++;
    else if (*s == '\'') break;
    if (k + 1 < n) buf[k++] = *s;
  }
  buf[k] = 0;
  return *s ? s + 1 : NULL;
}

/* One value the SQL compares `column` with: 'x' (=, IN) or a LIKE pattern. */
static int check_value(const char *column, const char *v, int pattern, const struct nameset *known,
                       const char *where, struct sl_err *e) {
  char hint[120];
  if (!strcmp(column, "class")) {
    if (valid_class(v)) return 0;
    return sl_errf(e, "%s: unknown class '%s' (classes: all, a priority, tenant:NAME)", where, v);
  }
  if (pattern) {
    for (size_t i = 0; i < known->n; i++)
      if (like(v, known->s[i])) return 0;
    return sl_errf(e, "%s: metric pattern LIKE '%s' matches no metric", where, v);
  }
  if (has(known, v)) return 0;
  if (!strncmp(v, "policy.", 7)) return 0;   /* a policy's own counters (sim.metric) */
  return sl_errf(e, "%s: unknown metric '%s'%s", where, v, suggest(known, v, hint, sizeof hint));
}

/* Find `metric = 'x'`, `metric IN ('x', ...)`, `metric LIKE 'p'` (and the
** same for class) in a figure's SQL, with any table prefix. Other uses of
** the columns (joins, GROUP BY, parameters) say nothing about names. */
static int check_sql(const char *sql, const struct nameset *known, const char *where,
                     struct sl_err *e) {
  static const char *const columns[] = {"metric", "class"};
  for (const char *s = sql; *s; s++) {
    for (int c = 0; c < 2; c++) {
      size_t n = strlen(columns[c]);
      const char *t;
      char v[200];
      if (strncasecmp(s, columns[c], n) || word_char(s[n]) || (s > sql && word_char(s[-1])))
        continue;
      t = skip_space(s + n);
      if (*t == '=' ) {
        t = skip_space(t + (t[1] == '=' ? 2 : 1));
        if (literal(t, v, sizeof v) && check_value(columns[c], v, 0, known, where, e) < 0) return -1;
      } else if (!strncasecmp(t, "LIKE", 4) && !word_char(t[4])) {
        t = skip_space(t + 4);
        if (literal(t, v, sizeof v) && check_value(columns[c], v, 1, known, where, e) < 0) return -1;
      } else if (!strncasecmp(t, "IN", 2) && !word_char(t[2])) {
        t = skip_space(t + 2);
        if (*t != '(') continue;
        for (t = skip_space(t + 1); (t = literal(t, v, sizeof v)); ) {
          if (check_value(columns[c], v, 0, known, where, e) < 0) return -1;
          t = skip_space(t);
          if (*t != ',') break;
          t = skip_space(t + 1);
        }
      }
    }
  }
  return 0;
}

static int check_metrics(struct experiment *x, struct sl_err *e) {
  struct nameset known = {0};
  char where[300], hint[120];
  int rc = -1;
  if (known_metrics(&known, e) < 0) goto done;
  /* Written by a rate search (sweep.c) on the run it found. */
  if (add(&known, "search_max", e) < 0 || add(&known, "search_bound", e) < 0) goto done;
  if (x->search && !has(&known, x->search->metric)) {
    sl_errf(e, "%s: search: unknown metric '%s'%s", x->path, x->search->metric,
            suggest(&known, x->search->metric, hint, sizeof hint));
    goto done;
  }
  for (size_t i = 0; i < x->nmetrics; i++)
    if (!has(&known, x->metrics[i]) && strncmp(x->metrics[i], "policy.", 7)) {
      sl_errf(e, "%s: metrics: unknown metric '%s'%s", x->path, x->metrics[i],
              suggest(&known, x->metrics[i], hint, sizeof hint));
      goto done;
    }
  for (size_t i = 0; i < x->nfigs; i++) {
    snprintf(where, sizeof where, "%s: figure '%s'", x->path, x->figs[i].name);
    if (check_sql(x->figs[i].sql, &known, where, e) < 0) goto done;
  }
  rc = 0;
done:
  nameset_free(&known);
  return rc;
}

/* }=================================================================== */

int exp_check(struct experiment *x, struct sl_err *e) {
  if (check_metrics(x, e) < 0 || check_traces(x, e) < 0 || check_devices(x, e) < 0 ||
      check_policies(x, e) < 0)
    return -1;
  return 0;
}
