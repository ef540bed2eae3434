/*
** cli.c — helpers the subcommands share: usage errors, failures, and
** NAME=VALUE option lists.
*/
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "schedlab %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n(see 'schedlab help %s')\n", cmd);
  return EXIT_USAGE;
}

int cli_fail(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "schedlab: error: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return EXIT_RUN_FAILED;
}

int kv_add(struct kv_list *l, const char *cmd, const char *opt, char *arg) {
  char *eq = strchr(arg, '=');
  struct kv *nk;
  if (!eq || eq == arg) {
    cli_usage_error(cmd, "%s expects NAME=VALUE, got '%s'", opt, arg);
    return -1;
  }
  nk = sl_grow(l->kv, &l->cap, l->n + 1, sizeof *nk, NULL);
  if (!nk) {
    cli_fail("out of memory");
    return -1;
  }
  l->kv = nk;
  *eq = 0;
  nk[l->n].key = arg;
  nk[l->n].value = eq + 1;
  l->n++;
  return 0;
}

void kv_free(struct kv_list *l) {
  free(l->kv);
  memset(l, 0, sizeof *l);
}
