"""Random DIN/DIEN configurations trained with the real DeepCTR-Torch, exported, and replayed.

    DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/export/random_configs.py \
        [--n 32] [--seed 2026] [--exporter DIR] [--out bench/results/deepctr-DATE]

Each configuration draws what a user could declare: user and dense features, one or two history features
(shared tables, group names, one length column or one per feature), extra VarLenSparseFeat columns (user
tags, genres...) with a length column of their own, the history's, another extra's, or length_name=None,
combiners sum/mean/max, a table of their own or a query's, all in a random declaration order; DIN or DIEN
(every gru_type, negative sampling) with random attention/DNN options and task. Combiner max goes only
with length_name=None: with a length column DeepCTR-Torch's SequencePoolingLayer fails (test_export.py
pins that), so no such model can be trained.

Each model gets random weights, two epochs of `fit`, then requests whose rows hold non-zero ids past their
lengths (as make_fixtures.py: ranking and batch requests, history lengths 0..maxlen). The exporter writes the
model directory and converts the rows; tools/reference/graph_torch.py (the format's independent interpreter,
float64) replays the requests against `model.predict` with the engine's tolerance (rtol 1e-5, atol 1e-6).

Writes summary.json (one entry per configuration) and summary.md into --out (the models are not kept).
--exporter DIR loads deepctr_export.py from DIR instead (e.g. an older checkout, to compare).
"""
import argparse
import datetime
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
import make_fixtures  # noqa: E402

ACTIVATIONS = ["relu", "sigmoid", "prelu", "linear", torch.nn.Tanh]
ATT_ACTIVATIONS = ["Dice", "relu", "sigmoid", "prelu"]
GRU_TYPES = ["GRU", "AIGRU", "AGRU", "AUGRU"]


def draw(rng, kind):
    """One configuration as plain data (JSON-able): feature declarations and model options."""
    def dim():
        return int(rng.integers(2, 6))

    feats = []
    for i in range(int(rng.integers(0, 3))):
        feats.append({"type": "sparse", "name": "user%d" % i, "vocab": int(rng.integers(5, 30)), "dim": dim()})
    for i in range(int(rng.integers(0, 3))):
        feats.append({"type": "dense", "name": "d%d" % i, "dim": int(rng.integers(1, 4))})
    items = ["item", "cate"][:int(rng.integers(1, 3))]
    T = int(rng.integers(3, 10))
    per_feature_length = rng.random() < 0.2
    hist_length = "seq_length" if rng.random() < 0.85 else None
    groups = ["default_group", "g1"]
    tables = {}
    negsampling = kind == "DIEN" and rng.random() < 0.3  # a neg_hist_ column per history feature, or none
    for it in items:
        d, vocab, group = dim(), int(rng.integers(6, 40)), groups[int(rng.integers(0, 2))]
        tables[it] = d
        feats.append({"type": "sparse", "name": it, "vocab": vocab, "dim": d, "group": group})
        length = ("len_" + it) if per_feature_length else hist_length
        feats.append({"type": "varlen", "name": "hist_" + it, "vocab": vocab, "dim": d, "emb": it, "group": group,
                      "maxlen": T, "length": length, "combiner": "mean"})
        if negsampling:
            feats.append({"type": "varlen", "name": "neg_hist_" + it, "vocab": vocab, "dim": d, "emb": it,
                          "maxlen": T, "length": length, "combiner": "mean"})
    extra_lengths = []
    for i in range(int(rng.integers(0, 4))):
        mode = ["own", "none", "history", "shared"][int(rng.integers(0, 4))]
        if mode == "shared" and not extra_lengths:
            mode = "own"
        if mode == "history" and hist_length is None:
            mode = "none"
        length = {"own": "x%d_len" % i, "none": None, "history": hist_length,
                  "shared": extra_lengths[0] if extra_lengths else None}[mode]
        if mode == "own":
            extra_lengths.append(length)
        combiner = ["sum", "mean", "max"][int(rng.integers(0, 3))]
        if combiner == "max" and length is not None:
            combiner = "sum"  # max with a length column does not run in DeepCTR-Torch
        if rng.random() < 0.3:
            emb = items[int(rng.integers(0, len(items)))]
            d, vocab = tables[emb], None
        else:
            emb, d, vocab = "x%d" % i, dim(), int(rng.integers(4, 20))
        feats.append({"type": "varlen", "name": "x%d" % i, "vocab": vocab, "dim": d, "emb": emb,
                      "maxlen": int(rng.integers(2, 9)), "length": length, "combiner": combiner})
    if not any(f["type"] == "varlen" and f["length"] for f in feats):
        # DeepCTR-Torch needs one length column for the history.
        for f in feats:
            if f["name"].startswith("hist_"):
                f["length"] = "seq_length"
    order = rng.permutation(len(feats))
    feats = [feats[i] for i in order]
    # A shared table's vocabulary is its LAST declaration's: give every declaration the query's.
    vocab = {f["name"]: f["vocab"] for f in feats if f["type"] == "sparse"}
    for f in feats:
        if f["type"] == "varlen" and f["vocab"] is None:
            f["vocab"] = vocab[f["emb"]]
    cfg = {"kind": kind, "features": feats, "items": items,
           "att_hidden": [int(rng.integers(2, 12)) for _ in range(int(rng.integers(1, 3)))],
           "att_activation": ATT_ACTIVATIONS[int(rng.integers(0, len(ATT_ACTIVATIONS)))],
           "att_norm": bool(rng.random() < 0.5),
           "dnn_hidden": [int(rng.integers(3, 16)) for _ in range(int(rng.integers(1, 4)))],
           "dnn_activation": int(rng.integers(0, len(ACTIVATIONS))),
           "dnn_bn": bool(rng.random() < 0.4),
           "task": "regression" if rng.random() < 0.2 else "binary"}
    if kind == "DIEN":
        cfg["gru_type"] = GRU_TYPES[int(rng.integers(0, 4))]
        cfg["negsampling"] = any(f["name"].startswith("neg_hist_") for f in feats)
    dense = [f["name"] for f in feats if f["type"] == "dense"]
    cfg["candidate_features"] = dense[:1] if dense and rng.random() < 0.5 else []
    return cfg


def build(cfg, seed):
    from deepctr_torch.inputs import SparseFeat, VarLenSparseFeat, DenseFeat
    from deepctr_torch.models import DIN, DIEN
    cols = []
    for f in cfg["features"]:
        if f["type"] == "dense":
            cols.append(DenseFeat(f["name"], f["dim"]))
        elif f["type"] == "sparse":
            cols.append(SparseFeat(f["name"], f["vocab"], embedding_dim=f["dim"], group_name=f.get("group",
                                                                                              "default_group")))
        else:
            sf = SparseFeat(f["name"], f["vocab"], embedding_dim=f["dim"], embedding_name=f["emb"],
                            group_name=f.get("group", "default_group"))
            cols.append(VarLenSparseFeat(sf, maxlen=f["maxlen"], combiner=f["combiner"], length_name=f["length"]))
    act = ACTIVATIONS[cfg["dnn_activation"]]
    if cfg["kind"] == "DIN":
        m = DIN(cols, cfg["items"], dnn_use_bn=cfg["dnn_bn"], dnn_hidden_units=tuple(cfg["dnn_hidden"]),
                dnn_activation=act, att_hidden_size=tuple(cfg["att_hidden"]), att_activation=cfg["att_activation"],
                att_weight_normalization=cfg["att_norm"], task=cfg["task"], seed=seed)
    else:
        m = DIEN(cols, cfg["items"], gru_type=cfg["gru_type"], use_negsampling=cfg["negsampling"],
                 use_bn=cfg["dnn_bn"], dnn_hidden_units=tuple(cfg["dnn_hidden"]), dnn_activation=act,
                 att_hidden_units=tuple(cfg["att_hidden"]), att_activation=cfg["att_activation"],
                 att_weight_normalization=cfg["att_norm"], task=cfg["task"], seed=seed)
    return m, cols


def describe(cfg):
    extras = [f for f in cfg["features"] if f["type"] == "varlen" and not f["name"].startswith(("hist_", "neg_"))]
    parts = ["%s(%s, len=%s, maxlen=%d%s)" % (f["name"], f["combiner"], f["length"], f["maxlen"],
                                              ", table=" + f["emb"] if f["emb"] != f["name"] else "")
             for f in extras]
    first = next(f["length"] for f in cfg["features"] if f["type"] == "varlen" and f["length"])
    opts = cfg.get("gru_type", "") + (" negsampling" if cfg.get("negsampling") else "")
    return "%s %s att=%s%s history=%s first_length=%s extras=[%s]" % (
        cfg["kind"], opts, cfg["att_activation"], "/softmax" if cfg["att_norm"] else "/raw",
        "+".join(cfg["items"]), first, ", ".join(parts))


def load_exporter(path):
    if not path:
        import deepctr_export
        return deepctr_export
    spec = importlib.util.spec_from_file_location("deepctr_export_under_test", os.path.join(path, "deepctr_export.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_one(ex, cfg, seed, workdir):
    """{"status": "match" | "mismatch" | "refused" | "request refused", ...} for one configuration."""
    import check_goldens
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    model, cols = build(cfg, seed)
    try:
        make_fixtures.prepare(model, g, rng, "train", 1.5)
    except RuntimeError as e:  # not counted as the exporter's: there is no trained model
        return {"status": "deepctr-torch failed", "why": str(e)}
    out = os.path.join(workdir, "m%d" % seed)
    try:
        desc = ex.export(model, out, feature_columns=cols, candidate_features=cfg["candidate_features"])
    except ex.UnsupportedModelError as e:
        return {"status": "refused", "why": str(e)}
    try:
        make_fixtures.record(ex, desc, model, rng, True, out)
    except ValueError as e:
        return {"status": "request refused", "why": str(e)}
    with open(os.path.join(out, "model.json")) as f:
        version = json.load(f)["format_version"]
    torch.set_default_dtype(torch.float64)
    try:
        n, worst = check_goldens.check(out)
    except AssertionError as e:
        return {"status": "mismatch", "why": str(e), "format_version": version}
    finally:
        torch.set_default_dtype(torch.float32)
    return {"status": "match", "scores": n, "worst_of_tolerance": round(worst, 4), "format_version": version}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--deepctr-torch", default=os.environ.get("DEEPCTR_TORCH"))
    p.add_argument("--n", type=int, default=32)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--exporter", help="directory holding the deepctr_export.py to test (default: this one)")
    p.add_argument("--out", help="directory for summary.json and summary.md (default: print only)")
    a = p.parse_args()
    dc = make_fixtures._import_deepctr(a.deepctr_torch)
    ex = load_exporter(a.exporter)
    rng = np.random.default_rng(a.seed)
    results = []
    t0 = time.time()
    with tempfile.TemporaryDirectory() as work:
        for i in range(a.n):
            kind = "DIN" if i % 2 == 0 else "DIEN"
            cfg = draw(rng, kind)
            r = run_one(ex, cfg, a.seed * 100 + i, work)
            r.update({"config": i, "kind": kind, "description": describe(cfg)})
            results.append(r)
            print("%2d %-16s %s" % (i, r["status"], r["description"]), flush=True)
            if r["status"] != "match":
                print("   " + r["why"], flush=True)
    counts = {}
    for r in results:
        counts.setdefault(r["kind"], {}).setdefault(r["status"], 0)
        counts[r["kind"]][r["status"]] += 1
    matched = sum(r["status"] == "match" for r in results)
    exported = sum(r["status"] not in ("refused",) for r in results)
    summary = {
        "command": "DEEPCTR_TORCH=... /usr/bin/python3 tools/export/random_configs.py " + " ".join(sys.argv[1:]),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "machine": "%s, %d CPUs, Python %s, torch %s, DeepCTR-Torch %s" % (
            platform.platform(), os.cpu_count(), platform.python_version(), torch.__version__,
            getattr(dc, "__version__", "?")),
        "seconds": round(time.time() - t0, 1),
        "configurations": a.n, "exported": exported, "matched": matched, "by_kind": counts,
        "tolerance": "rtol 1e-5, atol 1e-6 (the engine's GoldenCases), interpreter in float64",
        "results": results,
    }
    print("exported %d/%d, converted and matched model.predict %d/%d (%s)" % (exported, a.n, matched, a.n, counts))
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "summary.json"), "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
        with open(os.path.join(a.out, "summary.md"), "w") as f:
            f.write(markdown(summary))
    return 0 if matched == a.n else 1


def markdown(s):
    lines = ["# DeepCTR-Torch random configurations: export and replay", "",
             "- command: `%s`" % s["command"], "- date: %s" % s["date"], "- machine: %s" % s["machine"],
             "- time: %.1f s" % s["seconds"], "- check: %s" % s["tolerance"], "",
             "**%d of %d exported; %d of %d converted and matched `model.predict`.** By kind: %s" % (
                 s["exported"], s["configurations"], s["matched"], s["configurations"],
                 json.dumps(s["by_kind"], sort_keys=True)), "",
             "| # | result | format | worst diff / tolerance | configuration |", "|---|---|---|---|---|"]
    for r in s["results"]:
        worst = "%.3f" % r["worst_of_tolerance"] if "worst_of_tolerance" in r else r.get("why", "")[:120]
        lines.append("| %d | %s | %s | %s | %s |" % (r["config"], r["status"], r.get("format_version", ""), worst,
                                                     r["description"].replace("|", "/")))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
