/*
** sl.h — types, error reporting and small helpers shared by every module.
** Time is an integer count of nanoseconds everywhere (sl_ns).
*/
#ifndef SL_H
#define SL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef int64_t sl_ns;                 /* simulated time or duration, ns */
#define SL_NS_NONE INT64_MIN           /* an absent time (no deadline, not started) */
#define SL_NS_MAX  INT64_MAX
/* The largest time or duration accepted from input (arrivals, deadlines,
** device latencies, a compiled network's total, one checkpoint): 2^60 ns,
** about 36.5 years. Sums of a few such values stay far from INT64_MAX, so
** the engine's arithmetic on them cannot overflow. */
#define SL_TIME_LIMIT ((int64_t)1 << 60)

/* An error message buffer. Functions that can fail take a `struct sl_err *`
** and return -1 after filling it; 0 is success. */
struct sl_err {
  char msg[4096];
};

int sl_errf(struct sl_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prefix an existing message: "PREFIX: old message". Returns -1. */
int sl_err_prefix(struct sl_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append to an existing message. */
void sl_err_append(struct sl_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Always-on check of a cheap, critical invariant (time never goes
** backwards, ...). A failure is a bug in schedlab, never bad input. */
#define SL_ASSERT(c) \
  do { if (!(c)) sl_panic(__FILE__, __LINE__, #c); } while (0)
_Noreturn void sl_panic(const char *file, int line, const char *what);

/* Allocation helpers that report failure through sl_err. */
void *sl_alloc(size_t n, struct sl_err *e);            /* zeroed */
void *sl_grow(void *p, size_t *cap, size_t need, size_t elem, struct sl_err *e);
char *sl_strdup(const char *s, struct sl_err *e);

/* Growable string buffer. */
struct sl_buf {
  char *s;
  size_t len, cap;
  int oom;                              /* set once an append failed */
};
void sl_buf_addf(struct sl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sl_buf_add(struct sl_buf *b, const char *s, size_t n);
void sl_buf_free(struct sl_buf *b);

/* Parsing helpers: whole-string conversions, 0 on success. */
int sl_parse_i64(const char *s, int64_t *out);
int sl_parse_double(const char *s, double *out);
/* A decimal number (digits, optional fraction and exponent) scaled by
** 10^scale and rounded half away from zero to an integer: exact, no
** binary floating point. Used for times given in us/ms/s. Returns -1 for
** malformed text and -2 for a well-formed number beyond int64. */
int sl_parse_decimal_scaled(const char *s, size_t n, int scale, int64_t *out);
/* "250000", "250us", "0.25ms", "1s" -> ns. Plain numbers are ns. */
int sl_parse_duration(const char *s, sl_ns *out);

/* The decimal digits of v written backwards so that they end just before
** `end`, a '-' first when v < 0; returns where they start (at most 20
** bytes before end). Two digits per division, inline: trace readers and
** writers format numbers on every line of a trace. */
static inline char *sl_i64_back(char *end, int64_t v) {
  static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233"
                              "34353637383940414243444546474849505152535455565758596061626364656667"
                              "6869707172737475767778798081828384858687888990919293949596979899";
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  while (u >= 100) {
    end -= 2;
    memcpy(end, pairs + 2 * (u % 100), 2);
    u /= 100;
  }
  if (u >= 10) {
    end -= 2;
    memcpy(end, pairs + 2 * u, 2);
  } else {
    *--end = (char)('0' + u);
  }
  if (v < 0) *--end = '-';
  return end;
}

/* s without the blanks around it, in place: spaces and tabs before; spaces,
** tabs, '\r' and '\n' after (a line as fgets or a CRLF file leaves it). */
char *sl_trim(char *s);

/* Whether the n bytes at s are a name: a letter or '_', then letters,
** digits and '_'. */
int sl_is_ident(const char *s, size_t n);

/* qsort and bsearch comparators: an array of strings (char *) by strcmp;
** doubles in ascending order. */
int sl_cmp_str(const void *a, const void *b);
int sl_cmp_double(const void *a, const void *b);

/* 64-bit FNV-1a, for run keys and seeded hashing. */
uint64_t sl_hash(uint64_t h, const void *data, size_t n);
#define SL_HASH_INIT 1469598103934665603ULL

/* Directory that holds policies_lua/, traces/ and experiments/: $SCHEDLAB_HOME,
** else the parent of the directory holding the running binary. */
const char *sl_home(char *buf, size_t n);

/* Read a whole file into a NUL-terminated heap buffer. */
char *sl_read_file(const char *path, size_t *len, struct sl_err *e);

#endif
