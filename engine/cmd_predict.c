/*
** cmd_predict.c — `schedlab predict`: what a device model predicts for a
** network without running a trace (per-layer and total cycles, latency,
** utilisation, DRAM bytes, bound), and `--validate`: the NPU model against
** SCALE-Sim's per-layer cycle counts.
*/
#include "cli.h"
#include "network.h"
#include "gpu_validate.h"
#include "npu_validate.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct names {
  char **v;                /* owned network references */
  size_t n, cap;
};

static int names_add(struct names *l, const char *s) {
  char **nv = sl_grow(l->v, &l->cap, l->n + 1, sizeof *nv, NULL);
  if (!nv) return -1;
  l->v = nv;
  if (!(nv[l->n] = sl_strdup(s, NULL))) return -1;
  l->n++;
  return 0;
}

static void names_free(struct names *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
}

static void zoo_add(void *ud, const char *name) {
  if (names_add(ud, name) < 0) ((struct names *)ud)->n = (size_t)-1;
}

/* Totals over a work's segments. */
struct totals {
  int64_t cycles, compute, memory;   /* cycles: total, compute only, DRAM traffic only */
  int64_t macs, bytes, tiles;        /* MACs, DRAM bytes, tiles */
  int64_t pes;                       /* peak MACs per cycle */
  int known;               /* the device reports segment details */
};

static void print_row(int csv, const char *net, int batch, const char *seg, sl_ns ns,
                      const struct seg_info *si, int known) {
  if (csv) {
    /* A reference with ',' (gpt2_small[prompt=P,gen=G]) is one quoted field. */
    printf(strchr(net, ',') ? "\"%s\",%d,%s," : "%s,%d,%s,", net, batch, seg);
    if (known)
      printf("%lld,%lld,%lld,%.6f,%lld,%lld,%lld,%s\n", (long long)si->cycles,
             (long long)si->compute_cycles, (long long)ns, si->util, (long long)si->macs,
             (long long)si->dram_bytes, (long long)si->tiles, si->bound);
    else
      printf(",,%lld,,,,,\n", (long long)ns);
    return;
  }
  if (known)
    printf("  %-24s %12lld %12lld %6.3f %14lld %8lld  %s\n", seg, (long long)si->cycles,
           (long long)ns, si->util, (long long)si->dram_bytes, (long long)si->tiles, si->bound);
  else
    printf("  %-24s %12s %12lld\n", seg, "-", (long long)ns);
}

/* GPU devices: one row per kernel (its gap before it folded in) or per
** layer (the kernels and gaps of one network row summed), or the totals. */
struct gacc {
  char name[112];
  sl_ns ns, gap;
  int64_t flops, bytes, blocks, waves, kernels;
  int64_t bps;
  const char *bound;
};

static void gpu_row(int csv, const char *net, int batch, const struct gacc *a) {
  double t = (double)(a->ns > 0 ? a->ns : 1) * 1e-9;
  if (csv)
    printf("%s,%d,%s,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%.6g,%.6g,%s\n", net, batch, a->name,
           (long long)a->kernels, (long long)a->ns, (long long)a->gap, (long long)a->blocks,
           (long long)a->bps, (long long)a->waves, (long long)a->flops, (long long)a->bytes,
           (double)a->flops / t, (double)a->bytes / t, a->bound);
  else
    printf("  %-36s %7lld %12lld %10lld %8lld %4lld %6lld %10.3f %9.1f  %s\n", a->name,
           (long long)a->kernels, (long long)a->ns, (long long)a->gap, (long long)a->blocks,
           (long long)a->bps, (long long)a->waves, (double)a->flops / t / 1e12,
           (double)a->bytes / t / 1e9, a->bound);
}

/* The layer of a kernel name LAYER.what: the text before the last dot. */
static size_t layer_len(const char *name) {
  const char *dot = strrchr(name, '.');
  return dot ? (size_t)(dot - name) : strlen(name);
}

static int predict_gpu(struct device *d, const struct work *w, const char *net, int batch,
                       int per_layer, int per_kernel, int csv) {
  struct gacc tot, cur;
  struct seg_info si;
  sl_ns gap = 0;
  memset(&tot, 0, sizeof tot);
  memset(&cur, 0, sizeof cur);
  snprintf(tot.name, sizeof tot.name, "total");
  if ((per_layer || per_kernel) && !csv)
    printf("%s batch %d on %s:\n  %-36s %7s %12s %10s %8s %4s %6s %10s %9s  %s\n", net, batch,
           d->spec, per_kernel ? "kernel" : "layer", "kernels", "latency_ns", "gap_ns", "blocks",
           "bpsm", "waves", "TFLOP/s", "GB/s", "bound");
  for (int32_t i = 0; i < w->nseg; i++) {
    sl_ns len = w->prefix[i + 1] - w->prefix[i];
    if (d->ops->seg_info(d, w, i, &si) < 0) return cli_fail("segment details failed");
    if (!strcmp(si.kind, "gap")) { gap += len; continue; }
    if (per_layer && cur.kernels &&
        (layer_len(cur.name) != layer_len(w->seg_name[i]) ||
         strncmp(cur.name, w->seg_name[i], layer_len(cur.name)))) {
      cur.name[layer_len(cur.name)] = 0;
      gpu_row(csv, net, batch, &cur);
      memset(&cur, 0, sizeof cur);
    }
    if (per_kernel) memset(&cur, 0, sizeof cur);
    if (!cur.kernels) snprintf(cur.name, sizeof cur.name, "%s", w->seg_name[i]);
    cur.kernels++;
    cur.ns += len;
    cur.gap += gap;
    cur.flops += si.flops;
    cur.bytes += si.dram_bytes;
    cur.blocks += si.blocks;
    cur.bps = si.blocks_per_sm;
    cur.waves += si.waves;
    cur.bound = si.bound;
    tot.kernels++;
    tot.ns += len;
    tot.gap += gap;
    tot.flops += si.flops;
    tot.bytes += si.dram_bytes;
    tot.blocks += si.blocks;
    tot.waves += si.waves;
    gap = 0;
    if (per_kernel) gpu_row(csv, net, batch, &cur);
  }
  if (per_layer && cur.kernels) {
    cur.name[layer_len(cur.name)] = 0;
    gpu_row(csv, net, batch, &cur);
  }
  tot.bound = tot.gap > tot.ns ? "host" : "device";
  if (csv || per_layer || per_kernel) {
    gpu_row(csv, net, batch, &tot);
    return 0;
  }
  printf("%s batch %d on %s: %lld kernels, %.3f ms (kernels %.3f ms, host gaps %.3f ms), %.1f "
         "GFLOP, %.1f MB\n", net, batch, d->spec, (long long)tot.kernels,
         (double)work_total(w) / 1e6, (double)tot.ns / 1e6, (double)tot.gap / 1e6,
         (double)tot.flops / 1e9, (double)tot.bytes / 1e6);
  return 0;
}

static int predict_one(struct device *d, const char *net, int batch, int per_layer,
                       int per_kernel, int csv) {
  struct sl_err e;
  struct totals t;
  struct seg_info si;
  int unknown;
  const struct work *w = dev_work(d, net, batch, &unknown, &e);
  if (!w) return cli_fail("%s", e.msg);
  if (d->ops->seg_info && w->nseg > 0 && d->ops->seg_info(d, w, 0, &si) == 0 && si.gpu)
    return predict_gpu(d, w, net, batch, per_layer, per_kernel, csv);
  if (per_kernel) return cli_fail("--per-kernel needs a gpu device");
  memset(&t, 0, sizeof t);
  memset(&si, 0, sizeof si);
  t.known = d->ops->seg_info != NULL;
  if (per_layer && !csv)
    printf("%s batch %d on %s:\n  %-24s %12s %12s %6s %14s %8s  %s\n", net, batch, d->spec,
           "segment", "cycles", "latency_ns", "util", "dram_bytes", "tiles", "bound");
  for (int32_t i = 0; i < w->nseg; i++) {
    if (t.known && d->ops->seg_info(d, w, i, &si) < 0) return cli_fail("segment details failed");
    t.cycles += si.cycles;
    t.compute += si.compute_cycles;
    t.memory += si.memory_cycles;
    t.macs += si.macs;
    t.bytes += si.dram_bytes;
    t.tiles += si.tiles;
    t.pes = si.pes;
    if (per_layer)
      print_row(csv, net, batch, w->seg_name[i], w->prefix[i + 1] - w->prefix[i], &si, t.known);
  }
  si.cycles = t.cycles;
  si.compute_cycles = t.compute;
  si.macs = t.macs;
  si.dram_bytes = t.bytes;
  si.tiles = t.tiles;
  si.util = t.cycles && t.pes ? (double)t.macs / ((double)t.cycles * (double)t.pes) : 0;
  si.bound = t.memory > t.compute ? "memory" : "compute";
  if (csv || per_layer) {
    print_row(csv, net, batch, "total", work_total(w), &si, t.known);
    return 0;
  }
  printf("%s batch %d on %s: %d segments, %.3f ms", net, batch, d->spec, w->nseg,
         (double)work_total(w) / 1e6);
  if (t.known)
    printf(", %lld cycles, util %.3f, %.1f MB DRAM, %lld tiles, %s-bound", (long long)t.cycles,
           si.util, (double)t.bytes / 1e6, (long long)t.tiles, si.bound);
  printf("\n");
  return 0;
}

static int parse_batches(const char *s, int *b, int max) {
  int n = 0;
  char buf[256], *tok, *save = NULL;
  snprintf(buf, sizeof buf, "%s", s);
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    int64_t v;
    if (n == max || sl_parse_i64(tok, &v) < 0 || v < 1 || v > 1000000) return -1;
    b[n++] = (int)v;
  }
  return n;
}

int cmd_predict(int argc, char **argv) {
  static const struct option opts[] = {
      {"device", required_argument, 0, 'd'},   {"device-param", required_argument, 0, 'D'},
      {"network", required_argument, 0, 'n'},  {"batch", required_argument, 0, 'b'},
      {"per-layer", no_argument, 0, 'l'},      {"csv", no_argument, 0, 'c'},
      {"all", no_argument, 0, 'a'},            {"stats", no_argument, 0, 'S'},
      {"validate", required_argument, 0, 'V'}, {"markdown", no_argument, 0, 'm'},
      {"per-kernel", no_argument, 0, 'k'},     {"validate-gpu", required_argument, 0, 'G'},
      {0, 0, 0, 0}};
  const char *spec = NULL, *validate = NULL, *validate_gpu = NULL;
  int per_kernel = 0;
  struct kv_list dparams = {0};
  struct names nets = {0};
  int batches[32] = {1}, nb = 1, per_layer = 0, csv = 0, all = 0, stats = 0, markdown = 0;
  int c, rc = EXIT_USAGE;
  struct cli_once once = {0};
  struct device *d = NULL;
  struct sl_err e;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c != 'D' && c != 'n' && cli_once_opt(&once, "predict", opts, c) < 0) goto out;
    switch (c) {
    case 'd': spec = optarg; break;
    case 'D': if (kv_add(&dparams, "predict", "--device-param", optarg) < 0) goto out; break;
    case 'n':
      if (names_add(&nets, optarg) < 0) { rc = cli_fail("out of memory"); goto out; }
      break;
    case 'b':
      if ((nb = parse_batches(optarg, batches, 32)) < 1) {
        cli_usage_error("predict", "--batch expects B or B,B,... (1 to 1000000), got '%s'", optarg);
        goto out;
      }
      break;
    case 'l': per_layer = 1; break;
    case 'c': csv = 1; break;
    case 'a': all = 1; break;
    case 'S': stats = 1; break;
    case 'V': validate = optarg; break;
    case 'm': markdown = 1; break;
    case 'k': per_kernel = 1; break;
    case 'G': validate_gpu = optarg; break;
    default:
      cli_usage_error("predict", "unknown or incomplete option '%s'", argv[optind - 1]);
      goto out;
    }
  }
  if (optind < argc) { cli_usage_error("predict", "unexpected argument '%s'", argv[optind]); goto out; }
  if (validate) {
    int r = npu_validate(validate, markdown, stdout, &e);
    if (r < 0) rc = cli_fail("%s", e.msg);
    else rc = r ? EXIT_RUN_FAILED : 0;
    goto out;
  }
  if (validate_gpu) {
    int r = gpu_validate(validate_gpu, spec ? spec : "gpu-h100", dparams.kv, dparams.n, markdown,
                         stdout, &e);
    if (r < 0) rc = cli_fail("%s", e.msg);
    else rc = r ? EXIT_RUN_FAILED : 0;
    goto out;
  }
  if (!spec || (!nets.n && !all)) {
    cli_usage_error("predict", "--device and --network (or --all) are required");
    goto out;
  }
  if (all && net_zoo_list(zoo_add, &nets) < 0) { rc = cli_fail("cannot read the zoo"); goto out; }
  if (nets.n == (size_t)-1) { nets.n = 0; rc = cli_fail("out of memory"); goto out; }
  rc = EXIT_RUN_FAILED;
  if (dev_open(&d, spec, dparams.kv, dparams.n, &e) < 0) { cli_fail("%s", e.msg); goto out; }
  if (csv && !strcmp(d->ops->kind, "gpu"))
    printf("network,batch,%s,kernels,latency_ns,gap_ns,blocks,blocks_per_sm,waves,flops,bytes,"
           "flops_per_s,bytes_per_s,bound\n", per_kernel ? "kernel" : "layer");
  else if (csv)
    printf("network,batch,segment,cycles,compute_cycles,latency_ns,util,macs,dram_bytes,tiles,"
           "bound\n");
  {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < nets.n; i++)
      for (int k = 0; k < nb; k++)
        if (predict_one(d, nets.v[i], batches[k], per_layer, per_kernel, csv)) goto out;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (stats)
      fprintf(stderr, "stats: compiled %zu (network, batch) pairs in %.1f ms\n", nets.n * (size_t)nb,
              (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
  }
  rc = 0;
out:
  dev_close(d);
  kv_free(&dparams);
  names_free(&nets);
  return rc;
}
