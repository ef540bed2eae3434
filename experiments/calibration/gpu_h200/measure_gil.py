#!/usr/bin/env python3
"""How much one network's launching thread slows another's host (the GIL).

Two tenants that are threads of one Python process share its interpreter
lock.  PyTorch drops the lock inside each op's C++ dispatch and launch, so
a thread holds it only for the Python around its ops, and how long that is
differs between networks (torchvision's modules are thin; Hugging Face's
BERT runs much Python per layer).  The sharing harness (measure_sharing.py)
showed it: resnet18's host time rose 1.26x beside a launching resnet50
thread and mobilenet_v2's 1.70x beside a launching bert_base thread.

This probe measures the slowdown a co-runner causes, as a property of the
co-runner, on reference victims that are not the sharing harness's
pairings:

* a victim runs eager forwards back to back in the main thread, each
  synchronised, and its host time per forward is recorded (the launch
  work: from the call to its return);
* a co-runner runs eager forwards back to back in a second thread
  (measure_sharing.LowThread: at most 2 in flight), or nothing (``alone``);
* segments of ``--seg`` victim forwards run under each (victim, co-runner)
  condition in a seeded random order, round after round, so a slow spell
  of the host falls on every condition alike.

Victims: resnet18 b1 (the reference the model's GIL shares are read from)
and mobilenet_v2 b1 (a check: is the slowdown a property of the co-runner
alone?).  Co-runners: resnet50 b16, bert_base b16, mobilenet_v2 b1,
resnet18 b1, the networks and batches of the sharing harness.
Outputs (``--out``): gil_segments.csv (one row per segment),
gil_summary.csv (per victim and co-runner: host ms alone and beside, the
ratio, over all rounds), env_gil.json.

Run: PYTHONUNBUFFERED=1 python3 measure_gil.py --out DIR
"""
import argparse
import json
import os
import random
import statistics
import sys
import threading
import time

import measure_gpu as mg
import measure_sharing as ms

SEED = 2026
VICTIMS = [("resnet18", 1), ("mobilenet_v2", 1)]
CORUNNERS = [("resnet50", 16), ("bert_base", 16), ("mobilenet_v2", 1),
             ("resnet18", 1)]
SEG_COLS = ["round", "victim", "corunner", "n", "host_ms_mean",
            "host_ms_median", "corunner_done"]
SUM_COLS = ["victim", "corunner", "rounds", "n", "host_ms_alone",
            "host_ms_beside", "ratio", "ratio_median_of_rounds"]


def victim_segment(v, stream, n):
    torch = mg.torch
    host = []
    with torch.inference_mode(), torch.cuda.stream(stream):
        for _ in range(n):
            t0 = time.perf_counter()
            v.run()
            host.append((time.perf_counter() - t0) * 1e3)
            stream.synchronize()
    return host


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--seg", type=int, default=30)
    a = ap.parse_args()
    torch = mg.torch
    if torch is None or not torch.cuda.is_available():
        print("error: needs torch with a CUDA GPU", file=sys.stderr)
        return 2
    os.makedirs(a.out, exist_ok=True)
    torch.backends.cudnn.benchmark = True
    sys.setswitchinterval(0.0002)  # as in the sharing harness
    env = mg.env_info()
    env.update({"rounds": a.rounds, "seg": a.seg, "seed": SEED,
                "switch_interval_s": 0.0002})
    vs = torch.cuda.Stream(priority=0)
    victims = {}
    for name, b in VICTIMS:
        victims[name] = mg.Tenant(name, b, "eager")
        victims[name].warm(vs)
    workers = {}
    for name, b in CORUNNERS:
        workers[name] = ms.LowThread(mg.Tenant(name, b, "eager"),
                                     torch.cuda.Stream(priority=0))
    conds = [(v, c) for v in victims for c in ["alone"] + list(workers)]
    rng = random.Random(SEED)
    segs = mg.CsvOut(os.path.join(a.out, "gil_segments.csv"), SEG_COLS)
    host = {k: [] for k in conds}
    per_round = {k: [] for k in conds}
    for r in range(a.rounds):
        order = list(conds)
        rng.shuffle(order)
        for v, c in order:
            stop = threading.Event()
            if c != "alone":
                workers[c].begin(stop, time.perf_counter())
                time.sleep(0.01)  # the co-runner is launching
            h = victim_segment(victims[v], vs, a.seg)
            stop.set()
            done = len(workers[c].end()) if c != "alone" else 0
            host[(v, c)] += h
            per_round[(v, c)].append(statistics.fmean(h))
            segs.row({"round": r, "victim": v, "corunner": c, "n": len(h),
                      "host_ms_mean": statistics.fmean(h),
                      "host_ms_median": statistics.median(h),
                      "corunner_done": done})
        mg.log("round %d done" % r)
    segs.close()
    summ = mg.CsvOut(os.path.join(a.out, "gil_summary.csv"), SUM_COLS)
    for v, c in conds:
        alone = statistics.fmean(host[(v, "alone")])
        beside = statistics.fmean(host[(v, c)])
        rr = [b / al for b, al in zip(per_round[(v, c)],
                                       per_round[(v, "alone")])]
        summ.row({"victim": v, "corunner": c, "rounds": a.rounds,
                  "n": len(host[(v, c)]), "host_ms_alone": alone,
                  "host_ms_beside": beside, "ratio": beside / alone,
                  "ratio_median_of_rounds": statistics.median(rr)})
        mg.log("%s beside %s: %.3f -> %.3f ms, %.3fx"
               % (v, c, alone, beside, beside / alone))
    summ.close()
    for w in workers.values():
        w.close()
    env["elapsed_s"] = round(time.time() - mg.T0, 1)
    with open(os.path.join(a.out, "env_gil.json"), "w") as f:
        json.dump(env, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
