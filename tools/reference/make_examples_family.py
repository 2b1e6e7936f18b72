"""Trains the bundled examples models/deepfm, models/dcn and models/wdl (DeepCTR-Torch DeepFM, DCN and WDL) briefly
on the synthetic behaviour log of make_examples.py, exports them with tools/export/deepctr_export.py and writes
vocab.json, demo_request.json and reference.json beside them (model.onnx: export_onnx.py, run by make_all.py).

Features: the user id (user field), the candidate's item id and category (candidate fields) and the categories
of the user's recent history (a VarLenSparseFeat mean-pooled by its length column `hist_len`), which carries the
planted interests; the linear part reads the same columns.

Usage: DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/reference/make_examples_family.py [--epochs N]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools", "export"))
import make_examples as E  # noqa: E402
import deepctr_export as X  # noqa: E402

T = 30  # the most recent 30 categories of the history
DIM = 8


def columns():
    from deepctr_torch.inputs import SparseFeat, VarLenSparseFeat
    return [SparseFeat("uid", E.N_UID, DIM), SparseFeat("mid", E.N_MID, DIM), SparseFeat("cat", E.N_CAT, DIM),
            VarLenSparseFeat(SparseFeat("hist_cat", E.N_CAT, DIM, embedding_name="cat"), maxlen=T, combiner="mean",
                             length_name="hist_len")]


def inputs(world, samples):
    B = len(samples)
    hc = np.zeros((B, T), dtype=np.int64)
    lens = np.zeros(B, dtype=np.int64)
    for i, (_, h, _, _) in enumerate(samples):
        h = h[-T:]
        hc[i, :len(h)] = world.item_cat[h]
        lens[i] = len(h)
    mid = np.array([s[2] for s in samples], dtype=np.int64)
    x = {"uid": np.array([s[0] for s in samples], dtype=np.int64), "mid": mid, "cat": world.item_cat[mid],
         "hist_cat": hc, "hist_len": lens}
    return x, np.array([s[3] for s in samples], dtype=np.float32)


def build(kind):
    from deepctr_torch.models import DeepFM, DCN, WDL
    cols = columns()
    if kind == "deepfm":
        return DeepFM(cols, cols, dnn_hidden_units=(64, 32), seed=11), cols
    if kind == "dcn":
        return DCN(cols, cols, cross_num=2, cross_parameterization="vector", dnn_hidden_units=(64, 32), seed=11), cols
    return WDL(cols, cols, dnn_hidden_units=(64, 32), seed=11), cols


def demo_request(world, rng, uid, n_hist=30):
    hist = [world.event(uid, rng) for _ in range(n_hist)][-T:]
    cands = []
    for c in range(E.N_CAT):
        cands += [int(v) for v in rng.choice(world.cat_items[c], size=5, replace=False)]
    rng.shuffle(cands)
    return {"user": {"uid": int(uid)}, "history": {"hist_cat": [int(world.item_cat[m]) for m in hist]},
            "candidates": {"mid": cands, "cat": [int(world.item_cat[m]) for m in cands]}}


def top_share(model, world, rng, n_users=100, k=10):
    hits = 0
    for u in rng.choice(np.arange(1, E.N_UID), size=n_users, replace=False):
        r = demo_request(world, rng, int(u))
        n = len(r["candidates"]["mid"])
        h = r["history"]["hist_cat"]
        x = {"uid": np.full(n, int(u)), "mid": np.array(r["candidates"]["mid"]), "cat": np.array(r["candidates"]["cat"]),
             "hist_cat": np.array([h + [0] * (T - len(h))] * n), "hist_len": np.full(n, len(h))}
        s = model.predict(x, batch_size=4096).reshape(-1)
        top = np.argsort(-s)[:k]
        hits += sum(int(r["candidates"]["cat"][i]) in set(world.user_cats[u]) for i in top)
    return hits / (n_users * k)


def check(model, d, req):
    """The exported directory through the format's torch interpreter against DeepCTR-Torch's predict on the demo
    request (both float32: rtol 1e-5, atol 1e-6, the fixtures' tolerance)."""
    from graph_torch import GraphModule
    n = len(req["candidates"]["mid"])
    h = req["history"]["hist_cat"]
    x = {"uid": np.full(n, req["user"]["uid"]), "mid": np.array(req["candidates"]["mid"]),
         "cat": np.array(req["candidates"]["cat"]), "hist_cat": np.array([h + [0] * (T - len(h))] * n),
         "hist_len": np.full(n, len(h))}
    want = model.predict(x, batch_size=4096).reshape(-1)
    gm = GraphModule(d)
    named = dict(x, hist_len_length=x["hist_len"])
    with torch.no_grad():
        got = gm(*[torch.from_numpy(np.asarray(named[name])).to(dt) for name, dt, _ in gm.input_spec()]).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--per-user", type=int, default=20)
    ap.add_argument("--out", default=os.path.join(ROOT, "models"))
    ap.add_argument("--deepctr-torch", default=os.environ.get("DEEPCTR_TORCH"))
    ap.add_argument("--only")
    a = ap.parse_args()
    if not a.deepctr_torch:
        sys.exit("set DEEPCTR_TORCH to a DeepCTR-Torch checkout (the directory holding deepctr_torch/)")
    X.import_deepctr_torch(a.deepctr_torch)
    torch.set_num_threads(2)
    world = E.World(42)
    x, y = inputs(world, world.samples(a.per_user, np.random.RandomState(7)))
    tx, ty = inputs(world, world.samples(5, np.random.RandomState(8)))
    print("synthetic log: %d training samples, %d held-out samples" % (len(y), len(ty)))
    for kind in ("deepfm", "dcn", "wdl"):
        if a.only and kind != a.only:
            continue
        torch.manual_seed(5)
        model, cols = build(kind)
        # A larger step than compile("adam")'s 1e-3: the example trains in seconds.
        model.compile(torch.optim.Adam(model.parameters(), lr=a.lr), "binary_crossentropy")
        t0 = time.time()
        model.fit({k: v.copy() for k, v in x.items()}, y, batch_size=256, epochs=a.epochs, verbose=0)
        model.eval()
        auc = E.auc(model.predict(tx, batch_size=4096).reshape(-1), ty)
        share = top_share(model, world, np.random.RandomState(9))
        print("  %s: held-out AUC %.4f, top-10 share %.2f, %.0f s" % (kind, auc, share, time.time() - t0), flush=True)
        d = os.path.join(a.out, kind)
        desc = X.export(model, d, feature_columns=cols, candidate_features=["mid", "cat"], name=kind + "_example")
        os.remove(os.path.join(d, "request_fields.json"))
        check(model, d, demo_request(world, np.random.RandomState(17), 17))
        with open(os.path.join(d, "vocab.json"), "w") as f:
            json.dump({"item_category": [int(c) for c in world.item_cat], "category_names": E.CATEGORY_NAMES}, f,
                      separators=(",", ":"))
            f.write("\n")
        with open(os.path.join(d, "demo_request.json"), "w") as f:
            f.write(json.dumps(demo_request(world, np.random.RandomState(17), 17), separators=(",", ":")) + "\n")
        with open(os.path.join(d, "reference.json"), "w") as f:
            json.dump({"reference": "DeepCTR-Torch v0.2.9 %s (%s)" % (type(model).__name__, desc.get("model")),
                       "notes": "Trained by tools/reference/make_examples_family.py on the synthetic behaviour log of "
                                "make_examples.py (%d epochs, %d samples): uid, candidate mid and cat, the mean of the "
                                "last %d history categories; held-out AUC %.4f; on 200 candidates (5 per category) "
                                "%.0f%% of the top 10 are in the user's planted categories (mean over 100 users)."
                                % (a.epochs, len(y), T, auc, 100 * share),
                       "user_17_categories": [E.CATEGORY_NAMES[c] for c in world.user_cats[17]]}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
