"""Export a DeepCTR-Torch model (DIN, DIEN, and through deepctr_family.py WDL, DeepFM, DCN, DCNMix, PNN, NFM, AFM,
xDeepFM, AutoInt) to the engine's model directory (docs/FORMAT.md).

    from deepctr_export import export
    desc = export(model, "models/my_din")          # model: a deepctr_torch.models.DIN or DIEN object

writes `model.json`, `weights.safetensors` and `request_fields.json` (how each DeepCTR-Torch input
column becomes a request field) into the directory, and returns that description as a dict.

Command line, for a model saved whole with `torch.save(model, "din.pt")` (deepctr_torch importable):

    python3 tools/export/deepctr_export.py din.pt models/my_din [--candidate-features price,brand]

The computation is reproduced exactly as DeepCTR-Torch v0.2.9 runs it in eval mode (`model.predict`),
including its quirks (docs: tools/export/README.md). Options the engine cannot reproduce are refused
with an `UnsupportedModelError` naming the option and the way out. The module itself imports only torch
and numpy: the model object carries its feature columns, and DeepCTR-Torch classes are recognised by
name, so exporting needs no particular DeepCTR-Torch install beyond the one that made the model.
"""
import argparse
import json
import os
import re
import struct
import sys

import numpy as np
import torch

FORMAT = "interest-engine-model"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")
# DeepCTR-Torch's SequencePoolingLayer divides a mean by (length + 1e-8).
MEAN_EPS = 1e-8
GRU_TYPES = ("GRU", "AIGRU", "AGRU", "AUGRU")


class UnsupportedModelError(ValueError):
    """The model uses an option the engine cannot reproduce; the message names it and what to do."""


# --------------------------------------------------------------------------------------------------
# safetensors
# --------------------------------------------------------------------------------------------------
_ST_DTYPES = {np.dtype("float32"): "F32", np.dtype("float16"): "F16", np.dtype("int8"): "I8", np.dtype("int32"): "I32",
              np.dtype("int64"): "I64"}


def write_safetensors(path, tensors):
    """Writes {name: numpy array} in the safetensors layout (little-endian, contiguous, sorted by name). A value may
    also be (uint16 bit patterns, "BF16"), numpy having no bfloat16."""
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        v = tensors[name]
        a, dt = (np.ascontiguousarray(v[0]), v[1]) if isinstance(v, tuple) else (np.ascontiguousarray(v), None)
        dt = dt or _ST_DTYPES.get(a.dtype)
        if dt is None or (dt == "BF16") != (a.dtype == np.uint16):
            raise TypeError("tensor %s: dtype %s cannot be written" % (name, a.dtype))
        b = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)  # the data block starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def _store_tables(cfg, tensors, table_dtype):
    """Replaces each table's F32 tensor by its stored form (docs/FORMAT.md, TABLE). The encoder is
    tools/reference/st.py's, imported only here: an F32 export needs nothing beyond torch and numpy."""
    if str(table_dtype).lower() == "f32":
        return tensors
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
    import st
    out = dict(tensors)
    for t in {t["tensor"] for t in cfg["tables"].values()}:
        for k, (a, dt) in st.table_tensors(t, tensors[t], table_dtype).items():
            out[k] = (st.f32_to_bf16_bits(a), dt) if dt == "BF16" else a.astype(_NP_OF[dt])
    return out


_NP_OF = {"F32": np.float32, "F16": np.float16, "I8": np.int8}


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------
def _kind(obj):
    return type(obj).__name__


def _is(obj, *names):
    """DeepCTR-Torch classes are recognised by name (and module), so any copy of the package works."""
    t = type(obj)
    return t.__name__ in names and t.__module__.split(".")[0] == "deepctr_torch"


def _np(t):
    return t.detach().cpu().numpy().astype(np.float32)


def _grouped(cols):
    """DeepCTR-Torch's embedding_lookup collects embeddings per group_name (groups in order of first
    appearance, columns in declaration order inside a group) and chains the groups: that is the order in
    which the query, the keys and the DNN input are concatenated."""
    groups = {}
    for c in cols:
        groups.setdefault(c.group_name, []).append(c)
    return [c for g in groups.values() for c in g]


class _Builder:
    """Collects tables, fields, ops and tensors of one model directory."""

    def __init__(self):
        self.tables = {}
        self.tensors = {}
        self.graph = []
        self.values = set()
        self.field_names = set()

    def tensor(self, name, array):
        a = np.ascontiguousarray(array)
        if name in self.tensors:
            if not np.array_equal(self.tensors[name], a):
                raise AssertionError("tensor %s written twice with different values" % name)
            return name
        self.tensors[name] = a
        return name

    def op(self, kind, out, **keys):
        if out in self.values or out in self.field_names:
            raise UnsupportedModelError("value name '%s' collides with a feature name; rename that feature" % out)
        self.values.add(out)
        d = {"op": kind, "out": out}
        d.update(keys)
        self.graph.append(d)
        return out

    def concat(self, out, parts):
        return parts[0] if len(parts) == 1 else self.op("concat", out, **{"in": list(parts)})


# --------------------------------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------------------------------
def _activation(b, mod, width, prefix, where):
    """One DeepCTR-Torch activation module as an ACTIVATION of docs/FORMAT.md (None for linear)."""
    n = _kind(mod)
    if _is(mod, "Identity"):
        return None
    if isinstance(mod, torch.nn.ReLU):
        return {"type": "relu"}
    if isinstance(mod, torch.nn.Sigmoid):
        return {"type": "sigmoid"}
    if isinstance(mod, torch.nn.Tanh):
        return {"type": "tanh"}
    if isinstance(mod, torch.nn.PReLU):
        # nn.PReLU() (what 'prelu' builds) has one scalar alpha; nn.PReLU(width) one per channel.
        a = _np(mod.weight).reshape(-1)
        if a.size not in (1, width):
            raise UnsupportedModelError("%s: PReLU with %d parameters on a layer of width %d" % (where, a.size, width))
        return {"type": "prelu", "alpha": b.tensor(prefix + ".weight", a)}
    if _is(mod, "Dice"):
        bn = mod.bn
        if bn.running_mean is None or not bn.track_running_stats:
            raise UnsupportedModelError("%s: Dice whose batch norm keeps no running statistics computes p from "
                                        "the current batch; the engine scores each request on its own" % where)
        d = {"type": "dice", "alpha": b.tensor(prefix + ".alpha", _np(mod.alpha).reshape(-1)),
             "bn": _batch_norm(b, bn, prefix + ".bn")}
        return d
    raise UnsupportedModelError("%s: activation %s is not supported (supported: relu, sigmoid, tanh, prelu, "
                                "linear, and Dice in the attention unit)" % (where, n))


def _batch_norm(b, bn, prefix):
    if bn.running_mean is None or bn.running_var is None:
        raise UnsupportedModelError("%s: BatchNorm1d(track_running_stats=False) normalises with the current "
                                    "batch's statistics even in eval mode; the engine needs stored statistics" % prefix)
    # num_batches_tracked (an I64 scalar) only drives the momentum during training: not exported.
    d = {"mean": b.tensor(prefix + ".running_mean", _np(bn.running_mean)),
         "var": b.tensor(prefix + ".running_var", _np(bn.running_var)),
         "eps": float(bn.eps)}
    if bn.affine:
        d["weight"] = b.tensor(prefix + ".weight", _np(bn.weight))
        d["bias"] = b.tensor(prefix + ".bias", _np(bn.bias))
    return d


def _dnn_layers(b, dnn, prefix, where, allow_dice):
    """DeepCTR-Torch DNN: Linear → (BatchNorm1d) → activation → dropout (a no-op in eval mode)."""
    layers = []
    for i, lin in enumerate(dnn.linears):
        width = lin.out_features
        layer = {"weight": b.tensor("%s.linears.%d.weight" % (prefix, i), _np(lin.weight))}
        if lin.bias is not None:
            layer["bias"] = b.tensor("%s.linears.%d.bias" % (prefix, i), _np(lin.bias))
        if dnn.use_bn:
            layer["batch_norm_after"] = _batch_norm(b, dnn.bn[i], "%s.bn.%d" % (prefix, i))
        act = dnn.activation_layers[i]
        lw = "%s layer %d" % (where, i)
        if _is(act, "Dice") and not allow_dice:
            raise UnsupportedModelError(
                "%s: dnn_activation='Dice' does not run in DeepCTR-Torch (its DNN builds Dice(dim=3), which "
                "asserts on the 2-D DNN input), so there is no trained model to reproduce; use 'prelu' or "
                "'relu'" % lw)
        a = _activation(b, act, width, "%s.activation_layers.%d" % (prefix, i), lw)
        if a is not None:
            layer["activation"] = a
        layers.append(layer)
    return layers


def _attention_layers(b, att, prefix, where):
    """LocalActivationUnit: DNN over [q, k, q−k, q⊙k] (no batch norm: DeepCTR-Torch hard-codes use_bn=False),
    then Linear(→1) with bias giving the raw score."""
    lau = att.local_att
    if lau.dnn.use_bn:
        raise UnsupportedModelError("%s: an attention DNN with batch norm does not run in DeepCTR-Torch" % where)
    layers = _dnn_layers(b, lau.dnn, prefix + ".local_att.dnn", where + " attention", allow_dice=True)
    last = {"weight": b.tensor(prefix + ".local_att.dense.weight", _np(lau.dense.weight))}
    if lau.dense.bias is not None:
        last["bias"] = b.tensor(prefix + ".local_att.dense.bias", _np(lau.dense.bias))
    layers.append(last)
    return layers


# --------------------------------------------------------------------------------------------------
# feature columns → request fields
# --------------------------------------------------------------------------------------------------
class _Columns:
    """The model's feature columns sorted into the engine's request groups."""

    def __init__(self, model, kind, feature_columns, candidate_features):
        cols = list(model.dnn_feature_columns)
        if feature_columns is not None:
            given = [c.name for c in feature_columns]
            if given != [c.name for c in cols]:
                raise UnsupportedModelError("feature_columns %s differ from the model's dnn_feature_columns %s"
                                            % (given, [c.name for c in cols]))
        names = [c.name for c in cols]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise UnsupportedModelError("feature column(s) %s declared twice: DeepCTR-Torch reads one input column "
                                        "but embeds it twice; declare each feature once" % dup)
        for c in cols:
            if _kind(c) not in ("SparseFeat", "VarLenSparseFeat", "DenseFeat"):
                raise UnsupportedModelError("feature column %r: unknown type %s" % (c, _kind(c)))
            if not NAME.match(c.name):
                raise UnsupportedModelError("feature '%s': request field names must match [A-Za-z_][A-Za-z0-9_.]*; "
                                            "rename the feature" % c.name)
        self.all = cols
        self.sparse = [c for c in cols if _kind(c) == "SparseFeat"]
        self.varlen = [c for c in cols if _kind(c) == "VarLenSparseFeat"]
        self.dense = [c for c in cols if _kind(c) == "DenseFeat"]

        items = list(model.history_feature_list if kind == "DIN" else model.item_features)
        if not items:
            raise UnsupportedModelError("history_feature_list is empty: there is nothing to attend to")
        hist_names = ["hist_" + x for x in items]
        neg_names = ["neg_hist_" + x for x in items] if kind == "DIEN" else []
        self.items = items
        self.ignored = []
        self.query = [c for c in self.sparse if c.name in items]
        self.history = [c for c in self.varlen if c.name in hist_names]
        self.negative = [c for c in self.varlen if c.name in neg_names]
        self.other_varlen = [c for c in self.varlen if c.name not in hist_names and c.name not in neg_names]
        missing = [x for x in items if x not in [c.name for c in self.query]]
        if missing:
            raise UnsupportedModelError("history_feature_list names %s, which are not SparseFeat columns" % missing)
        missing = [h for h in hist_names if h not in [c.name for c in self.history]]
        if missing:
            raise UnsupportedModelError("history_feature_list needs VarLenSparseFeat columns %s" % missing)

        qw, kw = sum(c.embedding_dim for c in self.query), sum(c.embedding_dim for c in self.history)
        if qw != kw:
            raise UnsupportedModelError("the query features %s are %d wide but their histories %s are %d wide; the "
                                        "attention compares them position by position"
                                        % ([c.name for c in self.query], qw, [c.name for c in self.history], kw))
        # DIN and DIEN take the history length from the FIRST varlen column that names a length column,
        # whichever feature that is (maxlen_lookup(keys_length_feature_name[0])).
        lengths = [c.length_name for c in self.varlen if c.length_name is not None]
        if not lengths:
            raise UnsupportedModelError("no VarLenSparseFeat has a length_name: DeepCTR-Torch's %s needs the history "
                                        "length column" % kind)
        self.length_name = lengths[0]
        tl = sorted({c.maxlen for c in self.history})
        if len(tl) != 1:
            raise UnsupportedModelError("history features %s have different maxlen %s; they are concatenated "
                                        "position by position and must share one" % ([c.name for c in self.history], tl))
        self.T = tl[0]

        # Non-history varlen features: DIN pools each into the DNN input with its own mask (its own length
        # column, or id != 0 when length_name is None); DIEN ignores them.
        self.pooled = []
        self.ignored += [{"feature": c.name, "why": "negative samples feed only DIEN's auxiliary training loss"}
                         for c in self.negative]
        for c in self.other_varlen:
            if kind == "DIEN":
                self.ignored.append({"feature": c.name, "why": "DeepCTR-Torch DIEN does not read non-history "
                                                               "VarLenSparseFeat columns"})
                continue
            if c.combiner not in ("mean", "sum", "max"):
                raise UnsupportedModelError("varlen feature '%s': combiner '%s' is not supported (sum, mean and max "
                                            "are)" % (c.name, c.combiner))
            if c.combiner == "max" and c.length_name is not None:
                raise UnsupportedModelError(
                    "varlen feature '%s': combiner 'max' with length_name '%s' does not run in DeepCTR-Torch (its "
                    "SequencePoolingLayer subtracts a boolean length mask, which torch rejects), so there is no "
                    "trained model to reproduce; use length_name=None (masked by id != 0) or another combiner"
                    % (c.name, c.length_name))
            self.pooled.append(c)
        used_lengths = {self.length_name} | {c.length_name for c in self.pooled if c.length_name is not None}
        for other in dict.fromkeys(lengths):
            if other not in used_lengths:
                self.ignored.append({"feature": other, "why": "only the first length column, '%s', is read for the "
                                                              "history" % self.length_name})
        self.groups = self._sequence_groups()

        cand = list(candidate_features)
        known = {c.name for c in self.sparse + self.dense}
        bad = [n for n in cand if n not in known]
        if bad:
            raise UnsupportedModelError("candidate_features %s are not SparseFeat/DenseFeat columns of the model "
                                        "(history and varlen features cannot be per candidate)" % bad)
        # The attention query is the candidate item; other single-valued features describe the user unless
        # declared per candidate (in a ranking request they are then sent once per candidate).
        cand_set = set(cand) | set(items)
        self.candidate = [c for c in self.sparse + self.dense if c.name in cand_set]
        self.user = [c for c in self.sparse + self.dense if c.name not in cand_set]
        # Sorted by declaration order.
        order = {c.name: i for i, c in enumerate(cols)}
        self.candidate.sort(key=lambda c: order[c.name])
        self.user.sort(key=lambda c: order[c.name])
        for g in self.groups:
            g.cols.sort(key=lambda c: order[c.name])
        self.history_fields = [c for g in self.groups for c in g.cols]

    def _sequence_groups(self):
        """The engine's sequence groups: the history (masked by the first length column), then one group per
        (length column, maxlen) of the pooled features and one per id-masked pooled feature, in declaration
        order. A pooled feature with the history's length column and maxlen joins the history group."""
        hist = _Group("history", "length", self.length_name, self.T, list(self.history))
        groups, by_length = [hist], {(self.length_name, self.T): hist}
        for c in self.pooled:
            key = (c.length_name, c.maxlen)
            if c.length_name is not None and key in by_length:
                by_length[key].cols.append(c)
                continue
            taken = {g.name for g in groups}
            name = c.length_name if c.length_name is not None else c.name
            if not NAME.match(name) or name in taken:
                name = next("seq%d" % i for i in range(1, len(groups) + 2) if "seq%d" % i not in taken)
            g = _Group(name, "id" if c.length_name is None else "length", c.length_name, c.maxlen, [c])
            groups.append(g)
            if c.length_name is not None:
                by_length[key] = g
        return groups


class _Group:
    """One sequence group of the exported model: its name, mask ("length" or "id"), length column (length
    masks), max_length and feature columns."""

    def __init__(self, name, mask, length_column, T, cols):
        self.name, self.mask, self.length_column, self.T, self.cols = name, mask, length_column, int(T), cols

    def fields_json(self, version):
        d = {"max_length": self.T, "padding": "right", "padding_id": 0}
        if version >= 2:
            d["mask"] = self.mask
        d["fields"] = [_field(c) for c in self.cols]
        return d


def _tables(b, model, cols, used):
    """One table per embedding_name that a served field reads; shape from the weight itself (when features
    share an embedding_name, DeepCTR-Torch's create_embedding_matrix keeps the LAST declaration's vocabulary)."""
    for c in used:
        emb = model.embedding_dict[c.embedding_name]
        rows, dim = emb.weight.shape
        if dim != c.embedding_dim:
            raise UnsupportedModelError("feature '%s' declares embedding_dim %d but its table '%s' has dim %d "
                                        "(features sharing an embedding_name must share embedding_dim)"
                                        % (c.name, c.embedding_dim, c.embedding_name, dim))
        if c.embedding_name not in b.tables:
            if not NAME.match(c.embedding_name):
                raise UnsupportedModelError("embedding_name '%s' is not a valid name" % c.embedding_name)
            t = b.tensor("embedding_dict.%s.weight" % c.embedding_name, _np(emb.weight))
            b.tables[c.embedding_name] = {"tensor": t, "rows": int(rows), "dim": int(dim)}


def _field(c):
    if _kind(c) == "DenseFeat":
        return {"name": c.name, "dense": int(c.dimension)}
    return {"name": c.name, "table": c.embedding_name}


# --------------------------------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------------------------------
def _din(b, model, cols):
    """DeepCTR-Torch models/din.py DIN.forward in eval mode."""
    emb = {}
    for c in cols.user + cols.candidate + cols.history_fields:
        if _kind(c) != "DenseFeat":
            emb[c.name] = b.op("embedding", "emb." + c.name, field=c.name)
    q = b.concat("att.query", [emb[c.name] for c in _grouped(cols.query)])
    k = b.concat("att.keys", [emb[c.name] for c in _grouped(cols.history)])
    att = model.attention
    b.op("attention", "att.pooled", query=q, keys=k,
         layers=_attention_layers(b, att, "attention", "DIN"),
         normalization="softmax" if att.weight_normalization else "raw")
    pooled = []
    for c in cols.pooled:
        if c.combiner == "max":
            # SequencePoolingLayer(mode="max"): x − 1e9 at masked positions, then the max over all positions.
            pooled.append(b.op("max_pool", "pool." + c.name, **{"in": emb[c.name]}))
        else:
            pooled.append(b.op("pool", "pool." + c.name, **{"in": emb[c.name], "mode": c.combiner, "masked": True,
                                                           "mean_eps": MEAN_EPS if c.combiner == "mean" else 0.0}))
    dense = [b.op("dense_input", "in." + c.name, field=c.name) for c in cols.dense]
    # DNN input: sparse embeddings (grouped), pooled varlen features, the attention output, dense values.
    parts = [emb[c.name] for c in _grouped(cols.sparse)] + pooled + ["att.pooled"] + dense
    x = b.concat("dnn.input", parts)
    x = _dnn(b, model.dnn, x)
    return _head(b, model, model.dnn_linear, "dnn_linear", x)


def _dnn(b, dnn, x):
    for i, layer in enumerate(_dnn_layers(b, dnn, "dnn", "DNN", allow_dice=False)):
        x = b.op("dense", "dnn.%d" % i, **dict({"in": x}, **layer))
    return x


def _head(b, model, linear, name, x):
    """Linear(no bias) + PredictionLayer's scalar bias, then sigmoid (binary) or identity (regression)."""
    layer = {"in": x, "weight": b.tensor(name + ".weight", _np(linear.weight))}
    if linear.bias is not None:
        raise UnsupportedModelError("%s has a bias; DeepCTR-Torch builds it without one" % name)
    out = model.out
    if out.use_bias:
        layer["bias"] = b.tensor("out.bias", _np(out.bias).reshape(1))
    b.op("dense", "logit", **layer)
    if out.task == "binary":
        return {"in": "logit", "type": "sigmoid"}
    if out.task == "regression":
        return {"in": "logit", "type": "identity"}
    raise UnsupportedModelError("task '%s' is not supported (binary and regression are)" % out.task)


def _torch_gru(b, gru, prefix, where):
    """nn.GRU (one layer, one direction, batch_first, packed by length) as a GRU_CELL of style torch."""
    if gru.num_layers != 1 or gru.bidirectional:
        raise UnsupportedModelError("%s: a GRU with %d layers%s is not what DeepCTR-Torch builds"
                                    % (where, gru.num_layers, ", bidirectional" if gru.bidirectional else ""))
    cell = {"style": "torch",
            "weight_ih": b.tensor(prefix + ".weight_ih_l0", _np(gru.weight_ih_l0)),
            "weight_hh": b.tensor(prefix + ".weight_hh_l0", _np(gru.weight_hh_l0))}
    if gru.bias:
        cell["bias_ih"] = b.tensor(prefix + ".bias_ih_l0", _np(gru.bias_ih_l0))
        cell["bias_hh"] = b.tensor(prefix + ".bias_hh_l0", _np(gru.bias_hh_l0))
    return cell


def _attention_cell(b, rnn, prefix):
    """AGRUCell / AUGRUCell: PyTorch gate layout (r, z, n) with the reset applied after the matmul."""
    cell = {"style": "torch",
            "weight_ih": b.tensor(prefix + ".weight_ih", _np(rnn.weight_ih)),
            "weight_hh": b.tensor(prefix + ".weight_hh", _np(rnn.weight_hh))}
    if rnn.bias_ih is not None:
        # AUGRUCell registers its bias_hh under the name bias_ih too: both gate sums add the SAME tensor
        # (the value stored as bias_hh), so both keys name one exported tensor.
        hh = b.tensor(prefix + ".bias_hh", _np(rnn.bias_hh))
        cell["bias_hh"] = hh
        cell["bias_ih"] = hh if rnn.bias_ih is rnn.bias_hh else b.tensor(prefix + ".bias_ih", _np(rnn.bias_ih))
    return cell


def _dien(b, model, cols):
    """DeepCTR-Torch models/dien.py DIEN.forward in eval mode (the auxiliary network is training-only)."""
    emb = {}
    for c in cols.user + cols.candidate + cols.history_fields:
        if _kind(c) != "DenseFeat":
            emb[c.name] = b.op("embedding", "emb." + c.name, field=c.name)
    q = b.concat("att.query", [emb[c.name] for c in _grouped(cols.query)])
    k = b.concat("interest.keys", [emb[c.name] for c in _grouped(cols.history)])
    width = sum(c.embedding_dim for c in cols.history)
    # Interest extractor: nn.GRU over the packed history; outputs past the length are 0 (pad_packed_sequence).
    ext = b.op("gru", "interest.extracted", **{"in": k, "hidden": width, "return": "sequence",
                                                "cell": _torch_gru(b, model.interest_extractor.gru,
                                                                   "interest_extractor.gru", "DIEN extractor")})
    evo = model.interest_evolution
    gru_type = evo.gru_type
    if gru_type not in GRU_TYPES:
        raise UnsupportedModelError("gru_type '%s' is not supported (%s are)" % (gru_type, ", ".join(GRU_TYPES)))
    att = evo.attention
    layers = _attention_layers(b, att, "interest_evolution.attention", "DIEN")
    norm = "softmax" if att.weight_normalization else "raw"
    if gru_type == "GRU":
        # A second GRU over the extracted interests, then attention pooling of its (zero-padded) outputs.
        evolved = b.op("gru", "interest.evolved", **{"in": ext, "hidden": width, "return": "sequence",
                                                     "cell": _torch_gru(b, evo.interest_evolution,
                                                                        "interest_evolution.interest_evolution",
                                                                        "DIEN evolution")})
        state = b.op("attention", "interest.state", query=q, keys=evolved, layers=layers, normalization=norm)
    else:
        weights = b.op("attention", "interest.weights", query=q, keys=ext, layers=layers, normalization=norm,
                       **{"return": "weights"})
        if gru_type == "AIGRU":
            # keys·a, then nn.GRU; the state at the last real step.
            cell = _torch_gru(b, evo.interest_evolution, "interest_evolution.interest_evolution", "DIEN evolution")
            form = "aigru"
        else:
            cell = _attention_cell(b, evo.interest_evolution.rnn, "interest_evolution.interest_evolution.rnn")
            # AGRUCell: h' = (1−a)·h + a·n (its update-gate third of the weights is unused);
            # AUGRUCell: u = a·sigmoid(i_z + h_z), h' = (1−u)·h + u·n (the paper's form).
            form = "agru" if gru_type == "AGRU" else "augru_update"
        state = b.op("gru", "interest.state", **{"in": ext, "hidden": width, "cell": cell, "attention": weights,
                                                 "attention_form": form, "return": "final"})
    # An empty history gives a zero state in DeepCTR-Torch, as the engine's final state and pooled zero outputs do.
    dense = [b.op("dense_input", "in." + c.name, field=c.name) for c in cols.dense]
    x = b.concat("dnn.input", [state] + [emb[c.name] for c in _grouped(cols.sparse)] + dense)
    x = _dnn(b, model.dnn, x)
    return _head(b, model, model.linear, "linear", x)


_MODELS = {"DIN": _din, "DIEN": _dien}


def _din_reference(model):
    a = model.attention
    return "DeepCTR-Torch v0.2.9 deepctr_torch/models/din.py DIN (att_weight_normalization=%s)" % a.weight_normalization


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------
def export(model, out_dir, feature_columns=None, candidate_features=(), name=None, reference=None, table_dtype="f32"):
    """Writes the engine model directory for a DeepCTR-Torch DIN, DIEN or family model (deepctr_family.FAMILY).

    model: the DeepCTR-Torch model object (its weights are read as they are; call after training).
    feature_columns: optional, checked against model.dnn_feature_columns.
    candidate_features: SparseFeat/DenseFeat names that vary per candidate besides the attention query
        (e.g. a price); the other single-valued features are user fields. Family models without any: every
        SparseFeat/DenseFeat is a candidate field.
    table_dtype: how embedding tables are stored: "f32" (default, exact), "f16", "bf16" (half the memory) or
        "int8" (a quarter, plus one F32 scale per row; docs/FORMAT.md). The compact forms round the weights, so
        scores move away from model.predict's by the rounding.
    Returns the request description that is also written to request_fields.json.
    Raises UnsupportedModelError naming the option the engine cannot reproduce.
    """
    kind = _kind(model)
    import deepctr_family
    if kind in deepctr_family.FAMILY and _is(model, kind):
        return _export_family(model, kind, out_dir, feature_columns, candidate_features, name, reference, table_dtype)
    if kind not in _MODELS or not _is(model, kind):
        raise UnsupportedModelError("%s is not a supported DeepCTR-Torch model (supported: %s)"
                                    % (kind, ", ".join(sorted(_MODELS) + list(deepctr_family.FAMILY))))
    if getattr(model, "linear_model", None) is not None and getattr(model.linear_model, "dense_feature_columns", []):
        raise UnsupportedModelError("the model has linear feature columns; DIN/DIEN build none")
    cols = _Columns(model, kind, feature_columns, candidate_features)
    b = _Builder()
    b.field_names = {c.name for c in cols.all}
    used = [c for c in cols.user + cols.candidate + cols.history_fields if _kind(c) != "DenseFeat"]
    _tables(b, model, cols, used)
    output = _MODELS[kind](b, model, cols)
    # Version 1 (one "history" group) while one group suffices, so that such models load in every engine
    # release; version 2 (named sequence groups) for models with several.
    version = 1 if len(cols.groups) == 1 else 2
    if version == 1:
        seqs = {"history": cols.groups[0].fields_json(1)}
    else:
        seqs = {"sequences": {g.name: g.fields_json(2) for g in cols.groups}}
    cfg = {
        "format": FORMAT,
        "format_version": version,
        "name": name or os.path.basename(os.path.normpath(out_dir)),
        "reference": reference or (_din_reference(model) if kind == "DIN" else _dien_reference(model)),
        "tables": b.tables,
        "fields": {
            "user": [_field(c) for c in cols.user],
            **seqs,
            "candidate": [_field(c) for c in cols.candidate],
        },
        "graph": b.graph,
        "output": output,
    }
    desc = _description(kind, model, cols, b, version)
    _write(out_dir, cfg, _store_tables(cfg, b.tensors, table_dtype), desc)
    return desc


def _export_family(model, kind, out_dir, feature_columns, candidate_features, name, reference, table_dtype):
    import deepctr_family
    b = _Builder()
    fields, output, desc, ref = deepctr_family.build(model, kind, b, feature_columns, candidate_features)
    cfg = {
        "format": FORMAT,
        "format_version": 2,
        "name": name or os.path.basename(os.path.normpath(out_dir)),
        "reference": reference or ref,
        "tables": b.tables,
        "fields": fields,
        "graph": b.graph,
        "output": output,
    }
    _write(out_dir, cfg, _store_tables(cfg, b.tensors, table_dtype), desc)
    return desc


def _write(out_dir, cfg, tensors, desc):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(cfg, f, indent=1)
        f.write("\n")
    write_safetensors(os.path.join(out_dir, "weights.safetensors"), tensors)
    with open(os.path.join(out_dir, "request_fields.json"), "w") as f:
        json.dump(desc, f, indent=1)
        f.write("\n")


def _dien_reference(model):
    return "DeepCTR-Torch v0.2.9 deepctr_torch/models/dien.py DIEN (gru_type=%s, att_weight_normalization=%s)" \
        % (model.interest_evolution.gru_type, model.interest_evolution.attention.weight_normalization)


def _description(kind, model, cols, b, version):
    def entry(c, group=None):
        if _kind(c) == "DenseFeat":
            return {"field": c.name, "deepctr": "DenseFeat", "width": int(c.dimension)}
        t = b.tables[c.embedding_name]
        e = {"field": c.name, "deepctr": _kind(c), "table": c.embedding_name, "ids": "0..%d" % (t["rows"] - 1)}
        if group is not None:
            e["group"] = group.name
            e["pooled"] = c in cols.pooled and c.combiner or None
        return e

    def sequence(g):
        d = {"group": g.name, "mask": g.mask, "max_length": g.T, "fields": [c.name for c in g.cols]}
        if g.mask == "length":
            d["length_column"] = g.length_column
            d["note"] = ("send the first `%s` ids of each field (the real events, oldest first); ids past it are "
                         "ignored, as DeepCTR-Torch does; the engine pads with id 0" % g.length_column)
        else:
            d["note"] = "send the ids as they are (id 0 is padding, wherever it is); the engine pads with id 0"
        return d
    seqs = [sequence(g) for g in cols.groups]
    if kind == "DIN" and model.attention.weight_normalization:
        # Softmax over an all-masked row weighs every position alike: DIN then averages the keys of the ids
        # stored past the length, which the engine (padding with id 0) can only reproduce when they are 0.
        seqs[0]["empty_averages_padding"] = True
    lengths = {}
    for g in cols.groups:
        if g.mask == "length":
            lengths.setdefault(g.length_column, []).append(g.name)
    return {
        "model": kind,
        "format_version": version,
        "sequences": seqs,
        "user": [entry(c) for c in cols.user],
        "history_fields": [entry(c, g) for g in cols.groups for c in g.cols],
        "candidate": [entry(c) for c in cols.candidate],
        "not_sent": [{"feature": n, "why": "the length of the %s arrays" % " and ".join("'%s'" % x for x in gs)}
                     for n, gs in lengths.items()] + cols.ignored,
    }


# --------------------------------------------------------------------------------------------------
# DeepCTR-Torch inputs → engine requests
# --------------------------------------------------------------------------------------------------
def _scalar(x, name, r):
    return int(np.asarray(x[name])[r].reshape(-1)[0])


def _group_ids(desc, seq, x, r):
    """{field: [ids]} of one sequence group for row r, read as DeepCTR-Torch reads them: a length mask takes the
    first `length` ids (the rest are ignored), an id mask keeps every id up to maxlen (trailing 0s dropped)."""
    T = seq["max_length"]
    rows = {f: np.asarray(x[f])[r].reshape(-1).astype(np.int64)[:T] for f in seq["fields"]}
    if seq["mask"] == "id":
        real = np.flatnonzero(rows[seq["fields"][0]] != 0)
        n = int(real[-1]) + 1 if real.size else 0
        return {f: [int(t) for t in ids[:n]] for f, ids in rows.items()}
    col = seq["length_column"]
    n = _scalar(x, col, r)
    if n < 0:
        raise ValueError("row %d: %s = %d is negative" % (r, col, n))
    if n > T:
        if desc["model"] == "DIEN":
            raise ValueError("row %d: %s = %d exceeds the history's maxlen %d (DeepCTR-Torch's DIEN fails on it)"
                             % (r, col, n, T))
        means = [e["field"] for e in desc["history_fields"] if e["group"] == seq["group"] and e["pooled"] == "mean"]
        if means:
            raise ValueError("row %d: %s = %d exceeds maxlen %d: DeepCTR-Torch's mean of %s divides the %d real "
                             "positions by %d, which no request can say" % (r, col, n, T, means, T, n))
        n = T  # every position is real, as DeepCTR-Torch's mask (position < length) makes it
    if n == 0 and seq.get("empty_averages_padding"):
        keys = [e["field"] for e in desc["history_fields"] if e["group"] == seq["group"] and e["pooled"] is None]
        bad = [f for f in keys if np.any(rows[f] != 0)]
        if bad:
            raise ValueError("row %d: %s = 0 and %s hold non-zero ids: DIN's softmax attention then averages the "
                             "keys of all %d positions, padding included; the engine pads with id 0 (zero the "
                             "padding of empty histories)" % (r, col, bad, T))
    return {f: [int(t) for t in ids[:n]] for f, ids in rows.items()}


def _row_parts(desc, x, r):
    """One row of a DeepCTR-Torch input dict (feature name → array with one row per sample) as the engine's
    user / history / candidate objects."""
    def val(e):
        v = np.asarray(x[e["field"]])[r]
        if e["deepctr"] == "DenseFeat":
            # The shortest decimal that reads back as the same float32 (what the engine parses it to).
            return [float(str(t)) for t in np.asarray(v, dtype=np.float32).reshape(-1)]
        return int(np.asarray(v).reshape(-1)[0])
    hist = {}
    for seq in desc["sequences"]:
        hist.update(_group_ids(desc, seq, x, r))
    hist = {e["field"]: hist[e["field"]] for e in desc["history_fields"]}
    user = {e["field"]: val(e) for e in desc["user"]}
    cand = {e["field"]: val(e) for e in desc["candidate"]}
    return user, hist, cand


def _rows(desc, x):
    names = [e["field"] for e in desc["user"] + desc["candidate"]] + [s["fields"][0] for s in desc["sequences"]]
    return len(np.asarray(x[names[0]]))


def _request(desc, user, hist, cand_key, cand):
    """A request object; models without sequence groups send no "history"."""
    r = {"user": user}
    if desc["sequences"]:
        r["history"] = hist
    r[cand_key] = cand
    return r


def to_batch_request(desc, x, rows=None):
    """A batch request (each row its own user and candidate) for rows of a DeepCTR-Torch input dict."""
    n = _rows(desc, x)
    out = []
    for r in (range(n) if rows is None else rows):
        user, hist, cand = _row_parts(desc, x, r)
        out.append(_request(desc, user, hist, "candidate", cand))
    return {"batch": out}


def to_ranking_request(desc, x, rows=None):
    """A ranking request for rows that share one user (same user and history values), one candidate per row."""
    n = _rows(desc, x)
    rows = list(range(n) if rows is None else rows)
    user, hist, _ = _row_parts(desc, x, rows[0])
    cands = {e["field"]: [] for e in desc["candidate"]}
    for r in rows:
        u, h, c = _row_parts(desc, x, r)
        if u != user or h != hist:
            raise ValueError("row %d has another user or history than row %d: use a batch request" % (r, rows[0]))
        for k, v in c.items():
            cands[k].append(v)
    return _request(desc, user, hist, "candidates", cands)


class _Callback:
    def __init__(self, *a, **k):
        self.model = None

    def set_model(self, model):
        self.model = model

    def __getattr__(self, name):
        if name.startswith("on_"):
            return lambda *a, **k: None
        raise AttributeError(name)


class _History(_Callback):
    def on_train_begin(self, logs=None):
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


class _CallbackList:
    def __init__(self, callbacks):
        self.callbacks = list(callbacks)

    def set_model(self, model):
        self.model = model
        for c in self.callbacks:
            c.set_model(model)

    def __getattr__(self, name):
        if name.startswith("on_"):
            def call(*a, **k):
                for c in self.callbacks:
                    getattr(c, name)(*a, **k)
            return call
        raise AttributeError(name)


class _EarlyStopping(_Callback):
    pass


class _ModelCheckpoint(_Callback):
    pass


def _stub_tensorflow():
    """DeepCTR-Torch imports Keras callback classes from TensorFlow for its training loop only (fit's
    History/CallbackList); when TensorFlow is absent, minimal stand-ins let `fit` run. The model's
    arithmetic never touches them. They live under TensorFlow's module name so that a model holding its
    History pickles and unpickles (torch.save / torch.load) the same way."""
    try:
        import tensorflow.python.keras.callbacks  # noqa: F401
        return
    except ImportError:
        pass
    import types
    name = "tensorflow.python.keras.callbacks"
    mod = types.ModuleType(name)
    for cls, n in ((_Callback, "Callback"), (_History, "History"), (_CallbackList, "CallbackList"),
                   (_EarlyStopping, "EarlyStopping"), (_ModelCheckpoint, "ModelCheckpoint")):
        cls.__module__, cls.__qualname__, cls.__name__ = name, n, n
        setattr(mod, n, cls)
    for parent in ("tensorflow", "tensorflow.python", "tensorflow.python.keras"):
        sys.modules[parent] = types.ModuleType(parent)
    sys.modules[name] = mod


def import_deepctr_torch(path=None):
    """Imports deepctr_torch (from `path`, a checkout holding deepctr_torch/, when given), with stand-ins for
    TensorFlow's Keras callbacks where TensorFlow is absent. Needed to torch.load a whole saved model."""
    if path:
        sys.path.insert(0, path)
    _stub_tensorflow()
    import deepctr_torch
    return deepctr_torch


def main(argv=None):
    p = argparse.ArgumentParser(description="Export a DeepCTR-Torch model saved with torch.save(model, path).")
    p.add_argument("model", help="file written by torch.save(model, path); deepctr_torch must be importable")
    p.add_argument("out_dir")
    p.add_argument("--candidate-features", default="", help="comma-separated features that vary per candidate")
    p.add_argument("--name")
    p.add_argument("--table-dtype", choices=("f32", "f16", "bf16", "int8"), default="f32",
                   help="how embedding tables are stored (default f32; int8 with per-row scales, docs/FORMAT.md)")
    p.add_argument("--deepctr-torch", default=os.environ.get("DEEPCTR_TORCH"),
                   help="DeepCTR-Torch checkout to import the model's classes from (default: $DEEPCTR_TORCH, "
                        "else the installed package)")
    a = p.parse_args(argv)
    import_deepctr_torch(a.deepctr_torch)
    model = torch.load(a.model, map_location="cpu")
    cand = [s for s in a.candidate_features.split(",") if s]
    try:
        desc = export(model, a.out_dir, candidate_features=cand, name=a.name, table_dtype=a.table_dtype)
    except UnsupportedModelError as e:
        print("cannot export: %s" % e, file=sys.stderr)
        return 2
    print(json.dumps(desc, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
