#!/usr/bin/env python3
"""Calibration measurements of PyTorch inference on one CUDA GPU (H200 here).

Reproduces the conventions and columns of ../gpu_h100/README.md and extends
them (more networks and batches, microbenchmarks, a second sharing pair).
README.md beside this file documents every output file and column.

Parts (``--parts``, comma separated, run in this order):

* ``micro``   GEMM TFLOP/s, copy bandwidth, empty-kernel and per-op launch
              costs -> microbench.csv
* ``sharing`` two tenants on two streams of one process, equal and different
              stream priorities, graph and eager -> arrival_trace.csv,
              sharing_requests.csv, sharing_summary.csv
* ``e2e``     isolated end-to-end latency, eager and CUDA graph ->
              e2e_latency.csv
* ``prof``    torch.profiler per-kernel and per-layer rows of one eager
              forward at batch 1 and 16 -> kernels.csv, layers.csv,
              prof_summary.csv (the prof_* columns of e2e_latency.csv)

The profiler runs last because CUPTI, once attached, can slow later launches;
timing parts never run after it in the same process.  Every CSV row is flushed
as soon as it is measured and ``--budget-s`` bounds the run, so a run that is
cut short still leaves complete rows.

``--merge DIR`` (no torch needed) joins DIR/prof_summary.csv into
DIR/e2e_latency.csv.

Run: PYTHONUNBUFFERED=1 python3 measure_gpu.py --out DIR [--parts ...]
"""
import argparse
import csv
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import threading
import time

try:
    import torch
except ImportError:  # a dry run (--help, --merge) needs no torch
    torch = None

CNNS = ["resnet50", "resnet18", "vgg16", "alexnet", "mobilenet_v2",
        "googlenet", "efficientnet_b0"]
TRANSFORMERS = ["bert_base", "gpt2_small"]
MODELS = CNNS + TRANSFORMERS
BATCHES = [1, 2, 4, 8, 16, 32, 64]
PROF_BATCHES = [1, 16]
SEQ = 128
DTYPES = ["fp16", "fp32"]
SEED_TRACE = 2024
MEAN_GAP_MS = 5.0
N_REQ = 200
# Sharing pairs: (name, low model, low batch, high model, high batch).  The
# first is the H100's pair; the second is held-out data for the model.
PAIRS = [("r50b16_r18b1", "resnet50", 16, "resnet18", 1),
         ("bertb16_mnv2b1", "bert_base", 16, "mobilenet_v2", 1)]

E2E_COLS = ["model", "dtype", "batch", "params_m", "attn_impl", "first_call_s",
            "reps", "eager_ms_median", "eager_ms_mean", "eager_ms_min",
            "eager_ms_p10", "eager_ms_p90", "eager_ms_p99", "eager_ms_max",
            "eager_ms_std", "host_ms_median", "host_ms_p90",
            "pipelined_ms_per_inf", "graph_ok", "graph_ms_median",
            "graph_ms_mean", "graph_ms_min", "graph_ms_p90", "graph_ms_max",
            "graph_ms_std", "flops_per_sample_g", "prof_n_groups",
            "prof_n_kernels", "prof_busy_us", "prof_span_us", "prof_idle_us",
            "prof_idle_frac", "prof_gap_median_us", "prof_gap_mean_us",
            "prof_gap_p10_us", "prof_gap_p90_us", "prof_gap_max_us",
            "prof_aligned", "prof_layer_rows", "prof_unattributed_kernels",
            "error", "sm_clock_mhz", "prof_graph_n_kernels",
            "prof_graph_busy_us", "prof_graph_span_us", "prof_graph_idle_us"]
PROF_COLS = [c for c in E2E_COLS if c.startswith("prof_")]
LAYER_COLS = ["model", "dtype", "batch", "call_idx", "depth", "layer_name",
              "layer_type", "is_leaf", "attention_core", "in_shape",
              "out_shape", "weight_shape", "in_dtype", "flops",
              "weight_bytes", "in_bytes", "out_bytes", "bytes_total",
              "flops_per_byte", "n_kernels", "gpu_time_us", "first_start_us",
              "last_end_us", "gap_before_us", "intra_gap_us", "timing_source",
              "note"]
KERNEL_COLS = ["model", "dtype", "batch", "k_idx", "kind", "name", "start_us",
               "dur_us", "gap_before_us", "grid", "block", "n_blocks",
               "threads_per_block", "regs", "smem_bytes", "blocks_per_sm",
               "warps_per_sm", "occupancy_pct", "stream", "call_idx",
               "layer_name", "layer_type"]
TRACE_COLS = ["req_id", "interarrival_ms", "arrival_ms", "seed", "mean_gap_ms",
              "generator"]
REQ_COLS = ["pair", "low_model", "low_batch", "high_model", "high_batch",
            "dtype", "exec_mode", "sharing_mode", "trial", "tenant", "req_id",
            "arrival_ms", "host_issue_ms", "gpu_start_ms", "gpu_end_ms",
            "host_done_ms", "latency_ms", "queue_ms", "service_ms",
            "stream_priority"]
SUM_COLS = ["source", "pair", "low_model", "low_batch", "high_model",
            "high_batch", "exec_mode", "sharing_mode", "trial", "high_prio",
            "low_prio", "n_high", "hi_lat_mean_ms", "hi_lat_p50_ms",
            "hi_lat_p90_ms", "hi_lat_p99_ms", "hi_lat_max_ms",
            "hi_service_mean_ms", "hi_service_p50_ms", "hi_queue_mean_ms",
            "window_ms", "low_done", "low_tput_per_s", "low_service_p50_ms",
            "note"]
MICRO_COLS = ["bench", "dtype", "m", "n", "k", "bytes", "reps", "ms_median",
              "ms_min", "tflops", "gb_per_s", "us_per_op", "note"]

T0 = time.time()
ACT_TYPES = {"ReLU", "ReLU6", "SiLU", "GELU", "GELUActivation",
             "NewGELUActivation", "Sigmoid", "Tanh", "Hardswish",
             "Hardsigmoid"}
ZERO_TYPES = {"Dropout", "Identity", "Embedding", "StochasticDepth",
              "Flatten"}


def log(msg):
    print("[%7.1fs] %s" % (time.time() - T0, msg), flush=True)


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return "%.6g" % v
    return v


class CsvOut:
    """A CSV file whose rows are flushed one by one (a cut run keeps them)."""

    def __init__(self, path, cols):
        self.cols = cols
        self.f = open(path, "w", newline="")
        self.w = csv.writer(self.f)
        self.w.writerow(cols)
        self.f.flush()

    def row(self, d):
        self.w.writerow([fmt(d.get(c)) for c in self.cols])
        self.f.flush()

    def close(self):
        self.f.close()


def q(vals, p):
    """Percentile by linear interpolation (numpy's default)."""
    s = sorted(vals)
    if not s:
        return None
    k = (len(s) - 1) * p
    lo = int(math.floor(k))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def stats(prefix, vals):
    return {prefix + "median": q(vals, 0.5),
            prefix + "mean": statistics.fmean(vals),
            prefix + "min": min(vals), prefix + "p10": q(vals, 0.1),
            prefix + "p90": q(vals, 0.9), prefix + "p99": q(vals, 0.99),
            prefix + "max": max(vals),
            prefix + "std": statistics.pstdev(vals)}


class Budget:
    def __init__(self, seconds):
        self.end = time.time() + seconds

    def left(self):
        return self.end - time.time()


# --------------------------------------------------------------------------
# Clock sampling (NVML) for the conditions
# --------------------------------------------------------------------------
class Sampler:
    def __init__(self, period=0.2):
        self.ok = False
        self.samples = []
        self.phase = "start"
        self.period = period
        try:
            import pynvml
            pynvml.nvmlInit()
            self.n = pynvml
            self.h = pynvml.nvmlDeviceGetHandleByIndex(0)
            self.ok = True
        except Exception as exc:
            log("NVML unavailable: %r" % (exc,))
        self.stop = threading.Event()
        self.thr = None

    def read(self):
        n, h = self.n, self.h
        u = n.nvmlDeviceGetUtilizationRates(h)
        return {"phase": self.phase, "t": round(time.time() - T0, 2),
                "sm": n.nvmlDeviceGetClockInfo(h, n.NVML_CLOCK_SM),
                "mem": n.nvmlDeviceGetClockInfo(h, n.NVML_CLOCK_MEM),
                "util": u.gpu,
                "power_w": n.nvmlDeviceGetPowerUsage(h) / 1000.0,
                "temp_c": n.nvmlDeviceGetTemperature(h, 0)}

    def loop(self):
        while not self.stop.is_set():
            try:
                self.samples.append(self.read())
            except Exception:
                pass
            time.sleep(self.period)

    def start(self):
        if self.ok:
            self.thr = threading.Thread(target=self.loop, daemon=True)
            self.thr.start()

    def finish(self):
        if self.thr:
            self.stop.set()
            self.thr.join()
            self.thr = None
            self.stop.clear()

    def point(self):
        """One reading now (between measurements, never during them:
        NVML queries in a VM can stall CUDA calls)."""
        if not self.ok:
            return None
        try:
            r = self.read()
        except Exception:
            return None
        r["util"] = max(r["util"], 21)  # taken right after GPU work
        self.samples.append(r)
        return r["sm"]

    def summary(self):
        out = {}
        for ph in sorted({s["phase"] for s in self.samples}):
            ss = [s for s in self.samples if s["phase"] == ph]
            busy = [s for s in ss if s["util"] > 20]
            out[ph] = {"n": len(ss), "n_busy": len(busy),
                       "sm_mhz_busy_min": min((s["sm"] for s in busy),
                                              default=None),
                       "sm_mhz_busy_max": max((s["sm"] for s in busy),
                                              default=None),
                       "mem_mhz_min": min(s["mem"] for s in ss),
                       "mem_mhz_max": max(s["mem"] for s in ss),
                       "power_w_max": max(s["power_w"] for s in ss),
                       "temp_c_max": max(s["temp_c"] for s in ss)}
        return out


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except Exception as exc:
        return "error: %r" % (exc,)


def env_info():
    d = {"date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(),
         "python": sys.version.split()[0], "platform": platform.platform(),
         "cpu_count": os.cpu_count(), "argv": sys.argv}
    d["cpu_model"] = sh("grep -m1 'model name' /proc/cpuinfo")
    d["nvidia_smi"] = sh("nvidia-smi --query-gpu=name,driver_version,"
                         "memory.total,clocks.sm,clocks.max.sm,clocks.mem,"
                         "clocks.max.mem,clocks.applications.graphics,"
                         "power.limit,persistence_mode,compute_mode,"
                         "ecc.mode.current,mig.mode.current,pstate,"
                         "temperature.gpu --format=csv")
    d["nvidia_smi_head"] = sh("nvidia-smi | head -12")
    if torch is not None:
        import torchvision
        d["torch"] = torch.__version__
        d["torchvision"] = torchvision.__version__
        d["cuda_runtime"] = torch.version.cuda
        d["cudnn"] = torch.backends.cudnn.version()
        try:
            import transformers
            d["transformers"] = transformers.__version__
        except Exception as exc:
            d["transformers"] = "missing: %r" % (exc,)
        try:
            import triton
            d["triton"] = triton.__version__
        except Exception:
            d["triton"] = None
        try:
            import numpy
            d["numpy"] = numpy.__version__
        except Exception:
            d["numpy"] = None
        p = torch.cuda.get_device_properties(0)
        d["device"] = {"name": p.name, "sms": p.multi_processor_count,
                       "cc": "%d.%d" % (p.major, p.minor),
                       "total_mem_mib": p.total_memory // 2 ** 20,
                       "l2_bytes": getattr(p, "L2_cache_size", None)}
        d["settings"] = {
            "cudnn.benchmark": torch.backends.cudnn.benchmark,
            "cudnn.allow_tf32": torch.backends.cudnn.allow_tf32,
            "cuda.matmul.allow_tf32": torch.backends.cuda.matmul.allow_tf32,
            "float32_matmul_precision": torch.get_float32_matmul_precision(),
            "sdpa_flash": torch.backends.cuda.flash_sdp_enabled(),
            "sdpa_mem_efficient": torch.backends.cuda.mem_efficient_sdp_enabled(),
            "sdpa_math": torch.backends.cuda.math_sdp_enabled(),
            "stream_priority_range": list(torch.cuda.Stream.priority_range()),
            "gil_switch_interval_s": sys.getswitchinterval()}
        try:
            d["settings"]["sdpa_cudnn"] = \
                torch.backends.cuda.cudnn_sdp_enabled()
        except Exception:
            pass
    return d


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------
def build_model(name):
    """Random weights, eval mode, fp32 on the CPU."""
    torch.manual_seed(0)
    if name in CNNS:
        import torchvision
        ctor = getattr(torchvision.models, name)
        if name == "googlenet":
            m = ctor(weights=None, aux_logits=False, init_weights=True)
        else:
            m = ctor(weights=None)
    elif name == "bert_base":
        from transformers import BertConfig, BertModel
        cfg = BertConfig()
        cfg._attn_implementation = "sdpa"
        m = BertModel(cfg)
    elif name == "gpt2_small":
        from transformers import GPT2Config, GPT2Model
        cfg = GPT2Config()
        cfg._attn_implementation = "sdpa"
        m = GPT2Model(cfg)
    else:
        raise ValueError("unknown model " + name)
    return m.eval()


def attn_impl(model):
    cfg = getattr(model, "config", None)
    return getattr(cfg, "_attn_implementation", "") if cfg is not None else ""


def make_input(name, batch, dtype):
    g = torch.Generator(device="cuda")
    g.manual_seed(1)
    if name in TRANSFORMERS:
        return torch.randint(0, 30000, (batch, SEQ), device="cuda",
                             generator=g)
    return torch.randn(batch, 3, 224, 224, device="cuda", generator=g,
                       dtype=dtype)


def forward_fn(name, model, x):
    if name == "bert_base":
        return lambda: model(input_ids=x)
    if name == "gpt2_small":
        return lambda: model(input_ids=x, use_cache=False)
    return lambda: model(x)


def tdtype(s):
    return torch.float16 if s == "fp16" else torch.float32


def capture_graph(fn):
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(side)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        out = fn()
    torch.cuda.synchronize()
    return g, out


def time_events(fn, reps):
    """Each rep alone: GPU idle before, CUDA events around, sync after."""
    evs = [(torch.cuda.Event(enable_timing=True),
            torch.cuda.Event(enable_timing=True)) for _ in range(reps)]
    host = []
    for s, e in evs:
        t = time.perf_counter()
        s.record()
        fn()
        e.record()
        e.synchronize()
        host.append((time.perf_counter() - t) * 1e3)
    return [s.elapsed_time(e) for s, e in evs], host


# --------------------------------------------------------------------------
# Part micro
# --------------------------------------------------------------------------
def part_micro(out, budget, smoke):
    w = CsvOut(os.path.join(out, "microbench.csv"), MICRO_COLS)
    shapes = [(8192, 8192, 8192), (4096, 4096, 4096), (2048, 2048, 2048),
              (1024, 1024, 1024), (2048, 768, 768), (2048, 3072, 768),
              (2048, 768, 3072), (128, 768, 768), (16384, 4096, 1024)]
    if smoke:
        shapes = shapes[:2]
    for dt in ["fp16", "fp32", "tf32"]:
        tdt = torch.float16 if dt == "fp16" else torch.float32
        old = torch.backends.cuda.matmul.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = (dt == "tf32")
        for m, n, k in shapes:
            if budget.left() < 60:
                break
            # three operand sets, rotated, so small shapes are not timed
            # out of L2 with the same operands every time
            sets = [(torch.randn(m, k, device="cuda", dtype=tdt),
                     torch.randn(k, n, device="cuda", dtype=tdt))
                    for _ in range(3)]
            c = torch.empty(m, n, device="cuda", dtype=tdt)
            for a, b in sets:
                torch.matmul(a, b, out=c)
            torch.cuda.synchronize()
            flops = 2.0 * m * n * k
            inner = max(1, min(50, int(2e12 / flops)))
            # a CUDA graph of `inner` products: GPU time per product with
            # no host launch gaps (small shapes are otherwise launch-bound)
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                for i in range(3):
                    torch.matmul(sets[i][0], sets[i][1], out=c)
            torch.cuda.current_stream().wait_stream(side)
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g):
                for i in range(inner):
                    a, b = sets[i % 3]
                    torch.matmul(a, b, out=c)
            for _ in range(2):
                g.replay()
            torch.cuda.synchronize()
            ts, _ = time_events(g.replay, 15)
            ts = [t / inner for t in ts]
            med = q(ts, 0.5)
            w.row({"bench": "gemm", "dtype": dt, "m": m, "n": n, "k": k,
                   "reps": 15 * inner, "ms_median": med, "ms_min": min(ts),
                   "tflops": flops / (med * 1e-3) / 1e12,
                   "note": "torch.matmul, random normal operands rotated "
                           "over 3 sets; CUDA graph of %d products, replay "
                           "time / %d" % (inner, inner)})
            del g
            del sets, c
        torch.backends.cuda.matmul.allow_tf32 = old
    log("micro: gemm done")
    # device memory bandwidth: copy (bytes read + bytes written)
    for size in [256 * 2 ** 20, 1 * 2 ** 30, 4 * 2 ** 30]:
        a = torch.empty(size, dtype=torch.uint8, device="cuda").random_(0, 255)
        b = torch.empty_like(a)
        b.copy_(a)
        torch.cuda.synchronize()
        ts = []
        for _ in range(20):
            s = torch.cuda.Event(enable_timing=True)
            e = torch.cuda.Event(enable_timing=True)
            s.record()
            b.copy_(a)
            e.record()
            e.synchronize()
            ts.append(s.elapsed_time(e))
        med = q(ts, 0.5)
        w.row({"bench": "copy", "bytes": 2 * size, "reps": 20,
               "ms_median": med, "ms_min": min(ts),
               "gb_per_s": 2 * size / (med * 1e-3) / 1e9,
               "note": "tensor.copy_ device to device; bytes = read + "
                       "written"})
        # a read-mostly pass: sum of fp16 elements
        h = a.view(torch.float16)
        ts = []
        for _ in range(20):
            s = torch.cuda.Event(enable_timing=True)
            e = torch.cuda.Event(enable_timing=True)
            s.record()
            h.sum()
            e.record()
            e.synchronize()
            ts.append(s.elapsed_time(e))
        med = q(ts, 0.5)
        w.row({"bench": "read_sum", "dtype": "fp16", "bytes": size,
               "reps": 20, "ms_median": med, "ms_min": min(ts),
               "gb_per_s": size / (med * 1e-3) / 1e9,
               "note": "tensor.sum over fp16 (random bits); bytes = read"})
        del a, b, h
    torch.cuda.empty_cache()
    log("micro: bandwidth done")
    # empty kernel: torch.cuda._sleep(0) is a one-thread spin of 0 cycles
    n = 2000
    torch.cuda._sleep(0)
    torch.cuda.synchronize()
    # (a) one kernel alone from an idle GPU, event to event
    ts, host = time_events(lambda: torch.cuda._sleep(0), 200)
    w.row({"bench": "empty_kernel_alone", "reps": 200,
           "ms_median": q(ts, 0.5), "ms_min": min(ts),
           "us_per_op": q(ts, 0.5) * 1e3,
           "note": "event; _sleep(0); event; sync: GPU time of one launch"})
    w.row({"bench": "empty_kernel_alone_host", "reps": 200,
           "ms_median": q(host, 0.5), "ms_min": min(host),
           "us_per_op": q(host, 0.5) * 1e3,
           "note": "host wall time of record+launch+record+synchronize"})
    # (b) eager back to back from Python
    for r in range(2):
        s = torch.cuda.Event(enable_timing=True)
        e = torch.cuda.Event(enable_timing=True)
        t = time.perf_counter()
        s.record()
        for _ in range(n):
            torch.cuda._sleep(0)
        e.record()
        e.synchronize()
        host = (time.perf_counter() - t) * 1e3
    w.row({"bench": "empty_kernel_eager_b2b", "reps": n,
           "ms_median": s.elapsed_time(e), "us_per_op":
           s.elapsed_time(e) * 1e3 / n,
           "note": "%d _sleep(0) launched back to back from Python; GPU "
                   "span per kernel (host launch rate bound); host %.3f "
                   "us/op" % (n, host * 1e3 / n)})
    # (c) graph of n empty kernels
    g = torch.cuda.CUDAGraph()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        torch.cuda._sleep(0)
    torch.cuda.current_stream().wait_stream(side)
    with torch.cuda.graph(g):
        for _ in range(n):
            torch.cuda._sleep(0)
    g.replay()
    torch.cuda.synchronize()
    ts, _ = time_events(g.replay, 10)
    w.row({"bench": "empty_kernel_graph", "reps": 10 * n,
           "ms_median": q(ts, 0.5), "ms_min": min(ts),
           "us_per_op": q(ts, 0.5) * 1e3 / n,
           "note": "CUDA graph of %d _sleep(0) kernels; replay time per "
                   "kernel (back-to-back dispatch cost)" % n})
    del g
    # (d) eager PyTorch ops on a tiny tensor: host launch gap per op
    x = torch.ones(16, device="cuda", dtype=torch.float16)
    ops = [("op_add_inplace", lambda: x.add_(1)),
           ("op_relu_outofplace", lambda: torch.relu(x)),
           ("op_mul_outofplace", lambda: x * x)]
    lin = torch.nn.Linear(64, 64).cuda().half().eval()
    xin = torch.randn(1, 64, device="cuda", dtype=torch.float16)
    ops.append(("op_linear_tiny", lambda: lin(xin)))
    conv = torch.nn.Conv2d(8, 8, 3, padding=1).cuda().half().eval()
    xc = torch.randn(1, 8, 8, 8, device="cuda", dtype=torch.float16)
    ops.append(("op_conv_tiny", lambda: conv(xc)))
    with torch.inference_mode():
        for name, fn in ops:
            for _ in range(50):
                fn()
            torch.cuda.synchronize()
            m = 1000
            s = torch.cuda.Event(enable_timing=True)
            e = torch.cuda.Event(enable_timing=True)
            t = time.perf_counter()
            s.record()
            for _ in range(m):
                fn()
            e.record()
            e.synchronize()
            host = (time.perf_counter() - t) * 1e3
            w.row({"bench": name, "dtype": "fp16", "reps": m,
                   "ms_median": s.elapsed_time(e),
                   "us_per_op": s.elapsed_time(e) * 1e3 / m,
                   "note": "%d eager calls back to back on a tiny tensor: "
                           "GPU span per op = host issue cost per op; host "
                           "%.3f us/op" % (m, host * 1e3 / m)})
    w.close()
    log("micro: done")


# --------------------------------------------------------------------------
# Part sharing
# --------------------------------------------------------------------------
def arrival_trace():
    import numpy
    gaps = numpy.random.default_rng(SEED_TRACE).exponential(MEAN_GAP_MS, N_REQ)
    arr = numpy.cumsum(gaps)
    return [float(v) for v in gaps], [float(v) for v in arr]


class Tenant:
    """One model at one batch in fp16, warmed up; `run` issues one inference
    on the current stream (a graph replay or an eager forward)."""

    def __init__(self, name, batch, mode):
        self.model = build_model(name).cuda().half()
        self.x = make_input(name, batch, torch.float16)
        self.name = name
        with torch.inference_mode():
            self.fn = forward_fn(name, self.model, self.x)
            for _ in range(5):
                self.fn()
            torch.cuda.synchronize()
            self.graph = None
            if mode == "graph":
                self.graph, self.out = capture_graph(self.fn)
                self.run = self.graph.replay
            else:
                self.run = self.fn

    def warm(self, stream, n=5):
        """Runs on `stream` from the calling thread: the caching allocator
        keeps blocks per stream and cuDNN's benchmark cache is per thread,
        so both are filled here, not during a measured schedule."""
        with torch.inference_mode(), torch.cuda.stream(stream):
            for _ in range(n):
                self.run()
        stream.synchronize()


class LowWorker:
    """A persistent thread that runs the low tenant back to back on its
    stream, at most 2 inferences in flight, while a schedule lasts."""

    def __init__(self, lo, stream):
        self.lo = lo
        self.s = stream
        self.cmds = []
        self.cv = threading.Condition()
        self.result = None
        self.ready = threading.Event()
        self.finished = threading.Event()
        self.thr = threading.Thread(target=self.loop, daemon=True)
        self.thr.start()
        self.ready.wait()

    def loop(self):
        self.lo.warm(self.s)
        self.ready.set()
        while True:
            with self.cv:
                while not self.cmds:
                    self.cv.wait()
                stop = self.cmds.pop(0)
            if stop is None:
                return
            recs = []
            with torch.inference_mode(), torch.cuda.stream(self.s):
                i = 0
                while not stop.is_set():
                    if i >= 2:
                        recs[i - 2][2].synchronize()
                    st = torch.cuda.Event(enable_timing=True)
                    en = torch.cuda.Event(enable_timing=True)
                    t = time.perf_counter()
                    st.record(self.s)
                    self.lo.run()
                    en.record(self.s)
                    recs.append((t, st, en))
                    i += 1
            self.s.synchronize()
            self.result = recs
            self.finished.set()

    def begin(self, stop):
        self.finished.clear()
        with self.cv:
            self.cmds.append(stop)
            self.cv.notify()

    def end(self):
        self.finished.wait()
        return self.result

    def close(self):
        with self.cv:
            self.cmds.append(None)
            self.cv.notify()
        self.thr.join()


def run_sharing_once(hi, worker, sH, smode, arrivals, n_req):
    """One schedule; returns (high rows, low rows, window)."""
    arrivals = arrivals[:n_req]
    stop = threading.Event()
    if smode != "isolated_high":
        worker.begin(stop)
    ref = torch.cuda.Event(enable_timing=True)
    time.sleep(0.02)
    ref.record(sH)
    ref.synchronize()
    ref_host = time.perf_counter()
    t_start = ref_host + 0.15
    hi_recs = []
    if smode == "isolated_low":
        end = t_start + (arrivals[-1] + 5.0) / 1e3
        while time.perf_counter() < end:
            time.sleep(0.001)
    else:
        with torch.inference_mode(), torch.cuda.stream(sH):
            for a in arrivals:
                target = t_start + a / 1e3
                while True:
                    d = target - time.perf_counter()
                    if d <= 0:
                        break
                    time.sleep(d - 0.0003 if d > 0.0008 else 0)
                t = time.perf_counter()
                st = torch.cuda.Event(enable_timing=True)
                en = torch.cuda.Event(enable_timing=True)
                st.record(sH)
                hi.run()
                en.record(sH)
                en.synchronize()
                hi_recs.append((a, t, st, en, time.perf_counter()))
    stop.set()
    low_recs = worker.end() if smode != "isolated_high" else []
    torch.cuda.synchronize()
    off = (ref_host - t_start) * 1e3

    def g(ev):
        return off + ref.elapsed_time(ev)

    def h(t):
        return (t - t_start) * 1e3
    highs = []
    for i, (a, t, st, en, done) in enumerate(hi_recs):
        gs, ge = g(st), g(en)
        highs.append({"tenant": "high", "req_id": i, "arrival_ms": a,
                      "host_issue_ms": h(t), "gpu_start_ms": gs,
                      "gpu_end_ms": ge, "host_done_ms": h(done),
                      "latency_ms": ge - a, "queue_ms": h(t) - a,
                      "service_ms": ge - gs,
                      "stream_priority": sH.priority})
    lows = []
    for i, (t, st, en) in enumerate(low_recs):
        gs, ge = g(st), g(en)
        lows.append({"tenant": "low", "req_id": i, "host_issue_ms": h(t),
                     "gpu_start_ms": gs, "gpu_end_ms": ge,
                     "latency_ms": ge - gs, "service_ms": ge - gs,
                     "stream_priority": worker.s.priority})
    if smode == "isolated_low":
        window = arrivals[-1] + 5.0
    else:
        window = highs[-1]["gpu_end_ms"]
    return highs, lows, window


def summarize(key, highs, lows, window, ph, pl, smode):
    d = dict(key)
    d["source"] = "final"
    d["high_prio"] = ph if smode != "isolated_low" else None
    d["low_prio"] = pl if smode != "isolated_high" else None
    d["n_high"] = len(highs)
    if highs:
        lat = [r["latency_ms"] for r in highs]
        sv = [r["service_ms"] for r in highs]
        d.update({"hi_lat_mean_ms": statistics.fmean(lat),
                  "hi_lat_p50_ms": q(lat, 0.5), "hi_lat_p90_ms": q(lat, 0.9),
                  "hi_lat_p99_ms": q(lat, 0.99), "hi_lat_max_ms": max(lat),
                  "hi_service_mean_ms": statistics.fmean(sv),
                  "hi_service_p50_ms": q(sv, 0.5),
                  "hi_queue_mean_ms": statistics.fmean(
                      r["queue_ms"] for r in highs)})
    d["window_ms"] = window
    done = [r for r in lows if 0 < r["gpu_end_ms"] <= window]
    d["low_done"] = len(done)
    if smode != "isolated_high":
        d["low_tput_per_s"] = len(done) / (window / 1e3)
        if done:
            d["low_service_p50_ms"] = q([r["service_ms"] for r in done], 0.5)
    return d


def part_sharing(out, budget, smoke, pairs, trials, sampler):
    gaps, arr = arrival_trace()
    wt = CsvOut(os.path.join(out, "arrival_trace.csv"), TRACE_COLS)
    for i, (gp, a) in enumerate(zip(gaps, arr)):
        wt.row({"req_id": i, "interarrival_ms": gp, "arrival_ms": a,
                "seed": SEED_TRACE, "mean_gap_ms": MEAN_GAP_MS,
                "generator": "numpy.random.default_rng(seed)."
                             "exponential(mean,n); cumsum"})
    wt.close()
    log("trace: first gap %.5f ms, last arrival %.3f ms" % (gaps[0], arr[-1]))
    n_req = 30 if smoke else N_REQ
    prio_hi = torch.cuda.Stream.priority_range()[1]
    wr = CsvOut(os.path.join(out, "sharing_requests.csv"), REQ_COLS)
    ws = CsvOut(os.path.join(out, "sharing_summary.csv"), SUM_COLS)
    old_sw = sys.getswitchinterval()
    for pname, lm, lb, hm, hb in pairs:
        for emode in ["graph", "eager"]:
            if budget.left() < 45:
                log("sharing: budget exhausted before %s %s" % (pname, emode))
                break
            sys.setswitchinterval(0.0002)
            hi = Tenant(hm, hb, emode)
            lo = Tenant(lm, lb, emode)
            # streams live as long as the tenants: one low stream, one high
            # stream per priority
            sL = torch.cuda.Stream(priority=0)
            sH = {"equal": torch.cuda.Stream(priority=0),
                  "priority": torch.cuda.Stream(priority=prio_hi)}
            sH["isolated_high"] = sH["equal"]
            sH["isolated_low"] = sH["equal"]
            for st in (sH["equal"], sH["priority"]):
                hi.warm(st)
            worker = LowWorker(lo, sL)
            for trial in range(trials):
                for smode in ["isolated_high", "equal", "priority",
                              "isolated_low"]:
                    key = {"pair": pname, "low_model": lm, "low_batch": lb,
                           "high_model": hm, "high_batch": hb,
                           "exec_mode": emode, "sharing_mode": smode,
                           "trial": trial}
                    highs, lows, window = run_sharing_once(
                        hi, worker, sH[smode], smode, arr, n_req)
                    sm = sampler.point()
                    for r in highs + lows:
                        r.update(key)
                        r["dtype"] = "fp16"
                        wr.row(r)
                    srow = summarize(key, highs, lows, window,
                                     sH[smode].priority, sL.priority, smode)
                    srow["note"] = "sm_clock_after_mhz=%s" % sm
                    ws.row(srow)
                    log("sharing %s %s %s t%d: hi mean %s p99 %s, low %s/s"
                        % (pname, emode, smode, trial,
                           fmt(srow.get("hi_lat_mean_ms")),
                           fmt(srow.get("hi_lat_p99_ms")),
                           fmt(srow.get("low_tput_per_s"))))
            worker.close()
            sys.setswitchinterval(old_sw)
            del hi, lo, worker
            torch.cuda.synchronize()
            torch.cuda.empty_cache()
    wr.close()
    ws.close()


# --------------------------------------------------------------------------
# FLOP / byte bookkeeping per module call (layers.csv conventions)
# --------------------------------------------------------------------------
def first_tensor(obj):
    if torch.is_tensor(obj):
        return obj
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)):
        for o in obj:
            t = first_tensor(o)
            if t is not None:
                return t
    if hasattr(obj, "to_tuple"):
        return first_tensor(obj.to_tuple())
    return None


def shape_s(t):
    return "x".join(str(v) for v in t.shape) if t is not None else ""


def nbytes(t):
    return t.numel() * t.element_size() if t is not None else 0


def own_weight_bytes(m):
    b = 0
    for p in m.parameters(recurse=False):
        b += p.numel() * p.element_size()
    for bf in m.buffers(recurse=False):
        if bf.dim() > 0 and bf.numel() > 1:
            b += bf.numel() * bf.element_size()
    return b


def is_attention_core(m):
    if not type(m).__name__.endswith("Attention"):
        return False
    return not any(type(c).__name__.endswith("Attention")
                   for c in m.modules() if c is not m)


def layer_facts(m, tin, tout, leaf, heads):
    """flops, weight_bytes, in_bytes, out_bytes, note for one call."""
    typ = type(m).__name__
    note = ""
    wb = own_weight_bytes(m)
    ib, ob = nbytes(tin), nbytes(tout)
    flops = None
    if typ == "Conv2d" and tout is not None:
        n, co, ho, wo = tout.shape
        kh, kw = m.kernel_size
        flops = 2 * n * co * ho * wo * (m.in_channels // m.groups) * kh * kw
        if m.bias is not None:
            flops += tout.numel()
    elif typ == "Linear" and tin is not None:
        rows = tin.numel() // m.in_features
        flops = 2 * rows * m.in_features * m.out_features
        if m.bias is not None:
            flops += rows * m.out_features
    elif typ == "Conv1D" and tin is not None:
        fin, fout = m.weight.shape
        rows = tin.numel() // fin
        flops = 2 * rows * fin * fout + rows * fout
    elif typ.startswith("BatchNorm") and tin is not None:
        flops = 2 * tin.numel()
    elif typ == "LayerNorm" and tin is not None:
        flops = 5 * tin.numel()
        note = "approx"
    elif typ in ACT_TYPES and tout is not None:
        flops = tout.numel()
        note = "approx"
    elif typ in ("MaxPool2d", "AvgPool2d") and tout is not None:
        k = m.kernel_size
        k = k if isinstance(k, (tuple, list)) else (k, k)
        flops = k[0] * k[1] * tout.numel()
    elif typ.startswith("AdaptiveAvgPool") and tin is not None:
        flops = tin.numel()
    elif typ in ZERO_TYPES:
        flops = 0
        if typ == "Embedding" and tin is not None:
            wb = tin.numel() * m.embedding_dim * m.weight.element_size()
            note = "weight_bytes=gathered rows"
    elif is_attention_core(m) and tin is not None and tin.dim() == 3:
        b, s, e = tin.shape
        flops = 4 * b * s * s * e + 5 * b * heads * s * s
        ib = 3 * nbytes(tin)
        ob = nbytes(tin)
        note = ("attention core only (children separate); "
                "non-causal count")
    elif leaf:
        note = "no flop convention for this type"
    return flops, wb, ib, ob, note


class Hooks:
    """Pre/post hooks on every module: a record_function range per call
    (``L#<call_idx>``) and the call's shapes and FLOPs."""

    def __init__(self, model, heads):
        self.heads = heads
        self.path = {id(m): n for n, m in model.named_modules()}
        self.calls = []
        self.stack = []
        self.ranges = True
        self.handles = []
        for m in model.modules():
            self.handles.append(m.register_forward_pre_hook(
                self.pre, with_kwargs=True))
            self.handles.append(m.register_forward_hook(
                self.post, with_kwargs=True))

    def reset(self):
        self.calls = []
        self.stack = []

    def pre(self, m, args, kwargs):
        tin = first_tensor(args)
        if tin is None:
            tin = first_tensor(kwargs)
        idx = len(self.calls)
        leaf = next(iter(m.children()), None) is None
        self.calls.append({"m": m, "call_idx": idx, "depth": len(self.stack),
                           "layer_name": self.path[id(m)] or "<root>",
                           "layer_type": type(m).__name__,
                           "is_leaf": int(leaf),
                           "attention_core": int(is_attention_core(m)),
                           "tin": tin})
        rf = None
        if self.ranges:
            rf = torch.profiler.record_function("L#%d" % idx)
            rf.__enter__()
        self.stack.append((idx, rf))

    def post(self, m, args, kwargs, output):
        idx, rf = self.stack.pop()
        c = self.calls[idx]
        tin, tout = c.pop("tin"), first_tensor(output)
        flops, wb, ib, ob, note = layer_facts(m, tin, tout, c["is_leaf"],
                                              self.heads)
        w = getattr(m, "weight", None)
        c.update({"in_shape": shape_s(tin), "out_shape": shape_s(tout),
                  "weight_shape": shape_s(w) if torch.is_tensor(w) else "",
                  "in_dtype": str(tin.dtype).replace("torch.", "")
                  if tin is not None else "",
                  "flops": flops, "weight_bytes": wb, "in_bytes": ib,
                  "out_bytes": ob, "bytes_total": wb + ib + ob,
                  "note": note})
        c["flops_per_byte"] = (flops / c["bytes_total"]
                               if flops is not None and c["bytes_total"]
                               else (0 if flops == 0 else None))
        del c["m"]
        if rf is not None:
            rf.__exit__(None, None, None)

    def remove(self):
        for h in self.handles:
            h.remove()


def count_flops(name, model, batch, dtype, heads):
    """FLOPs of one forward at `batch` (hooks only, no profiler)."""
    hk = Hooks(model, heads)
    hk.ranges = False
    x = make_input(name, batch, dtype)
    with torch.inference_mode():
        forward_fn(name, model, x)()
    torch.cuda.synchronize()
    hk.remove()
    return sum(c["flops"] or 0 for c in hk.calls
               if c["is_leaf"] or c["attention_core"])


# --------------------------------------------------------------------------
# Part e2e
# --------------------------------------------------------------------------
def heads_of(model):
    cfg = getattr(model, "config", None)
    return getattr(cfg, "num_attention_heads", 0) if cfg is not None else 0


def part_e2e(out, budget, models, batches, dtypes, sampler, smoke):
    w = CsvOut(os.path.join(out, "e2e_latency.csv"), E2E_COLS)
    for name in models:
        for dt in dtypes:
            if budget.left() < 20:
                log("e2e: budget exhausted at %s %s" % (name, dt))
                break
            tdt = tdtype(dt)
            model = build_model(name).to("cuda", tdt)
            params_m = sum(p.numel() for p in model.parameters()) / 1e6
            heads = heads_of(model)
            try:
                fps = count_flops(name, model, 1, tdt, heads) / 1e9
            except Exception as exc:
                log("flops %s: %r" % (name, exc))
                fps = None
            for b in batches:
                if budget.left() < 15:
                    log("e2e: budget exhausted at %s %s b%d" % (name, dt, b))
                    break
                row = {"model": name, "dtype": dt, "batch": b,
                       "params_m": params_m, "attn_impl": attn_impl(model),
                       "flops_per_sample_g": fps}
                try:
                    e2e_one(name, model, b, tdt, row, smoke)
                except Exception as exc:
                    row["error"] = repr(exc)[:200]
                    log("e2e %s %s b%d failed: %r" % (name, dt, b, exc))
                row["sm_clock_mhz"] = sampler.point()
                w.row(row)
                log("e2e %s %s b%d eager %s graph %s ms" % (
                    name, dt, b, fmt(row.get("eager_ms_median")),
                    fmt(row.get("graph_ms_median"))))
            del model
            torch.cuda.synchronize()
            torch.cuda.empty_cache()
    w.close()


def e2e_one(name, model, b, tdt, row, smoke):
    x = make_input(name, b, tdt)
    fn = forward_fn(name, model, x)
    with torch.inference_mode():
        torch.cuda.synchronize()
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        row["first_call_s"] = time.perf_counter() - t
        n, t0 = 0, time.perf_counter()
        last = 0.0
        while n < 5 or (time.perf_counter() - t0 < 0.3 and n < 40):
            t = time.perf_counter()
            fn()
            torch.cuda.synchronize()
            last = time.perf_counter() - t
            n += 1
        reps = 50 if last < 0.010 else 30
        if smoke:
            reps = 10
        row["reps"] = reps
        ev, host = time_events(fn, reps)
        row.update(stats("eager_ms_", ev))
        row["host_ms_median"] = q(host, 0.5)
        row["host_ms_p90"] = q(host, 0.9)
        s = torch.cuda.Event(enable_timing=True)
        e = torch.cuda.Event(enable_timing=True)
        s.record()
        for _ in range(20):
            fn()
        e.record()
        e.synchronize()
        row["pipelined_ms_per_inf"] = s.elapsed_time(e) / 20
        try:
            g, _ = capture_graph(fn)
            for _ in range(3):
                g.replay()
            torch.cuda.synchronize()
            gt, _ = time_events(g.replay, reps)
            st = stats("graph_ms_", gt)
            for k in ["median", "mean", "min", "p90", "max", "std"]:
                row["graph_ms_" + k] = st["graph_ms_" + k]
            row["graph_ok"] = 1
            del g
        except Exception as exc:
            row["graph_ok"] = 0
            row["error"] = ("graph: %r" % (exc,))[:200]
            torch.cuda.synchronize()


# --------------------------------------------------------------------------
# Part prof
# --------------------------------------------------------------------------
GPU_CATS = {"kernel": "kernel", "gpu_memcpy": "memcpy", "gpu_memset": "memset"}
LAUNCH_CATS = {"cuda_runtime", "cuda_driver"}


def load_trace(path):
    with open(path) as f:
        tr = json.load(f)
    return tr["traceEvents"] if isinstance(tr, dict) else tr


def gpu_acts(events):
    acts = []
    for e in events:
        if e.get("ph") != "X":
            continue
        kind = GPU_CATS.get(str(e.get("cat", "")).lower())
        if kind is None:
            continue
        a = e.get("args") or {}
        acts.append({"kind": kind, "name": str(e.get("name", "")),
                     "ts": float(e["ts"]), "dur": float(e.get("dur", 0)),
                     "corr": a.get("correlation"), "args": a})
    acts.sort(key=lambda r: r["ts"])
    return acts


def split_groups(acts, gap_us=15000.0):
    groups, cur, end = [], [], 0.0
    for a in acts:
        if cur and a["ts"] - end > gap_us:
            groups.append(cur)
            cur = []
        end = a["ts"] + a["dur"] if not cur else max(end, a["ts"] + a["dur"])
        cur.append(a)
    if cur:
        groups.append(cur)
    return groups


def group_stats(g):
    gaps = [g[i]["ts"] - (g[i - 1]["ts"] + g[i - 1]["dur"])
            for i in range(1, len(g))]
    busy = sum(a["dur"] for a in g)
    span = max(a["ts"] + a["dur"] for a in g) - g[0]["ts"]
    idle = sum(v for v in gaps if v > 0)
    return {"n": len(g), "busy": busy, "span": span, "idle": idle,
            "frac": idle / span if span > 0 else 0,
            "gmed": q(gaps, 0.5) if gaps else 0,
            "gmean": statistics.fmean(gaps) if gaps else 0,
            "g10": q(gaps, 0.1) if gaps else 0,
            "g90": q(gaps, 0.9) if gaps else 0,
            "gmax": max(gaps) if gaps else 0}


def attribute_hooked(events):
    """Kernel -> call_idx of the innermost L# range open at its launch."""
    ranges, launches = [], {}
    for e in events:
        if e.get("ph") != "X":
            continue
        cat = str(e.get("cat", "")).lower()
        name = str(e.get("name", ""))
        if cat == "user_annotation" and name.startswith("L#"):
            s = float(e["ts"])
            ranges.append((s, s + float(e.get("dur", 0)), int(name[2:])))
        elif cat in LAUNCH_CATS:
            c = (e.get("args") or {}).get("correlation")
            if c is not None:
                launches[c] = float(e["ts"])
    # innermost containing range: the latest-starting one that contains t
    # (ranges nest, so that is the innermost)
    ranges.sort()
    starts = [r[0] for r in ranges]
    import bisect

    def owner(t):
        i = bisect.bisect_right(starts, t) - 1
        while i >= 0:
            s, e, idx = ranges[i]
            if e >= t:
                return idx
            i -= 1
        return None
    return owner, launches


def dims(v):
    if isinstance(v, (list, tuple)) and len(v) == 3:
        return "%dx%dx%d" % tuple(int(x) for x in v), \
            int(v[0]) * int(v[1]) * int(v[2])
    return "", None


def part_prof(out, budget, models, batches, dtypes, tmp):
    from torch.profiler import profile, ProfilerActivity
    wk = CsvOut(os.path.join(out, "kernels.csv"), KERNEL_COLS)
    wl = CsvOut(os.path.join(out, "layers.csv"), LAYER_COLS)
    wp = CsvOut(os.path.join(out, "prof_summary.csv"),
                ["model", "dtype", "batch"] + PROF_COLS)
    wg = CsvOut(os.path.join(out, "kernels_graph.csv"), KERNEL_COLS)
    for name in models:
        for dt in dtypes:
            if budget.left() < 25:
                log("prof: budget exhausted at %s %s" % (name, dt))
                break
            tdt = tdtype(dt)
            model = build_model(name).to("cuda", tdt)
            heads = heads_of(model)
            for b in batches:
                if budget.left() < 20:
                    log("prof: budget exhausted at %s %s b%d" % (name, dt, b))
                    break
                try:
                    prof_one(name, model, b, dt, tdt, heads, wk, wl, wp, wg,
                             tmp, profile, ProfilerActivity)
                except Exception as exc:
                    log("prof %s %s b%d failed: %r" % (name, dt, b, exc))
            del model
            torch.cuda.synchronize()
            torch.cuda.empty_cache()
    wk.close()
    wl.close()
    wp.close()
    wg.close()


def kernel_row(name, dt, b, i, a, start, gap):
    ar = a["args"]
    grid, nb = dims(ar.get("grid"))
    block, tpb = dims(ar.get("block"))
    return {"model": name, "dtype": dt, "batch": b, "k_idx": i,
            "kind": a["kind"], "name": a["name"][:300],
            "start_us": start, "dur_us": a["dur"], "gap_before_us": gap,
            "grid": grid, "block": block, "n_blocks": nb,
            "threads_per_block": tpb,
            "regs": ar.get("registers per thread"),
            "smem_bytes": ar.get("shared memory"),
            "blocks_per_sm": ar.get("blocks per SM"),
            "warps_per_sm": ar.get("warps per SM"),
            "occupancy_pct": ar.get("est. achieved occupancy %"),
            "stream": ar.get("stream")}


def prof_graph(name, fn, dt, b, wg, tmp, profile, PA):
    """Kernels of 3 CUDA-graph replays (CUDA activity only): the kernels
    the graph really runs, which can differ from eager (capture-time
    dispatch); rows of the last replay go to kernels_graph.csv."""
    with torch.inference_mode():
        g, _ = capture_graph(fn)
        g.replay()
        torch.cuda.synchronize()
        with profile(activities=[PA.CUDA]) as p:
            for _ in range(3):
                g.replay()
                torch.cuda.synchronize()
                time.sleep(0.03)
    path = os.path.join(tmp, "graph.json")
    p.export_chrome_trace(path)
    del g
    groups = split_groups(gpu_acts(load_trace(path)))
    if not groups:
        return {}
    last = groups[-1]
    t0 = last[0]["ts"]
    prev_end = None
    for i, a in enumerate(last):
        gap = None if prev_end is None else a["ts"] - prev_end
        prev_end = a["ts"] + a["dur"] if prev_end is None else \
            max(prev_end, a["ts"] + a["dur"])
        wg.row(kernel_row(name, dt, b, i, a, a["ts"] - t0, gap))
    st = [group_stats(gr) for gr in groups]

    def med(k):
        return statistics.median(x[k] for x in st)
    return {"prof_graph_n_kernels": med("n"), "prof_graph_busy_us": med("busy"),
            "prof_graph_span_us": med("span"),
            "prof_graph_idle_us": med("idle")}


def prof_one(name, model, b, dt, tdt, heads, wk, wl, wp, wg, tmp, profile,
             PA):
    x = make_input(name, b, tdt)
    fn = forward_fn(name, model, x)
    with torch.inference_mode():
        for _ in range(5):
            fn()
        torch.cuda.synchronize()
        # clean: CUDA activity only, 3 forwards, each followed by sync + 30 ms
        with profile(activities=[PA.CUDA]) as p:
            for _ in range(3):
                fn()
                torch.cuda.synchronize()
                time.sleep(0.03)
        cpath = os.path.join(tmp, "clean.json")
        p.export_chrome_trace(cpath)
        groups = split_groups(gpu_acts(load_trace(cpath)))
        # hooked: CPU + CUDA, one forward with a range per module call
        hk = Hooks(model, heads)
        hk.ranges = False
        fn()
        torch.cuda.synchronize()
        hk.reset()
        hk.ranges = True
        with profile(activities=[PA.CPU, PA.CUDA]) as p:
            fn()
            torch.cuda.synchronize()
        hk.remove()
        hpath = os.path.join(tmp, "hooked.json")
        p.export_chrome_trace(hpath)
    hev = load_trace(hpath)
    hacts = gpu_acts(hev)
    owner, launches = attribute_hooked(hev)
    calls = hk.calls
    h_owner = []
    for a in hacts:
        t = launches.get(a["corr"])
        h_owner.append(owner(t) if t is not None else None)
    clean = groups[-1] if groups else []
    aligned = int([a["name"] for a in clean] == [a["name"] for a in hacts])
    if aligned:
        acts, src = clean, "clean"
    else:
        acts, src = hacts, "hooked"
        log("prof %s %s b%d: clean/hooked kernel sequences differ (%d vs %d)"
            % (name, dt, b, len(clean), len(hacts)))
    st = [group_stats(gr) for gr in groups]

    def med(k):
        return statistics.median(s[k] for s in st) if st else None
    t0 = acts[0]["ts"] if acts else 0.0
    per_call = {}
    prev_end = None
    for i, a in enumerate(acts):
        ci = h_owner[i] if i < len(h_owner) else None
        c = calls[ci] if ci is not None and ci < len(calls) else None
        start = a["ts"] - t0
        gap = None if prev_end is None else a["ts"] - prev_end
        prev_end = a["ts"] + a["dur"] if prev_end is None else \
            max(prev_end, a["ts"] + a["dur"])
        kr = kernel_row(name, dt, b, i, a, start, gap)
        kr.update({"call_idx": ci if c is not None else None,
                   "layer_name": c["layer_name"] if c else None,
                   "layer_type": c["layer_type"] if c else None})
        wk.row(kr)
        if c is not None:
            per_call.setdefault(ci, []).append((start, a["dur"], gap))
    unattributed = sum(1 for i in range(len(acts))
                       if i >= len(h_owner) or h_owner[i] is None)
    nrows = 0
    for c in calls:
        ks = per_call.get(c["call_idx"], [])
        if not (c["is_leaf"] or c["attention_core"] or ks):
            continue
        r = {k: c.get(k) for k in LAYER_COLS if k in c}
        r.update({"model": name, "dtype": dt, "batch": b,
                  "n_kernels": len(ks), "timing_source": src,
                  "gpu_time_us": sum(k[1] for k in ks)})
        if ks:
            r["first_start_us"] = ks[0][0]
            r["last_end_us"] = max(k[0] + k[1] for k in ks)
            r["gap_before_us"] = ks[0][2]
            r["intra_gap_us"] = sum(max(0.0, ks[j][0] - (ks[j - 1][0] +
                                                         ks[j - 1][1]))
                                    for j in range(1, len(ks)))
        wl.row(r)
        nrows += 1
    try:
        gstats = prof_graph(name, fn, dt, b, wg, tmp, profile, PA)
    except Exception as exc:
        log("prof graph %s %s b%d failed: %r" % (name, dt, b, exc))
        gstats = {}
    wp.row({"model": name, "dtype": dt, "batch": b, **gstats,
            "prof_n_groups": len(groups), "prof_n_kernels": med("n"),
            "prof_busy_us": med("busy"), "prof_span_us": med("span"),
            "prof_idle_us": med("idle"), "prof_idle_frac": med("frac"),
            "prof_gap_median_us": med("gmed"),
            "prof_gap_mean_us": med("gmean"),
            "prof_gap_p10_us": med("g10"), "prof_gap_p90_us": med("g90"),
            "prof_gap_max_us": med("gmax"), "prof_aligned": aligned,
            "prof_layer_rows": nrows,
            "prof_unattributed_kernels": unattributed})
    log("prof %s %s b%d: %d groups, %d kernels, busy %.0f us, idle %.3f, "
        "aligned %d, unattributed %d; graph %s kernels, busy %s us"
        % (name, dt, b, len(groups), len(acts), med("busy") or 0,
           med("frac") or 0, aligned, unattributed,
           fmt(gstats.get("prof_graph_n_kernels")),
           fmt(gstats.get("prof_graph_busy_us"))))


# --------------------------------------------------------------------------
# Merge (no torch needed)
# --------------------------------------------------------------------------
def merge(d):
    with open(os.path.join(d, "prof_summary.csv")) as f:
        prof = {(r["model"], r["dtype"], r["batch"]): r
                for r in csv.DictReader(f)}
    path = os.path.join(d, "e2e_latency.csv")
    with open(path) as f:
        rows = list(csv.DictReader(f))
    hit = 0
    for r in rows:
        p = prof.get((r["model"], r["dtype"], r["batch"]))
        if p:
            hit += 1
            for c in PROF_COLS:
                r[c] = p.get(c, "")
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=E2E_COLS)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in E2E_COLS})
    os.replace(tmp, path)
    print("merged prof columns into %d of %d rows (%d prof rows)"
          % (hit, len(rows), len(prof)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    ap.add_argument("--parts", default="micro,sharing,e2e,prof")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--batches", default=",".join(map(str, BATCHES)))
    ap.add_argument("--prof-batches", default=",".join(map(str, PROF_BATCHES)))
    ap.add_argument("--dtypes", default=",".join(DTYPES))
    ap.add_argument("--pairs", default=",".join(p[0] for p in PAIRS))
    ap.add_argument("--trials", type=int, default=2)
    ap.add_argument("--budget-s", type=float, default=520.0)
    ap.add_argument("--tag", default="run")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny settings: one pass through every code path")
    ap.add_argument("--merge", metavar="DIR",
                    help="join DIR/prof_summary.csv into DIR/e2e_latency.csv")
    a = ap.parse_args()
    if a.merge:
        merge(a.merge)
        return 0
    if torch is None or not torch.cuda.is_available():
        print("error: needs torch with a CUDA GPU", file=sys.stderr)
        return 2
    parts = a.parts.split(",")
    models = a.models.split(",")
    for m in models:
        if m not in MODELS:
            print("error: unknown model %s" % m, file=sys.stderr)
            return 2
    batches = [int(v) for v in a.batches.split(",")]
    pbatches = [int(v) for v in a.prof_batches.split(",")]
    dtypes = a.dtypes.split(",")
    pairs = [p for p in PAIRS if p[0] in a.pairs.split(",")]
    os.makedirs(a.out, exist_ok=True)
    budget = Budget(a.budget_s)
    torch.backends.cudnn.benchmark = True
    sampler = Sampler()
    env = env_info()
    envpath = os.path.join(a.out, "env_%s.json" % a.tag)

    def write_env(done):
        env["parts_done"] = done
        env["elapsed_s"] = round(time.time() - T0, 1)
        env["clock_samples"] = sampler.summary()
        with open(envpath, "w") as f:
            json.dump(env, f, indent=1, default=str)
    write_env([])
    log("env: %s" % json.dumps({k: env.get(k) for k in
                                ["torch", "cuda_runtime", "cudnn",
                                 "transformers", "device", "settings"]},
                               default=str))
    tmp = "/tmp/gpucal_traces"
    os.makedirs(tmp, exist_ok=True)
    done = []
    for part in ["micro", "sharing", "e2e", "prof"]:
        if part not in parts:
            continue
        sampler.phase = part
        log("== part %s (budget left %.0f s)" % (part, budget.left()))
        if part == "micro":
            sampler.start()
            part_micro(a.out, budget, a.smoke)
            sampler.finish()
        elif part == "sharing":
            part_sharing(a.out, budget, a.smoke, pairs, a.trials, sampler)
        elif part == "e2e":
            part_e2e(a.out, budget, models, batches, dtypes, sampler, a.smoke)
        elif part == "prof":
            part_prof(a.out, budget, models, pbatches, dtypes, tmp)
        done.append(part)
        write_env(done)
    sampler.finish()
    write_env(done)
    log("all done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
