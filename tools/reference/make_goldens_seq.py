"""Golden fixtures for DIEN and MIMN: fixtures/golden/dien_* and fixtures/golden/mimn_*.

    /usr/bin/python3 tools/reference/make_goldens_seq.py [--only NAME]

Each directory: model.json + weights.safetensors (random float32 weights, exported by dien.py / mimn.py),
cases.jsonl (one request per line with the reference's scores: ranking requests with history lengths 0, 1,
T and between, N from 1 to 5, then one batch request), reference.json (what produced it).
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dien  # noqa: E402
import mimn  # noqa: E402
from seq_st import f32  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "fixtures", "golden")
T_MAX = 10
RANKING = [(0, 2), (1, 1), (T_MAX, 3), (5, 5), (3, 1), (7, 4), (2, 2)]  # (history length, candidates)
BATCH = [2, 0, T_MAX, 6, 1]


def requests(rng, n_ids, T_max):
    """Yields (kind, rows): rows are dicts of user id, history ids (real events), candidate ids."""
    user = lambda: int(rng.integers(0, n_ids["user"])) if "user" in n_ids else None
    hist = lambda L: [(int(a), int(b)) for a, b in zip(rng.integers(1, n_ids["item"], L), rng.integers(1, n_ids["cat"], L))]
    cand = lambda: (int(rng.integers(0, n_ids["item"])), int(rng.integers(0, n_ids["cat"])))
    for L, n in RANKING:
        u, h = user(), hist(L)
        yield "ranking", [dict(user=u, hist=h, cand=cand()) for _ in range(n)]
    yield "batch", [dict(user=user(), hist=hist(L), cand=cand()) for L in BATCH]


def padded(rows, T_max, left):
    a = np.zeros((len(rows), T_max), np.int64)
    b = np.zeros((len(rows), T_max), np.int64)
    for r, row in enumerate(rows):
        L = len(row["hist"])
        if L:
            at = T_max - L if left else 0
            a[r, at:at + L] = [x for x, _ in row["hist"]]
            b[r, at:at + L] = [y for _, y in row["hist"]]
    return a, b, np.array([len(r["hist"]) for r in rows])


def to_json(kind, rows, names):
    uf, hf, cf = names
    def user(row):
        return {uf: row["user"]} if uf else {}
    def history(row):
        return {hf[0]: [x for x, _ in row["hist"]], hf[1]: [y for _, y in row["hist"]]}
    if kind == "ranking":
        r0 = rows[0]
        return {"user": user(r0), "history": history(r0),
                "candidates": {cf[0]: [r["cand"][0] for r in rows], cf[1]: [r["cand"][1] for r in rows]}}
    return {"batch": [{"user": user(r), "history": history(r), "candidate": {cf[0]: r["cand"][0], cf[1]: r["cand"][1]}}
                      for r in rows]}


def write_cases(out_dir, lines, reference, seed, note=""):
    with open(os.path.join(out_dir, "cases.jsonl"), "w") as f:
        for req, scores in lines:
            f.write(json.dumps({"request": req, "scores": [f32(s) for s in scores]}, separators=(",", ":")) + "\n")
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump({"reference": reference, "expected": "scores of the PyTorch reference in tools/reference (float64 maths on "
                   "float32 weights, rounded to float32)" + note, "weights": "random (seed %d)" % seed,
                   "generator": "/usr/bin/python3 tools/reference/make_goldens_seq.py", "torch": torch.__version__}, f, indent=1)
        f.write("\n")


def mouna99_case(form, seed):
    def build(out_dir):
        rng = np.random.default_rng(seed)
        p = dien.mouna99_params(rng, n_uid=6, n_mid=30, n_cat=7, e=4, H=6, att=[10, 5], mlp=[12, 6])
        dien.mouna99_export(p, form, out_dir, T_MAX, "dien_mouna99_" + form)
        lines = []
        for kind, rows in requests(rng, {"user": 6, "item": 30, "cat": 7}, T_MAX):
            a, b, L = padded(rows, T_MAX, left=False)
            s = dien.mouna99_forward(p, form, [r["user"] for r in rows], [r["cand"][0] for r in rows],
                                     [r["cand"][1] for r in rows], a, b, L)
            lines.append((to_json(kind, rows, ("uid", ("hist_mid", "hist_cat"), ("mid", "cat"))), s.tolist()))
        return lines, json.load(open(os.path.join(out_dir, "model.json")))["reference"], seed, ""
    return build


def torch_case(gru_type, seed, normalization=True):
    def build(out_dir):
        rng = np.random.default_rng(seed)
        p = dien.torch_params(rng, n_user=6, n_item=25, n_cate=6, e_item=4, e_cate=3, e_user=3, att=[8, 4], dnn=[10, 5],
                              gru_type=gru_type, normalization=normalization)
        dien.torch_export(p, out_dir, T_MAX, os.path.basename(out_dir))
        lines = []
        for kind, rows in requests(rng, {"user": 6, "item": 25, "cat": 6}, T_MAX):
            a, b, L = padded(rows, T_MAX, left=False)
            s = dien.torch_forward(p, [r["user"] for r in rows], [r["cand"][0] for r in rows], [r["cand"][1] for r in rows], a, b, L)
            lines.append((to_json(kind, rows, ("user", ("hist_item", "hist_cate"), ("item", "cate"))), s.tolist()))
        return lines, json.load(open(os.path.join(out_dir, "model.json")))["reference"], seed, ""
    return build


def mimn_case(induction, util_reg, mask_flag, steps, seed, m=4):
    def build(out_dir):
        for attempt in range(50):
            s_ = seed + 1000 * attempt
            rng = np.random.default_rng(s_)
            p = mimn.params(rng, n_mid=30, e=4, H=6, m=m, att=[10, 5], mlp=[12, 6], util_reg=util_reg, induction=induction)
            lines, stats = [], {}
            for kind, rows in requests(rng, {"item": 30, "cat": 30}, T_MAX):
                a, b, L = padded(rows, T_MAX, left=True)
                s = mimn.forward(p, [r["cand"][0] for r in rows], [r["cand"][1] for r in rows], a, b, L, mask_flag, steps, stats)
                lines.append((to_json(kind, rows, (None, ("hist_mid", "hist_cat"), ("mid", "cat"))), s.tolist()))
            # The MIU picks one slot by argmax: keep fixtures whose choices are far from a tie, so that fp32
            # rounding in an engine cannot flip them.
            if stats.get("margin", 1.0) > 1e-3:
                name = os.path.basename(out_dir)
                mimn.export(p, out_dir, T_MAX, name, mask_flag, steps)
                ref = json.load(open(os.path.join(out_dir, "model.json")))["reference"]
                return lines, ref, s_, "; smallest MIU top-1 margin %.2g" % stats.get("margin", 1.0) if induction else ""
        raise SystemExit("no seed without near ties for " + out_dir)
    return build


CASES = {
    "dien_mouna99_augru": mouna99_case("augru", 301),
    "dien_mouna99_agru": mouna99_case("agru", 302),
    "dien_mouna99_aigru": mouna99_case("aigru", 303),
    "dien_mouna99_gru_att": mouna99_case("gru_att", 304),
    "dien_torch_gru": torch_case("GRU", 311),
    "dien_torch_aigru": torch_case("AIGRU", 312),
    "dien_torch_agru": torch_case("AGRU", 313),
    "dien_torch_augru": torch_case("AUGRU", 314),
    "dien_torch_augru_raw": torch_case("AUGRU", 315, normalization=False),
    "dien_torch_gru_raw": torch_case("GRU", 316, normalization=False),
    "mimn_miu_reg_mask": mimn_case(True, True, True, "padded", 321),
    "mimn_miu_noreg_nomask": mimn_case(True, False, False, "padded", 322),
    "mimn_nomiu_reg_nomask": mimn_case(False, True, False, "padded", 323),
    "mimn_nomiu_noreg_mask": mimn_case(False, False, True, "padded", 324),
    "mimn_miu_reg_events": mimn_case(True, True, True, "events", 325),
    "mimn_miu_reg_mask_m5": mimn_case(True, True, True, "padded", 326, m=5),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only")
    args = ap.parse_args()
    for name, build in CASES.items():
        if args.only and name != args.only:
            continue
        d = os.path.join(OUT, name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        lines, ref, seed, note = build(d)
        write_cases(d, lines, ref, seed, note)
        print(name, len(lines), "requests", note)


if __name__ == "__main__":
    main()
