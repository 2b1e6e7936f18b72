"""Bundled example models models/dien and models/mimn for the demo, trained briefly on synthetic data with
planted interests, so that the ranking a demo prints is meaningful.

    /usr/bin/python3 tools/reference/make_examples_seq.py [--only dien|mimn] [--steps N]

Data: 1000 items in 20 categories (item 0 and category 0 are padding). Each user prefers two categories;
the history (5..T events) draws 80% of its events from them, drifting from the first preference to the
second over time (an evolving interest); a candidate is clicked when its category is one the user
prefers (10% label noise). The models are the reference PyTorch modules of dien.py (mouna99 form, AUGRU,
sizes of the paper's code: embeddings 18, hidden 36, attention 80/40, MLP 200/80, T = 100) and mimn.py
(Model_MIMN with MIU and util_reg, mask_flag on, embeddings 16, D = 32, m = 4 slots, T = 50), trained with
Adam in float32, exported with the same functions as the golden fixtures. Each directory gets model.json,
weights.safetensors, vocab.json (item_category, category_names), demo_request.json (one user, 200
candidates) and reference.json.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dien  # noqa: E402
import mimn  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
N_ITEMS, N_CAT, N_USERS = 1000, 20, 500
NAMES = ["(padding)", "books", "shoes", "phones", "coffee", "toys", "garden", "cameras", "music", "games", "bikes",
         "kitchen", "tea", "watches", "bags", "lamps", "paint", "camping", "skincare", "pets", "laptops"]


class World:
    def __init__(self, seed, T):
        self.rng = np.random.default_rng(seed)
        self.T = T
        self.item_cat = np.concatenate([[0], self.rng.integers(1, N_CAT + 1, N_ITEMS - 1)])
        self.by_cat = {c: np.flatnonzero(self.item_cat == c) for c in range(1, N_CAT + 1)}
        self.prefs = np.stack([self.rng.choice(np.arange(1, N_CAT + 1), 2, replace=False) for _ in range(N_USERS)])

    def history(self, u, L):
        a, b = self.prefs[u]
        ev = []
        for t in range(L):
            r = self.rng.random()
            if r < 0.8:
                c = b if self.rng.random() < t / max(L - 1, 1) else a  # drifting interest
            else:
                c = int(self.rng.integers(1, N_CAT + 1))
            ev.append(int(self.rng.choice(self.by_cat[c])))
        return ev

    def batch(self, B):
        users = self.rng.integers(0, N_USERS, B)
        hist, lab, cand = [], [], []
        for u in users:
            L = int(self.rng.integers(5, self.T + 1))
            hist.append(self.history(u, L))
            if self.rng.random() < 0.5:
                c = int(self.rng.choice(self.prefs[u]))
            else:
                c = int(self.rng.integers(1, N_CAT + 1))
            item = int(self.rng.choice(self.by_cat[c]))
            y = float(c in self.prefs[u])
            if self.rng.random() < 0.1:
                y = 1 - y
            cand.append(item)
            lab.append(y)
        return users, hist, np.array(cand), np.array(lab)

    def padded(self, hist, left):
        a = np.zeros((len(hist), self.T), np.int64)
        for r, h in enumerate(hist):
            if h:
                at = self.T - len(h) if left else 0
                a[r, at:at + len(h)] = h
        return a, self.item_cat[a], np.array([len(h) for h in hist])


def train(p, forward, steps, lr, label):
    keys = [k for k in p if not k.startswith("_")]
    params = {k: torch.nn.Parameter(torch.as_tensor(p[k])) for k in keys}
    q = dict(p)
    q.update(params)
    opt = torch.optim.Adam(params.values(), lr=lr)
    t0 = time.time()
    for s in range(steps):
        prob, y = forward(q)
        loss = -(y * torch.log(prob) + (1 - y) * torch.log(1 - prob + 1e-8)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if s % 25 == 0 or s == steps - 1:
            acc = float(((prob > 0.5).double() == y).double().mean())
            print("%s step %d loss %.4f acc %.3f (%.0fs)" % (label, s, float(loss), acc, time.time() - t0), flush=True)
    for k in keys:
        p[k] = params[k].detach().numpy().astype(np.float32)
    return p


def demo_files(out_dir, world, reference, request, steps, seed):
    with open(os.path.join(out_dir, "vocab.json"), "w") as f:
        json.dump({"item_category": world.item_cat.tolist(), "category_names": NAMES}, f)
        f.write("\n")
    with open(os.path.join(out_dir, "demo_request.json"), "w") as f:
        json.dump(request, f)
        f.write("\n")
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump({"reference": reference, "training": "synthetic planted-interest data, %d Adam steps of 128, seed %d" % (steps, seed),
                   "generator": "/usr/bin/python3 tools/reference/make_examples_seq.py"}, f, indent=1)
        f.write("\n")


def make_dien(steps):
    dien.DT = torch.float32
    T, seed = 100, 7
    w = World(seed, T)
    rng = np.random.default_rng(seed)
    p = dien.mouna99_params(rng, n_uid=N_USERS, n_mid=N_ITEMS, n_cat=N_CAT + 1, e=18, H=36, att=[80, 40], mlp=[200, 80])
    for k in list(p):  # the golden fixtures' scales are large on purpose; training prefers small ones
        if not k.startswith("_") and k not in ("bn/gamma",):
            p[k] = (p[k] * 0.2).astype(np.float32)

    def fwd(q):
        users, hist, cand, lab = w.batch(128)
        a, b, L = w.padded(hist, left=False)
        prob = dien.mouna99_forward(q, "augru", users, cand, w.item_cat[cand], a, b, L)
        return prob, torch.as_tensor(lab, dtype=prob.dtype)
    p = train(p, fwd, steps, 0.005, "dien")
    out = os.path.join(ROOT, "models", "dien")
    dien.mouna99_export(p, "augru", out, T, "dien_example")
    u = 17
    hist = w.history(u, 40)
    cands = [int(x) for x in w.rng.choice(np.arange(1, N_ITEMS), 200, replace=False)]
    req = {"user": {"uid": u}, "history": {"hist_mid": hist, "hist_cat": [int(w.item_cat[i]) for i in hist]},
           "candidates": {"mid": cands, "cat": [int(w.item_cat[i]) for i in cands]}}
    demo_files(out, w, json.load(open(os.path.join(out, "model.json")))["reference"], req, steps, seed)


def make_mimn(steps):
    mimn.DT = torch.float32
    T, seed = 50, 8
    w = World(seed, T)
    rng = np.random.default_rng(seed)
    # One shared table for items and categories (as Model_MIMN): category c is row N_ITEMS + c.
    p = mimn.params(rng, n_mid=N_ITEMS + N_CAT + 1, e=16, H=32, m=4, att=[80, 40], mlp=[200, 80], util_reg=True, induction=True)
    for k in list(p):
        if not k.startswith("_") and k not in ("bn/gamma",):
            p[k] = (p[k] * 0.2).astype(np.float32)

    def fwd(q):
        _, hist, cand, lab = w.batch(128)
        a, b, L = w.padded(hist, left=True)
        b = np.where(a > 0, b + N_ITEMS, 0)
        prob = mimn.forward(q, cand, w.item_cat[cand] + N_ITEMS, a, b, L, True, "padded", {})
        return prob, torch.as_tensor(lab, dtype=prob.dtype)
    p = train(p, fwd, steps, 0.005, "mimn")
    out = os.path.join(ROOT, "models", "mimn")
    mimn.export(p, out, T, "mimn_example", True, "padded")
    hist = w.history(23, 30)
    cands = [int(x) for x in w.rng.choice(np.arange(1, N_ITEMS), 200, replace=False)]
    req = {"history": {"hist_mid": hist, "hist_cat": [int(w.item_cat[i]) + N_ITEMS for i in hist]},
           "candidates": {"mid": cands, "cat": [int(w.item_cat[i]) + N_ITEMS for i in cands]}}
    demo_files(out, w, json.load(open(os.path.join(out, "model.json")))["reference"], req, steps, seed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only")
    ap.add_argument("--steps", type=int, default=150)
    a = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    if a.only in (None, "dien"):
        make_dien(a.steps)
    if a.only in (None, "mimn"):
        make_mimn(a.steps)


if __name__ == "__main__":
    main()
