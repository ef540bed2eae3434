/*
** fuzz_expfile.c — the experiment-file loader (expfile.c): the Lua chunk
** runs in its sandboxed state, its table is validated and the grid expanded
** (with derive and filter called per point), once as given and once with
** its `quick` overrides. Errors are fine; crashes, leaks, hangs, runaway
** memory and Lua errors that escape protected mode are findings.
*/
#define _GNU_SOURCE
#include "fuzz.h"

#include "expfile.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  struct sl_err e;
  size_t sum = 0;
  int fd = fuzz_memfd(data, size, path, sizeof path);
  if (fd < 0) fuzz_die("memfd");
  for (int quick = 0; quick <= 1; quick++) {
    struct experiment x;
    e.msg[0] = 0;
    if (exp_load(&x, path, quick, &e) == 0) {
      /* Touch what the runs point to: a dangling string shows up under ASan. */
      for (size_t i = 0; i < x.nruns; i++)
        sum += strlen(x.runs[i].cfg.policy) + strlen(x.runs[i].cfg.device_spec) +
               strlen(x.runs[i].meta.point);
    } else if (!e.msg[0]) {
      fuzz_die("exp_load failed without a message");
    }
    exp_free(&x);
  }
  close(fd);
  return sum == (size_t)-1;   /* keeps `sum` live; never true */
}
