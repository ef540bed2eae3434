/*
** test_network.c — layer tables: the zoo's shapes (layer counts and MAC
** totals against published figures), parameters and references, output
** sizes (padding, ceil mode, SCALE-Sim's rule), SCALE-Sim topology files.
*/
#include "network.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

static int64_t total_macs(const struct network *n) {
  int64_t m = 0;
  for (size_t i = 0; i < n->n; i++) m += layer_macs(&n->layers[i]);
  return m;
}

static size_t count_type(const struct network *n, enum layer_type t) {
  size_t k = 0;
  for (size_t i = 0; i < n->n; i++) k += n->layers[i].type == t;
  return k;
}

/* Published MAC totals (torchvision's model tables, the MobileNet and BERT
** papers): within `tol` (relative). */
static void zoo_macs(const char *name, double want, double tol) {
  struct network n;
  struct sl_err e;
  int r = net_load(&n, name, &e);
  double got = r == 0 ? (double)total_macs(&n) : 0;
  TEST(r == 0 && got > want * (1 - tol) && got < want * (1 + tol),
       "zoo-1 %s: %.4g MACs, published %.4g (%s)", name, got, want, r ? e.msg : "ok");
  net_free(&n);
}

static void test_zoo(void) {
  struct network n;
  struct sl_err e;
  zoo_macs("alexnet", 0.714e9, 0.01);
  zoo_macs("vgg16", 15.47e9, 0.01);
  zoo_macs("resnet50", 4.09e9, 0.01);
  zoo_macs("mobilenet_v1", 0.569e9, 0.01);
  zoo_macs("mobilenet_v2", 0.30e9, 0.02);
  zoo_macs("googlenet", 1.50e9, 0.04);     /* torchvision's 1.50 counts more than conv + fc */
  zoo_macs("bert_base", 11.2e9, 0.01);
  TEST(net_load(&n, "resnet50", &e) == 0 && count_type(&n, LT_CONV) == 53 &&
       count_type(&n, LT_FC) == 1 && n.layers[0].out_h == 112,
       "zoo-2.1: resnet50: 53 conv + 1 fc, conv1 112x112");
  net_free(&n);
  TEST(net_load(&n, "vgg16", &e) == 0 && count_type(&n, LT_CONV) == 13 &&
       count_type(&n, LT_FC) == 3, "zoo-2.2: vgg16: 13 conv + 3 fc");
  net_free(&n);
  /* googlenet's max pools round up: 112 -> 56 with k 3, s 2 (floor: 55). */
  TEST(net_load(&n, "googlenet", &e) == 0 && n.layers[1].type == LT_MAXPOOL &&
       n.layers[1].out_h == 56, "zoo-2.3: googlenet ceil-mode pooling");
  net_free(&n);
  /* seq is a parameter: 128 by default, 384 when asked. */
  TEST(net_load(&n, "bert_base", &e) == 0 && n.layers[1].type == LT_ATTENTION &&
       n.layers[1].seq == 128, "zoo-3.1: bert_base seq defaults to 128");
  net_free(&n);
  TEST(net_load(&n, "bert_base[seq=384]", &e) == 0 && n.layers[1].seq == 384,
       "zoo-3.2: bert_base[seq=384]");
  net_free(&n);
  /* lstm_speech's pyramid: $seq, $seq/2, $seq/4 steps; 8 frames -> 8, 4, 2. */
  TEST(net_load(&n, "lstm_speech[seq=8]", &e) == 0 && n.layers[0].seq == 8 &&
       n.layers[1].seq == 4 && n.layers[2].seq == 2 && n.layers[0].dirs == 2,
       "zoo-3.3: lstm_speech pyramid");
  net_free(&n);
  TEST(net_load(&n, "bert_base[seq=1;x=2]", &e) < 0 && strstr(e.msg, "unknown parameter 'x'"),
       "zoo-3.4: %s", e.msg);
  net_free(&n);
  TEST(net_load(&n, "bert_base[seq=1", &e) < 0 && strstr(e.msg, "NAME[k=v;k=v]"),
       "zoo-3.5: %s", e.msg);
  net_free(&n);
  TEST(net_load(&n, "resnet51", &e) == 1 && strstr(e.msg, "unknown network 'resnet51'") &&
       strstr(e.msg, "resnet50"), "zoo-3.6: unknown names list the zoo");
  net_free(&n);
}

static void test_shapes(void) {
  struct layer l;
  struct sl_err e;
  int64_t v[8] = {56, 56, 1, 1, 256, 128, 2, 2};
  memset(&l, 0, sizeof l);
  /* 7x7 stride 2 pad 3 over 224: floor((224 + 6 - 7) / 2) + 1 = 112. */
  l.type = LT_CONV;
  l.in_h = l.in_w = 224; l.in_c = 3; l.out_c = 64; l.k_h = l.k_w = 7;
  l.stride_h = l.stride_w = 2; l.pad_h = l.pad_w = 3; l.groups = 1;
  TEST(layer_finish(&l, &e) == 0 && l.out_h == 112 && l.out_w == 112, "shape-1: conv out 112");
  /* 118 M MACs: 112 x 112 x 64 x 147. */
  TEST_EQ_I64(layer_macs(&l), 112LL * 112 * 64 * 147, "shape-2: conv MACs");
  /* SCALE-Sim's rule without padding: ceil((56 - 1 + 2) / 2) = 29 (a real
  ** conv gives 28); its CB3a_1 has M = 841 = 29 x 29. */
  TEST(net_layer_scalesim(&l, "CB3a_1", v, &e) == 0 && l.out_h == 29 && l.out_w == 29,
       "shape-3: SCALE-Sim output size");
  free(l.name);
  /* A "DP" layer is split per channel: groups = channels. */
  v[4] = 32; v[5] = 1; v[6] = v[7] = 1;
  TEST(net_layer_scalesim(&l, "Conv_DP_1", v, &e) == 0 && l.groups == 32 && l.out_c == 32,
       "shape-4: SCALE-Sim depthwise");
  free(l.name);
}

static void test_scalesim_file(void) {
  struct network n;
  struct sl_err e;
  FILE *f = fopen("topo_unit.csv", "w");
  fputs("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
        "Num Filter, Strides,\nConv1, 224, 224, 11, 11, 3, 96, 4,\nConv2,27,27,5,5,96,256,1,\n", f);
  fclose(f);
  /* AlexNet's first layer, as SCALE-Sim sees it: 55 x 55 out (3025 px). */
  TEST(net_load(&n, "topo_unit.csv", &e) == 0 && n.n == 2 && n.layers[0].out_h == 55 &&
       n.layers[1].out_h == 23 && !strcmp(n.layers[1].name, "Conv2"),
       "topo-1: SCALE-Sim conv topology: %s", e.msg);
  net_free(&n);
  f = fopen("topo_unit.csv", "w");
  fputs("Layer, M, N, K,\nG1, 256, 128, 2048,\n", f);
  fclose(f);
  /* A GEMM row M x K by K x N: an fc over M vectors. */
  TEST(net_load(&n, "topo_unit.csv", &e) == 0 && n.layers[0].type == LT_FC &&
       n.layers[0].seq == 256 && n.layers[0].in_c == 2048 && n.layers[0].out_c == 128,
       "topo-2: SCALE-Sim GEMM topology");
  net_free(&n);
  remove("topo_unit.csv");
}

/* A decoder table small enough to count by hand: hidden 8, 2 heads, an
** fc 8 -> 16 per token, a head 8 -> 10 on the last token.
** MACs at S tokens attending to K keys:
**   attn 4 S 8^2 + 2 S K 8 = 256 S + 16 S K;  ffn S 8 16 = 128 S;  head 80.
** tiny[prompt=3,gen=2]:
**   prefill (S 3, K 3): 768 + 144 + 384 + 80       = 1376
**   step 1  (S 1, K 4): 256 +  64 + 128 + 80       =  528
**   step 2  (S 1, K 5): 256 +  80 + 128 + 80       =  544
**   total                                            2448 */
static void test_decode(void) {
  struct network n, m;
  struct sl_err e;
  int64_t steps[9] = {0, 0, 0, 1, 1, 1, 2, 2, 2}, kvs[3] = {3, 4, 5};
  int ok = 1;
  FILE *f = fopen("dec_unit.csv", "w");
  fputs("# param seq = 4   tokens\n# generate seq\nname,type,in_c,out_c,seq,heads\n"
        "attn,attention,8,,$seq,2\nffn,fc,8,16,$seq,\nhead,fc,8,10,,\n", f);
  fclose(f);
  TEST(net_load(&n, "dec_unit.csv[prompt=3,gen=2]", &e) == 0 && n.n == 9,
       "dec-1: prefill + 2 steps of 3 rows: %s", e.msg);
  TEST_EQ_I64(n.n == 9 ? total_macs(&n) : 0, 2448, "dec-2: MACs by hand");
  for (size_t i = 0; i < n.n && i < 9; i++) {
    ok &= n.layers[i].step == steps[i];
    ok &= n.layers[i].seq == (i < 3 ? (i == 2 ? 1 : 3) : 1);
    if (n.layers[i].type == LT_ATTENTION) ok &= n.layers[i].kv == kvs[i / 3];
  }
  TEST(ok && n.n == 9 && !strcmp(n.layers[6].name, "attn"),
       "dec-3: steps, one token per step, keys 3, 4, 5, names shared");
  net_free(&n);
  /* ';' and ',' separate parameters alike; gen=0 is the prefill alone, the
  ** table at seq = prompt. */
  TEST(net_load(&n, "dec_unit.csv[prompt=3;gen=2]", &e) == 0 && total_macs(&n) == 2448,
       "dec-4: ';' separator");
  net_free(&n);
  TEST(net_load(&n, "dec_unit.csv[prompt=3,gen=0]", &e) == 0 &&
       net_load(&m, "dec_unit.csv[seq=3]", &e) == 0 && n.n == 3 && total_macs(&n) == 1376 &&
       total_macs(&m) == 1376, "dec-5: gen=0 is seq=prompt");
  net_free(&n);
  net_free(&m);
  TEST(net_load(&n, "dec_unit.csv[prompt=3,seq=3]", &e) < 0 && strstr(e.msg, "not both"),
       "dec-6: %s", e.msg);
  net_free(&n);
  TEST(net_load(&n, "dec_unit.csv[gen=-1]", &e) < 0 && strstr(e.msg, "integer >= 0"),
       "dec-7: %s", e.msg);
  net_free(&n);
  TEST(net_load(&n, "bert_base[prompt=3,gen=2]", &e) < 0 && strstr(e.msg, "decoder table"),
       "dec-8: an encoder has no decode: %s", e.msg);
  net_free(&n);
  TEST(net_load(&n, "dec_unit.csv[gen=100000000]", &e) < 0 && strstr(e.msg, "layer rows"),
       "dec-9: %s", e.msg);
  net_free(&n);
  f = fopen("dec_unit.csv", "w");
  fputs("# generate tokens\nname,type,in_c\nx,eltwise,8\n", f);
  fclose(f);
  TEST(net_load(&n, "dec_unit.csv", &e) < 0 && strstr(e.msg, "dec_unit.csv:1:") &&
       strstr(e.msg, "no parameter 'tokens'"), "dec-10: %s", e.msg);
  net_free(&n);
  remove("dec_unit.csv");
  /* gpt2_small: the zoo's decoder. Step i attends 128 + i keys; its MACs
  ** are 12 (4 x 768^2 + 2 (128 + i) 768 + 2 x 768 x 3072) + 768 x 50257. */
  {
    int64_t want = 0;
    TEST(net_load(&m, "gpt2_small[seq=128]", &e) == 0, "dec-11a");
    want = total_macs(&m);
    for (int64_t i = 1; i <= 4; i++)
      want += 12 * (4 * 768 * 768 + 2 * (128 + i) * 768 + 2 * 768 * 3072) + 768 * 50257;
    TEST(net_load(&n, "gpt2_small[prompt=128,gen=4]", &e) == 0 && n.n == 5 * m.n,
         "dec-11b: gpt2_small[prompt=128,gen=4]: %s", e.msg);
    TEST_EQ_I64(total_macs(&n), want, "dec-11c: gpt2_small decode MACs");
    net_free(&n);
    net_free(&m);
  }
}

int main(void) {
  test_zoo();
  test_shapes();
  test_scalesim_file();
  test_decode();
  return test_done();
}
