/*
** network.c — loading layer tables (the zoo's CSV format, documented in
** traces/networks/README.md, and SCALE-Sim topology files), network
** references with parameters, and the per-layer counts every device needs
** (MACs, activation and weight elements).
*/
#include "network.h"

#include "csv.h"
#include "checked.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *const layer_type_names[LT_NTYPES] = {
    "conv", "fc", "matmul", "lstm", "gru", "attention", "maxpool", "avgpool", "eltwise"};

const char *const layer_post_names[LP_NPOST] = {
    "bias", "bn", "relu", "relu6", "silu", "gelu", "sigmoid", "tanh"};

#define NET_MAX_PARAMS 16   /* parameters one layer table may declare */
#define NET_PARAM_NAME 32   /* bytes of a parameter name, NUL included */

/* A parameter of a layer table: declared with a default by a
** `# param NAME = DEFAULT` line, overridden by the reference. */
struct net_param {
  char name[NET_PARAM_NAME];  /* as declared, without the '$' */
  int64_t value;           /* the default, or the reference's value */
  int given;               /* overridden by the reference */
};

struct params {
  struct net_param p[NET_MAX_PARAMS];
  int n;                   /* declared */
  int tokens;              /* `# generate PARAM`: PARAM's index, else -1 */
  long tokens_line;        /* that line, for messages */
  char tokens_name[NET_PARAM_NAME];
  int prompt_given;        /* the reference gave prompt= */
  int64_t gen;             /* decode steps (gen=), 0 when not given */
};

/* {===================================================================
** Shapes and counts
** =================================================================== */

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* Output extent of a window sliding over `in` (conv or pooling). */
static int64_t out_extent(const struct layer *l, int64_t in, int64_t k, int64_t s, int64_t pad) {
  int64_t span = in + 2 * pad - k;
  if (span < 0) return 0;
  if (l->rule == OFMAP_SCALESIM) return ceil_div(in - k + s, s);
  return (l->ceil_mode ? ceil_div(span, s) : span / s) + 1;
}

static int64_t macs_ck(const struct layer *l, int *ov);
static int64_t in_elems_ck(const struct layer *l, int *ov);
static int64_t out_elems_ck(const struct layer *l, int *ov);
static int64_t weights_ck(const struct layer *l, int *ov);

int layer_finish(struct layer *l, struct sl_err *e) {
  switch (l->type) {
  case LT_CONV:
  case LT_MAXPOOL:
  case LT_AVGPOOL:
    l->out_h = out_extent(l, l->in_h, l->k_h, l->stride_h, l->pad_h);
    l->out_w = out_extent(l, l->in_w, l->k_w, l->stride_w, l->pad_w);
    if (l->out_h < 1)
      return sl_errf(e, "column 'k_h': kernel %lld is larger than the padded input height %lld",
                     (long long)l->k_h, (long long)(l->in_h + 2 * l->pad_h));
    if (l->out_w < 1)
      return sl_errf(e, "column 'k_w': kernel %lld is larger than the padded input width %lld",
                     (long long)l->k_w, (long long)(l->in_w + 2 * l->pad_w));
    if (l->type != LT_CONV) l->out_c = l->in_c;
    if (l->type == LT_CONV && (l->in_c % l->groups || l->out_c % l->groups))
      return sl_errf(e, "column 'groups': %lld groups do not divide in_c %lld and out_c %lld",
                     (long long)l->groups, (long long)l->in_c, (long long)l->out_c);
    break;
  case LT_ATTENTION:
    if (l->kv < 1) l->kv = l->seq;       /* self-attention over its own tokens */
    if (l->in_c % l->heads)
      return sl_errf(e, "column 'heads': %lld heads do not divide in_c %lld",
                     (long long)l->heads, (long long)l->in_c);
    /* fall through */
  case LT_ELTWISE:
    l->out_c = l->in_c;
    /* fall through */
  default:
    l->out_h = l->in_h;
    l->out_w = l->in_w;
    break;
  }
  {
    /* Sizes beyond int64 would wrap in every model that multiplies them
    ** further; the models check their own products against the batch. */
    int ov = 0;
    macs_ck(l, &ov);
    in_elems_ck(l, &ov);
    out_elems_ck(l, &ov);
    weights_ck(l, &ov);
    if (ov)
      return sl_errf(e, "layer '%s': its sizes (elements, weights or MACs) overflow 64 bits",
                     l->name ? l->name : "?");
  }
  return 0;
}

static int64_t mul3(int *ov, int64_t a, int64_t b, int64_t c) {
  return ck_mul(ov, ck_mul(ov, a, b), c);
}

static int64_t macs_ck(const struct layer *l, int *ov) {
  int64_t g = l->type == LT_LSTM ? 4 : 3, h = l->out_c, s = l->seq, d = l->in_c;
  switch (l->type) {
  case LT_CONV:
    return ck_mul(ov, mul3(ov, l->out_h, l->out_w, l->out_c),
               mul3(ov, l->k_h, l->k_w, l->in_c / l->groups));
  case LT_FC: return mul3(ov, s, l->in_c, l->out_c);
  case LT_MATMUL: return ck_mul(ov, ck_mul(ov, l->count, s), ck_mul(ov, l->in_c, l->out_c));
  case LT_LSTM:
  case LT_GRU: return ck_mul(ov, mul3(ov, s, l->dirs, g), ck_mul(ov, h, ck_add(ov, l->in_c, h)));
  case LT_ATTENTION:
    return ck_add(ov, ck_mul(ov, ck_mul(ov, 4, s), ck_mul(ov, d, d)),
               ck_mul(ov, ck_mul(ov, 2, s), ck_mul(ov, l->kv < 1 ? s : l->kv, d)));
  default: return 0;
  }
}

static int64_t in_elems_ck(const struct layer *l, int *ov) {
  switch (l->type) {
  case LT_CONV:
  case LT_MAXPOOL:
  case LT_AVGPOOL: return mul3(ov, l->in_h, l->in_w, l->in_c);
  case LT_MATMUL:
    return ck_mul(ov, l->count,
                  ck_add(ov, ck_mul(ov, l->seq, l->in_c), ck_mul(ov, l->in_c, l->out_c)));
  case LT_ELTWISE:
    return ck_mul(ov, mul3(ov, l->count, l->in_h, l->in_w), ck_mul(ov, l->in_c, l->seq));
  default: return ck_mul(ov, l->seq, l->in_c);
  }
}

static int64_t out_elems_ck(const struct layer *l, int *ov) {
  switch (l->type) {
  case LT_CONV:
  case LT_MAXPOOL:
  case LT_AVGPOOL: return mul3(ov, l->out_h, l->out_w, l->out_c);
  case LT_MATMUL: return mul3(ov, l->count, l->seq, l->out_c);
  case LT_LSTM:
  case LT_GRU: return mul3(ov, l->seq, l->dirs, l->out_c);
  case LT_ELTWISE: return ck_mul(ov, mul3(ov, l->in_h, l->in_w, l->in_c), l->seq);
  default: return ck_mul(ov, l->seq, l->out_c);
  }
}

static int64_t weights_ck(const struct layer *l, int *ov) {
  int64_t g = l->type == LT_LSTM ? 4 : 3, h = l->out_c;
  switch (l->type) {
  case LT_CONV: return ck_mul(ov, mul3(ov, l->k_h, l->k_w, l->in_c / l->groups), l->out_c);
  case LT_FC: return ck_mul(ov, l->in_c, l->out_c);
  case LT_LSTM:
  case LT_GRU: return ck_mul(ov, mul3(ov, l->dirs, g, h), ck_add(ov, l->in_c, h));
  case LT_ATTENTION: return mul3(ov, 4, l->in_c, l->in_c);
  default: return 0;
  }
}

/* Every count of a finished layer fits in int64 (layer_finish checks). */
int64_t layer_macs(const struct layer *l) { int ov = 0; return macs_ck(l, &ov); }
int64_t layer_in_elems(const struct layer *l) { int ov = 0; return in_elems_ck(l, &ov); }
int64_t layer_out_elems(const struct layer *l) { int ov = 0; return out_elems_ck(l, &ov); }
int64_t layer_weights(const struct layer *l) { int ov = 0; return weights_ck(l, &ov); }

/* }=================================================================== */

/* {===================================================================
** References and parameters
** =================================================================== */

/* A parameter name: an identifier that fits a parameter slot. */
static int valid_name(const char *s, size_t n) { return n < NET_PARAM_NAME && sl_is_ident(s, n); }

static int param_find(const struct params *ps, const char *name, size_t n) {
  for (int i = 0; i < ps->n; i++)
    if (strlen(ps->p[i].name) == n && !strncmp(ps->p[i].name, name, n)) return i;
  return -1;
}

static void param_list(const struct params *ps, struct sl_err *e) {
  if (ps->n == 0) { sl_err_append(e, "none"); return; }
  for (int i = 0; i < ps->n; i++) sl_err_append(e, "%s%s", i ? ", " : "", ps->p[i].name);
}

/* Line `lineno` of a layer table as a `# ...` directive: the text after
** the '#' and its blanks, or NULL for a line that is no comment. A UTF-8
** byte order mark may start line 1. */
static char *directive(char *s, long lineno) {
  if (lineno == 1 && !strncmp(s, "\xEF\xBB\xBF", 3)) s += 3;
  while (*s == ' ' || *s == '\t') s++;
  if (*s != '#') return NULL;
  s++;
  while (*s == ' ' || *s == '\t') s++;
  return s;
}

/* The text after directive word `word` and its blanks, or NULL when the
** directive is another (a longer word included). */
static char *keyword(char *s, const char *word) {
  size_t n = strlen(word);
  if (strncmp(s, word, n) || (s[n] && !strchr(" \t\r\n", s[n]))) return NULL;
  s += n;
  while (*s == ' ' || *s == '\t') s++;
  return s;
}

/* Read the `# param NAME = DEFAULT` declarations of a layer table. They are
** comments to any CSV reader, so the file stays a plain CSV. */
static int read_param_decls(const char *path, struct params *ps, struct sl_err *e) {
  FILE *f = fopen(path, "r");
  char line[1024];
  long lineno = 0;
  int starts = 1;                        /* this chunk starts a line (long lines come in chunks) */
  ps->n = 0;
  ps->tokens = -1;
  ps->tokens_line = 0;
  ps->tokens_name[0] = 0;
  ps->prompt_given = 0;
  ps->gen = 0;
  if (!f) return 0;                      /* csv_open reports it */
  for (;;) {
    char *s = line, *name, *eq, *end;
    size_t n;
    int64_t v;
    int started = starts;
    memset(line, 0, sizeof line);        /* so a NUL byte inside cannot hide the newline */
    if (!fgets(line, sizeof line, f)) break;
    starts = memchr(line, '\n', sizeof line) != NULL;
    if (!started) continue;              /* csv_open refuses what is wrong with the line */
    lineno++;
    if (!(s = directive(s, lineno))) continue;
    if (!strncmp(s, "generate", 8) && (s[8] == ' ' || s[8] == '\t')) {
      /* `# generate PARAM`: the table is one forward pass of a decoder
      ** over PARAM tokens; the name is checked once all are declared. */
      name = s + 9;
      while (*name == ' ' || *name == '\t') name++;
      for (n = 0; name[n] && name[n] != ' ' && name[n] != '\t' && name[n] != '\r' &&
                  name[n] != '\n'; n++) {}
      if (!valid_name(name, n) || ps->tokens_line) {
        fclose(f);
        return sl_errf(e, "%s:%ld: %s", path, lineno,
                       ps->tokens_line ? "a second '# generate' line"
                                       : "expected '# generate PARAM' (the token count parameter)");
      }
      snprintf(ps->tokens_name, NET_PARAM_NAME, "%.*s", (int)n, name);
      ps->tokens_line = lineno;
      continue;
    }
    if (strncmp(s, "param", 5) || (s[5] != ' ' && s[5] != '\t')) continue;
    name = s + 5;
    while (*name == ' ' || *name == '\t') name++;
    for (n = 0; name[n] && name[n] != ' ' && name[n] != '\t' && name[n] != '='; n++) {}
    eq = name + n;
    while (*eq == ' ' || *eq == '\t') eq++;
    if (!valid_name(name, n) || *eq != '=') {
      fclose(f);
      return sl_errf(e, "%s:%ld: parameter declaration: expected '# param NAME = DEFAULT'",
                     path, lineno);
    }
    eq++;
    while (*eq == ' ' || *eq == '\t') eq++;
    for (end = eq; *end >= '0' && *end <= '9'; end++) {}
    {
      char num[32];
      size_t len = (size_t)(end - eq);
      snprintf(num, sizeof num, "%.*s", (int)(len < 31 ? len : 31), eq);
      if (len == 0 || len > 18 || sl_parse_i64(num, &v) < 0 || v < 1) {
        fclose(f);
        return sl_errf(e, "%s:%ld: parameter '%.*s': the default must be an integer >= 1",
                       path, lineno, (int)n, name);
      }
    }
    if (param_find(ps, name, n) >= 0 || ps->n == NET_MAX_PARAMS) {
      fclose(f);
      return sl_errf(e, "%s:%ld: parameter '%.*s': %s", path, lineno, (int)n, name,
                     ps->n == NET_MAX_PARAMS ? "too many parameters" : "declared twice");
    }
    snprintf(ps->p[ps->n].name, NET_PARAM_NAME, "%.*s", (int)n, name);
    ps->p[ps->n].value = v;
    ps->p[ps->n].given = 0;
    ps->n++;
  }
  fclose(f);
  if (ps->tokens_line &&
      (ps->tokens = param_find(ps, ps->tokens_name, strlen(ps->tokens_name))) < 0)
    return sl_errf(e, "%s:%ld: '# generate %s': no parameter '%s' is declared", path,
                   ps->tokens_line, ps->tokens_name, ps->tokens_name);
  return 0;
}

/* prompt=P and gen=G of a decoder table (`# generate PARAM`): prompt sets
** PARAM; gen counts decode steps and may be 0. */
static int generation_param(const char *ref, const char *k, size_t klen, const char *v,
                            size_t vlen, struct params *ps, struct sl_err *e) {
  int is_gen = klen == 3 && !strncmp(k, "gen", 3);
  int64_t x;
  char num[32];
  if (ps->tokens < 0)
    return sl_errf(e, "network '%s': parameter '%.*s' needs a decoder table (one that declares "
                      "'# generate PARAM', as gpt2_small)", ref, (int)klen, k);
  snprintf(num, sizeof num, "%.*s", (int)(vlen < 31 ? vlen : 31), v);
  if (vlen == 0 || vlen > 18 || sl_parse_i64(num, &x) < 0 || x < (is_gen ? 0 : 1))
    return sl_errf(e, "network '%s': parameter '%.*s': '%.*s' is not an integer >= %d", ref,
                   (int)klen, k, (int)vlen, v, is_gen ? 0 : 1);
  if (is_gen) ps->gen = x;
  else {
    if (ps->p[ps->tokens].given)
      return sl_errf(e, "network '%s': give prompt or %s, not both", ref, ps->tokens_name);
    ps->p[ps->tokens].value = x;
    ps->p[ps->tokens].given = 1;
    ps->prompt_given = 1;
  }
  return 0;
}

/* Apply "k=v;k=v" or "k=v,k=v" (the text between the brackets of a reference). */
static int apply_overrides(const char *ref, const char *s, size_t len, struct params *ps,
                           struct sl_err *e) {
  size_t i = 0;
  while (i < len) {
    size_t start = i, klen, vlen;
    const char *eq;
    int k;
    int64_t v;
    char num[32];
    while (i < len && s[i] != ';' && s[i] != ',') i++;
    eq = memchr(s + start, '=', i - start);
    if (!eq) return sl_errf(e, "network '%s': parameter '%.*s' needs NAME=VALUE", ref,
                            (int)(i - start), s + start);
    klen = (size_t)(eq - (s + start));
    vlen = i - start - klen - 1;
    if (param_find(ps, s + start, klen) < 0 &&
        ((klen == 6 && !strncmp(s + start, "prompt", 6)) ||
         (klen == 3 && !strncmp(s + start, "gen", 3)))) {
      if (generation_param(ref, s + start, klen, eq + 1, vlen, ps, e) < 0) return -1;
      i++;
      continue;
    }
    if ((k = param_find(ps, s + start, klen)) < 0) {
      sl_errf(e, "network '%s': unknown parameter '%.*s' (known: ", ref, (int)klen, s + start);
      param_list(ps, e);
      sl_err_append(e, ")");
      return -1;
    }
    snprintf(num, sizeof num, "%.*s", (int)(vlen < 31 ? vlen : 31), eq + 1);
    if (vlen == 0 || vlen > 18 || sl_parse_i64(num, &v) < 0 || v < 1)
      return sl_errf(e, "network '%s': parameter '%s': '%.*s' is not an integer >= 1", ref,
                     ps->p[k].name, (int)vlen, eq + 1);
    if (k == ps->tokens && ps->prompt_given)
      return sl_errf(e, "network '%s': give prompt or %s, not both", ref, ps->tokens_name);
    ps->p[k].value = v;
    ps->p[k].given = 1;
    i++;                                  /* skip the separator */
  }
  return 0;
}

static int is_path(const char *base, size_t n) {
  return memchr(base, '/', n) || (n > 4 && !strncmp(base + n - 4, ".csv", 4));
}

/* }=================================================================== */

/* {===================================================================
** Reading tables
** =================================================================== */

enum col {
  C_NAME, C_TYPE, C_IN_H, C_IN_W, C_IN_C, C_OUT_C, C_K_H, C_K_W, C_STRIDE, C_STRIDE_W, C_PAD,
  C_PAD_W, C_GROUPS, C_SEQ, C_HEADS, C_DIRS, C_COUNT, C_CEIL_MODE, C_KV, C_POST, C_NCOLS
};
static const char *const col_names[C_NCOLS] = {
    "name", "type", "in_h", "in_w", "in_c", "out_c", "k_h", "k_w", "stride", "stride_w", "pad",
    "pad_w", "groups", "seq", "heads", "dirs", "count", "ceil_mode", "kv", "post"};

/* Columns a layer type must give (bit per enum col). */
#define B(c) (1u << (c))
static const unsigned required[LT_NTYPES] = {
    [LT_CONV] = B(C_IN_H) | B(C_IN_W) | B(C_IN_C) | B(C_OUT_C) | B(C_K_H) | B(C_K_W),
    [LT_FC] = B(C_IN_C) | B(C_OUT_C),
    [LT_MATMUL] = B(C_IN_C) | B(C_OUT_C),
    [LT_LSTM] = B(C_IN_C) | B(C_OUT_C) | B(C_SEQ),
    [LT_GRU] = B(C_IN_C) | B(C_OUT_C) | B(C_SEQ),
    [LT_ATTENTION] = B(C_IN_C) | B(C_HEADS) | B(C_SEQ),
    [LT_MAXPOOL] = B(C_IN_H) | B(C_IN_W) | B(C_IN_C) | B(C_K_H) | B(C_K_W),
    [LT_AVGPOOL] = B(C_IN_H) | B(C_IN_W) | B(C_IN_C) | B(C_K_H) | B(C_K_W),
    [LT_ELTWISE] = B(C_IN_C),
};
#undef B

static struct layer *push_layer(struct network *net, struct sl_err *e) {
  struct layer *nl = sl_grow(net->layers, &net->cap, net->n + 1, sizeof *nl, e);
  if (!nl) return NULL;
  net->layers = nl;
  memset(&nl[net->n], 0, sizeof *nl);
  return &nl[net->n++];
}

/* A cell: empty (the default), an integer, or $PARAM, $PARAM*K or
** $PARAM/K (K a positive integer; / rounds down). */
static int cell_value(const struct csv *c, int col, const char *colname, const struct params *ps,
                      int64_t min, int64_t max, int64_t *out, int *given, struct sl_err *e) {
  const char *s = c->field[col];
  *given = *s != 0;
  if (!*s) return 0;
  if (*s == '$') {
    size_t n = strcspn(s + 1, "*/");
    int k = param_find(ps, s + 1, n);
    int64_t f = 1;
    char op = s[1 + n];
    if (k < 0) {
      sl_errf(e, "%s:%ld: column '%s': unknown parameter '$%.*s' (declared: ", c->path,
              c->lineno, colname, (int)n, s + 1);
      param_list(ps, e);
      sl_err_append(e, ")");
      return -1;
    }
    if (op && (sl_parse_i64(s + 2 + n, &f) < 0 || f < 1 || f > ((int64_t)1 << 31)))
      return sl_errf(e, "%s:%ld: column '%s': '%s' is not $PARAM, $PARAM*K or $PARAM/K",
                     c->path, c->lineno, colname, s);
    if (op != '*') *out = ps->p[k].value / f;
    else if (__builtin_mul_overflow(ps->p[k].value, f, out))
      return sl_errf(e, "%s:%ld: column '%s': '%s' overflows 64 bits", c->path, c->lineno,
                     colname, s);
  } else if (sl_parse_i64(s, out) < 0) {
    return sl_errf(e, "%s:%ld: column '%s': '%s' is not an integer", c->path, c->lineno,
                   colname, s);
  }
  if (*out < min || *out > max)
    return sl_errf(e, "%s:%ld: column '%s': %lld is out of range [%lld, %lld]", c->path,
                   c->lineno, colname, (long long)*out, (long long)min, (long long)max);
  return 0;
}

/* The `post` cell: post-op names joined by '+', each at most once. */
static int post_value(const struct csv *c, int col, unsigned *out, struct sl_err *e) {
  const char *s = c->field[col];
  *out = 0;
  while (*s) {
    size_t n = strcspn(s, "+");
    int k = -1;
    for (int i = 0; i < LP_NPOST; i++)
      if (strlen(layer_post_names[i]) == n && !strncmp(s, layer_post_names[i], n)) k = i;
    if (k < 0 || (*out >> k & 1u)) {
      sl_errf(e, "%s:%ld: column 'post': '%.*s' is %s (known:", c->path, c->lineno, (int)n, s,
              k < 0 ? "not a post-op" : "given twice");
      for (int i = 0; i < LP_NPOST; i++) sl_err_append(e, " %s", layer_post_names[i]);
      sl_err_append(e, ")");
      return -1;
    }
    *out |= 1u << k;
    s += n;
    if (*s == '+' && !*++s)
      return sl_errf(e, "%s:%ld: column 'post': ends with '+'", c->path, c->lineno);
  }
  return 0;
}

/* The native layer table: name,type and any of the other known columns. */
static int read_native(struct network *net, struct csv *c, const struct params *ps,
                       struct sl_err *e) {
  int ci[C_NCOLS];
  int r;
  for (int k = 0; k < C_NCOLS; k++) ci[k] = csv_col(c, col_names[k]);
  for (size_t i = 0; i < c->nheader; i++) {
    int known = 0;
    for (int k = 0; k < C_NCOLS; k++) known |= !strcmp(c->header[i], col_names[k]);
    if (!known) {
      sl_errf(e, "%s:%ld: column '%s': unknown column (known:", c->path, c->lineno, c->header[i]);
      for (int k = 0; k < C_NCOLS; k++) sl_err_append(e, " %s", col_names[k]);
      sl_err_append(e, ")");
      return -1;
    }
  }
  for (int k = 0; k < 2; k++)
    if (ci[k] < 0)
      return sl_errf(e, "%s:%ld: missing column '%s' (a layer table has name,type and shape "
                        "columns: see traces/networks/README.md)", c->path, c->lineno,
                     col_names[k]);
  while ((r = csv_next(c, e)) == 1) {
    struct layer *l;
    const char *type = c->field[ci[C_TYPE]];
    int64_t v[C_NCOLS];
    int t = -1;
    if (!*c->field[ci[C_NAME]])
      return sl_errf(e, "%s:%ld: column 'name': empty", c->path, c->lineno);
    for (int k = 0; k < LT_NTYPES; k++)
      if (!strcmp(type, layer_type_names[k])) t = k;
    if (t < 0) {
      sl_errf(e, "%s:%ld: column 'type': unknown layer type '%s' (known:", c->path, c->lineno,
              type);
      for (int k = 0; k < LT_NTYPES; k++) sl_err_append(e, " %s", layer_type_names[k]);
      sl_err_append(e, ")");
      return -1;
    }
    for (int k = C_IN_H; k < C_POST; k++) {
      int64_t min = 1, max = (int64_t)1 << 31;
      int given = 0;
      v[k] = 1;
      if (k == C_PAD || k == C_PAD_W || k == C_CEIL_MODE) { min = 0; v[k] = 0; }
      if (k == C_DIRS) max = 2;
      if (k == C_CEIL_MODE) max = 1;
      if (ci[k] >= 0 &&
          cell_value(c, ci[k], col_names[k], ps, min, max, &v[k], &given, e) < 0)
        return -1;
      if (!given && (required[t] >> k & 1u))
        return sl_errf(e, "%s:%ld: column '%s': required for a %s layer", c->path, c->lineno,
                       col_names[k], layer_type_names[t]);
    }
    if (!(l = push_layer(net, e))) return -1;
    l->type = (enum layer_type)t;
    l->lineno = c->lineno;
    l->in_h = v[C_IN_H];
    l->in_w = v[C_IN_W];
    l->in_c = v[C_IN_C];
    l->out_c = v[C_OUT_C];
    l->k_h = v[C_K_H];
    l->k_w = v[C_K_W];
    l->stride_h = v[C_STRIDE];
    l->stride_w = ci[C_STRIDE_W] >= 0 && *c->field[ci[C_STRIDE_W]] ? v[C_STRIDE_W] : v[C_STRIDE];
    l->pad_h = v[C_PAD];
    l->pad_w = ci[C_PAD_W] >= 0 && *c->field[ci[C_PAD_W]] ? v[C_PAD_W] : v[C_PAD];
    l->groups = v[C_GROUPS];
    l->seq = v[C_SEQ];
    l->heads = v[C_HEADS];
    l->dirs = v[C_DIRS];
    l->count = v[C_COUNT];
    l->ceil_mode = (int)v[C_CEIL_MODE];
    l->kv = ci[C_KV] >= 0 && *c->field[ci[C_KV]] ? v[C_KV] : l->seq;
    l->rule = OFMAP_FLOOR;
    if (ci[C_POST] >= 0 && post_value(c, ci[C_POST], &l->post, e) < 0) return -1;
    if (!(l->name = sl_strdup(c->field[ci[C_NAME]], e))) return -1;
    if (layer_finish(l, e) < 0) return sl_err_prefix(e, "%s:%ld", c->path, c->lineno);
  }
  return r;
}

int net_layer_scalesim(struct layer *l, const char *name, const int64_t v[8], struct sl_err *e) {
  memset(l, 0, sizeof *l);
  l->type = LT_CONV;
  l->rule = OFMAP_SCALESIM;
  l->in_h = v[0];
  l->in_w = v[1];
  l->k_h = v[2];
  l->k_w = v[3];
  l->in_c = v[4];
  l->out_c = v[5];
  l->stride_h = v[6];
  l->stride_w = v[7];
  l->groups = 1;
  l->seq = l->heads = l->dirs = l->count = 1;
  if (strstr(name, "DP")) {              /* SCALE-Sim: one layer per channel, each with
                                         ** `Num Filter` filters over that channel */
    l->groups = l->in_c;
    l->out_c = l->in_c * v[5];
  }
  if (l->k_h > l->in_h)
    return sl_errf(e, "column 'Filter Height': %lld is larger than the IFMAP height %lld",
                   (long long)l->k_h, (long long)l->in_h);
  if (l->k_w > l->in_w)
    return sl_errf(e, "column 'Filter Width': %lld is larger than the IFMAP width %lld",
                   (long long)l->k_w, (long long)l->in_w);
  if (!(l->name = sl_strdup(name, e))) return -1;
  return layer_finish(l, e);
}

/* A SCALE-Sim topology: conv rows (name, ifmap h, w, filter h, w, channels,
** filters, stride[, stride w]) or GEMM rows (name, M, N, K), by position as
** SCALE-Sim reads them; header names are not checked. */
static int read_scalesim(struct network *net, struct csv *c, int gemm, struct sl_err *e) {
  static const char *const conv_cols[9] = {
      "Layer name", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width",
      "Channels", "Num Filter", "Strides", "Stride Width"};
  static const char *const gemm_cols[4] = {"Layer", "M", "N", "K"};
  size_t need = gemm ? 4 : 8;
  int r;
  if (c->nheader < need)
    return sl_errf(e, "%s:%ld: a SCALE-Sim %s topology has %zu columns, this header has %zu",
                   c->path, c->lineno, gemm ? "GEMM" : "conv", need, c->nheader);
  while ((r = csv_next(c, e)) == 1) {
    int64_t v[8];
    struct layer *l;
    size_t ncol = gemm ? 4 : (c->nheader > 8 ? 9 : 8);
    for (size_t k = 1; k < ncol; k++) {
      const char *col = gemm ? gemm_cols[k] : conv_cols[k];
      int64_t x;
      if (sl_parse_i64(c->field[k], &x) < 0)
        return sl_errf(e, "%s:%ld: column '%s': '%s' is not an integer", c->path, c->lineno,
                       col, c->field[k]);
      if (x < 1 || x > ((int64_t)1 << 31))
        return sl_errf(e, "%s:%ld: column '%s': %lld is out of range [1, %lld]", c->path,
                       c->lineno, col, (long long)x, (long long)1 << 31);
      v[k - 1] = x;
    }
    if (!*c->field[0]) return sl_errf(e, "%s:%ld: column '%s': empty", c->path, c->lineno,
                                      gemm ? gemm_cols[0] : conv_cols[0]);
    if (!(l = push_layer(net, e))) return -1;
    if (gemm) {                          /* SCALE-Sim's conv encoding of an M x K by K x N GEMM */
      int64_t m = v[0], n = v[1], k = v[2];
      memset(l, 0, sizeof *l);
      if (!(l->name = sl_strdup(c->field[0], e))) return -1;
      l->type = LT_FC;
      l->seq = m;
      l->in_c = k;
      l->out_c = n;
      l->in_h = l->in_w = l->k_h = l->k_w = l->stride_h = l->stride_w = 1;
      l->groups = l->heads = l->dirs = l->count = 1;
      l->lineno = c->lineno;
      if (layer_finish(l, e) < 0) return sl_err_prefix(e, "%s:%ld", c->path, c->lineno);
      continue;
    }
    if (ncol == 8) v[7] = v[6];          /* one `Strides` value serves both directions */
    if (net_layer_scalesim(l, c->field[0], v, e) < 0) {
      net->n--;
      free(l->name);
      return sl_err_prefix(e, "%s:%ld", c->path, c->lineno);
    }
    l->lineno = c->lineno;
  }
  return r;
}

static int read_table(struct network *net, const char *path, const struct params *ps,
                      struct sl_err *e) {
  struct csv c;
  int r, scalesim, gemm;
  if (csv_open_flags(&c, path, CSV_TRAILING_COMMA, e) < 0) return -1;
  scalesim = !strcasecmp(c.header[0], "layer name") || !strcasecmp(c.header[0], "layer");
  gemm = scalesim && c.nheader >= 4 && !strcasecmp(c.header[1], "M") &&
         !strcasecmp(c.header[2], "N") && !strcasecmp(c.header[3], "K");
  r = scalesim ? read_scalesim(net, &c, gemm, e) : read_native(net, &c, ps, e);
  if (r == 0 && net->n == 0) r = sl_errf(e, "%s: no layer rows", path);
  csv_close(&c);
  return r;
}

/* The `# chunk after=LAYER[,LAYER...]` lines of a layer table: a chunk
** ends after each named layer (papers/pantheon.md §4). Read after the rows,
** so the names resolve; a name must name exactly one row. The same pass
** reads `# sdpa capture=...`, which marks the table's attention rows, and
** `# host gil=G`. */
static int read_chunk_decls(struct network *net, const char *path, struct sl_err *e) {
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  long lineno = 0;
  int rc = 0;
  if (!f) return 0;                      /* read_table reported it */
  while (rc == 0 && getline(&line, &cap, f) >= 0) {
    char *s = line, *item, *arg;
    lineno++;
    if (!(s = directive(s, lineno))) continue;
    if ((arg = keyword(s, "sdpa"))) {
      /* `# sdpa capture=math|fused`: which attention the framework's model
      ** code runs when its forward is captured in a CUDA graph (README). */
      size_t len;
      int math;
      s = arg;
      len = strcspn(s, " \t\r\n");
      if (len == 12 && !strncmp(s, "capture=math", 12)) math = 1;
      else if (len == 13 && !strncmp(s, "capture=fused", 13)) math = 0;
      else {
        rc = sl_errf(e, "%s:%ld: '# sdpa': expected '# sdpa capture=math' or "
                        "'# sdpa capture=fused'", path, lineno);
        break;
      }
      for (size_t i = 0; i < net->n; i++)
        if (net->layers[i].type == LT_ATTENTION) net->layers[i].sdpa_capture_math = math;
      continue;
    }
    if ((arg = keyword(s, "host"))) {
      /* `# host gil=G`: how much of its eager launch time the framework's
      ** model code holds the interpreter lock, which slows the launches of
      ** another thread of the process (gpu host=shared; README). */
      size_t len;
      s = arg;
      len = strcspn(s, " \t\r\n");
      if (s[len + strspn(s + len, " \t\r\n")]) len = 0;  /* more after G */
      s[len] = 0;
      if (strncmp(s, "gil=", 4) || sl_parse_double(s + 4, &net->host_gil) < 0 ||
          !(net->host_gil >= 0 && net->host_gil <= 1)) {
        rc = sl_errf(e, "%s:%ld: '# host': expected '# host gil=G' with G a number in [0, 1]",
                     path, lineno);
        break;
      }
      continue;
    }
    if (!(s = keyword(s, "chunk"))) continue;
    if (strncmp(s, "after=", 6) || !s[6] || s[6] == '\r' || s[6] == '\n') {
      rc = sl_errf(e, "%s:%ld: '# chunk': expected '# chunk after=LAYER[,LAYER...]'", path,
                   lineno);
      break;
    }
    s += 6;
    for (item = s; rc == 0 && item;) {
      char *comma = strchr(item, ','), *end;
      size_t hits = 0, at = 0;
      if (comma) *comma = 0;
      end = item + strlen(item);
      while (*item == ' ' || *item == '\t') item++;
      while (end > item && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
                            end[-1] == '\n'))
        *--end = 0;
      for (size_t i = 0; i < net->n; i++)
        if (!strcmp(net->layers[i].name, item)) hits++, at = i;
      if (hits != 1)
        rc = sl_errf(e, "%s:%ld: '# chunk after': %s layer '%s'", path, lineno,
                     hits ? "more than one row names" : "the table has no", item);
      else
        net->layers[at].chunk_end = 1;
      net->chunked = 1;
      item = comma ? comma + 1 : NULL;
    }
  }
  free(line);
  fclose(f);
  return rc < 0 ? -1 : 0;
}

/* The G decode steps of a decoder table after its prefill (net holds the
** table at PARAM = P): the table read again at PARAM = 1 is one step; step
** i's attention rows attend to the prefill's keys and i more (the tokens
** generated before it and its own). Copies share the prefill rows' names,
** so a step costs one struct layer per row. */
static int add_decode_steps(struct network *net, const char *path, struct params *ps,
                            struct sl_err *e) {
  struct network step;
  size_t n0 = net->n;
  struct layer *nl;
  int r;
  if (ps->gen > (int64_t)((NET_MAX_LAYERS - n0) / n0))
    return sl_errf(e, "network '%s': gen=%lld decode steps of %zu rows pass %zu layer rows "
                      "(at most gen=%zu here)", net->ref, (long long)ps->gen, n0,
                   (size_t)NET_MAX_LAYERS, (NET_MAX_LAYERS - n0) / n0);
  memset(&step, 0, sizeof step);
  ps->p[ps->tokens].value = 1;
  if ((r = read_table(&step, path, ps, e)) != 0) { net_free(&step); return r; }
  if (step.n != n0) {
    net_free(&step);
    return sl_errf(e, "%s: the file changed while it was read", path);
  }
  if (!(nl = sl_grow(net->layers, &net->cap, n0 * (size_t)(ps->gen + 1), sizeof *nl, e))) {
    net_free(&step);
    return -1;
  }
  net->layers = nl;
  for (int64_t i = 1; i <= ps->gen; i++)
    for (size_t j = 0; j < n0; j++) {
      struct layer *l = &net->layers[net->n++];
      *l = step.layers[j];
      l->name = net->layers[j].name;
      l->name_shared = 1;
      l->chunk_end = net->layers[j].chunk_end;
      l->sdpa_capture_math = net->layers[j].sdpa_capture_math;
      l->step = i;
      if (l->type == LT_ATTENTION) l->kv = net->layers[j].kv + i;
      if (layer_finish(l, e) < 0) {
        net_free(&step);
        return sl_err_prefix(e, "%s:%ld: decode step %lld", path, l->lineno, (long long)i);
      }
    }
  net_free(&step);
  return 0;
}

static const char *zoo_dir(char *buf, size_t n) {
  char home[1024];
  snprintf(buf, n, "%s/traces/networks", sl_home(home, sizeof home));
  return buf;
}

static void append_name(void *ud, const char *name) {
  struct sl_err *e = ud;
  sl_err_append(e, " %s", name);
}

int net_load(struct network *net, const char *ref, struct sl_err *e) {
  const char *br = strchr(ref, '[');
  size_t blen = br ? (size_t)(br - ref) : strlen(ref);
  char path[2048], dir[1100];
  struct params ps;
  struct stat st;
  memset(net, 0, sizeof *net);
  net->host_gil = -1;
  if (!(net->ref = sl_strdup(ref, e))) return -1;
  if (br && (ref[strlen(ref) - 1] != ']' || strchr(br + 1, '[')))
    return sl_errf(e, "network '%s': parameters are written NAME[k=v;k=v]", ref);
  if (blen == 0) return sl_errf(e, "network '%s': no name", ref);
  if (is_path(ref, blen)) {
    snprintf(path, sizeof path, "%.*s", (int)blen, ref);
    if (stat(path, &st) != 0) {
      sl_errf(e, "unknown network '%s' (no such file)", path);
      return 1;
    }
  } else {
    snprintf(path, sizeof path, "%s/%.*s.csv", zoo_dir(dir, sizeof dir), (int)blen, ref);
    if (stat(path, &st) != 0) {
      sl_errf(e, "unknown network '%.*s' (no traces/networks/%.*s.csv; the zoo has:", (int)blen,
              ref, (int)blen, ref);
      net_zoo_list(append_name, e);
      sl_err_append(e, ")");
      return 1;
    }
  }
  if (!(net->path = sl_strdup(path, e))) return -1;
  if (read_param_decls(path, &ps, e) < 0) return -1;
  if (br && apply_overrides(ref, br + 1, strlen(br + 1) - 1, &ps, e) < 0) return -1;
  {
    int r = read_table(net, path, &ps, e);
    if (r == 0) r = read_chunk_decls(net, path, e);
    if (r != 0 || ps.gen == 0) return r;
  }
  return add_decode_steps(net, path, &ps, e);
}

void net_free(struct network *net) {
  for (size_t i = 0; i < net->n; i++)
    if (!net->layers[i].name_shared) free(net->layers[i].name);
  free(net->layers);
  free(net->ref);
  free(net->path);
  memset(net, 0, sizeof *net);
}

static int csv_entry(const struct dirent *d) {
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".csv");
}

int net_zoo_list(void (*cb)(void *ud, const char *name), void *ud) {
  char dir[1100], name[256];
  struct dirent **list;
  int n = scandir(zoo_dir(dir, sizeof dir), &list, csv_entry, alphasort);
  if (n < 0) return -1;
  for (int i = 0; i < n; i++) {
    snprintf(name, sizeof name, "%.*s", (int)strlen(list[i]->d_name) - 4, list[i]->d_name);
    cb(ud, name);
    free(list[i]);
  }
  free(list);
  return 0;
}

/* }=================================================================== */
