#!/usr/bin/env python3
"""gpu_fit.py — fits the GPU model's efficiency and host constants.

Usage: python3 experiments/calibration/gpu_fit.py [DATA_DIR [PRESET [NAME=VALUE,...]]]
(defaults: experiments/calibration/gpu_h100, gpu-h100). Minimises the mean of
up to four errors over the FITTING rows only (the fitting networks at the
fitting batches): the MAPE of graph latency, of eager latency, of the sum of
the kernels' durations against the profiled one (prof_busy_us, where
measured), and, where DATA_DIR has a kernels.csv, the time-weighted error of
the kernel time per kernel class (GEMM, attention, layout transposes,
broadcast bias and batch norm, activations, element-wise, pooling), so that
the kernel constants describe kernels, not gaps or compensating errors.
NAME=VALUE pins a constant instead of fitting it (gpu-h200 was fitted with
nvec_eff=0.782, the H100's kernel-level value, before the H200 kernel trace
existed; see its preset) (the rows marked "fit"
by `schedlab predict --validate-gpu`: resnet50, vgg16, bert at batches 1, 16,
64), by coordinate search in multiplicative steps from fixed starting values,
and prints the fitted fields to paste into traces/devices/PRESET.dev. The
held-out rows never enter the objective. Deterministic.
"""
import csv
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SCHEDLAB", os.path.join(ROOT, "bin", "schedlab"))
DATA = sys.argv[1] if len(sys.argv) > 1 else "experiments/calibration/gpu_h100"
PRESET = sys.argv[2] if len(sys.argv) > 2 else "gpu-h100"
PINNED = dict(kv.split("=") for kv in sys.argv[3].split(",")) if len(sys.argv) > 3 else {}

# name, start, low, high, unit suffix (durations in ns)
FIT_NETS = {"resnet50": "resnet50", "vgg16": "vgg16", "bert": "bert_base[seq=128]",
            "bert_base": "bert_base[seq=128]"}
FIT_BATCHES = {"1", "16", "64"}

PARAMS = [("gemm_eff", 0.5, 0.05, 1.0, ""), ("gemm_k_half", 256, 0, 1e5, ""),
          ("mem_eff", 0.7, 0.05, 1.0, ""), ("l2_speedup", 2.0, 1.0, 20.0, ""),
          ("nvec_eff", 0.6, 0.05, 1.0, ""),
          ("kernel_ns", 1500, 0, 1e5, "ns"), ("launch_ns", 400, 0, 1e5, "ns"), ("host_op_ns", 14000, 0, 1e6, "ns"),
          ("host_kernel_ns", 5000, 0, 1e6, "ns"), ("host_attn_ns", 60000, 0, 1e7, "ns")]


def measured_class(name, layer_type):
    """The class of a measured kernel (kernels.csv) by its layer and name."""
    if "nchwToNhwc" in name or "nhwcToNchw" in name:
        return "transpose"
    if layer_type == "Conv2d" and "elementwise_kernel<" in name:
        return "bcast"
    if layer_type in ("Conv2d", "Linear"):
        return "gemm"
    if layer_type == "BatchNorm2d":
        return "bcast"
    if layer_type in ("ReLU", "ReLU6", "SiLU", "GELUActivation", "Tanh", "Sigmoid"):
        return "act"
    if layer_type in ("MaxPool2d", "AdaptiveAvgPool2d", "AvgPool2d"):
        return "pool"
    if layer_type.endswith("Attention"):
        return "attn"
    return "eltw"


MODEL_CLASS = {"nhwc_in": "transpose", "nhwc_w": "transpose", "nchw_out": "transpose",
               "gemm": "gemm", "splitk_reduce": "gemm", "q": "gemm", "k": "gemm", "v": "gemm",
               "o": "gemm", "bmm": "gemm", "sdpa": "attn", "sdpa_memset": "attn",
               "bias": "bcast", "bn": "bcast", "bn_stats": "bcast", "bn_prep": "bcast",
               "relu": "act", "relu6": "act", "silu": "act", "gelu": "act", "sigmoid": "act",
               "tanh": "act", "maxpool": "pool", "avgpool": "pool", "reduce": "pool",
               "copy": "pool"}


def load_kernels():
    """{(model, dtype, batch): {class: µs}} of the fitting rows of kernels.csv."""
    path = os.path.join(ROOT, DATA, "kernels.csv")
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["model"] not in FIT_NETS or r["batch"] not in FIT_BATCHES:
                continue
            cls = measured_class(r["name"], r["layer_type"])
            d = out.setdefault((r["model"], r["dtype"], r["batch"]), {})
            d[cls] = d.get(cls, 0.0) + float(r["dur_us"])
    return out


KERNELS = load_kernels()


def class_error(params):
    """Time-weighted error of the kernel time per class, averaged over configs."""
    errs = []
    for (model, dtype, batch), meas in sorted(KERNELS.items()):
        args = [BIN, "predict", "--device", PRESET, "--device-param", "dtype=" + dtype,
                "--device-param", "launch=graph", "--network", FIT_NETS[model], "--batch", batch,
                "--per-kernel", "--csv"] + params
        out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True).stdout
        pred = {}
        for line in out.splitlines()[1:]:
            f = line.split(",")
            if f[2] == "total":
                continue
            cls = MODEL_CLASS.get(f[2].rsplit(".", 1)[-1], "eltw")
            pred[cls] = pred.get(cls, 0.0) + int(f[4]) / 1000.0
        total = sum(meas.values())
        errs.append(100 * sum(abs(pred.get(c, 0) - meas.get(c, 0)) for c in set(pred) | set(meas))
                    / total)
    return sum(errs) / len(errs) if errs else None


def objective(vals):
    params = []
    for (name, _, _, _, unit), v in zip(PARAMS, vals):
        v = round(v) if unit else v
        params += ["--device-param", "%s=%s%s" % (name, ("%.6g" % v) if not unit else int(v), unit)]
    args = [BIN, "predict", "--validate-gpu", DATA, "--device", PRESET] + params
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True).stdout
    err = {0: [], 1: [], 2: []}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 12 and f[3] == "fit":
            err[0].append(abs(float(f[6])))
            err[1].append(abs(float(f[9])))
            if f[11] != "-":
                err[2].append(abs(float(f[11])))
    if not err[0]:
        raise SystemExit("no fitting rows: " + out[-500:])
    terms = [sum(v) / len(v) for v in err.values() if v]
    ce = class_error(params)
    if ce is not None:
        terms.append(ce)
    return sum(terms) / len(terms)


def main():
    vals = [float(PINNED.get(p[0], p[1])) for p in PARAMS]
    best = objective(vals)
    step = 1.6
    while step > 1.02:
        improved = True
        while improved:
            improved = False
            for i, (name, _, lo, hi, _) in enumerate(PARAMS):
                if name in PINNED:
                    continue
                for f in (step, 1 / step):
                    v = vals[i] * f if vals[i] > 0 else (lo + hi) * 1e-3 * (f > 1)
                    if not lo <= v <= hi:
                        continue
                    trial = vals[:]
                    trial[i] = v
                    o = objective(trial)
                    if o < best - 1e-9:
                        best, vals, improved = o, trial, True
        step = step ** 0.5
    for (name, _, _, _, unit), v in zip(PARAMS, vals):
        print("%s = %s" % (name, ("%dns" % round(v)) if unit else ("%.3g" % v)))
    print("# fitting-set objective (mean of the error terms): %.2f%%" % best)


if __name__ == "__main__":
    main()
