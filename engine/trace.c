/*
** trace.c — streaming reader of the native CSV arrival trace; see trace.h.
*/
#include "trace.h"

#include "fmtread.h"

#include <stdlib.h>
#include <string.h>

static int unit_scale(const char *name, const char *prefix, int *scale) {
  static const struct { const char *suffix; int scale; } units[] = {
      {"ns", 0}, {"us", 3}, {"ms", 6}, {"s", 9}};
  size_t pl = strlen(prefix);
  if (strncmp(name, prefix, pl)) return 0;
  for (size_t i = 0; i < 4; i++)
    if (!strcmp(name + pl, units[i].suffix)) { *scale = units[i].scale; return 1; }
  return 0;
}

int trace_open(struct trace *t, const char *path, struct sl_err *e) {
  struct csv *c = &t->csv;
  memset(t, 0, sizeof *t);
  t->col_arrival = t->col_deadline = t->col_network = t->col_batch = t->col_priority =
      t->col_tenant = t->col_id = t->col_workload = -1;
  t->last_arrival = SL_NS_NONE;
  if (csv_open(c, path, e) < 0) return -1;
  for (size_t i = 0; i < c->nheader; i++) {
    const char *h = c->header[i];
    int scale;
    int *slot = NULL;
    if (unit_scale(h, "arrival_", &scale)) {
      if (t->col_arrival >= 0) {
        sl_errf(e, "%s:%ld: column '%s': a second arrival column (already have '%s')", path,
                c->lineno, h, t->arrival_name);
        goto fail;
      }
      t->col_arrival = (int)i;
      t->arrival_scale = scale;
      t->arrival_name = h;
      continue;
    }
    if (unit_scale(h, "deadline_", &scale)) {
      if (t->col_deadline >= 0) {
        sl_errf(e, "%s:%ld: column '%s': a second deadline column", path, c->lineno, h);
        goto fail;
      }
      t->col_deadline = (int)i;
      t->deadline_scale = scale;
      t->deadline_name = h;
      continue;
    }
    if (!strcmp(h, "network")) slot = &t->col_network;
    else if (!strcmp(h, "batch")) slot = &t->col_batch;
    else if (!strcmp(h, "priority")) slot = &t->col_priority;
    else if (!strcmp(h, "tenant")) slot = &t->col_tenant;
    else if (!strcmp(h, "id")) slot = &t->col_id;
    else if (!strcmp(h, "workload")) slot = &t->col_workload;
    if (!slot) {
      sl_errf(e, "%s:%ld: column '%s': unknown (a trace has arrival_ns|us|ms|s, network, "
                 "batch, priority, tenant, deadline_ns|us|ms|s, id, workload)", path, c->lineno, h);
      goto fail;
    }
    *slot = (int)i;
  }
  if (t->col_arrival < 0) {
    sl_errf(e, "%s:%ld: missing arrival column (arrival_ns, arrival_us, arrival_ms or arrival_s)",
            path, c->lineno);
    goto fail;
  }
  if (t->col_network < 0) {
    sl_errf(e, "%s:%ld: missing column 'network'", path, c->lineno);
    goto fail;
  }
  return 0;
fail:
  trace_close(t);
  return -1;
}

static int int_col(struct trace *t, int col, const char *name, int64_t min, int64_t max,
                   int64_t *out, struct sl_err *e) {
  const char *f = t->csv.field[col];
  if (!*f) return sl_errf(e, "%s:%ld: column '%s': empty", t->csv.path, t->csv.lineno, name);
  if (sl_parse_i64(f, out) < 0)
    return sl_errf(e, "%s:%ld: column '%s': '%s' is not an integer", t->csv.path, t->csv.lineno,
                   name, f);
  if (*out < min || *out > max)
    return sl_errf(e, "%s:%ld: column '%s': %lld is outside [%lld, %lld]", t->csv.path,
                   t->csv.lineno, name, (long long)*out, (long long)min, (long long)max);
  return 0;
}

static int time_col(struct trace *t, int col, const char *name, int scale, sl_ns *out,
                    struct sl_err *e) {
  const char *f = t->csv.field[col];
  int r;
  if (!*f) return sl_errf(e, "%s:%ld: column '%s': empty", t->csv.path, t->csv.lineno, name);
  r = sl_parse_decimal_scaled(f, strlen(f), scale, out);
  if (r == -1)
    return sl_errf(e, "%s:%ld: column '%s': '%s' is not a number", t->csv.path, t->csv.lineno,
                   name, f);
  if (r == 0 && *out < 0)
    return sl_errf(e, "%s:%ld: column '%s': negative time %s", t->csv.path, t->csv.lineno, name, f);
  if (r < 0 || *out > SL_TIME_LIMIT)
    return sl_errf(e, "%s:%ld: column '%s': %s is out of range (times are at most %lld ns, "
                      "about 36 years)", t->csv.path, t->csv.lineno, name, f,
                   (long long)SL_TIME_LIMIT);
  return 0;
}

/* {===================================================================
** Unique ids
** =================================================================== */

static size_t id_slot(const struct trace *t, int64_t id) {
  uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
  size_t j = (size_t)(h ^ (h >> 29)) & (t->ids_cap - 1);
  while (t->ids[j].lineno && t->ids[j].id != id) j = (j + 1) & (t->ids_cap - 1);
  return j;
}

static int id_insert(struct trace *t, int64_t id, long lineno, struct sl_err *e) {
  if (2 * (t->ids_n + 1) > t->ids_cap) {
    struct trace_id *old = t->ids;
    size_t oc = t->ids_cap, nc = oc ? 2 * oc : 1024;
    if (nc > SIZE_MAX / sizeof *old) return sl_errf(e, "%s: out of memory for ids", t->csv.path);
    if (!(t->ids = sl_alloc(nc * sizeof *old, e))) { t->ids = old; return -1; }
    t->ids_cap = nc;
    for (size_t i = 0; i < oc; i++)
      if (old[i].lineno) t->ids[id_slot(t, old[i].id)] = old[i];
    free(old);
  }
  {
    size_t j = id_slot(t, id);
    t->ids[j].id = id;
    t->ids[j].lineno = lineno;
    t->ids_n++;
  }
  return 0;
}

static int int_col(struct trace *t, int col, const char *name, int64_t min, int64_t max,
                   int64_t *out, struct sl_err *e);

/* Ids stopped increasing at line `before`: collect the ids of the rows
** above it (valid rows, their ids all distinct as they increased) by
** reading them again. */
static int id_load(struct trace *t, long before, struct sl_err *e) {
  struct trace again;
  int64_t id;
  int r;
  if (trace_open(&again, t->csv.path, e) < 0) return -1;
  while ((r = csv_next(&again.csv, e)) == 1 && again.csv.lineno < before)
    if (int_col(&again, again.col_id, "id", INT64_MIN, INT64_MAX, &id, e) < 0 ||
        id_insert(t, id, again.csv.lineno, e) < 0) {
      r = -1;
      break;
    }
  trace_close(&again);
  if (r < 0) return -1;
  if (!t->ids) return sl_errf(e, "%s: the file changed while it was read", t->csv.path);
  return 0;
}

static int check_id(struct trace *t, const struct trace_row *r, struct sl_err *e) {
  size_t j;
  if (!t->ids) {
    if (t->rows == 0 || r->id > t->max_id) {
      t->max_id = r->id;
      return 0;
    }
    if (id_load(t, r->lineno, e) < 0) return -1;
  }
  j = id_slot(t, r->id);
  if (t->ids[j].lineno)
    return sl_errf(e, "%s:%ld: column 'id': %lld is already the id of line %ld", t->csv.path,
                   r->lineno, (long long)r->id, t->ids[j].lineno);
  return id_insert(t, r->id, r->lineno, e);
}

/* }=================================================================== */

/* {===================================================================
** Traces read through a format spec
** =================================================================== */

int trace_open_spec(struct trace *t, const char *const *paths, size_t npaths, const char *spec,
                    int skip_bad, struct sl_err *e) {
  memset(t, 0, sizeof *t);
  t->col_arrival = t->col_deadline = t->col_network = t->col_batch = t->col_priority =
      t->col_tenant = t->col_id = t->col_workload = -1;
  t->last_arrival = SL_NS_NONE;
  if (!(t->fr = sl_alloc(sizeof *t->fr, e))) return -1;
  if (fr_open(t->fr, spec, paths, npaths, skip_bad, e) < 0) {
    free(t->fr);
    t->fr = NULL;
    return -1;
  }
  t->csv.path = paths[0];
  t->arrival_name = "arrival";
  t->deadline_name = "deadline";
  if (fmt_has_workload(t->fr->fmt)) t->col_workload = 0;
  return 0;
}

int trace_open_format(struct trace *t, const char *path, const char *spec, struct sl_err *e) {
  if (!spec) return trace_open(t, path, e);
  return trace_open_spec(t, &path, 1, spec, 0, e);
}

/* The spec has made the row and checked its values and order. */
static int spec_next(struct trace *t, struct trace_row *r, struct sl_err *e) {
  struct fmt_rec rec;
  int got = fr_next(t->fr, &rec, e);
  if (got <= 0) return got;
  t->csv.path = fr_path(t->fr);
  t->csv.lineno = r->lineno = fr_lineno(t->fr);
  r->id = t->rows++;
  r->arrival = rec.arrival;
  r->deadline = SL_NS_NONE;
  if (rec.deadline != SL_NS_NONE) {
    if (rec.deadline > SL_TIME_LIMIT - rec.arrival)
      return sl_errf(e, "%s:%ld: deadline: beyond the limit %lld ns", t->csv.path, r->lineno,
                     (long long)SL_TIME_LIMIT);
    r->deadline = rec.arrival + rec.deadline;
  }
  r->network = rec.network;
  r->tenant = rec.tenant ? rec.tenant : rec.network;
  r->workload = rec.workload ? rec.workload : "";
  r->batch = rec.batch;
  r->priority = rec.priority;
  t->last_arrival = r->arrival;
  return 1;
}

/* }=================================================================== */

int trace_next(struct trace *t, struct trace_row *r, struct sl_err *e) {
  struct csv *c = &t->csv;
  int64_t v;
  int got;
  if (t->fr) return spec_next(t, r, e);
  got = csv_next(c, e);
  if (got <= 0) return got;
  r->lineno = c->lineno;
  if (time_col(t, t->col_arrival, t->arrival_name, t->arrival_scale, &r->arrival, e) < 0)
    return -1;
  if (t->last_arrival != SL_NS_NONE && r->arrival < t->last_arrival)
    return sl_errf(e, "%s:%ld: column '%s': arrivals must not go backwards (%lld ns after %lld ns)",
                   c->path, c->lineno, t->arrival_name, (long long)r->arrival,
                   (long long)t->last_arrival);
  t->last_arrival = r->arrival;
  r->network = c->field[t->col_network];
  if (!*r->network) return sl_errf(e, "%s:%ld: column 'network': empty", c->path, c->lineno);
  r->batch = 1;
  if (t->col_batch >= 0) {
    if (int_col(t, t->col_batch, "batch", 1, INT32_MAX, &v, e) < 0) return -1;
    r->batch = (int32_t)v;
  }
  r->priority = 1;
  if (t->col_priority >= 0) {
    if (int_col(t, t->col_priority, "priority", INT32_MIN, INT32_MAX, &v, e) < 0) return -1;
    r->priority = (int32_t)v;
  }
  r->tenant = r->network;
  if (t->col_tenant >= 0 && *c->field[t->col_tenant]) r->tenant = c->field[t->col_tenant];
  r->workload = t->col_workload >= 0 ? c->field[t->col_workload] : "";
  r->deadline = SL_NS_NONE;
  if (t->col_deadline >= 0 && *c->field[t->col_deadline]) {
    if (time_col(t, t->col_deadline, t->deadline_name, t->deadline_scale, &r->deadline, e) < 0)
      return -1;
    if (r->deadline < r->arrival)
      return sl_errf(e, "%s:%ld: column '%s': deadline %lld ns is before the arrival %lld ns",
                     c->path, c->lineno, t->deadline_name, (long long)r->deadline,
                     (long long)r->arrival);
  }
  r->id = t->rows;
  if (t->col_id >= 0 && (int_col(t, t->col_id, "id", INT64_MIN, INT64_MAX, &r->id, e) < 0 ||
                         check_id(t, r, e) < 0))
    return -1;
  t->rows++;
  return 1;
}

void trace_close(struct trace *t) {
  if (t->fr) {
    fr_close(t->fr);
    free(t->fr);
    t->fr = NULL;
    return;
  }
  csv_close(&t->csv);
  free(t->ids);
  t->ids = NULL;
}
