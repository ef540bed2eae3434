/*
** cli.c — helpers the subcommands share: usage errors, failures, and
** NAME=VALUE option lists.
*/
#include "cli.h"

#include <getopt.h>
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

/* Length of an option's name: "seed=3" and "seed" compare equal. */
static size_t opt_len(const char *s) { return strcspn(s, "="); }

/* Note `name` (without the leading "--"). */
static int once(struct cli_once *o, const char *cmd, const char *name) {
  size_t n = opt_len(name);
  for (size_t i = 0; i < o->n; i++)
    if (opt_len(o->seen[i]) == n && !strncmp(o->seen[i], name, n)) {
      cli_usage_error(cmd, "option '--%.*s' given more than once", (int)n, name);
      return -1;
    }
  if (o->n < sizeof o->seen / sizeof o->seen[0]) o->seen[o->n++] = name;
  return 0;
}

int cli_once(struct cli_once *o, const char *cmd, const char *opt) {
  if (strncmp(opt, "--", 2) || !opt[2]) return 0;
  return once(o, cmd, opt + 2);
}

int cli_once_opt(struct cli_once *o, const char *cmd, const struct option *opts, int c) {
  for (; opts->name; opts++)
    if (opts->val == c) return once(o, cmd, opts->name);
  return 0;
}
