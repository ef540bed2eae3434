/*
** spool.c — task records in memory, spilled to tmpfile() past a limit.
*/
#include "spool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void spool_init(struct spool *s, size_t mem_limit) {
  memset(s, 0, sizeof *s);
  s->mem_limit = mem_limit < SPOOL_CHUNK ? SPOOL_CHUNK : mem_limit;
}

static int spill(struct spool *s, struct sl_err *e) {
  if (!s->file && !(s->file = tmpfile()))
    return sl_errf(e, "cannot create a temporary file for task records: %s", strerror(errno));
  if (fwrite(s->mem, sizeof *s->mem, s->nmem, s->file) != s->nmem)
    return sl_errf(e, "cannot write task records to a temporary file: %s", strerror(errno));
  s->nfile += s->nmem;
  s->nmem = 0;
  return 0;
}

int spool_add(struct spool *s, const struct task_rec *r, struct sl_err *e) {
  if (s->nmem == s->mem_limit && spill(s, e) < 0) return -1;
  if (s->nmem == s->mem_cap) {
    struct task_rec *m = sl_grow(s->mem, &s->mem_cap, s->nmem + 1, sizeof *m, e);
    if (!m) return -1;
    s->mem = m;
  }
  s->mem[s->nmem++] = *r;
  s->n++;
  return 0;
}

int spool_each(struct spool *s, int (*cb)(void *, const struct task_rec *), void *ud,
               struct sl_err *e) {
  int r;
  if (s->file) {
    struct task_rec buf[256];
    size_t left = s->nfile;
    if (fflush(s->file) != 0 || fseek(s->file, 0, SEEK_SET) != 0)
      return sl_errf(e, "cannot rewind the task record file: %s", strerror(errno));
    while (left) {
      size_t want = left < 256 ? left : 256, got = fread(buf, sizeof *buf, want, s->file);
      if (got != want) return sl_errf(e, "cannot read back task records");
      for (size_t i = 0; i < got; i++)
        if ((r = cb(ud, &buf[i])) != 0) return r;
      left -= got;
    }
    if (fseek(s->file, 0, SEEK_END) != 0) return sl_errf(e, "cannot seek the task record file");
  }
  for (size_t i = 0; i < s->nmem; i++)
    if ((r = cb(ud, &s->mem[i])) != 0) return r;
  return 0;
}

void spool_free(struct spool *s) {
  if (s->file) fclose(s->file);
  free(s->mem);
  memset(s, 0, sizeof *s);
}
