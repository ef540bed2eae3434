/*
** fuzz_trace.c — the arrival-trace reader (trace.c over csv.c), then the
** engine on what it accepts. Any byte string either reads as rows or fails
** with a message; a trace that reads is replayed on the golden cases'
** profile device (networks A, B, C) under a preemptive policy (p_hpf, edf
** or sjf, by input length), so extreme arrivals, deadlines, priorities and
** ids meet the engine's arithmetic and the metrics. Crashes, leaks, UB,
** engine assertions and out-of-bounds reads are findings.
*/
#define _GNU_SOURCE
#include "fuzz.h"

#include "engine.h"

#include <string.h>

#define MAX_REPLAY_ROWS 256   /* longer traces are only read: keeps each input fast */

/* Read the whole trace: 1 if it is valid, 0 if not. */
static int read_trace(const char *path, uint64_t *sum) {
  struct trace t;
  struct trace_row row;
  struct sl_err e;
  int r;
  e.msg[0] = 0;
  if (trace_open(&t, path, &e) < 0) {
    if (!e.msg[0]) fuzz_die("trace_open failed without a message");
    return 0;
  }
  while ((r = trace_next(&t, &row, &e)) == 1) {
    /* Touch what a row points to: a stale pointer shows up under ASan. */
    *sum += strlen(row.network) + strlen(row.tenant) + strlen(row.workload);
    if (row.arrival < 0 || row.batch < 1) fuzz_die("trace_next returned an invalid row");
  }
  if (r < 0 && !e.msg[0]) fuzz_die("trace_next failed without a message");
  r = r == 0 && t.rows <= MAX_REPLAY_ROWS;
  trace_close(&t);
  return r;
}

static void replay(const char *path, size_t size) {
  static const char *const policies[] = {"p_hpf", "edf", "sjf"};
  struct sim_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.trace_path = path;
  cfg.policy = policies[size % 3];
  cfg.seed = 1;
  cfg.predict_sigma = 0.1;
  fuzz_replay(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  uint64_t sum = 0;
  int fd = fuzz_memfd(data, size, path, sizeof path);
  if (fd < 0) fuzz_die("memfd");
  if (read_trace(path, &sum)) replay(path, size);
  close(fd);
  return sum == (uint64_t)-1;   /* keeps `sum` live; never true */
}
