/*
** zlines.h — the lines of a text file that may be compressed: plain, gzip
** (.gz) or Zstandard (.zst), told apart by their magic bytes, not by the
** name. The file is read (and inflated) in large blocks and lines are handed
** out in place, so a multi-gigabyte log costs a fixed few MiB of memory and
** no allocation per line. A line is at most ZL_MAX_LINE bytes; a longer one
** is an error naming its number, never a larger buffer.
*/
#ifndef ZLINES_H
#define ZLINES_H

#include "sl.h"

#include <stdint.h>
#include <stdio.h>

#define ZL_MAX_LINE ((1u << 20) - 1)   /* bytes of one line, newline excluded */

enum zl_kind { ZL_PLAIN = 0, ZL_GZIP, ZL_ZSTD };

struct zlines {
  const char *path;        /* for messages; not owned */
  enum zl_kind kind;
  FILE *f;                 /* plain and zstd: the file */
  void *gz;                /* gzip: the zlib gzFile */
  void *zds;               /* zstd: the ZSTD_DStream */
  unsigned char *zin;      /* zstd: compressed input block */
  size_t zin_len, zin_pos;
  int zeof;                /* zstd: the compressed input is used up */
  int zpending;            /* zstd: a frame is open (more input or output due) */
  char *buf;               /* decompressed text; the current line lives in it */
  size_t cap, len, pos;
  int eof;
  long lineno;             /* 1-based number of the line last returned */
  uint64_t bytes;          /* decompressed bytes handed out so far (lines and newlines) */
};

/* Open; -1 with "PATH: why" when it cannot be read. */
int zl_open(struct zlines *z, const char *path, struct sl_err *e);
/* The next line, its newline (and a carriage return before it) removed and
** a NUL after it: 1 with *line and *len, 0 at the end, -1 on a read or
** decompression error or a line too long ("PATH:LINE: why"). The line
** stays valid until the next call. */
int zl_next(struct zlines *z, char **line, size_t *len, struct sl_err *e);
void zl_close(struct zlines *z);

#endif
