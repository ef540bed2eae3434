/*
** fuzz.h — what the libFuzzer targets share. The engine's readers take
** paths, so each input is handed to them as an anonymous in-memory file
** (memfd) opened by its /proc path: nothing on disk, nothing left behind,
** and the readers run exactly as they do on a user's file.
*/
#ifndef FUZZ_H
#define FUZZ_H

#include "device.h"
#include "engine.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A memfd holding data; *path gets its /proc name (which ends in no
** extension: targets that dispatch on ".csv" or ".lua" append nothing and
** rely on the '/' in it). Returns the descriptor, or -1. */
static inline int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t npath) {
  int fd = memfd_create("fuzz", 0);
  size_t off = 0;
  if (fd < 0) return -1;
  while (off < size) {
    ssize_t w = write(fd, data + off, size - off);
    if (w <= 0) { close(fd); return -1; }
    off += (size_t)w;
  }
  snprintf(path, npath, "/proc/self/fd/%d", fd);
  return fd;
}

/* The harness itself failed (not the code under test): stop loudly, so the
** run is not mistaken for a clean one. */
static inline void fuzz_die(const char *what) {
  fprintf(stderr, "fuzz harness: %s\n", what);
  abort();
}

/* Run cfg through the engine as `schedlab run` does, on the golden cases'
** profile device (networks A, B, C; 4 GB/s), for the targets whose input
** is a trace: the device and the policy are the harness's and must load;
** whatever the trace holds, a run that fails must say why. */
static inline void fuzz_replay(const struct sim_config *cfg) {
  static const struct kv dev_params[] = {{"bandwidth_gbps", "4"}};
  char home[1024], device[1120];
  struct sim_config c = *cfg;
  struct sim s;
  snprintf(device, sizeof device, "profile:%s/tests/cases/profile.csv",
           sl_home(home, sizeof home));
  c.device_spec = device;
  c.dev_params = dev_params;
  c.ndev_params = 1;
  sim_init(&s, &c);
  if (sim_load_device(&s, NULL) < 0 || sim_load_policy(&s) < 0) fuzz_die(s.err.msg);
  if (sim_load_trace(&s) == 0) {
    enum sim_status st = sim_run(&s);
    if (st == SIM_OK && sim_finish(&s) < 0 && !s.err.msg[0])
      fuzz_die("sim_finish failed without a message");
    if (st != SIM_OK && !s.err.msg[0]) fuzz_die("a failed run without a message");
  } else if (!s.err.msg[0]) {
    fuzz_die("sim_load_trace failed without a message");
  }
  sim_free(&s);
}

/* Ask a compiled work what the engine asks while it runs: stop points under
** each mechanism, save and restore costs, per-segment details, at every
** segment boundary and between them. Returns a sum so nothing is optimised
** away. */
static inline uint64_t fuzz_query_work(const struct device *d, const struct work *w) {
  uint64_t sum = 0;
  if (w->nseg < 1 || w->prefix[0] != 0) fuzz_die("compiled work without segments");
  for (int32_t s = 0; s < w->nseg && s < 64; s++) {
    sl_ns at[3];
    struct seg_info si;
    if (w->prefix[s + 1] < w->prefix[s]) fuzz_die("prefix sums go backwards");
    at[0] = w->prefix[s];
    at[1] = w->prefix[s] + (w->prefix[s + 1] - w->prefix[s]) / 2;
    at[2] = w->prefix[s + 1] - 1;
    if (d->ops->seg_info && d->ops->seg_info(d, w, s, &si) == 0)
      sum += (uint64_t)si.cycles + (uint64_t)si.tiles;
    for (int k = 0; k < 3; k++) {
      if (at[k] < w->prefix[s]) continue;
      for (int m = 0; m < 3; m++) {
        sl_ns stop = d->ops->stop_point(d, w, at[k], (enum mech)m);
        if (stop < at[k] || stop > work_total(w)) fuzz_die("stop point outside [progress, total]");
        sum += (uint64_t)stop;
      }
      sum += (uint64_t)d->ops->save_ns(d, w, at[k]);
      sum += (uint64_t)d->ops->restore_ns(d, w, at[k]);
    }
  }
  return sum;
}

#endif
