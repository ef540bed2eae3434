/*
** cmd_trace.c — `schedlab trace gen`: write a generated arrival trace.
*/
#include "cli.h"
#include "gen.h"
#include "strtab.h"
#include "trace_tools.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a generated trace holds, read back from what was written. */
struct gen_summary {
  int64_t rows;
  long long first_ns, last_ns;
  struct strtab tenants;
};

/* Read the generator's CSV (arrival_ns,network,batch,priority,tenant[,...])
** line by line, copying it to `copy` when given. */
static int summarise(FILE *f, FILE *copy, struct gen_summary *s, struct sl_err *e) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int header = 1, rc = 0;
  while ((len = getline(&line, &cap, f)) > 0) {
    char *field[5], *p = line;
    int nf = 0;
    if (copy && fwrite(line, 1, (size_t)len, copy) != (size_t)len) {
      rc = sl_errf(e, "writing the trace: %s", strerror(errno));
      break;
    }
    if (header) { header = 0; continue; }
    line[strcspn(line, "\r\n")] = 0;
    while (nf < 5 && p) {
      field[nf++] = p;
      if ((p = strchr(p, ','))) *p++ = 0;
    }
    if (nf < 5) continue;
    if (!s->rows) s->first_ns = atoll(field[0]);
    s->last_ns = atoll(field[0]);
    s->rows++;
    if (strtab_intern(&s->tenants, field[4], e) < 0) { rc = -1; break; }
  }
  free(line);
  if (!rc && ferror(f)) rc = sl_errf(e, "reading the trace back: %s", strerror(errno));
  return rc;
}

/* One line on what was written: where, how many rows, the arrivals' span and
** the tenants (the first few by name). */
static void print_summary(FILE *to, const char *where, const struct gen_summary *s) {
  fprintf(to, "wrote %s: %lld requests, arrivals %.3f ms to %.3f ms of simulated time, %zu tenant(s)",
          where, (long long)s->rows, (double)s->first_ns / 1e6, (double)s->last_ns / 1e6, s->tenants.n);
  for (size_t i = 0; i < s->tenants.n && i < 8; i++)
    fprintf(to, "%s%s", i ? ", " : ": ", strtab_get(&s->tenants, (int32_t)i));
  fprintf(to, "%s\n", s->tenants.n > 8 ? ", ..." : "");
}

/* Write to PATH.tmp, then rename: a failed or interrupted run leaves no
** half-written trace behind. With no path (or "-") the trace goes to stdout
** and the summary to stderr, so stdout stays a clean CSV; with a path the
** summary goes to stdout. */
static int gen_to_file(struct gen *g, const char *path, struct sl_err *e) {
  char tmp[4200];
  FILE *f;
  struct gen_summary sum;
  int rc;
  memset(&sum, 0, sizeof sum);
  if (!path || !strcmp(path, "-")) {
    if (!(f = tmpfile())) return sl_errf(e, "temporary file: %s", strerror(errno));
    rc = gen_write(g, f, e);
    if (!rc && fflush(f) != 0) rc = sl_errf(e, "temporary file: %s", strerror(errno));
    if (!rc) {
      rewind(f);
      rc = summarise(f, stdout, &sum, e);
    }
    fclose(f);
    if (!rc && fflush(stdout) != 0) rc = sl_errf(e, "stdout: %s", strerror(errno));
    if (!rc) print_summary(stderr, "stdout", &sum);
    strtab_free(&sum.tenants);
    return rc;
  }
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  if (!(f = fopen(tmp, "w"))) return sl_errf(e, "%s: %s", tmp, strerror(errno));
  if (gen_write(g, f, e) < 0 || fclose(f) != 0) {
    if (!e->msg[0]) sl_errf(e, "%s: write failed", tmp);
    remove(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    sl_errf(e, "%s: %s", path, strerror(errno));
    remove(tmp);
    return -1;
  }
  if (!(f = fopen(path, "r"))) return sl_errf(e, "%s: %s", path, strerror(errno));
  rc = summarise(f, NULL, &sum, e);
  fclose(f);
  if (!rc) print_summary(stdout, path, &sum);
  strtab_free(&sum.tenants);
  return rc;
}

static int trace_gen(int argc, char **argv) {
  struct kv_list gp = {0}, dp = {0};
  const char *kind = NULL, *spec = NULL, *out = NULL;
  struct device *d = NULL;
  struct gen g;
  struct sl_err e;
  int rc = EXIT_USAGE;
  memset(&g, 0, sizeof g);
  e.msg[0] = 0;
  struct cli_once once = {0};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--device-param") && cli_once(&once, "trace", argv[i]) < 0) goto done;
    if (!strcmp(argv[i], "--device") && i + 1 < argc) spec = argv[++i];
    else if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "--device-param") && i + 1 < argc) {
      if (kv_add(&dp, "trace", "--device-param", argv[++i]) < 0) goto done;
    } else if (argv[i][0] == '-') {
      cli_usage_error("trace", "unknown or incomplete option '%s'", argv[i]);
      goto done;
    } else if (!kind) kind = argv[i];
    else if (kv_add(&gp, "trace", "a generator param", argv[i]) < 0) goto done;
  }
  if (!kind || !spec) {
    cli_usage_error("trace", "gen needs a generator kind and --device SPEC");
    goto done;
  }
  rc = EXIT_RUN_FAILED;
  if (gen_parse(&g, kind, gp.kv, gp.n, &e) < 0 || dev_open(&d, spec, dp.kv, dp.n, &e) < 0 ||
      gen_resolve(&g, d, &e) < 0 || gen_to_file(&g, out, &e) < 0) {
    cli_fail("%s", e.msg);
    goto done;
  }
  rc = 0;
done:
  gen_free(&g);
  dev_close(d);
  kv_free(&gp);
  kv_free(&dp);
  return rc;
}

int cmd_trace(int argc, char **argv) {
  int rc;
  if (argc < 2) return cli_usage_error("trace", "trace what? gen, import, stats, slice, scale, merge");
  if (!strcmp(argv[1], "gen")) return trace_gen(argc - 1, argv + 1);
  if (!strcmp(argv[1], "import")) return trace_import(argc - 1, argv + 1);
  if ((rc = trace_tools_main(argc - 1, argv + 1)) >= 0) return rc;
  return cli_usage_error("trace", "no subcommand '%s' (gen, import, stats, slice, scale, merge)",
                         argv[1]);
}
