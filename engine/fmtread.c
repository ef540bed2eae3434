/*
** fmtread.c — records of spec'd trace files, streamed; see fmtread.h.
*/
#include "fmtread.h"

#include <stdio.h>
#include <string.h>

int fr_open(struct fmtread *r, const char *spec, const char *const *paths, size_t npaths,
            int skip_bad, struct sl_err *e) {
  memset(r, 0, sizeof *r);
  r->paths = paths;
  r->npaths = npaths;
  r->skip_bad = skip_bad;
  r->last_arrival = SL_NS_NONE;
  if (!npaths) return sl_errf(e, "no trace file given");
  if (fmt_load(&r->fmt, spec, e) < 0) return -1;
  if (zl_open(&r->zl, paths[0], e) < 0) {
    fmt_free(r->fmt);
    r->fmt = NULL;
    return -1;
  }
  r->zl_open = 1;
  fmt_new_file(r->fmt, paths[0]);
  return 0;
}

/* A bad line: the error, or (skip_bad) counted. */
static int bad_line(struct fmtread *r, struct sl_err *e) {
  if (!r->skip_bad)
    return sl_err_prefix(e, "%s:%ld", r->paths[r->cur], r->zl.lineno);
  if (r->skipped < FR_KEEP_BAD) {
    r->bad[r->skipped].file = r->cur;
    r->bad[r->skipped].line = r->zl.lineno;
  }
  r->skipped++;
  return 0;
}

int fr_next(struct fmtread *r, struct fmt_rec *rec, struct sl_err *e) {
  for (;;) {
    char *line;
    size_t len;
    int got = zl_next(&r->zl, &line, &len, e);
    if (got < 0) return -1;
    if (got == 0) {
      r->bytes += r->zl.bytes;
      r->lines += (uint64_t)r->zl.lineno;
      zl_close(&r->zl);
      r->zl_open = 0;
      if (r->cur + 1 >= r->npaths) return 0;
      r->cur++;
      if (zl_open(&r->zl, r->paths[r->cur], e) < 0) return -1;
      r->zl_open = 1;
      fmt_new_file(r->fmt, r->paths[r->cur]);
      continue;
    }
    switch (fmt_line(r->fmt, line, len, rec, e)) {
    case FMT_SKIP:
      continue;
    case FMT_RECORD:
      if (r->last_arrival != SL_NS_NONE && rec->arrival < r->last_arrival) {
        sl_errf(e, "arrival: %lld ns is before the previous record's %lld ns (arrivals must not "
                   "go backwards)", (long long)rec->arrival, (long long)r->last_arrival);
        if (bad_line(r, e) < 0) return -1;
        continue;
      }
      r->last_arrival = rec->arrival;
      r->records++;
      return 1;
    case FMT_BAD:
      if (bad_line(r, e) < 0) return -1;
      continue;
    default:
      return sl_err_prefix(e, "%s:%ld", r->paths[r->cur], r->zl.lineno);
    }
  }
}

const char *fr_path(const struct fmtread *r) { return r->paths[r->cur]; }
long fr_lineno(const struct fmtread *r) { return r->zl.lineno; }
uint64_t fr_bytes(const struct fmtread *r) { return r->bytes + (r->zl_open ? r->zl.bytes : 0); }
uint64_t fr_lines(const struct fmtread *r) {
  return r->lines + (r->zl_open ? (uint64_t)r->zl.lineno : 0);
}

void fr_skip_report(const struct fmtread *r, char *buf, size_t n) {
  size_t o;
  buf[0] = 0;
  if (!r->skipped) return;
  o = (size_t)snprintf(buf, n, "skipped %lld bad line%s:", (long long)r->skipped,
                       r->skipped == 1 ? "" : "s");
  for (int64_t i = 0; i < r->skipped && i < FR_KEEP_BAD && o < n; i++)
    o += (size_t)snprintf(buf + o, n - o, "%s %s:%ld", i ? "," : "", r->paths[r->bad[i].file],
                          r->bad[i].line);
  if (r->skipped > FR_KEEP_BAD && o < n) snprintf(buf + o, n - o, ", ...");
}

void fr_close(struct fmtread *r) {
  if (r->zl_open) zl_close(&r->zl);
  r->zl_open = 0;
  fmt_free(r->fmt);
  r->fmt = NULL;
}
