/*
** fuzz_taskset.c — the task-set parser and release generator (taskset.c),
** then the engine on what parses. Any byte string either loads or fails
** with a "FILE..." message; a set that loads has its releases drawn (up to
** MAX_RELEASES, closed loops answered at once) and checked to come in
** order, then is run on the golden cases' profile device (networks A, B,
** C) under np_fcfs, edf or p_hpf (by input length) with an event limit, so
** extreme periods, phases, jitter, rates, horizons and loop sizes meet the
** engine's arithmetic. Lines `#param NAME=VALUE` become overrides.
*/
#define _GNU_SOURCE
#include "fuzz.h"

#include "engine.h"
#include "taskset.h"

#include <string.h>

#define MAX_RELEASES 4096
#define MAX_OVERRIDES 8

/* `#param NAME=VALUE` lines of the input as overrides (strings in buf). */
static size_t overrides(const uint8_t *data, size_t size, char *buf, size_t nbuf, struct kv *kv) {
  size_t n = 0, len = size < nbuf - 1 ? size : nbuf - 1;
  char *line;
  memcpy(buf, data, len);
  buf[len] = 0;
  for (line = buf; line && n < MAX_OVERRIDES; ) {
    char *nl = strchr(line, '\n'), *eq;
    if (nl) *nl = 0;
    if (!strncmp(line, "#param ", 7) && (eq = strchr(line + 7, '=')) && eq > line + 7) {
      *eq = 0;
      kv[n].key = line + 7;
      kv[n].value = eq + 1;
      n++;
    }
    line = nl ? nl + 1 : NULL;
  }
  return n;
}

static void generate(const struct taskset *ts) {
  struct tsgen g;
  struct sl_err e;
  sl_ns last = -1;
  e.msg[0] = 0;
  if (tsgen_init(&g, ts, 3, &e) < 0) {
    if (!e.msg[0]) fuzz_die("tsgen_init failed without a message");
    return;
  }
  for (int i = 0; i < MAX_RELEASES && tsgen_peek(&g) != SL_NS_NONE; i++) {
    struct ts_release r;
    tsgen_take(&g, &r);
    if (r.release < last || r.release < 0) fuzz_die("releases out of order");
    if (r.task < 0 || (size_t)r.task >= ts->n) fuzz_die("release of no task");
    last = r.release;
    tsgen_done(&g, r.task, r.slot, r.release + 1);
  }
  tsgen_free(&g);
}

static void replay(const char *path, const struct kv *ov, size_t nov, size_t size) {
  static const char *const policies[] = {"np_fcfs", "edf", "p_hpf"};
  struct sim_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.trace_path = path;
  cfg.trace_is_tasks = 1;
  cfg.tasks_params = ov;
  cfg.ntasks_params = nov;
  cfg.policy = policies[size % 3];
  cfg.seed = 1;
  cfg.max_events = 20000;
  fuzz_replay(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64], *buf;
  struct kv ov[MAX_OVERRIDES];
  struct taskset ts;
  struct sl_err e;
  size_t nov;
  int fd;
  if (!(buf = malloc(size + 1))) fuzz_die("malloc");
  nov = overrides(data, size, buf, size + 1, ov);
  if ((fd = fuzz_memfd(data, size, path, sizeof path)) < 0) fuzz_die("memfd");
  e.msg[0] = 0;
  if (taskset_load(&ts, path, ov, nov, &e) == 0) {
    generate(&ts);
    taskset_free(&ts);
    replay(path, ov, nov, size);
  } else if (strncmp(e.msg, path, strlen(path))) {
    fuzz_die("a task-set error that does not name the file");
  }
  close(fd);
  free(buf);
  return 0;
}
