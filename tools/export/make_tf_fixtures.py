"""Writes fixtures/tf: checkpoints of the original TF scripts in TF's names and layouts, made from the project's
PyTorch ports of that code (tools/reference), imported by tf_import.py, with the ports' scores.

    /usr/bin/python3 tools/export/make_tf_fixtures.py [--only CASE]

For each case:
  fixtures/tf/inputs/CASE.npz, CASE.safetensors  the variables as tf.train.list_variables names them
                                                 (random weights; also Adam slots, the auxiliary net and
                                                 MIMN's unused init/fully_connected_1|2, which must be skipped)
  fixtures/tf/CASE/                              tf_import.py's output from the .npz (model.json,
                                                 weights.safetensors, reference.json) + cases.jsonl, the
                                                 requests with the port's scores

The .safetensors input is imported too and must give the same model directory. Needs torch and numpy; the
ports compute in float64 (DIEN, MIMN) or float32 (DIN) from the float32 weights.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "reference"))
sys.path.insert(0, HERE)
import dien  # noqa: E402
import mimn  # noqa: E402
import models_din as M  # noqa: E402
import st  # noqa: E402
import tf_import  # noqa: E402
from make_goldens_seq import padded, to_json  # noqa: E402
from seq_st import f32  # noqa: E402

OUT = os.path.join(ROOT, "fixtures", "tf")
T_MAX = 6  # small: mouna99 sums all T positions (padding included), so the fixture's T is part of the model
RANKING = [(1, 2), (T_MAX, 3), (3, 1), (4, 4), (0, 2), (T_MAX - 1, 1), (2, 2)]  # (history length, candidates)
BATCH = [1, T_MAX, 0, 4, 2]
NAMES = ("uid", ("mid_his", "cat_his"), ("mid", "cat"))


def requests(rng, n_uid, n_mid, n_cat):
    """(kind, rows) as make_goldens_seq.to_json takes them; histories of 3 or more events hold id 0 (mid and
    cat) at their second event, and the candidates may be id 0."""
    def hist(L):
        h = [(int(a), int(b)) for a, b in zip(rng.integers(1, n_mid, L), rng.integers(1, n_cat, L))]
        if L >= 3:
            h[1] = (0, 0)
        return h
    cand = lambda: (int(rng.integers(0, n_mid)), int(rng.integers(0, n_cat)))
    for L, n in RANKING:
        u, h = int(rng.integers(0, n_uid)), hist(L)
        yield "ranking", [dict(user=u, hist=h, cand=cand()) for _ in range(n)]
    yield "batch", [dict(user=int(rng.integers(0, n_uid)), hist=hist(L), cand=cand()) for L in BATCH]


def random_bn(rng, w):
    """Moving statistics away from TF's initial 0/1, so that the importer must read them."""
    return {"bn1/moving_mean": rng.normal(0, 0.5, w).astype(np.float32),
            "bn1/moving_variance": rng.uniform(0.3, 2.0, w).astype(np.float32)}


def training_only(rng, tf, aux_stag, aux_in):
    """What a checkpoint holds besides the model: Adam's slots and powers, the auxiliary net."""
    n = lambda *s: rng.normal(0, 0.1, s).astype(np.float32)
    extra = {"beta1_power": np.float32(0.9) * np.ones((), np.float32), "beta2_power": np.ones((), np.float32)}
    for name in list(tf)[:3]:
        extra[name + "/Adam"], extra[name + "/Adam_1"] = n(*tf[name].shape), n(*tf[name].shape)
    for k in ("gamma", "beta", "moving_mean", "moving_variance"):
        extra["bn1%s/%s" % (aux_stag, k)] = n(aux_in)
    for i, (a, b) in enumerate(((aux_in, 5), (5, 3), (3, 2)), 1):
        extra["f%d%s/kernel" % (i, aux_stag)], extra["f%d%s/bias" % (i, aux_stag)] = n(a, b), n(b)
    return extra


# ------------------------------------------------------------------------------------------------- mouna99
def din_case(seed):
    torch.manual_seed(seed)
    model = M.Mouna99(8, 30, 7, dim=4, T=T_MAX, kind="din", hidden=(12, 6), att_hidden=(10, 5), act="dice_per_sample")
    M.randomize_(model, torch.Generator().manual_seed(seed))
    model.eval()
    a = lambda t: t.detach().numpy().astype(np.float32)
    tf = {"uid_embedding_var": a(model.emb_uid.weight), "mid_embedding_var": a(model.emb_mid.weight),
          "cat_embedding_var": a(model.emb_cat.weight)}
    for i, lin in enumerate(list(model.att.linears) + [model.att.out], 1):
        tf["f%d_attnull/kernel" % i], tf["f%d_attnull/bias" % i] = a(lin.weight).T.copy(), a(lin.bias)
    f = model.fcn
    tf.update({"bn1/gamma": a(f.bn1.weight), "bn1/beta": a(f.bn1.bias), "bn1/moving_mean": a(f.bn1.running_mean),
               "bn1/moving_variance": a(f.bn1.running_var)})
    for i, (lin, act) in enumerate(((f.fc1, f.act1), (f.fc2, f.act2), (f.fc3, None)), 1):
        tf["f%d/kernel" % i], tf["f%d/bias" % i] = a(lin.weight).T.copy(), a(lin.bias)
        if act is not None:
            tf["dice_%d/alphadice_%d" % (i, i)] = a(act.alpha)
    rng = np.random.default_rng(seed)
    tf.update(training_only(rng, tf, "gru", 10))
    lines = []
    for kind, rows in requests(rng, 8, 30, 7):
        hm, hc, L = padded(rows, T_MAX, left=False)
        inp = {"uid": torch.tensor([r["user"] for r in rows]), "mid": torch.tensor([r["cand"][0] for r in rows]),
               "cat": torch.tensor([r["cand"][1] for r in rows]), "hist_mid": torch.from_numpy(hm),
               "hist_cat": torch.from_numpy(hc), "__len__": torch.from_numpy(L)}
        with torch.no_grad():
            lines.append((to_json(kind, rows, NAMES), model(inp).double().tolist()))
    port = "tools/reference/models_din.py Mouna99(kind='din', act='dice_per_sample')"
    return tf, lines, dict(arch="mouna99-din"), port


def dien_case(seed):
    rng = np.random.default_rng(seed)
    p = dien.mouna99_params(rng, n_uid=6, n_mid=30, n_cat=7, e=4, H=6, att=[10, 5], mlp=[12, 6])
    w = p["bn/gamma"].shape[0]
    bn = random_bn(rng, w)
    p["bn/moving_mean"], p["bn/moving_variance"] = bn["bn1/moving_mean"], bn["bn1/moving_variance"]
    tf = {"uid_embedding_var": p["uid"], "mid_embedding_var": p["mid"], "cat_embedding_var": p["cat"]}
    for k in ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias"):
        tf["gru1/gru_cell/" + k], tf["gru2/" + k] = p["gru1/" + k], p["gru2/" + k]
    tf.update({"f11_1/kernel": p["f1/kernel"], "f11_1/bias": p["f1/bias"], "prelu_": p["prelu"]})
    for i in range(3):
        tf["f%d_att1_1/kernel" % (i + 1)], tf["f%d_att1_1/bias" % (i + 1)] = p["att%d/kernel" % i], p["att%d/bias" % i]
    tf.update({"bn1/gamma": p["bn/gamma"], "bn1/beta": p["bn/beta"]}, **bn)
    for i in range(3):
        tf["f%d/kernel" % (i + 1)], tf["f%d/bias" % (i + 1)] = p["fc%d/kernel" % i], p["fc%d/bias" % i]
        if i < 2:
            tf["dice_%d/alphadice_%d" % (i + 1, i + 1)] = p["dice%d" % i]
    tf.update(training_only(rng, tf, "gru", 6 + 8))  # aux input [h_t (H), next event (2E)]
    lines = []
    for kind, rows in requests(rng, 6, 30, 7):
        hm, hc, L = padded(rows, T_MAX, left=False)
        s = dien.mouna99_forward(p, "augru", [r["user"] for r in rows], [r["cand"][0] for r in rows],
                                 [r["cand"][1] for r in rows], hm, hc, L)
        lines.append((to_json(kind, rows, NAMES), s.tolist()))
    return tf, lines, dict(arch="mouna99-dien"), "tools/reference/dien.py mouna99_forward(form='augru')"


# ---------------------------------------------------------------------------------------------------- MIMN
def mimn_tf(p, rng, extras):
    s = p["_sizes"]
    tf = {"mid_embedding_var": p["mid"]}
    cells = [("controller", "controller/gru_cell/")] + ([("miu", "gru_cell/")] if s["induction"] else [])
    for g, scope in cells:
        for k in ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias"):
            tf[scope + k] = p[g + "/" + k]
    for h in ("o2p", "o2o"):
        tf[h + "/fully_connected/weights"], tf[h + "/fully_connected/biases"] = p[h + "/kernel"], p[h + "/bias"]
    tf["init/fully_connected/weights"] = p["init_read"][None, :].copy()
    tf["init/init_M"], tf["init/key_M"] = p["init_M"], p["key_M"]
    if s["induction"]:
        for i in range(3):
            tf["f%d_attpal/kernel" % (i + 1)] = p["att%d/kernel" % i]
            tf["f%d_attpal/bias" % (i + 1)] = p["att%d/bias" % i]
    tf.update({"bn1/gamma": p["bn/gamma"], "bn1/beta": p["bn/beta"], "bn1/moving_mean": p["bn/moving_mean"],
               "bn1/moving_variance": p["bn/moving_variance"]})
    for i in range(3):
        tf["f%d/kernel" % (i + 1)], tf["f%d/bias" % (i + 1)] = p["fc%d/kernel" % i], p["fc%d/bias" % i]
        if i < 2:
            tf["prelu_%d/prelu_prelu_%d" % (i + 1, i + 1)] = p["prelu%d" % i]
    for i in (1, 2):  # the initial w_list: saved, never read
        tf["init/fully_connected_%d/weights" % i] = rng.normal(0, 0.5, (1, s["m"])).astype(np.float32)
    if extras:
        tf.update(training_only(rng, tf, "bigru_0", s["H"] + 4 * s["e"]))
    return tf


def mimn_case(induction, util_reg, m, mask_flag, steps, seed, extras=False):
    def build():
        # The MIU picks one slot by argmax: keep weights whose choices are far from a tie, so that fp32
        # rounding in an engine cannot flip them.
        for attempt in range(50):
            s_ = seed + 1000 * attempt
            rng = np.random.default_rng(s_)
            p = mimn.params(rng, n_mid=20, e=2, H=4, m=m, att=[4, 2], mlp=[6, 4], util_reg=util_reg,
                            induction=induction)
            bn = random_bn(rng, p["bn/gamma"].shape[0])
            p["bn/moving_mean"], p["bn/moving_variance"] = bn["bn1/moving_mean"], bn["bn1/moving_variance"]
            lines, stats = [], {}
            for kind, rows in requests(rng, 5, 20, 20):
                hm, hc, L = padded(rows, T_MAX, left=True)
                sc = mimn.forward(p, [r["cand"][0] for r in rows], [r["cand"][1] for r in rows], hm, hc, L,
                                  mask_flag, steps, stats)
                lines.append((to_json(kind, rows, NAMES), sc.tolist()))
            if stats.get("margin", 1.0) > 1e-3:
                opts = dict(arch="uic-mimn", mask_flag=mask_flag, steps=steps)
                return mimn_tf(p, rng, extras), lines, opts, "tools/reference/mimn.py forward (seed %d)" % s_
        raise SystemExit("no seed without near MIU ties")
    return build


def cases():
    c = {"mouna99_din": lambda: din_case(401), "mouna99_dien": lambda: dien_case(402)}
    seed = 410
    for induction in (True, False):
        for util_reg in (True, False):
            for m in (4, 8):
                for mask_flag in (True, False):
                    name = "mimn_%s_%s_m%d_%s" % ("miu" if induction else "nomiu", "reg" if util_reg else "noreg", m,
                                                  "mask" if mask_flag else "nomask")
                    c[name] = mimn_case(induction, util_reg, m, mask_flag, "padded", seed,
                                        extras=name == "mimn_miu_reg_m4_mask")
                    seed += 1
    c["mimn_miu_reg_m4_mask_events"] = mimn_case(True, True, 4, True, "events", seed)
    return c


def command(opts, variables, out_dir):
    argv = ["--arch", opts["arch"], "--variables", variables, "--max-length", str(T_MAX)]
    if opts["arch"] == "uic-mimn":
        argv += ["--mask-flag", str(opts["mask_flag"]).lower(), "--steps", opts["steps"]]
    return argv + [out_dir]


def write_inputs(name, tf):
    os.makedirs(os.path.join(OUT, "inputs"), exist_ok=True)
    base = os.path.join(OUT, "inputs", name)
    tf = {k: np.require(v, np.float32, "C") for k, v in sorted(tf.items())}  # keeps the 0-d Adam powers 0-d
    np.savez_compressed(base + ".npz", **tf)
    st.save(base + ".safetensors", {k: (v, "F32") for k, v in tf.items()})
    return base + ".npz", base + ".safetensors"


def same_model(a, b):
    return all(open(os.path.join(a, f), "rb").read() == open(os.path.join(b, f), "rb").read()
               for f in ("model.json", "weights.safetensors"))


def make(name, build):
    tf, lines, opts, port = build()
    npz, sft = write_inputs(name, tf)
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    rel = lambda p: os.path.relpath(p, ROOT)
    argv = command(opts, rel(npz), rel(d))
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        if tf_import.main(argv) != 0:
            raise SystemExit("%s: import failed" % name)
        with tempfile.TemporaryDirectory() as tmp:
            if tf_import.main(command(opts, rel(sft), tmp)) != 0 or not same_model(d, tmp):
                raise SystemExit("%s: the .safetensors import differs from the .npz import" % name)
    finally:
        os.chdir(cwd)
    with open(os.path.join(d, "cases.jsonl"), "w") as f:
        for req, scores in lines:
            f.write(json.dumps({"request": req, "scores": [f32(s) for s in scores]}, separators=(",", ":")) + "\n")
    ref_path = os.path.join(d, "reference.json")
    ref = json.load(open(ref_path))
    ref["fixture"] = {"command": "python3 tools/export/tf_import.py " + " ".join(argv),
                      "expected": "scores of the PyTorch port " + port + ", rounded to float32",
                      "generator": "/usr/bin/python3 tools/export/make_tf_fixtures.py", "torch": torch.__version__}
    with open(ref_path, "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only")
    args = ap.parse_args()
    for name, build in cases().items():
        if args.only and name != args.only:
            continue
        d = make(name, build)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        print("wrote %-32s %5.1f KB" % (os.path.relpath(d, ROOT), size / 1024))


if __name__ == "__main__":
    main()
