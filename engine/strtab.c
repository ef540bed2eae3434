/*
** strtab.c — string interning by open addressing.
*/
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

static int rehash(struct strtab *t, struct sl_err *e) {
  size_t ns = t->nslot ? 2 * t->nslot : 64;
  int32_t *sl = sl_alloc(ns * sizeof *sl, e);
  if (!sl) return -1;
  for (size_t i = 0; i < t->n; i++) {
    size_t j = sl_hash(SL_HASH_INIT, t->str[i], strlen(t->str[i])) & (ns - 1);
    while (sl[j]) j = (j + 1) & (ns - 1);
    sl[j] = (int32_t)i + 1;
  }
  free(t->slot);
  t->slot = sl;
  t->nslot = ns;
  return 0;
}

int32_t strtab_intern(struct strtab *t, const char *s, struct sl_err *e) {
  size_t len = strlen(s), j;
  uint64_t h = sl_hash(SL_HASH_INIT, s, len);
  char **ns;
  if (2 * (t->n + 1) > t->nslot && rehash(t, e) < 0) return -1;
  for (j = h & (t->nslot - 1); t->slot[j]; j = (j + 1) & (t->nslot - 1))
    if (!strcmp(t->str[t->slot[j] - 1], s)) return t->slot[j] - 1;
  ns = sl_grow(t->str, &t->cap, t->n + 1, sizeof *ns, e);
  if (!ns) return -1;
  t->str = ns;
  if (!(ns[t->n] = sl_strdup(s, e))) return -1;
  t->slot[j] = (int32_t)t->n + 1;
  return (int32_t)t->n++;
}

void strtab_free(struct strtab *t) {
  for (size_t i = 0; i < t->n; i++) free(t->str[i]);
  free(t->str);
  free(t->slot);
  memset(t, 0, sizeof *t);
}
