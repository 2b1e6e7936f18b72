"""Independent check of the exporter: a numpy interpreter of the model format (docs/FORMAT.md) that reads
only a model directory and its cases.jsonl, and asserts it reproduces the PyTorch scores.

It shares no code with models_din.py or export.py (only the safetensors reader): if the exporter wrote a
tensor in the wrong layout, a batch norm with the wrong statistics or an op in the wrong order, the scores
differ. It computes in float64, so the tolerance (rtol 1e-5, atol 1e-6, as the engine's GoldenTest) also
covers the fp32 rounding of the PyTorch scores.

Usage: /usr/bin/python3 tools/reference/check_goldens.py [DIR ...]   (default: every fixtures/golden/*)
"""
import glob
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RTOL, ATOL = 1e-5, 1e-6
PAD = -(2.0 ** 32) + 1


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class Model:
    def __init__(self, d):
        with open(os.path.join(d, "model.json")) as f:
            self.j = json.load(f)
        self.w = {k: v[0].astype(np.float64) if v[1] not in ("I32", "I64") else v[0]
                  for k, v in st.load(os.path.join(d, "weights.safetensors")).items()}
        fl = self.j["fields"]
        self.hist = fl.get("history")
        self.T = self.hist["max_length"] if self.hist else 0
        self.fields = {}
        for g in ["user", "candidate"]:
            for x in fl.get(g, []):
                self.fields[x["name"]] = (g, x)
        for x in (self.hist["fields"] if self.hist else []):
            self.fields[x["name"]] = ("history", x)

    def t(self, name):
        return self.w[name]

    def bn(self, spec, width):
        mean = self.t(spec["mean"]) if "mean" in spec else np.zeros(width)
        var = self.t(spec["var"]) if "var" in spec else np.ones(width)
        g = self.t(spec["weight"]) if "weight" in spec else np.ones(width)
        b = self.t(spec["bias"]) if "bias" in spec else np.zeros(width)
        eps = spec.get("eps", 1e-3)
        return lambda x: g * (x - mean) / np.sqrt(var + eps) + b

    def act(self, spec, width):
        if spec is None:
            return lambda x: x
        ty = spec["type"]
        if ty == "linear":
            return lambda x: x
        if ty == "relu":
            return lambda x: np.maximum(x, 0)
        if ty == "sigmoid":
            return sigmoid
        if ty == "tanh":
            return np.tanh
        if ty == "prelu":
            a = self.t(spec["alpha"]).reshape(-1)
            return lambda x: np.maximum(0, x) + a * np.minimum(0, x)
        if ty == "dice":
            a = self.t(spec["alpha"])
            if spec.get("form") == "per_sample":
                return lambda x: 0.5 * (1 + a) * x
            bn = self.bn(spec["bn"], width)

            def dice(x):
                p = sigmoid(bn(x))
                return a * (1 - p) * x + p * x
            return dice
        raise ValueError("unknown activation " + ty)

    def layer(self, spec, x):
        W = self.t(spec["weight"])
        if "batch_norm_before" in spec:
            x = self.bn(spec["batch_norm_before"], W.shape[1])(x)
        y = x @ W.T
        if "bias" in spec:
            y = y + self.t(spec["bias"])
        if "batch_norm_after" in spec:
            y = self.bn(spec["batch_norm_after"], W.shape[0])(y)
        return self.act(spec.get("activation"), W.shape[0])(y)

    def ids(self, name, ids):
        """Field ids -> table rows (derived fields mapped, out-of-vocabulary ids replaced or rejected)."""
        g, x = self.fields[name]
        tab = self.j["tables"][x["table"]]
        ids = np.asarray(ids, dtype=np.int64)
        oov = tab.get("oov", "error")
        bad = (ids < 0) | (ids >= tab["rows"])
        if bad.any():
            if not isinstance(oov, dict):
                raise ValueError("%s: id out of range" % name)
            ids = np.where(bad, oov["default_row"], ids)
        return ids, self.t(tab["tensor"])

    def run(self, samples):
        """samples: list of (user, history, candidate) dicts; returns the score per sample."""
        B, T = len(samples), self.T
        left = self.hist is not None and self.hist.get("padding", "right") == "left"
        pad = self.hist.get("padding_id", 0) if self.hist else 0
        raw = {}
        lengths = np.zeros(B, dtype=np.int64)
        for name, (g, x) in self.fields.items():
            if "derive" in x:
                continue
            col = []
            for i, (u, h, c) in enumerate(samples):
                v = (u if g == "user" else h if g == "history" else c)[name]
                if g == "history":
                    lengths[i] = len(v)
                    v = [pad] * (T - len(v)) + list(v) if left else list(v) + [pad] * (T - len(v))
                col.append(v)
            raw[name] = np.asarray(col, dtype=np.float64 if "dense" in x else np.int64)
        for name, (g, x) in self.fields.items():  # derived ids through their map
            if "derive" in x:
                raw[name] = self.t(x["derive"]["map"])[raw[x["derive"]["from"]]]
        pos = np.arange(T)[None, :]
        mask = pos >= (T - lengths[:, None]) if left else pos < lengths[:, None]
        v = {}
        for op in self.j["graph"]:
            k, out = op["op"], op["out"]
            if k == "embedding":
                ids, table = self.ids(op["field"], raw[op["field"]])
                v[out] = table[ids]
            elif k == "dense_input":
                v[out] = raw[op["field"]]
            elif k == "concat":
                v[out] = np.concatenate([v[i] for i in op["in"]], axis=-1)
            elif k == "mul":
                v[out] = v[op["in"][0]] * v[op["in"][1]]
            elif k == "add":
                v[out] = v[op["in"][0]] + v[op["in"][1]]
            elif k == "pool":
                x = v[op["in"]]
                if op["masked"]:
                    s = (x * mask[:, :, None]).sum(1)
                    den = lengths[:, None] + op.get("mean_eps", 0.0)
                else:
                    s = x.sum(1)
                    den = np.full((B, 1), float(T))
                if op["mode"] == "mean":
                    s = np.where(den == 0, 0.0, s / np.where(den == 0, 1.0, den))
                v[out] = s
            elif k == "dense":
                v[out] = self.layer(op, v[op["in"]])
            elif k == "attention":
                q, keys = v[op["query"]], v[op["keys"]]
                qe = np.broadcast_to(q[:, None, :], keys.shape)
                x = np.concatenate([qe, keys, qe - keys, qe * keys], -1)
                for spec in op["layers"]:
                    x = self.layer(spec, x)
                s = x[..., 0]
                m = mask if op.get("mask", True) else np.ones_like(mask)
                if op["normalization"] == "softmax":
                    s = np.where(m, s, PAD) * op.get("scale", 1.0)
                    s = np.exp(s - s.max(-1, keepdims=True))
                    w = s / s.sum(-1, keepdims=True)
                else:
                    w = np.where(m, s, 0.0)
                v[out] = w[:, :, None] if op.get("return") == "weights" else (w[:, :, None] * keys).sum(1)
            else:
                raise ValueError("op %s not supported by the checker" % k)
        o = self.j["output"]
        x = v[o["in"]]
        if o["type"] == "sigmoid":
            return sigmoid(x[:, 0])
        if o["type"] == "identity":
            return x[:, 0]
        e = np.exp(x - x.max(-1, keepdims=True))
        return (e / e.sum(-1, keepdims=True))[:, o.get("index", 0)] + o.get("epsilon", 0.0)


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
                raise AssertionError("%s line %d score %d: numpy %r, PyTorch %r" % (d, line_no, i, got[i], want[i]))
            worst = max(worst, float((err / tol).max()))
            n += want.size
    return n, worst


def main(argv):
    dirs = argv[1:] or sorted(p for p in glob.glob(os.path.join(ROOT, "fixtures", "golden", "*"))
                              if os.path.exists(os.path.join(p, "cases.jsonl")))
    if not dirs:
        raise SystemExit("no golden directories found")
    for d in dirs:
        n, worst = check(d)
        print("ok %-45s %3d scores, worst |diff| = %.2f of the tolerance" % (os.path.relpath(d, ROOT), n, worst))


if __name__ == "__main__":
    main(sys.argv)
