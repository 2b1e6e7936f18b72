"""The deep recommendation family of DeepCTR-Torch v0.2.9 (WDL, DeepFM, DCN, DCNMix, PNN, NFM, AFM, xDeepFM,
AutoInt) as engine model directories; called by deepctr_export.export, which recognises the model class.

Every model is reproduced as DeepCTR-Torch's forward runs in eval mode (dropout off, batch norm with its
running statistics):
- request fields: one per input column (BaseModel.feature_index order, length columns excepted). SparseFeat
  and DenseFeat columns are user fields unless named in `candidate_features`; when none are named, every one
  of them is a candidate field (each sample is then complete on its own; a ranking request sends them per
  candidate). VarLenSparseFeat columns are sequence groups (user scope): one per (length column, maxlen), or
  one per feature masked by id != 0 when its length_name is None.
- the linear part (BaseModel.linear_model) reads tables of its own (1-wide, tensor
  `linear_model.embedding_dict.<name>.weight`); a feature in both the linear and the DNN columns is one sent
  field plus a derived field (an identity id map) for the other table, the sent one on the smaller table so
  that an id either table lacks is refused, as DeepCTR-Torch's lookup fails on it.
- the "fields" of the interaction ops are DeepCTR-Torch's sparse_embedding_list: the SparseFeat embeddings in
  declaration order, then the pooled VarLenSparseFeat embeddings in declaration order; the DNN input is those
  concatenated, then the DenseFeat values.
- the PredictionLayer's scalar bias is folded into the model's last dense layer (dnn_linear or cin_linear);
  a model without one (AFM, a WDL/DeepFM without DNN) ends in a 1x1 dense layer holding it.
"""
import numpy as np

import deepctr_export as X
from deepctr_export import UnsupportedModelError, _activation, _dnn, _kind, _np

FAMILY = ("WDL", "DeepFM", "DCN", "DCNMix", "PNN", "NFM", "AFM", "xDeepFM", "AutoInt")
REFERENCE = "DeepCTR-Torch v0.2.9 deepctr_torch/models/%s.py %s"


class _Feature:
    """One input column: its DNN and linear declarations (either may be None) and its request fields."""

    def __init__(self, name):
        self.name, self.dnn, self.lin = name, None, None
        self.dnn_field = self.lin_field = None
        self.scope = None  # "user", "candidate" or a sequence group

    @property
    def col(self):
        return self.dnn if self.dnn is not None else self.lin

    @property
    def kind(self):
        return _kind(self.col)


class FamilyColumns:
    """The model's feature columns (DNN and linear) sorted into request fields, tables and sequence groups."""

    def __init__(self, model, b, feature_columns, candidate_features):
        dnn = list(model.dnn_feature_columns)
        if feature_columns is not None:
            given = [c.name for c in feature_columns]
            if given != [c.name for c in dnn]:
                raise UnsupportedModelError("feature_columns %s differ from the model's dnn_feature_columns %s"
                                            % (given, [c.name for c in dnn]))
        lm = model.linear_model
        lin = list(lm.sparse_feature_columns) + list(lm.varlen_sparse_feature_columns) + list(lm.dense_feature_columns)
        for side, cols in (("dnn", dnn), ("linear", lin)):
            names = [c.name for c in cols]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise UnsupportedModelError("%s feature column(s) %s declared twice: DeepCTR-Torch reads one input "
                                            "column but embeds it twice; declare each feature once" % (side, dup))
            for c in cols:
                if _kind(c) not in ("SparseFeat", "VarLenSparseFeat", "DenseFeat"):
                    raise UnsupportedModelError("feature column %r: unknown type %s" % (c, _kind(c)))
                if not X.NAME.match(c.name):
                    raise UnsupportedModelError("feature '%s': request field names must match "
                                                "[A-Za-z_][A-Za-z0-9_.]*; rename the feature" % c.name)
        lengths = {c.length_name for c in dnn + lin if _kind(c) == "VarLenSparseFeat" and c.length_name}
        self.features = {}
        for n in model.feature_index:
            if n not in lengths:
                self.features[n] = _Feature(n)
        for c in dnn:
            self.features[c.name].dnn = c
        for c in lin:
            f = self.features[c.name]
            f.lin = c
            if f.dnn is not None:
                self._same_input(f)
        for f in self.features.values():
            if f.kind == "VarLenSparseFeat":
                for c in (f.dnn, f.lin):
                    if c is not None:
                        self._check_combiner(c)
        self.lengths = lengths
        self._tables(model, b)
        self._scopes(candidate_features)
        self.groups = self._sequence_groups()

    @staticmethod
    def _same_input(f):
        a, c = f.dnn, f.lin
        if _kind(a) != _kind(c):
            raise UnsupportedModelError("feature '%s' is a %s among the DNN columns and a %s among the linear ones"
                                        % (f.name, _kind(a), _kind(c)))
        if _kind(a) == "DenseFeat" and a.dimension != c.dimension:
            raise UnsupportedModelError("dense feature '%s' has dimension %d among the DNN columns and %d among the "
                                        "linear ones" % (f.name, a.dimension, c.dimension))
        if _kind(a) == "VarLenSparseFeat" and (a.maxlen, a.length_name) != (c.maxlen, c.length_name):
            raise UnsupportedModelError("varlen feature '%s' is declared with (maxlen, length_name) %s among the DNN "
                                        "columns and %s among the linear ones; DeepCTR-Torch reads one input slice "
                                        "for both" % (f.name, (a.maxlen, a.length_name), (c.maxlen, c.length_name)))

    @staticmethod
    def _check_combiner(c):
        if c.combiner not in ("mean", "sum", "max"):
            raise UnsupportedModelError("varlen feature '%s': combiner '%s' is not supported (sum, mean and max are)"
                                        % (c.name, c.combiner))
        if c.combiner == "max" and c.length_name is not None:
            raise UnsupportedModelError(
                "varlen feature '%s': combiner 'max' with length_name '%s' does not run in DeepCTR-Torch (its "
                "SequencePoolingLayer subtracts a boolean length mask, which torch rejects), so there is no trained "
                "model to reproduce; use length_name=None (masked by id != 0) or another combiner"
                % (c.name, c.length_name))

    def _tables(self, model, b):
        """Tables of the DNN (`<embedding_name>`) and the linear part (`linear.<embedding_name>`), each from its
        weight (features sharing an embedding_name share the table of the last declaration)."""
        def table(emb_dict, col, prefix, tname, dim):
            emb = emb_dict[col.embedding_name]
            rows, d = emb.weight.shape
            if d != dim:
                raise UnsupportedModelError("feature '%s' declares embedding_dim %d but its table '%s' has dim %d "
                                            "(features sharing an embedding_name must share embedding_dim)"
                                            % (col.name, dim, col.embedding_name, d))
            if not X.NAME.match(col.embedding_name):
                raise UnsupportedModelError("embedding_name '%s' is not a valid name" % col.embedding_name)
            if tname not in b.tables:
                t = b.tensor(prefix + "embedding_dict.%s.weight" % col.embedding_name, _np(emb.weight))
                b.tables[tname] = {"tensor": t, "rows": int(rows), "dim": int(d)}
            return tname

        self.maps = {}
        for f in self.features.values():
            if f.kind == "DenseFeat":
                continue
            tables = {}
            if f.dnn is not None:
                tables["dnn"] = table(model.embedding_dict, f.dnn, "", f.dnn.embedding_name, f.dnn.embedding_dim)
            if f.lin is not None:
                tables["lin"] = table(model.linear_model.embedding_dict, f.lin, "linear_model.",
                                      "linear." + f.lin.embedding_name, 1)
            if len(tables) == 1:
                side, t = next(iter(tables.items()))
                f.fields = [{"name": f.name, "table": t}]
                setattr(f, side + "_field", f.name)
                continue
            # Sent on the smaller table; the other derived through the identity map of the sent table's rows.
            rows = {s: b.tables[t]["rows"] for s, t in tables.items()}
            sent = "lin" if rows["lin"] < rows["dnn"] else "dnn"
            other = "dnn" if sent == "lin" else "lin"
            derived = f.name + (".dnn" if other == "dnn" else ".linear")
            m = b.tensor("identity.%d" % rows[sent], np.arange(rows[sent], dtype=np.int32))
            f.fields = [{"name": f.name, "table": tables[sent]},
                        {"name": derived, "table": tables[other], "derive": {"from": f.name, "map": m}}]
            setattr(f, sent + "_field", f.name)
            setattr(f, other + "_field", derived)

    def _scopes(self, candidate_features):
        single = [f for f in self.features.values() if f.kind != "VarLenSparseFeat"]
        cand = list(candidate_features or ())
        bad = [n for n in cand if n not in {f.name for f in single}]
        if bad:
            raise UnsupportedModelError("candidate_features %s are not SparseFeat/DenseFeat columns of the model "
                                        "(varlen features are user sequences and cannot be per candidate)" % bad)
        if not single:
            raise UnsupportedModelError("the model has no SparseFeat or DenseFeat column: a request needs at least "
                                        "one field sent per candidate")
        self.default_candidates = not cand
        for f in single:
            f.scope = "candidate" if (not cand or f.name in cand) else "user"
        self.user = [f for f in single if f.scope == "user"]
        self.candidate = [f for f in single if f.scope == "candidate"]

    def _sequence_groups(self):
        groups, by_length = [], {}
        for f in self.features.values():
            if f.kind != "VarLenSparseFeat":
                continue
            c = f.col
            key = (c.length_name, c.maxlen)
            if c.length_name is not None and key in by_length:
                g = by_length[key]
            else:
                name = c.length_name if c.length_name is not None else c.name
                names = {x.name for x in groups}
                if not X.NAME.match(name) or name in names:
                    name = next("seq%d" % i for i in range(1, len(groups) + 2) if "seq%d" % i not in names)
                g = X._Group(name, "id" if c.length_name is None else "length", c.length_name, c.maxlen, [])
                groups.append(g)
                if c.length_name is not None:
                    by_length[key] = g
            g.cols.append(f)
            f.scope = g.name
        return groups

    def fields_json(self, feats):
        return [fd for f in feats for fd in (f.fields if f.kind != "DenseFeat"
                                              else [{"name": f.name, "dense": int(f.col.dimension)}])]

    def config_fields(self):
        d = {"user": self.fields_json(self.user)}
        if self.groups:
            d["sequences"] = {g.name: {"max_length": g.T, "padding": "right", "padding_id": 0, "mask": g.mask,
                                       "fields": self.fields_json(g.cols)} for g in self.groups}
        d["candidate"] = self.fields_json(self.candidate)
        return d

    def field_names(self):
        return {fd["name"] for f in self.features.values() for fd in getattr(f, "fields", [{"name": f.name}])}


# --------------------------------------------------------------------------------------------------
# shared pieces of the graph
# --------------------------------------------------------------------------------------------------
def _pool(b, seq, c, out):
    if c.combiner == "max":
        return b.op("max_pool", out, **{"in": seq})
    return b.op("pool", out, **{"in": seq, "mode": c.combiner, "masked": True,
                                "mean_eps": X.MEAN_EPS if c.combiner == "mean" else 0.0})


class _Inputs:
    """The DNN side's sparse_embedding_list ("fields"), dense values, and the linear logit."""

    def __init__(self, b, model, cols):
        self.dense = {}
        for f in cols.features.values():
            if f.kind == "DenseFeat":
                self.dense[f.name] = b.op("dense_input", "in." + f.name, field=f.name)
        dnn = list(model.dnn_feature_columns)
        feats = cols.features
        self.fields, self.field_cols = [], []
        for c in [c for c in dnn if _kind(c) == "SparseFeat"] + [c for c in dnn if _kind(c) == "VarLenSparseFeat"]:
            f = feats[c.name]
            if _kind(c) == "SparseFeat":
                self.fields.append(b.op("embedding", "emb." + c.name, field=f.dnn_field))
            else:
                seq = b.op("embedding", "seq." + c.name, field=f.dnn_field)
                self.fields.append(_pool(b, seq, c, "pool." + c.name))
            self.field_cols.append(c)
        self.dense_values = [self.dense[c.name] for c in dnn if _kind(c) == "DenseFeat"]
        self.linear = self._linear(b, model, cols)

    def _linear(self, b, model, cols):
        """BaseModel.linear_model: the 1-wide embeddings of its sparse and pooled varlen columns, plus its dense
        columns times `linear_model.weight` ([D, 1], written [1, D] as a dense layer's [out, in])."""
        lm = model.linear_model
        parts = []
        for c in lm.sparse_feature_columns:
            parts.append(b.op("embedding", "lin.emb." + c.name, field=cols.features[c.name].lin_field))
        for c in lm.varlen_sparse_feature_columns:
            seq = b.op("embedding", "lin.seq." + c.name, field=cols.features[c.name].lin_field)
            parts.append(_pool(b, seq, c, "lin.pool." + c.name))
        if lm.dense_feature_columns:
            x = b.concat("lin.dense_in", [self.dense[c.name] for c in lm.dense_feature_columns])
            w = b.tensor("linear_model.weight", _np(lm.weight).T.copy())
            parts.append(b.op("dense", "lin.dense", **{"in": x, "weight": w}))
        if not parts:
            return None  # no linear columns: DeepCTR-Torch adds zeros
        return parts[0] if len(parts) == 1 else b.op("sum", "linear.logit", **{"in": parts})

    def dnn_input(self, b, extra_first=()):
        return b.concat("dnn.input", list(extra_first) + self.fields + self.dense_values)

    def same_width(self, where):
        """The interaction layers stack the fields: DeepCTR-Torch fails unless they share one embedding_dim."""
        dims = sorted({c.embedding_dim for c in self.field_cols})
        if len(dims) > 1:
            raise UnsupportedModelError("%s: the sparse features %s have embedding_dim %s; DeepCTR-Torch stacks them "
                                        "along the field axis and fails unless they share one embedding_dim"
                                        % (where, [c.name for c in self.field_cols], dims))
        return dims[0] if dims else 0


def _head_dense(b, model, lin, name, x, with_bias):
    """A Linear(no bias) head (dnn_linear, cin_linear), with the PredictionLayer's bias folded in when asked."""
    if lin.bias is not None:
        raise UnsupportedModelError("%s has a bias; DeepCTR-Torch builds it without one" % name)
    layer = {"in": x, "weight": b.tensor(name + ".weight", _np(lin.weight))}
    if with_bias and model.out.use_bias:
        layer["bias"] = b.tensor("out.bias", _np(model.out.bias).reshape(1))
    return b.op("dense", name, **layer)


def _output(b, model, parts, bias_folded):
    parts = [p for p in parts if p is not None]
    if not parts:
        raise UnsupportedModelError("the model computes no logit from its columns (no linear columns and no "
                                    "interaction or DNN part)")
    x = parts[0] if len(parts) == 1 else b.op("sum", "logit.sum", **{"in": parts})
    if not bias_folded and model.out.use_bias:
        x = b.op("dense", "logit", **{"in": x, "weight": b.tensor("out.one", np.ones((1, 1), np.float32)),
                                      "bias": b.tensor("out.bias", _np(model.out.bias).reshape(1))})
    if model.out.task == "binary":
        return {"in": x, "type": "sigmoid"}
    if model.out.task == "regression":
        return {"in": x, "type": "identity"}
    raise UnsupportedModelError("task '%s' is not supported (binary and regression are)" % model.out.task)


def _check_width(lin, width, name, why):
    if lin.in_features != width:
        raise UnsupportedModelError("%s takes %d inputs but the model computes %d (%s): the model does not run in "
                                    "DeepCTR-Torch" % (name, lin.in_features, width, why))


# --------------------------------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------------------------------
def _wdl(b, model, inp):
    head = None
    if model.use_dnn:
        head = _head_dense(b, model, model.dnn_linear, "dnn_linear", _dnn(b, model.dnn, inp.dnn_input(b)), True)
    return _output(b, model, [inp.linear, head], head is not None)


def _fm_term(b, inp, where):
    if len(inp.fields) < 2:
        return None  # 0.5 * (v^2 - v^2) is exactly 0 for one field
    inp.same_width(where)
    return b.op("fm", "fm", **{"in": list(inp.fields)})


def _deepfm(b, model, inp):
    fm = _fm_term(b, inp, "DeepFM use_fm") if model.use_fm and inp.fields else None
    head = None
    if model.use_dnn:
        head = _head_dense(b, model, model.dnn_linear, "dnn_linear", _dnn(b, model.dnn, inp.dnn_input(b)), True)
    return _output(b, model, [inp.linear, fm, head], head is not None)


def _dcn(b, model, inp, mix):
    x = inp.dnn_input(b)
    deep = _dnn(b, model.dnn, x)
    cn = model.crossnet
    if model.cross_num > 0:
        if mix:
            gating = np.stack([_np(g.weight).reshape(-1) for g in cn.gating])
            cross = b.op("cross_mix", "cross", **{"in": x, "U": b.tensor("crossnet.U_list", _np(cn.U_list)),
                                                  "V": b.tensor("crossnet.V_list", _np(cn.V_list)),
                                                  "C": b.tensor("crossnet.C_list", _np(cn.C_list)),
                                                  "gating": b.tensor("crossnet.gating", gating),
                                                  "bias": b.tensor("crossnet.bias", _np(cn.bias))})
        else:
            cross = b.op("cross", "cross", **{"in": x, "parameterization": cn.parameterization,
                                              "kernels": b.tensor("crossnet.kernels", _np(cn.kernels)),
                                              "bias": b.tensor("crossnet.bias", _np(cn.bias))})
        deep = b.concat("stack", [cross, deep])
    head = _head_dense(b, model, model.dnn_linear, "dnn_linear", deep, True)
    return _output(b, model, [inp.linear, head], True)


def _pnn(b, model, inp):
    prods = []
    if model.use_inner or model.use_outter:
        where = "PNN use_inner" if model.use_inner else "PNN use_outter"
        k = inp.same_width(where)
        if len(inp.fields) < 2:
            raise UnsupportedModelError("%s with %d sparse feature(s): there is no pair of fields, and DeepCTR-Torch's "
                                        "product layer fails on the empty pair list" % (where, len(inp.fields)))
    if model.use_inner:
        prods.append(b.op("inner_product", "inner_product", **{"in": list(inp.fields), "reduce_sum": True}))
    if model.use_outter:
        kernel = _np(model.outterproduct.kernel)
        F = len(inp.fields)
        P = F * (F - 1) // 2
        want = {"mat": (k, P, k), "vec": (P, k), "num": (P, 1)}[model.kernel_type]
        if kernel.shape != want:
            raise UnsupportedModelError("PNN use_outter kernel_type '%s': kernel %s, the fields need %s"
                                        % (model.kernel_type, kernel.shape, want))
        prods.append(b.op("outer_product", "outer_product", **{"in": list(inp.fields), "kernel_type": model.kernel_type,
                                                               "kernel": b.tensor("outterproduct.kernel", kernel)}))
    signal = b.concat("pnn.linear_signal", list(inp.fields)) if inp.fields else None
    parts = ([signal] if signal else []) + prods + inp.dense_values
    x = b.concat("dnn.input", parts)
    head = _head_dense(b, model, model.dnn_linear, "dnn_linear", _dnn(b, model.dnn, x), True)
    return _output(b, model, [head], True)


def _nfm(b, model, inp):
    if len(inp.fields) < 2:
        raise UnsupportedModelError("NFM with %d sparse feature(s): the engine's bi_interaction takes 2 or more "
                                    "fields" % len(inp.fields))
    inp.same_width("NFM bi-interaction")
    # bi_dropout is nn.Dropout: the identity in eval mode, whatever its rate.
    bi = b.op("bi_interaction", "bi_interaction", **{"in": list(inp.fields)})
    x = b.concat("dnn.input", [bi] + inp.dense_values)
    head = _head_dense(b, model, model.dnn_linear, "dnn_linear", _dnn(b, model.dnn, x), True)
    return _output(b, model, [inp.linear, head], True)


def _afm(b, model, inp):
    if inp.dense_values:
        raise UnsupportedModelError("AFM with DenseFeat columns among its dnn_feature_columns does not run in "
                                    "DeepCTR-Torch (input_from_feature_columns(support_dense=False) raises); move "
                                    "them to the linear columns")
    term = None
    if model.use_attention:
        if len(inp.fields) < 2:
            raise UnsupportedModelError("AFM use_attention with %d sparse feature(s) does not run in DeepCTR-Torch "
                                        "(no pair to attend over)" % len(inp.fields))
        inp.same_width("AFM use_attention")
        fm = model.fm
        term = b.op("afm", "afm", **{"in": list(inp.fields),
                                     "attention_W": b.tensor("fm.attention_W", _np(fm.attention_W)),
                                     "attention_b": b.tensor("fm.attention_b", _np(fm.attention_b)),
                                     "projection_h": b.tensor("fm.projection_h", _np(fm.projection_h)),
                                     "projection_p": b.tensor("fm.projection_p", _np(fm.projection_p))})
    elif inp.fields:
        term = _fm_term(b, inp, "AFM use_attention=False (FM)")
    return _output(b, model, [inp.linear, term], False)


def _xdeepfm(b, model, inp):
    dnn_logit = cin_logit = None
    if model.use_cin:
        inp.same_width("xDeepFM CIN")
        cin = model.cin
        m = len(inp.fields)
        act = _activation(b, cin.activation, 1, "cin.activation", "xDeepFM cin_activation")
        layers, h = [], m
        for i, conv in enumerate(cin.conv1ds):
            w = _np(conv.weight)
            if w.shape[1] != h * m:
                raise UnsupportedModelError(
                    "xDeepFM CIN layer %d takes %d channels but %d fields give %d: CIN's field_size is the number of "
                    "embedding tables (len(embedding_dict) = %d), which differs from the number of sparse features "
                    "when features share an embedding_name; the model does not run in DeepCTR-Torch"
                    % (i, w.shape[1], m, h * m, len(model.embedding_dict)))
            layer = {"weight": b.tensor("cin.conv1ds.%d.weight" % i, w[:, :, 0].copy())}
            if conv.bias is not None:
                layer["bias"] = b.tensor("cin.conv1ds.%d.bias" % i, _np(conv.bias))
            layers.append(layer)
            h = w.shape[0] // 2 if cin.split_half else w.shape[0]
        op = {"in": list(inp.fields), "split_half": bool(cin.split_half), "layers": layers}
        if act is not None:
            op["activation"] = act
        cin_out = b.op("cin", "cin", **op)
        cin_logit = _head_dense(b, model, model.cin_linear, "cin_linear", cin_out, not model.use_dnn)
    if model.use_dnn:
        dnn_logit = _head_dense(b, model, model.dnn_linear, "dnn_linear", _dnn(b, model.dnn, inp.dnn_input(b)), True)
    return _output(b, model, [inp.linear, dnn_logit, cin_logit], model.use_dnn or model.use_cin)


def _autoint(b, model, inp):
    att = None
    if model.att_layer_num > 0:
        d = inp.same_width("AutoInt interacting layers")
        layers = []
        for i, il in enumerate(model.int_layers):
            layer = {"W_query": b.tensor("int_layers.%d.W_Query" % i, _np(il.W_Query)),
                     "W_key": b.tensor("int_layers.%d.W_key" % i, _np(il.W_key)),
                     "W_value": b.tensor("int_layers.%d.W_Value" % i, _np(il.W_Value))}
            if il.use_res:
                layer["W_res"] = b.tensor("int_layers.%d.W_Res" % i, _np(il.W_Res))
            layers.append(layer)
        il = model.int_layers[0]
        att = b.op("self_attention", "self_attention", **{"in": list(inp.fields), "heads": int(il.head_num),
                                                         "scaling": bool(il.scaling), "layers": layers})
        att_width = len(inp.fields) * d
    deep = _dnn(b, model.dnn, inp.dnn_input(b)) if model.use_dnn and len(model.dnn_hidden_units) > 0 else None
    if att is not None and deep is not None:
        x = b.concat("stack", [att, deep])
        width = att_width + model.dnn_hidden_units[-1]
    elif deep is not None:
        x, width = deep, model.dnn_hidden_units[-1]
    else:
        x, width = att, att_width
    _check_width(model.dnn_linear, width, "AutoInt dnn_linear",
                 "its field_num is the number of embedding tables, len(embedding_dict) = %d" % len(model.embedding_dict))
    head = _head_dense(b, model, model.dnn_linear, "dnn_linear", x, True)
    return _output(b, model, [inp.linear, head], True)


_BUILDERS = {"WDL": _wdl, "DeepFM": _deepfm, "DCN": lambda b, m, i: _dcn(b, m, i, False),
             "DCNMix": lambda b, m, i: _dcn(b, m, i, True), "PNN": _pnn, "NFM": _nfm, "AFM": _afm,
             "xDeepFM": _xdeepfm, "AutoInt": _autoint}


def _options(kind, model):
    """The constructor options the export depends on, for the reference string."""
    if kind == "DeepFM":
        return "use_fm=%s, dnn=%s" % (model.use_fm, model.use_dnn)
    if kind in ("DCN", "DCNMix"):
        s = "cross_num=%d" % model.cross_num
        if kind == "DCN":
            s += ", cross_parameterization=%s" % model.crossnet.parameterization
        else:
            s += ", num_experts=%d, low_rank=%d" % (model.crossnet.num_experts, model.crossnet.U_list.shape[-1])
        return s
    if kind == "PNN":
        return "use_inner=%s, use_outter=%s, kernel_type=%s" % (model.use_inner, model.use_outter, model.kernel_type)
    if kind == "AFM":
        return "use_attention=%s" % model.use_attention
    if kind == "xDeepFM":
        return "cin_layer_size=%s, cin_split_half=%s, dnn=%s" % (tuple(model.cin_layer_size),
                                                                 getattr(getattr(model, "cin", None), "split_half", None),
                                                                 model.use_dnn)
    if kind == "AutoInt":
        il = model.int_layers[0] if len(model.int_layers) else None
        return "att_layer_num=%d, att_head_num=%s, att_res=%s, dnn=%s" % (
            model.att_layer_num, il.head_num if il else None, il.use_res if il else None, model.use_dnn)
    if kind == "WDL":
        return "dnn=%s" % model.use_dnn
    return ""


def build(model, kind, b, feature_columns, candidate_features):
    """Fills the builder; returns (fields config, output config, request description, reference)."""
    cols = FamilyColumns(model, b, feature_columns, candidate_features)
    b.field_names = cols.field_names()
    inp = _Inputs(b, model, cols)
    output = _BUILDERS[kind](b, model, inp)
    ref = REFERENCE % (kind.lower(), kind) + " (%s)" % _options(kind, model)
    return cols.config_fields(), output, _description(kind, cols), ref


def _description(kind, cols):
    def entry(f, group=None):
        c = f.col
        if f.kind == "DenseFeat":
            return {"field": f.name, "deepctr": "DenseFeat", "width": int(c.dimension)}
        e = {"field": f.name, "deepctr": f.kind, "table": f.fields[0]["table"]}
        if len(f.fields) > 1:
            e["derived"] = f.fields[1]["name"]
        if group is not None:
            e["group"] = group.name
            combiners = {x.combiner for x in (f.dnn, f.lin) if x is not None}
            e["pooled"] = "mean" if "mean" in combiners else sorted(combiners)[0]
        return e

    seqs = []
    for g in cols.groups:
        d = {"group": g.name, "mask": g.mask, "max_length": g.T, "fields": [f.name for f in g.cols]}
        if g.mask == "length":
            d["length_column"] = g.length_column
            d["note"] = ("send the first `%s` ids of each field; ids past it are ignored, as DeepCTR-Torch does"
                         % g.length_column)
        else:
            d["note"] = "send the ids as they are (id 0 is padding, wherever it is); the engine pads with id 0"
        seqs.append(d)
    lengths = {}
    for g in cols.groups:
        if g.mask == "length":
            lengths.setdefault(g.length_column, []).append(g.name)
    desc = {
        "model": kind,
        "format_version": 2,
        "sequences": seqs,
        "user": [entry(f) for f in cols.user],
        "history_fields": [entry(f, g) for g in cols.groups for f in g.cols],
        "candidate": [entry(f) for f in cols.candidate],
        "not_sent": [{"feature": n, "why": "the length of the %s arrays" % " and ".join("'%s'" % x for x in gs)}
                     for n, gs in lengths.items()],
    }
    if cols.default_candidates:
        desc["note"] = ("no candidate_features were given: every SparseFeat/DenseFeat is sent per candidate "
                        "(pass candidate_features to send the user's once per ranking request)")
    return desc
