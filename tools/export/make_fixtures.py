"""Conformance fixtures for the DeepCTR-Torch exporter: fixtures/deepctr/<case>/.

Each case builds a DeepCTR-Torch DIN or DIEN with the REAL DeepCTR-Torch code (imported from the path
in $DEEPCTR_TORCH or --deepctr-torch, never copied here), gives it random weights and non-trivial batch
norm statistics (random buffers, or a few training steps with `fit`), exports it with deepctr_export,
and records requests with the scores of the model's own `predict` (eval mode):

    DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/export/make_fixtures.py [--only NAME]

Per case directory: model.json + weights.safetensors + request_fields.json (the exporter's output),
cases.jsonl (`{"request": ..., "scores": [...]}` per line), reference.json (what produced it).
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


def _import_deepctr(path):
    sys.path.insert(0, HERE)
    import deepctr_export
    if not path or not os.path.isdir(os.path.join(path, "deepctr_torch")):
        sys.exit("set DEEPCTR_TORCH (or --deepctr-torch) to a DeepCTR-Torch checkout (the directory holding "
                 "deepctr_torch/), e.g. v0.2.9")
    return deepctr_export.import_deepctr_torch(path)


# --------------------------------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------------------------------
def cases(dc):
    """(name, builder) pairs; a builder returns (model, feature_columns, export kwargs, description)."""
    from deepctr_torch.inputs import SparseFeat, VarLenSparseFeat, DenseFeat
    from deepctr_torch.models import DIN, DIEN

    def hist(name, vocab, dim, emb, T, length="seq_length", combiner="mean", group="default_group"):
        return VarLenSparseFeat(SparseFeat(name, vocab, embedding_dim=dim, embedding_name=emb, group_name=group),
                                maxlen=T, combiner=combiner, length_name=length)

    def din_dice_raw():
        # DeepCTR-Torch's DIN defaults (Dice attention, raw weights, relu DNN without batch norm), smaller.
        T = 8
        cols = [SparseFeat("user", 20, 4), SparseFeat("gender", 3, 4),
                SparseFeat("item", 40, 8), SparseFeat("cate", 12, 4), DenseFeat("score", 1),
                hist("hist_item", 40, 8, "item", T), hist("hist_cate", 12, 4, "cate", T)]
        m = DIN(cols, ["item", "cate"], att_hidden_size=(16, 8), dnn_hidden_units=(32, 16), seed=11)
        return m, cols, {}, "DIN defaults: att Dice (16,8) raw weights, DNN relu (32,16), trained 2 epochs"

    def din_softmax_bn():
        # Softmax attention, sigmoid units, batch norm in the DNN; groups and column orders that differ from
        # history_feature_list order; a shared table whose vocabulary comes from the later declaration; a
        # pooled (mean) varlen feature sharing the history length; a 3-wide dense feature.
        T = 6
        cols = [SparseFeat("item", 30, 4, group_name="g_item"), DenseFeat("ctx", 3),
                SparseFeat("cate", 10, 4), SparseFeat("brand", 15, 4, group_name="g_item"),
                SparseFeat("user", 25, 6),
                hist("tags", 20, 5, "tags", T),
                hist("hist_cate", 10, 4, "cate", T),
                hist("hist_brand", 15, 4, "brand", T, group="g_item"),
                hist("hist_item", 45, 4, "item", T, group="g_item")]
        m = DIN(cols, ["brand", "item", "cate"], dnn_use_bn=True, dnn_hidden_units=(24, 12, 6),
                dnn_activation="sigmoid", att_hidden_size=(10, 5), att_activation="sigmoid",
                att_weight_normalization=True, seed=12)
        return m, cols, {}, "att sigmoid (10,5) softmax, DNN sigmoid (24,12,6) with batch norm, groups, pooled varlen"

    def din_prelu_sum():
        # PReLU everywhere (nn.PReLU(): one scalar alpha), a summed varlen feature declared before the history
        # (its length column is the first one), no user id feature, candidate-side price and shop.
        T = 7
        cols = [DenseFeat("age", 2), SparseFeat("shop", 9, 3), DenseFeat("price", 1),
                hist("clicks", 25, 3, "clicks", T, combiner="sum"),
                SparseFeat("item", 35, 5),
                hist("hist_item", 35, 5, "item", T)]
        m = DIN(cols, ["item"], att_hidden_size=(12, 6, 4), att_activation="prelu", dnn_activation="prelu",
                dnn_hidden_units=(20, 10), seed=13)
        return m, cols, {"candidate_features": ["shop", "price"]}, \
            "att prelu (12,6,4) raw, DNN prelu (20,10), summed varlen, candidate dense"

    def din_relu_softmax_regression():
        T = 10
        cols = [SparseFeat("user", 50, 4), SparseFeat("item", 50, 6), SparseFeat("cate", 8, 2),
                hist("hist_item", 50, 6, "item", T), hist("hist_cate", 8, 2, "cate", T)]
        m = DIN(cols, ["item", "cate"], att_hidden_size=(6,), att_activation="relu", att_weight_normalization=True,
                dnn_use_bn=True, dnn_activation="linear", dnn_hidden_units=(16, 8, 4), task="regression", seed=14)
        return m, cols, {}, "att relu (6,) softmax, DNN linear with batch norm (16,8,4), regression output"

    def din_dice_softmax_trained():
        T = 5
        cols = [SparseFeat("user", 16, 4), SparseFeat("item", 24, 4), SparseFeat("cate", 6, 4),
                DenseFeat("d1", 1), DenseFeat("d2", 2),
                hist("hist_item", 24, 4, "item", T), hist("hist_cate", 6, 4, "cate", T),
                hist("recent_cates", 6, 4, "cate", T, combiner="mean")]
        m = DIN(cols, ["item", "cate"], att_hidden_size=(8, 8), att_activation="Dice", att_weight_normalization=True,
                dnn_use_bn=True, dnn_activation=torch.nn.Tanh, dnn_hidden_units=(12, 6), seed=15)
        return m, cols, {}, "att Dice (8,8) softmax, DNN nn.Tanh with batch norm, pooled varlen on a shared table, trained"

    def dien_gru():
        # DeepCTR-Torch's DIEN defaults (gru_type GRU, att relu, softmax, DNN relu), smaller.
        T = 8
        cols = [SparseFeat("user", 20, 4), SparseFeat("item", 40, 6), SparseFeat("cate", 12, 2), DenseFeat("score", 1),
                hist("hist_item", 40, 6, "item", T), hist("hist_cate", 12, 2, "cate", T)]
        m = DIEN(cols, ["item", "cate"], gru_type="GRU", att_hidden_units=(8, 4), dnn_hidden_units=(16, 8), seed=21)
        return m, cols, {}, "gru_type GRU, att relu (8,4) softmax, DNN relu (16,8)"

    def dien_aigru():
        T = 6
        cols = [SparseFeat("cate", 10, 3, group_name="g"), DenseFeat("ctx", 2), SparseFeat("item", 30, 5),
                SparseFeat("user", 25, 4, group_name="g"),
                hist("hist_item", 30, 5, "item", T), hist("hist_cate", 10, 3, "cate", T, group="g")]
        m = DIEN(cols, ["item", "cate"], gru_type="AIGRU", att_hidden_units=(10, 5), att_activation="sigmoid",
                 att_weight_normalization=False, use_bn=True, dnn_activation="prelu", dnn_hidden_units=(12, 6), seed=22)
        return m, cols, {}, "gru_type AIGRU, att sigmoid (10,5) raw, DNN prelu with batch norm, groups"

    def dien_agru_negsampling():
        T = 5
        cols = [SparseFeat("user", 16, 4), SparseFeat("item", 24, 4), SparseFeat("cate", 6, 4),
                hist("hist_item", 24, 4, "item", T), hist("hist_cate", 6, 4, "cate", T),
                hist("neg_hist_item", 24, 4, "item", T), hist("neg_hist_cate", 6, 4, "cate", T)]
        m = DIEN(cols, ["item", "cate"], gru_type="AGRU", use_negsampling=True, att_hidden_units=(8, 4),
                 att_activation="Dice", dnn_activation="sigmoid", dnn_hidden_units=(10, 5), seed=23)
        return m, cols, {}, "gru_type AGRU, use_negsampling (auxiliary net ignored), att Dice (8,4) softmax, " \
                            "DNN sigmoid, trained"

    def dien_augru():
        T = 7
        cols = [SparseFeat("user", 18, 3), SparseFeat("item", 28, 4), DenseFeat("d1", 1), SparseFeat("shop", 9, 2),
                DenseFeat("price", 1),
                hist("hist_item", 28, 4, "item", T), hist("hist_shop", 9, 2, "shop", T),
                hist("tags", 15, 3, "tags", 4, length="tags_len")]
        m = DIEN(cols, ["item", "shop"], gru_type="AUGRU", att_hidden_units=(6, 6, 3), att_activation="prelu",
                 use_bn=True, dnn_hidden_units=(14, 7), seed=24)
        return m, cols, {"candidate_features": ["price"]}, \
            "gru_type AUGRU, att prelu (6,6,3) softmax, DNN relu with batch norm, ignored varlen, candidate price, trained"

    def dien_augru_raw_regression():
        T = 10
        cols = [SparseFeat("item", 50, 6), hist("hist_item", 50, 6, "item", T)]
        m = DIEN(cols, ["item"], gru_type="AUGRU", att_hidden_units=(5,), att_activation="Dice",
                 att_weight_normalization=False, dnn_activation="linear", dnn_hidden_units=(8, 4), task="regression",
                 seed=25)
        return m, cols, {}, "gru_type AUGRU, att Dice (5,) raw, DNN linear, regression output"

    def dien_agru_raw_tanh():
        T = 4
        cols = [SparseFeat("user", 10, 2), SparseFeat("item", 20, 3), SparseFeat("cate", 5, 3),
                hist("hist_cate", 5, 3, "cate", T), hist("hist_item", 20, 3, "item", T)]
        m = DIEN(cols, ["cate", "item"], gru_type="AGRU", att_hidden_units=(6, 3), att_activation="relu",
                 att_weight_normalization=False, use_bn=True, dnn_activation=torch.nn.Tanh, dnn_hidden_units=(9, 5),
                 seed=26)
        return m, cols, {}, "gru_type AGRU, att relu (6,3) raw, DNN nn.Tanh with batch norm"

    def din_two_length_columns():
        # Each history feature names its own length column; DIN reads only the first one, 'len_item'.
        T = 6
        cols = [SparseFeat("user", 12, 3), SparseFeat("item", 20, 4), SparseFeat("cate", 7, 2),
                hist("hist_item", 20, 4, "item", T, length="len_item"),
                hist("hist_cate", 7, 2, "cate", T, length="len_cate")]
        m = DIN(cols, ["item", "cate"], att_hidden_size=(8, 4), att_activation="relu", dnn_hidden_units=(10, 5),
                seed=16)
        return m, cols, {}, "a length column per history feature (only the first is read), att relu raw"

    def varlen(name, vocab, dim, T, length, combiner, emb=None):
        return VarLenSparseFeat(SparseFeat(name, vocab, embedding_dim=dim, embedding_name=emb or name),
                                maxlen=T, combiner=combiner, length_name=length)

    def din_tags_own_length():
        # The case: user tags with a length column and maxlen of their own (a second sequence group),
        # ids past every length non-zero.
        T = 6
        cols = [SparseFeat("user", 20, 4), SparseFeat("item", 30, 6), SparseFeat("cate", 9, 2),
                hist("hist_item", 30, 6, "item", T), hist("hist_cate", 9, 2, "cate", T),
                varlen("tags", 15, 3, 4, "tags_len", "mean")]
        m = DIN(cols, ["item", "cate"], att_hidden_size=(8, 4), dnn_hidden_units=(12, 6), seed=31)
        return m, cols, {"inputs": {"garbage": True}}, \
            "tags (mean) with its own length column and maxlen, att Dice raw, ids past the lengths, trained"

    def din_id_masked_max():
        # length_name=None: DeepCTR-Torch masks by id != 0 (non-contiguous real positions); max pooling (an
        # empty sequence pools to about -1e9); softmax attention; the history ids past the length non-zero.
        T = 5
        cols = [SparseFeat("user", 12, 3), SparseFeat("item", 25, 4), DenseFeat("age", 1),
                hist("hist_item", 25, 4, "item", T), varlen("genres", 8, 3, 4, None, "max")]
        m = DIN(cols, ["item"], att_hidden_size=(6,), att_activation="sigmoid", att_weight_normalization=True,
                dnn_hidden_units=(10, 5), dnn_activation="prelu", seed=32)
        return m, cols, {"inputs": {"garbage": True}}, \
            "genres id-masked (length_name=None) max-pooled, att sigmoid softmax, DNN prelu, ids past the length"

    def din_combiners():
        # Three extra varlen features at once, one per combiner: sum with its own length column, mean and max
        # masked by id; the max one shares the item table with the history (shared embedding_name).
        T = 6
        cols = [SparseFeat("user", 16, 4), SparseFeat("item", 40, 5),
                varlen("clicks", 20, 3, 8, "clicks_len", "sum"),
                hist("hist_item", 40, 5, "item", T),
                varlen("genres", 10, 2, 3, None, "mean"),
                varlen("liked_items", 40, 5, 4, None, "max", emb="item")]
        m = DIN(cols, ["item"], att_hidden_size=(8,), att_activation="prelu", dnn_use_bn=True,
                dnn_hidden_units=(16, 8), seed=33)
        return m, cols, {"inputs": {"garbage": True}}, \
            "combiners sum (own length), mean and max (id-masked, max on the shared item table), DNN with batch norm"

    def din_extra_length_first():
        # Two extra features sharing one length column, declared BEFORE the history: that column is the first
        # length column, so DeepCTR-Torch's attention takes the history length from it as well; their maxlen
        # (4) differs from the history's (7). One of them embeds through the history's cate table.
        T = 7
        cols = [SparseFeat("item", 30, 4), SparseFeat("cate", 8, 4),
                varlen("recent_cates", 8, 4, 4, "recent_len", "sum", emb="cate"),
                varlen("recent_shops", 11, 2, 4, "recent_len", "sum"),
                hist("hist_item", 30, 4, "item", T, length="hist_len"), hist("hist_cate", 8, 4, "cate", T,
                                                                           length="hist_len")]
        m = DIN(cols, ["item", "cate"], att_hidden_size=(8, 4), att_activation="relu", att_weight_normalization=True,
                dnn_hidden_units=(12,), seed=34)
        return m, cols, {"inputs": {"garbage": True}}, \
            "two extras sharing the first length column (also the history's) and a table, att relu softmax"

    def dien_extra_varlen():
        # DIEN reads no extra varlen feature, but the first length column (tags_len, declared first) is its
        # history length; ids past the lengths non-zero.
        T = 6
        cols = [SparseFeat("user", 14, 3), SparseFeat("item", 26, 4),
                varlen("tags", 12, 3, 6, "tags_len", "mean"),
                hist("hist_item", 26, 4, "item", T, length="seq_length")]
        m = DIEN(cols, ["item"], gru_type="AUGRU", att_hidden_units=(6, 3), dnn_hidden_units=(10, 5), seed=35)
        return m, cols, {"inputs": {"garbage": True}}, \
            "gru_type AUGRU with an extra varlen feature whose length column is the history's, ids past the lengths"

    def din_max_regression():
        # Regression through a linear DNN: an empty id-masked max pools to about -1e9 and the score shows it
        # (a sigmoid would saturate to 0 or 1), so the -1e9 itself is checked to the tolerance.
        T = 4
        cols = [SparseFeat("item", 20, 3), hist("hist_item", 20, 3, "item", T),
                varlen("genres", 6, 2, 3, None, "max")]
        m = DIN(cols, ["item"], att_hidden_size=(4,), att_activation="relu", dnn_activation="linear",
                dnn_hidden_units=(6, 3), task="regression", seed=36)
        return m, cols, {}, "id-masked max pooling into a linear DNN, regression output (empty: about -1e9)"

    return [
        ("din_dice_raw", din_dice_raw, "train", 1.5),
        # Three sigmoid layers squash the spread of the scores: larger weights keep them apart.
        ("din_softmax_bn", din_softmax_bn, "random", 5.0),
        ("din_prelu_sum", din_prelu_sum, "random", 1.5),
        ("din_relu_softmax_regression", din_relu_softmax_regression, "random", 1.5),
        ("din_dice_softmax_trained", din_dice_softmax_trained, "train", 1.5),
        ("dien_gru", dien_gru, "random", 1.5),
        ("dien_aigru", dien_aigru, "random", 1.5),
        ("dien_agru_negsampling", dien_agru_negsampling, "train", 4.0),
        ("dien_augru", dien_augru, "train", 1.5),
        ("dien_augru_raw_regression", dien_augru_raw_regression, "random", 1.5),
        ("dien_agru_raw_tanh", dien_agru_raw_tanh, "random", 1.5),
        ("din_two_length_columns", din_two_length_columns, "random", 1.5),
        ("din_tags_own_length", din_tags_own_length, "train", 1.5),
        ("din_id_masked_max", din_id_masked_max, "random", 1.5),
        ("din_combiners", din_combiners, "random", 1.5),
        ("din_extra_length_first", din_extra_length_first, "random", 1.5),
        ("dien_extra_varlen", dien_extra_varlen, "train", 1.5),
        ("din_max_regression", din_max_regression, "random", 1.5),
    ]


# --------------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------------
def randomize(model, g, gain):
    """Weights large enough that every layer matters (DeepCTR-Torch initialises with std 1e-4), and batch norm
    and Dice statistics far from 0/1 so that using the wrong ones shows."""
    def normal(t, std):
        with torch.no_grad():
            t.copy_(torch.randn(t.shape, generator=g) * std)

    def uniform(t, lo, hi):
        with torch.no_grad():
            t.copy_(torch.rand(t.shape, generator=g) * (hi - lo) + lo)

    for mod in model.modules():
        n = type(mod).__name__
        if isinstance(mod, torch.nn.Embedding):
            normal(mod.weight, 0.5)
        elif isinstance(mod, torch.nn.Linear):
            normal(mod.weight, gain / np.sqrt(mod.in_features))
            if mod.bias is not None:
                normal(mod.bias, 0.3)
        elif isinstance(mod, torch.nn.BatchNorm1d):
            uniform(mod.weight, 0.5, 1.5)
            normal(mod.bias, 0.3)
            normal(mod.running_mean, 0.5)
            uniform(mod.running_var, 0.3, 2.0)
            mod.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=g)))
        elif isinstance(mod, torch.nn.PReLU):
            uniform(mod.weight, -0.2, 0.5)
        elif n == "Dice":
            uniform(mod.alpha, -0.5, 1.0)
        elif isinstance(mod, torch.nn.GRU):
            for name, p in mod.named_parameters():
                normal(p, (1.0 if "weight" in name else 0.3) / (np.sqrt(mod.hidden_size) if "weight" in name else 1))
        elif n in ("AGRUCell", "AUGRUCell"):
            for name, p in mod.named_parameters():
                normal(p, (1.0 / np.sqrt(mod.hidden_size)) if "weight" in name else 0.3)
        elif n == "PredictionLayer" and mod.use_bias:
            normal(mod.bias, 0.3)


# --------------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------------
class Inputs:
    """Rows of a DeepCTR-Torch input dict, built request by request.

    The history length column (the first one declared) takes the length asked for. DIN's pooled varlen
    features with a length column of their own get a random length of it; those with length_name=None get
    random non-zero ids at random positions (0 elsewhere). With `garbage`, positions past a length hold
    random non-zero ids, which DeepCTR-Torch ignores (except where DIN's softmax attention averages the
    padding of an empty history: those rows keep zeros)."""

    def __init__(self, model, rng, garbage=False):
        self.m = model
        self.rng = rng
        self.garbage = garbage
        self.cols = list(model.dnn_feature_columns)
        self.x = {k: [] for k in model.feature_index}
        varlen = [c for c in self.cols if type(c).__name__ == "VarLenSparseFeat"]
        self.length_name = [c.length_name for c in varlen if c.length_name][0]
        din = type(model).__name__ == "DIN"
        items = model.history_feature_list if din else model.item_features
        self.keys = {"hist_" + i for i in items}
        self.softmax = din and model.attention.weight_normalization
        # Features DIN pools with their own mask; DIEN reads no varlen feature but its history.
        self.pooled = {c.name for c in varlen if din and c.name not in self.keys}
        self.own = {c.length_name for c in varlen if c.name in self.pooled} - {None, self.length_name}
        self.T = min(c.maxlen for c in varlen if c.name in self.keys or self._mean_of(c, self.length_name))

    def _mean_of(self, c, column):
        """A pooled mean divides by the length column itself, so its lengths stay within maxlen."""
        return c.name in self.pooled and c.combiner == "mean" and c.length_name == column

    def vocab(self, c):
        return self.m.embedding_dict[c.embedding_name].weight.shape[0]

    def _id(self, c):
        # Ids of the DECLARED vocabulary: a feature sharing a bigger table still sends its own ids.
        return int(self.rng.integers(0, min(c.vocabulary_size, self.vocab(c))))

    def _own_length(self, column, length, u):
        """A length column that DIN's pooling reads (not the history's): random within its features' maxlen."""
        if column not in u:
            cap = min(d.maxlen for d in self.cols if type(d).__name__ == "VarLenSparseFeat"
                      and d.length_name == column and d.name in self.pooled)
            u[column] = 0 if length == 0 else int(self.rng.integers(0, cap + 1))
        return u[column]

    def user(self, length):
        u = {}
        for c in self.cols:
            k = type(c).__name__
            if k == "SparseFeat":
                u[c.name] = self._id(c)
            elif k == "DenseFeat":
                u[c.name] = self.rng.normal(0, 1, c.dimension).astype(np.float32)
            else:
                seq = np.zeros(c.maxlen, dtype=np.int64)
                hi = min(c.vocabulary_size, self.vocab(c))
                if c.name in self.pooled and c.length_name is None:
                    n = 0 if length == 0 else int(self.rng.integers(0, c.maxlen + 1))
                    at = self.rng.permutation(c.maxlen)[:n]
                    seq[at] = self.rng.integers(1, hi, n)
                    u[c.name] = seq
                    continue
                own = c.name in self.pooled and c.length_name in self.own
                n = min(self._own_length(c.length_name, length, u) if own else length, c.maxlen)
                seq[:n] = self.rng.integers(0, hi, n)
                if self.garbage and n < c.maxlen and not (self.softmax and length == 0 and c.name in self.keys):
                    seq[n:] = self.rng.integers(1, hi, c.maxlen - n)
                u[c.name] = seq
                if c.length_name in self.own:
                    self._own_length(c.length_name, length, u)
                elif c.length_name and c.length_name != self.length_name and c.length_name not in u:
                    # Length columns after the first that nothing reads: give them other values.
                    u[c.length_name] = int(self.rng.integers(0, c.maxlen + 1))
        u[self.length_name] = length
        return u

    def candidate(self, u, per_candidate):
        r = dict(u)
        for c in self.cols:
            if c.name in per_candidate:
                if type(c).__name__ == "DenseFeat":
                    r[c.name] = self.rng.normal(0, 1, c.dimension).astype(np.float32)
                else:
                    r[c.name] = self._id(c)
        return r

    def add(self, row):
        for k in self.x:
            self.x[k].append(row[k])
        return len(self.x[self.length_name]) - 1

    def arrays(self):
        out = {}
        for c in self.cols:
            k = type(c).__name__
            a = np.array(self.x[c.name])
            out[c.name] = a.astype(np.float32) if k == "DenseFeat" else a.astype(np.int64)
        for k in self.x:
            if k not in out:  # length columns
                out[k] = np.array(self.x[k], dtype=np.int64)
        return out


def lengths(T, rng, n):
    base = [0, 1, T, T - 1, 2]
    return [base[i] if i < len(base) else int(rng.integers(0, T + 1)) for i in range(n)]


def training_data(model, rng, rows):
    inp = Inputs(model, rng)
    per = [c.name for c in inp.cols if type(c).__name__ in ("SparseFeat", "DenseFeat")]
    for L in [int(rng.integers(1, inp.T + 1)) for _ in range(rows)]:
        inp.add(inp.candidate(inp.user(L), per))
    return inp.arrays(), rng.integers(0, 2, rows).astype(np.float32)


def prepare(model, g, rng, weights, gain):
    """Random weights (then, for "train", two epochs of fit on random data); leaves the model in eval mode."""
    randomize(model, g, gain)
    if weights == "train":
        x, y = training_data(model, rng, 96)
        model.compile("adam", "binary_crossentropy" if model.out.task == "binary" else "mse")
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    model.eval()


def record(ex, desc, model, rng, garbage, out):
    """Six ranking requests (history lengths 0, 1, T, T-1, 2, random; 1-5 candidates) and a batch of seven,
    scored by model.predict and written through the exporter's converters to out/cases.jsonl.
    Returns the DeepCTR-Torch input dict and its scores. Raises the converters' ValueError."""
    inp = Inputs(model, rng, garbage)
    per = set(e["field"] for e in desc["candidate"])
    requests = []  # (kind, rows)
    for L in lengths(inp.T, rng, 6):
        u = inp.user(L)
        n = int(rng.integers(1, 6))
        requests.append(("ranking", [inp.add(inp.candidate(u, per)) for _ in range(n)]))
    batch = []
    for L in lengths(inp.T, rng, 7):
        batch.append(inp.add(inp.candidate(inp.user(L), per)))
    requests.append(("batch", batch))
    x = inp.arrays()
    # model.predict runs eval mode, as a serving system would; rows are independent in eval mode, so one call
    # scores them all (and DIEN, which fails on a batch of only empty histories, always sees non-empty rows).
    scores = model.predict({k: v.copy() for k, v in x.items()}, batch_size=4096).reshape(-1)
    lines = []
    for kind, rows in requests:
        req = ex.to_ranking_request(desc, x, rows) if kind == "ranking" else ex.to_batch_request(desc, x, rows)
        lines.append(json.dumps({"request": req, "scores": [float(scores[r]) for r in rows]}, separators=(",", ":")))
    with open(os.path.join(out, "cases.jsonl"), "w") as f:
        f.write("".join(line + "\n" for line in lines))
    return x, scores


# --------------------------------------------------------------------------------------------------
def make(dc, name, build, weights, gain, out_root, seed):
    import deepctr_export as ex
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    model, cols, kw, what = build()
    kw = dict(kw)
    garbage = kw.pop("inputs", {}).get("garbage", False)
    prepare(model, g, rng, weights, gain)

    out = os.path.join(out_root, name)
    if os.path.isdir(out):
        shutil.rmtree(out)
    desc = ex.export(model, out, feature_columns=cols, name=name, **kw)
    x, scores = record(ex, desc, model, rng, garbage, out)
    ref = {
        "reference": "DeepCTR-Torch %s deepctr_torch/models/%s.py %s (%s)"
                     % (getattr(dc, "__version__", "?"), type(model).__name__.lower(), type(model).__name__, what),
        "expected": "model.predict of the real DeepCTR-Torch code (eval mode), float32 scores",
        "weights": "random (seed %d)%s" % (seed, ", then fit for 2 epochs on random data" if weights == "train" else ""),
        "generator": "DEEPCTR_TORCH=/path/to/DeepCTR-Torch /usr/bin/python3 tools/export/make_fixtures.py",
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
    dc = _import_deepctr(a.deepctr_torch)
    sys.path.insert(0, HERE)
    for i, (name, build, weights, gain) in enumerate(cases(dc)):
        if a.only and name != a.only:
            continue
        out, *_ = make(dc, name, build, weights, gain, a.out, 1000 + i)
        size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
        print("%s: %d bytes" % (out, size))


if __name__ == "__main__":
    main()
