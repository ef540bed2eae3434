/*
** dev_npu.c — the `npu` device: a systolic-array NPU described by a device
** file (key = value lines; presets in traces/devices/), compiling zoo
** networks with the analytical model of npu.c. One request runs at a
** time; tile boundaries (or layer boundaries) are the preemption points,
** and a checkpoint moves the live state at the DRAM bandwidth.
*/
#include "device.h"
#include "npu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NPU_BASE_DEPTH 4   /* `base = PRESET` chains longer than this are refused */

/* The device's state: its resolved configuration. */
struct npu_dev {
  struct npu_cfg cfg;      /* the device file, its base and --device-param, resolved */
};

/* A compiled work's model details, kept for stop points, checkpoint sizes
** and `schedlab predict`. */
struct npu_work {
  struct npu_seg *seg;     /* [nseg] */
};

/* {===================================================================
** Fields and their values
** =================================================================== */

enum field_kind { F_INT, F_SIZE, F_BW, F_DATAFLOW, F_GRAN, F_CKPT };

struct field {
  const char *name;        /* as written in device files and --device-param */
  enum field_kind kind;    /* how its value is parsed */
  size_t off;              /* offset in struct npu_cfg */
  int64_t min, max;        /* accepted range of a number (the model's arithmetic stays in
                           ** 64 bits with these bounds) */
};

#define GIB ((int64_t)1 << 30)
#define FIELD(n, k, lo, hi) {#n, k, offsetof(struct npu_cfg, n), lo, hi}
static const struct field fields[] = {
    FIELD(array_rows, F_INT, 1, 65536),
    FIELD(array_cols, F_INT, 1, 65536),
    FIELD(dataflow, F_DATAFLOW, 0, 0),
    FIELD(clock_mhz, F_INT, 1, 100000),
    FIELD(ubuf_bytes, F_SIZE, 1, 64 * GIB),
    FIELD(wbuf_bytes, F_SIZE, 1, 64 * GIB),
    FIELD(accq_bytes, F_SIZE, 1, 64 * GIB),
    FIELD(dram_bw, F_BW, 1000000, (int64_t)1 << 50),
    FIELD(dram_latency_cycles, F_INT, 0, 100000000),
    FIELD(elem_bytes, F_INT, 1, 16),
    FIELD(acc_bytes, F_INT, 1, 16),
    FIELD(stream_depth, F_INT, 1, 1000000),
    FIELD(ckpt_granularity, F_GRAN, 0, 0),
    FIELD(ckpt_bytes, F_CKPT, 0, 0),
};
#undef FIELD
#undef GIB
#define NFIELDS (sizeof fields / sizeof fields[0])

struct unit {
  const char *name;        /* suffix after the number, "" for none */
  int64_t mult;            /* bytes (or bytes/s) per unit */
};
static const struct unit size_units[] = {
    {"", 1}, {"B", 1}, {"KiB", 1024}, {"MiB", 1048576}, {"GiB", 1073741824},
    {"KB", 1000}, {"MB", 1000000}, {"GB", 1000000000}, {NULL, 0}};
static const struct unit bw_units[] = {
    {"", 1}, {"B/s", 1}, {"KB/s", 1000}, {"MB/s", 1000000}, {"GB/s", 1000000000},
    {"KiB/s", 1024}, {"MiB/s", 1048576}, {"GiB/s", 1073741824}, {NULL, 0}};

/* "8 MiB", "358e9", "358GB/s": an exact decimal times a unit, which must
** come to a whole number. */
static int parse_scaled(const char *s, const struct unit *units, int64_t *out) {
  size_t n = 0;
  const char *u;
  int64_t micro;
  while (s[n] && ((s[n] >= '0' && s[n] <= '9') || s[n] == '.' || s[n] == 'e' || s[n] == 'E' ||
                  s[n] == '+' || s[n] == '-'))
    n++;
  for (u = s + n; *u == ' '; u++) {}
  for (const struct unit *k = units; k->name; k++) {
    __int128 v;
    if (strcmp(u, k->name)) continue;
    if (sl_parse_decimal_scaled(s, n, 6, &micro) == 0) {
      v = (__int128)micro * k->mult;
    } else {                             /* too large for millionths: a whole number */
      if (memchr(s, '.', n) || sl_parse_decimal_scaled(s, n, 0, &micro) < 0) return -1;
      v = (__int128)micro * k->mult * 1000000;
    }
    if (v < 0 || v % 1000000 || v / 1000000 > INT64_MAX) return -1;
    *out = (int64_t)(v / 1000000);
    return 0;
  }
  return -1;
}

static int parse_word(const char *s, const char *const *words, int n) {
  for (int i = 0; i < n; i++)
    if (!strcmp(s, words[i])) return i;
  return -1;
}

static const char *const gran_names[2] = {"tile", "layer"};
static const char *const ckpt_names[2] = {"progress", "bound"};

/* Set field f of cfg from text; -1 with "why" in e. */
static int field_set(struct npu_cfg *cfg, const struct field *f, const char *v, struct sl_err *e) {
  char *p = (char *)cfg + f->off;
  int64_t x;
  int w;
  switch (f->kind) {
  case F_INT:
  case F_SIZE:
  case F_BW:
    if (f->kind == F_INT && sl_parse_i64(v, &x) < 0)
      return sl_errf(e, "'%s' is not an integer", v);
    if (f->kind == F_SIZE && parse_scaled(v, size_units, &x) < 0)
      return sl_errf(e, "'%s' is not a whole number of bytes (units: B, KiB, MiB, GiB, KB, MB, "
                        "GB)", v);
    if (f->kind == F_BW && parse_scaled(v, bw_units, &x) < 0)
      return sl_errf(e, "'%s' is not a bandwidth in whole bytes/s (units: B/s, KB/s, MB/s, "
                        "GB/s, KiB/s, MiB/s, GiB/s; a plain number is B/s)", v);
    if (x < f->min || x > f->max)
      return sl_errf(e, "%lld is out of range [%lld, %lld]", (long long)x, (long long)f->min,
                     (long long)f->max);
    *(int64_t *)(void *)p = x;
    return 0;
  case F_DATAFLOW:
    if ((w = parse_word(v, npu_dataflow_names, 3)) < 0)
      return sl_errf(e, "'%s' is not a dataflow (ws, os, is)", v);
    cfg->dataflow = (enum npu_dataflow)w;
    return 0;
  case F_GRAN:
    if ((w = parse_word(v, gran_names, 2)) < 0) return sl_errf(e, "'%s' is not tile or layer", v);
    cfg->ckpt_granularity = (enum npu_gran)w;
    return 0;
  case F_CKPT:
    if ((w = parse_word(v, ckpt_names, 2)) < 0)
      return sl_errf(e, "'%s' is not progress or bound", v);
    cfg->ckpt_bytes = (enum npu_ckpt)w;
    return 0;
  }
  return -1;
}

static const struct field *field_find(const char *name) {
  for (size_t i = 0; i < NFIELDS; i++)
    if (!strcmp(fields[i].name, name)) return &fields[i];
  return NULL;
}

static void known_fields(struct sl_err *e) {
  for (size_t i = 0; i < NFIELDS; i++) sl_err_append(e, "%s%s", i ? ", " : "", fields[i].name);
}

/* The resolved value of a field as text, for the params table. */
static void field_text(const struct npu_cfg *cfg, const struct field *f, char *buf, size_t n) {
  const char *p = (const char *)cfg + f->off;
  switch (f->kind) {
  case F_DATAFLOW: snprintf(buf, n, "%s", npu_dataflow_names[cfg->dataflow]); break;
  case F_GRAN: snprintf(buf, n, "%s", gran_names[cfg->ckpt_granularity]); break;
  case F_CKPT: snprintf(buf, n, "%s", ckpt_names[cfg->ckpt_bytes]); break;
  default: snprintf(buf, n, "%lld", (long long)*(const int64_t *)(const void *)p); break;
  }
}

/* }=================================================================== */

/* {===================================================================
** Device files
** =================================================================== */

static char *trim(char *s) {
  char *end = s + strlen(s);
  while (*s == ' ' || *s == '\t') s++;
  while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
    end--;
  *end = 0;
  return s;
}

/* The file a spec argument names: an existing file, else a preset name
** (traces/devices/NAME.dev under the project home). */
static int resolve(const char *arg, char *path, size_t n, struct sl_err *e) {
  char home[1024];
  struct stat st;
  if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
    snprintf(path, n, "%s", arg);
    return 0;
  }
  if (strchr(arg, '/') || (strlen(arg) > 4 && !strcmp(arg + strlen(arg) - 4, ".dev")))
    return sl_errf(e, "%s: no such device file", arg);
  snprintf(path, n, "%s/traces/devices/%s.dev", sl_home(home, sizeof home), arg);
  if (stat(path, &st) != 0)
    return sl_errf(e, "unknown npu preset '%s' (no traces/devices/%s.dev; see 'schedlab list "
                      "devices')", arg, arg);
  return 0;
}

/* `base = NAME` names a preset: a plain name, resolved inside
** traces/devices/ only, so a device file cannot make schedlab read (and
** quote in its messages) any other file. */
static int base_path(const char *name, char *path, size_t n, struct sl_err *e) {
  char home[1024];
  struct stat st;
  if (!*name || strchr(name, '/') || strstr(name, "..") || strlen(name) > 200)
    return sl_errf(e, "'%s' is not a preset name (a name from traces/devices/, without '/' "
                      "or '..')", name);
  snprintf(path, n, "%s/traces/devices/%s.dev", sl_home(home, sizeof home), name);
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return sl_errf(e, "unknown npu preset '%s' (no traces/devices/%s.dev; see 'schedlab list "
                      "devices')", name, name);
  return 0;
}

#define DEV_LINE 1024   /* bytes of a device-file line, newline included */

/* One line of a device file into buf (newline dropped, a leading UTF-8
** byte order mark on line 1 skipped): 1 read, 0 end of file, -1 a NUL byte
** or an over-long line. */
static int dev_line(FILE *f, char *buf, const char *path, long lineno, struct sl_err *e) {
  size_t n = 0;
  int ch;
  while ((ch = getc(f)) != EOF && ch != '\n') {
    if (ch == 0) return sl_errf(e, "%s:%ld: NUL byte at column %zu", path, lineno, n + 1);
    if (n + 1 >= DEV_LINE)
      return sl_errf(e, "%s:%ld: line longer than %d bytes", path, lineno, DEV_LINE - 2);
    buf[n++] = (char)ch;
  }
  if (ch == EOF && n == 0) return ferror(f) ? sl_errf(e, "%s: read error", path) : 0;
  buf[n] = 0;
  if (lineno == 1 && !strncmp(buf, "\xEF\xBB\xBF", 3)) memmove(buf, buf + 3, n - 2);
  return 1;
}

/* Read a device file into cfg. `set` marks the fields given so far (by
** this file or its base). Fails with "FILE:LINE: field 'x': why"; a field
** given twice in one file is an error naming both lines. Lines of a base
** preset are never quoted in messages. */
static int read_file(struct npu_cfg *cfg, unsigned *set, const char *path, int depth,
                     struct sl_err *e) {
  FILE *f = fopen(path, "r");
  char line[DEV_LINE];
  long lineno = 0, base_line = 0, field_line[NFIELDS] = {0};
  int r;
  if (!f) return sl_errf(e, "%s: cannot open", path);
  while ((r = dev_line(f, line, path, lineno + 1, e)) == 1) {
    char *s, *eq, *key, *val, *hash;
    const struct field *fd;
    lineno++;
    if ((hash = strchr(line, '#'))) *hash = 0;
    s = trim(line);
    if (!*s) continue;
    if (!(eq = strchr(s, '='))) {
      if (depth == 0) sl_errf(e, "%s:%ld: expected 'field = value', got '%s'", path, lineno, s);
      else sl_errf(e, "%s:%ld: expected 'field = value'", path, lineno);
      goto fail;
    }
    *eq = 0;
    key = trim(s);
    val = trim(eq + 1);
    if (!strcmp(key, "base")) {           /* start from a preset, then override */
      char bpath[2048];
      if (depth >= NPU_BASE_DEPTH) {
        sl_errf(e, "%s:%ld: field 'base': presets nest deeper than %d", path, lineno,
                NPU_BASE_DEPTH);
        goto fail;
      }
      if (base_line) {
        sl_errf(e, "%s:%ld: field 'base': given twice (lines %ld and %ld)", path, lineno,
                base_line, lineno);
        goto fail;
      }
      base_line = lineno;
      if (*set) {
        sl_errf(e, "%s:%ld: field 'base': must come before the other fields", path, lineno);
        goto fail;
      }
      if (base_path(val, bpath, sizeof bpath, e) < 0 ||
          read_file(cfg, set, bpath, depth + 1, e) < 0) {
        sl_err_prefix(e, "%s:%ld: field 'base'", path, lineno);
        goto fail;
      }
      continue;
    }
    if (!(fd = field_find(key))) {
      sl_errf(e, "%s:%ld: field '%s': unknown field (known: base, ", path, lineno, key);
      known_fields(e);
      sl_err_append(e, ", units)");
      goto fail;
    }
    if (field_line[fd - fields]) {
      sl_errf(e, "%s:%ld: field '%s': given twice (lines %ld and %ld)", path, lineno, key,
              field_line[fd - fields], lineno);
      goto fail;
    }
    field_line[fd - fields] = lineno;
    if (!*val) {
      sl_errf(e, "%s:%ld: field '%s': no value", path, lineno, key);
      goto fail;
    }
    if (field_set(cfg, fd, val, e) < 0) {
      sl_err_prefix(e, "%s:%ld: field '%s'", path, lineno, key);
      goto fail;
    }
    *set |= 1u << (fd - fields);
  }
  if (r < 0) goto fail;
  fclose(f);
  return 0;
fail:
  fclose(f);
  return -1;
}

/* }=================================================================== */

/* {===================================================================
** The device operations
** =================================================================== */

static void npu_close(struct device *d) {
  free(d->impl);
  d->impl = NULL;
}

static int npu_open(struct device *d, const char *arg, const struct kv *params, size_t nparams,
                    struct sl_err *e) {
  struct npu_dev *nd;
  char path[2048], text[64];
  unsigned set = 0;
  if (!*arg)
    return sl_errf(e, "device 'npu' needs a device file or a preset: --device npu:PATH.dev, "
                      "--device npu-prema (see 'schedlab list devices')");
  if (!(nd = sl_alloc(sizeof *nd, e))) return -1;
  d->impl = nd;
  if (resolve(arg, path, sizeof path, e) < 0 || read_file(&nd->cfg, &set, path, 0, e) < 0)
    return -1;
  for (size_t i = 0; i < NFIELDS; i++)
    if (!(set >> i & 1u))
      return sl_errf(e, "%s: field '%s': missing (a device file gives every field, or starts "
                        "with 'base = PRESET')", path, fields[i].name);
  for (size_t i = 0; i < nparams; i++) {
    const struct field *fd = field_find(params[i].key);
    if (!fd) {
      sl_errf(e, "unknown device param '%s' for npu (known: ", params[i].key);
      known_fields(e);
      sl_err_append(e, ")");
      return -1;
    }
    if (field_set(&nd->cfg, fd, params[i].value, e) < 0)
      return sl_err_prefix(e, "device param '%s'", params[i].key);
  }
  for (size_t i = 0; i < NFIELDS; i++) {
    field_text(&nd->cfg, &fields[i], text, sizeof text);
    if (dev_param_set(d, fields[i].name, "%s", text) < 0) return sl_errf(e, "out of memory");
  }
  return 0;
}

static void npu_free_ext(struct work *w) {
  struct npu_work *nw = w->ext;
  if (!nw) return;
  free(nw->seg);
  free(nw);
  w->ext = NULL;
}

static int npu_compile(struct device *d, const char *network, int batch, struct work *w,
                       struct sl_err *e) {
  const struct npu_dev *nd = d->impl;
  struct network net;
  struct npu_seg *segs = NULL;
  struct npu_work *nw;
  size_t n = 0, cap = 0, chunk_cap = 0;
  int r = net_load(&net, network, e);
  if (r != 0) {
    net_free(&net);
    return r;
  }
  for (size_t i = 0, at = 0; i < net.n; i++) {
    size_t before = n;
    const struct layer *l = &net.layers[i];
    int r2 = npu_lower(&nd->cfg, l, batch, &segs, &n, &cap, e);
    /* The layers of one LLM decode step run as one segment (network.h):
    ** thousands of steps stay thousands of segments. */
    if (r2 == 0 && l->step > 0) {
      if (i == 0 || net.layers[i - 1].step != l->step) {
        at = before;
        snprintf(segs[at].name, sizeof segs[at].name, "decode.%lld", (long long)l->step);
        before++;
      }
      for (size_t j = before; j < n && r2 == 0; j++) r2 = npu_seg_fold(&nd->cfg, &segs[at], &segs[j], e);
      n = at + 1;
    }
    if (r2 < 0) {
      sl_err_prefix(e, "%s:%ld: network '%s'", net.path, l->lineno, network);
      free(segs);
      net_free(&net);
      return -1;
    }
    /* A chunk ends with the layer's last segment (a decode step's, when folded). */
    if (l->chunk_end && n > 0 && work_chunk_add(w, (int32_t)n, &chunk_cap, e) < 0) {
      free(segs);
      net_free(&net);
      return -1;
    }
  }
  net_free(&net);
  if (n > INT32_MAX - 1) {
    free(segs);
    return sl_errf(e, "network '%s': too many segments", network);
  }
  if (!(nw = sl_alloc(sizeof *nw, e))) { free(segs); return -1; }
  nw->seg = segs;
  w->ext = nw;
  w->nseg = (int32_t)n;
  w->prefix = sl_alloc((n + 1) * sizeof *w->prefix, e);
  w->state_bytes = sl_alloc((n + 1) * sizeof *w->state_bytes, e);
  w->seg_name = sl_alloc(n * sizeof *w->seg_name, e);
  if (!w->prefix || !w->state_bytes || !w->seg_name) return -1;
  for (size_t i = 0; i < n; i++) {
    if (!(w->seg_name[i] = sl_strdup(segs[i].name, e))) return -1;
    if (w->prefix[i] > SL_TIME_LIMIT - segs[i].ns)   /* each segs[i].ns <= SL_TIME_LIMIT */
      return sl_errf(e, "network '%s' at batch %d: the layers up to '%s' take more than %lld ns",
                     network, batch, segs[i].name, (long long)SL_TIME_LIMIT);
    w->prefix[i + 1] = w->prefix[i] + segs[i].ns;
    w->state_bytes[i] = npu_ckpt_bytes(&nd->cfg, &segs[i], 0);
  }
  if (w->nchunks > 0 && work_chunks_close(w, &chunk_cap, e) < 0) return -1;
  return 0;
}

/* The tile boundary index of progress `at` inside segment s, and the
** segment's length. */
static int64_t tile_at(const struct work *w, int32_t s, sl_ns at) {
  const struct npu_work *nw = w->ext;
  return npu_tile_next(w->prefix[s + 1] - w->prefix[s], nw->seg[s].cost.tiles, at - w->prefix[s]);
}

/* CHECKPOINT and KILL stop at the next tile boundary (uniform inside the
** layer: closed form after the binary search for the layer), or at the
** next layer boundary with ckpt_granularity = layer. DRAIN never stops. */
static sl_ns npu_stop_point(const struct device *d, const struct work *w, sl_ns progress,
                            enum mech m) {
  const struct npu_dev *nd = d->impl;
  const struct npu_work *nw = w->ext;
  int32_t s;
  sl_ns len;
  if (m == MECH_DRAIN || progress >= work_total(w)) return work_total(w);
  s = work_segment_at(w, progress);
  if (w->prefix[s] == progress) return progress;
  if (nd->cfg.ckpt_granularity == NPU_GRAN_LAYER) return w->prefix[s + 1];
  len = w->prefix[s + 1] - w->prefix[s];
  return w->prefix[s] + npu_tile_offset(len, nw->seg[s].cost.tiles, tile_at(w, s, progress));
}

/* Saving and restoring move the same bytes (docs/prema.md §5). */
static sl_ns npu_transfer(const struct device *d, const struct work *w, sl_ns at) {
  const struct npu_dev *nd = d->impl;
  const struct npu_work *nw = w->ext;
  int32_t s;
  if (at >= work_total(w)) return 0;
  s = work_segment_at(w, at);
  return npu_transfer_ns(&nd->cfg, npu_ckpt_bytes(&nd->cfg, &nw->seg[s], tile_at(w, s, at)));
}

static int npu_seg_info(const struct device *d, const struct work *w, int32_t s,
                        struct seg_info *out) {
  const struct npu_dev *nd = d->impl;
  const struct npu_seg *g = &((const struct npu_work *)w->ext)->seg[s];
  out->cycles = g->cost.cycles;
  out->compute_cycles = g->cost.compute_cycles;
  out->memory_cycles = g->cost.memory_cycles;
  out->pes = nd->cfg.array_rows * nd->cfg.array_cols;
  out->macs = g->cost.macs;
  out->dram_bytes = g->cost.dram_bytes;
  out->tiles = g->cost.tiles;
  out->util = (double)g->cost.macs /
              ((double)g->cost.cycles * (double)(nd->cfg.array_rows * nd->cfg.array_cols));
  out->bound = g->cost.memory_cycles > g->cost.compute_cycles ? "memory" : "compute";
  return 0;
}

const struct dev_ops dev_npu_ops = {
  .kind = "npu",
  .usage = "npu:FILE.dev|npu-PRESET",
  .open = npu_open,
  .compile = npu_compile,
  .stop_point = npu_stop_point,
  .save_ns = npu_transfer,
  .restore_ns = npu_transfer,
  .list_networks = NULL,
  .seg_info = npu_seg_info,
  .free_ext = npu_free_ext,
  .close = npu_close,
};

/* }=================================================================== */
