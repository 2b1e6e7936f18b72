"""PyTorch references for DIEN in its two public forms, and their export to the engine's format.

mouna99 (mouna99/dien script/model.py, script/utils.py, script/rnn.py): TF GRUCell extractor (reset
before the matmul, [r, u] gates, u the keep fraction) run by dynamic_rnn with sequence_length (outputs
past the length zero, final state = state at len-1), din_fcn_attention (query projected by Dense + PReLU,
80/40 sigmoid MLP, -2^32+1 mask, softmax), then one of the model classes' evolutions:
  augru  Model_DIN_V2_Gru_Vec_attGru(_Neg)  VecAttGRUCell  u' = (1-a)u, h = u'h + (1-u')c
  agru   Model_DIN_V2_Gru_QA_attGru         QAAttGRUCell   h = (1-a)h + a c
  aigru  Model_DIN_V2_Gru_att_Gru           GRUCell over the extractor outputs scaled by a
  gru_att Model_DIN_V2_Gru_Gru_att          second GRUCell, then attention pooling of its outputs
MLP [uid, item, his_sum (unmasked), item*his_sum, interest] -> BN (frozen 0/1 statistics, eps 1e-3)
-> Dice -> Dice -> 2 -> softmax + 1e-8 (index 0). Dice is taken per sample (p = 0.5): a request scored
on its own, which is what the DIEN repository's batch-statistics Dice reduces to for one sample.

DeepCTR-Torch v0.2.9 (deepctr_torch/models/dien.py, layers/sequence.py): nn.GRU extractor packed by
length, AttentionSequencePoolingLayer (relu units, softmax), gru_type GRU / AIGRU / AGRU / AUGRU with
AGRUCell and AUGRUCell re-implemented as written there (AUGRU: u = a*sigmoid(i_z + h_z),
h' = (1-u)h + u n; both biases are the tensor stored as bias_hh, because AUGRUCell registers bias_hh under
the name bias_ih). Rows with an empty history get a zero interest state. DNN input
[interest, sparse embeddings in column order] -> relu DNN -> Linear(no bias) + bias -> sigmoid.

Everything is computed in float64 from float32 weights.
"""
import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seq_st import Builder, tf_cell, torch_cell

PAD = -2.0 ** 32 + 1
DT = torch.float64


def T(a):
    if isinstance(a, torch.Tensor):  # trainable parameters (make_examples_seq.py) keep their gradient
        return a.to(DT)
    return torch.as_tensor(np.asarray(a, dtype=np.float32), dtype=DT)


# ---------------------------------------------------------------------------------------------- cells
def tf_gru(p, prefix):
    """TF GRUCell: gates [x, h] @ kernel_g (in+H, 2H), candidate [x, r*h] @ kernel_c."""
    kg, bg, kc, bc = (T(p[prefix + k]) for k in ("/gates/kernel", "/gates/bias", "/candidate/kernel", "/candidate/bias"))

    def gates(x, h):
        v = torch.sigmoid(torch.cat([x, h], 1) @ kg + bg)
        r, u = v.chunk(2, 1)
        c = torch.tanh(torch.cat([x, r * h], 1) @ kc + bc)
        return u, c
    return gates


def mouna_step(gates, form):
    def step(x, h, a):
        u, c = gates(x, h)
        if form == "plain":
            return u * h + (1 - u) * c
        if form == "augru":  # VecAttGRUCell
            u = (1.0 - a) * u
            return u * h + (1 - u) * c
        if form == "agru":  # QAAttGRUCell
            return (1.0 - a) * h + a * c
        raise ValueError(form)
    return step


def dynamic_rnn(step, x, lengths, att=None):
    """tf dynamic_rnn with sequence_length: state copied through past the length, outputs zero there."""
    B, Tn, _ = x.shape
    H = None
    h, outs = None, []
    for t in range(Tn):
        a = att[:, t:t + 1] if att is not None else None
        if h is None:
            H = step.hidden
            h = torch.zeros(B, H, dtype=DT)
        nh = step(x[:, t], h, a)
        m = (lengths > t).to(DT).view(-1, 1)
        h = m * nh + (1 - m) * h
        outs.append(m * nh)
    return torch.stack(outs, 1), h


def with_hidden(step, H):
    step.hidden = H
    return step


# ------------------------------------------------------------------------------------------- mouna99
def mouna99_params(rng, n_uid, n_mid, n_cat, e, H, att, mlp):
    p = {}
    n = lambda *s, sd=0.5: rng.normal(0, sd, s).astype(np.float32)
    p["uid"], p["mid"], p["cat"] = n(n_uid, e), n(n_mid, e), n(n_cat, e)
    for g, xin in (("gru1", 2 * e), ("gru2", H)):
        p[g + "/gates/kernel"], p[g + "/gates/bias"] = n(xin + H, 2 * H), n(2 * H, sd=0.3) + 1.0  # TF inits gate bias at 1
        p[g + "/candidate/kernel"], p[g + "/candidate/bias"] = n(xin + H, H), n(H, sd=0.3)
    p["f1/kernel"], p["f1/bias"], p["prelu"] = n(2 * e, H), n(H, sd=0.3), rng.uniform(0.05, 0.4, H).astype(np.float32)
    w = 4 * H
    for i, k in enumerate(att + [1]):
        p["att%d/kernel" % i], p["att%d/bias" % i] = n(w, k), n(k, sd=0.3)
        w = k
    w = e + 2 * e + 2 * e + 2 * e + H
    p["bn/gamma"], p["bn/beta"] = rng.uniform(0.5, 1.5, w).astype(np.float32), n(w, sd=0.2)
    for i, k in enumerate(mlp + [2]):
        p["fc%d/kernel" % i], p["fc%d/bias" % i] = n(w, k, sd=0.4), n(k, sd=0.2)
        if i < len(mlp):
            p["dice%d" % i] = rng.uniform(-0.3, 0.3, k).astype(np.float32)
        w = k
    p["_sizes"] = dict(e=e, H=H, att=att, mlp=mlp)
    return p


def mouna99_attention(p, query, facts, lengths):
    q = T(query) @ T(p["f1/kernel"]) + T(p["f1/bias"])
    q = torch.clamp(q, min=0) + T(p["prelu"]) * torch.clamp(q, max=0)
    Tn = facts.shape[1]
    qs = q.unsqueeze(1).expand(-1, Tn, -1)
    x = torch.cat([qs, facts, qs - facts, qs * facts], -1)
    i = 0
    while "att%d/kernel" % (i + 1) in p:
        x = torch.sigmoid(x @ T(p["att%d/kernel" % i]) + T(p["att%d/bias" % i]))
        i += 1
    s = (x @ T(p["att%d/kernel" % i]) + T(p["att%d/bias" % i]))[..., 0]
    mask = torch.arange(Tn).view(1, -1) < lengths.view(-1, 1)
    s = torch.where(mask, s, torch.full_like(s, PAD))
    return torch.softmax(s, 1)


def mouna99_forward(p, form, uid, mid, cat, hmid, hcat, lengths):
    """Rows of (uid, candidate mid/cat, right-padded history [B, T] with id 0, lengths) -> P(click) [B]."""
    H = p["_sizes"]["H"]
    E = lambda name, ids: T(p[name])[torch.as_tensor(ids)]
    lengths = torch.as_tensor(lengths)
    u = E("uid", uid)
    item = torch.cat([E("mid", mid), E("cat", cat)], -1)
    hist = torch.cat([E("mid", hmid), E("cat", hcat)], -1)
    his_sum = hist.sum(1)  # unmasked: padding rows (id 0) are summed too
    rnn1, _ = dynamic_rnn(with_hidden(mouna_step(tf_gru(p, "gru1"), "plain"), H), hist, lengths)
    if form == "gru_att":
        rnn2, _ = dynamic_rnn(with_hidden(mouna_step(tf_gru(p, "gru2"), "plain"), H), rnn1, lengths)
        a = mouna99_attention(p, item, rnn2, lengths)
        interest = (a.unsqueeze(-1) * rnn2).sum(1)
    else:
        a = mouna99_attention(p, item, rnn1, lengths)
        if form == "aigru":
            _, interest = dynamic_rnn(with_hidden(mouna_step(tf_gru(p, "gru2"), "plain"), H), rnn1 * a.unsqueeze(-1), lengths)
        else:
            _, interest = dynamic_rnn(with_hidden(mouna_step(tf_gru(p, "gru2"), form), H), rnn1, lengths, att=a)
    x = torch.cat([u, item, his_sum, item * his_sum, interest], -1)
    if "bn/moving_mean" in p:  # stored statistics (a checkpoint's bn1/moving_*); absent: the frozen 0/1
        inv = T(p["bn/gamma"]) / torch.sqrt(T(p["bn/moving_variance"]) + 1e-3)
        x = (x - T(p["bn/moving_mean"])) * inv + T(p["bn/beta"])
    else:
        x = T(p["bn/gamma"]) * x / np.sqrt(1.0 + 1e-3) + T(p["bn/beta"])
    i = 0
    while "dice%d" % i in p:
        x = x @ T(p["fc%d/kernel" % i]) + T(p["fc%d/bias" % i])
        x = 0.5 * T(p["dice%d" % i]) * x + 0.5 * x  # Dice with p = 0.5 (per-sample statistics)
        i += 1
    x = x @ T(p["fc%d/kernel" % i]) + T(p["fc%d/bias" % i])
    return torch.softmax(x, -1)[:, 0] + 1e-8


def mouna99_export(p, form, out_dir, T_max, name):
    s = p["_sizes"]
    H = s["H"]
    refs = {"augru": "Model_DIN_V2_Gru_Vec_attGru (VecAttGRUCell)", "agru": "Model_DIN_V2_Gru_QA_attGru (QAAttGRUCell)",
            "aigru": "Model_DIN_V2_Gru_att_Gru", "gru_att": "Model_DIN_V2_Gru_Gru_att"}
    b = Builder(name, "mouna99/dien script/model.py " + refs[form] + ", Dice per sample")
    for t in ("uid", "mid", "cat"):
        b.table(t, p[t])
    b.fields["user"] = [{"name": "uid", "table": "uid"}]
    b.history = {"max_length": T_max, "padding": "right", "padding_id": 0,
                 "fields": [{"name": "hist_mid", "table": "mid"}, {"name": "hist_cat", "table": "cat"}]}
    b.fields["candidate"] = [{"name": "mid", "table": "mid"}, {"name": "cat", "table": "cat"}]
    for o, f in (("u", "uid"), ("h_mid", "hist_mid"), ("h_cat", "hist_cat"), ("c_mid", "mid"), ("c_cat", "cat")):
        b.op("embedding", o, field=f)
    b.op("concat", "hist", **{"in": ["h_mid", "h_cat"]})
    b.op("concat", "item", **{"in": ["c_mid", "c_cat"]})
    b.op("pool", "his_sum", **{"in": "hist"}, mode="sum", masked=False)
    b.op("mul", "item_his", **{"in": ["item", "his_sum"]})

    def cell(g):
        return tf_cell(b, g, p[g + "/gates/kernel"], p[g + "/gates/bias"], p[g + "/candidate/kernel"], p[g + "/candidate/bias"])
    b.op("gru", "ext", **{"in": "hist"}, hidden=H, cell=cell("gru1"))
    b.op("dense", "query", **{"in": "item"}, weight=b.t("att.query.weight", p["f1/kernel"].T), bias=b.t("att.query.bias", p["f1/bias"]),
         activation={"type": "prelu", "alpha": b.t("att.query.alpha", p["prelu"])})
    layers = b.att_layers(p)
    if form == "gru_att":
        b.op("gru", "ext2", **{"in": "ext"}, hidden=H, cell=cell("gru2"))
        b.op("attention", "interest", query="query", keys="ext2", normalization="softmax", layers=layers)
    else:
        b.op("attention", "alpha", query="query", keys="ext", normalization="softmax", layers=layers, **{"return": "weights"})
        af = {"augru": "augru_keep", "agru": "agru", "aigru": "aigru"}[form]
        b.op("gru", "interest", **{"in": "ext"}, hidden=H, cell=cell("gru2"), attention="alpha", attention_form=af, **{"return": "final"})
    b.op("concat", "mlp_in", **{"in": ["u", "item", "his_sum", "item_his", "interest"]})
    prev, i = "mlp_in", 0
    while "fc%d/kernel" % i in p:
        kw = {"weight": b.t("fc%d.weight" % i, p["fc%d/kernel" % i].T), "bias": b.t("fc%d.bias" % i, p["fc%d/bias" % i])}
        if i == 0:
            kw["batch_norm_before"] = {"weight": b.t("bn.weight", p["bn/gamma"]), "bias": b.t("bn.bias", p["bn/beta"]), "eps": 1e-3}
        if "dice%d" % i in p:
            kw["activation"] = {"type": "dice", "form": "per_sample", "alpha": b.t("fc%d.dice_alpha" % i, p["dice%d" % i])}
        out = "fc%d" % i if "dice%d" % i in p else "logits"
        b.op("dense", out, **{"in": prev}, **kw)
        prev = out
        i += 1
    b.write(out_dir, {"in": "logits", "type": "softmax2", "index": 0, "epsilon": 1e-8})


# ------------------------------------------------------------------------------------- DeepCTR-Torch
def torch_params(rng, n_user, n_item, n_cate, e_item, e_cate, e_user, att, dnn, gru_type, normalization=True):
    p = {}
    n = lambda *s, sd=0.5: rng.normal(0, sd, s).astype(np.float32)
    p["user"], p["item"], p["cate"] = n(n_user, e_user), n(n_item, e_item), n(n_cate, e_cate)
    E = e_item + e_cate
    for g in ("ext", "evo"):
        p[g + ".weight_ih"], p[g + ".weight_hh"] = n(3 * E, E), n(3 * E, E)
        p[g + ".bias_ih"], p[g + ".bias_hh"] = n(3 * E, sd=0.3), n(3 * E, sd=0.3)
    w = 4 * E
    for i, k in enumerate(att + [1]):
        p["att%d.weight" % i], p["att%d.bias" % i] = n(k, w), n(k, sd=0.3)
        w = k
    w = E + e_user + E
    for i, k in enumerate(dnn):
        p["dnn%d.weight" % i], p["dnn%d.bias" % i] = n(k, w, sd=0.4), n(k, sd=0.2)
        w = k
    p["linear.weight"], p["out.bias"] = n(1, w), n(1, sd=0.3)
    p["_sizes"] = dict(E=E, att=att, dnn=dnn, gru_type=gru_type, norm=normalization)
    return p


class AGRUCell(torch.nn.Module):
    """deepctr_torch/layers/sequence.py AGRUCell, as written (the update-gate third is unused)."""

    def __init__(self, w_ih, w_hh, b_ih, b_hh):
        super().__init__()
        self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh = w_ih, w_hh, b_ih, b_hh

    def forward(self, inputs, hx, att_score):
        gi = torch.nn.functional.linear(inputs, self.weight_ih, self.bias_ih)
        gh = torch.nn.functional.linear(hx, self.weight_hh, self.bias_hh)
        i_r, _, i_n = gi.chunk(3, 1)
        h_r, _, h_n = gh.chunk(3, 1)
        reset_gate = torch.sigmoid(i_r + h_r)
        new_state = torch.tanh(i_n + reset_gate * h_n)
        att_score = att_score.view(-1, 1)
        return (1. - att_score) * hx + att_score * new_state


class AUGRUCell(AGRUCell):
    """deepctr_torch/layers/sequence.py AUGRUCell: bias_ih IS bias_hh (register_parameter('bias_ih', self.bias_hh))."""

    def __init__(self, w_ih, w_hh, b_ih, b_hh):
        super().__init__(w_ih, w_hh, b_hh, b_hh)

    def forward(self, inputs, hx, att_score):
        gi = torch.nn.functional.linear(inputs, self.weight_ih, self.bias_ih)
        gh = torch.nn.functional.linear(hx, self.weight_hh, self.bias_hh)
        i_r, i_z, i_n = gi.chunk(3, 1)
        h_r, h_z, h_n = gh.chunk(3, 1)
        reset_gate = torch.sigmoid(i_r + h_r)
        update_gate = torch.sigmoid(i_z + h_z)
        new_state = torch.tanh(i_n + reset_gate * h_n)
        att_score = att_score.view(-1, 1)
        update_gate = att_score * update_gate
        return (1. - update_gate) * hx + update_gate * new_state


def dynamic_gru(cell, packed_x, packed_a, H):
    """deepctr_torch DynamicGRU.forward over packed sequences."""
    inputs, batch_sizes, sorted_indices, unsorted_indices = packed_x
    att_scores = packed_a.data
    hx = torch.zeros(int(batch_sizes[0]), H, dtype=DT)
    outputs = torch.zeros(inputs.size(0), H, dtype=DT)
    begin = 0
    for batch in batch_sizes:
        new_hx = cell(inputs[begin:begin + batch], hx[0:batch], att_scores[begin:begin + batch])
        outputs[begin:begin + batch] = new_hx
        hx = new_hx
        begin += batch
    return torch.nn.utils.rnn.PackedSequence(outputs, batch_sizes, sorted_indices, unsorted_indices)


def nn_gru(p, g, E):
    m = torch.nn.GRU(E, E, batch_first=True).to(DT)
    with torch.no_grad():
        m.weight_ih_l0.copy_(T(p[g + ".weight_ih"]))
        m.weight_hh_l0.copy_(T(p[g + ".weight_hh"]))
        m.bias_ih_l0.copy_(T(p[g + ".bias_ih"]))
        m.bias_hh_l0.copy_(T(p[g + ".bias_hh"]))
    return m


def torch_attention(p, query, keys, lengths, return_score):
    """AttentionSequencePoolingLayer with LocalActivationUnit (relu); weight_normalization from the params:
    True masks with -2^32+1 and takes the softmax, False gives padded positions 0 and keeps raw scores."""
    Tn = keys.shape[1]
    q = query.unsqueeze(1).expand(-1, Tn, -1)
    x = torch.cat([q, keys, q - keys, q * keys], -1)
    i = 0
    while "att%d.weight" % (i + 1) in p:
        x = torch.relu(torch.nn.functional.linear(x, T(p["att%d.weight" % i]), T(p["att%d.bias" % i])))
        i += 1
    s = torch.nn.functional.linear(x, T(p["att%d.weight" % i]), T(p["att%d.bias" % i]))[..., 0]
    mask = torch.arange(Tn).view(1, -1) < lengths.view(-1, 1)
    if p["_sizes"]["norm"]:
        s = torch.where(mask, s, torch.ones_like(s) * (-2 ** 32 + 1))
        s = torch.softmax(s, 1)
    else:
        s = torch.where(mask, s, torch.zeros_like(s))
    if return_score:
        return s
    return (s.unsqueeze(-1) * keys).sum(1)


def torch_forward(p, user, item, cate, hitem, hcate, lengths):
    s = p["_sizes"]
    E, gt = s["E"], s["gru_type"]
    Emb = lambda name, ids: T(p[name])[torch.as_tensor(ids)]
    lengths = torch.as_tensor(lengths)
    query = torch.cat([Emb("item", item), Emb("cate", cate)], -1)
    keys = torch.cat([Emb("item", hitem), Emb("cate", hcate)], -1)
    B, Tn, _ = keys.shape
    interest = torch.zeros(B, E, dtype=DT)
    mask = lengths > 0
    if mask.any():
        # InterestExtractor: rows with an empty history are dropped, the rest packed by length.
        k, L, qy = keys[mask], lengths[mask], query[mask]
        packed = pack_padded_sequence(k, L, batch_first=True, enforce_sorted=False)
        out, _ = nn_gru(p, "ext", E)(packed)
        ext, _ = pad_packed_sequence(out, batch_first=True, padding_value=0.0, total_length=Tn)
        if gt == "GRU":
            out2, _ = nn_gru(p, "evo", E)(pack_padded_sequence(ext, L, batch_first=True, enforce_sorted=False))
            ext2, _ = pad_packed_sequence(out2, batch_first=True, padding_value=0.0, total_length=Tn)
            res = torch_attention(p, qy, ext2, L, False)
        elif gt == "AIGRU":
            a = torch_attention(p, qy, ext, L, True)
            _, h = nn_gru(p, "evo", E)(pack_padded_sequence(ext * a.unsqueeze(-1), L, batch_first=True, enforce_sorted=False))
            res = h.squeeze(0)
        else:
            a = torch_attention(p, qy, ext, L, True)
            C = AGRUCell if gt == "AGRU" else AUGRUCell
            cell = C(T(p["evo.weight_ih"]), T(p["evo.weight_hh"]), T(p["evo.bias_ih"]), T(p["evo.bias_hh"]))
            o = dynamic_gru(cell, pack_padded_sequence(ext, L, batch_first=True, enforce_sorted=False),
                            pack_padded_sequence(a, L, batch_first=True, enforce_sorted=False), E)
            o, _ = pad_packed_sequence(o, batch_first=True, padding_value=0.0, total_length=Tn)
            last = torch.arange(Tn).repeat(o.shape[0], 1) == (L.view(-1, 1) - 1)
            res = o[last]
        interest[mask] = res
    x = torch.cat([interest, Emb("user", user), Emb("item", item), Emb("cate", cate)], -1)
    i = 0
    while "dnn%d.weight" % i in p:
        x = torch.relu(torch.nn.functional.linear(x, T(p["dnn%d.weight" % i]), T(p["dnn%d.bias" % i])))
        i += 1
    logit = torch.nn.functional.linear(x, T(p["linear.weight"])) + T(p["out.bias"])
    return torch.sigmoid(logit[:, 0])


def torch_export(p, out_dir, T_max, name):
    s = p["_sizes"]
    E, gt = s["E"], s["gru_type"]
    norm = "softmax" if s["norm"] else "raw"
    b = Builder(name, "DeepCTR-Torch v0.2.9 deepctr_torch/models/dien.py DIEN gru_type=%s (relu attention, %s)" % (gt, norm))
    for t in ("user", "item", "cate"):
        b.table(t, p[t])
    b.fields["user"] = [{"name": "user", "table": "user"}]
    b.history = {"max_length": T_max, "padding": "right", "padding_id": 0,
                 "fields": [{"name": "hist_item", "table": "item"}, {"name": "hist_cate", "table": "cate"}]}
    b.fields["candidate"] = [{"name": "item", "table": "item"}, {"name": "cate", "table": "cate"}]
    for o, f in (("u", "user"), ("c_item", "item"), ("c_cate", "cate"), ("h_item", "hist_item"), ("h_cate", "hist_cate")):
        b.op("embedding", o, field=f)
    b.op("concat", "query", **{"in": ["c_item", "c_cate"]})
    b.op("concat", "keys", **{"in": ["h_item", "h_cate"]})
    cell = lambda g, shared=None: torch_cell(b, g, p[g + ".weight_ih"], p[g + ".weight_hh"], p[g + ".bias_ih"], p[g + ".bias_hh"], shared)
    b.op("gru", "ext", **{"in": "keys"}, hidden=E, cell=cell("ext"))
    layers, i = [], 0
    while "att%d.weight" % i in p:
        l = {"weight": b.t("att.%d.weight" % i, p["att%d.weight" % i]), "bias": b.t("att.%d.bias" % i, p["att%d.bias" % i])}
        if "att%d.weight" % (i + 1) in p:
            l["activation"] = {"type": "relu"}
        layers.append(l)
        i += 1
    if gt == "GRU":
        b.op("gru", "ext2", **{"in": "ext"}, hidden=E, cell=cell("evo"))
        b.op("attention", "interest", query="query", keys="ext2", normalization=norm, layers=layers)
    else:
        b.op("attention", "alpha", query="query", keys="ext", normalization=norm, layers=layers, **{"return": "weights"})
        form = {"AIGRU": "aigru", "AGRU": "agru", "AUGRU": "augru_update"}[gt]
        # AUGRUCell's two biases are one tensor (the value stored as bias_hh): name it for both.
        c = cell("evo", "bias_hh" if gt == "AUGRU" else None)
        b.op("gru", "interest", **{"in": "ext"}, hidden=E, cell=c, attention="alpha", attention_form=form, **{"return": "final"})
    b.op("concat", "dnn_in", **{"in": ["interest", "u", "c_item", "c_cate"]})
    prev, i = "dnn_in", 0
    while "dnn%d.weight" % i in p:
        b.op("dense", "dnn%d" % i, **{"in": prev}, weight=b.t("dnn%d.weight" % i, p["dnn%d.weight" % i]),
             bias=b.t("dnn%d.bias" % i, p["dnn%d.bias" % i]), activation={"type": "relu"})
        prev = "dnn%d" % i
        i += 1
    b.op("dense", "logit", **{"in": prev}, weight=b.t("linear.weight", p["linear.weight"]), bias=b.t("out.bias", p["out.bias"]))
    b.write(out_dir, {"in": "logit", "type": "sigmoid"})
