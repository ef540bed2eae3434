/*
** npu_validate.c — validation of the NPU model's compute cycles against
** SCALE-Sim v2's per-layer reports (experiments/calibration/scalesim/): each
** SCALE-Sim layer is read as SCALE-Sim reads its topology, lowered by
** npu.c on an array of the reported size and dataflow, and its compute
** cycles compared. The markdown output is docs/npu_validation.md.
*/
#include "npu_validate.h"

#include "csv.h"
#include "npu.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One layer: the model's and SCALE-Sim's cycles. */
struct vlayer {
  char name[64];           /* SCALE-Sim's layer name */
  int64_t m, n, k;         /* SCALE-Sim's GEMM view: ofmap pixels, filters, window */
  int64_t model;           /* our compute cycles */
  int64_t model_mem;       /* our cycles with the memory model (USER configurations), or 0 */
  int64_t ref;             /* SCALE-Sim compute_cycles_excl_stall */
  int64_t total, stall;    /* SCALE-Sim total_cycles and stall_cycles */
  double err;              /* (model - ref) / ref */
};

/* The layers of one (configuration, network) pair. */
struct vgroup {
  char config[64], network[64];  /* SCALE-Sim run names */
  char dataflow[4], bw_mode[8];  /* ws|os|is, CALC|USER */
  int64_t rows, cols;      /* array, PEs */
  int64_t user_bw;         /* USER mode: bytes per cycle, else 0 */
  int64_t sram[3];         /* ifmap, filter, ofmap SRAM bytes from the .cfg, 0 if unknown */
  struct vlayer *l;        /* finished layers, in file order */
  size_t n, cap;
  int64_t skipped;         /* rows whose SCALE-Sim run did not finish */
};

struct vset {
  struct vgroup *g;        /* (configuration, network) pairs, in file order */
  size_t n, cap;
};

static const char *const vcols[] = {
    "network", "config", "array_rows", "array_cols", "dataflow", "bw_mode", "layer_name",
    "ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels", "num_filters", "stride_h",
    "stride_w", "gemm_M", "gemm_N", "gemm_K", "compute_cycles_excl_stall", "total_cycles",
    "stall_cycles", "status", "user_bw_words_per_cycle"};
enum { V_NET, V_CFG, V_ROWS, V_COLS, V_DF, V_BW, V_NAME, V_SHAPE, V_M = 15, V_N, V_K, V_CMP,
       V_TOT, V_STALL, V_STATUS, V_UBW, V_NCOLS };

/* {===================================================================
** Reading SCALE-Sim's per-layer reports
** =================================================================== */

static struct vgroup *group_for(struct vset *s, const char *cfg, const char *net,
                                struct sl_err *e) {
  struct vgroup *ng;
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->g[i].config, cfg) && !strcmp(s->g[i].network, net)) return &s->g[i];
  if (!(ng = sl_grow(s->g, &s->cap, s->n + 1, sizeof *ng, e))) return NULL;
  s->g = ng;
  ng += s->n++;
  memset(ng, 0, sizeof *ng);
  snprintf(ng->config, sizeof ng->config, "%s", cfg);
  snprintf(ng->network, sizeof ng->network, "%s", net);
  return ng;
}

static int field_i64(struct csv *c, int col, const char *name, int64_t *v, struct sl_err *e) {
  if (sl_parse_i64(c->field[col], v) < 0)
    return sl_errf(e, "%s:%ld: column '%s': '%s' is not an integer", c->path, c->lineno, name,
                   c->field[col]);
  return 0;
}

/* The model's cycles for one SCALE-Sim layer: compute cycles, and with
** `mem` the cycles under the memory model at the group's USER bandwidth
** and SRAM sizes (one cycle = 1 ns at 1000 MHz, so B/cycle x 1e9 = B/s). */
static int model_cycles(const struct vgroup *g, const char *name, const int64_t shape[8],
                        int mem, int64_t *cycles, struct sl_err *e) {
  struct npu_cfg cfg;
  struct layer l;
  struct npu_seg *segs = NULL;
  size_t n = 0, cap = 0;
  memset(&cfg, 0, sizeof cfg);
  cfg.array_rows = g->rows;
  cfg.array_cols = g->cols;
  cfg.dataflow = !strcmp(g->dataflow, "os") ? NPU_OS : !strcmp(g->dataflow, "is") ? NPU_IS : NPU_WS;
  /* Only the array and the dataflow enter the compute cycles; for them the
  ** rest is SCALE-Sim's CALC setting (memory never stalls), one-byte words. */
  cfg.clock_mhz = 1000;
  cfg.ubuf_bytes = cfg.wbuf_bytes = (int64_t)6144 << 10;
  cfg.accq_bytes = (int64_t)2048 << 10;
  cfg.dram_bw = (int64_t)1 << 50;
  cfg.elem_bytes = cfg.acc_bytes = 1;
  cfg.stream_depth = g->rows;
  if (mem) {
    cfg.ubuf_bytes = g->sram[0];
    cfg.wbuf_bytes = g->sram[1];
    cfg.accq_bytes = g->sram[2];
    cfg.dram_bw = g->user_bw * 1000000000;
  }
  if (net_layer_scalesim(&l, name, shape, e) < 0) return -1;
  if (npu_lower(&cfg, &l, 1, &segs, &n, &cap, e) < 0) { free(l.name); return -1; }
  *cycles = 0;
  for (size_t i = 0; i < n; i++) *cycles += mem ? segs[i].cost.cycles : segs[i].cost.compute_cycles;
  free(segs);
  free(l.name);
  return 0;
}

/* SRAM sizes of a SCALE-Sim configuration file DIR/../configs/NAME.cfg
** ("IfmapSramSzkB: 512" lines), for the memory comparison; left 0 when
** the file is absent. */
static void read_cfg_sram(struct vgroup *g, const char *dir) {
  static const char *const keys[3] = {"IfmapSramSzkB", "FilterSramSzkB", "OfmapSramSzkB"};
  char path[2048], line[256];
  FILE *f;
  snprintf(path, sizeof path, "%s/../configs/%s.cfg", dir, g->config);
  if (!(f = fopen(path, "r"))) return;
  while (fgets(line, sizeof line, f))
    for (int k = 0; k < 3; k++) {
      size_t n = strlen(keys[k]);
      char *p = line + n;
      if (strncmp(line, keys[k], n)) continue;
      while (*p == ' ' || *p == ':' || *p == '=') p++;
      g->sram[k] = strtoll(p, NULL, 10) * 1024;
    }
  fclose(f);
  if (!g->sram[0] || !g->sram[1] || !g->sram[2]) memset(g->sram, 0, sizeof g->sram);
}

static int read_file(struct vset *s, const char *dir, const char *path, struct sl_err *e) {
  struct csv c;
  int ci[V_NCOLS], r;
  if (csv_open(&c, path, e) < 0) return -1;
  for (int k = 0; k < V_NCOLS; k++)
    if ((ci[k] = csv_col(&c, vcols[k])) < 0) {
      sl_errf(e, "%s:%ld: missing column '%s' (see calibration/scalesim/README.md)", path,
              c.lineno, vcols[k]);
      goto fail;
    }
  while ((r = csv_next(&c, e)) == 1) {
    struct vgroup *g = group_for(s, c.field[ci[V_CFG]], c.field[ci[V_NET]], e);
    struct vlayer *nl, v;
    int64_t shape[8];
    if (!g) goto fail;
    if (!g->rows) {
      if (field_i64(&c, ci[V_ROWS], "array_rows", &g->rows, e) < 0 ||
          field_i64(&c, ci[V_COLS], "array_cols", &g->cols, e) < 0)
        goto fail;
      snprintf(g->dataflow, sizeof g->dataflow, "%s", c.field[ci[V_DF]]);
      snprintf(g->bw_mode, sizeof g->bw_mode, "%s", c.field[ci[V_BW]]);
      if (!strcmp(g->bw_mode, "USER") &&
          (field_i64(&c, ci[V_UBW], "user_bw_words_per_cycle", &g->user_bw, e) < 0 ||
           g->user_bw < 1)) {
        sl_errf(e, "%s:%ld: column 'user_bw_words_per_cycle': a USER run needs a bandwidth",
                path, c.lineno);
        goto fail;
      }
      if (g->user_bw) read_cfg_sram(g, dir);
      if (g->rows < 1 || g->cols < 1 || (strcmp(g->dataflow, "ws") && strcmp(g->dataflow, "os") &&
                                         strcmp(g->dataflow, "is"))) {
        sl_errf(e, "%s:%ld: column 'dataflow': array %lldx%lld '%s' is not a valid configuration",
                path, c.lineno, (long long)g->rows, (long long)g->cols, g->dataflow);
        goto fail;
      }
    }
    if (strcmp(c.field[ci[V_STATUS]], "ok")) { g->skipped++; continue; }
    memset(&v, 0, sizeof v);
    snprintf(v.name, sizeof v.name, "%s", c.field[ci[V_NAME]]);
    for (int k = 0; k < 8; k++)
      if (field_i64(&c, ci[V_SHAPE + k], vcols[V_SHAPE + k], &shape[k], e) < 0) goto fail;
    if (field_i64(&c, ci[V_M], "gemm_M", &v.m, e) < 0 ||
        field_i64(&c, ci[V_N], "gemm_N", &v.n, e) < 0 ||
        field_i64(&c, ci[V_K], "gemm_K", &v.k, e) < 0 ||
        field_i64(&c, ci[V_CMP], "compute_cycles_excl_stall", &v.ref, e) < 0 ||
        field_i64(&c, ci[V_TOT], "total_cycles", &v.total, e) < 0 ||
        field_i64(&c, ci[V_STALL], "stall_cycles", &v.stall, e) < 0)
      goto fail;
    if (v.ref < 1) {
      sl_errf(e, "%s:%ld: column 'compute_cycles_excl_stall': must be positive", path, c.lineno);
      goto fail;
    }
    if (model_cycles(g, v.name, shape, 0, &v.model, e) < 0 ||
        (g->sram[0] && model_cycles(g, v.name, shape, 1, &v.model_mem, e) < 0)) {
      sl_err_prefix(e, "%s:%ld", path, c.lineno);
      goto fail;
    }
    v.err = (double)(v.model - v.ref) / (double)v.ref;
    if (!(nl = sl_grow(g->l, &g->cap, g->n + 1, sizeof *nl, e))) goto fail;
    g->l = nl;
    g->l[g->n++] = v;
  }
  if (r < 0) goto fail;
  csv_close(&c);
  return 0;
fail:
  csv_close(&c);
  return -1;
}

/* }=================================================================== */

/* {===================================================================
** Statistics and the report
** =================================================================== */

/* Summary of a group (or of every layer when g is NULL). */
struct vstat {
  size_t n;                /* layers */
  double median, max, total;  /* |error| median and max over layers; signed error of the sum */
  const struct vlayer *worst;  /* the layer of the largest |error| */
  int64_t stall, cycles;       /* SCALE-Sim stall cycles and total cycles, summed */
};

static int stat_of(const struct vset *s, const struct vgroup *only, struct vstat *st) {
  double *a;
  size_t k = 0;
  int64_t model = 0, ref = 0;
  memset(st, 0, sizeof *st);
  for (size_t i = 0; i < s->n; i++)
    if (!only || &s->g[i] == only) st->n += s->g[i].n;
  if (st->n == 0) return 0;
  if (!(a = malloc(st->n * sizeof *a))) return -1;
  for (size_t i = 0; i < s->n; i++) {
    const struct vgroup *g = &s->g[i];
    if (only && g != only) continue;
    for (size_t j = 0; j < g->n; j++) {
      a[k++] = fabs(g->l[j].err);
      model += g->l[j].model;
      ref += g->l[j].ref;
      st->stall += g->l[j].stall;
      st->cycles += g->l[j].total;
      if (!st->worst || fabs(g->l[j].err) > fabs(st->worst->err)) st->worst = &g->l[j];
    }
  }
  qsort(a, k, sizeof *a, sl_cmp_double);
  st->median = k % 2 ? a[k / 2] : (a[k / 2 - 1] + a[k / 2]) / 2;
  st->max = a[k - 1];
  st->total = (double)(model - ref) / (double)ref;
  free(a);
  return 0;
}

static int passes(const struct vstat *st) {
  return st->median <= NPU_VALIDATE_MEDIAN_MAX && fabs(st->total) <= NPU_VALIDATE_TOTAL_MAX;
}

static void markdown_head(FILE *out, const char *dir) {
  fprintf(out,
"# NPU model against SCALE-Sim v2\n"
"\n"
"Generated by `schedlab predict --validate %s --markdown`\n"
"(do not edit: regenerate). The test `tests/t_scalesim.sh` runs the same\n"
"comparison under `make test` and fails when a (configuration, network)\n"
"pair's median absolute per-layer error exceeds %.0f%% or its total error\n"
"exceeds %.0f%%. The reference data is in the repository, with its\n"
"provenance, so the check runs in every clone.\n"
"\n"
"## What is compared\n"
"\n"
"The reference is SCALE-Sim v2 (commit 22f88b1, run unmodified; see\n"
"`experiments/calibration/scalesim/README.md`). Each SCALE-Sim layer is read as\n"
"SCALE-Sim reads a topology row (`net_layer_scalesim`: no padding, output\n"
"size `ceil((in - k + stride) / stride)`, a `DP` layer split per channel),\n"
"lowered by the schedlab model (`engine/npu.c`) on an array of the reported\n"
"size and dataflow, and its **compute cycles** are compared with SCALE-Sim's\n"
"`compute_cycles_excl_stall`.\n"
"\n"
"Why that column: the model separates compute (the array's schedule) from\n"
"memory (our own DRAM, buffer and double-buffering model, sized by the device\n"
"file). SCALE-Sim's CALC configurations never stall, so there\n"
"`compute_cycles_excl_stall` equals `total_cycles`; its USER-bandwidth\n"
"configurations add stall cycles that come from SCALE-Sim's own SRAM sizes,\n"
"prefetch policy and a bandwidth per operand buffer, which schedlab's NPU\n"
"does not share (activations stay in the unified buffer between layers; one\n"
"DRAM interface). Comparing `total_cycles` there would grade one memory\n"
"system against another, not the model. The stall share of each such run is\n"
"shown for information.\n"
"\n"
"The model, per GEMM (weights K x M, N streamed vectors) on an R x C array:\n"
"\n"
"| dataflow | rows get | columns get | streamed T | preload |\n"
"|---|---|---|---|---|\n"
"| ws | K | M | N | R |\n"
"| os | N | M | K | 0 |\n"
"| is | K | N | M | R |\n"
"\n"
"`cycles = ceil(S_r / R) * ceil(S_c / C) * (preload + R + C - 2 + T)`: one\n"
"fold per R x C block of the stationary operand, each paying the preload, the\n"
"skew of the wavefront across the whole array and one cycle per streamed\n"
"vector (SCALE-Sim paper, ISPASS 2020; the per-fold demand matrices of\n"
"`scalesim/compute/systolic_compute_{ws,os,is}.py`). No factor is fitted:\n"
"the formula has no free parameter.\n"
"\n"
"## Results\n"
"\n"
"Error = (model - SCALE-Sim) / SCALE-Sim, per layer; the total error is that\n"
"of the sum over the network's layers.\n"
"\n"
"| configuration | array | dataflow | bandwidth | network | layers | median abs. error | max abs. error (layer) | total error | SCALE-Sim stall share | verdict |\n"
"|---|---|---|---|---|---|---|---|---|---|---|\n",
          dir, NPU_VALIDATE_MEDIAN_MAX * 100, NPU_VALIDATE_TOTAL_MAX * 100);
}

/* For information: whole-run cycles with memory, SCALE-Sim's (stalls
** included) next to the model's at the same bandwidth and SRAM sizes. */
static void markdown_memory(FILE *out, const struct vset *s) {
  int any = 0;
  for (size_t i = 0; i < s->n; i++) {
    const struct vgroup *g = &s->g[i];
    int64_t ref = 0, refc = 0, model = 0;
    if (!g->sram[0] || !g->n) continue;
    if (!any)
      fprintf(out,
"\n"
"For information, not graded: the USER-bandwidth runs with memory. SCALE-Sim's\n"
"total (stalls included) next to the model's cycles with its memory model at\n"
"the same bandwidth and with the configuration's SRAM sizes as unified, weight\n"
"and accumulator buffers (`../configs/NAME.cfg`); see the second point below.\n"
"\n"
"| configuration | network | SCALE-Sim compute | SCALE-Sim total | model with memory | model / SCALE-Sim total |\n"
"|---|---|---|---|---|---|\n");
    any = 1;
    for (size_t j = 0; j < g->n; j++) {
      ref += g->l[j].total;
      refc += g->l[j].ref;
      model += g->l[j].model_mem;
    }
    fprintf(out, "| %s (%lld B/cycle) | %s | %lld | %lld | %lld | %.2f |\n", g->config,
            (long long)g->user_bw, g->network, (long long)refc, (long long)ref, (long long)model,
            (double)model / (double)ref);
  }
}

static void markdown_summary(FILE *out, const struct vstat *all, int ok) {
  fprintf(out,
"\n"
"Over all %zu layers: median absolute error %.4f%%, largest %.4f%% (%s);\n"
"verdict: **%s**.\n",
          all->n, all->median * 100, all->max * 100, all->worst ? all->worst->name : "-",
          ok ? "pass" : "FAIL");
}

static void markdown_why(FILE *out) {
  fprintf(out,
"\n"
"## Where and why it differs\n"
"\n"
"- **One cycle per layer.** SCALE-Sim reports the index of the cycle in which\n"
"  the last output is written, counting from cycle 0; the model counts cycles.\n"
"  So SCALE-Sim's figure is the model's minus one on every layer, and the\n"
"  per-layer error is exactly 1 / SCALE-Sim's count: largest on the smallest\n"
"  layers (a 509-cycle GEMM: 0.2%%), negligible elsewhere. It is left in\n"
"  the comparison rather than corrected.\n"
"- **Memory is not graded: the two memory systems differ.** The table above\n"
"  shows it in both directions. At 10 bytes per cycle with 6 MiB SRAMs\n"
"  SCALE-Sim never stalls: each layer's operands fit its SRAMs and the fill\n"
"  before cycle 0 is not charged, so its run time is the compute time. The\n"
"  model streams every fold's weights from DRAM during the layer (a 128 x 128\n"
"  fold is 16 KiB: 1,638 cycles at 10 B/cycle against about 400 + N cycles\n"
"  of compute), so it is memory-bound and several times slower. At 32 bytes\n"
"  per cycle with 512 KiB SRAMs it is the other way round: SCALE-Sim refills its\n"
"  half-size buffers from DRAM and reads the im2col-expanded ifmap (every\n"
"  input word once per filter position that uses it) and stalls for most of\n"
"  the run, while the model keeps the raw activations in the unified buffer\n"
"  (im2col happens on chip) and reads each weight once: several times fewer\n"
"  cycles. Neither is wrong for its hardware; schedlab's is the NPU of\n"
"  docs/prema.md (weights from DRAM, activations in the unified buffer, a\n"
"  tile taking max(compute, memory); traces/devices/README.md), and it is not\n"
"  calibrated against SCALE-Sim's stalls.\n"
"- **Shapes follow SCALE-Sim, not the networks.** SCALE-Sim's topologies have\n"
"  no padding (ResNet-50's 3x3 layers shrink 56 -> 54) and its own output-size\n"
"  rule; the validation reads them that way. The zoo's torchvision shapes\n"
"  (traces/networks/) are a different workload and are not compared here.\n"
"- **What SCALE-Sim does not cover.** Pooling, element-wise work, LSTM/GRU\n"
"  steps and attention's activation-by-activation products are lowered by the\n"
"  same GEMM formula (or the vector-unit rule of docs/prema.md §3) but have\n"
"  no SCALE-Sim reference here.\n");
}

static int npu_csv_entry(const struct dirent *d) {
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".csv");
}

int npu_validate(const char *dir, int markdown, FILE *out, struct sl_err *e) {
  struct vset s = {0};
  struct dirent **list;
  struct vstat all;
  int n = scandir(dir, &list, npu_csv_entry, alphasort), rc = -1, ok = 1;
  if (n < 0) return sl_errf(e, "%s: cannot read the directory", dir);
  for (int i = 0; i < n; i++) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
    if (rc == -1 && read_file(&s, dir, path, e) < 0) rc = -2;
  }
  for (int i = 0; i < n; i++) free(list[i]);
  free(list);
  if (rc == -2) goto done;
  if (s.n == 0) { sl_errf(e, "%s: no per-layer files (*.csv)", dir); goto done; }
  if (markdown) markdown_head(out, dir);
  else fprintf(out, "%-30s %-26s %6s %10s %10s %10s  %s\n", "configuration", "network", "layers",
               "median_%", "max_%", "total_%", "verdict");
  for (size_t i = 0; i < s.n; i++) {
    const struct vgroup *g = &s.g[i];
    struct vstat st;
    int pass;
    if (stat_of(&s, g, &st) < 0) { sl_errf(e, "out of memory"); goto done; }
    if (st.n == 0) continue;                /* nothing SCALE-Sim finished */
    pass = passes(&st);
    ok &= pass;
    if (markdown) {
      fprintf(out, "| %s | %lldx%lld | %s | %s | %s | %zu%s | %.4f%% | %.4f%% (%s: M %lld, N %lld, "
                   "K %lld) | %+.4f%% | %.1f%% | %s |\n",
              g->config, (long long)g->rows, (long long)g->cols, g->dataflow, g->bw_mode, g->network,
              st.n,
              g->skipped ? " (+ not run)" : "", st.median * 100, st.max * 100, st.worst->name,
              (long long)st.worst->m, (long long)st.worst->n, (long long)st.worst->k,
              st.total * 100, st.cycles ? 100.0 * (double)st.stall / (double)st.cycles : 0.0,
              pass ? "pass" : "FAIL");
    } else {
      fprintf(out, "%-30s %-26s %6zu %10.4f %10.4f %+10.4f  %s\n", g->config, g->network, st.n,
              st.median * 100, st.max * 100, st.total * 100, pass ? "pass" : "FAIL");
    }
  }
  if (stat_of(&s, NULL, &all) < 0) { sl_errf(e, "out of memory"); goto done; }
  if (markdown) {
    markdown_summary(out, &all, ok);
    markdown_memory(out, &s);
    markdown_why(out);
  }
  else fprintf(out, "all %zu layers: median %.4f%%, max %.4f%%: %s\n", all.n, all.median * 100,
               all.max * 100, ok ? "pass" : "FAIL");
  rc = ok ? 0 : 1;
done:
  for (size_t i = 0; i < s.n; i++) free(s.g[i].l);
  free(s.g);
  return rc;
}

/* }=================================================================== */
