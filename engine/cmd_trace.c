/*
** cmd_trace.c — `schedlab trace gen`: write a generated arrival trace.
*/
#include "cli.h"
#include "gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Write to PATH.tmp, then rename: a failed or interrupted run leaves no
** half-written trace behind. */
static int gen_to_file(struct gen *g, const char *path, struct sl_err *e) {
  char tmp[4200];
  FILE *f;
  if (!path || !strcmp(path, "-")) return gen_write(g, stdout, e);
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
  return 0;
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
  if (argc < 2) return cli_usage_error("trace", "trace what? gen");
  if (!strcmp(argv[1], "gen")) return trace_gen(argc - 1, argv + 1);
  return cli_usage_error("trace", "no subcommand '%s' (gen)", argv[1]);
}
