/*
** ivlog.c — see ivlog.h.
*/
#include "ivlog.h"

#include <stdlib.h>

int ivlog_add(struct ivlog *l, const struct ival *iv, struct sl_err *e) {
  struct ival *v = sl_grow(l->v, &l->cap, l->n + 1, sizeof *v, e);
  if (!v) return -1;
  l->v = v;
  v[l->n++] = *iv;
  return 0;
}

void ivlog_free(struct ivlog *l) {
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}
