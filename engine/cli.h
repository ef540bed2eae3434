/*
** cli.h — what the subcommands share: the command table, usage errors and
** key=value option lists. Exit status: 0 success, 1 a run or input failed,
** 2 a usage error.
*/
#ifndef CLI_H
#define CLI_H

#include "device.h"

#include <stdio.h>

enum { EXIT_RUN_FAILED = 1, EXIT_USAGE = 2 };

struct command {
  const char *name;
  int (*main)(int argc, char **argv);
  const char *summary;     /* one line for `schedlab help` */
  const char *usage;       /* the full help text */
};

extern const struct command commands[];

/* Print "schedlab CMD: message" and a pointer to the help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "schedlab: error: message"; returns EXIT_RUN_FAILED. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a command's help to `out`. */
void cli_help(const char *cmd, FILE *out);

/* Options that take one value (or are plain flags) may be given once: a
** second `--seed` is a usage error rather than a silent override. Each
** parser keeps one of these; repeatable options (--param, --device-param,
** --network) never reach it. */
struct cli_once {
  const char *seen[32];    /* names seen so far, without the "--" (into argv or the
                           ** getopt table) */
  size_t n;
};
/* Note option `opt` ("--seed" or "--seed=3"; anything not starting with "--"
** is ignored); -1 with a usage message for `cmd` when it was seen before. */
int cli_once(struct cli_once *o, const char *cmd, const char *opt);
/* The same for getopt_long's answer `c`: the name is looked up in `opts`. */
struct option;
int cli_once_opt(struct cli_once *o, const char *cmd, const struct option *opts, int c);

/* A growable list of key=value pairs pointing into argv. */
struct kv_list {
  struct kv *kv;
  size_t n, cap;
};
/* Add "k=v"; returns -1 (with a usage message for `cmd`) if malformed. */
int kv_add(struct kv_list *l, const char *cmd, const char *opt, char *arg);
void kv_free(struct kv_list *l);

int cmd_run(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int trace_import(int argc, char **argv);   /* `trace import` (cmd_trace_import.c) */
int cmd_sweep(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_prune(int argc, char **argv);
int cmd_predict(int argc, char **argv);

#endif
