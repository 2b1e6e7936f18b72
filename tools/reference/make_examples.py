"""Trains the bundled example models models/base (mouna99 Model_DNN) and models/din (mouna99 Model_DIN)
on a synthetic behavior log with planted interests, and writes each model directory with vocab.json,
demo_request.json and reference.json.

Synthetic world: 40 categories of 50 items each (mid 1..1999; mid 0 is the padding id and never occurs),
Zipf popularity inside each category. Each user (uid 1..499; uid 0 is the row for unknown users) is drawn to
2-3 categories with Dirichlet weights; each behavior event comes from the user's categories with
probability 0.85, otherwise from a uniformly random category. A training sample is a history prefix plus
a candidate: the user's next event (click) or an item of a uniformly random category, drawn with the same
popularity (no click), one of each per prefix.

Usage: /usr/bin/python3 tools/reference/make_examples.py [--epochs N]   (a few CPU minutes)
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export as E  # noqa: E402
import models_din as M  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
N_UID, N_MID, N_CAT, DIM, T = 500, 2000, 40, 18, 100
CATEGORY_NAMES = [
    "hiking", "jazz", "cooking", "photography", "gardening", "chess", "cycling", "poetry", "astronomy", "yoga",
    "baking", "classical music", "fishing", "knitting", "skiing", "board games", "woodworking", "travel",
    "football", "painting", "coffee", "running", "science fiction", "history", "birdwatching", "climbing",
    "tea", "film", "pottery", "surfing", "camping", "hip hop", "robotics", "wine", "tennis", "anime",
    "sailing", "gaming", "fashion", "dogs"]
P_INTEREST = 0.85


class World:
    def __init__(self, seed=42):
        rng = np.random.RandomState(seed)
        self.rng = rng
        cats = np.repeat(np.arange(N_CAT), (N_MID - 1 + N_CAT - 1) // N_CAT)[:N_MID - 1]
        rng.shuffle(cats)
        self.item_cat = np.concatenate([[0], cats]).astype(np.int64)  # mid 0: padding, category row 0
        self.cat_items = [np.nonzero(self.item_cat[1:] == c)[0] + 1 for c in range(N_CAT)]
        self.cat_pop = []
        for items in self.cat_items:
            p = 1.0 / (1.0 + rng.permutation(len(items))) ** 0.8  # Zipf-like popularity, random order
            self.cat_pop.append(p / p.sum())
        self.user_cats = []
        self.user_w = []
        for _ in range(N_UID):
            k = rng.randint(2, 4)
            self.user_cats.append(rng.choice(N_CAT, size=k, replace=False))
            self.user_w.append(rng.dirichlet(np.full(k, 2.0)))

    def item_in(self, c, rng):
        return int(rng.choice(self.cat_items[c], p=self.cat_pop[c]))

    def event(self, u, rng):
        if rng.rand() < P_INTEREST:
            c = int(rng.choice(self.user_cats[u], p=self.user_w[u]))
        else:
            c = rng.randint(N_CAT)
        return self.item_in(c, rng)

    def random_item(self, rng):
        # Non-clicks follow the same popularity inside a category: only the category separates them.
        return self.item_in(rng.randint(N_CAT), rng)

    def samples(self, n_per_user, rng, users=range(1, N_UID)):
        """(uid, history mids [len], candidate mid, label) tuples; one click and one non-click per prefix."""
        out = []
        for u in users:
            seq = [self.event(u, rng) for _ in range(T + 1)]
            for _ in range(n_per_user):
                ln = int(rng.randint(1, T + 1))
                start = int(rng.randint(0, T + 1 - ln))
                hist = seq[start:start + ln]
                out.append((u, hist, self.event(u, rng), 1))
                out.append((u, hist, self.random_item(rng), 0))
        return out

    def tensors(self, samples):
        B = len(samples)
        hm = np.zeros((B, T), dtype=np.int64)
        lens = np.zeros(B, dtype=np.int64)
        for i, (_, h, _, _) in enumerate(samples):
            hm[i, :len(h)] = h
            lens[i] = len(h)
        uid = np.array([s[0] for s in samples], dtype=np.int64)
        mid = np.array([s[2] for s in samples], dtype=np.int64)
        y = np.array([s[3] for s in samples], dtype=np.int64)
        return {"uid": torch.from_numpy(uid), "mid": torch.from_numpy(mid),
                "cat": torch.from_numpy(self.item_cat[mid]), "hist_mid": torch.from_numpy(hm),
                "hist_cat": torch.from_numpy(self.item_cat[hm]), "__len__": torch.from_numpy(lens)}, torch.from_numpy(y)


def auc(scores, labels):
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def predict(model, inp, batch=2048):
    model.eval()
    out = []
    with torch.no_grad():
        B = inp["uid"].shape[0]
        for s in range(0, B, batch):
            out.append(model({k: v[s:s + batch] for k, v in inp.items()}))
    return torch.cat(out).numpy()


def train(model, inp, y, epochs, seed, batch=256, lr=2e-3):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    B = y.shape[0]
    lens = inp["__len__"].float()
    for ep in range(epochs):
        model.train()
        # Batches of similar history length (jittered each epoch), trimmed to their longest history.
        order = torch.argsort(lens + 8.0 * torch.rand(B, generator=gen))
        batches = [order[s:s + batch] for s in range(0, B, batch)]
        total = 0.0
        for j in torch.randperm(len(batches), generator=gen).tolist():
            idx = batches[j]
            t_max = max(1, int(inp["__len__"][idx].max()))
            sub = {k: (v[idx][:, :t_max] if k.startswith("hist_") else v[idx]) for k, v in inp.items()}
            logits = model.fcn.logits(model.features(sub))
            # softmax[0] is P(click), as in the mouna99 scripts (target [click, no click]).
            loss = F.cross_entropy(logits, 1 - y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        print("  epoch %d: train loss %.4f" % (ep + 1, total / B), flush=True)


def demo_request(world, rng, uid, n_hist=30):
    hist = [world.event(uid, rng) for _ in range(n_hist)]
    cands = []
    for c in range(N_CAT):  # 5 candidates in every category: the ranking has to find the user's ones
        cands += [int(v) for v in rng.choice(world.cat_items[c], size=5, replace=False)]
    rng.shuffle(cands)
    return {"user": {"uid": int(uid)},
            "history": {"hist_mid": hist, "hist_cat": [int(world.item_cat[m]) for m in hist]},
            "candidates": {"mid": cands, "cat": [int(world.item_cat[m]) for m in cands]}}


def top_share(model, world, rng, n_users=100, k=10):
    """Mean share of the top-k (of 200 candidates, 5 per category) in the user's planted categories."""
    hits = 0
    for u in rng.choice(np.arange(1, N_UID), size=n_users, replace=False):
        r = demo_request(world, rng, int(u))
        n = len(r["candidates"]["mid"])
        hm = r["history"]["hist_mid"]
        inp = {"uid": torch.full((n,), int(u)), "mid": torch.tensor(r["candidates"]["mid"]),
               "cat": torch.tensor(r["candidates"]["cat"]),
               "hist_mid": torch.tensor([hm + [0] * (T - len(hm))] * n),
               "hist_cat": torch.tensor([r["history"]["hist_cat"] + [0] * (T - len(hm))] * n),
               "__len__": torch.full((n,), len(hm))}
        s = predict(model, inp)
        top = np.argsort(-s)[:k]
        hits += sum(int(r["candidates"]["cat"][i]) in set(world.user_cats[u]) for i in top)
    return hits / (n_users * k)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--per-user", type=int, default=40)
    ap.add_argument("--out", default=os.path.join(ROOT, "models"))
    args = ap.parse_args()
    torch.set_num_threads(2)
    world = World(42)
    rng = np.random.RandomState(7)
    train_inp, train_y = world.tensors(world.samples(args.per_user, rng))
    test_inp, test_y = world.tensors(world.samples(10, np.random.RandomState(8)))
    print("synthetic log: %d training samples, %d held-out samples" % (len(train_y), len(test_y)))
    results = {}
    for kind, name in [("dnn", "base"), ("din", "din")]:
        torch.manual_seed(11)
        model = M.Mouna99(N_UID, N_MID, N_CAT, dim=DIM, T=T, kind=kind)
        with torch.no_grad():
            for emb in [model.emb_uid, model.emb_mid, model.emb_cat]:
                emb.weight.normal_(0, 0.1)
        t0 = time.time()
        print("training %s (%s)" % (name, M.Mouna99.reference[kind]), flush=True)
        train(model, train_inp, train_y, args.epochs, seed=5)
        model.eval()
        a = auc(predict(model, test_inp), test_y.numpy())
        share = top_share(model, world, np.random.RandomState(9))
        secs = time.time() - t0
        print("  held-out AUC %.4f, top-10 share in planted categories %.2f, %.0f s" % (a, share, secs))
        results[name] = (a, share, secs)

        d = os.path.join(args.out, name)
        b = E.export(model, name + "_example", uid_oov={"default_row": 0})
        b.write(d)
        with open(os.path.join(d, "vocab.json"), "w") as f:
            json.dump({"item_category": [int(c) for c in world.item_cat], "category_names": CATEGORY_NAMES}, f,
                      separators=(",", ":"))
            f.write("\n")
        with open(os.path.join(d, "demo_request.json"), "w") as f:
            f.write(json.dumps(demo_request(world, np.random.RandomState(17), 17), separators=(",", ":")) + "\n")
        with open(os.path.join(d, "reference.json"), "w") as f:
            json.dump({"reference": M.Mouna99.reference[kind],
                       "notes": "Trained by tools/reference/make_examples.py on a synthetic behavior log with "
                                "planted interests (%d epochs, %d samples); held-out AUC %.4f; on 200 candidates "
                                "(5 per category) %.0f%% of the top 10 are in the user's planted categories "
                                "(mean over 100 users)." % (args.epochs, len(train_y), a, 100 * share),
                       "user_17_categories": [CATEGORY_NAMES[c] for c in world.user_cats[17]]}, f, indent=1)
            f.write("\n")
    print("summary:")
    for name, (a, share, secs) in results.items():
        print("  models/%-4s held-out AUC %.4f  top-10 share %.2f  (%.0f s)" % (name, a, share, secs))


if __name__ == "__main__":
    main()
