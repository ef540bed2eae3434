/*
** network.h — layer tables: the device-independent description of a
** network, read from traces/networks/NAME.csv (the zoo), from any layer
** table given by path, or from a SCALE-Sim topology file. Every device kind
** lowers the same layers its own way. Format: traces/networks/README.md.
*/
#ifndef NETWORK_H
#define NETWORK_H

#include "device.h"

enum layer_type {
  LT_CONV = 0,             /* 2-D convolution, grouped (depthwise when groups = in_c) */
  LT_FC,                   /* fully connected, applied to `seq` vectors per sample */
  LT_MATMUL,               /* `count` products of two activations, (seq x in_c)(in_c x out_c) */
  LT_LSTM,                 /* `seq` time steps, hidden size out_c, `dirs` directions */
  LT_GRU,                  /* idem, three gates */
  LT_ATTENTION,            /* multi-head self-attention over `seq` tokens of width in_c */
  LT_MAXPOOL,
  LT_AVGPOOL,
  LT_ELTWISE,              /* element-wise work: residual add, activation, norm, softmax */
  LT_NTYPES
};
extern const char *const layer_type_names[LT_NTYPES];

/* Element-wise work a framework runs after a layer as kernels of their own
** (column `post`, e.g. "bn+relu"); the NPU folds them into the layer, the
** GPU model launches them (docs/gpu_model.md). One bit each. */
enum layer_post {
  LP_BIAS = 0,             /* a bias add the layer's own kernel does not fuse (cuDNN convs) */
  LP_BN,                   /* batch norm, inference */
  LP_RELU, LP_RELU6, LP_SILU, LP_GELU, LP_SIGMOID, LP_TANH,
  LP_NPOST
};
extern const char *const layer_post_names[LP_NPOST];

/* How a convolution's output size follows from its input. */
enum ofmap_rule {
  OFMAP_FLOOR = 0,         /* floor((in + 2 pad - k) / stride) + 1, or ceil with ceil_mode */
  OFMAP_SCALESIM           /* SCALE-Sim: ceil((in - k + stride) / stride), no padding */
};

struct layer {
  char *name;
  enum layer_type type;
  int64_t in_h, in_w, in_c;       /* input: rows, columns, channels (features); elements */
  int64_t out_h, out_w, out_c;    /* output; out_h, out_w derived for conv and pooling */
  int64_t k_h, k_w;               /* kernel, elements */
  int64_t stride_h, stride_w;     /* elements */
  int64_t pad_h, pad_w;           /* zero padding on each side, elements */
  int64_t groups;                 /* conv: channel groups (1: dense, in_c: depthwise) */
  int64_t seq;                    /* per sample: vectors of an fc or matmul, tokens, time steps */
  int64_t heads;                  /* attention heads */
  int64_t dirs;                   /* lstm/gru: 1 or 2 (bidirectional) */
  int64_t count;                  /* matmul: products per sample; eltwise: element passes */
  int64_t kv;                     /* attention: keys (and values) each token attends to; = seq,
                                  ** or more for a decode step reading a KV cache */
  int64_t step;                   /* 0, or the decode step (1..gen) the layer belongs to: the
                                  ** consecutive layers of one step may run as one segment */
  int name_shared;                /* name belongs to another layer (decode copies): not freed */
  int ceil_mode;                  /* pooling rounds the output size up */
  int chunk_end;                  /* `# chunk after=` names it: a chunk ends after it */
  int sdpa_capture_math;          /* attention under `# sdpa capture=math`: in a captured CUDA
                                  ** graph the framework runs PyTorch's math SDPA path */
  unsigned post;                  /* bit (1u << enum layer_post) per post-op, in table order */
  enum ofmap_rule rule;
  long lineno;                    /* defining line, for messages */
};

struct network {
  char *ref;               /* as given: "bert_base[seq=384]", a path, ... */
  char *path;              /* the file it was read from */
  struct layer *layers;
  size_t n, cap;
  int chunked;             /* a `# chunk after=` line declares chunk ends (layer.chunk_end) */
  double host_gil;         /* `# host gil=G`: share of the eager host time that holds the
                           ** interpreter lock; -1 when the table declares none */
};

/* Decode steps of one parametric LLM request are capped so that a network
** stays a few hundred MB of layer rows at most while it compiles. */
#define NET_MAX_LAYERS ((size_t)1 << 21)

/* Load the network a reference names: NAME[k=v;k=v] with NAME a zoo name
** (traces/networks/NAME.csv under sl_home()) or a path to a .csv file (a
** layer table, or a SCALE-Sim topology). Returns 0; 1 with a message when
** no such network exists; -1 on a malformed table
** ("FILE:LINE: column 'x': why") or a bad parameter. Parameters are
** separated by ';' or ','. A table that declares `# generate PARAM` (a
** decoder, as gpt2_small) also takes prompt=P and gen=G: the table at
** PARAM = P (the prefill), then G decode steps, each the table at PARAM = 1
** whose attention rows attend to P + i keys (step i = 1..G), their layers
** marked with `step` = i (traces/networks/README.md). */
int net_load(struct network *net, const char *ref, struct sl_err *e);
void net_free(struct network *net);

/* One SCALE-Sim topology row as a layer (conv encoding: ifmap h x w, filter
** fh x fw, channels, filters, strides; a name containing "DP" is a
** depthwise layer, as SCALE-Sim reads it). */
int net_layer_scalesim(struct layer *l, const char *name, const int64_t v[8], struct sl_err *e);
/* Fill the derived output size of a layer and check its shape; 0 or -1 with
** a message (without file and line). */
int layer_finish(struct layer *l, struct sl_err *e);

/* Multiply-accumulates of one sample through the layer (GEMM work only:
** pooling and element-wise layers count 0). */
int64_t layer_macs(const struct layer *l);
/* Elements of one sample's input and output activations. */
int64_t layer_in_elems(const struct layer *l);
int64_t layer_out_elems(const struct layer *l);
/* Weights (parameters) of the layer, elements. */
int64_t layer_weights(const struct layer *l);

/* Call cb(ud, name) for each network of the zoo, sorted; returns -1 when
** the zoo directory cannot be read. */
int net_zoo_list(void (*cb)(void *ud, const char *name), void *ud);

#endif
