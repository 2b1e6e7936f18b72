"""Exports the modules of models_din.py as engine model directories (docs/FORMAT.md):
model.json + weights.safetensors. Batch norms are written as stored statistics (the engine folds them);
embedding tables may be written as F16, BF16 or I8 with per-row scales (table_dtype; call round_tables_ first so
the module computes with the values the file holds).
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn

import models_din as M
import st


def _np(t):
    return t.detach().cpu().numpy().astype(np.float32)


class Builder:
    """Collects tables, fields, ops and tensors of one model."""

    def __init__(self, name, reference, table_dtype="F32"):
        self.name, self.reference, self.table_dtype = name, reference, table_dtype
        self.tensors = {}
        self.tables = {}
        self.fields = {"user": [], "candidate": []}
        self.history = None
        self.graph = []
        self.output = None

    def tensor(self, name, arr, dtype="F32"):
        if name in self.tensors:
            raise ValueError("tensor %s written twice" % name)
        self.tensors[name] = (np.asarray(arr), dtype)
        return name

    def table(self, name, emb, oov=None):
        w = _np(emb.weight)
        for k, (arr, dt) in st.table_tensors("emb." + name, w, self.table_dtype).items():
            self.tensor(k, arr, dt)
        t = {"tensor": "emb." + name, "rows": int(w.shape[0]), "dim": int(w.shape[1])}
        if oov is not None:
            t["oov"] = oov
        self.tables[name] = t

    def field(self, group, name, table=None, dense=None, derive=None):
        f = {"name": name}
        if table is not None:
            f["table"] = table
        if dense is not None:
            f["dense"] = dense
        if derive is not None:
            f["derive"] = derive
        (self.history["fields"] if group == "history" else self.fields[group]).append(f)

    def set_history(self, T, padding="right"):
        self.history = {"max_length": T, "padding": padding, "padding_id": 0, "fields": []}

    def op(self, kind, out, **kw):
        d = {"op": kind, "out": out}
        d.update(kw)
        self.graph.append(d)
        return out

    def bn(self, prefix, bn, stats=True):
        """BATCH_NORM of an eval-mode BatchNorm1d; stats=False writes only eps (frozen 0/1, weight 1, bias 0)."""
        d = {}
        if not stats:
            frozen = [bn.running_mean, bn.running_var - 1, bn.weight - 1, bn.bias]
            if any(float(t.abs().max()) != 0.0 for t in frozen):
                raise ValueError("%s: stats=False needs the frozen statistics (mean 0, var 1, weight 1, bias 0)" % prefix)
        if stats:
            d["mean"] = self.tensor(prefix + ".mean", _np(bn.running_mean))
            d["var"] = self.tensor(prefix + ".var", _np(bn.running_var))
            d["weight"] = self.tensor(prefix + ".weight", _np(bn.weight))
            d["bias"] = self.tensor(prefix + ".bias", _np(bn.bias))
        d["eps"] = float(bn.eps)
        return d

    def act(self, prefix, m):
        if m is None or isinstance(m, nn.Identity):
            return {"type": "linear"}
        if isinstance(m, nn.Sigmoid):
            return {"type": "sigmoid"}
        if isinstance(m, nn.ReLU):
            return {"type": "relu"}
        if isinstance(m, nn.Tanh):
            return {"type": "tanh"}
        if isinstance(m, M.PReLUChannel):
            return {"type": "prelu", "alpha": self.tensor(prefix + ".alpha", _np(m.alpha))}
        if isinstance(m, nn.PReLU):
            return {"type": "prelu", "alpha": self.tensor(prefix + ".alpha", _np(m.weight).reshape(-1))}
        if isinstance(m, M.DiceDIN):
            return {"type": "dice", "alpha": self.tensor(prefix + ".alpha", _np(m.alpha)),
                    "bn": {"weight": self.tensor(prefix + ".beta", _np(m.beta)), "eps": m.eps}}
        if isinstance(m, M.DiceTorch):
            return {"type": "dice", "alpha": self.tensor(prefix + ".alpha", _np(m.alpha).reshape(-1)),
                    "bn": self.bn(prefix + ".bn", m.bn)}
        raise TypeError("no export for activation %r" % (m,))

    def layer(self, prefix, lin, act=None, bn_before=None, bn_after=None, bias=None):
        """A dense layer description (used by `dense` ops and attention layers)."""
        d = {"weight": self.tensor(prefix + ".weight", _np(lin.weight))}
        if lin.bias is not None:
            d["bias"] = self.tensor(prefix + ".bias", _np(lin.bias))
        elif bias is not None:
            d["bias"] = self.tensor(prefix + ".bias", _np(bias))
        if bn_before is not None:
            d["batch_norm_before"] = bn_before
        if bn_after is not None:
            d["batch_norm_after"] = bn_after
        if act is not None:  # an nn.Identity is written as an explicit {"type": "linear"}
            d["activation"] = self.act(prefix, act)
        return d

    def dense(self, out, inp, prefix, lin, act=None, bn_before=None, bn_after=None, bias=None):
        return self.op("dense", out, **{"in": inp}, **self.layer(prefix, lin, act, bn_before, bn_after, bias))

    def attention(self, out, query, keys, unit, prefix="att"):
        layers = [self.layer("%s.%d" % (prefix, k), lin, act) for k, (lin, act) in enumerate(zip(unit.linears, unit.acts))]
        layers.append(self.layer("%s.%d" % (prefix, len(unit.linears)), unit.out))
        kw = {"query": query, "keys": keys, "normalization": unit.normalization, "layers": layers}
        if unit.scale != 1.0:
            kw["scale"] = float(np.float32(unit.scale))
        return self.op("attention", out, **kw)

    def fcn(self, inp, fcn, out="logits"):
        self.dense("fc1", inp, "fc1", fcn.fc1, fcn.act1, bn_before=self.bn("bn1", fcn.bn1))
        self.dense("fc2", "fc1", "fc2", fcn.fc2, fcn.act2)
        self.dense(out, "fc2", "fc3", fcn.fc3)
        self.output = {"in": out, "type": "softmax2", "index": 0, "epsilon": 1e-8}

    def model_json(self):
        fields = {"user": self.fields["user"]} if self.fields["user"] else {}
        if self.history is not None:
            fields["history"] = self.history
        fields["candidate"] = self.fields["candidate"]
        return {"format": "interest-engine-model", "format_version": 1, "name": self.name,
                "reference": self.reference, "tables": self.tables, "fields": fields,
                "graph": self.graph, "output": self.output}

    def write(self, directory):
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "model.json"), "w") as f:
            f.write(to_json(self.model_json()))
            f.write("\n")
        st.save(os.path.join(directory, "weights.safetensors"), self.tensors)


def to_json(obj):
    """Pretty enough model.json: one op per line."""
    head = dict(obj)
    graph = head.pop("graph")
    output = head.pop("output")
    lines = ["{"]
    for k, v in head.items():
        lines.append("  %s: %s," % (json.dumps(k), json.dumps(v)))
    lines.append('  "graph": [')
    lines.append(",\n".join("    " + json.dumps(op) for op in graph))
    lines.append("  ],")
    lines.append('  "output": %s' % json.dumps(output))
    lines.append("}")
    return "\n".join(lines)


def round_tables_(model, dtype):
    """Rounds every embedding table to what an F16/BF16/I8 file holds (the engine reads them back as fp32)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Embedding):
                m.weight.copy_(torch.from_numpy(st.round_to(_np(m.weight), st.table_form(dtype))))


# --------------------------------------------------------------------------------------------------------
# One exporter per module class


def export_mouna99(m, name, table_dtype="F32", uid_oov=None):
    b = Builder(name, M.Mouna99.reference[m.kind], table_dtype)
    b.table("uid", m.emb_uid, uid_oov)
    b.table("mid", m.emb_mid)
    b.table("cat", m.emb_cat)
    b.field("user", "uid", "uid")
    b.set_history(m.T, "right")
    b.field("history", "hist_mid", "mid")
    b.field("history", "hist_cat", "cat")
    b.field("candidate", "mid", "mid")
    b.field("candidate", "cat", "cat")
    b.op("embedding", "u", field="uid")
    b.op("embedding", "h_mid", field="hist_mid")
    b.op("embedding", "h_cat", field="hist_cat")
    b.op("concat", "hist", **{"in": ["h_mid", "h_cat"]})
    b.op("embedding", "c_mid", field="mid")
    b.op("embedding", "c_cat", field="cat")
    b.op("concat", "item", **{"in": ["c_mid", "c_cat"]})
    b.op("pool", "his_sum", **{"in": "hist"}, mode="sum", masked=False)
    if m.kind == "din":
        b.op("mul", "item_his", **{"in": ["item", "his_sum"]})
        b.attention("att", "item", "hist", m.att)
        b.op("concat", "mlp_in", **{"in": ["u", "item", "his_sum", "item_his", "att"]})
    else:
        b.op("concat", "mlp_in", **{"in": ["u", "item", "his_sum"]})
    b.fcn("mlp_in", m.fcn)
    return b


def export_uic(m, name, table_dtype="F32"):
    b = Builder(name, M.UICBase.reference, table_dtype)
    b.table("emb", m.emb)
    b.set_history(m.T, "left")
    b.field("history", "hist_mid", "emb")
    b.field("history", "hist_cat", "emb")
    b.field("candidate", "mid", "emb")
    b.field("candidate", "cat", "emb")
    b.op("embedding", "h_mid", field="hist_mid")
    b.op("embedding", "h_cat", field="hist_cat")
    b.op("concat", "hist", **{"in": ["h_mid", "h_cat"]})
    b.op("embedding", "c_mid", field="mid")
    b.op("embedding", "c_cat", field="cat")
    b.op("concat", "item", **{"in": ["c_mid", "c_cat"]})
    b.op("pool", "his_sum", **{"in": "hist"}, mode="sum", masked=True)
    b.op("concat", "mlp_in", **{"in": ["item", "his_sum"]})
    b.fcn("mlp_in", m.fcn)
    return b


def export_zhougr(m, name, table_dtype="F32", hist_bn_stats=True):
    b = Builder(name, M.Zhougr.reference[m.kind], table_dtype)
    b.table("item", m.item_emb)
    b.table("cat", m.cate_emb)
    b.table("item_b", m.item_bias)
    n_item = m.item_emb.weight.shape[0]
    b.tensor("cate_list", m.cate_list.numpy().astype(np.int64), "I64")
    # item_b[i] is a lookup by the item id itself: a derived field through the identity map.
    b.tensor("item_ids", np.arange(n_item, dtype=np.int32), "I32")
    b.set_history(m.T, "right")
    b.field("history", "hist_item", "item")
    b.field("history", "hist_cat", "cat", derive={"from": "hist_item", "map": "cate_list"})
    b.field("candidate", "item", "item")
    b.field("candidate", "cat", "cat", derive={"from": "item", "map": "cate_list"})
    b.field("candidate", "item_b", "item_b", derive={"from": "item", "map": "item_ids"})
    b.op("embedding", "h_item", field="hist_item")
    b.op("embedding", "h_cat", field="hist_cat")
    b.op("concat", "h_emb", **{"in": ["h_item", "h_cat"]})
    b.op("embedding", "c_item", field="item")
    b.op("embedding", "c_cat", field="cat")
    b.op("concat", "i_emb", **{"in": ["c_item", "c_cat"]})
    if m.kind == "din":
        b.attention("hist_att", "i_emb", "h_emb", m.att)
        src = "hist_att"
    else:
        b.op("pool", "hist_mean", **{"in": "h_emb"}, mode="mean", masked=True, mean_eps=0.0)
        src = "hist_mean"
    b.dense("u", src, "hist_fc", m.hist_fc, bn_before=b.bn("hist_bn", m.hist_bn, stats=hist_bn_stats))
    if m.kind == "din":
        b.op("mul", "u_i", **{"in": ["u", "i_emb"]})
        b.op("concat", "din_i", **{"in": ["u", "i_emb", "u_i"]})
    else:
        b.op("concat", "din_i", **{"in": ["u", "i_emb"]})
    b.dense("f1", "din_i", "f1", m.f1, m.a1, bn_before=b.bn("b1", m.b1))
    b.dense("f2", "f1", "f2", m.f2, m.a2)
    b.dense("f3", "f2", "f3", m.f3)
    b.op("embedding", "i_b", field="item_b")
    b.op("add", "logit", **{"in": ["f3", "i_b"]})
    b.output = {"in": "logit", "type": "sigmoid"}
    return b


def export_deepctr(m, name, table_dtype="F32", user_oov=None):
    b = Builder(name, M.DeepCTRDIN.reference, table_dtype)
    for t in ["user", "gender", "item_id", "cate_id"]:
        b.table(t, m.emb[t], user_oov if t == "user" else None)
    b.field("user", "user", "user")
    b.field("user", "gender", "gender")
    b.field("user", "pay_score", dense=1)
    b.set_history(m.T, "right")
    b.field("history", "hist_item_id", "item_id")
    b.field("history", "hist_cate_id", "cate_id")
    b.field("candidate", "item_id", "item_id")
    b.field("candidate", "cate_id", "cate_id")
    b.field("candidate", "item_stats", dense=2)
    for f in ["user", "gender", "item_id", "cate_id", "hist_item_id", "hist_cate_id"]:
        b.op("embedding", "e_" + f, field=f)
    b.op("concat", "query", **{"in": ["e_item_id", "e_cate_id"]})
    b.op("concat", "keys", **{"in": ["e_hist_item_id", "e_hist_cate_id"]})
    b.attention("hist", "query", "keys", m.attention)
    b.op("dense_input", "d_pay_score", field="pay_score")
    b.op("dense_input", "d_item_stats", field="item_stats")
    b.op("concat", "dnn_in", **{"in": ["e_user", "e_gender", "e_item_id", "e_cate_id", "hist", "d_pay_score", "d_item_stats"]})
    x = "dnn_in"
    for k, lin in enumerate(m.linears):
        bn = b.bn("dnn.bn.%d" % k, m.bns[k]) if m.dnn_use_bn else None
        x = b.dense("dnn%d" % k, x, "dnn.%d" % k, lin, m.acts[k], bn_after=bn)
    b.dense("logit", x, "dnn_linear", m.dnn_linear, bias=m.out_bias)
    b.output = {"in": "logit", "type": "sigmoid"}
    return b


def export(model, name, **kw):
    if isinstance(model, M.Mouna99):
        return export_mouna99(model, name, **kw)
    if isinstance(model, M.UICBase):
        return export_uic(model, name, **kw)
    if isinstance(model, M.Zhougr):
        return export_zhougr(model, name, **kw)
    if isinstance(model, M.DeepCTRDIN):
        return export_deepctr(model, name, **kw)
    raise TypeError(type(model))
