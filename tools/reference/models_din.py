"""PyTorch re-implementations of the public Base (Embedding&MLP) and DIN models.

Written from /work/shared/reference/semantics.md (sections 1-3); every class names the public code it
reproduces. They compute in float32 and take already padded inputs, as the references do:

    inp = {field: LongTensor [B] (user/candidate id), LongTensor [B, T] (history, padded),
           FloatTensor [B, w] (dense field), "__len__": LongTensor [B] (history lengths)}

forward(inp) returns the click probability per row, shape [B]. Derived fields (the zhougr1993 category
looked up from the item id) are computed inside the module from its id map, as the reference does.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD_SCORE = -(2 ** 32) + 1  # the references' padding score


def seq_mask(lengths, T, left=False):
    """[B, T] bool: True at real positions (right padding: 0..len-1; left padding: T-len..T-1)."""
    ar = torch.arange(T).unsqueeze(0)
    lengths = lengths.unsqueeze(1)
    return ar >= (T - lengths) if left else ar < lengths


# ----------------------------------------------------------------------------------------------------------
# Building blocks


class PReLUChannel(nn.Module):
    """Original repositories' PReLU: max(0,x) + alpha*min(0,x), alpha per channel (init 0.1)."""

    def __init__(self, width, init=0.1):
        super().__init__()
        self.alpha = nn.Parameter(torch.full((width,), init))

    def forward(self, x):
        return torch.clamp(x, min=0) + self.alpha * torch.clamp(x, max=0)


class DiceDIN(nn.Module):
    """zhougr1993 din/Dice.py: p = sigmoid(beta * BN(x)), BN frozen at mean 0 / var 1 with eps 1e-3."""

    eps = 1e-3

    def __init__(self, width):
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(width))
        self.beta = nn.Parameter(torch.ones(width))

    def forward(self, x):
        p = torch.sigmoid(self.beta * (x / math.sqrt(1.0 + self.eps)))
        return self.alpha * (1.0 - p) * x + p * x


class DiceTorch(nn.Module):
    """DeepCTR-Torch layers/activation.py Dice: BatchNorm1d(eps=1e-8) with running statistics; for a
    [B, T, C] input (dim 3) the statistics are per channel C, and alpha has shape (C, 1)."""

    def __init__(self, width, dim=2, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.bn = nn.BatchNorm1d(width, eps=eps)
        self.alpha = nn.Parameter(torch.zeros((width,) if dim == 2 else (width, 1)))

    def forward(self, x):
        if self.dim == 2:
            p = torch.sigmoid(self.bn(x))
            return self.alpha * (1 - p) * x + p * x
        x = torch.transpose(x, 1, 2)
        p = torch.sigmoid(self.bn(x))
        out = self.alpha * (1 - p) * x + p * x
        return torch.transpose(out, 1, 2)


class DicePerSample(nn.Module):
    """mouna99/dien script/Dice.py scored one request at a time: the batch statistics of a single row give
    p = 0.5 exactly, so out = alpha*(1-p)*x + p*x = 0.5*(1+alpha)*x (tf-variables.md quirk 1). Variable
    dice_<k>/alphadice_<k>."""

    def __init__(self, width):
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(width))

    def forward(self, x):
        return self.alpha * 0.5 * x + 0.5 * x


def make_act(name, width, dice_dim=2):
    """Activation by name: sigmoid, relu, tanh, linear, prelu (per channel), prelu_scalar (nn.PReLU()),
    dice_din (zhougr1993), dice (DeepCTR-Torch)."""
    return {
        "sigmoid": lambda: nn.Sigmoid(),
        "relu": lambda: nn.ReLU(),
        "tanh": lambda: nn.Tanh(),
        "linear": lambda: nn.Identity(),
        "prelu": lambda: PReLUChannel(width),
        "prelu_scalar": lambda: nn.PReLU(),
        "dice_din": lambda: DiceDIN(width),
        "dice": lambda: DiceTorch(width, dim=dice_dim),
        "dice_per_sample": lambda: DicePerSample(width),
    }[name]()


class AttentionUnit(nn.Module):
    """The DIN activation unit: MLP over [q, k, q-k, q*k] -> raw score per position, then normalised.

    normalization "softmax": padded scores -> -2^32+1, times `scale`, softmax over T (zhougr1993 with
    scale 1/sqrt(d), mouna99 with scale 1, DeepCTR-Torch with att_weight_normalization=True).
    normalization "raw": padded scores -> 0, the raw scores weight the keys (DeepCTR-Torch default).
    """

    def __init__(self, d, hidden, acts, normalization="softmax", scale=1.0, dice_dim=3):
        super().__init__()
        self.linears = nn.ModuleList()
        self.acts = nn.ModuleList()
        w = 4 * d
        for h, a in zip(hidden, acts):
            self.linears.append(nn.Linear(w, h))
            self.acts.append(make_act(a, h, dice_dim=dice_dim))
            w = h
        self.out = nn.Linear(w, 1)
        self.normalization = normalization
        self.scale = scale

    def forward(self, q, keys, mask):
        qe = q.unsqueeze(1).expand_as(keys)
        x = torch.cat([qe, keys, qe - keys, qe * keys], dim=-1)
        for lin, act in zip(self.linears, self.acts):
            x = act(lin(x))
        s = self.out(x).squeeze(-1)  # [B, T]
        if self.normalization == "softmax":
            s = torch.where(mask, s, torch.full_like(s, PAD_SCORE))
            s = s * self.scale
            w = F.softmax(s, dim=-1)
        else:
            w = torch.where(mask, s, torch.zeros_like(s))
        return torch.matmul(w.unsqueeze(1), keys).squeeze(1)


def random_bn_(bn, gen, mean_scale=0.5):
    """Non-trivial running statistics and affine parameters, so that batch-norm folding is exercised."""
    w = bn.num_features
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(w, generator=gen) * mean_scale)
        bn.running_var.copy_(torch.rand(w, generator=gen) * 1.5 + 0.25)
        bn.weight.copy_(1.0 + 0.3 * torch.randn(w, generator=gen))
        bn.bias.copy_(0.2 * torch.randn(w, generator=gen))


def randomize_(module, gen, scale=0.5):
    """Random weights for golden fixtures: every parameter N(0, scale/sqrt(fan_in))-ish, BN statistics
    random, PReLU/Dice parameters in useful ranges."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.Linear):
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * (1.5 / math.sqrt(m.in_features)))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.3)
            elif isinstance(m, nn.Embedding):
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * scale)
            elif isinstance(m, nn.BatchNorm1d):
                random_bn_(m, gen)
            elif isinstance(m, (PReLUChannel, nn.PReLU)):
                p = m.alpha if isinstance(m, PReLUChannel) else m.weight
                p.copy_(torch.rand(p.shape, generator=gen) * 0.5 - 0.1)
            elif isinstance(m, DiceDIN):
                m.alpha.copy_(torch.rand(m.alpha.shape, generator=gen) * 0.6 - 0.1)
                m.beta.copy_(torch.rand(m.beta.shape, generator=gen) * 1.5 + 0.25)
            elif isinstance(m, DicePerSample):
                m.alpha.copy_(torch.rand(m.alpha.shape, generator=gen) * 0.6 - 0.3)
            elif isinstance(m, DiceTorch):
                m.alpha.copy_(torch.rand(m.alpha.shape, generator=gen) * 0.6 - 0.1)
        for name, p in module.named_parameters():
            if name.endswith("item_bias.weight") or name == "out_bias":
                p.copy_(torch.randn(p.shape, generator=gen) * 0.5)


class FCN(nn.Module):
    """mouna99 / UIC-Paper build_fcn_net: BN(eps 1e-3) -> 200 PReLU -> 80 PReLU -> 2; softmax[0] + 1e-8."""

    def __init__(self, in_width, hidden=(200, 80), act="prelu"):
        super().__init__()
        self.bn1 = nn.BatchNorm1d(in_width, eps=1e-3)
        self.fc1 = nn.Linear(in_width, hidden[0])
        self.act1 = make_act(act, hidden[0])
        self.fc2 = nn.Linear(hidden[0], hidden[1])
        self.act2 = make_act(act, hidden[1])
        self.fc3 = nn.Linear(hidden[1], 2)

    def logits(self, x):
        x = self.act1(self.fc1(self.bn1(x)))
        x = self.act2(self.fc2(x))
        return self.fc3(x)

    def forward(self, x):
        return F.softmax(self.logits(x), dim=-1)[:, 0] + 1e-8


# ----------------------------------------------------------------------------------------------------------
# Base and DIN, one class per public reference


class Mouna99(nn.Module):
    """mouna99/dien script/model.py Model_DNN (kind "dnn") and Model_DIN (kind "din").

    uid, mid, cat tables of `dim`; item = [mid, cat]; history = [hist_mid, hist_cat], right padded with
    id 0; his_sum sums ALL T positions (padding rows included). DNN input [uid, item, his_sum];
    DIN input [uid, item, his_sum, item*his_sum, att] with attention 80/40 sigmoid, mask, softmax, no scale.
    The script's Model_DIN uses Dice in the MLP (act="dice_per_sample"); Model_DNN uses PReLU (the default).
    """

    reference = {"dnn": "mouna99/dien script/model.py Model_DNN", "din": "mouna99/dien script/model.py Model_DIN"}

    def __init__(self, n_uid, n_mid, n_cat, dim=18, T=100, kind="din", hidden=(200, 80), att_hidden=(80, 40),
                 act="prelu"):
        super().__init__()
        self.kind, self.T, self.dim = kind, T, dim
        self.emb_uid = nn.Embedding(n_uid, dim)
        self.emb_mid = nn.Embedding(n_mid, dim)
        self.emb_cat = nn.Embedding(n_cat, dim)
        if kind == "din":
            self.att = AttentionUnit(2 * dim, att_hidden, ["sigmoid"] * len(att_hidden), "softmax", 1.0)
            width = 9 * dim
        else:
            width = 5 * dim
        self.fcn = FCN(width, hidden, act)

    def features(self, inp):
        u = self.emb_uid(inp["uid"])
        item = torch.cat([self.emb_mid(inp["mid"]), self.emb_cat(inp["cat"])], -1)
        hist = torch.cat([self.emb_mid(inp["hist_mid"]), self.emb_cat(inp["hist_cat"])], -1)
        his_sum = hist.sum(1)
        t_in = hist.shape[1]
        if t_in < self.T:
            # Training speed-up: a batch trimmed to its longest history. The unmasked sum still counts all T
            # positions, so the missing padding rows (id 0) are added back; masked attention weights there
            # are exactly 0, so the result equals the untrimmed forward.
            pad = torch.cat([self.emb_mid.weight[0], self.emb_cat.weight[0]])
            his_sum = his_sum + (self.T - t_in) * pad
        if self.kind == "din":
            mask = seq_mask(inp["__len__"], t_in)
            att = self.att(item, hist, mask)
            return torch.cat([u, item, his_sum, item * his_sum, att], -1)
        return torch.cat([u, item, his_sum], -1)

    def forward(self, inp):
        return self.fcn(self.features(inp))


class UICBase(nn.Module):
    """UIC-Paper/MIMN script/model.py Model_DNN: ONE shared table for item and category ids (cat ids live
    in the same id space), LEFT padding, history masked before the sum; MLP input [item, his_sum]."""

    reference = "UIC-Paper/MIMN script/model.py Model_DNN"

    def __init__(self, n_ids, dim=16, T=100, hidden=(200, 80)):
        super().__init__()
        self.T = T
        self.emb = nn.Embedding(n_ids, dim)
        self.fcn = FCN(4 * dim, hidden)

    def forward(self, inp):
        item = torch.cat([self.emb(inp["mid"]), self.emb(inp["cat"])], -1)
        mask = seq_mask(inp["__len__"], self.T, left=True).float().unsqueeze(-1)
        hist = torch.cat([self.emb(inp["hist_mid"]), self.emb(inp["hist_cat"])], -1) * mask
        return self.fcn(torch.cat([item, hist.sum(1)], -1))


class Zhougr(nn.Module):
    """zhougr1993/DeepInterestNetwork base_model/model.py (kind "base") and din/model.py (kind "din";
    act "dice_din" is the Dice variant, din/model_dice.py with din/Dice.py).

    Item embedding = [item_emb(i), cate_emb(cate_list[i])] (the category is looked up from the item id);
    no user embedding. base: masked MEAN of the history (sum / sl), BN, Dense(d) -> u; MLP input [u, item].
    din: attention (80/40 sigmoid, mask -2^32+1, scale 1/sqrt(d), softmax) over the UNMASKED history
    embeddings, BN, Dense(d) -> u; MLP input [u, item, u*item]. Then BN -> 80 act -> 40 act -> 1,
    plus the per-item bias item_b[i], sigmoid.

    The reference divides by sl, which gives NaN for an empty history; this module (and the engine)
    returns a zero mean there.
    """

    reference = {"base": "zhougr1993/DeepInterestNetwork base_model/model.py Model",
                 "din": "zhougr1993/DeepInterestNetwork din/model.py Model"}

    def __init__(self, n_item, n_cat, cate_list, half=8, T=100, kind="din", hidden=(80, 40), att_hidden=(80, 40),
                 act="sigmoid"):
        super().__init__()
        self.kind, self.T = kind, T
        d = 2 * half
        self.item_emb = nn.Embedding(n_item, half)
        self.cate_emb = nn.Embedding(n_cat, half)
        self.item_bias = nn.Embedding(n_item, 1)  # item_b, one value per item
        self.register_buffer("cate_list", torch.as_tensor(cate_list, dtype=torch.int64))
        if kind == "din":
            self.att = AttentionUnit(d, att_hidden, ["sigmoid"] * len(att_hidden), "softmax", 1.0 / math.sqrt(d))
        self.hist_bn = nn.BatchNorm1d(d, eps=1e-3)
        self.hist_fc = nn.Linear(d, d)
        w = 3 * d if kind == "din" else 2 * d
        self.b1 = nn.BatchNorm1d(w, eps=1e-3)
        self.f1 = nn.Linear(w, hidden[0])
        self.a1 = make_act(act, hidden[0])
        self.f2 = nn.Linear(hidden[0], hidden[1])
        self.a2 = make_act(act, hidden[1])
        self.f3 = nn.Linear(hidden[1], 1)

    def forward(self, inp):
        i, h, sl = inp["item"], inp["hist_item"], inp["__len__"]
        i_emb = torch.cat([self.item_emb(i), self.cate_emb(self.cate_list[i])], -1)
        h_emb = torch.cat([self.item_emb(h), self.cate_emb(self.cate_list[h])], -1)
        mask = seq_mask(sl, self.T)
        if self.kind == "din":
            hist = self.att(i_emb, h_emb, mask)
        else:
            s = (h_emb * mask.float().unsqueeze(-1)).sum(1)
            den = sl.float().unsqueeze(1)
            hist = torch.where(den > 0, s / torch.where(den > 0, den, torch.ones_like(den)), torch.zeros_like(s))
        u = self.hist_fc(self.hist_bn(hist))
        x = torch.cat([u, i_emb, u * i_emb] if self.kind == "din" else [u, i_emb], -1)
        x = self.a1(self.f1(self.b1(x)))
        x = self.a2(self.f2(x))
        logit = self.f3(x).squeeze(-1) + self.item_bias(i).squeeze(-1)
        return torch.sigmoid(logit)


class DeepCTRDIN(nn.Module):
    """shenweichen/DeepCTR-Torch v0.2.9 deepctr_torch/models/din.py DIN, with the feature columns

        SparseFeat user, SparseFeat gender, SparseFeat item_id, SparseFeat cate_id, DenseFeat pay_score (1),
        DenseFeat item_stats (2), VarLenSparseFeat hist_item_id / hist_cate_id (embedding_name item_id /
        cate_id, maxlen T, length_name seq_length); history_feature_list = [item_id, cate_id].

    query = [item_id, cate_id] embeddings, keys = the history embeddings, mask = arange(T) < length.
    Attention (AttentionSequencePoolingLayer / LocalActivationUnit): DNN over [q, k, q-k, q*k] with
    att_activation (Dice with dice_dim 3 by default), Linear(->1); weight_normalization False: padded
    scores 0, raw scores weight the keys; True: -2^32+1 and softmax.
    DNN input: [user, gender, item_id, cate_id embeddings, attention output, pay_score, item_stats];
    DNN: Linear -> (BatchNorm1d eps 1e-5 if dnn_use_bn) -> activation; dnn_linear Linear(no bias);
    PredictionLayer: + scalar bias, sigmoid.
    """

    reference = "shenweichen/DeepCTR-Torch deepctr_torch/models/din.py DIN"

    def __init__(self, n_user, n_gender, n_item, n_cat, dim=8, T=10, att_hidden=(64, 16), att_activation="dice",
                 att_weight_normalization=False, dnn_hidden=(256, 128), dnn_activation="relu", dnn_use_bn=False):
        super().__init__()
        self.T = T
        self.emb = nn.ModuleDict({
            "user": nn.Embedding(n_user, dim), "gender": nn.Embedding(n_gender, dim),
            "item_id": nn.Embedding(n_item, dim), "cate_id": nn.Embedding(n_cat, dim)})
        self.attention = AttentionUnit(2 * dim, att_hidden, [att_activation] * len(att_hidden),
                                       "softmax" if att_weight_normalization else "raw", 1.0, dice_dim=3)
        self.dnn_use_bn = dnn_use_bn
        self.linears = nn.ModuleList()
        self.bns = nn.ModuleList()
        self.acts = nn.ModuleList()
        w = 4 * dim + 2 * dim + 1 + 2
        for h in dnn_hidden:
            self.linears.append(nn.Linear(w, h))
            if dnn_use_bn:
                self.bns.append(nn.BatchNorm1d(h))
            self.acts.append(make_act(dnn_activation, h, dice_dim=2))
            w = h
        self.dnn_linear = nn.Linear(w, 1, bias=False)
        self.out_bias = nn.Parameter(torch.zeros((1,)))

    def forward(self, inp):
        e = self.emb
        sparse = [e["user"](inp["user"]), e["gender"](inp["gender"]), e["item_id"](inp["item_id"]),
                  e["cate_id"](inp["cate_id"])]
        query = torch.cat([e["item_id"](inp["item_id"]), e["cate_id"](inp["cate_id"])], -1)
        keys = torch.cat([e["item_id"](inp["hist_item_id"]), e["cate_id"](inp["hist_cate_id"])], -1)
        mask = seq_mask(inp["__len__"], self.T)
        hist = self.attention(query, keys, mask)
        x = torch.cat(sparse + [hist, inp["pay_score"], inp["item_stats"]], -1)
        for k, lin in enumerate(self.linears):
            x = lin(x)
            if self.dnn_use_bn:
                x = self.bns[k](x)
            x = self.acts[k](x)
        return torch.sigmoid(self.dnn_linear(x).squeeze(-1) + self.out_bias)
