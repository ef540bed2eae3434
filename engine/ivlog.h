/*
** ivlog.h — the execution intervals of a run (`run --record intervals`):
** one record per stretch of time a request progressed on one unit at one
** share and rate. Kept only when asked for, so default runs pay nothing.
*/
#ifndef IVLOG_H
#define IVLOG_H

#include "sl.h"

struct ival {
  int64_t task_id;
  sl_ns start, end;        /* ns, end > start */
  int32_t unit;            /* 1..K */
  int32_t share;           /* capacity held (1 on exclusive and ps units) */
  double rate;             /* isolated ns of progress per ns */
};

struct ivlog {
  struct ival *v;
  size_t n, cap;
};

int ivlog_add(struct ivlog *l, const struct ival *iv, struct sl_err *e);
void ivlog_free(struct ivlog *l);

#endif
