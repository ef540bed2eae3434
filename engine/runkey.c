/*
** runkey.c — the run key (see runkey.h). Files are hashed by content, so
** editing a policy or a profile table changes the key; parameters are
** hashed in name order, the last of repeated names winning, as they apply.
*/
#include "runkey.h"

#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct keyhash {
  uint64_t a, b;           /* two lanes with different seeds: 128 bits */
};

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 32);
}

/* Word at a time: hashing a large trace file must not dominate a run. */
static void kh_bytes(struct keyhash *k, const void *data, size_t n) {
  const unsigned char *p = data;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    k->a = mix(k->a, w);
    k->b = mix(k->b ^ 0x5bd1e995, w);
  }
  if (i < n) {
    uint64_t w = 0;
    memcpy(&w, p + i, n - i);
    k->a = mix(k->a, w ^ (n - i));
    k->b = mix(k->b ^ 0x5bd1e995, w ^ (n - i));
  }
  k->a = mix(k->a, n);                       /* length and field separator */
  k->b = mix(k->b, ~(uint64_t)n);
}

static void kh_str(struct keyhash *k, const char *s) { kh_bytes(k, s, strlen(s)); }

static void kh_file(struct keyhash *k, const char *path) {
  FILE *f = fopen(path, "rb");
  static const size_t chunk = 1 << 16;
  char *buf;
  size_t n;
  if (!f || !(buf = malloc(chunk))) {
    if (f) fclose(f);
    kh_str(k, "(unreadable)");
    return;
  }
  while ((n = fread(buf, 1, chunk, f)) > 0) kh_bytes(k, buf, n);
  free(buf);
  fclose(f);
  kh_str(k, "(eof)");
}

static int by_key_nulls_last(const void *a, const void *b) {
  const struct kv *x = a, *y = b;
  if (!x->key || !y->key) return !x->key - !y->key;
  return strcmp(x->key, y->key);
}

/* Hash name=value pairs in name order; for a repeated name only the last counts. */
static int kh_params(struct keyhash *k, const char *what, const struct kv *kv, size_t n,
                     struct sl_err *e) {
  struct kv *sorted;
  kh_str(k, what);
  if (!n) return 0;
  if (!(sorted = sl_alloc(n * sizeof *sorted, e))) return -1;
  for (size_t i = 0; i < n; i++) {          /* drop all but the last of each name */
    size_t j;
    for (j = i + 1; j < n && strcmp(kv[i].key, kv[j].key); j++) {}
    sorted[i] = j < n ? (struct kv){NULL, NULL} : kv[i];
  }
  qsort(sorted, n, sizeof *sorted, by_key_nulls_last);
  for (size_t i = 0; i < n && sorted[i].key; i++) {
    kh_str(k, sorted[i].key);
    kh_str(k, sorted[i].value);
  }
  free(sorted);
  return 0;
}

static int file_exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int run_key(const struct sim_config *cfg, const char *trace_origin, char out[RUN_KEY_LEN + 1],
            struct sl_err *e) {
  struct keyhash k = {0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL};
  char path[1100], chunk[1100], home[1024], num[64];
  const char *colon = strchr(cfg->device_spec, ':');
  kh_str(&k, SL_VERSION);
  sim_policy_path(cfg->policy, path, sizeof path, chunk, sizeof chunk);
  kh_str(&k, chunk);
  kh_file(&k, path);
  if (kh_params(&k, "params", cfg->params, cfg->nparams, e) < 0) return -1;
  /* The device: its spec, the file it names (a table, a device file or a
  ** preset in traces/devices/), and its params. */
  kh_str(&k, cfg->device_spec);
  if (colon && file_exists(colon + 1)) {
    kh_file(&k, colon + 1);
  } else if (!colon) {
    snprintf(path, sizeof path, "%s/traces/devices/%s.dev", sl_home(home, sizeof home),
             cfg->device_spec);
    if (file_exists(path)) kh_file(&k, path);
  }
  if (kh_params(&k, "device params", cfg->dev_params, cfg->ndev_params, e) < 0) return -1;
  if (trace_origin) kh_str(&k, trace_origin); else kh_file(&k, cfg->trace_path);
  snprintf(num, sizeof num, "%llu/%.17g", (unsigned long long)cfg->seed, cfg->predict_sigma);
  kh_str(&k, num);
  snprintf(out, RUN_KEY_LEN + 1, "%016llx%016llx", (unsigned long long)k.a,
           (unsigned long long)k.b);
  return 0;
}
