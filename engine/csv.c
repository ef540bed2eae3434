/*
** csv.c — streaming CSV reader; see csv.h.
*/
#include "csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s, char **end) {
  char *e = *end;
  while (s < e && (*s == ' ' || *s == '\t')) s++;
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) e--;
  *end = e;
  return s;
}

/* Split c->line in place into c->field. */
static int split(struct csv *c, struct sl_err *e) {
  char *p = c->line;
  c->nfield = 0;
  for (;;) {
    char *start, *end;
    if (c->nfield == c->field_cap) {
      char **nf = sl_grow(c->field, &c->field_cap, c->nfield + 1, sizeof *nf, e);
      if (!nf) return -1;
      c->field = nf;
    }
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '"') {
      char *w = ++p;
      start = w;
      for (;;) {
        if (!*p) return sl_errf(e, "%s:%ld: unterminated quoted field", c->path, c->lineno);
        if (*p == '"') {
          if (p[1] == '"') { *w++ = '"'; p += 2; continue; }
          p++;
          break;
        }
        *w++ = *p++;
      }
      end = w;
      while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
      if (*p && *p != ',')
        return sl_errf(e, "%s:%ld: text after a closing quote", c->path, c->lineno);
    } else {
      start = p;
      while (*p && *p != ',') p++;
      end = p;
      start = trim(start, &end);
    }
    c->field[c->nfield++] = start;
    if (*p == ',') { *end = 0; p++; continue; }
    *end = 0;
    break;
  }
  return 0;
}

#define CSV_BUF (CSV_MAX_LINE + 2u)   /* a longest line, its newline, a NUL */

/* The next raw line into c->line (its newline replaced by NUL), reading the
** file in large blocks: 1 found, 0 end of file, -1 error. The buffer never
** grows: a line that does not fit is refused, so a hostile file with one
** gigabyte-long line costs no more memory than a normal one. */
static int next_raw(struct csv *c, struct sl_err *e) {
  for (;;) {
    char *start = c->buf + c->buf_pos;
    char *nl = memchr(start, '\n', c->buf_len - c->buf_pos);
    size_t got;
    if (nl) {
      *nl = 0;
      c->line = start;
      c->line_len = (size_t)(nl - start);
      c->buf_pos = (size_t)(nl - c->buf) + 1;
      return 1;
    }
    if (c->eof) {
      if (c->buf_pos == c->buf_len) return 0;
      c->buf[c->buf_len] = 0;                 /* a last line without newline */
      c->line = start;
      c->line_len = c->buf_len - c->buf_pos;
      c->buf_pos = c->buf_len;
      return 1;
    }
    /* Keep the partial line, make room, read more. */
    memmove(c->buf, start, c->buf_len - c->buf_pos);
    c->buf_len -= c->buf_pos;
    c->buf_pos = 0;
    if (c->buf_len + 1 >= c->buf_cap)
      return sl_errf(e, "%s:%ld: line longer than %u bytes", c->path, c->lineno + 1,
                     CSV_MAX_LINE);
    got = fread(c->buf + c->buf_len, 1, c->buf_cap - c->buf_len - 1, c->f);
    if (got == 0) {
      if (ferror(c->f)) return sl_errf(e, "%s: read error: %s", c->path, strerror(errno));
      c->eof = 1;
    }
    c->buf_len += got;
  }
}

/* Read the next non-blank, non-comment line; 1 found, 0 EOF, -1 error. */
static int read_line(struct csv *c, struct sl_err *e) {
  for (;;) {
    int r = next_raw(c, e);
    const char *s;
    if (r <= 0) return r;
    c->lineno++;
    if (c->lineno == 1 && c->line_len >= 3 && !memcmp(c->line, "\xEF\xBB\xBF", 3)) {
      c->line += 3;                       /* a UTF-8 byte order mark (spreadsheet exports) */
      c->line_len -= 3;
    }
    if ((s = memchr(c->line, 0, c->line_len)))
      return sl_errf(e, "%s:%ld: NUL byte at column %zu", c->path, c->lineno,
                     (size_t)(s - c->line) + 1);
    s = c->line;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '#' || *s == '\r' || *s == 0) continue;
    return 1;
  }
}

int csv_open(struct csv *c, const char *path, struct sl_err *e) {
  return csv_open_flags(c, path, 0, e);
}

struct hcol {
  const char *name;
  size_t col;
};

static int hcol_cmp(const void *a, const void *b) {
  const struct hcol *x = a, *y = b;
  int r = strcmp(x->name, y->name);
  return r ? r : (x->col > y->col) - (x->col < y->col);
}

/* A column named twice: sorted, so wide headers (100k columns) stay
** O(n log n). Reports the first duplicate in sort order, with both columns. */
static int check_dup_columns(struct csv *c, struct sl_err *e) {
  struct hcol *h = sl_alloc(c->nheader * sizeof *h, e);
  int rc = 0;
  if (!h) return -1;
  for (size_t i = 0; i < c->nheader; i++) {
    h[i].name = c->header[i];
    h[i].col = i + 1;
  }
  qsort(h, c->nheader, sizeof *h, hcol_cmp);
  for (size_t i = 1; i < c->nheader && !rc; i++)
    if (!strcmp(h[i - 1].name, h[i].name))
      rc = sl_errf(e, "%s:%ld: column '%s' appears twice (columns %zu and %zu)", c->path,
                   c->lineno, h[i].name, h[i - 1].col, h[i].col);
  free(h);
  return rc;
}

/* With CSV_TRAILING_COMMA, forget one empty field after the last column. */
static void drop_trailing(struct csv *c) {
  if ((c->flags & CSV_TRAILING_COMMA) && c->nfield > 1 && !*c->field[c->nfield - 1]) c->nfield--;
}

int csv_open_flags(struct csv *c, const char *path, unsigned flags, struct sl_err *e) {
  int r;
  memset(c, 0, sizeof *c);
  c->path = path;
  c->flags = flags;
  c->f = fopen(path, "r");
  if (!c->f) return sl_errf(e, "%s: %s", path, strerror(errno));
  c->buf_cap = CSV_BUF;
  if (!(c->buf = malloc(c->buf_cap))) {
    csv_close(c);
    return sl_errf(e, "%s: out of memory", path);
  }
  r = read_line(c, e);
  if (r <= 0) {
    if (r == 0) sl_errf(e, "%s: no header line (empty table)", path);
    csv_close(c);
    return -1;
  }
  if (split(c, e) < 0) { csv_close(c); return -1; }
  drop_trailing(c);
  c->header = sl_alloc(c->nfield * sizeof *c->header, e);
  if (!c->header) { csv_close(c); return -1; }
  c->nheader = c->nfield;
  for (size_t i = 0; i < c->nfield; i++) {
    if (!*c->field[i]) {
      sl_errf(e, "%s:%ld: header column %zu is empty", path, c->lineno, i + 1);
      csv_close(c);
      return -1;
    }
    c->header[i] = sl_strdup(c->field[i], e);
    if (!c->header[i]) { csv_close(c); return -1; }
  }
  if (check_dup_columns(c, e) < 0) { csv_close(c); return -1; }
  return 0;
}

int csv_next(struct csv *c, struct sl_err *e) {
  int r = read_line(c, e);
  if (r <= 0) return r;
  if (split(c, e) < 0) return -1;
  if (c->nfield == c->nheader + 1) drop_trailing(c);
  if (c->nfield != c->nheader)
    return sl_errf(e, "%s:%ld: %zu fields, but the header has %zu columns", c->path,
                   c->lineno, c->nfield, c->nheader);
  return 1;
}

int csv_col(const struct csv *c, const char *name) {
  for (size_t i = 0; i < c->nheader; i++)
    if (!strcmp(c->header[i], name)) return (int)i;
  return -1;
}

void csv_close(struct csv *c) {
  if (c->f) fclose(c->f);
  free(c->buf);
  free(c->field);
  if (c->header)
    for (size_t i = 0; i < c->nheader; i++) free(c->header[i]);
  free(c->header);
  memset(c, 0, sizeof *c);
}
