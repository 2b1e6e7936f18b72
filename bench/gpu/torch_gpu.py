"""PyTorch peer numbers on the GPU, on the same model directories (same weights) as the engine's GPU benchmark.

usage: python3 bench/gpu/torch_gpu.py --out DIR MODEL_DIR_OR_PARENT...

Each model directory runs as tools/reference/graph_torch.GraphModule (an interpreter of the engine's format
written independently of the engine) with its weights on the GPU, fp32, torch.no_grad, in two modes:
  eager       : host int64 inputs -> .to(cuda) -> module -> scores .cpu()
  cuda-graph  : the same call captured once per shape with torch.cuda.CUDAGraph, replayed after copying the
                host inputs into the static input tensors
Both include the host-to-device copy of the inputs and the device-to-host copy of the scores, as the engine's
numbers do. Workloads: the ranking request (one user, history of T events, 200 candidates: 200 rows repeating
the user) and batches of 256..65536 independent samples. GPU scores are checked against the same module on the
CPU before timing (max relative error reported). Writes DIR/torch-gpu.json.
"""
import argparse
import datetime
import json
import os
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
from graph_torch import GraphModule  # noqa: E402

BATCHES = [256, 1024, 4096, 16384, 65536]
MAX_REL_ERR = 1e-4  # same bar as the engine's comparisons: fp32 reordering moves scores ~1e-6 relative


class DeviceGraphModule(GraphModule):
    """GraphModule with every tensor it holds (weights dict, MIMN initial state, ...) on one device, and the
    tensors its ops create on the fly (masks, zero states) made there too."""

    def __init__(self, model_dir, device):
        super().__init__(model_dir)
        self.dev = torch.device(device)

        def move(v):
            if isinstance(v, torch.Tensor):
                return v.to(self.dev)
            if isinstance(v, dict):
                return {k: move(x) for k, x in v.items()}
            if isinstance(v, list):
                return [move(x) for x in v]
            return v

        for k, v in list(vars(self).items()):
            if not k.startswith("_modules") and not k.startswith("_parameters") and not k.startswith("_buffers"):
                setattr(self, k, move(v))

    def _mask(self, lengths):
        t = torch.arange(self.T, device=lengths.device).unsqueeze(0)
        if self.left:
            return t >= (self.T - lengths).unsqueeze(1)
        return t < lengths.unsqueeze(1)

    def forward(self, *inputs):
        if self.dev.type != "cpu" and hasattr(torch, "set_default_device"):
            with torch.device(self.dev):  # torch >= 2.0: zeros/arange inside the interpreter land on the GPU
                return super().forward(*inputs)
        return super().forward(*inputs)


def table_rows(m, name):
    fd = m.fields[name][1]
    return m.cfg["tables"][fd["table"]]["rows"]


def inputs(m, rows, ranking, seed):
    """Host tensors in input_spec order; a ranking request repeats one user's fields over its rows."""
    rng = np.random.default_rng(seed)
    T = m.T
    lengths = np.full(rows, T) if ranking else rng.integers(1, max(T, 1) + 1, rows)
    pad = m.cfg["fields"].get("history", {}).get("padding_id", 0)
    xs = []
    for name, dtype, shape in m.input_spec():
        if name == "history_length":
            xs.append(torch.tensor(lengths, dtype=torch.int64))
            continue
        g = m.fields[name][0]
        if dtype == torch.float32:
            v = rng.standard_normal((rows, shape[1])).astype(np.float32)
            if ranking and g == "user":
                v[:] = v[0]
        elif g == "history":
            n = table_rows(m, name)
            v = np.full((rows, T), pad, dtype=np.int64)
            for r in range(rows):
                L = lengths[r]
                first = T - L if m.left else 0
                v[r, first:first + L] = rng.integers(0, n, L)
            if ranking:
                v[:] = v[0]
        else:
            v = rng.integers(0, table_rows(m, name), rows)
            if ranking and g == "user":
                v[:] = v[0]
        xs.append(torch.from_numpy(np.ascontiguousarray(v)))
    return xs


def timed(fn, warm_s, measure_s):
    end = time.perf_counter() + warm_s
    while time.perf_counter() < end:
        fn()
    ts = []
    end = time.perf_counter() + measure_s
    while len(ts) < 10 or time.perf_counter() < end:
        t0 = time.perf_counter_ns()
        fn()
        ts.append(time.perf_counter_ns() - t0)
    ts = np.sort(np.array(ts, dtype=np.float64))
    return ts


def record(ts, rows):
    return {"p50_us": ts[len(ts) // 2] / 1e3, "p99_us": ts[min(len(ts) - 1, int(np.ceil(len(ts) * 0.99)) - 1)] / 1e3,
            "mean_us": ts.mean() / 1e3, "rows_per_second": rows / (ts.mean() / 1e9), "calls": len(ts)}


def bench_model(d, quick, device):
    dev = torch.device(device)
    cpu = GraphModule(d).eval()
    gpu = DeviceGraphModule(d, dev).eval()
    name = os.path.basename(os.path.normpath(d))
    out = []
    warm, meas = (0.3, 0.7) if quick else (1.0, 3.0)
    work = [("ranking", 200, True)] + [("batch", b, False) for b in BATCHES]
    with torch.no_grad():
        for wl, rows, ranking in work:
            xs = inputs(gpu, rows, ranking, 7)
            ref = cpu(*xs).double().numpy()
            got = gpu(*[x.to(dev) for x in xs]).double().cpu().numpy()
            err = float(np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-6)))
            base = {"model": name, "workload": wl, "rows": rows, "T": gpu.T, "max_rel_err_vs_cpu": err}
            if not err <= MAX_REL_ERR:
                out.append(dict(base, runtime="pytorch-eager-" + dev.type, status="failed"))
                continue

            def eager():
                gpu(*[x.to(dev, non_blocking=True) for x in xs]).cpu()

            out.append(dict(base, runtime="pytorch-eager-" + dev.type, status="ok", **record(timed(eager, warm, meas), rows)))
            if dev.type != "cuda":  # --device cpu: a dry run of inputs and agreement, no graphs
                print("%-14s %-8s %6d  eager p50 %8.1f us (device %s)" % (name, wl, rows, out[-1]["p50_us"], device), flush=True)
                continue
            try:
                static = [x.to(dev) for x in xs]
                s = torch.cuda.Stream()
                s.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(s):
                    for _ in range(3):
                        gpu(*static)
                torch.cuda.current_stream().wait_stream(s)
                g = torch.cuda.CUDAGraph()
                with torch.cuda.graph(g):
                    static_out = gpu(*static)
                pinned = [x.pin_memory() for x in xs]

                def graphed():
                    for st, h in zip(static, pinned):
                        st.copy_(h, non_blocking=True)
                    g.replay()
                    static_out.cpu()

                out.append(dict(base, runtime="pytorch-cudagraph", status="ok", **record(timed(graphed, warm, meas), rows)))
                print("%-14s %-8s %6d  eager p50 %8.1f us   graph p50 %8.1f us   err %.1e"
                      % (name, wl, rows, out[-2]["p50_us"], out[-1]["p50_us"], err), flush=True)
                del g, static, static_out, pinned
            except RuntimeError as e:  # an op the interpreter runs that graph capture refuses
                out.append(dict(base, runtime="pytorch-cudagraph", status="failed", note=str(e)[:300]))
                print("%-14s %-8s %6d  cuda graph capture failed: %s" % (name, wl, rows, str(e)[:120]), flush=True)
            torch.cuda.empty_cache()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--device", default="cuda", help="cpu: dry run of the script without a GPU (eager only)")
    ap.add_argument("--max-batch", type=int, default=BATCHES[-1])
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    BATCHES[:] = [b for b in BATCHES if b <= a.max_batch]
    if a.device == "cuda" and not torch.cuda.is_available():
        sys.exit("torch %s sees no CUDA device: no GPU peer numbers" % torch.__version__)
    dirs = []
    for p in a.dirs:
        if os.path.exists(os.path.join(p, "model.json")):
            dirs.append(p)
        elif os.path.isdir(p):
            dirs += [os.path.join(p, c) for c in sorted(os.listdir(p)) if os.path.exists(os.path.join(p, c, "model.json"))]
    recs = []
    for d in dirs:
        try:
            recs += bench_model(d, a.quick, a.device)
        except NotImplementedError as e:  # an op the torch interpreter does not have yet
            recs.append({"model": os.path.basename(d), "status": "skipped", "reason": str(e)})
            print(os.path.basename(d), "skipped:", e)
    p = os.path.join(a.out, "torch-gpu.json")
    with open(p, "w") as f:
        json.dump({"date": datetime.datetime.now().astimezone().isoformat(),
                   "command": "python3 bench/gpu/torch_gpu.py " + " ".join(sys.argv[1:]),
                   "runtime": "PyTorch %s, CUDA %s" % (torch.__version__, torch.version.cuda),
                   "device": torch.cuda.get_device_name(0) if a.device == "cuda" else a.device, "records": recs}, f, indent=2)
    print("wrote", p)


if __name__ == "__main__":
    main()
