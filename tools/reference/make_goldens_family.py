"""Writes fixtures/golden/<case>/ for the reference modules of family_models.py (NeuMF, AutoRec, Deep Crossing):
model.json + weights.safetensors (family_models.export), cases.jsonl (ranking requests of one user and 1-6
candidates, and a batch, with the scores the PyTorch module computes in float32) and reference.json.

Usage: /usr/bin/python3 tools/reference/make_goldens_family.py [OUT_DIR]
"""
import json
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import family_models as FM  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def cases():
    """(name, constructor, candidate features, notes)."""
    return [
        ("neumf", lambda: FM.NeuMF(30, 50, factors=8, mlp=(16, 8, 4)), (),
         "NeuMF: GMF 8 factors, MLP tower 16 -> 8 -> 4 ReLU, final layer over [gmf, mlp] with bias, sigmoid; the "
         "user and item fields each read two tables (the MLP's through an identity id map)."),
        ("neumf_wide", lambda: FM.NeuMF(12, 20, factors=4, mlp=(32, 16)), (),
         "NeuMF with one MLP layer (32 -> 16) and 4 GMF factors."),
        ("autorec", lambda: FM.AutoRec(40, hidden=10), (),
         "AutoRec scoring head: dense user field 'ratings' (40 items, zeros where unrated), encoder Linear + "
         "sigmoid (10 units), candidate decoder row and bias looked up by item id, mul + reduce_sum + sum, "
         "identity output (the reconstructed rating)."),
        ("autorec_h3", lambda: FM.AutoRec(15, hidden=3), (),
         "AutoRec with 15 items and 3 hidden units."),
        ("deep_crossing", lambda: FM.DeepCrossing({"user": 20, "item": 40, "cate": 8}, {"age": 2, "price": 1}, dim=6,
                                                  units=(2, 12)), ("item", "cate", "price"),
         "Deep Crossing: 3 sparse features (embedding + bias + ReLU, folded into the table), 2 dense features, "
         "2 residual units (30 -> 12 -> 30), scoring layer, sigmoid; user: user, age; candidate: item, cate, price."),
        ("deep_crossing_3units", lambda: FM.DeepCrossing({"user": 10, "item": 25}, {}, dim=4, units=(3, 5)), ("item",),
         "Deep Crossing with sparse features only and 3 residual units (8 -> 5 -> 8)."),
    ]


def randomize(m, g):
    for name, p in m.named_parameters():
        with torch.no_grad():
            if p.dim() == 2 and "emb" not in name and "gmf" not in name and "mlp_" not in name:
                p.copy_(torch.randn(p.shape, generator=g) * 1.2 / np.sqrt(p.shape[1]))
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.6)


def _value(m, name, rng, spec):
    """A random request value of field `name` ({name: ("id", rows) | ("dense", width)})."""
    kind, n = spec[name]
    if kind == "id":
        return int(rng.integers(0, n))
    if name == "ratings":  # sparse ratings 1..5, most items unrated (0)
        r = rng.integers(1, 6, n).astype(np.float32)
        r[rng.random(n) < 0.7] = 0
        return [float(v) for v in r]
    return [float(np.float32(v)) for v in rng.normal(0, 1, n)]


def spec_of(cfg):
    spec = {}
    for group in ("user", "candidate"):
        for fd in cfg["fields"][group]:
            if "derive" in fd:
                continue
            spec[fd["name"]] = ("dense", fd["dense"]) if "dense" in fd else ("id", cfg["tables"][fd["table"]]["rows"])
    return spec


def score(m, samples):
    """The module's float32 scores of [(user, candidate)] samples."""
    keys = list(samples[0][0]) + list(samples[0][1])
    x = {}
    for k in keys:
        vals = [(u if k in u else c)[k] for u, c in samples]
        x[k] = torch.tensor(vals, dtype=torch.float32 if isinstance(vals[0], list) else torch.int64)
    with torch.no_grad():
        if isinstance(m, FM.NeuMF):
            return m(x["user"], x["item"]).numpy()
        if isinstance(m, FM.AutoRec):
            return m(x["ratings"], x["item"]).numpy()
        return m(**x).numpy()


def make(name, build, candidate, notes, out_root, seed):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    m = build()
    randomize(m, g)
    m.eval()
    out = os.path.join(out_root, name)
    if os.path.isdir(out):
        shutil.rmtree(out)
    FM.export(m, out, name, candidate=candidate)
    with open(os.path.join(out, "model.json")) as f:
        cfg = json.load(f)
    spec = spec_of(cfg)
    users = [fd["name"] for fd in cfg["fields"]["user"] if "derive" not in fd]
    cands = [fd["name"] for fd in cfg["fields"]["candidate"] if "derive" not in fd]
    lines = []
    for n in (1, 3, 6, 2, 5):
        u = {k: _value(m, k, rng, spec) for k in users}
        cs = [{k: _value(m, k, rng, spec) for k in cands} for _ in range(n)]
        s = score(m, [(u, c) for c in cs])
        req = {"user": u, "candidates": {k: [c[k] for c in cs] for k in cands}}
        lines.append({"request": req, "scores": [float(v) for v in s]})
    batch = [({k: _value(m, k, rng, spec) for k in users}, {k: _value(m, k, rng, spec) for k in cands})
             for _ in range(7)]
    s = score(m, batch)
    lines.append({"request": {"batch": [{"user": u, "candidate": c} for u, c in batch]},
                  "scores": [float(v) for v in s]})
    with open(os.path.join(out, "cases.jsonl"), "w") as f:
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump({"reference": m.reference, "module": "tools/reference/family_models.py %s" % type(m).__name__,
                   "seed": seed, "notes": notes}, f, indent=1)
        f.write("\n")
    return out


def main(argv):
    out_root = argv[1] if len(argv) > 1 else os.path.join(ROOT, "fixtures", "golden")
    for i, (name, build, candidate, notes) in enumerate(cases()):
        out = make(name, build, candidate, notes, out_root, 3000 + i)
        print("%s: %d bytes" % (out, sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))))


if __name__ == "__main__":
    main(sys.argv)
