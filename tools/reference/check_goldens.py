"""Independent check of the exporters: graph_torch.py, an interpreter of the model format (docs/FORMAT.md)
that reads only a model directory, replays its cases.jsonl and asserts it reproduces the reference scores.

It shares no code with the reference modules or their exporters (only the safetensors reader): if an exporter
wrote a tensor in the wrong layout, a batch norm with the wrong statistics or an op in the wrong order, the
scores differ. It computes in float64, so the tolerance (rtol 1e-5, atol 1e-6, as the engine's conformance suite) also
covers the fp32 rounding of the PyTorch scores.

Usage: /usr/bin/python3 tools/reference/check_goldens.py [DIR ...]   (default: every fixtures/golden/* and fixtures/deepctr/*)
"""
import glob
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graph_torch import GraphModule  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RTOL, ATOL = 1e-5, 1e-6


class Model:
    """graph_torch's interpreter in float64, fed one row per sample."""

    def __init__(self, d):
        self.gm = GraphModule(d, dtype=torch.float64).eval()

    def run(self, samples):
        gm = self.gm
        xs = []
        for name, dtype, shape in gm.input_spec():
            col = []
            for user, hist, cand in samples:
                if name in gm.length_inputs():
                    col.append(self.count(gm.groups[gm.length_inputs()[name]], hist))
                    continue
                where = gm.fields[name][0]
                if where == "history":
                    g = gm.groups[gm.group_of[name]]
                    T, ids = g["T"], hist[name]
                    if len(ids) != self.count(g, hist) or len(ids) > T:
                        raise AssertionError("field %s: %d ids, its group holds %d (max %d)"
                                             % (name, len(ids), self.count(g, hist), T))
                    pad = [g["pad"]] * (T - len(ids))
                    col.append(pad + list(ids) if g["left"] else list(ids) + pad)
                else:
                    col.append((user if where == "user" else cand)[name])
            xs.append(torch.tensor(col, dtype=dtype))
        with torch.no_grad():
            return gm(*xs).numpy()

    @staticmethod
    def count(group, hist):
        """The number of ids a sample sends for a group: its first field's (every field of a group sends as many).
        For a length group that is the length; for an id group, the ids up to max_length, padding included."""
        return len(hist.get(group["fields"][0], []))


def samples_of(req):
    if "batch" in req:
        return [(s.get("user", {}), s.get("history", {}), s["candidate"]) for s in req["batch"]]
    c = req["candidates"]
    n = len(next(iter(c.values())))
    return [(req.get("user", {}), req.get("history", {}), {k: val[i] for k, val in c.items()}) for i in range(n)]


def check(d):
    m = Model(d)
    worst = 0.0
    n = 0
    with open(os.path.join(d, "cases.jsonl")) as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            c = json.loads(line)
            want = np.asarray(c["scores"], dtype=np.float64)
            got = m.run(samples_of(c["request"]))
            if got.shape != want.shape:
                raise AssertionError("%s line %d: %d scores, expected %d" % (d, line_no, got.size, want.size))
            err = np.abs(got - want)
            tol = ATOL + RTOL * np.abs(want)
            if not (err <= tol).all():
                i = int(np.argmax(err - tol))
                raise AssertionError("%s line %d score %d: interpreter %r, reference %r" % (d, line_no, i, got[i], want[i]))
            worst = max(worst, float((err / tol).max()))
            n += want.size
    return n, worst


def self_test(d):
    """The checker must be able to fail: a 1% change of the last dense layer's weight (the logit, on every
    model's score path; an earlier one may feed only a saturated attention) must be caught."""
    m = Model(d)
    last = [op for op in m.gm.cfg["graph"] if op["op"] == "dense"][-1]
    m.gm._w[last["weight"]] = m.gm._w[last["weight"]] * 1.01
    with open(os.path.join(d, "cases.jsonl")) as f:
        for line in f:
            c = json.loads(line)
            want = np.asarray(c["scores"])
            if (np.abs(m.run(samples_of(c["request"])) - want) > ATOL + RTOL * np.abs(want)).any():
                return
    raise AssertionError("%s: a perturbed weight went unnoticed" % d)


def main(argv):
    torch.set_default_dtype(torch.float64)
    dirs = argv[1:] or sorted(p for p in glob.glob(os.path.join(ROOT, "fixtures", "*", "*"))
                              if os.path.exists(os.path.join(p, "cases.jsonl")))
    if not dirs:
        raise SystemExit("no golden directories found")
    for d in dirs:
        n, worst = check(d)
        self_test(d)
        print("ok %-45s %3d scores, worst |diff| = %.2f of the tolerance" % (os.path.relpath(d, ROOT), n, worst))


if __name__ == "__main__":
    main(sys.argv)
