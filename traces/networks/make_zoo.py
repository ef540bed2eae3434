#!/usr/bin/env python3
"""make_zoo.py — writes the layer tables of traces/networks/ (the zoo).

Run from anywhere: python3 traces/networks/make_zoo.py. It rewrites every
NAME.csv it knows, deterministically; commit the result. The format is
documented in traces/networks/README.md. Shapes follow the sources named in
each file's header (torchvision for the CNNs); MAC totals are printed so
that they can be checked against published figures.
"""

import os

COLS = ["name", "type", "in_h", "in_w", "in_c", "out_c", "k_h", "k_w", "stride", "pad",
        "groups", "seq", "heads", "dirs", "count", "ceil_mode", "post"]


def out_size(n, k, s, p, ceil=False):
    span = n + 2 * p - k
    return (-(-span // s) if ceil else span // s) + 1


class Net:
    def __init__(self, name, doc, params=None):
        self.name, self.doc, self.params, self.rows = name, doc, params or [], []
        self.generate = None                # the token parameter of a decoder (`# generate`)
        self.h = self.w = self.c = None     # current activation shape (CNNs)

    def row(self, **kw):
        self.rows.append(kw)

    # --- CNN helpers: track the activation shape ---------------------------
    def input(self, h, w, c):
        self.h, self.w, self.c = h, w, c

    def conv(self, name, out_c, k, s=1, p=None, groups=1, src=None, post=""):
        h, w, c = src if src else (self.h, self.w, self.c)
        p = k // 2 if p is None else p
        self.row(name=name, type="conv", in_h=h, in_w=w, in_c=c, out_c=out_c, k_h=k, k_w=k,
                 stride=s, pad=p, groups=groups, post=post)
        self.h, self.w, self.c = out_size(h, k, s, p), out_size(w, k, s, p), out_c
        return (self.h, self.w, self.c)

    def pool(self, name, kind, k, s, p=0, ceil=False, src=None):
        h, w, c = src if src else (self.h, self.w, self.c)
        self.row(name=name, type=kind, in_h=h, in_w=w, in_c=c, k_h=k, k_w=k, stride=s, pad=p,
                 ceil_mode=1 if ceil else "")
        self.h, self.w = out_size(h, k, s, p, ceil), out_size(w, k, s, p, ceil)
        return (self.h, self.w, self.c)

    def add(self, name, inputs=2, post=""):
        self.row(name=name, type="eltwise", in_h=self.h, in_w=self.w, in_c=self.c, count=inputs,
                 post=post)

    def fc(self, name, i, o, seq="", post=""):
        self.row(name=name, type="fc", in_c=i, out_c=o, seq=seq, post=post)

    def write(self, path):
        with open(path, "w") as f:
            for line in self.doc.strip().split("\n"):
                f.write(("# " + line).rstrip() + "\n")
            for p, v, what in self.params:
                f.write("# param %s = %d   %s\n" % (p, v, what))
            if self.generate:
                f.write("# generate %s   NAME[prompt=P,gen=G]: prefill at P, G decode steps\n"
                        % self.generate)
            f.write(",".join(COLS) + "\n")
            for r in self.rows:
                f.write(",".join(str(r.get(c, "")) for c in COLS) + "\n")


def macs(r, params):
    def v(c, d=1):
        x = r.get(c, "")
        if x == "":
            return d
        if isinstance(x, str) and x.startswith("$"):
            for op in "*/":
                if op in x:
                    name, k = x[1:].split(op)
                    return params[name] * int(k) if op == "*" else params[name] // int(k)
            return params[x[1:]]
        return int(x)
    t = r["type"]
    if t == "conv":
        oh = out_size(v("in_h"), v("k_h"), v("stride"), v("pad", 0))
        ow = out_size(v("in_w"), v("k_w"), v("stride"), v("pad", 0))
        return oh * ow * v("out_c") * v("k_h") * v("k_w") * v("in_c") // v("groups")
    if t == "fc":
        return v("seq") * v("in_c") * v("out_c")
    if t == "matmul":
        return v("count") * v("seq") * v("in_c") * v("out_c")
    if t in ("lstm", "gru"):
        g, h = (4 if t == "lstm" else 3), v("out_c")
        return v("seq") * v("dirs") * g * h * (v("in_c") + h)
    if t == "attention":
        s, d = v("seq"), v("in_c")
        return 4 * s * d * d + 2 * s * s * d
    return 0


# --------------------------------------------------------------------------
# CNNs (torchvision layouts, 224 x 224 x 3 input). Activations, batch norm and
# a conv's bias are not layers: the `post` column names them (the NPU folds
# them; the GPU model launches the kernels PyTorch eager runs for them).
# Dropout is free in inference.

def alexnet():
    n = Net("alexnet", """
alexnet — torchvision.models.alexnet (the one-tower variant of Krizhevsky et al.
2012, "One weird trick", arXiv:1404.5997): 5 conv, 3 maxpool, 3 fc.
Reference: torchvision reports 0.71 GFLOPS (multiply-accumulates).""")
    n.input(224, 224, 3)
    br = "bias+relu"
    n.conv("conv1", 64, 11, 4, 2, post=br); n.pool("pool1", "maxpool", 3, 2)
    n.conv("conv2", 192, 5, 1, 2, post=br); n.pool("pool2", "maxpool", 3, 2)
    n.conv("conv3", 384, 3, post=br); n.conv("conv4", 256, 3, post=br)
    n.conv("conv5", 256, 3, post=br)
    n.pool("pool5", "maxpool", 3, 2)
    n.fc("fc6", 256 * 6 * 6, 4096, post="relu"); n.fc("fc7", 4096, 4096, post="relu")
    n.fc("fc8", 4096, 1000)
    return n


def vgg16():
    n = Net("vgg16", """
vgg16 — torchvision.models.vgg16 (Simonyan & Zisserman 2015, configuration D):
13 conv 3x3, 5 maxpool, 3 fc. Reference: torchvision reports 15.47 GFLOPS (MACs).""")
    n.input(224, 224, 3)
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    i = b = 1
    for x in cfg:
        if x == "M":
            n.pool("pool%d" % b, "maxpool", 2, 2); b += 1; i = 1
        else:
            n.conv("conv%d_%d" % (b, i), x, 3, post="bias+relu"); i += 1
    n.fc("fc6", 512 * 7 * 7, 4096, post="relu"); n.fc("fc7", 4096, 4096, post="relu")
    n.fc("fc8", 4096, 1000)
    return n


BR, BR6 = "bn+relu", "bn+relu6"


def googlenet():
    n = Net("googlenet", """
googlenet — torchvision.models.googlenet (Szegedy et al. 2015, Inception v1),
inference (no auxiliary classifiers). As in torchvision, the third branch of an
inception block uses a 3x3 conv, and the max pools round up (ceil_mode).
57 conv, 14 maxpool, 1 avgpool, 1 fc. Reference: torchvision reports 1.50 GFLOPS (MACs).""")
    n.input(224, 224, 3)
    n.conv("conv1", 64, 7, 2, 3, post=BR); n.pool("maxpool1", "maxpool", 3, 2, 0, True)
    n.conv("conv2", 64, 1, post=BR); n.conv("conv3", 192, 3, post=BR)
    n.pool("maxpool2", "maxpool", 3, 2, 0, True)

    def inception(name, c1, c3r, c3, c5r, c5, pp):
        src = (n.h, n.w, n.c)
        n.conv(name + ".b1", c1, 1, src=src, post=BR)
        n.conv(name + ".b2a", c3r, 1, src=src, post=BR); n.conv(name + ".b2b", c3, 3, post=BR)
        n.conv(name + ".b3a", c5r, 1, src=src, post=BR); n.conv(name + ".b3b", c5, 3, post=BR)
        n.pool(name + ".b4pool", "maxpool", 3, 1, 1, True, src=src)
        n.conv(name + ".b4", pp, 1, post=BR)
        n.h, n.w, n.c = src[0], src[1], c1 + c3 + c5 + pp

    inception("inception3a", 64, 96, 128, 16, 32, 32)
    inception("inception3b", 128, 128, 192, 32, 96, 64)
    n.pool("maxpool3", "maxpool", 3, 2, 0, True)
    inception("inception4a", 192, 96, 208, 16, 48, 64)
    inception("inception4b", 160, 112, 224, 24, 64, 64)
    inception("inception4c", 128, 128, 256, 24, 64, 64)
    inception("inception4d", 112, 144, 288, 32, 64, 64)
    inception("inception4e", 256, 160, 320, 32, 128, 128)
    n.pool("maxpool4", "maxpool", 2, 2, 0, True)
    inception("inception5a", 256, 160, 320, 32, 128, 128)
    inception("inception5b", 384, 192, 384, 48, 128, 128)
    n.pool("avgpool", "avgpool", 7, 1)
    n.fc("fc", 1024, 1000)
    return n


def resnet50():
    n = Net("resnet50", """
resnet50 — torchvision.models.resnet50 (He et al. 2016; v1.5: the stride of a
downsampling bottleneck sits on its 3x3 conv). 53 conv (49 in the bottlenecks'
main paths, 4 projection shortcuts) and 1 fc, 16 residual adds, 1 maxpool, 1 avgpool.
Reference: torchvision reports 4.09 GFLOPS (MACs).""")
    n.input(224, 224, 3)
    n.conv("conv1", 64, 7, 2, 3, post=BR); n.pool("maxpool", "maxpool", 3, 2, 1)
    stages = [(1, 64, 3, 1), (2, 128, 4, 2), (3, 256, 6, 2), (4, 512, 3, 2)]
    for st, width, blocks, stride in stages:
        for b in range(blocks):
            s = stride if b == 0 else 1
            src = (n.h, n.w, n.c)
            p = "layer%d.%d" % (st, b)
            n.conv(p + ".conv1", width, 1, post=BR)
            n.conv(p + ".conv2", width, 3, s, post=BR)
            out = n.conv(p + ".conv3", width * 4, 1, post="bn")
            if b == 0:
                n.conv(p + ".downsample", width * 4, 1, s, 0, src=src, post="bn")
            n.h, n.w, n.c = out
            n.add(p + ".add", post="relu")
    n.pool("avgpool", "avgpool", 7, 1)
    n.fc("fc", 2048, 1000)
    return n


def resnet18():
    n = Net("resnet18", """
resnet18 — torchvision.models.resnet18 (He et al. 2016): a 7x7 conv, 8 basic
blocks (two 3x3 convs each; a 1x1 projection shortcut where the stage changes),
8 residual adds, 1 maxpool, 1 avgpool, 1 fc: 20 conv in all.
Reference: torchvision reports 1.81 GFLOPS (MACs).""")
    n.input(224, 224, 3)
    n.conv("conv1", 64, 7, 2, 3, post=BR); n.pool("maxpool", "maxpool", 3, 2, 1)
    for st, width, stride in [(1, 64, 1), (2, 128, 2), (3, 256, 2), (4, 512, 2)]:
        for b in range(2):
            s = stride if b == 0 else 1
            src = (n.h, n.w, n.c)
            p = "layer%d.%d" % (st, b)
            n.conv(p + ".conv1", width, 3, s, post=BR)
            out = n.conv(p + ".conv2", width, 3, post="bn")
            if s != 1 or src[2] != width:
                n.conv(p + ".downsample", width, 1, s, 0, src=src, post="bn")
            n.h, n.w, n.c = out
            n.add(p + ".add", post="relu")
    n.pool("avgpool", "avgpool", 7, 1)
    n.fc("fc", 512, 1000)
    return n


def efficientnet_b0():
    n = Net("efficientnet_b0", """
efficientnet_b0 — torchvision.models.efficientnet_b0 (Tan & Le 2019): a 3x3 conv,
16 MBConv blocks (1x1 expand by 6 except in the first stage, depthwise 3x3 or 5x5
with groups = channels, squeeze-and-excitation, 1x1 project; a residual add where
stride 1 keeps the width), a 1x1 conv to 1280, avgpool, fc. Batch norm and SiLU
(swish) are post-ops. Squeeze-and-excitation: a global avgpool, a 1x1 conv to a
quarter of the block's input width (+ bias, SiLU), a 1x1 conv back (+ bias,
sigmoid), and the channel-wise scale as a two-input element-wise layer.
Reference: torchvision reports 0.39 GFLOPS (MACs).""")
    n.input(224, 224, 3)
    bs = "bn+silu"
    n.conv("features.0", 32, 3, 2, post=bs)
    stages = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
              (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]
    for si, (t, k, s, c, reps) in enumerate(stages, 1):
        for r in range(reps):
            stride = s if r == 0 else 1
            cin = n.c
            p = "features.%d.%d" % (si, r)
            if t != 1:
                n.conv(p + ".expand", cin * t, 1, post=bs)
            n.conv(p + ".dw", n.c, k, stride, k // 2, groups=n.c, post=bs)
            exp, h, w = n.c, n.h, n.w
            sq = max(1, cin // 4)
            n.pool(p + ".se.pool", "avgpool", h, 1)
            n.conv(p + ".se.fc1", sq, 1, post="bias+silu")
            n.conv(p + ".se.fc2", exp, 1, post="bias+sigmoid")
            n.h, n.w, n.c = h, w, exp
            n.add(p + ".se.scale")
            n.conv(p + ".project", c, 1, post="bn")
            if stride == 1 and cin == c:
                n.add(p + ".add")
    n.conv("features.8", 1280, 1, post=bs)
    n.pool("avgpool", "avgpool", 7, 1)
    n.fc("classifier", 1280, 1000)
    return n


def mobilenet_v1():
    n = Net("mobilenet_v1", """
mobilenet_v1 — MobileNet v1, width 1.0, 224 x 224 (Howard et al. 2017, Table 1):
a 3x3 conv, 13 depthwise-separable pairs (depthwise 3x3 with groups = channels,
then pointwise 1x1), avgpool, fc. Reference: 569 M mult-adds (the paper, Table 1).""")
    n.input(224, 224, 3)
    n.conv("conv1", 32, 3, 2, post=BR)
    pairs = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + \
            [(1024, 2), (1024, 1)]
    for i, (c, s) in enumerate(pairs, 2):
        n.conv("conv%d_dw" % i, n.c, 3, s, 1, groups=n.c, post=BR)
        n.conv("conv%d_pw" % i, c, 1, post=BR)
    n.pool("avgpool", "avgpool", 7, 1)
    n.fc("fc", 1024, 1000)
    return n


def mobilenet_v2():
    n = Net("mobilenet_v2", """
mobilenet_v2 — torchvision.models.mobilenet_v2 (Sandler et al. 2018), width 1.0:
a 3x3 conv, 17 inverted-residual blocks (1x1 expand by t, depthwise 3x3, 1x1
project; a residual add where stride 1 keeps the width), a 1x1 conv to 1280,
avgpool, fc. Reference: torchvision reports 0.30 GFLOPS (MACs).""")
    n.input(224, 224, 3)
    n.conv("features.0", 32, 3, 2, post=BR6)
    settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                (6, 160, 3, 2), (6, 320, 1, 1)]
    i = 1
    for t, c, reps, s in settings:
        for r in range(reps):
            stride = s if r == 0 else 1
            cin = n.c
            p = "features.%d" % i
            if t != 1:
                n.conv(p + ".expand", cin * t, 1, post=BR6)
            n.conv(p + ".dw", n.c, 3, stride, 1, groups=n.c, post=BR6)
            n.conv(p + ".project", c, 1, post="bn")
            if stride == 1 and cin == c:
                n.add(p + ".add")
            i += 1
    n.conv("features.18", 1280, 1, post=BR6)
    n.pool("avgpool", "avgpool", 7, 1)
    n.fc("classifier", 1280, 1000)
    return n


# --------------------------------------------------------------------------
# The RNNs of PREMA's evaluation (docs/prema.md §8: shapes from the public
# re-implementation github.com/agongee/prema_sim, layer_compiler/sample_task.py,
# which itself guesses them). Batch is the trace's batch. `seq` is the input
# sequence length (40 in agongee).

def lstm_speech():
    n = Net("lstm_speech", """
lstm_speech — speech recognition, Listen-Attend-Spell-like (Chan et al. 2016), as
docs/prema.md §8 gives agongee/prema_sim's shapes: 40 input frames of 240
features; a 3-layer pyramidal bidirectional LSTM encoder, 256 per direction, each
layer halving the time steps by concatenating two neighbouring outputs (so its
input is 2 x 512 = 1024); output length = input / 4; a 2-layer LSTM decoder of
512 (input 512: agongee's D_EMBED) over the output steps; dot-product attention
of the decoder states over the encoder outputs; a 2-layer MLP (1024 -> 512 -> 240,
agongee's sizes). agongee doubles the hidden size at each pyramid level and runs
the decoder bidirectionally; schedlab keeps docs/prema.md's 256 per direction and a
unidirectional speller (LAS).""", [("seq", 40, "input frames (a multiple of 4)")])
    n.row(name="enc1", type="lstm", in_c=240, out_c=256, seq="$seq", dirs=2)
    n.row(name="enc2", type="lstm", in_c=1024, out_c=256, seq="$seq/2", dirs=2)
    n.row(name="enc3", type="lstm", in_c=1024, out_c=256, seq="$seq/4", dirs=2)
    n.row(name="dec1", type="lstm", in_c=512, out_c=512, seq="$seq/4")
    n.row(name="dec2", type="lstm", in_c=512, out_c=512, seq="$seq/4")
    n.row(name="attn_score", type="matmul", in_c=512, out_c="$seq/4", seq="$seq/4")
    n.row(name="attn_context", type="matmul", in_c="$seq/4", out_c=512, seq="$seq/4")
    n.fc("mlp1", 1024, 512, "$seq/4")
    n.fc("mlp2", 512, 240, "$seq/4")
    return n


def lstm_translation():
    n = Net("lstm_translation", """
lstm_translation — machine translation, GNMT-like sequence-to-sequence with
attention, as docs/prema.md §8 gives agongee/prema_sim's shapes: a bidirectional
LSTM encoder, 256 per direction, over 40 input tokens of 240 features; an LSTM
decoder of hidden size 1024 over 40 output tokens (input: a 512-wide target
embedding, schedlab's choice); Luong "general" attention: the decoder states are
projected to the encoder width (1024 -> 512), scored against the 40 encoder
outputs and used to weight them; an attentional layer 1536 -> 1024. The
vocabulary projection is left out, as in agongee.""", [("seq", 40, "tokens in and out")])
    n.row(name="encoder", type="lstm", in_c=240, out_c=256, seq="$seq", dirs=2)
    n.row(name="decoder", type="lstm", in_c=512, out_c=1024, seq="$seq")
    n.fc("attn_proj", 1024, 512, "$seq")
    n.row(name="attn_score", type="matmul", in_c=512, out_c="$seq", seq="$seq")
    n.row(name="attn_context", type="matmul", in_c="$seq", out_c=512, seq="$seq")
    n.fc("attn_out", 1536, 1024, "$seq")
    return n


def lstm_sentiment():
    n = Net("lstm_sentiment", """
lstm_sentiment — sentiment analysis, as docs/prema.md §8 gives agongee/prema_sim's
shape: one LSTM layer of hidden size 1024 over 40 tokens, then an FC on the last
hidden state. Token embeddings of 512 and two output classes are schedlab's
choices (docs/prema.md gives neither).""", [("seq", 40, "tokens")])
    n.row(name="lstm", type="lstm", in_c=512, out_c=1024, seq="$seq")
    n.fc("fc", 1024, 2)
    return n


# --------------------------------------------------------------------------
# Transformers. `seq` is a parameter: bert_base[seq=384].

def transformer_layer(n, p, d, heads, ff, pre_norm):
    seq = "$seq"
    if pre_norm:
        n.row(name=p + ".ln1", type="eltwise", in_c=d, seq=seq)
    n.row(name=p + ".attn", type="attention", in_c=d, heads=heads, seq=seq)
    n.row(name=p + ".add1", type="eltwise", in_c=d, seq=seq, count=2)
    if not pre_norm:
        n.row(name=p + ".ln1", type="eltwise", in_c=d, seq=seq)
    else:
        n.row(name=p + ".ln2", type="eltwise", in_c=d, seq=seq)
    n.fc(p + ".ffn1", d, ff, seq, post="gelu")
    n.fc(p + ".ffn2", ff, d, seq)
    n.row(name=p + ".add2", type="eltwise", in_c=d, seq=seq, count=2)
    if not pre_norm:
        n.row(name=p + ".ln2", type="eltwise", in_c=d, seq=seq)


def bert_base():
    n = Net("bert_base", """
bert_base — BERT-base (Devlin et al. 2019; Hugging Face bert-base-uncased): 12
post-norm encoder layers, hidden 768, 12 heads, feed-forward 3072 (GELU fused),
then the pooler (768 -> 768 on the first token) and a 2-class head. The
embedding lookup is a gather, not compute; its sum of three embeddings and the
layer norms are element-wise layers. Reference: ~11.2 G MACs at seq 128
(22.5 GFLOPs).""", [("seq", 128, "tokens")])
    n.row(name="embed", type="eltwise", in_c=768, seq="$seq", count=3)
    for i in range(12):
        transformer_layer(n, "layer%d" % i, 768, 12, 3072, False)
    n.fc("pooler", 768, 768, post="tanh")
    n.fc("classifier", 768, 2)
    return n


def gpt2_small():
    n = Net("gpt2_small", """
gpt2_small — GPT-2 small (Radford et al. 2019; Hugging Face gpt2): 12 pre-norm
decoder layers, hidden 768, 12 heads, feed-forward 3072, a final layer norm and
the tied LM head (768 -> 50257) on the last position: one prefill of `seq`
tokens producing the next token's logits. Causal masking saves no work on a
systolic array and is not modelled. Reference: ~0.085 G MACs per token in the
layers plus 38.6 M for the head.""", [("seq", 128, "prompt tokens")])
    n.generate = "seq"
    n.row(name="embed", type="eltwise", in_c=768, seq="$seq", count=2)
    for i in range(12):
        transformer_layer(n, "h%d" % i, 768, 12, 3072, True)
    n.row(name="ln_f", type="eltwise", in_c=768, seq="$seq")
    n.fc("lm_head", 768, 50257)
    return n


ZOO = [alexnet, vgg16, googlenet, resnet18, resnet50, efficientnet_b0, mobilenet_v1, mobilenet_v2, lstm_speech,
       lstm_translation, lstm_sentiment, bert_base, gpt2_small]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for make in ZOO:
        n = make()
        n.write(os.path.join(here, n.name + ".csv"))
        params = {p: v for p, v, _ in n.params}
        total = sum(macs(r, params) for r in n.rows)
        kinds = {}
        for r in n.rows:
            kinds[r["type"]] = kinds.get(r["type"], 0) + 1
        print("%-18s %4d rows  %8.3f G MACs  %s" % (
            n.name, len(n.rows), total / 1e9,
            " ".join("%s=%d" % kv for kv in sorted(kinds.items()))))


if __name__ == "__main__":
    main()
