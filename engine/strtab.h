/*
** strtab.h — interned strings: each distinct string gets a dense index.
** Networks, tenants and workload labels of a run are interned so that
** records carry small integers.
*/
#ifndef STRTAB_H
#define STRTAB_H

#include "sl.h"

struct strtab {
  char **str;              /* index -> string (owned) */
  size_t n, cap;
  int32_t *slot;           /* open addressing: hash slot -> index + 1, 0 empty */
  size_t nslot;
};

/* Index of s, adding it if new; -1 on out of memory. */
int32_t strtab_intern(struct strtab *t, const char *s, struct sl_err *e);
static inline const char *strtab_get(const struct strtab *t, int32_t i) { return t->str[i]; }
void strtab_free(struct strtab *t);

#endif
