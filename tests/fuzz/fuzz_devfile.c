/*
** fuzz_devfile.c — the device-file readers: the same bytes are opened as an
** NPU device file (npu:FILE, dev_npu.c, with `base =` presets) and as a
** profile table (profile:FILE, dev_profile.c). Whatever opens is then used
** the way a run uses it: the NPU compiles tests/fuzz/tiny_net.csv (one layer
** of each type, npu.c) at two batches, the profile table compiles each of
** its (network, batch) pairs, and both answer stop points and save/restore
** costs. Errors are fine; crashes, leaks, overflows and out-of-bounds reads
** are findings. Lines `#param KEY=VALUE` (comments to both readers) are
** passed as device params too (--device-param), at most MAX_PARAMS of them.
*/
#define _GNU_SOURCE
#include "fuzz.h"

#include "device.h"

#include <string.h>

#define MAX_PAIRS 8
#define MAX_PARAMS 4

/* The `#param KEY=VALUE` lines of the input, copied into buf. */
static size_t find_params(const uint8_t *data, size_t size, char *buf, size_t nbuf,
                          struct kv *kv) {
  size_t n = 0, used = 0;
  for (size_t i = 0; i < size && n < MAX_PARAMS;) {
    size_t end = i;
    while (end < size && data[end] != '\n') end++;
    if (end - i > 7 && !memcmp(data + i, "#param ", 7) && used + (end - i) < nbuf) {
      char *line = buf + used, *eq;
      memcpy(line, data + i + 7, end - i - 7);
      line[end - i - 7] = 0;
      used += end - i - 6;
      if ((eq = strchr(line, '=')) && strlen(line) == end - i - 7) {
        *eq = 0;
        kv[n].key = line;
        kv[n].value = eq + 1;
        n++;
      }
    }
    i = end + 1;
  }
  return n;
}

struct pairs {
  const char *name[MAX_PAIRS];
  int batch[MAX_PAIRS];
  int n;
};

static void add_pair(void *ud, const char *name, int batch) {
  struct pairs *p = ud;
  if (p->n == MAX_PAIRS) return;
  p->name[p->n] = name;
  p->batch[p->n++] = batch;
}

static uint64_t use_device(struct device *d) {
  char home[1024], net[1200];
  struct sl_err e;
  struct pairs p = {0};
  uint64_t sum = 0;
  int unknown;
  if (d->ops->list_networks) {
    d->ops->list_networks(d, add_pair, &p);
  } else {
    /* Names outlive the calls below: `net` is not touched again. */
    snprintf(net, sizeof net, "%s/tests/fuzz/tiny_net.csv", sl_home(home, sizeof home));
    add_pair(&p, net, 1);
    add_pair(&p, net, 3);
  }
  for (int i = 0; i < p.n; i++) {
    const struct work *w;
    e.msg[0] = 0;
    w = dev_work(d, p.name[i], p.batch[i], &unknown, &e);
    if (w) sum += fuzz_query_work(d, w);
    else if (!e.msg[0]) fuzz_die("dev_work failed without a message");
  }
  return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const kinds[] = {"npu", "profile"};
  char path[64], spec[80], pbuf[1024];
  struct sl_err e;
  struct device *d;
  struct kv params[MAX_PARAMS];
  size_t nparams = find_params(data, size, pbuf, sizeof pbuf, params);
  uint64_t sum = 0;
  int fd = fuzz_memfd(data, size, path, sizeof path);
  if (fd < 0) fuzz_die("memfd");
  for (int k = 0; k < 2; k++) {
    e.msg[0] = 0;
    snprintf(spec, sizeof spec, "%s:%s", kinds[k], path);
    if (dev_open(&d, spec, params, nparams, &e) == 0) {
      sum += use_device(d);
      dev_close(d);
    } else if (!e.msg[0] || d) {
      fuzz_die("dev_open failed without a message, or left a device");
    }
  }
  close(fd);
  return sum == (uint64_t)-1;   /* keeps `sum` live; never true */
}
