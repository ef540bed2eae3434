/*
** fmtread.h — a trace in any line format: the records of one or more files
** (plain, .gz or .zst) read through a format spec (fmt.h), one at a time,
** in constant memory. The files are one timeline: arrivals must not go
** backwards across them, and absolute times count from the first record of
** the first file. A line that does not match, or whose values are wrong,
** stops the reading with "FILE:LINE: why"; with skip_bad it is counted and
** passed over instead.
*/
#ifndef FMTREAD_H
#define FMTREAD_H

#include "fmt.h"
#include "zlines.h"

#define FR_KEEP_BAD 5      /* skipped lines whose place is kept for the report */

struct fmtread {
  struct fmt *fmt;
  const char *const *paths;   /* not owned */
  size_t npaths, cur;
  struct zlines zl;
  int zl_open, skip_bad;
  sl_ns last_arrival;
  int64_t records, skipped;
  struct { size_t file; long line; } bad[FR_KEEP_BAD];
  uint64_t bytes, lines;   /* of the files done, decompressed */
};

/* Load SPEC (fmt_load) and open the first file. */
int fr_open(struct fmtread *r, const char *spec, const char *const *paths, size_t npaths,
            int skip_bad, struct sl_err *e);
/* 1: a record in *rec; 0: the end of the last file; -1: "FILE:LINE: why". */
int fr_next(struct fmtread *r, struct fmt_rec *rec, struct sl_err *e);
/* The file and line of the record last returned. */
const char *fr_path(const struct fmtread *r);
long fr_lineno(const struct fmtread *r);
/* Decompressed bytes and lines read so far. */
uint64_t fr_bytes(const struct fmtread *r);
uint64_t fr_lines(const struct fmtread *r);
/* "skipped N bad line(s): FILE:LINE, ..." into buf (empty when none). */
void fr_skip_report(const struct fmtread *r, char *buf, size_t n);
void fr_close(struct fmtread *r);

#endif
