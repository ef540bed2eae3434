/*
** trace.h — the native arrival trace: CSV with a header. Columns:
**   arrival_ns | arrival_us | arrival_ms | arrival_s   (required; the name gives the unit,
**                                                      decimals allowed, rounded to ns)
**   network                                            (required)
**   batch (default 1), priority (default 1; larger is more important),
**   tenant (default: the network), deadline_ns|us|ms|s (absolute, optional),
**   id (integer, default: the row's ordinal from 0), workload (optional group
**   label: STP and fairness are computed per workload).
** Rows must be in non-decreasing arrival order; times are at most
** SL_TIME_LIMIT ns; ids are unique (a repeated id is an error naming both
** lines). The reader streams: it holds one row at a time, and no ids while
** they increase (the usual case); the first id that does not increase makes
** it re-read the rows before it into a hash set of ids.
** A trace in another line format is read through a format spec (fmt.h,
** traces/formats/README.md) with trace_open_format or trace_open_spec:
** rows then come from the spec, with ids counting from 0.
*/
#ifndef TRACE_H
#define TRACE_H

#include "csv.h"

struct trace_row {
  int64_t id;
  sl_ns arrival;           /* ns */
  sl_ns deadline;          /* absolute ns, or SL_NS_NONE */
  const char *network;     /* valid until the next trace_next */
  const char *tenant;      /* idem; the network when the column is absent */
  const char *workload;    /* idem; "" when the column is absent */
  int32_t batch, priority;
  long lineno;             /* for messages */
};

struct trace_id {
  int64_t id;
  long lineno;             /* 0: an empty slot */
};

struct fmtread;

struct trace {
  struct csv csv;          /* a spec'd trace: only path and lineno are set, for messages */
  struct fmtread *fr;      /* a spec'd trace's reader, or NULL for the native CSV */
  int col_arrival, col_deadline, col_network, col_batch, col_priority, col_tenant, col_id,
      col_workload;
  int arrival_scale, deadline_scale;        /* decimal exponent to ns: 0, 3, 6, 9 */
  const char *arrival_name, *deadline_name;  /* column names, for messages */
  sl_ns last_arrival;
  int64_t rows;
  int64_t max_id;          /* the largest id so far, while ids increase */
  struct trace_id *ids;    /* every id so far, once ids stopped increasing (else NULL) */
  size_t ids_cap, ids_n;   /* open addressing, power-of-two capacity */
};

int trace_open(struct trace *t, const char *path, struct sl_err *e);
/* The same through format spec `spec` (a name in traces/formats/ or a
** path); NULL: the native CSV (trace_open). */
int trace_open_format(struct trace *t, const char *path, const char *spec, struct sl_err *e);
/* Several files through a spec, one timeline (fmtread.h); skip_bad: lines
** that do not read are counted (t->fr) instead of stopping the trace. */
int trace_open_spec(struct trace *t, const char *const *paths, size_t npaths, const char *spec,
                    int skip_bad, struct sl_err *e);
/* 1: a row in *r; 0: end of trace; -1: malformed row ("FILE:LINE: column 'x': why"). */
int trace_next(struct trace *t, struct trace_row *r, struct sl_err *e);
void trace_close(struct trace *t);

#endif
