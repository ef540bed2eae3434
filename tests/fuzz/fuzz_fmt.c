/*
** fuzz_fmt.c — format specs (fmt.c): the spec parser and the line matcher.
** An input is a spec, a NUL byte, then trace text: the spec is compiled
** (any byte string either compiles or fails with a message naming the spec
** and a line), and, when it compiles, every line of the text is read through
** it. Text that starts like gzip or zstd goes through the block reader
** (zlines.c) from an in-memory file instead, so the decompressors meet
** hostile data too. Crashes, leaks, UB, out-of-bounds reads and a bad line
** without a message are findings.
*/
#define _GNU_SOURCE
#include "fuzz.h"

#include "fmt.h"
#include "zlines.h"

#include <string.h>

#define MAX_LINES 512   /* more are not read: keeps each input fast */

static uint64_t one_line(struct fmt *f, const char *line, size_t len) {
  struct fmt_rec r;
  struct sl_err e;
  int got;
  e.msg[0] = 0;
  got = fmt_line(f, line, len, &r, &e);
  if (got == FMT_RECORD) {
    /* Touch what a record points to: a stale pointer shows up under ASan. */
    uint64_t sum = strlen(r.network) + (r.tenant ? strlen(r.tenant) : 0) +
                   (r.workload ? strlen(r.workload) : 0);
    if (r.arrival < 0 || r.batch < 1 || !*r.network) fuzz_die("fmt_line returned an invalid record");
    if (r.deadline != SL_NS_NONE && r.deadline < 0) fuzz_die("a negative deadline");
    return sum;
  }
  if ((got == FMT_BAD || got == FMT_FATAL) && !e.msg[0]) fuzz_die("a bad line without a message");
  return 0;
}

/* Lines split in place; each is NUL-terminated as zlines hands them out. */
static uint64_t read_text(struct fmt *f, const uint8_t *data, size_t size) {
  char *copy = malloc(size + 1);
  uint64_t sum = 0;
  size_t at = 0, lines = 0;
  if (!copy) fuzz_die("malloc");
  memcpy(copy, data, size);
  copy[size] = 0;
  fmt_new_file(f, "fuzz.txt");
  while (at < size && lines++ < MAX_LINES) {
    char *nl = memchr(copy + at, '\n', size - at);
    size_t len = nl ? (size_t)(nl - (copy + at)) : size - at;
    copy[at + len] = 0;
    sum += one_line(f, copy + at, len);
    at += len + 1;
  }
  free(copy);
  return sum;
}

static uint64_t read_compressed(struct fmt *f, const uint8_t *data, size_t size) {
  char path[64], *line;
  struct zlines z;
  struct sl_err e;
  size_t len, lines = 0;
  uint64_t sum = 0;
  int fd = fuzz_memfd(data, size, path, sizeof path), got;
  if (fd < 0) fuzz_die("memfd");
  e.msg[0] = 0;
  if (zl_open(&z, path, &e) == 0) {
    fmt_new_file(f, path);
    while (lines++ < MAX_LINES && (got = zl_next(&z, &line, &len, &e)) == 1) {
      if (strlen(line) > len) fuzz_die("zl_next: a line longer than its length");
      sum += one_line(f, line, len);
    }
    zl_close(&z);
  } else if (!e.msg[0]) {
    fuzz_die("zl_open failed without a message");
  }
  close(fd);
  return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nul = memchr(data, 0, size);
  size_t spec_len = nul ? (size_t)(nul - data) : size;
  struct fmt *f = NULL;
  struct sl_err e;
  uint64_t sum = 0;
  e.msg[0] = 0;
  if (fmt_parse(&f, "fuzz.fmt", (const char *)data, spec_len, &e) < 0) {
    if (strncmp(e.msg, "fuzz.fmt:", 9) && strncmp(e.msg, "out of memory", 13))
      fuzz_die("a spec error that does not name the spec");
    return 0;
  }
  if (nul) {
    const uint8_t *text = nul + 1;
    size_t n = size - spec_len - 1;
    if (n >= 2 && ((text[0] == 0x1f && text[1] == 0x8b) ||
                   (n >= 4 && text[0] == 0x28 && text[1] == 0xb5 && text[2] == 0x2f && text[3] == 0xfd)))
      sum = read_compressed(f, text, n);
    else
      sum = read_text(f, text, n);
  }
  fmt_free(f);
  return sum == (uint64_t)-1;   /* keeps `sum` live; never true */
}
