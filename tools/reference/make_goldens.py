"""Writes fixtures/golden/<case>/{model.json, weights.safetensors, cases.jsonl, reference.json}.

Every case is one module of models_din.py with random weights (fixed seed, random batch-norm statistics),
exported by export.py; cases.jsonl holds requests (docs/FORMAT.md 'Requests') with the scores the PyTorch
module computes in float32. Usage: /usr/bin/python3 tools/reference/make_goldens.py [OUT_DIR]
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export as E  # noqa: E402
import models_din as M  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def cases():
    """(case name, constructor, export kwargs, notes). Sizes are small so each fixture stays ~100 KB."""
    cate = np.random.RandomState(7).randint(0, 8, size=60)
    return [
        ("mouna99_base", lambda: M.Mouna99(20, 60, 8, dim=6, T=8, kind="dnn", hidden=(24, 12)),
         {"uid_oov": {"default_row": 0}},
         "Unmasked history sum (padding rows summed), BN eps 1e-3 with random statistics, per-channel PReLU, "
         "softmax2[0] + 1e-8. uid table has oov default_row 0; one request sends an out-of-range uid."),
        ("mouna99_din", lambda: M.Mouna99(20, 60, 8, dim=6, T=10, kind="din", hidden=(24, 12), att_hidden=(16, 8)),
         {"uid_oov": {"default_row": 3}},
         "Attention 16/8 sigmoid (80/40 in the original), mask -2^32+1, softmax, no scale; MLP input "
         "[uid, item, his_sum, item*his_sum, att]. uid oov default_row 3."),
        ("mouna99_din_f16", lambda: M.Mouna99(20, 60, 8, dim=6, T=8, kind="din", hidden=(24, 12), att_hidden=(16, 8)),
         {"table_dtype": "F16"},
         "As mouna99_din with every embedding table stored as F16 (the module computes with the fp16-rounded "
         "values in fp32)."),
        ("uic_base", lambda: M.UICBase(70, dim=6, T=8, hidden=(24, 12)), {},
         "One shared table for item and category ids, LEFT padding, masked history sum, MLP input "
         "[item, his_sum], per-channel PReLU, softmax2[0] + 1e-8."),
        ("zhougr_base", lambda: M.Zhougr(60, 8, cate, half=4, T=8, kind="base", hidden=(16, 8)),
         {"hist_bn_stats": False},
         "Category derived from the item id through the cate_list map; masked MEAN (an empty history gives 0 "
         "here; the original divides by 0 and gives NaN); history BN with the frozen 0/1 statistics of the "
         "original (no tensors, eps 1e-3) then Dense(d); MLP BN (random statistics) -> sigmoid -> sigmoid -> 1; "
         "+ item_b[item] (a derived field through an identity map) -> sigmoid."),
        ("zhougr_din", lambda: M.Zhougr(60, 8, cate, half=8, T=10, kind="din", hidden=(16, 8), att_hidden=(16, 8)), {},
         "Attention 16/8 sigmoid (80/40 in the original) over the unmasked history embeddings, mask -2^32+1, "
         "scale 1/sqrt(16), softmax; BN -> Dense(d); MLP input [u, item, u*item] -> BN -> sigmoid -> sigmoid "
         "-> 1 + item bias -> sigmoid. As din/model.py at dc7fb76 (the latest revision; earlier revisions "
         "fed [u, item] without u*item)."),
        ("zhougr_din_dice", lambda: M.Zhougr(60, 8, cate, half=4, T=8, kind="din", hidden=(16, 8), att_hidden=(16, 8),
                                             act="dice_din"),
         {"table_dtype": "BF16"},
         "zhougr1993 din/model_dice.py with din/Dice.py (p = sigmoid(beta * BN(x)), BN without centre/scale "
         "and never trained: x / sqrt(1 + 1e-3)) after f1 and f2; attention stays sigmoid; "
         "embedding tables stored as BF16."),
        ("deepctr_din", lambda: M.DeepCTRDIN(12, 2, 40, 9, dim=4, T=8, att_hidden=(16, 8), att_activation="dice",
                                             dnn_hidden=(24, 12), dnn_activation="relu"), {},
         "DeepCTR-Torch defaults: attention Dice (BatchNorm1d eps 1e-8, random running statistics, alpha (C,1)), "
         "weight_normalization False (raw scores, padding 0), DNN relu, Linear(no bias) + scalar bias -> "
         "sigmoid; dense features pay_score (user, 1) and item_stats (candidate, 2)."),
        ("deepctr_din_norm", lambda: M.DeepCTRDIN(12, 2, 40, 9, dim=4, T=8, att_hidden=(16, 8),
                                                  att_activation="prelu_scalar", att_weight_normalization=True,
                                                  dnn_hidden=(24, 12), dnn_activation="prelu_scalar", dnn_use_bn=True),
         {"user_oov": {"default_row": 0}},
         "att_weight_normalization=True (-2^32+1, softmax; an empty history gives the mean of the padded keys), "
         "scalar nn.PReLU() in attention and DNN, dnn_use_bn=True (BatchNorm1d eps 1e-5 after each Linear). "
         "user oov default_row 0."),
        ("deepctr_din_tanh", lambda: M.DeepCTRDIN(12, 2, 40, 9, dim=4, T=6, att_hidden=(8,), att_activation="tanh",
                                                  dnn_hidden=(16, 8), dnn_activation="linear"), {},
         "att_activation=nn.Tanh, dnn_activation='linear' (written as explicit linear activations)."),
    ]


def request_fields(mj):
    """(group, field, table rows or None, dense width or None) for every field a request carries."""
    out = []
    f = mj["fields"]
    for g in ["user", "history", "candidate"]:
        lst = f.get(g, [])
        if g == "history":
            lst = lst["fields"] if lst else []
        for x in lst:
            if "derive" in x:
                continue
            rows = mj["tables"][x["table"]]["rows"] if "table" in x else None
            out.append((g, x["name"], rows, x.get("dense")))
    return out


def random_request(mj, rng, n, length, oov_user=False):
    user, hist, cand = {}, {}, {}
    for g, name, rows, dense in request_fields(mj):
        if g == "user":
            if dense:
                user[name] = [round(float(v), 4) for v in rng.randn(dense)]
            else:
                user[name] = int(rows + 3) if oov_user and "oov" in mj["tables"][name] else int(rng.randint(rows))
        elif g == "history":
            hist[name] = [int(v) for v in rng.randint(rows, size=length)]
        else:
            cand[name] = [[round(float(v), 4) for v in rng.randn(dense)] for _ in range(n)] if dense \
                else [int(v) for v in rng.randint(rows, size=n)]
    r = {}
    if user:
        r["user"] = user
    if "history" in mj["fields"]:
        r["history"] = hist
    r["candidates"] = cand
    return r


def samples_of(req):
    """A request as a list of (user, history, candidate) samples, as the batch form writes them."""
    if "batch" in req:
        return [(s.get("user", {}), s.get("history", {}), s["candidate"]) for s in req["batch"]]
    c = req["candidates"]
    n = len(next(iter(c.values())))
    return [(req.get("user", {}), req.get("history", {}), {k: v[i] for k, v in c.items()}) for i in range(n)]


def module_input(mj, samples):
    """Padded tensors for the module (padding and out-of-vocabulary ids handled as the engine does)."""
    h = mj["fields"].get("history")
    T = h["max_length"] if h else 0
    left = h is not None and h.get("padding", "right") == "left"
    pad = h.get("padding_id", 0) if h else 0

    def fix(name, ids, rows):
        t = mj["tables"][name] if name in mj["tables"] else None
        oov = t.get("oov") if t else None
        out = []
        for v in ids:
            if not 0 <= v < rows:
                if not isinstance(oov, dict):
                    raise ValueError("id %d out of range" % v)
                v = oov["default_row"]
            out.append(v)
        return out

    tables_of = {}
    for g in ["user", "candidate"]:
        for x in mj["fields"].get(g, []):
            tables_of[x["name"]] = x.get("table")
    inp = {}
    lengths = []
    for g, name, rows, dense in request_fields(mj):
        col = []
        for u, hi, c in samples:
            src = u if g == "user" else hi if g == "history" else c
            v = src[name]
            if g == "history":
                seq = list(v)
                padded = [pad] * (T - len(seq)) + seq if left else seq + [pad] * (T - len(seq))
                col.append(padded)
            elif dense:
                col.append(v)
            else:
                col.append(fix(tables_of[name], [v], rows)[0])
        if dense:
            inp[name] = torch.tensor(col, dtype=torch.float32)
        else:
            inp[name] = torch.tensor(col, dtype=torch.int64)
    if h:
        first = h["fields"][0]["name"]
        lengths = [len(hi[first]) for _, hi, _ in samples]
        inp["__len__"] = torch.tensor(lengths, dtype=torch.int64)
    return inp


def score(model, mj, req):
    with torch.no_grad():
        s = model(module_input(mj, samples_of(req)))
    return [float(np.float32(v)) for v in s.numpy()]


def make_case(out_root, name, ctor, kw, notes, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = ctor()
    M.randomize_(model, gen)
    model.eval()
    if kw.get("hist_bn_stats") is False:
        # The original's history BN is never trained: its statistics stay at their initial 0/1.
        bn = model.hist_bn
        with torch.no_grad():
            bn.running_mean.zero_(), bn.running_var.fill_(1), bn.weight.fill_(1), bn.bias.zero_()
    if kw.get("table_dtype", "F32") != "F32":
        E.round_tables_(model, kw["table_dtype"])
    b = E.export(model, name, **kw)
    d = os.path.join(out_root, name)
    b.write(d)
    mj = b.model_json()
    rng = np.random.RandomState(seed)
    T = mj["fields"]["history"]["max_length"]
    has_oov = any("oov" in t for t in mj["tables"].values())
    plan = [(1, 0), (1, 1), (3, T), (5, T // 2), (7, 2), (20, T - 1), (4, T), (2, 0), (6, 3)]
    lines = []
    for k, (n, length) in enumerate(plan):
        req = random_request(mj, rng, n, length, oov_user=has_oov and k == 4)
        lines.append({"request": req, "scores": score(model, mj, req)})
    batch = []
    for length in [0, 1, T, 3, T // 2, 2, T - 1]:
        r = random_request(mj, rng, 1, length, oov_user=has_oov and length == 3)
        s = {k: v for k, v in r.items() if k != "candidates"}
        s["candidate"] = {k: v[0] for k, v in r["candidates"].items()}
        batch.append(s)
    req = {"batch": batch}
    lines.append({"request": req, "scores": score(model, mj, req)})
    with open(os.path.join(d, "cases.jsonl"), "w") as f:
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump({"reference": mj["reference"], "module": "tools/reference/models_din.py " + type(model).__name__,
                   "seed": seed, "notes": notes}, f, indent=1)
        f.write("\n")
    return d


def main(argv):
    out_root = argv[1] if len(argv) > 1 else os.path.join(ROOT, "fixtures", "golden")
    os.makedirs(out_root, exist_ok=True)
    for k, (name, ctor, kw, notes) in enumerate(cases()):
        d = make_case(out_root, name, ctor, kw, notes, seed=1000 + k)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        print("wrote %-20s %6.1f KB" % (d, size / 1024))


if __name__ == "__main__":
    main(sys.argv)
