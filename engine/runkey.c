/*
** runkey.c — the run key: a hash of a run's complete configuration (engine
** version, trace, policy script and resolved params, device spec, table
** and resolved params, seed, prediction error). Equal keys mean the same
** rows, which is what lets a sweep skip a run already in the database.
*/
#include "runkey.h"

#include "engine.h"
#include "policy.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

struct keyhash {
  uint64_t a, b;           /* two FNV-1a lanes with different offsets: 128 bits */
};

static void kh_add(struct keyhash *k, const void *data, size_t n) {
  k->a = sl_hash(k->a, data, n);
  k->b = sl_hash(k->b, data, n);
  k->a = sl_hash(k->a, "\x1f", 1);        /* field separator */
  k->b = sl_hash(k->b, "\x1e", 1);
}

static void kh_str(struct keyhash *k, const char *s) { kh_add(k, s, strlen(s)); }

static int kh_file(struct keyhash *k, const char *path, struct sl_err *e) {
  FILE *f = fopen(path, "rb");
  char buf[1 << 16];
  size_t n;
  if (!f) return sl_errf(e, "%s: cannot read for the run key", path);
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    k->a = sl_hash(k->a, buf, n);
    k->b = sl_hash(k->b, buf, n);
  }
  fclose(f);
  kh_str(k, "");
  return 0;
}

int run_key(const struct sim *s, char out[RUN_KEY_LEN + 1], struct sl_err *e) {
  struct keyhash k = {SL_HASH_INIT, SL_HASH_INIT ^ 0x5bd1e9955bd1e995ULL};
  const char *colon = strchr(s->cfg.device_spec, ':');
  size_t np = 0;
  const struct pol_param *pp = s->pol ? pol_params(s->pol, &np) : NULL;
  char num[64];
  kh_str(&k, SL_VERSION);
  if (kh_file(&k, s->cfg.trace_path, e) < 0 || kh_file(&k, s->policy_path, e) < 0) return -1;
  kh_str(&k, s->cfg.device_spec);
  if (colon && colon[1]) {
    FILE *f = fopen(colon + 1, "rb");      /* a device described by a file: hash its contents */
    if (f) {
      fclose(f);
      if (kh_file(&k, colon + 1, e) < 0) return -1;
    }
  }
  for (size_t i = 0; s->dev && i < s->dev->nparams; i++) {
    kh_str(&k, s->dev->params[i].name);
    kh_str(&k, s->dev->params[i].value);
  }
  for (size_t i = 0; i < np; i++) {
    kh_str(&k, pp[i].name);
    switch (pp[i].type) {
    case PT_INT:
    case PT_BOOL: snprintf(num, sizeof num, "%lld", (long long)pp[i].i); break;
    case PT_FLOAT: snprintf(num, sizeof num, "%.17g", pp[i].d); break;
    case PT_STRING: snprintf(num, sizeof num, "s"); kh_str(&k, pp[i].s); break;
    }
    kh_str(&k, num);
  }
  snprintf(num, sizeof num, "%llu/%.17g", (unsigned long long)s->cfg.seed, s->cfg.predict_sigma);
  kh_str(&k, num);
  snprintf(out, RUN_KEY_LEN + 1, "%016llx%016llx", (unsigned long long)k.a,
           (unsigned long long)k.b);
  return 0;
}
