/*
** zlines.c — lines of a plain, gzip or zstd file, read in blocks; see zlines.h.
*/
#include "zlines.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* Large reads amortise the system call and the decompressor's per-call
** cost; 4 MiB keeps the whole reader near 5 MiB. */
#define ZL_BLOCK (4u << 20)

int zl_open(struct zlines *z, const char *path, struct sl_err *e) {
  unsigned char magic[4];
  size_t got;
  memset(z, 0, sizeof *z);
  z->path = path;
  if (!(z->f = fopen(path, "rb"))) return sl_errf(e, "%s: %s", path, strerror(errno));
  got = fread(magic, 1, sizeof magic, z->f);
  if (ferror(z->f)) {
    sl_errf(e, "%s: read error: %s", path, strerror(errno));
    goto fail;
  }
  z->cap = ZL_BLOCK + ZL_MAX_LINE + 2;
  if (!(z->buf = sl_alloc(z->cap, e))) goto fail;
  if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    z->kind = ZL_GZIP;
    fclose(z->f);
    z->f = NULL;
    if (!(z->gz = gzopen(path, "rb"))) {
      sl_errf(e, "%s: %s", path, errno ? strerror(errno) : "cannot open as gzip");
      goto fail;
    }
    gzbuffer(z->gz, 1u << 18);
  } else if (got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
             magic[3] == 0xfd) {
    z->kind = ZL_ZSTD;
    if (!(z->zds = ZSTD_createDStream())) {
      sl_errf(e, "%s: out of memory for the zstd decoder", path);
      goto fail;
    }
    if (!(z->zin = sl_alloc(ZSTD_DStreamInSize(), e))) goto fail;
    memcpy(z->zin, magic, got);
    z->zin_len = got;
  } else {
    z->kind = ZL_PLAIN;               /* what was read is the start of the text */
    memcpy(z->buf, magic, got);
    z->len = got;
  }
  return 0;
fail:
  zl_close(z);
  return -1;
}

/* Inflate zstd input into dst: bytes written, 0 at the end, -1 on error.
** At the end of the file a frame still open is a truncation; the decoder
** may also hold output from input already given, so it is asked once more
** with no input before that is decided. */
static long zstd_read(struct zlines *z, char *dst, size_t n, struct sl_err *e) {
  ZSTD_outBuffer out = {dst, n, 0};
  while (out.pos == 0) {
    ZSTD_inBuffer in;
    size_t r;
    if (z->zin_pos == z->zin_len && !z->zeof) {
      z->zin_len = fread(z->zin, 1, ZSTD_DStreamInSize(), z->f);
      z->zin_pos = 0;
      if (z->zin_len == 0) {
        if (ferror(z->f)) return sl_errf(e, "%s: read error: %s", z->path, strerror(errno));
        z->zeof = 1;
      }
    }
    if (z->zin_pos == z->zin_len && !z->zpending) return 0;
    in.src = z->zin;
    in.size = z->zin_len;
    in.pos = z->zin_pos;
    r = ZSTD_decompressStream(z->zds, &out, &in);
    z->zin_pos = in.pos;
    if (ZSTD_isError(r)) return sl_errf(e, "%s: zstd: %s", z->path, ZSTD_getErrorName(r));
    z->zpending = r != 0;
    if (out.pos == 0 && z->zeof && z->zin_pos == z->zin_len && z->zpending)
      return sl_errf(e, "%s: truncated zstd data", z->path);
  }
  return (long)out.pos;
}

/* Append up to n bytes of text at dst: bytes read, 0 at the end, -1 on error. */
static long fill(struct zlines *z, char *dst, size_t n, struct sl_err *e) {
  switch (z->kind) {
  case ZL_GZIP: {
    int r, err;
    const char *msg;
    if (n > INT_MAX) n = INT_MAX;
    r = gzread(z->gz, dst, (unsigned)n);
    if (r > 0) return r;
    msg = gzerror(z->gz, &err);
    if (r < 0 || (err != Z_OK && err != Z_STREAM_END))
      return sl_errf(e, "%s: gzip: %s", z->path, msg && *msg ? msg : "read error");
    return 0;
  }
  case ZL_ZSTD:
    return zstd_read(z, dst, n, e);
  case ZL_PLAIN:
  default: {
    size_t got = fread(dst, 1, n, z->f);
    if (got == 0 && ferror(z->f)) return sl_errf(e, "%s: read error: %s", z->path, strerror(errno));
    return (long)got;
  }
  }
}

int zl_next(struct zlines *z, char **line, size_t *len, struct sl_err *e) {
  for (;;) {
    char *start = z->buf + z->pos;
    char *nl = memchr(start, '\n', z->len - z->pos);
    size_t n;
    long got;
    if (nl || (z->eof && z->pos < z->len)) {
      n = nl ? (size_t)(nl - start) : z->len - z->pos;
      if (n > ZL_MAX_LINE)
        return sl_errf(e, "%s:%ld: line longer than %u bytes", z->path, z->lineno + 1, ZL_MAX_LINE);
      z->pos += n + (nl != NULL);
      z->bytes += n + (nl != NULL);
      if (n && start[n - 1] == '\r') n--;
      start[n] = 0;
      z->lineno++;
      *line = start;
      *len = n;
      return 1;
    }
    if (z->eof) return 0;
    /* Keep the partial line at the front and read a block after it. */
    n = z->len - z->pos;
    if (n > ZL_MAX_LINE)
      return sl_errf(e, "%s:%ld: line longer than %u bytes", z->path, z->lineno + 1, ZL_MAX_LINE);
    memmove(z->buf, start, n);
    z->pos = 0;
    z->len = n;
    got = fill(z, z->buf + n, z->cap - n - 1, e);
    if (got < 0) return -1;
    if (got == 0) z->eof = 1;
    z->len += (size_t)got;
  }
}

void zl_close(struct zlines *z) {
  if (z->f) fclose(z->f);
  if (z->gz) gzclose(z->gz);
  if (z->zds) ZSTD_freeDStream(z->zds);
  free(z->zin);
  free(z->buf);
  memset(z, 0, sizeof *z);
}
