/*
** fuzz_layers.c — the layer-table reader (network.c: native tables with
** `# param` declarations and SCALE-Sim topologies) and the NPU model that
** lowers what it reads (npu.c, dev_npu.c). A table that loads is compiled
** under each dataflow at two batches and asked for stop points and
** checkpoint costs, so huge or degenerate shapes meet the arithmetic.
*/
#define _GNU_SOURCE
#include "fuzz.h"

#include "network.h"

#include <string.h>

/* Three NPUs between them cover every dataflow, both checkpoint
** granularities and both live-state models. */
static const struct kv os_params[] = {{"dataflow", "os"}};
static const struct kv is_params[] = {
    {"dataflow", "is"}, {"ckpt_granularity", "layer"}, {"ckpt_bytes", "bound"}};
static const struct {
  const char *spec;
  const struct kv *params;
  size_t nparams;
} devices[] = {
    {"npu-prema", NULL, 0},
    {"npu-edge32", os_params, 1},
    {"npu-prema", is_params, 3},
};

/* A recurrent layer compiles to one segment per time step: a network of
** millions of steps is valid (up to NPU_MAX_SEGMENTS) but takes seconds and
** hundreds of MB per compile under the sanitizers, so such a network is
** only read, not compiled, to keep the fuzzer fast. */
#define MAX_COMPILED_STEPS 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  struct network net;
  struct sl_err e;
  uint64_t sum = 0, steps = 0;
  int fd = fuzz_memfd(data, size, path, sizeof path), r;
  if (fd < 0) fuzz_die("memfd");
  e.msg[0] = 0;
  r = net_load(&net, path, &e);
  if (r == 0) {
    for (size_t i = 0; i < net.n; i++) {
      const struct layer *l = &net.layers[i];
      sum += (uint64_t)layer_macs(l) + (uint64_t)layer_in_elems(l) +
             (uint64_t)layer_out_elems(l) + (uint64_t)layer_weights(l);
      if (l->type == LT_LSTM || l->type == LT_GRU) steps += (uint64_t)l->seq;
    }
  } else if (!e.msg[0]) {
    fuzz_die("net_load failed without a message");
  }
  net_free(&net);
  if (r != 0 || steps > MAX_COMPILED_STEPS) {
    close(fd);
    return 0;
  }
  for (size_t k = 0; k < sizeof devices / sizeof devices[0]; k++) {
    struct device *d;
    if (dev_open(&d, devices[k].spec, devices[k].params, devices[k].nparams, &e) < 0)
      fuzz_die(e.msg);   /* the presets are ours: they must open */
    for (int batch = 1; batch <= 2; batch++) {
      int unknown;
      const struct work *w;
      e.msg[0] = 0;
      w = dev_work(d, path, batch, &unknown, &e);
      if (w) sum += fuzz_query_work(d, w);
      else if (!e.msg[0]) fuzz_die("dev_work failed without a message");
    }
    dev_close(d);
  }
  close(fd);
  return sum == (uint64_t)-1;   /* keeps `sum` live; never true */
}
