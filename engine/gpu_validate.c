/*
** gpu_validate.c — the GPU model's isolated latency against a measured
** e2e_latency.csv (experiments/calibration/gpu_h100/README.md has its
** columns): every (network, dtype, batch) row compiled on the device at
** that dtype in graph and in eager mode, next to the measured medians.
** Rows of the fitting set (FIT_NETS x FIT_BATCHES) are reported apart from
** the held-out rows, whose MAPE per mode decides the verdict.
*/
#include "gpu_validate.h"

#include "csv.h"
#include "gpu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The measured model names and the zoo references they are. */
static const struct {
  const char *model, *net;
} names[] = {
    {"resnet50", "resnet50"}, {"resnet18", "resnet18"}, {"vgg16", "vgg16"},
    {"alexnet", "alexnet"}, {"googlenet", "googlenet"}, {"mobilenet_v2", "mobilenet_v2"},
    {"efficientnet_b0", "efficientnet_b0"}, {"bert", "bert_base[seq=128]"},
    {"bert_base", "bert_base[seq=128]"}, {"gpt2", "gpt2_small[seq=128]"},
    {"gpt2_small", "gpt2_small[seq=128]"},
};
#define NNAMES (sizeof names / sizeof names[0])

/* The fitting set: these networks at these batches (docs/gpu_validation.md
** says why); everything else is held out. */
static const char *const fit_nets[] = {"resnet50", "vgg16", "bert", "bert_base"};
static const int fit_batches[] = {1, 16, 64};

struct vrow {
  char model[32], dtype[8];
  int batch, fit;
  double meas[2], pred[2];     /* ms, [GPU_EAGER], [GPU_GRAPH] */
  double busy_meas, busy_pred; /* sum of the kernels' durations, ms (measured: 0 if unknown) */
};

static int is_fit(const char *model, int batch) {
  int n = 0, b = 0;
  for (size_t i = 0; i < sizeof fit_nets / sizeof fit_nets[0]; i++) n |= !strcmp(model, fit_nets[i]);
  for (size_t i = 0; i < sizeof fit_batches / sizeof fit_batches[0]; i++) b |= batch == fit_batches[i];
  return n && b;
}

static int cmp_row(const void *a, const void *b) {
  const struct vrow *x = a, *y = b;
  int c = strcmp(x->model, y->model);
  if (!c) c = strcmp(x->dtype, y->dtype);
  return c ? c : x->batch - y->batch;
}

/* Predicted isolated latency (ms) of one row in one launch mode. */
static int predict(const char *spec, const struct kv *params, size_t np, const char *net,
                   const char *dtype, int launch, int batch, double *ms, double *busy,
                   struct sl_err *e) {
  struct kv *kv = malloc((np + 2) * sizeof *kv);
  struct device *d = NULL;
  const struct work *w;
  int unknown, rc = -1;
  if (!kv) return sl_errf(e, "out of memory");
  if (np) memcpy(kv, params, np * sizeof *kv);
  kv[np].key = "dtype";
  kv[np].value = dtype;
  kv[np + 1].key = "launch";
  kv[np + 1].value = launch ? "graph" : "eager";
  if (dev_open(&d, spec, kv, np + 2, e) == 0 && (w = dev_work(d, net, batch, &unknown, e))) {
    struct seg_info si;
    *ms = (double)work_total(w) / 1e6;
    *busy = 0;
    for (int32_t i = 0; i < w->nseg; i++)
      if (d->ops->seg_info(d, w, i, &si) == 0 && si.gpu && !strcmp(si.kind, "kernel"))
        *busy += (double)(w->prefix[i + 1] - w->prefix[i]) / 1e6;
    rc = 0;
  }
  dev_close(d);
  free(kv);
  return rc;
}

static int read_rows(const char *path, const char *spec, const struct kv *params, size_t np,
                     struct vrow **rows, size_t *n, struct sl_err *e) {
  static const char *const cols[] = {"model", "dtype", "batch", "eager_ms_median",
                                     "graph_ms_median"};
  struct csv c;
  int ci[5], r, cbusy;
  size_t cap = 0;
  if (csv_open(&c, path, e) < 0) return -1;
  for (int k = 0; k < 5; k++)
    if ((ci[k] = csv_col(&c, cols[k])) < 0) {
      sl_errf(e, "%s:%ld: missing column '%s'", path, c.lineno, cols[k]);
      goto fail;
    }
  cbusy = csv_col(&c, "prof_busy_us");
  while ((r = csv_next(&c, e)) == 1) {
    struct vrow v, *nr;
    const char *net = NULL;
    int64_t b;
    memset(&v, 0, sizeof v);
    for (size_t i = 0; i < NNAMES; i++)
      if (!strcmp(c.field[ci[0]], names[i].model)) net = names[i].net;
    if (!net) {
      sl_errf(e, "%s:%ld: column 'model': '%s' is not a network of the zoo", path, c.lineno,
              c.field[ci[0]]);
      goto fail;
    }
    if (sl_parse_i64(c.field[ci[2]], &b) < 0 || b < 1 || b > 1000000) {
      sl_errf(e, "%s:%ld: column 'batch': '%s' is not a batch", path, c.lineno, c.field[ci[2]]);
      goto fail;
    }
    if (strcmp(c.field[ci[1]], "fp16") && strcmp(c.field[ci[1]], "fp32")) {
      sl_errf(e, "%s:%ld: column 'dtype': '%s' is not fp16 or fp32", path, c.lineno,
              c.field[ci[1]]);
      goto fail;
    }
    snprintf(v.model, sizeof v.model, "%s", c.field[ci[0]]);
    snprintf(v.dtype, sizeof v.dtype, "%s", c.field[ci[1]]);
    v.batch = (int)b;
    v.fit = is_fit(v.model, v.batch);
    for (int m = 0; m < 2; m++) {
      const char *f = c.field[ci[3 + m]];
      if (sl_parse_double(f, &v.meas[m]) < 0 || !(v.meas[m] > 0)) {
        sl_errf(e, "%s:%ld: column '%s': '%s' is not a positive time", path, c.lineno,
                cols[3 + m], f);
        goto fail;
      }
      /* prof_busy_us profiles the eager forward: its kernels are compared
      ** with eager mode's (graph mode may run others: `# sdpa capture=math`). */
      double busy = 0;
      if (predict(spec, params, np, net, v.dtype, m, v.batch, &v.pred[m], &busy, e) < 0) {
        sl_err_prefix(e, "%s:%ld", path, c.lineno);
        goto fail;
      }
      if (m == 0) v.busy_pred = busy;
    }
    /* The measured kernel sum (batches 1 and 16 were profiled): informative. */
    if (cbusy >= 0 && *c.field[cbusy] &&
        (sl_parse_double(c.field[cbusy], &v.busy_meas) < 0 || !(v.busy_meas > 0))) {
      sl_errf(e, "%s:%ld: column 'prof_busy_us': '%s' is not a positive time", path, c.lineno,
              c.field[cbusy]);
      goto fail;
    }
    v.busy_meas /= 1000;
    if (!(nr = sl_grow(*rows, &cap, *n + 1, sizeof *nr, e))) goto fail;
    *rows = nr;
    nr[(*n)++] = v;
  }
  if (r < 0) goto fail;
  csv_close(&c);
  return 0;
fail:
  csv_close(&c);
  return -1;
}

/* MAPE over rows with fit == `fit` (-1: all), launch mode m; 0 rows: 0. */
static double mape(const struct vrow *r, size_t n, int fit, int m, size_t *cnt) {
  double s = 0;
  *cnt = 0;
  for (size_t i = 0; i < n; i++)
    if (fit < 0 || r[i].fit == fit) {
      s += fabs(r[i].pred[m] - r[i].meas[m]) / r[i].meas[m];
      (*cnt)++;
    }
  return *cnt ? s / (double)*cnt : 0;
}

static void markdown_head(FILE *out, const char *dir, const char *spec) {
  fprintf(out,
"# GPU model against measured latencies: %s\n"
"\n"
"Generated by `schedlab predict --validate-gpu %s --device %s --markdown`\n"
"(do not edit: regenerate). `tests/t_gpu_validate.sh` runs the same\n"
"comparison under `make test` and fails when the held-out MAPE exceeds\n"
"%.0f%% in graph mode or %.0f%% in eager mode. The model is\n"
"docs/gpu_model.md; the measurements and their conditions are in\n"
"`%s/README.md`.\n"
"\n"
"## Fitted and held-out rows\n"
"\n"
"The device file's fitted constants (`gemm_eff`, `gemm_k_half`, `mem_eff`,\n"
"`l2_speedup`, `nvec_eff`, `kernel_ns`, `launch_ns`, `host_op_ns`,\n"
"`host_kernel_ns`, `host_attn_ns`)\n"
"were chosen to minimise the MAPE of the **fitting rows**: the networks\n"
"resnet50, vgg16 and BERT-base at batches 1, 16 and 64, fp16 and fp32, graph\n"
"and eager (`experiments/calibration/gpu_fit.py DIR PRESET` does the search).\n"
"Every other row is **held out**: the other networks at every batch\n"
"(networks the fit never saw) and the other batches of these three (batches\n"
"it never saw). The verdict is on the held-out rows only.\n"
"\n"
"Error = (predicted - measured) / measured; measured = the median over the\n"
"repetitions (`graph_ms_median`, `eager_ms_median`).\n"
"\n"
"The last two columns compare the sum of the kernels' durations alone (no\n"
"gaps) with the profiled eager forward's (`prof_busy_us`, batches 1 and 16\n"
"only): how well the kernels themselves are modelled. They are not graded.\n"
"\n"
"| network | dtype | batch | set | graph measured ms | graph predicted ms | graph error | eager measured ms | eager predicted ms | eager error | kernel sum measured ms | kernel sum error |\n"
"|---|---|---|---|---|---|---|---|---|---|---|---|\n",
          dir, dir, spec, GPU_VALIDATE_GRAPH_MAX * 100, GPU_VALIDATE_EAGER_MAX * 100, dir);
}

int gpu_validate(const char *dir, const char *spec, const struct kv *params, size_t nparams,
                 int markdown, FILE *out, struct sl_err *e) {
  char path[2048];
  struct vrow *rows = NULL;
  size_t n = 0, cnt;
  double held[2], fit[2], all[2];
  int ok;
  snprintf(path, sizeof path, "%s/e2e_latency.csv", dir);
  if (read_rows(path, spec, params, nparams, &rows, &n, e) < 0) {
    free(rows);
    return -1;
  }
  if (n == 0) {
    free(rows);
    return sl_errf(e, "%s: no rows", path);
  }
  qsort(rows, n, sizeof *rows, cmp_row);
  for (int m = 0; m < 2; m++) {
    held[m] = mape(rows, n, 0, m, &cnt);
    fit[m] = mape(rows, n, 1, m, &cnt);
    all[m] = mape(rows, n, -1, m, &cnt);
  }
  mape(rows, n, 0, 0, &cnt);
  ok = cnt > 0 && held[GPU_GRAPH] <= GPU_VALIDATE_GRAPH_MAX && held[GPU_EAGER] <= GPU_VALIDATE_EAGER_MAX;
  if (markdown) markdown_head(out, dir, spec);
  else fprintf(out, "%-10s %-5s %6s %-8s %10s %10s %8s %10s %10s %8s %10s %8s\n", "network",
               "dtype", "batch", "set", "graph_ms", "pred_ms", "err_%", "eager_ms", "pred_ms",
               "err_%", "busy_ms", "err_%");
  for (size_t i = 0; i < n; i++) {
    const struct vrow *r = &rows[i];
    double eg = 100 * (r->pred[1] - r->meas[1]) / r->meas[1];
    double ee = 100 * (r->pred[0] - r->meas[0]) / r->meas[0];
    double eb = r->busy_meas > 0 ? 100 * (r->busy_pred - r->busy_meas) / r->busy_meas : 0;
    char bm[32] = "-", be[32] = "-";
    if (r->busy_meas > 0) {
      snprintf(bm, sizeof bm, "%.3f", r->busy_meas);
      snprintf(be, sizeof be, markdown ? "%+.1f%%" : "%+.1f", eb);
    }
    if (markdown)
      fprintf(out, "| %s | %s | %d | %s | %.3f | %.3f | %+.1f%% | %.3f | %.3f | %+.1f%% | %s | %s |\n",
              r->model, r->dtype, r->batch, r->fit ? "fit" : "held out", r->meas[1], r->pred[1],
              eg, r->meas[0], r->pred[0], ee, bm, be);
    else
      fprintf(out, "%-10s %-5s %6d %-8s %10.3f %10.3f %+8.1f %10.3f %10.3f %+8.1f %10s %8s\n",
              r->model, r->dtype, r->batch, r->fit ? "fit" : "held", r->meas[1], r->pred[1], eg,
              r->meas[0], r->pred[0], ee, bm, be);
  }
  if (markdown)
    fprintf(out,
"\n"
"## MAPE\n"
"\n"
"| rows | graph | eager |\n"
"|---|---|---|\n"
"| fitting | %.1f%% | %.1f%% |\n"
"| **held out** | **%.1f%%** (limit %.0f%%) | **%.1f%%** (limit %.0f%%) |\n"
"| all | %.1f%% | %.1f%% |\n"
"\n"
"Verdict: **%s**.\n"
"\n"
"## Where and why it differs\n"
"\n"
"- **BERT-base in graph mode** runs another attention than in eager mode:\n"
"  under CUDA-graph capture Hugging Face cannot check on the host that its\n"
"  padding mask is all ones, keeps it, and SDPA takes PyTorch's fp32 math\n"
"  path (the H200's kernels_graph.csv.gz: 413 kernels at fp16 batch 16\n"
"  against 166 eager). bert_base's layer table says so (`# sdpa\n"
"  capture=math`) and graph mode lowers that path from the measured kernel\n"
"  list (docs/gpu_model.md); with the fused kernel it was predicted about\n"
"  half its measured time. GPT-2 small (causal, no padding mask) keeps its\n"
"  fused kernel under capture. The H100 ran the same software versions.\n"
"- **Small against large batches.** One GEMM efficiency curve and one\n"
"  bandwidth share serve every kernel, while cuDNN and cuBLAS choose\n"
"  different algorithms by shape; the model tends to be slow at batch 1 on\n"
"  networks of many small kernels (fixed cost per kernel) and fast at batch\n"
"  64 (optimistic efficiency on large GEMMs).\n"
"- **Eager mode** is host-bound below a few ms: its error is the host's\n"
"  noise (the measured eager medians of one configuration drift by tens\n"
"  of percent between runs and machines) and the per-dtype host costs the\n"
"  model does not separate.\n",
            fit[1] * 100, fit[0] * 100, held[1] * 100, GPU_VALIDATE_GRAPH_MAX * 100,
            held[0] * 100, GPU_VALIDATE_EAGER_MAX * 100, all[1] * 100, all[0] * 100,
            ok ? "pass" : "FAIL");
  else
    fprintf(out, "MAPE graph: fit %.2f%% held-out %.2f%% all %.2f%%; eager: fit %.2f%% held-out "
                 "%.2f%% all %.2f%%: %s\n",
            fit[1] * 100, held[1] * 100, all[1] * 100, fit[0] * 100, held[0] * 100,
            all[0] * 100, ok ? "pass" : "FAIL");
  free(rows);
  return ok ? 0 : 1;
}
