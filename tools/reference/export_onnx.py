"""Exports a model directory to ONNX with exactly its weights: <dir>/model.onnx.

usage: /usr/bin/python3 tools/reference/export_onnx.py [--no-shape-inference] MODEL_DIR [MODEL_DIR ...]

--no-shape-inference skips the exporter's per-node shape inference: a recurrence over T events is traced
unrolled, and that pass then takes tens of minutes for T of several hundred (ONNX Runtime infers the shapes
itself at load; the peer benchmark's agreement check still guards the result).

The ONNX graph takes per-sample inputs named after the model's fields (graph_torch.input_spec) with a
dynamic batch axis, and returns `score` [B]. A ranking request of N candidates is scored by ONNX Runtime
as a batch of N rows that repeat the user's fields. The peer benchmark checks ONNX Runtime's scores
against the engine's scalar backend before it times anything, so a broken export shows there.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graph_torch import GraphModule  # noqa: E402


def example_inputs(m, batch, seed=0):
    g = torch.Generator().manual_seed(seed)
    xs = []
    lengths = m.length_inputs()
    for name, dtype, shape in m.input_spec():
        shp = [batch if s == "B" else s for s in shape]
        if name in lengths:
            xs.append(torch.randint(0, m.groups[lengths[name]]["T"] + 1, shp, generator=g))
        elif dtype == torch.int64:
            g_, fd = m.fields[name]
            rows = m.cfg["tables"][fd["table"]]["rows"]
            xs.append(torch.randint(0, rows, shp, generator=g))
        else:
            xs.append(torch.randn(shp, generator=g))
    return xs


def export(model_dir, shape_inference=True):
    m = GraphModule(model_dir).eval()
    xs = example_inputs(m, 3)
    names = [n for n, _, _ in m.input_spec()]
    out = os.path.join(model_dir, "model.onnx")
    kw = dict(input_names=names, output_names=["score"],
              dynamic_axes={**{n: {0: "B"} for n in names}, "score": {0: "B"}}, opset_version=13)
    with torch.no_grad():
        if shape_inference:
            torch.onnx.export(m, tuple(xs), out, **kw)
        else:
            # torch 1.13's public export always turns the pass on; its _export takes the switch.
            torch.onnx.utils._export(m, tuple(xs), out, onnx_shape_inference=False, **kw)
    print("wrote %s (%d bytes)" % (out, os.path.getsize(out)))


if __name__ == "__main__":
    args = sys.argv[1:]
    infer = "--no-shape-inference" not in args
    for d in args:
        if d != "--no-shape-inference":
            export(d, shape_inference=infer)
