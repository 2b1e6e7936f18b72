"""Conformance fixtures for the deep recommendation family (WDL, DeepFM, DCN, DCNMix, PNN, NFM, AFM, xDeepFM,
AutoInt): fixtures/deepctr/<case>/, made as make_fixtures.py makes the DIN/DIEN ones, with the REAL
DeepCTR-Torch code (imported from $DEEPCTR_TORCH, never copied here):

    DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/export/make_family_fixtures.py [--only NAME]

Per case: the exporter's output, cases.jsonl (five ranking requests of 1-5 candidates sharing one user and
a batch of seven samples, scored by the model's own predict in eval mode) and reference.json.
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import make_fixtures  # noqa: E402


def cases():
    """(name, builder, weights, gain); a builder returns (model, feature_columns, export kwargs, description)."""
    from deepctr_torch.inputs import SparseFeat, VarLenSparseFeat, DenseFeat
    from deepctr_torch import models as M

    def vl(name, vocab, dim, T, length, combiner, emb=None):
        return VarLenSparseFeat(SparseFeat(name, vocab, embedding_dim=dim, embedding_name=emb or name),
                                maxlen=T, combiner=combiner, length_name=length)

    def std(dim=4, dense=True, varlen=True, user_vocab=20):
        """user, item, cate (+ tags summed by length, genres id-masked max) (+ price, ctx)."""
        cols = [SparseFeat("user", user_vocab, dim), SparseFeat("item", 30, dim), SparseFeat("cate", 9, dim)]
        if varlen:
            cols += [vl("tags", 12, dim, 5, "tags_len", "mean"), vl("genres", 7, dim, 3, None, "max")]
        if dense:
            cols += [DenseFeat("price", 1), DenseFeat("ctx", 2)]
        return cols

    cand = {"candidate_features": ["item", "cate", "price"]}
    cand_nd = {"candidate_features": ["item", "cate"]}

    def wdl_varlen_dense():
        # Linear columns differ from the DNN ones: a linear-only feature (shop), a summed varlen feature read with
        # another combiner than the DNN's, a DNN-only id-masked feature, dense features on both sides.
        dnn = std()
        lin = [SparseFeat("user", 20, 4), SparseFeat("item", 30, 4), SparseFeat("shop", 6, 4),
               vl("tags", 12, 4, 5, "tags_len", "sum"), DenseFeat("price", 1)]
        m = M.WDL(lin, dnn, dnn_hidden_units=(16, 8), dnn_use_bn=True, seed=41)
        return m, dnn, cand, "linear columns differ from DNN columns, varlen sum/mean/max, dense, DNN relu with BN"

    def wdl_linear_only_regression():
        dnn = std(dense=False)
        m = M.WDL(dnn, dnn, dnn_hidden_units=(), task="regression", seed=42)
        return m, dnn, {}, "no DNN (dnn_hidden_units=()), regression, no candidate_features (all per candidate)"

    def deepfm_varlen_dense():
        dnn = std()
        m = M.DeepFM(dnn, dnn, dnn_hidden_units=(16, 8), dnn_activation="prelu", dnn_use_bn=True, seed=43)
        return m, dnn, cand, "FM + DNN prelu with BN, varlen mean (length) and max (id mask), dense"

    def deepfm_no_fm():
        dnn = std(varlen=False)
        m = M.DeepFM(dnn, dnn, use_fm=False, dnn_hidden_units=(12,), dnn_activation="sigmoid", seed=44)
        return m, dnn, cand, "use_fm=False, DNN sigmoid"

    def deepfm_no_dnn_shared():
        # FM + linear only; two features share one table; the linear item vocabulary is smaller than the DNN's
        # (the request field is sent on the smaller table).
        dnn = [SparseFeat("user", 20, 5), SparseFeat("item", 30, 5), SparseFeat("seen", 30, 5, embedding_name="item"),
               vl("clicks", 30, 5, 4, "clicks_len", "sum", emb="item")]
        lin = [SparseFeat("user", 20, 5), SparseFeat("item", 25, 5), DenseFeat("price", 1)]
        m = M.DeepFM(lin, dnn, dnn_hidden_units=(), seed=45)
        return m, dnn, {"candidate_features": ["item", "price"]}, \
            "no DNN, shared item table (sparse and varlen), smaller linear table, linear-only dense"

    def dcn(name, cross_num, param, **kw):
        def build():
            dnn = std()
            m = M.DCN(dnn, dnn, cross_num=cross_num, cross_parameterization=param, dnn_hidden_units=(12, 6),
                      seed=46 + cross_num, **kw)
            return m, dnn, cand, "cross_num=%d %s%s" % (cross_num, param, ", " + str(kw) if kw else "")
        return name, build

    def dcnmix(name, cross_num, experts, rank, **kw):
        def build():
            dnn = std()
            m = M.DCNMix(dnn, dnn, cross_num=cross_num, num_experts=experts, low_rank=rank, dnn_hidden_units=(12, 6),
                         seed=50 + cross_num, **kw)
            return m, dnn, cand, "cross_num=%d num_experts=%d low_rank=%d%s" % (cross_num, experts, rank,
                                                                                ", " + str(kw) if kw else "")
        return name, build

    def pnn(name, inner, outer, kernel, dense=True):
        def build():
            dnn = std(dense=dense)
            m = M.PNN(dnn, dnn_hidden_units=(12, 6), use_inner=inner, use_outter=outer, kernel_type=kernel, seed=55)
            return m, dnn, cand if dense else cand_nd, "use_inner=%s use_outter=%s kernel_type=%s" % (inner, outer,
                                                                                                    kernel)
        return name, build

    def nfm(name, bi_dropout):
        def build():
            dnn = std()
            m = M.NFM(dnn, dnn, dnn_hidden_units=(12, 6), bi_dropout=bi_dropout, dnn_activation=torch.nn.Tanh, seed=60)
            return m, dnn, cand, "bi_dropout=%s (identity in eval), DNN tanh, varlen and dense" % bi_dropout
        return name, build

    def afm(name, att):
        def build():
            dnn = std(dense=False)
            lin = std()
            m = M.AFM(lin, dnn, use_attention=att, attention_factor=6, seed=61)
            return m, dnn, cand, "use_attention=%s, attention_factor 6, dense features in the linear part" % att
        return name, build

    def xdeepfm(name, sizes, split, act, dnn_units, **kw):
        def build():
            dnn = std()
            m = M.xDeepFM(dnn, dnn, dnn_hidden_units=dnn_units, cin_layer_size=sizes, cin_split_half=split,
                          cin_activation=act, seed=62, **kw)
            return m, dnn, cand, "cin_layer_size=%s split_half=%s cin_activation=%s dnn=%s%s" % (
                sizes, split, getattr(act, "__name__", act), dnn_units, ", " + str(kw) if kw else "")
        return name, build

    def autoint(name, layers, heads, res, dnn_units, dim=4, **kw):
        def build():
            dnn = std(dim=dim)
            m = M.AutoInt(dnn, dnn, att_layer_num=layers, att_head_num=heads, att_res=res, dnn_hidden_units=dnn_units,
                          seed=63, **kw)
            return m, dnn, cand, "att_layer_num=%d att_head_num=%d att_res=%s dnn=%s%s" % (
                layers, heads, res, dnn_units, ", " + str(kw) if kw else "")
        return name, build

    return [
        ("wdl_varlen_dense", wdl_varlen_dense, "train", 1.5),
        ("wdl_linear_only_regression", wdl_linear_only_regression, "random", 1.5),
        ("deepfm_varlen_dense", deepfm_varlen_dense, "train", 1.0),
        ("deepfm_no_fm", deepfm_no_fm, "random", 1.5),
        ("deepfm_no_dnn_shared", deepfm_no_dnn_shared, "random", 0.7),
        (*dcn("dcn_vector_0", 0, "vector"), "random", 1.5),
        (*dcn("dcn_vector_1", 1, "vector"), "random", 1.0),
        (*dcn("dcn_vector_3", 3, "vector", dnn_use_bn=True), "train", 0.7),
        (*dcn("dcn_matrix_2", 2, "matrix", dnn_activation="prelu"), "random", 0.7),
        (*dcn("dcn_matrix_3", 3, "matrix"), "train", 0.5),
        (*dcnmix("dcnmix_2x3r4", 2, 3, 4), "random", 1.0),
        (*dcnmix("dcnmix_1x1r2_bn", 1, 1, 2, dnn_use_bn=True), "train", 1.0),
        (*dcnmix("dcnmix_3x4r3", 3, 4, 3), "random", 0.7),
        (*pnn("pnn_inner", True, False, "mat"), "random", 1.0),
        (*pnn("pnn_outer_mat", False, True, "mat"), "random", 1.0),
        (*pnn("pnn_inner_outer_vec", True, True, "vec"), "train", 1.0),
        (*pnn("pnn_outer_num", False, True, "num", dense=False), "random", 1.0),
        (*pnn("pnn_no_product", False, False, "mat"), "random", 1.0),
        (*nfm("nfm_bi_dropout_0", 0), "random", 1.0),
        (*nfm("nfm_bi_dropout_03", 0.3), "train", 1.0),
        (*afm("afm_attention", True), "random", 1.0),
        (*afm("afm_no_attention", False), "train", 1.0),
        (*xdeepfm("xdeepfm_split_relu", (8, 6), True, "relu", (12,)), "random", 1.0),
        (*xdeepfm("xdeepfm_nosplit_sigmoid", (4, 3, 5), False, "sigmoid", (10, 5), dnn_use_bn=True), "train", 1.0),
        (*xdeepfm("xdeepfm_cin_only_linear", (6, 4, 3), True, "linear", ()), "random", 1.0),
        (*xdeepfm("xdeepfm_tanh_prelu", (5,), False, torch.nn.Tanh, (8,), dnn_activation="prelu"), "random", 1.0),
        (*xdeepfm("xdeepfm_cin_prelu", (4, 4), True, "prelu", ()), "random", 1.0),
        (*autoint("autoint_3x2_res", 3, 2, True, (12,)), "random", 1.0),
        (*autoint("autoint_2x4_nores_only", 2, 4, False, (), dim=8), "random", 1.0),
        (*autoint("autoint_dnn_only", 0, 2, True, (10, 5), dnn_use_bn=True), "train", 1.0),
        (*autoint("autoint_1x1_res", 1, 1, True, (8,), dnn_activation="sigmoid"), "random", 1.0),
    ]


def randomize(model, g, gain):
    """make_fixtures.randomize, plus the interaction layers' parameters (sized so that every term matters)."""
    make_fixtures.randomize(model, g, gain)

    def normal(t, s):
        with torch.no_grad():
            t.copy_(torch.randn(t.shape, generator=g) * s)

    for mod in model.modules():
        n = type(mod).__name__
        if n == "Linear" and hasattr(mod, "embedding_dict"):  # BaseModel's linear part
            if hasattr(mod, "weight"):
                normal(mod.weight, 0.5)
        elif n in ("CrossNet", "CrossNetMix"):
            for name, p in mod.named_parameters(recurse=False):
                normal(p, (gain / np.sqrt(p.shape[-2])) if name != "bias" else 0.3)
        elif n == "AFMLayer":
            for name, p in mod.named_parameters():
                normal(p, 1.0 if name != "attention_b" else 0.3)
        elif n == "InteractingLayer":
            for p in mod.parameters():
                normal(p, gain / np.sqrt(p.shape[0]))
        elif n == "OutterProductLayer":
            normal(mod.kernel, 0.5)
        elif isinstance(mod, torch.nn.Conv1d):
            normal(mod.weight, gain / np.sqrt(mod.in_channels))
            normal(mod.bias, 0.3)


class Inputs:
    """Rows of a DeepCTR-Torch input dict: a user (ids, dense values, varlen sequences with their lengths, ids
    past the lengths non-zero) and candidates that override the candidate features."""

    def __init__(self, model, rng):
        self.m, self.rng = model, rng
        lm = model.linear_model
        self.cols = {}
        for c in list(lm.sparse_feature_columns) + list(lm.varlen_sparse_feature_columns) + \
                list(lm.dense_feature_columns) + list(model.dnn_feature_columns):
            self.cols.setdefault(c.name, []).append(c)
        self.x = {k: [] for k in model.feature_index}

    def _hi(self, name):
        """Ids every table the feature reads holds (and its declared vocabularies)."""
        hi = []
        for c in self.cols[name]:
            hi.append(c.vocabulary_size)
            for d in (self.m.embedding_dict, self.m.linear_model.embedding_dict):
                if c.embedding_name in d:
                    hi.append(d[c.embedding_name].weight.shape[0])
        return min(hi)

    def value(self, name, u, length=None):
        c = self.cols[name][0]
        k = type(c).__name__
        if k == "DenseFeat":
            return self.rng.normal(0, 1, c.dimension).astype(np.float32)
        hi = self._hi(name)
        if k == "SparseFeat":
            return int(self.rng.integers(0, hi))
        if k == "DenseFeat":
            return self.rng.normal(0, 1, c.dimension).astype(np.float32)
        seq = np.zeros(c.maxlen, dtype=np.int64)
        if c.length_name is None:
            # A max over no id pools to about -1e9, which swamps every later sum in float32: such rows compare
            # rounding noise, so max-pooled features always hold an id here (test_export covers the empty case).
            lo = 1 if any(x.combiner == "max" for x in self.cols[name]) else 0
            n = int(self.rng.integers(lo, c.maxlen + 1)) if length != 0 or lo else 0
            at = self.rng.permutation(c.maxlen)[:n]
            seq[at] = self.rng.integers(1, hi, n)
            return seq
        if c.length_name not in u:
            u[c.length_name] = length if length is not None else int(self.rng.integers(0, c.maxlen + 1))
        n = min(u[c.length_name], c.maxlen)
        seq[:n] = self.rng.integers(0, hi, n)
        seq[n:] = self.rng.integers(1, hi, c.maxlen - n)  # ignored by DeepCTR-Torch
        return seq

    def user(self, length=None):
        u = {}
        for name in self.cols:
            u[name] = self.value(name, u, length)
        return u

    def candidate(self, u, per):
        r = dict(u)
        for name in per:
            r[name] = self.value(name, r)
        return r

    def add(self, row):
        for k in self.x:
            self.x[k].append(row[k])
        return len(self.x[k]) - 1

    def arrays(self):
        out = {}
        for k, v in self.x.items():
            kinds = {type(c).__name__ for c in self.cols.get(k, [])}
            out[k] = np.array(v).astype(np.float32 if kinds == {"DenseFeat"} else np.int64)
        return out


def training_data(model, rng, rows):
    inp = Inputs(model, rng)
    for _ in range(rows):
        inp.add(inp.user())
    return inp.arrays(), rng.integers(0, 2, rows).astype(np.float32)


def prepare(model, g, rng, weights, gain):
    randomize(model, g, gain)
    if weights == "train":
        x, y = training_data(model, rng, 96)
        model.compile("adam", "binary_crossentropy" if model.out.task == "binary" else "mse")
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    model.eval()


def record(ex, desc, model, rng, out):
    inp = Inputs(model, rng)
    per = [e["field"] for e in desc["candidate"]]
    requests = []
    for L in (0, 1, None, None, 2):
        u = inp.user(L)
        n = int(rng.integers(1, 6))
        requests.append(("ranking", [inp.add(inp.candidate(u, per)) for _ in range(n)]))
    requests.append(("batch", [inp.add(inp.user(L)) for L in (0, 1, None, None, None, 3, None)]))
    x = inp.arrays()
    scores = model.predict({k: v.copy() for k, v in x.items()}, batch_size=4096).reshape(-1)
    lines = []
    for kind, rows in requests:
        req = ex.to_ranking_request(desc, x, rows) if kind == "ranking" else ex.to_batch_request(desc, x, rows)
        lines.append(json.dumps({"request": req, "scores": [float(scores[r]) for r in rows]}, separators=(",", ":")))
    with open(os.path.join(out, "cases.jsonl"), "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return x, scores


def make(dc, name, build, weights, gain, out_root, seed):
    import deepctr_export as ex
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    model, cols, kw, what = build()
    prepare(model, g, rng, weights, gain)
    out = os.path.join(out_root, name)
    if os.path.isdir(out):
        shutil.rmtree(out)
    desc = ex.export(model, out, feature_columns=cols, name=name, **kw)
    x, scores = record(ex, desc, model, rng, out)
    kind = type(model).__name__
    ref = {
        "reference": "DeepCTR-Torch %s deepctr_torch/models/%s.py %s (%s)"
                     % (getattr(dc, "__version__", "?"), kind.lower(), kind, what),
        "expected": "model.predict of the real DeepCTR-Torch code (eval mode), float32 scores",
        "weights": "random (seed %d)%s" % (seed, ", then fit for 2 epochs on random data" if weights == "train" else ""),
        "generator": "DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/export/make_family_fixtures.py",
        "torch": torch.__version__,
    }
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    return out, model, x, scores


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--deepctr-torch", default=os.environ.get("DEEPCTR_TORCH"))
    p.add_argument("--out", default=os.path.join(ROOT, "fixtures", "deepctr"))
    p.add_argument("--only")
    a = p.parse_args()
    dc = make_fixtures._import_deepctr(a.deepctr_torch)
    for i, (name, build, weights, gain) in enumerate(cases()):
        if a.only and name != a.only:
            continue
        out, *_ = make(dc, name, build, weights, gain, a.out, 2000 + i)
        size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
        print("%s: %d bytes" % (out, size))


if __name__ == "__main__":
    main()
