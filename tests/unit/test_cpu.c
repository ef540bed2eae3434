/*
** test_cpu.c — the CPU model by hand (docs/cpu_model.md): one layer's
** latency on k cores in each version, the fastest core count and version,
** co-running layers through the LLC and memory bandwidth, the device's
** rates and until from a holding set, and bad device files. Every expected
** number is worked out in the comments.
*/
#include "cpu.h"
#include "device.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

/* 4 cores at 1000 MHz, 8 FLOPs per cycle at 100%: one core does 8 FLOPs
** per ns. Memory 0.5 B/ns for the socket, 0.25 B/ns for one core. LLC
** 16384 B (a fair slice 4096 B per core), barrier 10 ns per extra core,
** 1-byte elements, a full miss doubles the traffic. */
static struct cpu_cfg small(void) {
  struct cpu_cfg c;
  memset(&c, 0, sizeof c);
  c.cores = 4;
  c.freq_mhz = 1000;
  c.flops_per_cycle = 8;
  c.efficiency_pct = 100;
  c.l2_bytes = 1024;
  c.llc_bytes = 16384;
  c.mem_bw = 500000000;
  c.core_bw = 250000000;
  c.sync_ns = 10;
  c.elem_bytes = 1;
  c.miss_pct = 100;
  c.ref_cores = 4;
  return c;
}

/* The layer L: fc over 64 vectors, in_c 64, out_c 128 (batch 1).
**   FLOPs 2 x 64 x 64 x 128 = 1048576; bytes = weights 8192 + input 4096
**   + output 8192 = 20480; parallel dims n = 128 channels, m = 64 rows. */
static void layer_l(const struct cpu_cfg *c, struct cpu_layer *l) {
  struct layer ly;
  struct sl_err e;
  memset(&ly, 0, sizeof ly);
  ly.name = "L";
  ly.type = LT_FC;
  ly.in_c = 64;
  ly.out_c = 128;
  ly.seq = 64;
  TEST(cpu_lower(c, &ly, 1, l, &e) == 0, "cpu-1.0: lowers");
}

static void test_alone(void) {
  struct cpu_cfg c = small();
  struct cpu_layer l;
  struct cpu_cost k;
  layer_l(&c, &l);
  TEST(l.flops == 1048576 && l.bytes == 20480 && l.n == 128 && l.m == 64 && l.steps == 1,
       "cpu-1.1: FLOPs 1048576, 20480 bytes, 128 x 64");
  /* fast (64 x 64 blocks, 100%): 2 x 1 = 2 work units of 524288 FLOPs,
  ** 65536 ns each on one core. k = 1: 2 waves = 131072; memory at
  ** min(0.25, 0.5) B/ns: 81920; no barrier. */
  cpu_cost_exact(&c, &l, 0, 1, &k);
  TEST(k.units == 2 && k.compute_ns == 131072 && k.memory_ns == 81920 && k.sync_ns == 0 &&
       k.ns == 131072, "cpu-1.2: fast on 1 core: 131072 ns");
  /* k = 2: 1 wave = 65536; memory 20480 / 0.5 = 40960; barrier 10. */
  cpu_cost_exact(&c, &l, 0, 2, &k);
  TEST_EQ_I64(k.ns, 65546, "cpu-1.3: fast on 2 cores: 65536 + 10");
  /* k = 4: still 1 wave, barrier 30: 65566; given 4 cores the runtime
  ** uses 2 (65546 is the fastest of 1..4). */
  cpu_cost_exact(&c, &l, 0, 4, &k);
  TEST_EQ_I64(k.ns, 65566, "cpu-1.4: fast on exactly 4 cores: 65566");
  cpu_cost(&c, &l, 0, 4, &k);
  TEST(k.ns == 65546 && k.cores == 2, "cpu-1.5: fast given 4 cores uses 2: 65546");
  /* balanced (32 x 32, 85%): 4 x 2 = 8 units; on 4 cores 2 waves:
  ** ceil(2 x 1048576 x 10^7 / (8 x 1000 x 8 x 100 x 85)) = ceil(38550.59)
  ** = 38551; memory 40960 dominates; barrier 30: 40990. */
  cpu_cost_exact(&c, &l, 1, 4, &k);
  TEST(k.units == 8 && k.compute_ns == 38551 && k.memory_ns == 40960 && k.ns == 40990,
       "cpu-1.6: balanced on 4 cores: 40990 (memory-bound)");
  /* light (16 x 16, 70%): 8 x 4 = 32 units; on 2 cores 16 waves:
  ** ceil(16 x 1048576 x 10^7 / (32 x 1000 x 8 x 100 x 70)) = ceil(93622.86)
  ** = 93623, + 10 = 93633 (1 core: 187246, so it uses 2). */
  cpu_cost(&c, &l, 2, 2, &k);
  TEST(k.units == 32 && k.compute_ns == 93623 && k.ns == 93633, "cpu-1.7: light on 2: 93633");
  /* The best alone on 4 cores is balanced (40990 < fast 65546 < light
  ** 46842: 8 waves, ceil(46811.43) + 30); on 2 cores it is fast (65546 <
  ** balanced 77112 < light 93633). The isolated latency (ref 4): 40990. */
  TEST_EQ_I64(cpu_best_version(&c, &l, 4), 1, "cpu-1.8: balanced is best on 4 cores");
  TEST_EQ_I64(cpu_best_version(&c, &l, 2), 0, "cpu-1.9: fast is best on 2 cores");
  TEST_EQ_I64(cpu_isolated_ns(&c, &l), 40990, "cpu-1.10: isolated latency 40990 ns");
  /* LLC footprints on 2 cores: fast 2 x 4096 x 200% = 16384; light
  ** 2 x 4096 x 50% = 4096 (both under the layer's 20480 bytes). */
  cpu_cost(&c, &l, 0, 2, &k);
  TEST_EQ_I64(k.llc_bytes, 16384, "cpu-1.11: fast footprint on 2 cores");
  cpu_cost(&c, &l, 2, 2, &k);
  TEST_EQ_I64(k.llc_bytes, 4096, "cpu-1.12: light footprint on 2 cores");
}

/* cpu_corun of n runs, their costs alone filled in first. */
static void corun(const struct cpu_cfg *c, struct cpu_run *r, size_t n) {
  for (size_t i = 0; i < n; i++) cpu_cost(c, r[i].layer, r[i].version, r[i].k, &r[i].cost);
  cpu_corun(c, r, n);
}

static void test_corun(void) {
  struct cpu_cfg c = small();
  struct cpu_layer l;
  struct cpu_run r[2];
  layer_l(&c, &l);
  /* Alone, in company of nobody: fast on 2 cores, 65546. */
  r[0] = (struct cpu_run){.layer = &l, .version = 0, .k = 2};
  corun(&c, r, 1);
  TEST_NEAR(r[0].ns, 65546, 0, "cpu-2.1: alone: 65546");
  /* Two fast copies on 2 cores each. Footprints 16384 + 16384 = 32768 >
  ** 16384: traffic x (1 + 100% x (1 - 16384 / 32768)) = 1.5, 30720 B,
  ** memory 61440 < compute 65536: base 65536. Each draws 30720 / 65536 =
  ** 0.46875 B/ns; 0.9375 > 0.5 stretches both by 1.875: 122880 + 10. */
  r[1] = r[0];
  corun(&c, r, 2);
  TEST_NEAR(r[0].ns, 122890, 0, "cpu-2.2: fast + fast: 122890 each");
  TEST_NEAR(r[1].ns, 122890, 0, "cpu-2.3: symmetric");
  /* Two light copies: footprints 4096 + 4096 fit; each draws 20480 /
  ** 93623 = 0.219 B/ns, 0.4375 in all < 0.5: no slowdown, 93633 each. */
  r[0].version = r[1].version = 2;
  corun(&c, r, 2);
  TEST_NEAR(r[0].ns, 93633, 0, "cpu-2.4: light + light: no interference, 93633");
  /* One layer on 1 core beside a fast one on 2, footprint 8192 + 16384 =
  ** 24576 > 16384: x (1 + 1 - 16384/24576) = 4/3. The 1-core fast layer:
  ** 131072 compute, traffic 27306.67 B at 0.25 B/ns = ceil(109226.67) =
  ** 109227 < 131072: draws 0.208333 B/ns; the 2-core one draws
  ** 27306.67 / 65536 = 0.416667: 0.625 in all, x 1.25: 163840 and
  ** 81920 + 10. */
  r[0] = (struct cpu_run){.layer = &l, .version = 0, .k = 1};
  r[1] = (struct cpu_run){.layer = &l, .version = 0, .k = 2};
  corun(&c, r, 2);
  TEST_NEAR(r[0].ns, 163840, 1e-6, "cpu-2.5: 1-core fast beside 2-core fast: 163840");
  TEST_NEAR(r[1].ns, 81930, 1e-6, "cpu-2.6: the 2-core one: 81930");
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) { TEST(0, "cannot write %s", path); return; }
  fputs(text, f);
  fclose(f);
}

#define SMALL_DEV                                                                          \
  "cores = 4\nfreq_mhz = 1000\nflops_per_cycle = 8\nefficiency_pct = 100\nl2_bytes = 1 KiB\n" \
  "llc_bytes = 16 KiB\nmem_bw = 0.5 GB/s\ncore_bw = 250 MB/s\nsync_ns = 10\nelem_bytes = 1\n"  \
  "miss_pct = 100\n"

static void test_device(void) {
  struct sl_err e;
  struct device *d;
  const struct work *w;
  struct holder h[2];
  struct kv units = {"units", "2"};
  int unknown;
  write_file("cpu_unit.dev", SMALL_DEV);
  write_file("cpu_unit.csv", "name,type,in_c,out_c,seq\nL1,fc,64,128,64\nL2,fc,64,128,64\n");
  TEST(dev_open(&d, "cpu:cpu_unit.dev", NULL, 0, &e) == 0, "cpu-3.1: opens: %s", e.msg);
  if (!d) return;
  TEST(d->ukind == UNIT_POOL && d->capacity == 4 && d->nversions == 3,
       "cpu-3.2: a pool of 4 cores, 3 versions");
  w = dev_work(d, "cpu_unit.csv", 1, &unknown, &e);
  TEST(w && w->nseg == 2 && w->prefix[1] == 40990 && work_total(w) == 81980,
       "cpu-3.3: prefix sums 0, 40990, 81980");
  if (!w) { dev_close(d); return; }
  TEST_EQ_I64(d->ops->stop_point(d, w, 100, MECH_CHECKPOINT), 40990, "cpu-3.4: stops at layer end");
  TEST_EQ_I64(d->ops->save_ns(d, w, 40990), 0, "cpu-3.5: nothing to save");
  /* One holder of 2 cores, device's choice (fast on 2): 40990 / 65546;
  ** until the end of L1. */
  memset(h, 0, sizeof h);
  h[0] = (struct holder){.work = w, .progress = 100, .unit = 0, .share = 2, .active = 1};
  TEST(d->ops->rates(d, h, 1, &e) == 0 && h[0].rate_q == dev_rate_q(40990.0 / 65546.0) &&
       h[0].until == 40990, "cpu-3.6: alone on 2 cores: rate 40990/65546 until 40990");
  /* Two on 2 cores each, both in version 1 (fast): 122890 each. The
  ** second is in L2: until the end of the work. */
  h[0].version = 1;
  h[1] = (struct holder){.work = w, .progress = 50000, .unit = 0, .share = 2, .active = 1,
                         .version = 1};
  TEST(d->ops->rates(d, h, 2, &e) == 0 && h[0].rate_q == dev_rate_q(40990.0 / 122890.0) &&
       h[1].rate_q == h[0].rate_q && h[1].until == 81980,
       "cpu-3.7: fast + fast: rate 40990/122890 each");
  /* Version 3 (light) for both: 93633, no interference. */
  h[0].version = h[1].version = 3;
  TEST(d->ops->rates(d, h, 2, &e) == 0 && h[0].rate_q == dev_rate_q(40990.0 / 93633.0),
       "cpu-3.8: light + light: rate 40990/93633");
  /* A restoring holder exerts nothing: the other runs alone. */
  h[0].version = h[1].version = 1;
  h[1].active = 0;
  TEST(d->ops->rates(d, h, 2, &e) == 0 && h[0].rate_q == dev_rate_q(40990.0 / 65546.0),
       "cpu-3.9: an inactive holder does not interfere");
  {
    struct version_info vi[3];
    TEST(d->ops->versions(d, w, 0, 2, vi) == 0 && vi[0].ns == 65546 && vi[1].ns == 77112 &&
             vi[2].ns == 93633 && vi[0].llc_bytes == 16384 && !strcmp(vi[2].name, "light"),
         "cpu-3.10: versions on 2 cores: 65546, 77112, 93633");
  }
  dev_close(d);
  /* units=2: two sockets share nothing. */
  TEST(dev_open(&d, "cpu:cpu_unit.dev", &units, 1, &e) == 0, "cpu-3.11: units=2");
  w = dev_work(d, "cpu_unit.csv", 1, &unknown, &e);
  h[0] = (struct holder){.work = w, .unit = 0, .share = 2, .active = 1, .version = 1};
  h[1] = (struct holder){.work = w, .unit = 1, .share = 2, .active = 1, .version = 1};
  TEST(w && d->ops->rates(d, h, 2, &e) == 0 && h[0].rate_q == dev_rate_q(40990.0 / 65546.0) &&
       h[1].rate_q == h[0].rate_q, "cpu-3.12: fast on two sockets: no interference");
  dev_close(d);
  remove("cpu_unit.csv");
}

/* A bad device file names its file, line and field. */
static void bad(const char *text, const char *want, const char *what) {
  struct sl_err e;
  struct device *d;
  write_file("cpu_bad.dev", text);
  e.msg[0] = 0;
  TEST(dev_open(&d, "cpu:cpu_bad.dev", NULL, 0, &e) < 0 && strstr(e.msg, want),
       "cpu-4: %s: %s", what, e.msg);
  if (!strstr(e.msg, want)) printf("#   want '%s'\n", want);
  dev_close(d);
}

static void test_bad_files(void) {
  struct sl_err e;
  struct device *d;
  struct kv p = {"ref_cores", "5"};
  bad(SMALL_DEV "cores = 8\n", "cpu_bad.dev:12: field 'cores': given twice (lines 1 and 12)",
      "a field twice");
  bad(SMALL_DEV "vector = 8\n", "cpu_bad.dev:12: field 'vector': unknown field", "unknown field");
  bad("cores = four\n", "cpu_bad.dev:1: field 'cores': 'four' is not an integer", "not a number");
  bad("cores = 0\n", "cpu_bad.dev:1: field 'cores': 0 is out of range [1, 1024]", "out of range");
  bad("cores = 4\nmem_bw = 1 TB/s\n", "cpu_bad.dev:2: field 'mem_bw': '1 TB/s' is not a bandwidth",
      "unknown unit");
  bad("cores = 4\nllc_bytes =\n", "cpu_bad.dev:2: field 'llc_bytes': no value", "no value");
  bad("cores 4\n", "cpu_bad.dev:1: expected 'field = value'", "no equals sign");
  bad("cores = 4\n", "cpu_bad.dev: field 'freq_mhz': missing", "missing field");
  bad(SMALL_DEV "ref_cores = 5\n", "cpu_bad.dev:12: field 'ref_cores': 5 is more than cores (4)",
      "ref_cores above cores");
  TEST(dev_open(&d, "cpu:cpu_unit.dev", &p, 1, &e) < 0 && strstr(e.msg, "ref_cores"),
       "cpu-4: ref_cores param above cores: %s", e.msg);
  dev_close(d);
  TEST(dev_open(&d, "cpu-nosuch", NULL, 0, &e) < 0 &&
           strstr(e.msg, "unknown cpu preset 'cpu-nosuch'"),
       "cpu-4: unknown preset: %s", e.msg);
  dev_close(d);
  remove("cpu_bad.dev");
  remove("cpu_unit.dev");
}

/* The presets open with every field recorded. */
static void test_presets(void) {
  static const char *const presets[] = {"cpu-server", "cpu-edge", "cpu-local"};
  for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
    struct sl_err e;
    struct device *d;
    TEST(dev_open(&d, presets[i], NULL, 0, &e) == 0 && d->nparams == 13,
         "cpu-5.%zu: preset %s opens: %s", i + 1, presets[i], e.msg);
    dev_close(d);
  }
}

int main(void) {
  test_alone();
  test_corun();
  test_device();
  test_bad_files();
  test_presets();
  return test_done();
}
