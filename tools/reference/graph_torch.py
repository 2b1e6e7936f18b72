"""A model directory (model.json + weights.safetensors, docs/FORMAT.md) as a torch.nn.Module.

An interpreter of the engine's model format written independently of the engine, used to export any
model directory to ONNX with exactly its weights (the peer benchmark's inputs) and to check exported
models. Inputs are per-sample tensors named after the model's fields (see `input_spec`):
  user / candidate id fields: int64 [B]; dense fields: float32 [B, width];
  history id fields: int64 [B, T], already padded with the model's padding id; `history_length`: int64 [B].
Output: float32 [B] scores.
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

PAD_SCORE = -2.0 ** 32 + 1  # the mask value of every original DIN/DIEN attention

_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "I32": np.int32, "I64": np.int64}


def read_safetensors(path):
    """name -> numpy array (BF16 widened to float32)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        buf = data[b:end]
        if e["dtype"] == "BF16":
            a = np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16
            a = a.view(np.float32)
        else:
            a = np.frombuffer(buf, dtype=np.dtype(_DTYPES[e["dtype"]]).newbyteorder("<"))
        out[name] = a.reshape(e["shape"]).copy()
    return out


class GraphModule(torch.nn.Module):
    def __init__(self, model_dir):
        super().__init__()
        with open(os.path.join(model_dir, "model.json")) as f:
            self.cfg = json.load(f)
        w = read_safetensors(os.path.join(model_dir, "weights.safetensors"))
        self._w = {k: torch.from_numpy(v.astype(np.float32) if v.dtype != np.int64 and v.dtype != np.int32 else v.astype(np.int64))
                   for k, v in w.items()}
        fields = self.cfg["fields"]
        hist = fields.get("history") or {}
        self.T = hist.get("max_length", 0)
        self.left = hist.get("padding", "right") == "left"
        self.groups = {}
        self.fields = {}
        for g in ("user", "candidate"):
            for fd in fields.get(g, []):
                self.fields[fd["name"]] = (g, fd)
        for fd in hist.get("fields", []):
            self.fields[fd["name"]] = ("history", fd)

    # -- inputs -------------------------------------------------------------------------------------
    def input_spec(self):
        """[(name, dtype, shape)] of the module's inputs, in forward() order (B is symbolic)."""
        spec = []
        for name, (g, fd) in self.fields.items():
            if "derive" in fd:
                continue
            if "dense" in fd:
                spec.append((name, torch.float32, ("B", fd["dense"])))
            elif g == "history":
                spec.append((name, torch.int64, ("B", self.T)))
            else:
                spec.append((name, torch.int64, ("B",)))
        if self.T:
            spec.append(("history_length", torch.int64, ("B",)))
        return spec

    # -- ops ----------------------------------------------------------------------------------------
    def _mask(self, lengths):
        t = torch.arange(self.T).unsqueeze(0)
        if self.left:
            return t >= (self.T - lengths).unsqueeze(1)
        return t < lengths.unsqueeze(1)

    def _bn(self, bn, x):
        w = self._w
        mean = w[bn["mean"]] if "mean" in bn else 0.0
        var = w[bn["var"]] if "var" in bn else 1.0
        g = w[bn["weight"]] if "weight" in bn else 1.0
        b = w[bn["bias"]] if "bias" in bn else 0.0
        eps = bn.get("eps", 1e-3)
        return g * (x - mean) / torch.sqrt(var + eps) + b if not isinstance(var, float) else g * (x - mean) / math.sqrt(var + eps) + b

    def _act(self, a, x):
        if a is None:
            return x
        t = a["type"]
        if t == "linear":
            return x
        if t == "relu":
            return torch.relu(x)
        if t == "sigmoid":
            return torch.sigmoid(x)
        if t == "tanh":
            return torch.tanh(x)
        if t == "prelu":
            al = self._w[a["alpha"]].reshape(-1)
            return torch.clamp(x, min=0) + al * torch.clamp(x, max=0)
        if t == "dice":
            al = self._w[a["alpha"]].reshape(-1)
            p = torch.full_like(x, 0.5) if a.get("form") == "per_sample" else torch.sigmoid(self._bn(a["bn"], x))
            return al * (1 - p) * x + p * x
        raise ValueError("unknown activation " + t)

    def _layer(self, l, x):
        if "batch_norm_before" in l:
            x = self._bn(l["batch_norm_before"], x)
        x = F.linear(x, self._w[l["weight"]], self._w[l["bias"]] if "bias" in l else None)
        if "batch_norm_after" in l:
            x = self._bn(l["batch_norm_after"], x)
        return self._act(l.get("activation"), x)

    def _attention(self, op, q, k, mask):
        T = k.shape[1]
        qe = q.unsqueeze(1).expand(-1, T, -1)
        x = torch.cat([qe, k, qe - k, qe * k], dim=-1)
        for l in op["layers"]:
            x = self._layer(l, x)
        s = x.squeeze(-1)
        use_mask = op.get("mask", True)
        if op["normalization"] == "softmax":
            if use_mask:
                s = torch.where(mask, s, torch.full_like(s, PAD_SCORE))
            s = torch.softmax(s * op.get("scale", 1.0), dim=-1)
        else:
            if use_mask:
                s = torch.where(mask, s, torch.zeros_like(s))
        if op.get("return", "pooled") == "weights":
            return s.unsqueeze(-1)
        return torch.bmm(s.unsqueeze(1), k).squeeze(1)

    def forward(self, *inputs):
        spec = self.input_spec()
        named = {name: x for (name, _, _), x in zip(spec, inputs)}
        w = self._w
        lengths = named.get("history_length")
        mask = self._mask(lengths) if self.T else None
        ids = {}
        for name, (g, fd) in self.fields.items():
            if "derive" in fd:
                continue
            ids[name] = named[name]
        for name, (g, fd) in self.fields.items():
            if "derive" in fd:
                ids[name] = w[fd["derive"]["map"]][ids[fd["derive"]["from"]]]
        tables = self.cfg["tables"]
        v = {}
        for op in self.cfg["graph"]:
            kind = op["op"]
            if kind == "embedding":
                fd = self.fields[op["field"]][1]
                v[op["out"]] = w[tables[fd["table"]]["tensor"]][ids[op["field"]]]
            elif kind == "dense_input":
                v[op["out"]] = named[op["field"]]
            elif kind == "concat":
                v[op["out"]] = torch.cat([v[i] for i in op["in"]], dim=-1)
            elif kind in ("mul", "add"):
                a, b = (v[i] for i in op["in"])
                v[op["out"]] = a * b if kind == "mul" else a + b
            elif kind == "pool":
                x = v[op["in"]]
                if op["masked"]:
                    x = x * mask.unsqueeze(-1).to(x.dtype)
                s = x.sum(dim=1)
                if op["mode"] == "mean":
                    s = s / (lengths.to(x.dtype).unsqueeze(1) + op.get("mean_eps", 0.0)) if op["masked"] else s / x.shape[1]
                v[op["out"]] = s
            elif kind == "dense":
                v[op["out"]] = self._layer(op, v[op["in"]])
            elif kind == "attention":
                v[op["out"]] = self._attention(op, v[op["query"]], v[op["keys"]], mask)
            else:
                raise NotImplementedError("op '%s' is not in the torch interpreter yet" % kind)
        o = self.cfg["output"]
        x = v[o["in"]]
        if o["type"] == "sigmoid":
            return torch.sigmoid(x[:, 0])
        if o["type"] == "softmax2":
            return torch.softmax(x, dim=-1)[:, o.get("index", 0)] + o.get("epsilon", 0.0)
        return x[:, 0]
