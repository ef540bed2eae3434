/*
** csv.h — a streaming reader for the comma-separated tables schedlab reads
** (traces, profile tables, network tables): header row, `#` comment lines,
** blank lines skipped, optional double quotes, whitespace around fields
** trimmed. One line in memory at a time, of at most CSV_MAX_LINE bytes; a
** UTF-8 byte order mark before the header is skipped; a NUL byte anywhere
** is an error naming the line.
*/
#ifndef CSV_H
#define CSV_H

#include "sl.h"

#include <stdio.h>

struct csv {
  FILE *f;
  const char *path;        /* for messages; not owned */
  char *buf;               /* read buffer: the current line lives in it */
  size_t buf_cap, buf_len, buf_pos;
  int eof;
  char *line;              /* the current line, NUL-terminated, inside buf */
  size_t line_len;         /* its length: a NUL byte before it is an error */
  long lineno;             /* 1-based line number of the current row */
  char **field;            /* fields of the current row (point into line) */
  size_t nfield, field_cap;
  char **header;           /* owned copies of the header names */
  size_t nheader;
  unsigned flags;          /* CSV_* options given to csv_open_flags */
};

#define CSV_MAX_LINE ((1u << 20) - 1)   /* bytes of one line, newline excluded */

/* Options of csv_open_flags. */
#define CSV_TRAILING_COMMA 1u   /* one empty field after the last column is dropped (SCALE-Sim
                                ** topology files end every line with a comma) */

/* Open and read the header. Fails on a missing file or an empty table. */
int csv_open(struct csv *c, const char *path, struct sl_err *e);
/* The same, with CSV_* options. */
int csv_open_flags(struct csv *c, const char *path, unsigned flags, struct sl_err *e);
/* Next data row: 1 = a row is in c->field, 0 = end of file, -1 = error
** (wrong number of fields, unterminated quote, read error). */
int csv_next(struct csv *c, struct sl_err *e);
/* Index of a header column, or -1. */
int csv_col(const struct csv *c, const char *name);
void csv_close(struct csv *c);

#endif
