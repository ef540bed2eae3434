#!/usr/bin/env python3
"""Measure a per-layer GPU latency / activation-state table of torchvision CNNs.

What it measures
----------------
For each (network, batch) it runs a torchvision model (random weights,
``weights=None``, ``eval()``, ``torch.inference_mode()``, fp16 via ``.half()``,
NCHW input ``batch x 3 x 224 x 224``) on the current CUDA GPU and writes:

* ``<prefix>_torchvision.csv`` with columns
  ``network,batch,layer,latency_ns,state_bytes`` -- one row per layer, in
  execution order (the order in which the layers finish):

  - ``layer``: the module path (``layer1.0.conv1``).  A module that runs more
    than once in one forward gets ``#k`` on its k-th call (``layer1.0.relu#2``).
    Kernels that a non-leaf module launches itself (residual adds, ``torch.cat``,
    the squeeze-excitation product, the root's pooling/flatten ...) get their
    own row ``<path>+self`` (``root+self`` for the model itself), placed where
    that module finishes.  Leaf modules always get a row, even without kernels
    (``Dropout``/``Flatten`` in eval launch none); ``+self`` rows exist only
    where the module launches kernels of its own.
  - ``latency_ns``: GPU execution time of the kernels (and memsets/memcpys, if
    any) attributed to that layer, i.e. launched while that layer was the
    innermost running module; the median over the profiled forwards.
    The rows of one (network, batch) add up to the forward's total GPU kernel
    time (checked per repetition, see below).
  - ``state_bytes``: ``torch.cuda.memory_allocated()`` read in the module's
    forward post-hook minus the value read just before the forward started
    (weights, the input and library workspaces kept between calls are in that
    baseline): the bytes of activation state alive at that layer boundary.

* ``<prefix>_e2e.csv``: per (network, batch) the sum of the per-layer medians,
  the median total kernel time of one profiled forward, the CUDA-graph replay
  time of the whole forward and the eager end-to-end time (both: median, p10
  and p90 of single calls timed with CUDA events, GPU idle before each), the
  eager time once more after the profiler has run in the process, plus GPU
  name, versions and the SM clock read through NVML (sampled during the graph
  replays, and read once right after the eager calls).
* ``<prefix>_layer_detail.csv``: per layer also min/max over repetitions and
  the number of kernels (diagnostics).
* ``<prefix>_checks.json`` and ``<prefix>_env.json``: the consistency checks
  and the measurement conditions.

How
---
``torch.backends.cudnn.benchmark = True``; every (network, batch) is warmed up
eagerly first so autotuning and lazy initialisation are out of the numbers.
Phase 1 times every configuration (eager, then CUDA graph; no hooks attached)
before any profiler session exists in the process; phase 2 profiles.
Forward pre/post hooks on every module keep a stack of running modules and
open/close a ``torch.profiler.record_function`` range per module call.  The
forwards run under ``torch.profiler`` (CPU + CUDA activities); from the
exported trace each GPU activity is matched through its CUPTI correlation id
to the CUDA runtime/driver call that launched it, and that launch's host
timestamp is placed in the innermost module range containing it.

Checks (in ``*_checks.json``, failures also printed): every GPU activity
matches a launch inside a module range; per repetition the attributed sum
equals the total time of all GPU activities that executed in that
repetition's time window (found from GPU timestamps alone, independently of
the correlation); the layer sequence and per-layer kernel counts are identical
across repetitions; state bytes are identical across repetitions.

Rerun
-----
    PYTHONUNBUFFERED=1 python3 experiments/calibration/measure_h100_profile.py --out DIR

(``--networks``, ``--batches``, ``--reps`` narrow or widen the run; ``--prefix``
names the files, ``h100`` by default.  ``--cpu-selftest`` exercises the hook,
trace-parsing and attribution logic on the CPU with torch's CPU ops standing
in for kernels; its numbers mean nothing, and with torch builds lacking kineto
some checks fail by construction.)  About 3 minutes on one H100 for the
default 7 networks x 3 batches.
"""

import argparse
import csv
import datetime
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import torch
import torchvision

NETWORKS = ["resnet50", "resnet18", "vgg16", "alexnet", "mobilenet_v2",
            "googlenet", "efficientnet_b0"]
BATCHES = [1, 4, 16]
RANGE_PREFIX = "SL#"
GPU_CATS = ("kernel", "gpu_memcpy", "gpu_memset")
LAUNCH_CATS = ("cuda_runtime", "cuda_driver")


def build_model(name):
    ctor = getattr(torchvision.models, name)
    if name == "googlenet":
        return ctor(weights=None, aux_logits=False, init_weights=True)
    return ctor(weights=None)


# --------------------------------------------------------------------------
# Module hooks: call naming, profiler ranges, activation state
# --------------------------------------------------------------------------
class Recorder:
    """Forward pre/post hooks on every module of a model.

    Per forward it records the module calls (``calls``: name, leaf flag, state
    bytes at the post-hook) and the order in which they finish (``exits``).
    With ``ranges`` on, each call is wrapped in a record_function range named
    ``SL#<rep>#<call index>``.
    """

    def __init__(self, model, memory_fn):
        self.path = {}
        self.leaf = {}
        for name, m in model.named_modules():
            self.path[id(m)] = name
            self.leaf[id(m)] = next(iter(m.children()), None) is None
        self.memory_fn = memory_fn
        self.ranges = False
        self.rep = 0
        self.baseline = 0
        self.stack = []
        self.calls = []
        self.exits = []
        self.counts = {}
        self.handles = []
        for m in model.modules():
            self.handles.append(m.register_forward_pre_hook(self._pre))
            self.handles.append(m.register_forward_hook(self._post))

    def start_forward(self, rep, ranges):
        assert not self.stack, "forward started inside another"
        self.rep = rep
        self.ranges = ranges
        self.calls = []
        self.exits = []
        self.counts = {}
        self.baseline = self.memory_fn()

    def _pre(self, module, args):
        key = id(module)
        path = self.path[key]
        k = self.counts.get(path, 0) + 1
        self.counts[path] = k
        name = path if path else "root"
        if k > 1:
            name += "#%d" % k
        idx = len(self.calls)
        self.calls.append({"name": name, "leaf": self.leaf[key],
                           "state": None})
        rf = None
        if self.ranges:
            rf = torch.profiler.record_function(
                "%s%d#%d" % (RANGE_PREFIX, self.rep, idx))
            rf.__enter__()
        self.stack.append((key, idx, rf))

    def _post(self, module, args, output):
        key, idx, rf = self.stack.pop()
        assert key == id(module), "unbalanced module hooks"
        self.calls[idx]["state"] = self.memory_fn() - self.baseline
        self.exits.append(idx)
        if rf is not None:
            rf.__exit__(None, None, None)

    def remove(self):
        for h in self.handles:
            h.remove()
        self.handles = []


def row_name(call):
    return call["name"] if call["leaf"] else call["name"] + "+self"


# --------------------------------------------------------------------------
# Trace parsing and attribution
# --------------------------------------------------------------------------
def _ns(us):
    return int(round(float(us) * 1000.0))


def parse_trace(path, cpu_mode=False):
    """Return (ranges, gpu, launches, op_ts) from a chrome trace exported by
    torch.

    ranges: list of (start_ns, end_ns, rep, call_idx)
    gpu:    list of dicts {corr, ext, start, dur, name}
    launches: dict correlation id -> launch (runtime/driver call) host time
    op_ts:  dict external id -> host start of the CPU op (fallback: a GPU
            activity whose launch call is missing from the trace is placed at
            the start of the aten op it was launched from)
    In cpu_mode the CPU ops stand in for GPU activities (self-launched).
    """
    with open(path) as f:
        trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    ranges, gpu, launches, op_ts = [], [], {}, {}
    synthetic = 0
    for e in events:
        if e.get("ph") != "X":
            continue
        cat = str(e.get("cat", "")).lower()
        name = str(e.get("name", ""))
        if cat in ("user_annotation", "") and name.startswith(RANGE_PREFIX):
            _, rep, idx = name.split("#")
            s = _ns(e["ts"])
            ranges.append((s, s + _ns(e.get("dur", 0)), int(rep), int(idx)))
        elif cpu_mode:
            # ("" = torch builds without kineto: legacy trace, no categories)
            if cat in ("cpu_op", "") and name.startswith("aten::"):
                synthetic += 1
                s = _ns(e["ts"])
                launches[-synthetic] = s
                gpu.append({"corr": -synthetic, "ext": None, "start": s,
                            "dur": _ns(e.get("dur", 0)), "name": name})
        elif cat == "cpu_op":
            ext = (e.get("args") or {}).get("External id")
            if ext is not None:
                op_ts[ext] = _ns(e["ts"])
        elif cat in LAUNCH_CATS:
            corr = (e.get("args") or {}).get("correlation")
            if corr is not None:
                launches[corr] = _ns(e["ts"])
        elif cat in GPU_CATS:
            a = e.get("args") or {}
            gpu.append({"corr": a.get("correlation"),
                        "ext": a.get("External id"), "start": _ns(e["ts"]),
                        "dur": _ns(e.get("dur", 0)), "name": name})
    return ranges, gpu, launches, op_ts


def innermost_owner(ranges, points):
    """For each point (time_ns, key) find the innermost range containing it.

    Ranges are properly nested intervals (start, end, payload...).  Returns
    ({key: range index or None}, number of nesting violations).
    """
    items = []
    for ri, r in enumerate(ranges):
        items.append((r[0], 0, -r[1], ri))
        items.append((r[1], 2, -r[0], ri))
    for t, key in points:
        items.append((t, 1, 0, key))
    items.sort(key=lambda it: (it[0], it[1], it[2]))
    stack, owner, violations = [], {}, 0
    for t, kind, _, ref in items:
        if kind == 0:
            stack.append(ref)
        elif kind == 1:
            owner[ref] = stack[-1] if stack else None
        else:
            if stack and stack[-1] == ref:
                stack.pop()
            else:
                violations += 1
                if ref in stack:
                    stack.remove(ref)
    return owner, violations


def attribute(ranges, gpu, launches, op_ts):
    """Attribute GPU activities to (rep, call_idx) via their launch time.

    Returns per-(rep, idx) ns and counts, per-rep totals and diagnostics.
    """
    points = []
    no_launch = []
    via_op = 0
    for gi, g in enumerate(gpu):
        t = launches.get(g["corr"])
        if t is None and g["ext"] is not None:
            t = op_ts.get(g["ext"])
            via_op += t is not None
        if t is None:
            no_launch.append(gi)
        else:
            points.append((t, gi))
    owner, violations = innermost_owner(ranges, points)
    ns, cnt, names = {}, {}, {}
    rep_attr = {}
    unowned = []
    for gi, ri in owner.items():
        if ri is None:
            unowned.append(gi)
            continue
        _, _, rep, idx = ranges[ri]
        g = gpu[gi]
        ns[(rep, idx)] = ns.get((rep, idx), 0) + g["dur"]
        cnt[(rep, idx)] = cnt.get((rep, idx), 0) + 1
        names.setdefault((rep, idx), []).append((g["start"], g["name"]))
        rep_attr[rep] = rep_attr.get(rep, 0) + g["dur"]
    return {"ns": ns, "cnt": cnt, "names": names, "rep_attr": rep_attr,
            "no_launch": no_launch, "unowned": unowned, "via_op": via_op,
            "violations": violations}


def window_totals(ranges, gpu):
    """Independent per-rep totals: GPU activities by GPU start time falling in
    [root start of rep r, root start of rep r+1)."""
    roots = sorted((s, rep) for s, e, rep, idx in ranges if idx == 0)
    totals = {rep: 0 for _, rep in roots}
    before = 0
    for g in gpu:
        owner = None
        for s, rep in roots:
            if g["start"] >= s:
                owner = rep
            else:
                break
        if owner is None:
            before += g["dur"]
        else:
            totals[owner] += g["dur"]
    return totals, before


# --------------------------------------------------------------------------
# Clock sampling
# --------------------------------------------------------------------------
class ClockSampler:
    """Samples the SM / memory clock through NVML on a thread while active."""

    def __init__(self, device_index=0, period_s=0.01):
        self.ok = False
        self.period = period_s
        try:
            import pynvml
            pynvml.nvmlInit()
            self.nvml = pynvml
            self.h = pynvml.nvmlDeviceGetHandleByIndex(device_index)
            self.ok = True
        except Exception as exc:  # pragma: no cover - depends on machine
            print("NVML unavailable: %r" % (exc,))
        self.samples = []
        self._stop = threading.Event()
        self._thr = None

    def read(self):
        if not self.ok:
            return None, None
        n = self.nvml
        return (n.nvmlDeviceGetClockInfo(self.h, n.NVML_CLOCK_SM),
                n.nvmlDeviceGetClockInfo(self.h, n.NVML_CLOCK_MEM))

    def max_sm(self):
        if not self.ok:
            return None
        n = self.nvml
        return n.nvmlDeviceGetMaxClockInfo(self.h, n.NVML_CLOCK_SM)

    def _loop(self):
        while not self._stop.is_set():
            self.samples.append(self.read())
            time.sleep(self.period)

    def __enter__(self):
        self.samples = []
        if self.ok:
            self._stop.clear()
            self._thr = threading.Thread(target=self._loop, daemon=True)
            self._thr.start()
        return self

    def __exit__(self, *exc):
        if self._thr is not None:
            self._stop.set()
            self._thr.join()
            self._thr = None
        return False


# --------------------------------------------------------------------------
# Measurement of one (network, batch)
# --------------------------------------------------------------------------
def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize()


def profile_layers(net, model, batch, args, dev, dtype, tmpdir):
    """Per-layer attribution and state of one (network, batch)."""
    cpu_mode = dev.type != "cuda"
    mem_fn = torch.cuda.memory_allocated if not cpu_mode else (lambda: 0)
    x = torch.randn(batch, 3, 224, 224, device=dev).to(dtype)

    t0 = time.time()
    out = None
    for _ in range(args.warmup):
        out = model(x)
    sync(dev)
    out = None
    t_warm = time.time() - t0

    rec = Recorder(model, mem_fn)
    checks = {"network": net, "batch": batch}

    # --- activation state, hooks without ranges --------------------------
    mem_runs = []
    for r in range(3):
        rec.start_forward(-100 - r, ranges=False)
        out = model(x)
        sync(dev)
        out = None
        mem_runs.append(([row_name(rec.calls[i]) for i in rec.exits],
                         [rec.calls[i]["state"] for i in rec.exits]))
    seq0, state0 = mem_runs[0]
    checks["state_identical_over_mem_runs"] = all(
        s == seq0 and st == state0 for s, st in mem_runs)

    # --- profiled forwards ------------------------------------------------
    acts = [torch.profiler.ProfilerActivity.CPU]
    if not cpu_mode:
        acts.append(torch.profiler.ProfilerActivity.CUDA)
    n_warm_prof = 3
    reps = list(range(-n_warm_prof, args.reps))
    per_rep_calls = {}
    with torch.profiler.profile(activities=acts, record_shapes=False,
                                with_stack=False,
                                profile_memory=False) as prof:
        for rep in reps:
            rec.start_forward(rep, ranges=True)
            out = model(x)
            sync(dev)
            out = None
            per_rep_calls[rep] = (list(rec.calls), list(rec.exits))
            time.sleep(0.001)  # separates the reps' GPU windows
    trace_path = os.path.join(tmpdir, "%s_b%d.json" % (net, batch))
    prof.export_chrome_trace(trace_path)
    ranges, gpu, launches, op_ts = parse_trace(trace_path, cpu_mode=cpu_mode)
    trace_mb = os.path.getsize(trace_path) / 1e6
    os.remove(trace_path)
    rec.remove()

    att = attribute(ranges, gpu, launches, op_ts)
    win, before = window_totals(ranges, gpu)
    measured = [r for r in reps if r >= 0]

    # rows: exit order; non-leaf +self rows only where they launched work
    calls0, exits0 = per_rep_calls[measured[0]]
    has_self = set()
    for rep in measured:
        calls, exits = per_rep_calls[rep]
        for i in exits:
            if not calls[i]["leaf"] and att["cnt"].get((rep, i), 0) > 0:
                has_self.add(i)
    keep = [i for i in exits0 if calls0[i]["leaf"] or i in has_self]
    names = [row_name(calls0[i]) for i in keep]
    assert len(set(names)) == len(names), "duplicate layer names"
    for nm in names:
        assert "," not in nm and '"' not in nm and "'" not in nm, nm

    seq_same = True
    cnt_same = True
    state_same = True
    for rep in measured:
        calls, exits = per_rep_calls[rep]
        if [row_name(calls[i]) for i in exits] != \
                [row_name(calls0[i]) for i in exits0]:
            seq_same = False
        for i in keep:
            if att["cnt"].get((rep, i), 0) != att["cnt"].get(
                    (measured[0], i), 0):
                cnt_same = False
        if [calls[i]["state"] for i in exits] != state0:
            state_same = False
    checks["layer_sequence_identical"] = seq_same and \
        [row_name(calls0[i]) for i in exits0] == seq0
    checks["kernel_counts_identical"] = cnt_same
    checks["state_identical_profiled_vs_mem_runs"] = state_same
    checks["gpu_activities"] = len(gpu)
    checks["gpu_activities_without_launch"] = len(att["no_launch"])
    checks["gpu_activities_placed_via_aten_op"] = att["via_op"]
    checks["gpu_activities_outside_ranges"] = len(att["unowned"])
    checks["range_nesting_violations"] = att["violations"]
    checks["gpu_ns_before_first_forward"] = before
    checks["trace_mb"] = round(trace_mb, 2)
    mism = []
    for rep in reps:
        a = att["rep_attr"].get(rep, 0)
        # rows of this rep: same call indices as rep 0 of the measured set
        rows_sum = sum(att["ns"].get((rep, i), 0) for i in
                       per_rep_calls[rep][1])
        if not (a == rows_sum == win.get(rep, -1)):
            mism.append({"rep": rep, "attributed": a, "rows": rows_sum,
                         "window": win.get(rep)})
    checks["rep_sum_mismatches"] = mism
    dropped = [i for i in exits0 if i not in keep and any(
        att["cnt"].get((rep, i), 0) for rep in measured)]
    checks["dropped_calls_with_kernels"] = len(dropped)

    rows = []
    for i, nm in zip(keep, names):
        vals = [att["ns"].get((rep, i), 0) for rep in measured]
        kcnt = att["cnt"].get((measured[0], i), 0)
        kn = [n for _, n in sorted(att["names"].get((measured[0], i), []))]
        rows.append({"layer": nm, "latency_ns": int(round(
            statistics.median(vals))), "min_ns": min(vals),
            "max_ns": max(vals), "kernels": kcnt,
            "state_bytes": calls0[i]["state"], "kernel_names": kn})
    per_rep_tot = [att["rep_attr"].get(rep, 0) for rep in measured]
    layer_sum_ns = sum(r["latency_ns"] for r in rows)

    # --- eager timing after the profiler session (for comparison) --------
    post = time_forward(model, x, args.timing_reps, None, graph=False)

    summary = {
        "network": net, "batch": batch, "n_layers": len(rows),
        "kernels_per_forward": sum(r["kernels"] for r in rows),
        "layer_sum_ms": layer_sum_ns / 1e6,
        "forward_kernel_ms_median": statistics.median(per_rep_tot) / 1e6,
        "eager_after_profiler_ms": post["eager_ms"],
        "warmup_s": round(t_warm, 2),
    }
    return rows, summary, checks


def _q(vals, q):
    v = sorted(vals)
    return v[min(len(v) - 1, max(0, int(round(q * (len(v) - 1)))))]


def time_forward(model, x, n, clocks, graph=True):
    """Eager and CUDA-graph timing of the whole forward (no hooks attached).

    Each eager call / graph replay is timed alone with CUDA events and the GPU
    is idle before it (synchronize after every call), so the eager time
    includes the host-side launch gaps and the graph time the device-side
    gaps between the graph's kernels.  Returns medians and p10/p90 in ms.
    """
    res = {}
    if x.device.type != "cuda":
        ts = []
        for _ in range(n):
            t1 = time.perf_counter()
            model(x)
            ts.append((time.perf_counter() - t1) * 1e3)
        res["eager_ms"] = statistics.median(ts)
        return res
    st = [torch.cuda.Event(enable_timing=True) for _ in range(n)]
    en = [torch.cuda.Event(enable_timing=True) for _ in range(n)]
    gc.collect()
    gc.disable()
    try:
        for _ in range(10):
            out = model(x)
        torch.cuda.synchronize()
        out = None
        for k in range(n):
            st[k].record()
            out = model(x)
            en[k].record()
            torch.cuda.synchronize()
            out = None
        ms = [a.elapsed_time(b) for a, b in zip(st, en)]
        res.update(eager_ms=statistics.median(ms), eager_p10_ms=_q(ms, .1),
                   eager_p90_ms=_q(ms, .9))
        if clocks is not None:
            res["sm_after_eager"] = clocks.read()[0]
        if not graph:
            return res

        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                out = model(x)
        torch.cuda.current_stream().wait_stream(side)
        torch.cuda.synchronize()
        out = None
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            g_out = model(x)
        for _ in range(10):
            g.replay()
        torch.cuda.synchronize()
        with clocks:
            for k in range(n):
                st[k].record()
                g.replay()
                en[k].record()
                torch.cuda.synchronize()
        ms = [a.elapsed_time(b) for a, b in zip(st, en)]
        res.update(graph_ms=statistics.median(ms), graph_p10_ms=_q(ms, .1),
                   graph_p90_ms=_q(ms, .9))
        # the replayed graph computes what eager does (same algorithms)
        ref = model(x)
        torch.cuda.synchronize()
        res["graph_vs_eager_max_abs_diff"] = float(
            (g_out.float() - ref.float()).abs().max())
        del g, g_out, ref
    finally:
        gc.enable()
    sm = [c[0] for c in clocks.samples if c and c[0] is not None]
    mm = [c[1] for c in clocks.samples if c and c[1] is not None]
    if sm:
        res.update(sm_med=statistics.median(sm), sm_min=min(sm),
                   sm_max=max(sm), mem_med=statistics.median(mm))
    return res


# --------------------------------------------------------------------------
def env_info(dev, clocks):
    info = {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "python": platform.python_version(),
        "torch": torch.__version__, "torchvision": torchvision.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if dev.type == "cuda" else None,
        "host": platform.node(), "kernel": platform.release(),
    }
    if dev.type == "cuda":
        p = torch.cuda.get_device_properties(dev)
        info.update({"gpu": p.name, "sm_count": p.multi_processor_count,
                     "gpu_mem_bytes": p.total_memory,
                     "cudnn_benchmark": torch.backends.cudnn.benchmark,
                     "max_sm_clock_mhz": clocks.max_sm()})
        q = ("name,driver_version,pstate,clocks.sm,clocks.mem,clocks.max.sm,"
             "clocks.max.mem,clocks.applications.graphics,power.draw,"
             "power.limit,temperature.gpu,persistence_mode,compute_mode")
        try:
            info["nvidia_smi"] = subprocess.run(
                ["nvidia-smi", "--query-gpu=" + q, "--format=csv"],
                capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception as exc:
            info["nvidia_smi"] = "failed: %r" % (exc,)
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--prefix", default="h100")
    ap.add_argument("--networks", default=",".join(NETWORKS))
    ap.add_argument("--batches", default=",".join(map(str, BATCHES)))
    ap.add_argument("--reps", type=int, default=21,
                    help="profiled forwards per (network, batch)")
    ap.add_argument("--warmup", type=int, default=20,
                    help="eager warm-up forwards before measuring")
    ap.add_argument("--timing-reps", type=int, default=200,
                    help="timed eager calls and graph replays")
    ap.add_argument("--cpu-selftest", action="store_true",
                    help="logic test on the CPU (numbers meaningless)")
    args = ap.parse_args()

    if args.reps < 10:
        ap.error("--reps must be at least 10")
    os.makedirs(args.out, exist_ok=True)
    if args.cpu_selftest:
        dev, dtype = torch.device("cpu"), torch.float32
    else:
        if not torch.cuda.is_available():
            sys.exit("no CUDA device")
        dev, dtype = torch.device("cuda", 0), torch.float16
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    clocks = ClockSampler() if dev.type == "cuda" else None

    env = env_info(dev, clocks) if dev.type == "cuda" else env_info(dev, None)
    print(json.dumps(env, indent=1))
    pre = os.path.join(args.out, args.prefix)
    with open(pre + "_env.json", "w") as f:
        json.dump(env, f, indent=1)

    prof_f = open(pre + "_torchvision.csv", "w", newline="")
    prof_w = csv.writer(prof_f)
    prof_w.writerow(["network", "batch", "layer", "latency_ns",
                     "state_bytes"])
    det_f = open(pre + "_layer_detail.csv", "w", newline="")
    det_w = csv.writer(det_f)
    det_w.writerow(["network", "batch", "layer", "latency_ns", "min_ns",
                    "max_ns", "kernels", "state_bytes", "kernel_names"])
    e2e_cols = ["network", "batch", "n_layers", "kernels_per_forward",
                "layer_sum_ms", "forward_kernel_ms_median",
                "graph_replay_ms", "graph_replay_p10_ms",
                "graph_replay_p90_ms", "eager_ms", "eager_p10_ms",
                "eager_p90_ms", "eager_after_profiler_ms", "gpu", "torch",
                "cuda", "cudnn", "driver", "sm_clock_mhz_median",
                "sm_clock_mhz_min", "sm_clock_mhz_max",
                "sm_clock_mhz_after_eager", "mem_clock_mhz"]
    e2e_f = open(pre + "_e2e.csv", "w", newline="")
    e2e_w = csv.writer(e2e_f)
    e2e_w.writerow(e2e_cols)
    driver = None
    if isinstance(env.get("nvidia_smi"), str) and "\n" in env["nvidia_smi"]:
        driver = env["nvidia_smi"].splitlines()[1].split(",")[1].strip()

    def fmt(v, nd=4):
        return "" if v is None else (
            "%.*f" % (nd, v) if isinstance(v, float) else v)

    nets = args.networks.split(",")
    batches = [int(b) for b in args.batches.split(",")]
    all_checks = []
    failures = []
    tmpdir = tempfile.mkdtemp(prefix="schedlab_prof_")
    models = {}
    timing = {}
    with torch.inference_mode():
        # Phase 1: eager and graph timing of every configuration, before any
        # profiler session exists in this process (so that no CUPTI callback
        # left behind by the profiler can slow the eager launches).
        for net in nets:
            models[net] = build_model(net).eval().to(dev).to(dtype)
            for batch in batches:
                x = torch.randn(batch, 3, 224, 224, device=dev).to(dtype)
                t0 = time.time()
                for _ in range(args.warmup):
                    out = models[net](x)
                sync(dev)
                out = None
                t_w = time.time() - t0
                timing[(net, batch)] = tm = time_forward(
                    models[net], x, args.timing_reps, clocks)
                tm["warmup_s"] = round(t_w, 2)
                print("timing  %-16s b=%-3d graph=%s [%s..%s] eager=%s "
                      "[%s..%s] sm=%s warm-up %.1fs" % (
                          net, batch, fmt(tm.get("graph_ms")),
                          fmt(tm.get("graph_p10_ms")),
                          fmt(tm.get("graph_p90_ms")), fmt(tm.get("eager_ms")),
                          fmt(tm.get("eager_p10_ms")),
                          fmt(tm.get("eager_p90_ms")),
                          fmt(tm.get("sm_med"), 0), t_w))
                del x

        # Phase 2: per-layer profile and activation state.
        for net in nets:
            model = models.pop(net)
            for batch in batches:
                t0 = time.time()
                tm = timing[(net, batch)]
                try:
                    rows, summ, chk = profile_layers(net, model, batch, args,
                                                     dev, dtype, tmpdir)
                except Exception:
                    traceback.print_exc()
                    failures.append((net, batch, ["exception"]))
                    continue
                for r in rows:
                    prof_w.writerow([net, batch, r["layer"], r["latency_ns"],
                                     r["state_bytes"]])
                    det_w.writerow([net, batch, r["layer"], r["latency_ns"],
                                    r["min_ns"], r["max_ns"], r["kernels"],
                                    r["state_bytes"],
                                    ";".join(k.replace(",", " ").replace(
                                        '"', "")[:120]
                                        for k in r["kernel_names"])])
                e2e_w.writerow([
                    net, batch, summ["n_layers"], summ["kernels_per_forward"],
                    fmt(summ["layer_sum_ms"]),
                    fmt(summ["forward_kernel_ms_median"]),
                    fmt(tm.get("graph_ms")), fmt(tm.get("graph_p10_ms")),
                    fmt(tm.get("graph_p90_ms")), fmt(tm.get("eager_ms")),
                    fmt(tm.get("eager_p10_ms")), fmt(tm.get("eager_p90_ms")),
                    fmt(summ["eager_after_profiler_ms"]),
                    env.get("gpu", "cpu"), torch.__version__,
                    torch.version.cuda, env.get("cudnn"), driver,
                    fmt(tm.get("sm_med"), 0), fmt(tm.get("sm_min"), 0),
                    fmt(tm.get("sm_max"), 0), fmt(tm.get("sm_after_eager"), 0),
                    fmt(tm.get("mem_med"), 0)])
                for f in (prof_f, det_f, e2e_f):
                    f.flush()
                chk["seconds"] = round(time.time() - t0, 1)
                chk["warmup_s"] = [tm.get("warmup_s"), summ["warmup_s"]]
                chk["graph_vs_eager_max_abs_diff"] = tm.get(
                    "graph_vs_eager_max_abs_diff")
                all_checks.append(chk)
                bad = [k for k in ("state_identical_over_mem_runs",
                                   "layer_sequence_identical",
                                   "kernel_counts_identical",
                                   "state_identical_profiled_vs_mem_runs")
                       if not chk[k]]
                bad += [k for k in ("gpu_activities_without_launch",
                                    "gpu_activities_outside_ranges",
                                    "range_nesting_violations",
                                    "gpu_ns_before_first_forward",
                                    "dropped_calls_with_kernels",
                                    "graph_vs_eager_max_abs_diff")
                        if chk[k]]
                if chk["rep_sum_mismatches"]:
                    bad.append("rep_sum_mismatches")
                if bad:
                    failures.append((net, batch, bad))
                print("profile %-16s b=%-3d layers=%-4d kern=%-4d sum=%8.4f "
                      "fwd=%8.4f graph=%s eager=%s eager_after_prof=%s "
                      "%4.1fs %s" % (
                          net, batch, summ["n_layers"],
                          summ["kernels_per_forward"], summ["layer_sum_ms"],
                          summ["forward_kernel_ms_median"],
                          fmt(tm.get("graph_ms")), fmt(tm.get("eager_ms")),
                          fmt(summ["eager_after_profiler_ms"]),
                          chk["seconds"], "CHECK FAILED: %s" % bad
                          if bad else "ok"))
                with open(pre + "_checks.json", "w") as f:
                    json.dump({"checks": all_checks, "failures": failures},
                              f, indent=1)
            del model
            if dev.type == "cuda":
                torch.cuda.empty_cache()
    for f in (prof_f, det_f, e2e_f):
        f.close()
    if dev.type == "cuda":
        env_after = env_info(dev, clocks)
        env["nvidia_smi_after"] = env_after.get("nvidia_smi")
        with open(pre + "_env.json", "w") as f:
            json.dump(env, f, indent=1)
        print(env["nvidia_smi_after"])
    print("failures: %s" % (failures or "none"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
