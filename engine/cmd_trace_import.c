/*
** cmd_trace_import.c — `schedlab trace import`: a trace in any line format,
** read through a format spec, written as the native CSV (trace.h).
*/
#include "cli.h"
#include "fmtread.h"
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Rows are formatted by hand into a large buffer: printf per field would
** cost more than matching the line. */
#define OUT_BUF (1u << 20)

struct out {
  FILE *f;
  const char *name;        /* for messages */
  char *buf;
  size_t len;
  int failed;
};

static void out_flush(struct out *o) {
  if (!o->failed && o->len && fwrite(o->buf, 1, o->len, o->f) != o->len) o->failed = errno ? errno : EIO;
  o->len = 0;
}

static void out_add(struct out *o, const char *s, size_t n) {
  if (o->len + n > OUT_BUF) out_flush(o);
  if (n > OUT_BUF) {
    if (!o->failed && fwrite(s, 1, n, o->f) != n) o->failed = errno ? errno : EIO;
    return;
  }
  memcpy(o->buf + o->len, s, n);
  o->len += n;
}

/* Digits of v at p; returns the end. The length first, so that the digits
** are written in place backwards (sl_i64_back): the arrival column is most
** of the output, and a copy of a variable size would cost a library call. */
static char *put_i64(char *p, int64_t v) {
  static const uint64_t pow10[20] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
      10000000ull, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
      10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
      100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  /* digits from the bit length (log10(2) ~ 1233 / 4096), then one compare */
  int len = (int)(((64 - __builtin_clzll(u | 1)) * 1233) >> 12);
  len += u >= pow10[len] || !u;
  p += len + (v < 0);
  sl_i64_back(p, v);
  return p;
}

/* A name of n bytes as a CSV field at p, quoted (quotes doubled) where the
** reader would otherwise split, unquote or trim it: `gpt2_small[prompt=P,gen=G]`
** has a comma. Needs room for 2n + 2 bytes; returns the end. */
static char *put_name(char *p, const char *s, size_t n) {
  const char *dq = memchr(s, '"', n);
  if (!dq && n && !memchr(s, ',', n) && s[0] != ' ' && s[0] != '\t' && s[0] != '#' &&
      s[n - 1] != ' ' && s[n - 1] != '\t') {
    memcpy(p, s, n);
    return p + n;
  }
  *p++ = '"';
  while (dq) {
    size_t k = (size_t)(dq - s) + 1;
    memcpy(p, s, k);
    p += k;
    *p++ = '"';
    s += k;
    n -= k;
    dq = memchr(s, '"', n);
  }
  memcpy(p, s, n);
  p += n;
  *p++ = '"';
  return p;
}

/* One row of the native CSV, formatted in place in the output buffer: the
** row's size is bounded first, so no field needs a check of its own. */
static void out_row(struct out *o, const struct trace_row *row, int has_deadline, int has_workload) {
  size_t nn = strlen(row->network), nt = strlen(row->tenant);
  size_t nw = has_workload ? strlen(row->workload) : 0;
  size_t need = 3 * 21 + 2 * (nn + nt + nw) + 3 * 2 + 8;
  char *p, *tmp = NULL;
  if (o->len + need > OUT_BUF) out_flush(o);
  if (need > OUT_BUF) {     /* names of megabytes: a row of its own */
    if (!(tmp = malloc(need))) {
      if (!o->failed) o->failed = ENOMEM;
      return;
    }
    p = tmp;
  } else {
    p = o->buf + o->len;
  }
  char *start = p;
  p = put_i64(p, row->arrival);
  *p++ = ',';
  p = put_name(p, row->network, nn);
  *p++ = ',';
  p = put_i64(p, row->batch);
  *p++ = ',';
  p = put_i64(p, row->priority);
  *p++ = ',';
  p = put_name(p, row->tenant, nt);
  if (has_deadline) {
    *p++ = ',';
    if (row->deadline != SL_NS_NONE) p = put_i64(p, row->deadline);
  }
  if (has_workload) {
    *p++ = ',';
    p = put_name(p, row->workload, nw);
  }
  *p++ = '\n';
  if (tmp) {
    out_add(o, start, (size_t)(p - start));
    free(tmp);
  } else {
    o->len += (size_t)(p - start);
  }
}

static int import(struct trace *t, struct out *o, int has_deadline, int has_workload,
                  int64_t *rows, sl_ns *first, sl_ns *last, struct sl_err *e) {
  struct trace_row row;
  int r;
  out_add(o, "arrival_ns,network,batch,priority,tenant", 40);
  if (has_deadline) out_add(o, ",deadline_ns", 12);
  if (has_workload) out_add(o, ",workload", 9);
  out_add(o, "\n", 1);
  while ((r = trace_next(t, &row, e)) == 1) {
    out_row(o, &row, has_deadline, has_workload);
    if (!*rows) *first = row.arrival;
    *last = row.arrival;
    (*rows)++;
    if (o->failed) break;
  }
  out_flush(o);
  if (r < 0) return -1;
  if (o->failed) return sl_errf(e, "%s: %s", o->name, strerror(o->failed));
  return 0;
}

int trace_import(int argc, char **argv) {
  const char *spec = NULL, *out_path = NULL;
  const char **in = NULL;
  size_t nin = 0;
  int skip_bad = 0, stats = 0, rc = EXIT_USAGE, opened = 0;
  struct cli_once once = {0};
  struct trace t;
  struct out o;
  struct sl_err e;
  char tmp[4200], skipped[1024];
  int64_t rows = 0;
  sl_ns first = 0, last = 0;
  struct timespec t0, t1;
  struct stat st;
  memset(&o, 0, sizeof o);
  tmp[0] = 0;
  e.msg[0] = 0;
  if (!(in = calloc((size_t)argc, sizeof *in))) return cli_fail("out of memory");
  for (int i = 1; i < argc; i++) {
    if (cli_once(&once, "trace", argv[i]) < 0) goto done;
    if (!strcmp(argv[i], "--format") && i + 1 < argc) spec = argv[++i];
    else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) && i + 1 < argc) out_path = argv[++i];
    else if (!strcmp(argv[i], "--skip-bad")) skip_bad = 1;
    else if (!strcmp(argv[i], "--stats")) stats = 1;
    else if (argv[i][0] == '-' && argv[i][1]) {
      cli_usage_error("trace", "unknown or incomplete option '%s'", argv[i]);
      goto done;
    } else in[nin++] = argv[i];
  }
  if (!spec || !nin) {
    cli_usage_error("trace", "import needs --format SPEC and at least one input file");
    goto done;
  }
  rc = EXIT_RUN_FAILED;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (trace_open_spec(&t, in, nin, spec, skip_bad, &e) < 0) {
    cli_fail("%s", e.msg);
    goto done;
  }
  opened = 1;
  if (!(o.buf = malloc(OUT_BUF))) { cli_fail("out of memory"); goto done; }
  if (out_path && strcmp(out_path, "-") && !(stat(out_path, &st) == 0 && !S_ISREG(st.st_mode))) {
    /* Written beside the target and renamed: a failed import leaves no
    ** half-written trace behind, and an old one stays intact. */
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", out_path, (long)getpid());
    if (!(o.f = fopen(tmp, "w"))) {
      cli_fail("%s: %s", tmp, strerror(errno));
      tmp[0] = 0;
      goto done;
    }
    o.name = out_path;
  } else if (out_path && strcmp(out_path, "-")) {
    /* A device or a pipe (-o /dev/null): nothing to rename. */
    if (!(o.f = fopen(out_path, "w"))) {
      cli_fail("%s: %s", out_path, strerror(errno));
      goto done;
    }
    o.name = out_path;
  } else {
    o.f = stdout;
    o.name = "stdout";
  }
  if (import(&t, &o, fmt_has_deadline(t.fr->fmt), fmt_has_workload(t.fr->fmt), &rows, &first, &last, &e) < 0) {
    cli_fail("%s", e.msg);
    goto done;
  }
  if (o.f != stdout) {
    FILE *f = o.f;
    o.f = NULL;
    if (fclose(f) != 0) { cli_fail("%s: %s", out_path, strerror(errno)); goto done; }
    if (tmp[0] && rename(tmp, out_path) != 0) {
      cli_fail("%s: %s", out_path, strerror(errno));
      goto done;
    }
    tmp[0] = 0;
  } else if (fflush(stdout) != 0) {
    cli_fail("stdout: %s", strerror(errno));
    goto done;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fr_skip_report(t.fr, skipped, sizeof skipped);
  {
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    uint64_t bytes = fr_bytes(t.fr);
    FILE *to = out_path && strcmp(out_path, "-") ? stdout : stderr;
    fprintf(to, "imported %lld requests from %zu file(s), %llu lines, %.1f MB of text: "
                "arrivals %.3f to %.3f ms%s%s\n",
            (long long)rows, nin, (unsigned long long)fr_lines(t.fr), (double)bytes / 1e6,
            (double)first / 1e6, (double)last / 1e6, skipped[0] ? "; " : "", skipped);
    if (stats) {
      struct rusage ru;
      getrusage(RUSAGE_SELF, &ru);
      /* CPU time too: on a shared machine the wall time counts waiting for a core. */
      double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                   (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
      fprintf(stderr, "stats: import %.3f s (CPU %.3f s), %.1f MB/s, %.0f lines/s, peak RSS %.1f MiB\n",
              secs, cpu, secs > 0 ? (double)bytes / 1e6 / secs : 0.0,
              secs > 0 ? (double)fr_lines(t.fr) / secs : 0.0, (double)ru.ru_maxrss / 1024.0);
    }
  }
  rc = 0;
done:
  if (o.f && o.f != stdout) fclose(o.f);
  if (tmp[0]) remove(tmp);
  if (opened) trace_close(&t);
  free(o.buf);
  free(in);
  return rc;
}
