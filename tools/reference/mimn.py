"""PyTorch reference for MIMN (UIC-Paper/MIMN script/mimn.py MIMNCell, script/model.py Model_MIMN) and its
export to the engine's format.

Followed line by line: controller TF GRUCell on [x, r_prev]; o2p dense (+ w_aggre/400 with util_reg) clipped
to +-20; per head [k | beta | g | s(3) | gamma]; k = tanh(k), beta = (softplus+1)*2; content addressing
against tanh(key_M) and the memory (exp without max-subtraction); write head shifted and sharpened with
util_reg, and w_aggre fed the capacity function applied a second time; read before write; erase/add write;
sum_aggre; Memory Induction Unit (top-1 slot by read weight, ties to the lowest index; one shared TF GRUCell
on [x, M_prev[slot]]; the output list holds only the selected slot's new state, every other row zero);
left padding with the embeddings multiplied by the mask; mask_flag resets controller, M, sum_aggre and
MIU states after padding steps (read vector and w_aggre are kept). Prediction: read_out = one more step
with the candidate as input, mean_memory = mean over slots of sum_aggre, MIU attention (80/40 sigmoid style,
softmax over all m rows, no mask), MLP [item, his_sum (masked), read_out, miu_att, mean_memory*item]
-> BN (frozen 0/1, eps 1e-3) -> PReLU -> PReLU -> 2 softmax + 1e-8.

steps="events" runs the cell over the real events only (the User Interest Center mode); its MIU output for
an empty history is all zero.
Computed in float64 from float32 weights. `stats` collects the smallest top-1 margin of the MIU choice so
that golden inputs can avoid near ties.
"""
import numpy as np
import torch

import dien
from seq_st import Builder, tf_cell

DT = torch.float64


def T(a):
    if isinstance(a, torch.Tensor):  # trainable parameters (make_examples_seq.py) keep their gradient
        return a.to(DT)
    return torch.as_tensor(np.asarray(a, dtype=np.float32), dtype=DT)


def params(rng, n_mid, e, H, m, att, mlp, util_reg, induction):
    p = {}
    n = lambda *s, sd=0.5: rng.normal(0, sd, s).astype(np.float32)
    D = 2 * e
    p["mid"] = n(n_mid, e)
    cells = [("controller", 2 * e + D, H)] + ([("miu", 2 * e + D, D)] if induction else [])
    for g, xin, hid in cells:
        p[g + "/gates/kernel"], p[g + "/gates/bias"] = n(xin + hid, 2 * hid), n(2 * hid, sd=0.3) + 1.0
        p[g + "/candidate/kernel"], p[g + "/candidate/bias"] = n(xin + hid, hid), n(hid, sd=0.3)
    P = 2 * (D + 6) + 2 * D
    p["o2p/kernel"], p["o2p/bias"] = n(H + (m if util_reg else 0), P, sd=1.0), n(P, sd=0.5)
    if util_reg:
        p["o2p/kernel"][H:] *= 40.0  # w_aggre/400 is small: make it matter
    p["o2o/kernel"], p["o2o/bias"] = n(H + D, H), n(H, sd=0.3)
    p["init_read"], p["init_M"], p["key_M"] = n(D), n(m, D, sd=0.3), n(m, D)
    if induction:
        w = 4 * D
        for i, k in enumerate(att + [1]):
            p["att%d/kernel" % i], p["att%d/bias" % i] = n(w, k), n(k, sd=0.3)
            w = k
    w = 2 * e + 2 * e + H + (D if induction else 0) + D
    p["bn/gamma"], p["bn/beta"] = rng.uniform(0.5, 1.5, w).astype(np.float32), n(w, sd=0.2)
    for i, k in enumerate(mlp + [2]):
        p["fc%d/kernel" % i], p["fc%d/bias" % i] = n(w, k, sd=0.4), n(k, sd=0.2)
        if i < len(mlp):
            p["prelu%d" % i] = rng.uniform(0.05, 0.4, k).astype(np.float32)
        w = k
    p["_sizes"] = dict(e=e, D=D, H=H, m=m, util_reg=util_reg, induction=induction)
    return p


def tf_gru(p, prefix):
    """The TF GRUCell of dien.py, returning the new state."""
    gates = dien.tf_gru(p, prefix)

    def cell(x, h):
        u, c = gates(x, h)
        return u * h + (1 - u) * c
    return cell


class Cell:
    """MIMNCell with one read and one write head (shift range 1, sharpen 2, clip 20)."""

    def __init__(self, p, stats):
        s = p["_sizes"]
        self.p, self.D, self.H, self.m = p, s["D"], s["H"], s["m"]
        self.util_reg, self.induction = s["util_reg"], s["induction"]
        self.controller = tf_gru(p, "controller")
        self.miu = tf_gru(p, "miu") if self.induction else None
        self.stats = stats

    def zero_state(self, B):
        D, m = self.D, self.m
        st = {"controller": torch.zeros(B, self.H, dtype=DT),
              "read": torch.tanh(T(self.p["init_read"])).expand(B, D).clone(),
              "M": torch.tanh(T(self.p["init_M"])).expand(B, m, D).clone(),
              "w_aggre": torch.zeros(B, m, dtype=DT), "sum_aggre": torch.zeros(B, m, D, dtype=DT)}
        if self.induction:
            st["miu_state"] = torch.zeros(B, m, D, dtype=DT)
        return st

    def addressing(self, k, beta, M):
        key_M = torch.tanh(T(self.p["key_M"])).expand_as(M)

        def cos(key, Mx):
            inner = (Mx @ key.unsqueeze(2))[..., 0]
            kn = torch.sqrt((key ** 2).sum(1, keepdim=True))
            Mn = torch.sqrt((Mx ** 2).sum(2))
            return inner / (Mn * kn + 1e-8)
        K = 0.5 * (cos(k, key_M) + cos(k, M))
        Ka = torch.exp(beta.unsqueeze(1) * K)
        return Ka / Ka.sum(1, keepdim=True)

    def capacity_overflow(self, w_g, s, gamma):
        m = self.m
        s = torch.cat([s[:, :2], torch.zeros(s.shape[0], m - 3, dtype=DT), s[:, -1:]], 1)
        t = torch.cat([torch.flip(s, [1]), torch.flip(s, [1])], 1)
        s_matrix = torch.stack([t[:, m - i - 1:m * 2 - i - 1] for i in range(m)], 1)
        w_ = (w_g.unsqueeze(1) * s_matrix).sum(2)
        w_sharpen = torch.pow(w_, gamma.unsqueeze(1))
        return w_sharpen / w_sharpen.sum(1, keepdim=True)

    def __call__(self, x, prev):
        D, m = self.D, self.m
        ctrl = self.controller(torch.cat([x, prev["read"]], 1), prev["controller"])
        par_in = torch.cat([ctrl, prev["w_aggre"] / 400.0], 1) if self.util_reg else ctrl
        par = torch.clamp(par_in @ T(self.p["o2p/kernel"]) + T(self.p["o2p/bias"]), -20, 20)
        per = D + 1 + 1 + 3 + 1
        heads = [par[:, 0:per], par[:, per:2 * per]]
        erase, add = par[:, 2 * per:2 * per + D], par[:, 2 * per + D:]
        M = prev["M"]
        w_list, write_weight = [], []
        for i, hp in enumerate(heads):
            k = torch.tanh(hp[:, 0:D])
            beta = (torch.nn.functional.softplus(hp[:, D]) + 1) * 2.0
            w = self.addressing(k, beta, M)
            if self.util_reg and i == 1:
                s = torch.softmax(hp[:, D + 2:D + 5], 1)
                gamma = 2 * (torch.nn.functional.softplus(hp[:, -1]) + 1) * 2.0
                w = self.capacity_overflow(w, s, gamma)
                write_weight.append(self.capacity_overflow(w, s, gamma))
            w_list.append(w)
        read = (w_list[0].unsqueeze(2) * M).sum(1)
        new = {"controller": ctrl, "read": read}
        outputs = None
        if self.induction:
            ch = w_list[0]
            top = torch.topk(ch, 2, 1).values
            self.stats["margin"] = min(self.stats.get("margin", 1.0), float((top[:, 0] - top[:, 1]).min()))
            ind = torch.argmax(ch, 1)  # first maximal index, as tf.nn.top_k
            mask_w = torch.nn.functional.one_hot(ind, m).to(DT)
            states, outputs = [], []
            for j in range(m):
                mj = mask_w[:, j:j + 1]
                o = self.miu(torch.cat([x, M[:, j] * mj], 1), prev["miu_state"][:, j])
                states.append(o * mj + prev["miu_state"][:, j] * (1 - mj))
                outputs.append(o * mj)  # channel_rnn_output stays zero: only the selected row is non-zero
            new["miu_state"] = torch.stack(states, 1)
            outputs = torch.stack(outputs, 1)
        w = w_list[1].unsqueeze(2)
        e = torch.sigmoid(erase).unsqueeze(1)
        a = torch.tanh(add).unsqueeze(1)
        new["M"] = M * (1 - w @ e) + w @ a
        new["sum_aggre"] = prev["sum_aggre"] + w @ a
        new["w_aggre"] = prev["w_aggre"] + (write_weight[0] if self.util_reg else w_list[1])
        read_output = torch.clamp(torch.cat([ctrl, read], 1) @ T(self.p["o2o/kernel"]) + T(self.p["o2o/bias"]), -20, 20)
        return read_output, new, outputs


def forward(p, mid, cat, hmid, hcat, lengths, mask_flag, steps, stats):
    """Rows of candidate (mid, cat) and LEFT-padded history [B, T] (id 0) with lengths -> P(click) [B]."""
    s = p["_sizes"]
    D, m = s["D"], s["m"]
    Emb = lambda ids: T(p["mid"])[torch.as_tensor(ids)]
    lengths = torch.as_tensor(lengths)
    B, Tn = np.asarray(hmid).shape
    mask = (torch.arange(Tn).view(1, -1) >= (Tn - lengths).view(-1, 1)).to(DT)
    item = torch.cat([Emb(mid), Emb(cat)], -1)
    hist = torch.cat([Emb(hmid), Emb(hcat)], -1) * mask.unsqueeze(-1)
    his_sum = hist.sum(1)
    cell = Cell(p, stats)
    if steps == "padded":
        state = cell.zero_state(B)
        begin = cell.zero_state(B)
        out_list = torch.zeros(B, m, D, dtype=DT)
        for t in range(Tn):
            _, state, ol = cell(hist[:, t], state)
            if s["induction"]:
                out_list = ol
            if mask_flag:
                mt = mask[:, t]
                for k in ("controller", "M", "sum_aggre") + (("miu_state",) if s["induction"] else ()):
                    shape = (B,) + (1,) * (state[k].dim() - 1)
                    state[k] = (1 - mt.view(shape)) * begin[k] + mt.view(shape) * state[k]
    else:
        # real events only, row by row (each row its own number of steps)
        rows = []
        for r in range(B):
            st = cell.zero_state(1)
            ol = torch.zeros(1, m, D, dtype=DT)
            L = int(lengths[r])
            for t in range(Tn - L, Tn):
                _, st, o = cell(hist[r:r + 1, t], st)
                if s["induction"]:
                    ol = o
            rows.append((st, ol))
        state = {k: torch.cat([st[k] for st, _ in rows], 0) for k in rows[0][0]}
        out_list = torch.cat([ol for _, ol in rows], 0)
    mean_memory = state["sum_aggre"].mean(1)
    read_out, _, _ = cell(item, state)
    parts = [item, his_sum, read_out]
    if s["induction"]:
        x = out_list
        q = item.unsqueeze(1).expand(-1, m, -1)
        z = torch.cat([q, x, q - x, q * x], -1)
        i = 0
        while "att%d/kernel" % (i + 1) in p:
            z = torch.sigmoid(z @ T(p["att%d/kernel" % i]) + T(p["att%d/bias" % i]))
            i += 1
        sc = torch.softmax((z @ T(p["att%d/kernel" % i]) + T(p["att%d/bias" % i]))[..., 0], 1)  # no mask
        parts.append((sc.unsqueeze(-1) * x).sum(1))
    parts.append(mean_memory * item)
    x = torch.cat(parts, -1)
    if "bn/moving_mean" in p:  # stored statistics (a checkpoint's bn1/moving_*); absent: the frozen 0/1
        inv = T(p["bn/gamma"]) / torch.sqrt(T(p["bn/moving_variance"]) + 1e-3)
        x = (x - T(p["bn/moving_mean"])) * inv + T(p["bn/beta"])
    else:
        x = T(p["bn/gamma"]) * x / np.sqrt(1.0 + 1e-3) + T(p["bn/beta"])
    i = 0
    while "prelu%d" % i in p:
        x = x @ T(p["fc%d/kernel" % i]) + T(p["fc%d/bias" % i])
        x = torch.clamp(x, min=0) + T(p["prelu%d" % i]) * torch.clamp(x, max=0)
        i += 1
    x = x @ T(p["fc%d/kernel" % i]) + T(p["fc%d/bias" % i])
    return torch.softmax(x, -1)[:, 0] + 1e-8


def export(p, out_dir, T_max, name, mask_flag, steps):
    s = p["_sizes"]
    D, H, m = s["D"], s["H"], s["m"]
    b = Builder(name, "UIC-Paper/MIMN script/model.py Model_MIMN (Mem_Induction=%d, Util_Reg=%d, mask_flag=%s), steps=%s"
                % (int(s["induction"]), int(s["util_reg"]), mask_flag, steps))
    b.table("mid", p["mid"])
    b.history = {"max_length": T_max, "padding": "left", "padding_id": 0,
                 "fields": [{"name": "hist_mid", "table": "mid"}, {"name": "hist_cat", "table": "mid"}]}
    b.fields["candidate"] = [{"name": "mid", "table": "mid"}, {"name": "cat", "table": "mid"}]
    for o, f in (("h_mid", "hist_mid"), ("h_cat", "hist_cat"), ("c_mid", "mid"), ("c_cat", "cat")):
        b.op("embedding", o, field=f)
    b.op("concat", "hist", **{"in": ["h_mid", "h_cat"]})
    b.op("concat", "item", **{"in": ["c_mid", "c_cat"]})
    b.op("pool", "his_sum", **{"in": "hist"}, mode="sum", masked=True)

    def cell(g):
        return tf_cell(b, "mimn." + g, p[g + "/gates/kernel"], p[g + "/gates/bias"], p[g + "/candidate/kernel"], p[g + "/candidate/bias"])
    op = dict(slots=m, memory_dim=D, controller_units=H, output_dim=H, clip=20, shift_range=1, sharpen=2,
              util_reg=bool(s["util_reg"]), util_scale=400, mask_flag=bool(mask_flag), steps=steps,
              controller=cell("controller"),
              o2p={"weight": b.t("mimn.o2p.weight", p["o2p/kernel"].T), "bias": b.t("mimn.o2p.bias", p["o2p/bias"])},
              o2o={"weight": b.t("mimn.o2o.weight", p["o2o/kernel"].T), "bias": b.t("mimn.o2o.bias", p["o2o/bias"])},
              init_read=b.t("mimn.init_read", p["init_read"]), init_memory=b.t("mimn.init_M", p["init_M"]),
              key_memory=b.t("mimn.key_M", p["key_M"]), mean_memory="mean_memory")
    if s["induction"]:
        op["induction"] = {"out": "miu", "cell": cell("miu")}
    b.op("mimn", "mimn_state", **{"in": "hist"}, **op)
    b.op("mimn_read", "read_out", state="mimn_state", query="item")
    parts = ["item", "his_sum", "read_out"]
    if s["induction"]:
        layers = b.att_layers(p)
        b.op("attention", "miu_att", query="item", keys="miu", normalization="softmax", mask=False, layers=layers)
        parts.append("miu_att")
    b.op("mul", "mem_item", **{"in": ["mean_memory", "item"]})
    parts.append("mem_item")
    b.op("concat", "mlp_in", **{"in": parts})
    prev, i = "mlp_in", 0
    while "fc%d/kernel" % i in p:
        kw = {"weight": b.t("fc%d.weight" % i, p["fc%d/kernel" % i].T), "bias": b.t("fc%d.bias" % i, p["fc%d/bias" % i])}
        if i == 0:
            kw["batch_norm_before"] = {"weight": b.t("bn.weight", p["bn/gamma"]), "bias": b.t("bn.bias", p["bn/beta"]), "eps": 1e-3}
        if "prelu%d" % i in p:
            kw["activation"] = {"type": "prelu", "alpha": b.t("fc%d.alpha" % i, p["prelu%d" % i])}
        out = "fc%d" % i if "prelu%d" % i in p else "logits"
        b.op("dense", out, **{"in": prev}, **kw)
        prev = out
        i += 1
    b.write(out_dir, {"in": "logits", "type": "softmax2", "index": 0, "epsilon": 1e-8})
