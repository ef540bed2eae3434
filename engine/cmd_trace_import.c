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

static void out_i64(struct out *o, int64_t v) {
  char tmp[24], *end = tmp + sizeof tmp, *p = end;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) *--p = '-';
  out_add(o, p, (size_t)(end - p));
}

/* A name as a CSV field, quoted (quotes doubled) where the reader would
** otherwise split, unquote or trim it: `gpt2_small[prompt=P,gen=G]` has a
** comma. */
static void out_name(struct out *o, const char *s) {
  size_t n = strlen(s);
  if (n && !strpbrk(s, ",\"") && s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' &&
      s[n - 1] != '\t' && s[0] != '#') {
    out_add(o, s, n);
    return;
  }
  out_add(o, "\"", 1);
  for (const char *q; (q = strchr(s, '"')); s = q + 1) {
    out_add(o, s, (size_t)(q - s) + 1);
    out_add(o, "\"", 1);
  }
  out_add(o, s, strlen(s));
  out_add(o, "\"", 1);
}

static int import(struct trace *t, struct out *o, int has_deadline, int has_workload,
                  int64_t *rows, sl_ns *last, struct sl_err *e) {
  struct trace_row row;
  int r;
  out_add(o, "arrival_ns,network,batch,priority,tenant", 40);
  if (has_deadline) out_add(o, ",deadline_ns", 12);
  if (has_workload) out_add(o, ",workload", 9);
  out_add(o, "\n", 1);
  while ((r = trace_next(t, &row, e)) == 1) {
    out_i64(o, row.arrival);
    out_add(o, ",", 1);
    out_name(o, row.network);
    out_add(o, ",", 1);
    out_i64(o, row.batch);
    out_add(o, ",", 1);
    out_i64(o, row.priority);
    out_add(o, ",", 1);
    out_name(o, row.tenant);
    if (has_deadline) {
      out_add(o, ",", 1);
      if (row.deadline != SL_NS_NONE) out_i64(o, row.deadline);
    }
    if (has_workload) {
      out_add(o, ",", 1);
      out_name(o, row.workload);
    }
    out_add(o, "\n", 1);
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
  int skip_bad = 0, rc = EXIT_USAGE, opened = 0;
  struct cli_once once = {0};
  struct trace t;
  struct out o;
  struct sl_err e;
  char tmp[4200], skipped[1024];
  int64_t rows = 0;
  sl_ns last = 0;
  struct timespec t0, t1;
  memset(&o, 0, sizeof o);
  tmp[0] = 0;
  e.msg[0] = 0;
  if (!(in = calloc((size_t)argc, sizeof *in))) return cli_fail("out of memory");
  for (int i = 1; i < argc; i++) {
    if (cli_once(&once, "trace", argv[i]) < 0) goto done;
    if (!strcmp(argv[i], "--format") && i + 1 < argc) spec = argv[++i];
    else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) && i + 1 < argc) out_path = argv[++i];
    else if (!strcmp(argv[i], "--skip-bad")) skip_bad = 1;
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
  if (out_path && strcmp(out_path, "-")) {
    /* Written beside the target and renamed: a failed import leaves no
    ** half-written trace behind, and an old one stays intact. */
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", out_path, (long)getpid());
    if (!(o.f = fopen(tmp, "w"))) {
      cli_fail("%s: %s", tmp, strerror(errno));
      tmp[0] = 0;
      goto done;
    }
    o.name = out_path;
  } else {
    o.f = stdout;
    o.name = "stdout";
  }
  if (import(&t, &o, fmt_has_deadline(t.fr->fmt), fmt_has_workload(t.fr->fmt), &rows, &last, &e) < 0) {
    cli_fail("%s", e.msg);
    goto done;
  }
  if (o.f != stdout) {
    FILE *f = o.f;
    o.f = NULL;
    if (fclose(f) != 0) { cli_fail("%s: %s", out_path, strerror(errno)); goto done; }
    if (rename(tmp, out_path) != 0) { cli_fail("%s: %s", out_path, strerror(errno)); goto done; }
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
    FILE *to = o.f == stdout ? stderr : stdout;
    fprintf(to, "imported %lld requests from %zu file(s), %llu lines, %.1f MB of text: "
                "arrivals 0 to %.3f ms%s%s\n",
            (long long)rows, nin, (unsigned long long)fr_lines(t.fr), (double)bytes / 1e6,
            (double)last / 1e6, skipped[0] ? "; " : "", skipped);
    if (getenv("SCHEDLAB_IMPORT_TIMING"))
      fprintf(stderr, "import: %.3f s, %.1f MB/s, %.0f lines/s\n", secs,
              secs > 0 ? (double)bytes / 1e6 / secs : 0.0,
              secs > 0 ? (double)fr_lines(t.fr) / secs : 0.0);
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
