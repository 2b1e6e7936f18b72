"""PyTorch CPU numbers for the peer benchmark, on the same models and the same inputs.

usage: /usr/bin/python3 tools/reference/bench_torch.py [--threads 1] [--quick] [--inputs bench/target/peer-inputs]
                                                       [--models models] [--out bench/results]

Reads the inputs and reference scores that `./engine bench` wrote (run it first), runs each model directory as a
PyTorch module (graph_torch.GraphModule, eager, torch.no_grad, fp32) and writes
bench/results/<date>-torch-<workload>.json with the same record fields as the Java report
(workload, runtime, threads, p50_us, p99_us, per_second, max_rel_err).
"""
import argparse
import datetime
import json
import os
import platform
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graph_torch import GraphModule  # noqa: E402

MAX_REL_ERR = 1e-4  # the Java report's agreement bar (PeerBench.MAX_REL_ERR)


def machine():
    cpu = platform.processor() or "unknown cpu"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cpus, %s %s" % (cpu, os.cpu_count(), platform.system(), platform.machine())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--inputs", default="bench/target/peer-inputs")
    ap.add_argument("--models", default="models")
    ap.add_argument("--out", default="bench/results")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    warm_s, measure_s = (0.3, 0.7) if a.quick else (2.0, 5.0)
    records = {}
    for fn in sorted(os.listdir(a.inputs)):
        if not fn.endswith(".json"):
            continue
        with open(os.path.join(a.inputs, fn)) as f:
            w = json.load(f)
        model = fn[: -len("-" + w["workload"] + ".json")]
        if not os.path.exists(os.path.join(a.models, model, "model.json")):
            print("skipping %s: no model %s under %s (inputs left by another run)" % (fn, model, a.models))
            continue
        m = GraphModule(os.path.join(a.models, model)).eval()
        rows, T = w["rows"], w["T"]
        xs = []
        for name, dtype, shape in m.input_spec():
            src = w["history_length"] if name == "history_length" else w["fields"][name]
            shp = [rows if s == "B" else s for s in shape]
            xs.append(torch.tensor(src, dtype=dtype).reshape(shp))
        ref = np.array(w["scores"], dtype=np.float64)
        with torch.no_grad():
            got = m(*xs).double().numpy()
            err = float(np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-6)))
            rec = {"model": model, "workload": w["workload"], "runtime": "pytorch-eager", "threads": a.threads, "rows": rows}
            if not err <= MAX_REL_ERR:
                rec.update(status="failed", p50_us=None, p99_us=None, per_second=None, max_rel_err=err,
                           note="scores disagree with %s" % w["reference_runtime"])
            else:
                end = time.perf_counter() + warm_s
                while time.perf_counter() < end:
                    m(*xs)
                ts = []
                end = time.perf_counter() + measure_s
                while len(ts) < 10 or time.perf_counter() < end:
                    t0 = time.perf_counter_ns()
                    m(*xs)
                    ts.append(time.perf_counter_ns() - t0)
                ts = np.sort(np.array(ts, dtype=np.float64))
                rec.update(status="ok", p50_us=ts[len(ts) // 2] / 1e3,
                           p99_us=ts[min(len(ts) - 1, int(np.ceil(len(ts) * 0.99)) - 1)] / 1e3,
                           per_second=rows / (ts.mean() / 1e9), max_rel_err=err, note="%d calls" % len(ts))
        records.setdefault(w["workload"], []).append(rec)
        print("%-8s %-8s %-14s %6d %s" % (model, w["workload"], rec["runtime"], rows,
                                          "p50 %.1f us, p99 %.1f us, max rel err %.1e" % (rec["p50_us"], rec["p99_us"], err)
                                          if rec["status"] == "ok" else "FAILED: max rel err %.3g" % err))
    if not records:
        sys.exit("no inputs under %s: run ./engine bench first" % a.inputs)
    os.makedirs(a.out, exist_ok=True)
    date = datetime.date.today().isoformat()
    for wl, recs in records.items():
        p = os.path.join(a.out, "%s-torch-%s%s.json" % (date, wl, "-quick" if a.quick else ""))
        with open(p, "w") as f:
            json.dump({"date": datetime.datetime.now().astimezone().isoformat(),
                       "command": "/usr/bin/python3 tools/reference/bench_torch.py --threads %d%s" % (a.threads, " --quick" if a.quick else ""),
                       "runtime": "PyTorch %s (eager, CPU)" % torch.__version__, "machine": machine(), "records": recs}, f, indent=2)
        print("wrote", p)


if __name__ == "__main__":
    main()
