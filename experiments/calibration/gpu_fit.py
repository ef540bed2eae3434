#!/usr/bin/env python3
"""gpu_fit.py — fits the GPU model's efficiency and host constants.

Usage: python3 experiments/calibration/gpu_fit.py [DATA_DIR [PRESET]]
(defaults: experiments/calibration/gpu_h100, gpu-h100). Minimises the mean of
three MAPEs over the FITTING rows only: graph latency, eager latency, and the
sum of the kernels' durations against the profiled one (prof_busy_us, where
measured), so that the kernel constants describe kernels, not gaps (the rows marked "fit"
by `schedlab predict --validate-gpu`: resnet50, vgg16, bert at batches 1, 16,
64), by coordinate search in multiplicative steps from fixed starting values,
and prints the fitted fields to paste into traces/devices/PRESET.dev. The
held-out rows never enter the objective. Deterministic.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SCHEDLAB", os.path.join(ROOT, "bin", "schedlab"))
DATA = sys.argv[1] if len(sys.argv) > 1 else "experiments/calibration/gpu_h100"
PRESET = sys.argv[2] if len(sys.argv) > 2 else "gpu-h100"

# name, start, low, high, unit suffix (durations in ns)
PARAMS = [("gemm_eff", 0.5, 0.05, 1.0, ""), ("gemm_k_half", 256, 0, 1e5, ""),
          ("mem_eff", 0.7, 0.05, 1.0, ""), ("l2_speedup", 2.0, 1.0, 20.0, ""),
          ("kernel_ns", 1500, 0, 1e5, "ns"), ("launch_ns", 400, 0, 1e5, "ns"), ("host_op_ns", 14000, 0, 1e6, "ns"),
          ("host_kernel_ns", 5000, 0, 1e6, "ns"), ("host_attn_ns", 60000, 0, 1e7, "ns")]


def objective(vals):
    args = [BIN, "predict", "--validate-gpu", DATA, "--device", PRESET]
    for (name, _, _, _, unit), v in zip(PARAMS, vals):
        v = round(v) if unit else v
        args += ["--device-param", "%s=%s%s" % (name, ("%.6g" % v) if not unit else int(v), unit)]
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
    return sum(sum(v) / len(v) for v in err.values() if v) / 3


def main():
    vals = [p[1] for p in PARAMS]
    best = objective(vals)
    step = 1.6
    while step > 1.02:
        improved = True
        while improved:
            improved = False
            for i, (name, _, lo, hi, _) in enumerate(PARAMS):
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
    print("# fitting-set mean MAPE (graph, eager, kernel sum): %.2f%%" % best)


if __name__ == "__main__":
    main()
