#!/usr/bin/env python3
"""Two tenants on one GPU, the redesigned measurement (sharing v2).

Why a second harness (measure_gpu.py's ``sharing`` part is the first): with
a high-tenant request every 5 ms on average, the eager high tenant (about
3 ms of host-bound service per request in that loop) ran close to
saturation, so its latency was queueing that varied threefold between
trials, and nothing measured the host time per request.  This harness:

* draws the high tenant's Poisson arrivals with a mean gap of 25 ms
  (``--gap-ms``), which leaves the slowest eager high tenant (mobilenet_v2
  b1, about 5 ms alone) well below saturation even when sharing the host,
  so the latency measures service (host launches and GPU sharing), which is
  what the model predicts, not a queue on the edge of instability;
* records every request's host time (``host_ms``: from the first op to the
  return of the forward call, the launch work of the host) beside its GPU
  start and end, for both tenants;
* measures each tenant back to back first (``b2b_*`` rows of
  ``sharing2_b2b.csv``: 30 forwards, each synchronised, in the same process
  and thread as the sharing runs), the reference the isolated calibration's
  e2e_latency.csv gives in another process;
* runs two set-ups:

  - ``thread``: both tenants are threads of one Python process (one
    interpreter, one GIL, switch interval 0.2 ms as in measure_gpu.py), one
    CUDA stream each, the high stream at equal or at the highest priority;
    modes ``isolated_high``, ``equal``, ``priority``, ``isolated_low``;
  - ``process``: the low tenant in a child process (its own interpreter and
    CUDA context, no MPS), the high tenant in the parent; mode ``process``
    (stream priorities do not cross contexts).
  - ``interleaved`` (``--plan interleaved:eager,interleaved:graph
    --prefix sharing3``): the ``thread`` modes of both pairs in one
    process, interleaved segment by segment (setup_interleaved), so that
    the host's drift falls on every mode alike.

The low tenant runs back to back with at most 2 inferences in flight (as
measure_gpu.py).  Outputs (``--out``; the prefix is ``--prefix``, default
sharing2): sharing2_trace.csv, sharing2_requests.csv, sharing2_summary.csv,
sharing2_b2b.csv, env_sharing2.json.  Times in ms from the schedule's start (host
perf_counter, CLOCK_MONOTONIC, common to both processes; GPU times through
CUDA events anchored to it).

Run: PYTHONUNBUFFERED=1 python3 measure_sharing.py --out DIR
"""
import argparse
import json
import os
import statistics
import sys
import threading
import time

import measure_gpu as mg

SEED = 2025
GAP_MS = 25.0
N_REQ = 200
TRACE_COLS = ["req_id", "interarrival_ms", "arrival_ms", "seed", "mean_gap_ms"]
REQ_COLS = ["setup", "pair", "exec_mode", "sharing_mode", "trial", "tenant",
            "req_id", "arrival_ms", "host_issue_ms", "host_ms", "gpu_start_ms",
            "gpu_end_ms", "latency_ms", "service_ms", "stream_priority"]
SUM_COLS = ["setup", "pair", "low_model", "low_batch", "high_model",
            "high_batch", "exec_mode", "sharing_mode", "trial", "n_high",
            "hi_lat_mean_ms", "hi_lat_p50_ms", "hi_lat_p99_ms", "hi_lat_max_ms",
            "hi_service_mean_ms", "hi_host_mean_ms", "hi_queue_mean_ms",
            "window_ms", "low_done", "low_tput_per_s", "low_service_mean_ms",
            "low_host_mean_ms", "sm_clock_after_mhz"]
MODES = ["isolated_high", "equal", "priority", "isolated_low"]
B2B_COLS = ["pair", "exec_mode", "tenant", "model", "batch", "reps",
            "e2e_ms_median", "e2e_ms_mean", "host_ms_median", "host_ms_mean"]


def trace(gap, n):
    import numpy
    gaps = numpy.random.default_rng(SEED).exponential(gap, n)
    return [float(v) for v in gaps], [float(v) for v in numpy.cumsum(gaps)]


def b2b(tenant, stream, reps=30):
    """Back to back, each forward synchronised: e2e and host ms."""
    torch = mg.torch
    e2e, host = [], []
    with torch.inference_mode(), torch.cuda.stream(stream):
        for _ in range(reps):
            t0 = time.perf_counter()
            tenant.run()
            t1 = time.perf_counter()
            stream.synchronize()
            t2 = time.perf_counter()
            host.append((t1 - t0) * 1e3)
            e2e.append((t2 - t0) * 1e3)
    return e2e, host


class Anchor:
    """Maps CUDA events of one stream to host ms since t_start."""

    def __init__(self, stream, t_start):
        torch = mg.torch
        self.ref = torch.cuda.Event(enable_timing=True)
        self.ref.record(stream)
        self.ref.synchronize()
        self.off = (time.perf_counter() - t_start) * 1e3

    def ms(self, ev):
        return self.off + self.ref.elapsed_time(ev)


def low_loop(lo, stream, stop_fn, t_start):
    """Back to back, at most 2 in flight, until stop_fn(); rows."""
    torch = mg.torch
    anchor = Anchor(stream, t_start)
    recs = []
    with torch.inference_mode(), torch.cuda.stream(stream):
        i = 0
        while not stop_fn():
            if i >= 2:
                recs[i - 2][3].synchronize()
            st = torch.cuda.Event(enable_timing=True)
            en = torch.cuda.Event(enable_timing=True)
            t = time.perf_counter()
            st.record(stream)
            lo.run()
            t1 = time.perf_counter()
            en.record(stream)
            recs.append((t, t1, st, en))
            i += 1
    stream.synchronize()
    rows = []
    for i, (t, t1, st, en) in enumerate(recs):
        gs, ge = anchor.ms(st), anchor.ms(en)
        rows.append({"tenant": "low", "req_id": i,
                     "host_issue_ms": (t - t_start) * 1e3,
                     "host_ms": (t1 - t) * 1e3, "gpu_start_ms": gs,
                     "gpu_end_ms": ge, "latency_ms": ge - gs,
                     "service_ms": ge - gs,
                     "stream_priority": stream.priority})
    return rows


class LowThread:
    """The low tenant on a persistent thread of this process."""

    def __init__(self, lo, stream):
        self.lo, self.s = lo, stream
        self.cmd = None
        self.cv = threading.Condition()
        self.done = threading.Event()
        self.ready = threading.Event()
        self.thr = threading.Thread(target=self.loop, daemon=True)
        self.thr.start()
        self.ready.wait()

    def loop(self):
        self.lo.warm(self.s)
        self.ready.set()
        while True:
            with self.cv:
                while self.cmd is None:
                    self.cv.wait()
                cmd, self.cmd = self.cmd, None
            if cmd == "quit":
                return
            stop, t_start = cmd
            self.rows = low_loop(self.lo, self.s, stop.is_set, t_start)
            self.done.set()

    def begin(self, stop, t_start):
        self.done.clear()
        with self.cv:
            self.cmd = (stop, t_start)
            self.cv.notify()

    def end(self):
        self.done.wait()
        return self.rows

    def close(self):
        with self.cv:
            self.cmd = "quit"
            self.cv.notify()
        self.thr.join()


def low_child(conn, name, batch, emode):
    """The low tenant in its own process: build, warm, then one schedule
    per command (t_start, t_end) until None."""
    torch = mg.torch
    torch.backends.cudnn.benchmark = True
    lo = mg.Tenant(name, batch, emode)
    s = torch.cuda.Stream(priority=0)
    lo.warm(s)
    conn.send("ready")
    while True:
        cmd = conn.recv()
        if cmd is None:
            return
        t_start, t_end = cmd
        rows = low_loop(lo, s, lambda: time.perf_counter() >= t_end, t_start)
        conn.send(rows)


def high_schedule(hi, sH, arrivals, t_start):
    torch = mg.torch
    anchor = Anchor(sH, t_start)
    recs = []
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
            t1 = time.perf_counter()
            en.record(sH)
            en.synchronize()
            recs.append((a, t, t1, st, en))
    rows = []
    for i, (a, t, t1, st, en) in enumerate(recs):
        gs, ge = anchor.ms(st), anchor.ms(en)
        rows.append({"tenant": "high", "req_id": i, "arrival_ms": a,
                     "host_issue_ms": (t - t_start) * 1e3,
                     "host_ms": (t1 - t) * 1e3, "gpu_start_ms": gs,
                     "gpu_end_ms": ge, "latency_ms": ge - a,
                     "service_ms": ge - gs, "stream_priority": sH.priority})
    return rows


def summarize(key, highs, lows, window, sampler):
    d = dict(key)
    d["n_high"] = len(highs)
    if highs:
        lat = [r["latency_ms"] for r in highs]
        d.update({"hi_lat_mean_ms": statistics.fmean(lat),
                  "hi_lat_p50_ms": mg.q(lat, 0.5),
                  "hi_lat_p99_ms": mg.q(lat, 0.99),
                  "hi_lat_max_ms": max(lat),
                  "hi_service_mean_ms": statistics.fmean(
                      r["service_ms"] for r in highs),
                  "hi_host_mean_ms": statistics.fmean(
                      r["host_ms"] for r in highs),
                  "hi_queue_mean_ms": statistics.fmean(
                      r["host_issue_ms"] - r["arrival_ms"] for r in highs)})
    d["window_ms"] = window
    done = [r for r in lows if 0 < r["gpu_end_ms"] <= window]
    d["low_done"] = len(done)
    if key["sharing_mode"] != "isolated_high":
        d["low_tput_per_s"] = len(done) / (window / 1e3)
        if done:
            d["low_service_mean_ms"] = statistics.fmean(
                r["service_ms"] for r in done)
            d["low_host_mean_ms"] = statistics.fmean(
                r["host_ms"] for r in done)
    d["sm_clock_after_mhz"] = sampler.point()
    return d


class Out:
    def __init__(self, out, prefix, req_cols=REQ_COLS):
        self.req = mg.CsvOut(os.path.join(out, prefix + "_requests.csv"),
                             req_cols)
        self.sum = mg.CsvOut(os.path.join(out, prefix + "_summary.csv"),
                             SUM_COLS)
        self.b2b = mg.CsvOut(os.path.join(out, prefix + "_b2b.csv"), B2B_COLS)

    def run(self, key, highs, lows, window, sampler, s=None):
        for r in highs + lows:
            r.update(key)
            self.req.row(r)
        s = s or summarize(key, highs, lows, window, sampler)
        self.sum.row(s)
        mg.log("%s %s %s %s t%s: hi mean %s p99 %s host %s, low %s/s host %s"
               % (key["setup"], key["pair"], key["exec_mode"],
                  key["sharing_mode"], key["trial"],
                  mg.fmt(s.get("hi_lat_mean_ms")),
                  mg.fmt(s.get("hi_lat_p99_ms")),
                  mg.fmt(s.get("hi_host_mean_ms")),
                  mg.fmt(s.get("low_tput_per_s")),
                  mg.fmt(s.get("low_host_mean_ms"))))

    def close(self):
        self.req.close()
        self.sum.close()
        self.b2b.close()


def b2b_row(out, pair, emode, tenant, name, batch, e2e, host):
    out.b2b.row({"pair": pair, "exec_mode": emode, "tenant": tenant,
                 "model": name, "batch": batch, "reps": len(e2e),
                 "e2e_ms_median": statistics.median(e2e),
                 "e2e_ms_mean": statistics.fmean(e2e),
                 "host_ms_median": statistics.median(host),
                 "host_ms_mean": statistics.fmean(host)})


def pair_tenants(hm, hb, lm, lb, emode):
    """The pair's tenants and streams, the high tenant warmed on both of
    its streams (equal and top priority; isolated_high uses the equal
    one)."""
    torch = mg.torch
    hi = mg.Tenant(hm, hb, emode)
    lo = mg.Tenant(lm, lb, emode)
    sL = torch.cuda.Stream(priority=0)
    sH = {"equal": torch.cuda.Stream(priority=0),
          "priority": torch.cuda.Stream(
              priority=torch.cuda.Stream.priority_range()[1])}
    sH["isolated_high"] = sH["equal"]
    for st in (sH["equal"], sH["priority"]):
        hi.warm(st)
    return hi, lo, sH, sL


def run_mode(hi, sH, worker, mode, arrivals, lead_s):
    """One schedule of the thread set-up under `mode`, the high tenant's
    requests at `arrivals` (ms after a start lead_s from now): its rows,
    the low tenant's rows and the window (ms)."""
    stop = threading.Event()
    t_start = time.perf_counter() + lead_s
    if mode != "isolated_high":
        worker.begin(stop, t_start)
    highs = []
    if mode == "isolated_low":
        window = arrivals[-1] + 5.0
        time.sleep(max(0.0, t_start + window / 1e3 - time.perf_counter()))
    else:
        highs = high_schedule(hi, sH[mode], arrivals, t_start)
        window = highs[-1]["gpu_end_ms"]
    stop.set()
    lows = worker.end() if mode != "isolated_high" else []
    return highs, lows, window


def setup_thread(out, pair, emode, arr, trials, sampler):
    torch = mg.torch
    pname, lm, lb, hm, hb = pair
    sys.setswitchinterval(0.0002)
    hi, lo, sH, sL = pair_tenants(hm, hb, lm, lb, emode)
    worker = LowThread(lo, sL)
    e2e, host = b2b(hi, sH["equal"])
    b2b_row(out, pname, emode, "high", hm, hb, e2e, host)
    for trial in range(trials):
        for smode in MODES:
            key = {"setup": "thread", "pair": pname, "low_model": lm,
                   "low_batch": lb, "high_model": hm, "high_batch": hb,
                   "exec_mode": emode, "sharing_mode": smode, "trial": trial}
            highs, lows, window = run_mode(hi, sH, worker, smode, arr, 0.15)
            out.run(key, highs, lows, window, sampler)
    worker.close()
    # the low tenant back to back in this thread, after the schedules
    e2e, host = b2b(lo, sL)
    b2b_row(out, pname, emode, "low", lm, lb, e2e, host)
    sys.setswitchinterval(0.005)
    del hi, lo, worker
    torch.cuda.synchronize()
    torch.cuda.empty_cache()


def summarize_pooled(key, highs, lows, window, sampler):
    """summarize() for rows pooled over segments: `lows` are the low
    requests that ended inside their segment's window, `window` the sum of
    the segments' windows."""
    d = summarize(key, highs, [], window, sampler)
    d["low_done"] = len(lows)
    if key["sharing_mode"] != "isolated_high":
        d["low_tput_per_s"] = len(lows) / (window / 1e3)
        if lows:
            d["low_service_mean_ms"] = statistics.fmean(
                r["service_ms"] for r in lows)
            d["low_host_mean_ms"] = statistics.fmean(
                r["host_ms"] for r in lows)
    return d


def setup_interleaved(out, pairs, emode, arr, trials, seg_n, sampler,
                      budget):
    """Both pairs' tenants in one process (threads, as setup_thread), their
    four modes interleaved: the trace is cut into segments of seg_n
    requests, and each segment runs under every (pair, mode) in a seeded
    random order before the next segment.  A slow spell of the host (the
    second harness saw a tenant's host time alone differ 1.6x between
    trials minutes apart) then falls on every mode alike instead of on
    one mode's whole trial."""
    import random
    torch = mg.torch
    rng = random.Random("%d:%s" % (SEED, emode))
    sys.setswitchinterval(0.0002)
    ten = {}
    for pname, lm, lb, hm, hb in pairs:
        hi, lo, sH, sL = pair_tenants(hm, hb, lm, lb, emode)
        lo.warm(sL)
        e2e, host = b2b(hi, sH["equal"])
        b2b_row(out, pname, emode, "high", hm, hb, e2e, host)
        e2e, host = b2b(lo, sL)
        b2b_row(out, pname, emode, "low", lm, lb, e2e, host)
        key = {"setup": "interleaved", "pair": pname, "low_model": lm,
               "low_batch": lb, "high_model": hm, "high_batch": hb,
               "exec_mode": emode}
        ten[pname] = (key, hi, sH, LowThread(lo, sL))
    per_trial = len(ten) * len(MODES) * (arr[-1] + 200.0) / 1e3
    for trial in range(trials):
        if budget.left() < per_trial + 20:
            mg.log("budget: skipping %s trials %d.." % (emode, trial))
            break
        acc = {(p, m): ([], [], [0.0]) for p in ten for m in MODES}
        for i0 in range(0, len(arr), seg_n):
            base = arr[i0 - 1] if i0 else 0.0
            seg = [a - base for a in arr[i0:i0 + seg_n]]
            order = [(p, m) for p in ten for m in MODES]
            rng.shuffle(order)
            for p, m in order:
                key, hi, sH, worker = ten[p]
                highs, lows, window = run_mode(hi, sH, worker, m, seg, 0.02)
                lows = [r for r in lows if 0 < r["gpu_end_ms"] <= window]
                for r in highs + lows:
                    r["segment"] = i0 // seg_n
                    for c in ("arrival_ms", "host_issue_ms", "gpu_start_ms",
                              "gpu_end_ms"):
                        if c in r:
                            r[c] += base
                for r in highs:
                    r["req_id"] += i0
                h, lw, w = acc[(p, m)]
                h.extend(highs)
                lw.extend(lows)
                w[0] += window
        for (p, m), (h, lw, w) in acc.items():
            key = dict(ten[p][0], sharing_mode=m, trial=trial)
            out.run(key, h, lw, w[0], sampler,
                    summarize_pooled(key, h, lw, w[0], sampler))
    for key, hi, sH, worker in ten.values():
        worker.close()
    sys.setswitchinterval(0.005)
    del ten
    torch.cuda.synchronize()
    torch.cuda.empty_cache()


def setup_process(out, pair, emode, arr, trials, sampler):
    import multiprocessing
    torch = mg.torch
    pname, lm, lb, hm, hb = pair
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe()
    child = ctx.Process(target=low_child, args=(there, lm, lb, emode),
                        daemon=True)
    child.start()
    hi = mg.Tenant(hm, hb, emode)
    sH = torch.cuda.Stream(priority=0)
    hi.warm(sH)
    if not here.poll(120) or here.recv() != "ready":
        raise RuntimeError("low child did not start")
    for trial in range(trials):
        key = {"setup": "process", "pair": pname, "low_model": lm,
               "low_batch": lb, "high_model": hm, "high_batch": hb,
               "exec_mode": emode, "sharing_mode": "process",
               "trial": trial}
        t_start = time.perf_counter() + 0.3
        here.send((t_start, t_start + (arr[-1] + 60.0) / 1e3))
        highs = high_schedule(hi, sH, arr, t_start)
        window = highs[-1]["gpu_end_ms"]
        lows = here.recv()
        out.run(key, highs, lows, window, sampler)
    here.send(None)
    child.join(30)
    del hi
    torch.cuda.synchronize()
    torch.cuda.empty_cache()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    ap.add_argument("--pairs", default=",".join(p[0] for p in mg.PAIRS))
    ap.add_argument("--plan", default="thread:eager,process:eager,"
                    "process:graph,thread:graph",
                    help="SETUP:EXEC steps, in this order")
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--gap-ms", type=float, default=GAP_MS)
    ap.add_argument("--n-req", type=int, default=N_REQ)
    ap.add_argument("--budget-s", type=float, default=480.0)
    ap.add_argument("--prefix", default="sharing2",
                    help="output file names' prefix (sharing3: interleaved)")
    ap.add_argument("--seg-n", type=int, default=20,
                    help="requests per segment of the interleaved set-up")
    a = ap.parse_args()
    torch = mg.torch
    if torch is None or not torch.cuda.is_available():
        print("error: needs torch with a CUDA GPU", file=sys.stderr)
        return 2
    os.makedirs(a.out, exist_ok=True)
    torch.backends.cudnn.benchmark = True
    budget = mg.Budget(a.budget_s)
    sampler = mg.Sampler()
    env = mg.env_info()
    env["plan"] = a.plan
    env["gap_ms"], env["n_req"], env["seed"] = a.gap_ms, a.n_req, SEED
    gaps, arr = trace(a.gap_ms, a.n_req)
    wt = mg.CsvOut(os.path.join(a.out, a.prefix + "_trace.csv"), TRACE_COLS)
    for i, (g, v) in enumerate(zip(gaps, arr)):
        wt.row({"req_id": i, "interarrival_ms": g, "arrival_ms": v,
                "seed": SEED, "mean_gap_ms": a.gap_ms})
    wt.close()
    inter = "interleaved:" in a.plan
    out = Out(a.out, a.prefix, REQ_COLS + ["segment"] if inter else REQ_COLS)
    pairs = [p for p in mg.PAIRS if p[0] in a.pairs.split(",")]
    done = []
    per_step = 2 * (arr[-1] / 1e3) * 4 * a.trials
    for step in a.plan.split(","):
        setup, emode = step.split(":")
        if setup == "interleaved":
            setup_interleaved(out, pairs, emode, arr, a.trials, a.seg_n,
                              sampler, budget)
            done.append(step)
            continue
        for pair in pairs:
            if budget.left() < per_step / 2 + 20:
                mg.log("budget: skipping %s %s" % (step, pair[0]))
                continue
            try:
                if setup == "thread":
                    setup_thread(out, pair, emode, arr, a.trials, sampler)
                else:
                    setup_process(out, pair, emode, arr, a.trials, sampler)
                done.append("%s:%s" % (step, pair[0]))
            except Exception as exc:
                mg.log("FAILED %s %s: %r" % (step, pair[0], exc))
    out.close()
    env["done"] = done
    env["elapsed_s"] = round(time.time() - mg.T0, 1)
    env["clock_samples"] = sampler.summary()
    with open(os.path.join(a.out, "env_%s.json" % a.prefix), "w") as f:
        json.dump(env, f, indent=1, default=str)
    mg.log("all done: %s" % done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
