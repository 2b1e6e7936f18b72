"""A model directory (model.json + weights.safetensors, docs/FORMAT.md) as a torch.nn.Module.

An interpreter of the engine's model format written independently of the engine, used to export any
model directory to ONNX with exactly its weights (the peer benchmark's inputs) and to check exported
models. Inputs are per-sample tensors named after the model's fields (see `input_spec`):
  user / candidate id fields: int64 [B]; dense fields: float32 [B, width];
  sequence id fields: int64 [B, T] (T: the max_length of the field's group), already padded with the group's
  padding id; `<group>_length`: int64 [B] per group masked by length (a format_version 1 model has one group,
  "history", so its input is `history_length`). Groups masked by id take no length input.
Output: float32 [B] scores.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

PAD_SCORE = -2.0 ** 32 + 1  # the mask value of every original DIN/DIEN attention

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

# -- ops of the deep recommendation family (docs/FORMAT.md), written from the format's text -----------
def _pairs(n):
    """(rows, cols) index lists of the field pairs i < j in row-major order."""
    rows = [i for i in range(n) for j in range(i + 1, n)]
    cols = [j for i in range(n) for j in range(i + 1, n)]
    return rows, cols


def _fields(v, op):
    """The op's list of field vectors as one [B, F, k] tensor."""
    xs = [v[i] for i in op["in"]]
    if len({int(x.shape[-1]) for x in xs}) != 1:
        raise ValueError("op '%s': fields of different widths %s" % (op["out"], [x.shape[-1] for x in xs]))
    return torch.stack(xs, dim=1)


def _pq(x):
    rows, cols = _pairs(x.shape[1])
    return x[:, rows], x[:, cols]  # [B, P, k] each


def _op_sum(gm, op, v):
    out = v[op["in"][0]]
    for name in op["in"][1:]:
        out = out + v[name]
    return out


def _op_reduce_sum(gm, op, v):
    return v[op["in"]].sum(dim=-1, keepdim=True)


def _op_flatten(gm, op, v):
    x = v[op["in"]]
    return x.reshape(x.shape[0], -1)


def _op_fm(gm, op, v):
    x = _fields(v, op)
    return 0.5 * (x.sum(1) ** 2 - (x * x).sum(1)).sum(-1, keepdim=True)


def _op_bi_interaction(gm, op, v):
    x = _fields(v, op)
    return 0.5 * (x.sum(1) ** 2 - (x * x).sum(1))


def _op_inner_product(gm, op, v):
    p, q = _pq(_fields(v, op))
    if op.get("reduce_sum", True):
        return (p * q).sum(-1)
    return (p * q).reshape(p.shape[0], -1)


def _op_outer_product(gm, op, v):
    p, q = _pq(_fields(v, op))
    K = gm._w[op["kernel"]]
    t = op["kernel_type"]
    if t == "mat":  # out[p] = sum_i q_i sum_j K[i, p, j] p_j
        kp = (p.unsqueeze(1) * K.unsqueeze(0)).sum(-1)  # [B, k_i, P]
        return (kp.transpose(1, 2) * q).sum(-1)
    if t == "vec":
        return (p * q * K.unsqueeze(0)).sum(-1)
    if t == "num":
        return (p * q).sum(-1) * K[:, 0].unsqueeze(0)
    raise ValueError("unknown kernel_type " + t)


def _op_cross(gm, op, v):
    x0 = v[op["in"]]
    W, b = gm._w[op["kernels"]], gm._w[op["bias"]]
    x = x0
    for l in range(W.shape[0]):
        if op["parameterization"] == "vector":
            x = x0 * (x @ W[l, :, 0]).unsqueeze(1) + b[l, :, 0] + x
        elif op["parameterization"] == "matrix":
            x = x0 * (x @ W[l].T + b[l, :, 0]) + x
        else:
            raise ValueError("unknown parameterization " + op["parameterization"])
    return x


def _op_cross_mix(gm, op, v):
    w = gm._w
    x0 = v[op["in"]]
    U, V, C, G, b = w[op["U"]], w[op["V"]], w[op["C"]], w[op["gating"]], w[op["bias"]]
    x = x0
    for l in range(U.shape[0]):
        g = torch.softmax(x @ G.T, dim=1)  # [B, E]
        mix = 0
        for e in range(U.shape[1]):
            t = torch.tanh(x @ V[l, e])          # V^T x: [B, r]
            t = torch.tanh(t @ C[l, e].T)         # C t
            o = x0 * (t @ U[l, e].T + b[l, :, 0])  # x0 * (U t + b)
            mix = mix + g[:, e:e + 1] * o
        x = mix + x
    return x


def _op_afm(gm, op, v):
    w = gm._w
    p, q = _pq(_fields(v, op))
    bi = p * q  # [B, P, k]
    h = torch.relu(bi @ w[op["attention_W"]] + w[op["attention_b"]])
    s = torch.softmax((h @ w[op["projection_h"]])[..., 0], dim=1)  # [B, P]
    return (s.unsqueeze(-1) * bi).sum(1) @ w[op["projection_p"]]


def _op_cin(gm, op, v):
    x0 = _fields(v, op)  # [B, m, k]
    B, m, k = x0.shape
    h = x0
    outs = []
    layers = op["layers"]
    for i, layer in enumerate(layers):
        W = gm._w[layer["weight"]]
        z = (h.unsqueeze(2) * x0.unsqueeze(1)).reshape(B, h.shape[1] * m, k)  # (h major, j minor)
        y = torch.matmul(W, z)
        if "bias" in layer:
            y = y + gm._w[layer["bias"]].unsqueeze(-1)
        y = gm._act(op.get("activation"), y.transpose(1, 2)).transpose(1, 2)  # per-channel alpha on the size axis
        size = y.shape[1]
        if op.get("split_half", False) and i != len(layers) - 1:
            h, direct = y[:, :size // 2], y[:, size // 2:]
        else:
            h, direct = y, y
        outs.append(direct)
    return torch.cat(outs, dim=1).sum(-1)


def _op_self_attention(gm, op, v):
    w = gm._w
    x = _fields(v, op)  # [B, F, d]
    B, F_, d = x.shape
    n = op["heads"]
    dh = d // n
    for layer in op["layers"]:
        def heads(t):
            return t.reshape(B, F_, n, dh).transpose(1, 2)  # [B, n, F, dh]
        q, k, val = (heads(x @ w[layer[key]]) for key in ("W_query", "W_key", "W_value"))
        s = q @ k.transpose(2, 3)
        if op.get("scaling", False):
            s = s / math.sqrt(dh)
        r = (torch.softmax(s, dim=-1) @ val).transpose(1, 2).reshape(B, F_, d)
        if "W_res" in layer:
            r = r + x @ w[layer["W_res"]]
        x = torch.relu(r)
    return x.reshape(B, F_ * d)


def _op_residual(gm, op, v):
    w = gm._w
    x = v[op["in"]]
    h = F.linear(x, w[op["weight1"]], w[op["bias1"]] if "bias1" in op else None)
    y = F.linear(torch.relu(h), w[op["weight2"]], w[op["bias2"]] if "bias2" in op else None)
    return torch.relu(x + y)


FAMILY_OPS = {"sum": _op_sum, "reduce_sum": _op_reduce_sum, "flatten": _op_flatten, "fm": _op_fm,
              "bi_interaction": _op_bi_interaction, "inner_product": _op_inner_product,
              "outer_product": _op_outer_product, "cross": _op_cross, "cross_mix": _op_cross_mix, "afm": _op_afm,
              "cin": _op_cin, "self_attention": _op_self_attention, "residual": _op_residual}


class GraphModule(torch.nn.Module):
    def __init__(self, model_dir, dtype=torch.float32):
        """dtype: float32 to export (the engine's precision), float64 to check fixtures (call
        torch.set_default_dtype(torch.float64) too, so that the states created on the fly match)."""
        super().__init__()
        with open(os.path.join(model_dir, "model.json")) as f:
            self.cfg = json.load(f)
        w = st.load(os.path.join(model_dir, "weights.safetensors"))
        self.dtype = dtype
        self._w = {k: torch.from_numpy(a) if a.dtype == np.int64 else torch.from_numpy(a.astype(np.float32)).to(dtype)
                   for k, (a, _) in w.items()}
        for t in self.cfg["tables"].values():
            a, dt = w[t["tensor"]]
            if dt == "I8":  # docs/FORMAT.md: x = scale[row] * q, one fp32 product as the engine computes it
                x = a.astype(np.float32) * w[t["tensor"] + ".scale"][0][:, None]
                self._w[t["tensor"]] = torch.from_numpy(x.astype(np.float32)).to(dtype)
        fields = self.cfg["fields"]
        if "sequences" in fields and "history" in fields:
            raise ValueError("fields: 'history' and 'sequences' are exclusive")
        # Sequence groups in declaration order; the v1 "history" object is one group named "history".
        seqs = fields["sequences"] if "sequences" in fields else (
            {"history": fields["history"]} if fields.get("history") else {})
        self.groups = {}
        for name, g in seqs.items():
            self.groups[name] = {"T": g["max_length"], "left": g.get("padding", "right") == "left",
                                 "pad": g.get("padding_id", 0), "mask": g.get("mask", "length"),
                                 "fields": [fd["name"] for fd in g["fields"]]}
        first = next(iter(self.groups.values()), None)
        # The first group's shape, for callers written for one history group.
        self.T = first["T"] if first else 0
        self.left = first["left"] if first else False
        self.fields = {}
        self.group_of = {}  # sequence field -> group name
        for g in ("user", "candidate"):
            for fd in fields.get(g, []):
                self.fields[fd["name"]] = (g, fd)
        for name, g in seqs.items():
            for fd in g["fields"]:
                self.fields[fd["name"]] = ("history", fd)
                self.group_of[fd["name"]] = name

    # -- inputs -------------------------------------------------------------------------------------
    def input_spec(self):
        """[(name, dtype, shape)] of the module's inputs, in forward() order (B is symbolic)."""
        spec = []
        for name, (g, fd) in self.fields.items():
            if "derive" in fd:
                continue
            if "dense" in fd:
                spec.append((name, torch.float32, ("B", fd["dense"])))
            elif g == "history":
                spec.append((name, torch.int64, ("B", self.groups[self.group_of[name]]["T"])))
            else:
                spec.append((name, torch.int64, ("B",)))
        for name in self.length_inputs():
            spec.append((name, torch.int64, ("B",)))
        return spec

    def length_inputs(self):
        """{input name: group} of the groups masked by length."""
        out = {}
        for name, g in self.groups.items():
            if g["mask"] == "length":
                key = name + "_length"
                if key in self.fields:
                    raise ValueError("length input '%s' of group '%s' collides with a field" % (key, name))
                out[key] = name
        return out

    # -- ops ----------------------------------------------------------------------------------------
    def _masks(self, named, ids):
        """{group: bool [B, T]}: real positions (by length, or where the group's first field != padding_id)."""
        masks = {}
        lengths = {g: named[k] for k, g in self.length_inputs().items()}
        for name, g in self.groups.items():
            T = g["T"]
            if g["mask"] == "id":
                masks[name] = ids[g["fields"][0]] != g["pad"]
                continue
            t = torch.arange(T).unsqueeze(0)
            n = lengths[name].unsqueeze(1)
            masks[name] = t >= (T - n) if g["left"] else t < n
        return masks

    def _bn(self, bn, x):
        w = self._w
        mean = w[bn["mean"]] if "mean" in bn else 0.0
        var = w[bn["var"]] if "var" in bn else 1.0
        g = w[bn["weight"]] if "weight" in bn else 1.0
        b = w[bn["bias"]] if "bias" in bn else 0.0
        eps = bn.get("eps", 1e-3)
        return g * (x - mean) / torch.sqrt(var + eps) + b if not isinstance(var, float) else g * (x - mean) / math.sqrt(var + eps) + b

    def _act(self, a, x):
        if a is None:
            return x
        t = a["type"]
        if t == "linear":
            return x
        if t == "relu":
            return torch.relu(x)
        if t == "sigmoid":
            return torch.sigmoid(x)
        if t == "tanh":
            return torch.tanh(x)
        if t == "prelu":
            al = self._w[a["alpha"]].reshape(-1)
            return torch.clamp(x, min=0) + al * torch.clamp(x, max=0)
        if t == "dice":
            al = self._w[a["alpha"]].reshape(-1)
            p = torch.full_like(x, 0.5) if a.get("form") == "per_sample" else torch.sigmoid(self._bn(a["bn"], x))
            return al * (1 - p) * x + p * x
        raise ValueError("unknown activation " + t)

    def _layer(self, l, x):
        if "batch_norm_before" in l:
            x = self._bn(l["batch_norm_before"], x)
        x = F.linear(x, self._w[l["weight"]], self._w[l["bias"]] if "bias" in l else None)
        if "batch_norm_after" in l:
            x = self._bn(l["batch_norm_after"], x)
        return self._act(l.get("activation"), x)

    def _attention(self, op, q, k, mask):
        T = k.shape[1]
        qe = q.unsqueeze(1).expand(-1, T, -1)
        x = torch.cat([qe, k, qe - k, qe * k], dim=-1)
        for l in op["layers"]:
            x = self._layer(l, x)
        s = x.squeeze(-1)
        use_mask = op.get("mask", True)
        if op["normalization"] == "softmax":
            if use_mask:
                s = torch.where(mask, s, torch.full_like(s, PAD_SCORE))
            s = torch.softmax(s * op.get("scale", 1.0), dim=-1)
        else:
            if use_mask:
                s = torch.where(mask, s, torch.zeros_like(s))
        if op.get("return", "pooled") == "weights":
            return s.unsqueeze(-1)
        return torch.bmm(s.unsqueeze(1), k).squeeze(1)

    def _cell(self, c, H):
        """GRU_CELL -> step(x, h) returning (g, cand): the keep gate and the candidate state."""
        w = self._w
        if c["style"] == "tf":
            wg, wc = w[c["gate_weight"]], w[c["candidate_weight"]]
            bg = w[c["gate_bias"]] if "gate_bias" in c else torch.zeros(2 * H)
            bc = w[c["candidate_bias"]] if "candidate_bias" in c else torch.zeros(H)

            def step(x, h):
                ru = torch.sigmoid(torch.cat([x, h], -1) @ wg.T + bg)
                r, u = ru[:, :H], ru[:, H:]
                return u, torch.tanh(torch.cat([x, r * h], -1) @ wc.T + bc)  # reset before the matmul
        else:
            wih, whh = w[c["weight_ih"]], w[c["weight_hh"]]
            bih = w[c["bias_ih"]] if "bias_ih" in c else torch.zeros(3 * H)
            bhh = w[c["bias_hh"]] if "bias_hh" in c else torch.zeros(3 * H)

            def step(x, h):
                gi, gh = x @ wih.T + bih, h @ whh.T + bhh
                r = torch.sigmoid(gi[:, :H] + gh[:, :H])
                z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
                return z, torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])  # reset after the matmul
        return step

    def _gru(self, op, x, mask, att):
        H = op["hidden"]
        step = self._cell(op["cell"], H)
        form = op.get("attention_form", "none")
        B, T = x.shape[0], x.shape[1]
        h = torch.zeros(B, H)
        outs = []
        for t in range(T):
            xt = x[:, t]
            a = att[:, t] if att is not None else None
            if form == "aigru":
                xt = xt * a
            g, c = step(xt, h)
            if form in ("none", "aigru"):
                hn = g * h + (1 - g) * c
            elif form == "augru_keep":
                k = (1 - a) * g
                hn = k * h + (1 - k) * c
            elif form == "augru_update":
                v = a * g
                hn = (1 - v) * h + v * c
            elif form == "agru":
                hn = (1 - a) * h + a * c
            else:
                raise ValueError("unknown attention_form " + form)
            real = mask[:, t].unsqueeze(1)
            h = torch.where(real, hn, h)
            outs.append(torch.where(real, hn, torch.zeros_like(hn)))
        return torch.stack(outs, 1) if op.get("return", "sequence") == "sequence" else h

    # -- MIMN (docs/FORMAT.md "mimn"), written from the format's text -------------------------------
    class _Mimn:
        def __init__(self, gm, op):
            w = gm._w
            self.op, self.m, self.D = op, op["slots"], op["memory_dim"]
            self.H, self.clip = op["controller_units"], op.get("clip", 20.0)
            self.r, self.sharpen = op.get("shift_range", 1), op.get("sharpen", 2.0)
            self.util_reg, self.util_scale = op.get("util_reg", False), op.get("util_scale", 400.0)
            self.ctrl = gm._cell(op["controller"], self.H)
            ind = op.get("induction")
            self.miu = gm._cell(ind["cell"], self.D) if ind else None
            self.o2p_w, self.o2p_b = w[op["o2p"]["weight"]], w[op["o2p"]["bias"]]
            self.o2o_w, self.o2o_b = w[op["o2o"]["weight"]], w[op["o2o"]["bias"]]
            self.init_read, self.init_M = torch.tanh(w[op["init_read"]]), torch.tanh(w[op["init_memory"]])
            self.key_M = torch.tanh(w[op["key_memory"]])

        def initial(self, B):
            m, D = self.m, self.D
            st = {"ctrl": torch.zeros(B, self.H), "read": self.init_read.expand(B, D),
                  "M": self.init_M.expand(B, m, D), "w_aggre": torch.zeros(B, m), "sum_aggre": torch.zeros(B, m, D)}
            if self.miu:
                st["miu"] = torch.zeros(B, m, D)
                st["miu_out"] = torch.zeros(B, m, D)
            return st

        def _address(self, k, beta, M):
            def cos(Mx):
                return (Mx @ k.unsqueeze(2))[..., 0] / (Mx.norm(dim=2) * k.norm(dim=1, keepdim=True) + 1e-8)
            K = 0.5 * (cos(self.key_M.expand_as(M)) + cos(M))
            e = torch.exp(beta.unsqueeze(1) * K)  # no max-subtraction, as the script (beta is bounded by the clip)
            return e / e.sum(1, keepdim=True)

        def _shift_sharpen(self, w, s, gamma):
            m, r = self.m, self.r
            s_full = torch.cat([s[:, :r + 1], torch.zeros(s.shape[0], m - 2 * r - 1), s[:, r + 1:]], 1)
            idx = (torch.arange(m).view(m, 1) - torch.arange(m).view(1, m)) % m  # [i, j] -> (i - j) mod m
            shifted = (w.unsqueeze(1) * s_full[:, idx]).sum(2)
            p = torch.pow(shifted, gamma.unsqueeze(1))
            return p / p.sum(1, keepdim=True)

        def step(self, x, st):
            D, r = self.D, self.r
            g, c = self.ctrl(torch.cat([x, st["read"]], 1), st["ctrl"])
            ctrl = g * st["ctrl"] + (1 - g) * c
            par_in = torch.cat([ctrl, st["w_aggre"] / self.util_scale], 1) if self.util_reg else ctrl
            par = torch.clamp(par_in @ self.o2p_w.T + self.o2p_b, -self.clip, self.clip)
            per = D + 3 + 2 * r + 1
            M, ws, aggre = st["M"], [], None
            for i in range(2):
                hp = par[:, i * per:(i + 1) * per]
                beta = (F.softplus(hp[:, D]) + 1) * self.sharpen
                w = self._address(torch.tanh(hp[:, :D]), beta, M)
                if i == 1:
                    if self.util_reg:
                        sft = torch.softmax(hp[:, D + 2:D + 3 + 2 * r], 1)
                        gamma = 2 * (F.softplus(hp[:, -1]) + 1) * self.sharpen
                        w = self._shift_sharpen(w, sft, gamma)
                        aggre = self._shift_sharpen(w, sft, gamma)  # the script applies it a second time here
                    else:
                        aggre = w
                ws.append(w)
            erase, add = par[:, 2 * per:2 * per + D], par[:, 2 * per + D:2 * per + 2 * D]
            read = (ws[0].unsqueeze(2) * M).sum(1)
            new = {"ctrl": ctrl, "read": read}
            if self.miu:
                sel = F.one_hot(torch.argmax(ws[0], 1), self.m).to(x.dtype).unsqueeze(2)  # ties: lowest index
                mx = (sel * M).sum(1)
                h = (sel * st["miu"]).sum(1)
                g, c = self.miu(torch.cat([x, mx], 1), h)
                o = (g * h + (1 - g) * c).unsqueeze(1)
                new["miu"] = sel * o + (1 - sel) * st["miu"]
                new["miu_out"] = sel * o
            wv, a = ws[1].unsqueeze(2), torch.tanh(add).unsqueeze(1)
            new["M"] = M * (1 - wv @ torch.sigmoid(erase).unsqueeze(1)) + wv @ a
            new["sum_aggre"] = st["sum_aggre"] + wv @ a
            new["w_aggre"] = st["w_aggre"] + aggre
            out = torch.clamp(torch.cat([ctrl, read], 1) @ self.o2o_w.T + self.o2o_b, -self.clip, self.clip)
            return out, new

        def run(self, x, mask):
            B, T = x.shape[0], x.shape[1]
            st, init = self.initial(B), self.initial(B)
            events = self.op.get("steps", "padded") == "events"
            reset = ("ctrl", "M", "sum_aggre") + (("miu",) if self.miu else ())
            for t in range(T):
                real = mask[:, t]
                xt = x[:, t] * real.unsqueeze(1).to(x.dtype)
                _, new = self.step(xt, st)
                for k in new:
                    rk = real.view((B,) + (1,) * (new[k].dim() - 1))
                    if events:  # only real events step
                        new[k] = torch.where(rk, new[k], st[k])
                    elif self.op.get("mask_flag", False) and k in reset:  # state after a padding step: initial
                        new[k] = torch.where(rk, new[k], init[k])
                st = new
            return st

    def forward(self, *inputs):
        spec = self.input_spec()
        named = {name: x for (name, _, _), x in zip(spec, inputs)}
        w = self._w
        ids = {}
        for name, (g, fd) in self.fields.items():
            if "derive" in fd:
                continue
            ids[name] = named[name]
        for name, (g, fd) in self.fields.items():
            if "derive" in fd:
                ids[name] = w[fd["derive"]["map"]][ids[fd["derive"]["from"]]]
        masks = self._masks(named, ids)
        tables = self.cfg["tables"]
        v = {}
        seq = {}  # sequence value -> its group (whose mask its positions follow)

        def group(name):
            if name not in seq:
                raise ValueError("value '%s' is not a sequence" % name)
            return seq[name]

        for op in self.cfg["graph"]:
            kind, out = op["op"], op["out"]
            if kind == "embedding":
                fd = self.fields[op["field"]][1]
                tb = tables[fd["table"]]
                x = ids[op["field"]]
                oov = tb.get("oov", "error")
                if isinstance(oov, dict):  # the table's default row replaces ids outside it
                    x = torch.where((x >= 0) & (x < tb["rows"]), x, torch.full_like(x, oov["default_row"]))
                v[out] = w[tb["tensor"]][x]
                if op["field"] in self.group_of:
                    seq[out] = self.group_of[op["field"]]
            elif kind == "dense_input":
                v[out] = named[op["field"]].to(self.dtype)
            elif kind == "concat":
                gs = {seq[i] for i in op["in"] if i in seq}
                if len(gs) > 1:
                    raise ValueError("concat '%s' joins sequences of groups %s" % (out, sorted(gs)))
                v[out] = torch.cat([v[i] for i in op["in"]], dim=-1)
                if gs:
                    seq[out] = gs.pop()
            elif kind in ("mul", "add"):
                a, b = (v[i] for i in op["in"])
                v[out] = a * b if kind == "mul" else a + b
                gs = [seq[i] for i in op["in"] if i in seq]
                if gs:
                    seq[out] = gs[0]
            elif kind == "pool":
                x = v[op["in"]]
                if op["masked"]:
                    m = masks[group(op["in"])].unsqueeze(-1).to(x.dtype)
                    x = x * m
                s = x.sum(dim=1)
                if op["mode"] == "mean":
                    # An empty sequence pools to zero (the engine's rule; the references would divide 0 by 0).
                    if op["masked"]:
                        den = m.sum(dim=1) + op.get("mean_eps", 0.0)
                        s = torch.where(den > 0, s / torch.where(den > 0, den, torch.ones_like(den)), torch.zeros_like(s))
                    else:
                        s = s / x.shape[1]
                v[out] = s
            elif kind == "max_pool":
                # SequencePoolingLayer(mode="max"): x − 1e9 (in float32) at masked positions, then the max over T.
                x = v[op["in"]]
                m = masks[group(op["in"])].unsqueeze(-1)
                shifted = (x.to(torch.float32) - 1e9).to(x.dtype)
                v[out] = torch.where(m, x, shifted).max(dim=1).values
            elif kind == "dense":
                v[out] = self._layer(op, v[op["in"]])
            elif kind == "attention":
                # An unmasked attention may read any [B, n, dim] value (e.g. MIMN's per-slot interests).
                g = group(op["keys"]) if op.get("mask", True) else seq.get(op["keys"])
                v[out] = self._attention(op, v[op["query"]], v[op["keys"]], masks.get(g))
                if op.get("return", "pooled") == "weights" and g is not None:
                    seq[out] = g
            elif kind == "mimn":
                mm = self._Mimn(self, op)
                st = mm.run(v[op["in"]], masks[group(op["in"])])
                v[out] = (mm, st)
                v[op["mean_memory"]] = st["sum_aggre"].mean(1)
                if op.get("induction"):
                    v[op["induction"]["out"]] = st["miu_out"]
            elif kind == "mimn_read":
                mm, st = v[op["state"]]
                v[out] = mm.step(v[op["query"]], st)[0]
            elif kind == "gru":
                g = group(op["in"])
                v[out] = self._gru(op, v[op["in"]], masks[g], v.get(op.get("attention")))
                if op.get("return", "sequence") == "sequence":
                    seq[out] = g
            elif kind in FAMILY_OPS:
                v[out] = FAMILY_OPS[kind](self, op, v)
            else:
                raise NotImplementedError("op '%s' is not in the torch interpreter yet" % kind)
        o = self.cfg["output"]
        x = v[o["in"]]
        if o["type"] == "sigmoid":
            return torch.sigmoid(x[:, 0])
        if o["type"] == "softmax2":
            return torch.softmax(x, dim=-1)[:, o.get("index", 0)] + o.get("epsilon", 0.0)
        return x[:, 0]
